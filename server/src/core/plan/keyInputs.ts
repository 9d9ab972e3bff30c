// What the key computation works on: the build context as it reads it, a stage's state, the named contexts and the
// inputs of one build; and what it answers for one instruction (StepDefinition). Split from cacheKeys.ts.
import type { Stage } from '../dockerfile/stages';
import type { Builder, LayerKind, SourceSelection } from '../shared/types';
import type { Message } from '../shared/message';
import type { Reason } from './reason';

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
  /** Another build's output (Bake `target:`) whose build was planned too: its result. */
  | { kind: 'build'; name: string; value: string; result: NamedBuildResult }
  /** remote: a URL, git or oci-layout; build: another build's output (Bake `target:`, compose `service:`); unread: a folder not read. */
  | { kind: 'unplanned'; name: string; value: string; why: 'remote' | 'build' | 'unread' };

/**
 * What a named context that is another build's output (`target:base`) comes to, from that build's own plan: the key
 * of its last step (the end of its target stage's chain) and whether that step is cached, rebuilds or may.
 */
export interface NamedBuildResult {
  key: string;
  status: 'cached' | 'rebuilds' | 'maybe';
  /** The first step of the other build that rebuilds (or may): its line, keyword and Dockerfile's name. */
  cause?: { line: number; keyword: string; file: string };
}

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
  if (kind === 'build' && named.builds && Object.hasOwn(named.builds, name)) return { kind: 'build', name, value, result: named.builds[name] };
  return { kind: 'unplanned', name, value, why: kind };
}

/**
 * The reason of a step that reads a planned build's output: cached when all of it is; else that it rebuilds (or
 * may), and which step first. `copy`: the step reads its files by content (COPY --from, RUN --mount=from=), so
 * what BuildKit does depends on whether they come out identical.
 */
export function namedBuildReason(src: Extract<NamedSource, { kind: 'build' }>, copy = false): Reason {
  const { name, value, result } = src;
  if (result.status === 'cached' || !result.cause) return { code: 'namedContextBuildCached', name, value };
  const { line, keyword, file } = result.cause;
  return { code: 'namedContextBuildChanged', name, value, status: result.status, line, keyword, file, ...(copy ? { copy: true as const } : {}) };
}

/**
 * What a step that reads a named context's files (COPY --from, RUN --mount=from=) keys and says, for one that is
 * not a folder nor an image: a remote or an unplanned build is not judged ('maybe'); a planned build is keyed by its
 * last step, and, as BuildKit reads it by content, not judged either when that build reruns a step (its files may
 * come out identical: then BuildKit keeps the step).
 */
export function namedRead(src: Extract<NamedSource, { kind: 'unplanned' | 'build' }>, parts: Record<string, string>): { ref: string; external?: Reason } {
  if (src.kind === 'unplanned') return { ref: `context:${src.name}=${src.value}`, external: unplannedReason(src) };
  // Its key in a `from:` part, as a source stage's: the best case (verdict.ts bestCaseKey) is the recorded step.
  parts[`from:build:${src.name}`] = src.result.key;
  return { ref: `build:${src.name}`, ...(src.result.status !== 'cached' ? { external: namedBuildReason(src, true) } : {}) };
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
  named?: {
    values: Readonly<Record<string, string>>;
    folders: Readonly<Record<string, ContextAccess>>;
    /** The named contexts that are another build's output whose build was planned: name → its result. */
    builds?: Readonly<Record<string, NamedBuildResult>>;
  };
}
