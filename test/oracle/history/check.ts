// Static check of the real-history data files: is every state buildable with stand-in base images (whose RUNs do
// nothing), and which Dockerfile features does each repository exercise? No engine, no network.
//
//   node --import tsx test/oracle/history/check.ts [data/<owner>__<name>.json ...]   (default: every data file)
//
// Per state: the Dockerfile parses; no `ADD <url>`; FROM --platform only linux/amd64 or $BUILDPLATFORM /
// $TARGETPLATFORM; every FROM image resolves from ARG defaults (no --build-arg needed); no RUN --mount=type=ssh and
// no required secret; every local COPY/ADD source and every RUN --mount=type=bind source (without from=) is present in
// the context and not excluded by the ignore file. Prints one markdown row per repository (the README's table) and
// every problem; exits 1 when there is one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileIgnore } from '../../../server/src/core/context/dockerignore';
import { cleanPath, containsWildcards, goMatch } from '../../../server/src/core/context/glob';
import { flagValue, flagValues, parseDockerfile, type Instruction } from '../../../server/src/core/dockerfile/parse';
import { mountOptions } from '../../../server/src/core/dockerfile/stages';
import type { FileEntry, HistoryFile } from './extract';

const PLATFORM_ARGS = new Set(['BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT', 'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT']);
const ALLOWED_PLATFORMS = new Set(['linux/amd64', '$BUILDPLATFORM', '${BUILDPLATFORM}', '$TARGETPLATFORM', '${TARGETPLATFORM}']);

/** The automatic platform ARGs on a linux/amd64 machine. */
function platformValue(name: string): string {
  if (name.endsWith('PLATFORM')) return 'linux/amd64';
  if (name.endsWith('OS')) return 'linux';
  if (name.endsWith('ARCH')) return 'amd64';
  return '';
}

export interface StateReport {
  problems: string[];
  features: Set<string>;
  contextFiles: number;
  sentFiles: number;
}

/** `$X` / `${X}` / `${X:-d}` with the given values; undefined when a variable has no value. */
function expand(text: string, vars: Map<string, string | undefined>): string | undefined {
  let missing = false;
  const out = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced: string, op: string, word: string, bare: string) => {
      const name = braced ?? bare;
      const value = vars.get(name);
      if (op === '-') return value ? value : word;
      if (op === '+') return value ? word : '';
      if (value === undefined) {
        missing = true;
        return '';
      }
      return value;
    },
  );
  return missing ? undefined : out;
}

function argPairs(ins: Instruction): Array<[string, string | undefined]> {
  return ins.args
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => {
      const eq = w.indexOf('=');
      return eq < 0 ? [w, undefined] : [w.slice(0, eq), w.slice(eq + 1).replace(/^"(.*)"$/, '$1')];
    });
}

function envPairs(ins: Instruction): Array<[string, string]> {
  const words = ins.args.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const first = words[0];
  if (first !== undefined && words.length >= 2 && !first.includes('=')) return [[first, words.slice(1).join(' ')]];
  return words
    .filter((w) => w.includes('='))
    .map((w) => {
      const eq = w.indexOf('=');
      return [
        w.slice(0, eq),
        w
          .slice(eq + 1)
          .replace(/^"(.*)"$/, '$1')
          .replace(/^'(.*)'$/, '$1'),
      ];
    });
}

