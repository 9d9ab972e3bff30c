// What each instruction's cache key is made of, per builder (cache-rules Part B).
// A step's key is a digest of its parent's key and these named parts; the names let a
// prediction say which part changed ("command changed", "ENV NODE_ENV changed").
import { flagValue, flagValues, type Instruction } from '../dockerfile/parse';
import { mountOptions, resolveStageRef, type Stage } from '../dockerfile/stages';
import { lazyProperty } from '../shared/lazy';
import { processWord, processWords } from '../dockerfile/words';
import type { SourceSelection } from '../shared/types';
import type { Reason } from './reason';
import { msg, type Message } from '../shared/message';
import { namedRead, namedSource, type KeyInputs, type StageState, type StepDefinition } from './keyInputs';
import { digest, recurringDigest } from './keyDigest';
import { applyState, expand, expansionVars, nameValues, PROXY_ARGS, resolvePath, runEnvironment, SIM } from './stageState';

export * from './keyInputs';
export * from './keyDigest';
export { cloneState, expansionVars, initialState, nameValues, PROXY_ARGS, resolvePath } from './stageState';

const META_KEYWORDS = new Set([
  'ENV',
  'ARG',
  'LABEL',
  'EXPOSE',
  'CMD',
  'ENTRYPOINT',
  'USER',
  'VOLUME',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
  'MAINTAINER',
  'ONBUILD',
]);

/** The key parts of one instruction, then the state change it makes. */
export function defineStep(ins: Instruction, state: StageState, stage: Stage, inputs: KeyInputs): StepDefinition {
  const def = inputs.builder === 'classic' ? defineClassic(ins, state, stage, inputs) : defineBuildkit(ins, state, stage, inputs);
  if (inputs.edited.has(ins.line) && def.kind === 'op') def.parts.edited = SIM;
  applyState(ins, state, inputs);
  const sels = def.selections;
  if (sels) {
    lazyProperty(def, 'reads', () => sels.flatMap((s) => s.paths));
    def.readCount = sels.reduce((n, s) => n + (s.count ?? s.paths.length), 0);
    if (sels.length === 1 && sels[0].changesSince) def.changesSince = sels[0].changesSince;
  }
  return def;
}

function defineBuildkit(ins: Instruction, state: StageState, stage: Stage, inputs: KeyInputs): StepDefinition {
  const base = { fromStages: [] as number[], problems: [] as Message[] };
  switch (ins.keyword) {
    case 'RUN':
      return { kind: 'op', layer: 'filesystem', ...runParts(ins, state, stage, inputs, base) };
    case 'COPY':
    case 'ADD':
      return { kind: 'op', layer: 'filesystem', ...copyParts(ins, state, stage, inputs, base) };
    case 'WORKDIR': {
      const path = resolvePath(state.workdir, expand(ins.args, state, inputs));
      if (path === '/') return { kind: 'meta', layer: 'metadata', parts: {}, ...base };
      const parts: Record<string, string> = { path, user: state.user ?? '' };
      if (inputs.buildArgs.SOURCE_DATE_EPOCH !== undefined) parts.epoch = inputs.buildArgs.SOURCE_DATE_EPOCH;
      return { kind: 'op', layer: 'filesystem', parts, ...base };
    }
    default:
      return { kind: META_KEYWORDS.has(ins.keyword) ? 'meta' : 'none', layer: META_KEYWORDS.has(ins.keyword) ? 'metadata' : 'none', parts: {}, ...base };
  }
}

