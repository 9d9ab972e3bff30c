// Recognises the image builds in a shell command line (what the user typed in a terminal, or a task's command):
// `docker build`, `docker buildx build`, `docker image build`, `docker builder build`, `podman build`,
// `docker compose build` / `up --build` (and `docker-compose`), `docker buildx bake`. Pure: words in, builds out;
// it runs nothing and reads no file. What it cannot know is said, never guessed: a value from a variable or a
// command substitution, a build arg taken from the terminal's environment, stdin as the Dockerfile or context, a
// remote context; a shell alias or function (`d build .`) it cannot see, so such a line is not a build to it.
import { isAbsolute, join, resolve } from 'node:path';
import type { Builder } from './core/shared/types';

export type BuildTool =
  'docker build' | 'docker buildx build' | 'docker image build' | 'podman build' | 'docker compose build' | 'docker compose up --build' | 'docker buildx bake';

interface Common {
  tool: BuildTool;
  /** The folder the command runs in (after any `cd` earlier in the line). */
  cwd: string;
  /** `--no-cache`: Docker runs every step, and the new keys are recorded all the same. */
  noCache: boolean;
  /** Build args with known values (`--build-arg A=1`, or `--build-arg A` with `A=1` set on the line). */
  buildArgs: Record<string, string>;
  /** `--builder NAME` (a buildx builder other than the default one keeps its own cache). */
  buildxBuilder?: string;
  /** `docker -H HOST` / `--context NAME` / DOCKER_HOST or DOCKER_CONTEXT set on the line: another daemon. */
  endpoint?: string;
  /** The whole simple command as typed (for the output channel). */
  text: string;
}

export interface DockerfileBuild extends Common {
  kind: 'dockerfile';
  /** Absolute. */
  context: string;
  /** Absolute; the context's Dockerfile (Containerfile first for podman) when no -f. */
  dockerfile: string;
  /** For podman without -f: the Containerfile or Dockerfile of the context, whichever exists. */
  dockerfileCandidates?: string[];
  target?: string;
  platform?: string;
  builder: Builder;
}

export interface ComposeBuild extends Common {
  kind: 'compose';
  /** `-f` files, absolute; empty: the default compose file of the project folder. */
  files: string[];
  /** `--project-directory`, absolute; default: cwd. */
  projectDirectory: string;
  /** Services named on the line; empty: every service that has a build. */
  services: string[];
}

export interface BakeBuild extends Common {
  kind: 'bake';
  /** `-f` files, absolute; empty: the default Bake/compose files of cwd. */
  files: string[];
  /** Targets or groups named; empty: `default`. */
  targets: string[];
  /** `--set` overrides (they change the build; said, not applied). */
  sets: string[];
}

/** A build the line runs that cannot be recorded, and why. */
export interface UnknownBuild {
  kind: 'unknown';
  tool: BuildTool;
  text: string;
  reason: string;
}

export type RecognisedBuild = DockerfileBuild | ComposeBuild | BakeBuild | UnknownBuild;

/** Longer command lines are not read (a pasted script, or hostile input). */
export const MAX_LINE = 64 * 1024;

export interface RecogniseOptions {
  /** For `~` in paths and a bare `cd`. Absent: such paths are unknown. */
  home?: string;
}

/** Every build the command line runs, in order. Empty when it runs none (or one hidden in an alias or a script). */
export function recogniseCommandLine(line: string, cwd: string, options: RecogniseOptions = {}): RecognisedBuild[] {
  const mentions = /\b(docker|podman|docker-compose)\b/.test(line);
  if (line.length > MAX_LINE)
    return mentions
      ? [
          {
            kind: 'unknown',
            tool: 'docker build',
            text: `${line.slice(0, 80)}…`,
            reason: `Layer Lens cannot tell what this builds: the command line is longer than ${MAX_LINE} characters`,
          },
        ]
      : [];
  const lexed = lex(line);
  // A line the shell would not run as it is (it waits for the quote to close): nothing is recognised from half of it.
  if (lexed.problem)
    return mentions
      ? [
          {
            kind: 'unknown',
            tool: 'docker build',
            text: line.trim().slice(0, 200),
            reason: `Layer Lens cannot tell what this builds: the line has ${lexed.problem}`,
          },
        ]
      : [];
  const out: RecognisedBuild[] = [];
  let dir: string | undefined = cwd;
  for (const words of lexed.commands) {
    if (words.length === 0) continue;
    const first = words[0];
    if (!first.dynamic && first.text === 'cd') {
      dir = changeDirectory(dir, words.slice(1), options.home);
      continue;
    }
    const found = recogniseSimple(words, dir, options.home);
    if (found) out.push(found);
  }
  return out;
}