/** Checks one state, given every file of the context at that state. */
export function checkState(dockerfileText: string, ignoreText: string | null, files: Map<string, [string, string]>, dockerfileInContext?: string): StateReport {
  const problems: string[] = [];
  const features = new Set<string>();
  const parsed = parseDockerfile(dockerfileText);
  for (const d of parsed.diagnostics) if (d.severity === 'error') problems.push(`Dockerfile: ${d.message}`);
  const ignore = compileIgnore(ignoreText ?? undefined);
  problems.push(...ignore.problems);
  if (ignoreText !== null) features.add('ignore file');
  const sent: string[] = [];
  for (const path of files.keys()) {
    if (path === '.dockerignore' || path === dockerfileInContext || !ignore.matcher.matchesOrParentMatches(path)) sent.push(path);
  }
  const sentSet = new Set(sent);
  const exists = (source: string): boolean => {
    const s = cleanPath(source.replace(/^\/+/, ''));
    if (s === '.' || s === '') return true;
    if (containsWildcards(s)) {
      return sent.some((f) => {
        const parts = f.split('/');
        for (let n = 1; n <= parts.length; n++) if (goMatch(s, parts.slice(0, n).join('/')) === true) return true;
        return false;
      });
    }
    if (sentSet.has(s)) return true;
    const prefix = `${s}/`;
    return sent.some((f) => f.startsWith(prefix));
  };

  const globalArgs = new Map<string, string | undefined>();
  const stageNames: string[] = [];
  interface StageInfo {
    base: string;
    first: string;
  }
  const stages: StageInfo[] = [];
  let vars = new Map<string, string | undefined>();
  let seenFrom = false;
  if (/^#\s*syntax\s*=/im.test(dockerfileText.split(/\n(?!#)/)[0] ?? '')) features.add('# syntax= directive');
  for (const ins of parsed.instructions) {
    if (ins.heredocs.length > 0) features.add('heredoc');
    if (ins.flags.some((f) => f.name === 'chmod')) features.add('COPY --chmod');
    const where = `line ${ins.line} (${ins.keyword})`;
    if (ins.keyword === 'FROM') {
      seenFrom = true;
      const platform = flagValue(ins, 'platform');
      if (platform !== undefined) {
        if (!ALLOWED_PLATFORMS.has(platform)) problems.push(`${where}: --platform=${platform} is not linux/amd64, $BUILDPLATFORM or $TARGETPLATFORM`);
        if (/BUILDPLATFORM/.test(platform)) features.add('FROM --platform=$BUILDPLATFORM');
      }
      const words = ins.args.split(/\s+/).filter(Boolean);
      const scope = new Map(globalArgs);
      for (const p of PLATFORM_ARGS) scope.set(p, platformValue(p));
      const image = expand(words[0] ?? '', scope);
      if (image === undefined || image === '') problems.push(`${where}: the image "${words[0]}" needs a --build-arg (an ARG without default)`);
      const resolved = (image ?? words[0] ?? '').toLowerCase();
      if (resolved.includes('@sha256:')) features.add('digest-pinned base');
      if (stageNames.includes(resolved)) features.add('FROM <stage>');
      if (words[0] !== undefined && /\$\{?(TARGET|BUILD)/.test(words[0])) features.add('FROM name from a platform ARG');
      stages.push({ base: resolved, first: '' });
      if (words.length >= 3 && words[1].toLowerCase() === 'as') stageNames.push(words[2].toLowerCase());
      else stageNames.push(`#${stages.length - 1}`);
      vars = new Map();
      continue;
    }
    if (ins.keyword === 'ARG') {
      for (const [name, def] of argPairs(ins)) {
        if (PLATFORM_ARGS.has(name)) {
          features.add(`ARG ${name.startsWith('TARGET') ? 'TARGET*' : 'BUILD*'}`);
          vars.set(name, platformValue(name));
          continue;
        }
        const value = def === undefined ? (seenFrom ? globalArgs.get(name) : undefined) : expand(def, seenFrom ? vars : globalArgs);
        (seenFrom ? vars : globalArgs).set(name, value);
        if (def !== undefined) features.add('ARG default');
      }
      continue;
    }
    if (!seenFrom) continue;
    const stage = stages[stages.length - 1];
    if (stage.first === '') stage.first = `${ins.keyword} ${ins.flags.map((f) => `--${f.name}=${f.value ?? ''}`).join(' ')} ${ins.args}`;
    if (ins.keyword === 'ENV') {
      for (const [k, v] of envPairs(ins)) vars.set(k, expand(v, vars) ?? v);
      features.add('ENV');
      continue;
    }
    if (ins.keyword === 'RUN') {
      for (const m of flagValues(ins, 'mount')) {
        const o = mountOptions(m);
        const type = o.get('type') ?? 'bind';
        features.add(`RUN --mount=type=${type}`);
        if (type === 'ssh') problems.push(`${where}: RUN --mount=type=ssh`);
        if (type === 'secret' && o.get('required') === 'true') problems.push(`${where}: a required secret`);
        if (type === 'bind' && !o.has('from')) {
          const src = o.get('source') ?? o.get('src') ?? '.';
          const s = expand(src, vars);
          if (s === undefined) problems.push(`${where}: bind source "${src}" needs a --build-arg`);
          else if (!exists(s)) problems.push(`${where}: bind source "${s}" is not in the context (or is ignored)`);
        }
      }
      continue;
    }
    if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      const from = flagValue(ins, 'from');
      if (flagValue(ins, 'link') !== undefined) features.add('COPY --link');
      if (from !== undefined) {
        const ref = (expand(from, globalArgs) ?? from).toLowerCase();
        if (!stageNames.includes(ref) && !/^\d+$/.test(ref)) features.add('COPY --from=<image>');
        if (ref.includes('@sha256:')) features.add('digest-pinned base');
        continue;
      }
      const words = ins.json ?? ins.args.split(/\s+/).filter(Boolean);
      for (const src of words.slice(0, -1)) {
        if (src.startsWith('<<')) continue;
        if (/^(https?|git):\/\/|^git@/.test(src)) {
          problems.push(`${where}: ${ins.keyword} of a URL (${src})`);
          continue;
        }
        const s = expand(src, vars);
        if (s === undefined) problems.push(`${where}: source "${src}" needs a --build-arg`);
        else if (!exists(s)) problems.push(`${where}: source "${s}" is not in the context (or is ignored)`);
      }
    }
  }
  if (stages.length > 1) features.add('multi-stage');
  for (let i = 0; i < stages.length; i++) {
    for (let j = i + 1; j < stages.length; j++) {
      if (stages[i].base === stages[j].base && stages[i].first !== '' && stages[i].first === stages[j].first) features.add('same-prefix stages');
    }
  }
  return { problems, features, contextFiles: files.size, sentFiles: sent.length };
}

export interface RepoReport {
  repo: string;
  states: number;
  dockerfileVersions: number;
  features: Set<string>;
  problems: string[];
  lastFiles: number;
  lastSent: number;
  maxFiles: number;
}

export function checkHistory(h: HistoryFile): RepoReport {
  const problems: string[] = [];
  const features = new Set<string>();
  if (h.format !== 1) problems.push(`format ${String(h.format)} is not 1`);
  if (!/^[0-9a-f]{40}$/.test(h.states[0]?.commit ?? '')) problems.push('no states');
  const files = new Map<string, [string, string]>();
  const dfRel = h.context === '' ? h.dockerfile : h.dockerfile.startsWith(`${h.context}/`) ? h.dockerfile.slice(h.context.length + 1) : undefined;
  let last: StateReport | undefined;
  let maxFiles = 0;
  const texts = new Set<string>();
  h.states.forEach((s, i) => {
    if (i === 0 && Object.values(s.files).some((v) => v === null)) problems.push('state 0 removes files');
    for (const [path, entry] of Object.entries(s.files) as Array<[string, FileEntry]>) {
      if (entry === null) {
        if (!files.delete(path)) problems.push(`state ${i} (${s.commit.slice(0, 8)}): removes ${path}, which is not there`);
      } else files.set(path, entry);
    }
    texts.add(s.dockerfileText);
    const r = checkState(s.dockerfileText, s.ignoreText, files, dfRel);
    for (const p of r.problems) problems.push(`state ${i} (${s.commit.slice(0, 8)}): ${p}`);
    for (const f of r.features) features.add(f);
    maxFiles = Math.max(maxFiles, r.contextFiles);
    last = r;
  });
  if (maxFiles > 2000) problems.push(`the context has ${maxFiles} files at some state (over ~2,000)`);
  return {
    repo: h.repo,
    states: h.states.length,
    dockerfileVersions: texts.size,
    features,
    problems,
    lastFiles: last?.contextFiles ?? 0,
    lastSent: last?.sentFiles ?? 0,
    maxFiles,
  };
}

function main(): void {
  const dataDir = join(__dirname, 'data');
  const args = process.argv.slice(2);
  const paths = args.length
    ? args
    : readdirSync(dataDir)
        .filter((n) => n.endsWith('.json'))
        .sort()
        .map((n) => join(dataDir, n));
  let failed = false;
  let total = 0;
  const rows: string[] = [];
  for (const p of paths) {
    const h = JSON.parse(readFileSync(p, 'utf8')) as HistoryFile;
    const r = checkHistory(h);
    total += r.states;
    const first = h.states[0].commit.slice(0, 8);
    const lastCommit = h.states[h.states.length - 1].commit.slice(0, 8);
    rows.push(
      `| [${h.repo}](${h.url}) | ${h.license} | \`${h.dockerfile}\` | \`${h.context || '.'}\` | ${first}..${lastCommit} | ${r.states} (${r.dockerfileVersions} Dockerfile versions) | ${[...r.features].sort().join(', ')} | ${r.lastFiles} (${r.lastSent} sent) |`,
    );
    for (const problem of r.problems) {
      failed = true;
      console.error(`${h.repo}: ${problem}`);
    }
  }
  console.log('| repository | licence | Dockerfile | context | commits | states | features | context files at the last state |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(`\n${paths.length} repositories, ${total} states${failed ? ', PROBLEMS above' : ', no problem'}`);
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main();
