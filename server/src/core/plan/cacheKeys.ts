// What each instruction's cache key is made of, per builder (cache-rules Part B).
// A step's key is a digest of its parent's key and these named parts; the names let a
// prediction say which part changed ("command changed", "ENV NODE_ENV changed").
import { createHash } from 'node:crypto';
import { flagValue, flagValues, type Instruction } from '../dockerfile/parse';
import { argDeclarations, mountOptions, resolveStageRef, splitKeepingQuotes, type Stage } from '../dockerfile/stages';
import { lazyProperty } from '../shared/lazy';
import { ownValue } from '../shared/own';
import { processWord, processWords } from '../dockerfile/words';
import type { Builder, LayerKind, SourceSelection } from '../shared/types';
import type { Reason } from './reason';
import { msg, type Message } from '../shared/message';

/** How the key computation reads the build context (implemented over core/context/context.ts). */
export interface ContextAccess {
  select(sources: string[], opts: { builder: Builder; excludes?: string[]; parents?: boolean; mount?: boolean }): SourceSelection;
  whole(): SourceSelection;
}

export interface StageState {
  env: Array<[string, string]>;
  /** ARGs declared in scope, with their value for this build (undefined: no value). */
  args: Map<string, string | undefined>;
  workdir: string;
  user?: string;
  shell: string[];
}

export interface StepDefinition {
  /** 'op': a cache step; 'meta': image-config only (BuildKit); 'none': nothing at all. */
  kind: 'op' | 'meta' | 'none';
  layer: LayerKind;
  parts: Record<string, string>;
  /** Context paths the step reads: listed on first read (a `COPY . .` reads the whole context). */
  reads?: string[];
  /** The selections behind `reads` (COPY/ADD local sources, bind mounts). */
  selections?: SourceSelection[];
  /** `reads.length`, without listing it. */
  readCount?: number;
  /** The read paths that differ from a recorded build's files (SourceSelection.changesSince), when one selection has it. */
  changesSince?: SourceSelection['changesSince'];
  /** Stages whose output this step reads by content (COPY --from, RUN --mount=from=). */
  fromStages: number[];
  /** What this step reads from named contexts that are folders (COPY --from=NAME, RUN --mount=from=NAME). */
  named?: Array<{ name: string; selection: SourceSelection }>;
  /** Set when the outcome depends on something outside the Dockerfile and context (a URL). */
  external?: Reason;
  problems: Message[];
}

/** What a named context (`--build-context NAME=VALUE`) is, as the plan treats it (cache-rules R27). */
export type NamedSource =
  | { kind: 'folder'; name: string; context: ContextAccess }
  | { kind: 'image'; name: string; ref: string }
  /** remote: a URL, git or oci-layout; build: another build's output (Bake `target:`, compose `service:`); unread: a folder not read. */
  | { kind: 'unplanned'; name: string; value: string; why: 'remote' | 'build' | 'unread' };