// ---- shell words -------------------------------------------------------------------------------------------

interface Word {
  text: string;
  /** Contains an unquoted or double-quoted `$...` or a backquote: its value is the shell's, not known here. */
  dynamic: boolean;
}

const OPERATORS = new Set(['&&', '||', ';', '|', '&', '\n', '(', ')', '|&', ';;']);

/** Splits a POSIX shell line into simple commands of words (quotes, escapes, continuations, operators, comments). */
function lex(line: string): { commands: Word[][]; problem?: string } {
  const commands: Word[][] = [[]];
  let word: Word | undefined;
  const end = () => {
    if (word) commands[commands.length - 1].push(word);
    word = undefined;
  };
  const add = (s: string, dynamic = false) => {
    word ??= { text: '', dynamic: false };
    word.text += s;
    if (dynamic) word.dynamic = true;
  };
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line[i];
    if (c === '\\' && line[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\\' && line[i + 1] === '\r' && line[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      end();
      i++;
      continue;
    }
    if (c === '#' && !word) {
      while (i < n && line[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      add(line[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) return { commands, problem: 'an unterminated quote' };
      add(line.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    if (c === '"') {
      add('');
      i++;
      for (;;) {
        if (i >= n) return { commands, problem: 'an unterminated quote' };
        const d = line[i];
        if (d === '"') break;
        if (d === '\\' && i + 1 < n && '"\\$`\n'.includes(line[i + 1])) {
          if (line[i + 1] !== '\n') add(line[i + 1]);
          i += 2;
          continue;
        }
        if (d === '$' || d === '`') {
          const skip = substitution(line, i);
          if (skip < 0) return { commands, problem: 'an unterminated substitution' };
          add(line.slice(i, skip), true);
          i = skip;
          continue;
        }
        add(d);
        i++;
      }
      i++;
      continue;
    }
    if (c === '$' || c === '`') {
      const skip = substitution(line, i);
      if (skip < 0) return { commands, problem: 'an unterminated substitution' };
      add(line.slice(i, skip), true);
      i = skip;
      continue;
    }
    if (c === '>' || c === '<') {
      // A redirection: its file is not a word of the command (2>&1, >log, <in).
      if (word && /^\d+$/.test(word.text) && !word.dynamic) word = undefined;
      else end();
      i++;
      if (line[i] === '>' || line[i] === '&' || line[i] === '|') i++;
      if (/[\d-]/.test(line[i] ?? '') && line[i - 1] === '&') {
        while (/[\d-]/.test(line[i] ?? '')) i++;
        continue;
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      // The target file is not a word of the command: skip it (quotes included).
      while (i < n && !/[\s;&|()<>]/.test(line[i])) {
        const q = line[i];
        if (q === "'" || q === '"') {
          const close = line.indexOf(q, i + 1);
          if (close < 0) return { commands, problem: 'an unterminated quote' };
          i = close + 1;
        } else i += q === '\\' ? 2 : 1;
      }
      continue;
    }
    const two = line.slice(i, i + 2);
    if (OPERATORS.has(two)) {
      end();
      commands.push([]);
      i += 2;
      continue;
    }
    if (OPERATORS.has(c)) {
      end();
      commands.push([]);
      i++;
      continue;
    }
    add(c);
    i++;
  }
  end();
  return { commands };
}

/** The index after a `$VAR`, `${...}`, `$(...)`, `$((...))` or backquoted substitution starting at i; -1 if unterminated. */
function substitution(line: string, i: number): number {
  if (line[i] === '`') {
    const close = line.indexOf('`', i + 1);
    return close < 0 ? -1 : close + 1;
  }
  const next = line[i + 1];
  if (next === '{') {
    const close = line.indexOf('}', i + 2);
    return close < 0 ? -1 : close + 1;
  }
  if (next === '(') {
    let depth = 0;
    for (let j = i + 1; j < line.length; j++) {
      if (line[j] === '(') depth++;
      else if (line[j] === ')' && --depth === 0) return j + 1;
    }
    return -1;
  }
  let j = i + 1;
  if (/[?#@*$!0-9-]/.test(line[j] ?? '')) return j + 1;
  while (/[A-Za-z0-9_]/.test(line[j] ?? '')) j++;
  return j === i + 1 ? i + 1 : j;
}

function changeDirectory(dir: string | undefined, args: Word[], home: string | undefined): string | undefined {
  const target = args.find((a) => !a.text.startsWith('-') || a.text === '-');
  if (!target) return home;
  if (target.dynamic || target.text === '-') return undefined;
  const path = expandHome(target.text, home);
  if (path === undefined) return undefined;
  if (isAbsolute(path)) return resolve(path);
  return dir === undefined ? undefined : resolve(dir, path);
}

function expandHome(path: string, home: string | undefined): string | undefined {
  if (path === '~' || path.startsWith('~/')) return home === undefined ? undefined : join(home, path.slice(1));
  if (path.startsWith('~')) return undefined;
  return path;
}

// ---- commands ----------------------------------------------------------------------------------------------

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** Options of sudo that take a value. */
const SUDO_VALUE = new Set([
  '-u',
  '-g',
  '-p',
  '-C',
  '-D',
  '-r',
  '-t',
  '-U',
  '-T',
  '-h',
  '--user',
  '--group',
  '--prompt',
  '--chdir',
  '--role',
  '--type',
  '--other-user',
  '--host',
  '--command-timeout',
  '--close-from',
]);
/** Commands that run the rest of the line as a command. */
const WRAPPERS = new Set(['command', 'exec', 'time', 'nohup', 'builtin', 'noglob']);

interface Unwrapped {
  words: Word[];
  /** Variables set for the command (`A=1 docker ...`, `env A=1 docker ...`, `sudo A=1 ...`). */
  env: Record<string, string>;
  /** Variables set to a value the shell computes. */
  dynamicEnv: Set<string>;
  cwd: string | undefined;
}

function unwrap(words: Word[], cwd: string | undefined): Unwrapped | undefined {
  const env: Record<string, string> = {};
  const dynamicEnv = new Set<string>();
  let i = 0;
  const assignments = () => {
    for (;;) {
      const m = words[i] && ASSIGNMENT.exec(words[i].text);
      if (!m) return;
      if (words[i].dynamic) dynamicEnv.add(m[1]);
      else env[m[1]] = m[2];
      i++;
    }
  };
  for (let guard = 0; guard < 20 && i < words.length; guard++) {
    assignments();
    const w = words[i];
    if (!w || w.dynamic) return undefined;
    if (w.text === 'sudo' || w.text === 'doas') {
      i++;
      while (words[i]?.text.startsWith('-')) {
        const opt = words[i].text;
        i++;
        if (opt === '--') break;
        if (SUDO_VALUE.has(opt)) i++;
      }
      continue;
    }
    if (w.text === 'env') {
      i++;
      while (words[i]?.text.startsWith('-')) {
        const opt = words[i].text;
        i++;
        if (opt === '--') break;
        if (opt === '-i' || opt === '--ignore-environment') continue;
        if (opt === '-u' || opt === '--unset') {
          delete env[words[i]?.text ?? ''];
          i++;
          continue;
        }
        if (opt === '-C' || opt === '--chdir') {
          const to = words[i];
          cwd = to && !to.dynamic && cwd !== undefined ? resolve(cwd, to.text) : undefined;
          i++;
          continue;
        }
        if (opt.startsWith('--unset=')) continue;
        return undefined; // -S and others: a command line of its own
      }
      continue;
    }
    if (WRAPPERS.has(w.text)) {
      i++;
      while (words[i]?.text.startsWith('-')) i++;
      continue;
    }
    if (w.text === 'nice') {
      i++;
      if (words[i]?.text === '-n') i += 2;
      else if (/^-\d+$|^--adjustment=/.test(words[i]?.text ?? '')) i++;
      continue;
    }
    break;
  }
  return { words: words.slice(i), env, dynamicEnv, cwd };
}

/** The program's name without its folder (`/usr/bin/docker` → `docker`). */
function programOf(w: Word | undefined): string | undefined {
  if (!w || w.dynamic) return undefined;
  return w.text.slice(w.text.lastIndexOf('/') + 1);
}

class Args {
  i = 0;
  constructor(readonly words: Word[]) {}
  get done(): boolean {
    return this.i >= this.words.length;
  }
  peek(): Word | undefined {
    return this.words[this.i];
  }
  next(): Word | undefined {
    return this.words[this.i++];
  }
}

class Unknowable extends Error {}

/**
 * Reads options until the first operand (or the end): each value option's values by name (`--file`, `-f x`,
 * `-fx`, `--file=x`), each flag's last value. Stops at the first operand when `stopAtOperand`.
 */
function readOptions(
  args: Args,
  spec: { values: Record<string, string>; flags: Record<string, string> },
  stopAtOperand: boolean,
): { values: Map<string, Word[]>; flags: Map<string, boolean>; operands: Word[] } {
  const values = new Map<string, Word[]>();
  const flags = new Map<string, boolean>();
  const operands: Word[] = [];
  let onlyOperands = false;
  while (!args.done) {
    const w = args.peek() as Word;
    const t = w.text;
    if (onlyOperands || !t.startsWith('-') || t === '-') {
      if (stopAtOperand) break;
      operands.push(w);
      args.next();
      continue;
    }
    args.next();
    if (t === '--') {
      onlyOperands = true;
      continue;
    }
    const eq = t.startsWith('--') ? t.indexOf('=') : -1;
    const name = eq > 0 ? t.slice(0, eq) : t;
    if (w.dynamic && eq < 0) throw new Unknowable(`the option ${t} comes from a variable`);
    const valueKey = spec.values[name];
    if (valueKey) {
      const value: Word | undefined = eq > 0 ? { text: t.slice(eq + 1), dynamic: w.dynamic } : args.next();
      if (!value) throw new Unknowable(`${name} has no value`);
      push(values, valueKey, value);
      continue;
    }
    const flagKey = spec.flags[name];
    if (flagKey) {
      const v = eq > 0 ? t.slice(eq + 1).toLowerCase() : 'true';
      flags.set(flagKey, v !== 'false' && v !== '0');
      continue;
    }
    // A short option with its value attached (`-fci/Dockerfile`, `-tapp:1`).
    if (!t.startsWith('--') && t.length > 2 && spec.values[t.slice(0, 2)]) {
      const key = spec.values[t.slice(0, 2)];
      push(values, key, { text: t.slice(2), dynamic: w.dynamic });
      continue;
    }
    throw new Unknowable(`it does not know the option ${name}, so cannot tell its context from its values`);
  }
  return { values, flags, operands };
}

function push(values: Map<string, Word[]>, key: string, value: Word): void {
  const list = values.get(key);
  if (list) list.push(value);
  else values.set(key, [value]);
}

const opt = (names: string[], key: string) => Object.fromEntries(names.map((n) => [n, key]));

const DOCKER_GLOBAL = {
  values: {
    ...opt(['-c', '--context'], 'context'),
    ...opt(['-H', '--host'], 'host'),
    ...opt(['--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey'], 'ignored'),
  },
  flags: opt(['-D', '--debug', '--tls', '--tlsverify'], 'ignored'),
};

const BUILD_OPTIONS = {
  values: {
    ...opt(['-f', '--file'], 'file'),
    ...opt(['--target'], 'target'),
    ...opt(['--build-arg'], 'buildArg'),
    ...opt(['--platform'], 'platform'),
    ...opt(['--builder'], 'builder'),
    ...opt(['--build-context'], 'buildContext'),
    ...opt(
      [
        '-t',
        '--tag',
        '--progress',
        '--cache-from',
        '--cache-to',
        '-o',
        '--output',
        '--secret',
        '--ssh',
        '--label',
        '--network',
        '--add-host',
        '--iidfile',
        '--metadata-file',
        '--shm-size',
        '--ulimit',
        '--cgroup-parent',
        '--isolation',
        '-m',
        '--memory',
        '--memory-swap',
        '--cpu-shares',
        '--cpu-period',
        '--cpu-quota',
        '--cpuset-cpus',
        '--cpuset-mems',
        '--attest',
        '--sbom',
        '--provenance',
        '--annotation',
        '--call',
        '--allow',
        '--no-cache-filter',
        '--security-opt',
        '--build-arg-file',
        '--format',
        '-v',
        '--volume',
        '--jobs',
        '--layer-label',
        '--authfile',
        '--creds',
        '--cert-dir',
        '--sign-by',
        '--timestamp',
        '--arch',
        '--os',
        '--variant',
        '--userns',
        '--decryption-key',
        '--cpp-flag',
        '--retry',
        '--retry-delay',
        '--hooks-dir',
        '--runtime',
        '--from',
        '--tls-verify',
        '--ignorefile',
        '--env',
        '--unsetenv',
        '--unsetlabel',
      ],
      'ignored',
    ),
  },
  flags: {
    ...opt(['--no-cache'], 'noCache'),
    ...opt(
      [
        '--load',
        '--push',
        '--pull',
        '-q',
        '--quiet',
        '--rm',
        '--force-rm',
        '--squash',
        '--compress',
        '--disable-content-trust',
        '--debug',
        '-D',
        '--layers',
        '--no-hosts',
        '--omit-history',
        '--all-platforms',
        '--identity-label',
        '--stdin',
        '--check',
      ],
      'ignored',
    ),
  },
};

const COMPOSE_GLOBAL = {
  values: {
    ...opt(['-f', '--file'], 'file'),
    ...opt(['--project-directory'], 'projectDirectory'),
    ...opt(['-p', '--project-name', '--profile', '--env-file', '--ansi', '--progress', '--parallel'], 'ignored'),
  },
  flags: opt(['--dry-run', '--compatibility', '--all-resources', '--verbose'], 'ignored'),
};
const COMPOSE_BUILD = {
  values: { ...opt(['--build-arg'], 'buildArg'), ...opt(['--builder'], 'builder'), ...opt(['--ssh', '-m', '--memory', '--progress'], 'ignored') },
  flags: {
    ...opt(['--no-cache'], 'noCache'),
    ...opt(['--pull', '--push', '-q', '--quiet', '--with-dependencies', '--check', '--no-rm', '--parallel', '--force-rm', '--compress'], 'ignored'),
  },
};
const COMPOSE_UP = {
  values: opt(
    ['--scale', '-t', '--timeout', '--exit-code-from', '--attach', '--no-attach', '--pull', '--wait-timeout', '--abort-on-container-failure'],
    'ignored',
  ),
  flags: {
    ...opt(['--build'], 'build'),
    ...opt(['--no-build'], 'noBuild'),
    ...opt(
      [
        '-d',
        '--detach',
        '--force-recreate',
        '--no-recreate',
        '--no-deps',
        '--remove-orphans',
        '-V',
        '--renew-anon-volumes',
        '--always-recreate-deps',
        '--abort-on-container-exit',
        '--no-color',
        '--no-log-prefix',
        '--no-start',
        '--quiet-pull',
        '--timestamps',
        '--wait',
        '-w',
        '--watch',
        '-y',
        '--yes',
        '--menu',
        '--attach-dependencies',
      ],
      'ignored',
    ),
  },
};
const BAKE_OPTIONS = {
  values: {
    ...opt(['-f', '--file'], 'file'),
    ...opt(['--set'], 'set'),
    ...opt(['--builder'], 'builder'),
    ...opt(['--progress', '--metadata-file', '--provenance', '--sbom', '--call', '--allow'], 'ignored'),
  },
  flags: {
    ...opt(['--no-cache'], 'noCache'),
    ...opt(['--print', '--list'], 'print'),
    ...opt(['--pull', '--load', '--push', '--check', '--debug', '-D'], 'ignored'),
  },
};

function recogniseSimple(words: Word[], cwd: string | undefined, home: string | undefined): RecognisedBuild | undefined {
  const unwrapped = unwrap(words, cwd);
  if (!unwrapped) return undefined;
  const program = programOf(unwrapped.words[0]);
  if (program !== 'docker' && program !== 'podman' && program !== 'docker-compose') return undefined;
  const text = words.map((w) => w.text).join(' ');
  const args = new Args(unwrapped.words.slice(1));
  let tool: BuildTool = 'docker build';
  try {
    if (program === 'docker-compose') return composeBuild(args, unwrapped, text, home);
    const global = readOptions(args, DOCKER_GLOBAL, true);
    const endpoint = global.values.get('host')?.[0] ?? global.values.get('context')?.[0];
    if (endpoint?.dynamic) throw new Unknowable('the Docker host or context comes from a variable');
    const sub = args.next()?.text;
    let second: string | undefined;
    if (program === 'podman') {
      if (sub !== 'build' && !(sub === 'image' && args.peek()?.text === 'build')) return undefined;
      if (sub === 'image') args.next();
      tool = 'podman build';
    } else if (sub === 'build') tool = 'docker build';
    else if ((sub === 'image' || sub === 'builder') && args.peek()?.text === 'build') {
      args.next();
      tool = 'docker image build';
    } else if (sub === 'buildx') {
      const bx = readOptions(args, { values: opt(['--builder'], 'builder'), flags: opt(['--debug', '-D'], 'ignored') }, true);
      second = args.next()?.text;
      const builder = bx.values.get('builder')?.[0];
      if (second === 'build' || second === 'b') tool = 'docker buildx build';
      else if (second === 'bake' || second === 'f') tool = 'docker buildx bake';
      else return undefined;
      if (tool === 'docker buildx bake') return bakeBuild(args, unwrapped, text, builder, endpoint?.text);
      return dockerfileBuild(args, unwrapped, text, tool, builder, endpoint?.text, home);
    } else if (sub === 'compose') {
      tool = 'docker compose build';
      return composeBuild(args, unwrapped, text, home, endpoint?.text);
    } else return undefined;
    return dockerfileBuild(args, unwrapped, text, tool, undefined, endpoint?.text, home);
  } catch (e) {
    if (e instanceof Unknowable) return { kind: 'unknown', tool, text, reason: `Layer Lens cannot tell what this builds: ${e.message}` };
    throw e;
  }
}

function endpointOf(env: Unwrapped, given: string | undefined): string | undefined {
  if (given) return given;
  if (env.dynamicEnv.has('DOCKER_HOST') || env.dynamicEnv.has('DOCKER_CONTEXT')) throw new Unknowable('DOCKER_HOST or DOCKER_CONTEXT is set from a variable');
  return env.env.DOCKER_HOST ?? env.env.DOCKER_CONTEXT;
}

function pathOf(w: Word, cwd: string | undefined, home: string | undefined, what: string): string {
  if (w.dynamic) throw new Unknowable(`the ${what} ${w.text} comes from a variable`);
  const p = expandHome(w.text, home);
  if (p === undefined) throw new Unknowable(`the ${what} ${w.text} is in a home folder it cannot see`);
  if (isAbsolute(p)) return resolve(p);
  if (cwd === undefined) throw new Unknowable(`the folder it runs in is not known (a \`cd\` to a variable or \`-\`)`);
  return resolve(cwd, p);
}

function buildArgsOf(words: Word[] | undefined, env: Unwrapped): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of words ?? []) {
    const eq = w.text.indexOf('=');
    const name = eq < 0 ? w.text : w.text.slice(0, eq);
    if (w.dynamic) throw new Unknowable(`the build arg ${name} comes from a variable`);
    if (eq >= 0) {
      out[name] = w.text.slice(eq + 1);
      continue;
    }
    // `--build-arg NAME`: the value of NAME in the command's environment.
    if (env.dynamicEnv.has(name)) throw new Unknowable(`the build arg ${name} comes from a variable`);
    if (!Object.hasOwn(env.env, name)) throw new Unknowable(`the build arg ${name} takes its value from the terminal's environment, which it cannot see`);
    out[name] = env.env[name];
  }
  return out;
}

function isRemote(text: string): boolean {
  return /^(https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/)/.test(text) || /\.git(#.*)?$/.test(text);
}

function dockerfileBuild(
  args: Args,
  env: Unwrapped,
  text: string,
  tool: BuildTool,
  bxBuilder: Word | undefined,
  given: string | undefined,
  home: string | undefined,
): RecognisedBuild {
  const { values, flags, operands } = readOptions(args, BUILD_OPTIONS, false);
  const endpoint = endpointOf(env, given);
  if (operands.length === 0) throw new Unknowable('no build context is given');
  if (operands.length > 1) throw new Unknowable(`it names ${operands.length} contexts (${operands.map((o) => o.text).join(', ')})`);
  const ctxWord = operands[0];
  if (ctxWord.text === '-') throw new Unknowable('the context (or Dockerfile) comes from standard input');
  if (!ctxWord.dynamic && isRemote(ctxWord.text)) throw new Unknowable(`the context ${ctxWord.text} is remote`);
  const context = pathOf(ctxWord, env.cwd, home, 'context');
  const files = values.get('file') ?? [];
  const file = files[files.length - 1];
  if (file?.text === '-') throw new Unknowable('the Dockerfile comes from standard input');
  const dockerfile = file ? pathOf(file, env.cwd, home, 'Dockerfile') : join(context, tool === 'podman build' ? 'Containerfile' : 'Dockerfile');
  const target = last(values.get('target'));
  const platform = last(values.get('platform'));
  if (target?.dynamic || platform?.dynamic) throw new Unknowable('the target or platform comes from a variable');
  const builderWord =
    last(values.get('builder')) ?? bxBuilder ?? (env.env.BUILDX_BUILDER !== undefined ? { text: env.env.BUILDX_BUILDER, dynamic: false } : undefined);
  if (builderWord?.dynamic) throw new Unknowable('the builder comes from a variable');
  const classic = tool !== 'docker buildx build' && env.env.DOCKER_BUILDKIT === '0';
  return {
    kind: 'dockerfile',
    tool,
    cwd: env.cwd ?? context,
    text,
    context,
    dockerfile,
    ...(tool === 'podman build' && !file ? { dockerfileCandidates: [join(context, 'Containerfile'), join(context, 'Dockerfile')] } : {}),
    ...(target ? { target: target.text } : {}),
    ...(platform ? { platform: platform.text } : {}),
    buildArgs: buildArgsOf(values.get('buildArg'), env),
    noCache: flags.get('noCache') === true,
    builder: classic ? 'classic' : 'buildkit',
    ...(builderWord ? { buildxBuilder: builderWord.text } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

function last<T>(list: T[] | undefined): T | undefined {
  return list?.[list.length - 1];
}

function composeBuild(args: Args, env: Unwrapped, text: string, home: string | undefined, given?: string): RecognisedBuild | undefined {
  const global = readOptions(args, COMPOSE_GLOBAL, true);
  const sub = args.next()?.text;
  if (sub !== 'build' && sub !== 'up') return undefined;
  const own = readOptions(args, sub === 'build' ? COMPOSE_BUILD : COMPOSE_UP, false);
  if (sub === 'up' && (own.flags.get('build') !== true || own.flags.get('noBuild') === true)) return undefined;
  const tool: BuildTool = sub === 'build' ? 'docker compose build' : 'docker compose up --build';
  const endpoint = endpointOf(env, given);
  if (env.cwd === undefined) throw new Unknowable('the folder it runs in is not known (a `cd` to a variable or `-`)');
  const projectDirectory = global.values.get('projectDirectory')
    ? pathOf(last(global.values.get('projectDirectory')) as Word, env.cwd, home, 'project directory')
    : env.cwd;
  const files = (global.values.get('file') ?? []).map((w) => pathOf(w, env.cwd, home, 'compose file'));
  for (const s of own.operands) if (s.dynamic) throw new Unknowable(`the service ${s.text} comes from a variable`);
  const builder = last(own.values.get('builder'));
  return {
    kind: 'compose',
    tool,
    cwd: env.cwd,
    text,
    files,
    projectDirectory,
    services: own.operands.map((s) => s.text),
    buildArgs: buildArgsOf(own.values.get('buildArg'), env),
    noCache: own.flags.get('noCache') === true,
    ...(builder ? { buildxBuilder: builder.text } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}

function bakeBuild(args: Args, env: Unwrapped, text: string, bxBuilder: Word | undefined, given: string | undefined): RecognisedBuild | undefined {
  const { values, flags, operands } = readOptions(args, BAKE_OPTIONS, false);
  if (flags.get('print')) return undefined; // prints the definition, builds nothing
  const endpoint = endpointOf(env, given);
  if (env.cwd === undefined) throw new Unknowable('the folder it runs in is not known (a `cd` to a variable or `-`)');
  for (const t of operands) if (t.dynamic) throw new Unknowable(`the target ${t.text} comes from a variable`);
  const builder = last(values.get('builder')) ?? bxBuilder;
  return {
    kind: 'bake',
    tool: 'docker buildx bake',
    cwd: env.cwd,
    text,
    files: (values.get('file') ?? []).map((w) => pathOf(w, env.cwd, undefined, 'Bake file')),
    targets: operands.map((t) => t.text),
    sets: (values.get('set') ?? []).map((w) => w.text),
    buildArgs: {},
    noCache: flags.get('noCache') === true,
    ...(builder ? { buildxBuilder: builder.text } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
}