function defineClassic(ins: Instruction, state: StageState, stage: Stage, inputs: KeyInputs): StepDefinition {
  const base = { fromStages: [] as number[], problems: [] as Message[] };
  const vars = expansionVars(state);
  const edited = inputs.edited.has(ins.line) ? SIM : '';
  switch (ins.keyword) {
    case 'RUN': {
      const r = runParts(ins, state, stage, inputs, base);
      for (const f of ins.flags) r.problems.push(msg('runFlagBuildkit', f.name));
      if (ins.heredocs.length) r.problems.push(msg('heredocBuildkit'));
      // Classic keys RUN by its cache text "|N a=1 b=2 cmd" with every in-scope ARG value (R11, C28).
      const argList = [...state.args]
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${v}`)
        .sort();
      const proxyPassed = Object.keys(inputs.buildArgs).some((k) => PROXY_ARGS.has(k.toLowerCase()));
      const prefix = argList.length || proxyPassed ? `|${argList.length} ${argList.join(' ')}` : '';
      const parts: Record<string, string> = { cmd: r.parts.cmd, '~shell': r.parts['~shell'] ?? '' };
      for (const k of Object.keys(r.parts)) if (k.startsWith('arg:')) parts[k] = r.parts[k];
      parts.argPrefix = prefix ? digest(prefix) : '';
      return { kind: 'op', layer: 'filesystem', parts, fromStages: [], problems: r.problems };
    }
    case 'COPY':
    case 'ADD': {
      const r = copyParts(ins, state, stage, inputs, base);
      for (const name of ['chmod', 'link', 'parents', 'exclude', 'checksum', 'keep-git-dir', 'unpack']) {
        if (flagValue(ins, name) !== undefined) r.problems.push(msg('flagBuildkit', ins.keyword, name));
      }
      return { kind: 'op', layer: 'filesystem', ...r };
    }
    case 'WORKDIR':
      return {
        kind: 'op',
        layer: 'filesystem',
        parts: { path: resolvePath(state.workdir, processWord(ins.args, vars, inputs.escape).value) + edited },
        ...base,
      };
    case 'ARG':
      // The ARG step's cache text uses the Dockerfile default, not --build-arg (R11).
      return { kind: 'op', layer: 'metadata', parts: { text: ins.args + edited }, ...base };
    case 'ONBUILD':
    case 'SHELL':
    case 'MAINTAINER':
    case 'STOPSIGNAL':
      return { kind: 'op', layer: 'metadata', parts: { text: normalizeWords(ins.json ? ins.json.join(' ') : ins.args) + edited }, ...base };
    case 'CMD':
    case 'ENTRYPOINT':
    case 'HEALTHCHECK':
      return {
        kind: 'op',
        layer: 'metadata',
        parts: { text: JSON.stringify(ins.json ?? [...state.shell, ins.args]) + JSON.stringify(ins.flags) + edited },
        ...base,
      };
    case 'ENV':
    case 'LABEL':
      return { kind: 'op', layer: 'metadata', parts: { text: JSON.stringify(nameValues(ins, vars, inputs.escape)) + edited }, ...base };
    case 'EXPOSE':
    case 'VOLUME':
    case 'USER':
      return {
        kind: 'op',
        layer: 'metadata',
        parts: { text: processWords(ins.json ? ins.json.join(' ') : ins.args, vars, inputs.escape).words.join(' ') + edited },
        ...base,
      };
    default:
      return { kind: 'none', layer: 'none', parts: {}, ...base };
  }
}

type PartsBase = { fromStages: number[]; problems: Message[]; named?: Array<{ name: string; selection: SourceSelection }>; external?: Reason };

function runParts(ins: Instruction, state: StageState, stage: Stage, inputs: KeyInputs, base: PartsBase) {
  const parts: Record<string, string> = {};
  const argv = ins.json ?? [...state.shell, ins.args];
  parts.cmd = digest(JSON.stringify(argv) + ins.heredocs.map((h) => `\n${h.name}${h.chomp ? '-' : ''}${h.expand ? '' : "'"}\n${h.content}`).join(''));
  if (!ins.json) parts['~shell'] = recurringDigest(JSON.stringify(state.shell));
  // The full environment is in the key (R7, R10, R11): ENV values, then ARG values not shadowed by ENV.
  for (const [k, v] of runEnvironment(state)) parts[k] = v;
  parts.cwd = state.workdir;
  parts.user = state.user ?? '';
  const network = flagValue(ins, 'network');
  if (network !== undefined) parts.network = network;
  const security = flagValue(ins, 'security');
  if (security !== undefined) parts.security = security;
  const selections: SourceSelection[] = [];
  const mounts: string[] = [];
  for (const value of flagValues(ins, 'mount')) {
    const opts = mountOptions(value);
    const type = opts.get('type') ?? 'bind';
    if (type === 'cache') {
      opts.delete('id');
      opts.delete('sharing');
    }
    let content = '';
    if (type === 'bind' || type === 'cache') {
      const from = opts.get('from');
      const named = from !== undefined ? namedSource(from, inputs.named) : undefined;
      if (named) {
        // A named context (R27): a folder mounts its files (the source path below it, like a context bind mount).
        if (named.kind === 'image') content = `image:${named.ref}`;
        else if (named.kind === 'unplanned' || named.kind === 'build') {
          const read = namedRead(named, parts);
          content = read.ref;
          base.external ??= read.external;
        } else {
          const source = opts.get('source') ?? opts.get('src');
          opts.delete('source');
          opts.delete('src');
          const sel = source === undefined ? named.context.whole() : named.context.select([source], { builder: inputs.builder, mount: true });
          content = `context:${named.name}`;
          parts[`named:${named.name}`] = sel.digest;
          (base.named ??= []).push({ name: named.name, selection: sel });
          base.problems.push(...sel.problems.map((p) => msg('namedContextProblem', named.name, p)));
        }
      } else if (from !== undefined) {
        const dep = resolveStageRef(from, inputs.stages, stage.index, inputs.named && new Set(Object.keys(inputs.named.values)));
        if (dep) base.fromStages.push(dep.index);
        content = dep ? `stage:${dep.index}` : `image:${from}`;
      } else if (type === 'bind') {
        // The mount's source path is not in the key, only the content it selects (exec.go CacheMap).
        const source = opts.get('source') ?? opts.get('src');
        opts.delete('source');
        opts.delete('src');
        const sel = source === undefined ? inputs.context.whole() : inputs.context.select([source], { builder: inputs.builder, mount: true });
        content = sel.digest;
        selections.push(sel);
        base.problems.push(...sel.problems);
      }
    }
    mounts.push(JSON.stringify([type, [...opts].sort(), content]));
  }
  if (mounts.length) parts.mounts = digest(mounts.join('\n'));
  return {
    parts,
    selections,
    fromStages: base.fromStages,
    problems: base.problems,
    ...(base.named ? { named: base.named } : {}),
    ...(base.external ? { external: base.external } : {}),
  };
}

function copyParts(ins: Instruction, state: StageState, stage: Stage, inputs: KeyInputs, base: PartsBase) {
  const vars = expansionVars(state);
  const words = ins.json ?? processWords(ins.args, vars, inputs.escape).words;
  const parts: Record<string, string> = {};
  const selections: SourceSelection[] = [];
  let external: Reason | undefined;
  if (words.length < 2) {
    base.problems.push(msg('copyNeedsSource', ins.keyword, ins.keyword));
  }
  const dest = words.length ? words[words.length - 1] : '';
  parts.dest = dest.startsWith('/')
    ? dest
    : resolvePath(state.workdir, dest) + (dest.endsWith('/') && !resolvePath(state.workdir, dest).endsWith('/') ? '/' : '');
  for (const name of ['chown', 'chmod', 'link', 'parents', 'checksum', 'keep-git-dir', 'unpack']) {
    const v = flagValue(ins, name);
    if (v !== undefined) parts[name] = name === 'chown' ? processWord(v, vars, inputs.escape).value : v;
  }
  const excludes = flagValues(ins, 'exclude');
  if (excludes.length) parts.exclude = JSON.stringify(excludes);
  parts.keyword = ins.keyword;
  const sources = words.slice(0, -1);
  const heredocSources = sources.filter((s) => /^\d*<<-?["']?[A-Za-z]/.test(s));
  if (heredocSources.length) {
    parts.heredoc = digest(ins.heredocs.map((h) => `${h.name}\n${h.content}`).join('\n'));
  }
  const fileSources = sources.filter((s) => !heredocSources.includes(s));
  const from = flagValue(ins, 'from');
  const named = from !== undefined ? namedSource(from, inputs.named) : undefined;
  if (named) {
    // A named context (R27): a folder is read like the build context (its own .dockerignore applied), an image
    // like `--from=image`; another build's output or a remote one is not planned.
    if (named.kind === 'image') {
      parts.from = `image:${named.ref}`;
      parts.sources = JSON.stringify(fileSources);
    } else if (named.kind === 'unplanned' || named.kind === 'build') {
      ({ ref: parts.from, external } = namedRead(named, parts));
      parts.sources = JSON.stringify(fileSources);
    } else {
      parts.from = `context:${named.name}`;
      const sel = named.context.select(fileSources, {
        builder: inputs.builder,
        excludes,
        parents: flagValue(ins, 'parents') !== undefined && flagValue(ins, 'parents') !== 'false',
      });
      parts[`named:${named.name}`] = sel.digest;
      (base.named ??= []).push({ name: named.name, selection: sel });
      base.problems.push(...sel.problems.map((p) => msg('namedContextProblem', named.name, p)));
    }
  } else if (from !== undefined) {
    const dep = resolveStageRef(from, inputs.stages, stage.index, inputs.named && new Set(Object.keys(inputs.named.values)));
    if (dep) base.fromStages.push(dep.index);
    parts.from = dep ? `stage:${dep.index}` : `image:${from}`;
    parts.sources = JSON.stringify(fileSources);
  } else {
    const urls = fileSources.filter((s) => /^(https?:\/\/|git@)/.test(s));
    const local = fileSources.filter((s) => !urls.includes(s));
    if (urls.length) {
      parts.urls = JSON.stringify(urls);
      if (ins.keyword !== 'ADD') base.problems.push(msg('copyUrl'));
      else if (flagValue(ins, 'checksum') === undefined && !urls.every((u) => /#[0-9a-f]{40}$/.test(u))) {
        external = { code: 'remoteAdd', url: urls[0] };
      }
    }
    if (local.length) {
      const sel = inputs.context.select(local, {
        builder: inputs.builder,
        excludes,
        parents: flagValue(ins, 'parents') !== undefined && flagValue(ins, 'parents') !== 'false',
      });
      parts.files = sel.digest;
      selections.push(sel);
      base.problems.push(...sel.problems);
    }
  }
  return {
    parts,
    selections,
    fromStages: base.fromStages,
    problems: base.problems,
    ...(base.named ? { named: base.named } : {}),
    ...(external ? { external } : {}),
  };
}

function normalizeWords(text: string): string {
  return text.trim().split(/\s+/).join(' ');
}