/** How a named context's value reads: `docker-image://ref`, `target:x`/`service:x`, a remote, else a folder. */
export function namedContextKind(value: string): 'image' | 'build' | 'remote' | 'folder' {
  if (/^docker-image:\/\//i.test(value)) return 'image';
  if (/^(target|service):/i.test(value)) return 'build';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^git@/i.test(value) || /^github\.com\//i.test(value) || /^[a-z0-9.-]+\.git(#.*)?$/i.test(value))
    return 'remote';
  return 'folder';
}

/** The named context a `--from`/`from=`/FROM value names, when the build has one by that name (BuildKit only). */
export function namedSource(name: string, named: KeyInputs['named']): NamedSource | undefined {
  if (!named || !Object.hasOwn(named.values, name)) return undefined;
  const value = named.values[name];
  const kind = namedContextKind(value);
  if (kind === 'image') return { kind: 'image', name, ref: value.replace(/^docker-image:\/\//i, '') };
  if (kind === 'folder') {
    const context = Object.hasOwn(named.folders, name) ? named.folders[name] : undefined;
    return context ? { kind: 'folder', name, context } : { kind: 'unplanned', name, value, why: 'unread' };
  }
  return { kind: 'unplanned', name, value, why: kind };
}

/** The reason a named context the plan cannot judge gives its step ('maybe'). */
export function unplannedReason(src: Extract<NamedSource, { kind: 'unplanned' }>): Reason {
  return { code: 'namedContextNotPlanned', name: src.name, value: src.value, why: src.why };
}

export interface KeyInputs {
  builder: Builder;
  buildArgs: Record<string, string>;
  /** StageGraph.globalVars: global ARG values and, with BuildKit, the automatic platform args (R11a). */
  globalVars: Map<string, string>;
  escape: string;
  context: ContextAccess;
  stages: Stage[];
  /** Lines pretended to be edited (simulation): their values get a marker so keys change. */
  edited: ReadonlySet<number>;
  /** The build's named contexts (BuildKit): name → value as given, and the folders read, by name. */
  named?: { values: Readonly<Record<string, string>>; folders: Readonly<Record<string, ContextAccess>> };
}

export const PROXY_ARGS = new Set(['http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'all_proxy']);
const SIM = '\u0000edited';
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

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const remembered = new Map<string, string>();
const REMEMBER_MAX = 16_384;
const REMEMBER_LENGTH = 256;

/**
 * digest(text), remembered for short texts that recur from step to step and plan to plan: variable values
 * (every RUN's key has the whole environment), a stage's shell, and the part digests a record shortens.
 */
export function recurringDigest(text: string): string {
  if (text.length > REMEMBER_LENGTH) return digest(text);
  let d = remembered.get(text);
  if (d === undefined) {
    if (remembered.size >= REMEMBER_MAX) remembered.clear();
    d = digest(text);
    remembered.set(text, d);
  }
  return d;
}

/** Parts named `~...` only help explain a change (e.g. which SHELL); they are not in the key. */
export function stepKey(parentKey: string, parts: Record<string, string>): string {
  const sorted = Object.keys(parts)
    .filter((k) => !k.startsWith('~'))
    .sort()
    .map((k) => [k, parts[k]]);
  return digest(parentKey + '\n' + JSON.stringify(sorted));
}

export function initialState(): StageState {
  return { env: [], args: new Map(), workdir: '/', shell: ['/bin/sh', '-c'] };
}

export function cloneState(s: StageState, builder: Builder): StageState {
  // The classic builder does not carry ARGs into stages built FROM another stage (R11).
  return { env: [...s.env], args: builder === 'classic' ? new Map() : new Map(s.args), workdir: s.workdir, user: s.user, shell: [...s.shell] };
}

/**
 * What a state's variables give, computed once per state until an ENV or ARG changes them (applyState
 * forgets it): every instruction expands words with them and every RUN's key has the whole environment.
 */
const fromVariables = new WeakMap<StageState, { vars?: ReadonlyMap<string, string>; runEnv?: Array<[string, string]> }>();

function variablesOf(s: StageState): { vars?: ReadonlyMap<string, string>; runEnv?: Array<[string, string]> } {
  let d = fromVariables.get(s);
  if (!d) {
    d = {};
    fromVariables.set(s, d);
  }
  return d;
}

/** Variables available for expansion: ARG values, overridden by ENV of the same name. */
export function expansionVars(s: StageState): ReadonlyMap<string, string> {
  const d = variablesOf(s);
  if (!d.vars) {
    const vars = new Map<string, string>();
    for (const [k, v] of s.args) if (v !== undefined) vars.set(k, v);
    for (const [k, v] of s.env) vars.set(k, v);
    d.vars = vars;
  }
  return d.vars;
}

/** RUN's key parts of the environment (R7, R10, R11), in order: ENV values, their order, then ARG values not shadowed by ENV. */
function runEnvironment(s: StageState): Array<[string, string]> {
  const d = variablesOf(s);
  if (!d.runEnv) {
    const out: Array<[string, string]> = [];
    const envNames = new Set(s.env.map(([k]) => k));
    for (const [k, v] of s.env) out.push([`env:${k}`, recurringDigest(v)]);
    out.push(['envOrder', recurringDigest(s.env.map(([k]) => k).join('\n'))]);
    for (const [k, v] of s.args) if (v !== undefined && !envNames.has(k)) out.push([`arg:${k}`, recurringDigest(v)]);
    d.runEnv = out;
  }
  return d.runEnv;
}

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
        else if (named.kind === 'unplanned') {
          content = `context:${named.name}=${named.value}`;
          base.external ??= unplannedReason(named);
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
    } else if (named.kind === 'unplanned') {
      parts.from = `context:${named.name}=${named.value}`;
      parts.sources = JSON.stringify(fileSources);
      external = unplannedReason(named);
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

/** State changes: ENV, ARG, WORKDIR, USER, SHELL (both builders). */
function applyState(ins: Instruction, state: StageState, inputs: KeyInputs): void {
  const edited = inputs.edited.has(ins.line) ? SIM : '';
  const vars = expansionVars(state);
  if (ins.keyword === 'ENV' || ins.keyword === 'ARG') fromVariables.delete(state);
  switch (ins.keyword) {
    case 'ENV':
      for (const [k, v] of nameValues(ins, vars, inputs.escape)) {
        const i = state.env.findIndex(([name]) => name === k);
        if (i >= 0) state.env[i] = [k, v + edited];
        else state.env.push([k, v + edited]);
      }
      break;
    case 'ARG':
      for (const [name, dflt] of argDeclarations(ins, vars, inputs.escape)) {
        const passed = ownValue(inputs.buildArgs, name);
        if (PROXY_ARGS.has(name.toLowerCase()) && passed === undefined && dflt === undefined) {
          state.args.set(name, undefined);
          continue;
        }
        // --build-arg, then the in-stage default, then the global value: with BuildKit that includes the automatic
        // platform args, so `ARG TARGETARCH` alone has the target's architecture (R11a).
        const value = passed !== undefined ? passed : (dflt ?? inputs.globalVars.get(name));
        state.args.set(name, value === undefined ? (edited ? edited : undefined) : value + edited);
      }
      break;
    case 'WORKDIR':
      state.workdir = resolvePath(state.workdir, processWord(ins.args, vars, inputs.escape).value) + edited;
      break;
    case 'USER':
      state.user = processWord(ins.args, vars, inputs.escape).value + edited;
      break;
    case 'SHELL':
      if (ins.json) state.shell = edited ? [...ins.json, edited] : ins.json;
      break;
  }
}

function expand(text: string, state: StageState, inputs: KeyInputs): string {
  return processWord(text, expansionVars(state), inputs.escape).value;
}

/** `ENV a=1 b=2` or legacy `ENV a 1`; LABEL the same; values expanded. */
export function nameValues(ins: Instruction, vars: ReadonlyMap<string, string>, escape: string): Array<[string, string]> {
  const words = splitKeepingQuotes(ins.args);
  if (words.length && !words[0].includes('=')) {
    const name = processWord(words[0], vars, escape).value;
    const rest = ins.args.slice(ins.args.indexOf(words[0]) + words[0].length).trim();
    return [[name, processWord(rest, vars, escape).value]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    return [processWord(w.slice(0, eq), vars, escape).value, processWord(w.slice(eq + 1), vars, escape).value];
  });
}

export function resolvePath(cwd: string, p: string): string {
  const joined = p.startsWith('/') ? p : `${cwd.replace(/\/+$/, '')}/${p}`;
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

function normalizeWords(text: string): string {
  return text.trim().split(/\s+/).join(' ');
}
