// Plain data shared by the core, the language server, the CLI and the tests.
// Nothing here imports vscode or the language server; every value is JSON-serialisable.
import type { Reason } from '../plan/reason';
import type { Message } from './message';

export type Builder = 'buildkit' | 'classic';

/** What the next build will do with one instruction. */
export type StepStatus = 'cached' | 'rebuilds' | 'maybe' | 'skipped' | 'none';

/** Whether an instruction adds a filesystem layer, only edits image metadata, or neither. */
export type LayerKind = 'filesystem' | 'metadata' | 'none';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

/**
 * One path of a build context as a builder sees it. Paths are POSIX, relative to the context root,
 * never start with './' or '/', and the root itself is not an entry.
 */
export interface ContextEntry {
  path: string;
  type: EntryType;
  /** Permission bits (st_mode & 0o7777). Ownership and mtime never matter to the cache (R9). */
  mode: number;
  size: number;
  /** Symlink target text, for symlinks. */
  linkTarget?: string;
  /**
   * Modification time of a file, when known. Never part of a cache key; used only to predict
   * BuildKit's context sync, which skips files whose size, mtime and mode did not change (C9).
   */
  mtimeMs?: number;
  /** Set when the entry exists but could not be read (permissions, I/O error); the text says what to do. */
  error?: string;
}

/** A problem found while reading a context: it is reported, never thrown. */
export interface ContextProblem {
  path: string;
  message: string;
}

/**
 * A build context as the core reads it. The I/O behind it (walking a folder, reading git objects,
 * a simulated edit) lives outside the core; the core only calls these members.
 */
export interface ContextSnapshot {
  /** Every path under the context root, before .dockerignore is applied. */
  readonly entries: ReadonlyMap<string, ContextEntry>;
  /**
   * sha256 (hex) of a regular file's bytes. Implementations memoise and reuse digests of files whose
   * metadata did not change. Throws Error with a readable message when the file cannot be read.
   * `entry`, when given, is this snapshot's own entry for `path` (from `entries` or a view of this
   * snapshot): it saves a lookup, and implementations may ignore it.
   */
  contentDigest(path: string, entry?: ContextEntry): string;
  /** Problems met while reading the context (unreadable folders, symlink loops, ...). */
  readonly problems: readonly ContextProblem[];
  /**
   * Optional: the names of a folder's entries ('' for the root), in any order, exactly those of
   * `entries` directly below it; undefined when not known. Lets a view be built without grouping
   * every path by its parent.
   */
  children?(dir: string): readonly string[] | undefined;
}

/** The files one COPY/ADD source list (or bind mount) selects from the context, after .dockerignore. */
export interface SourceSelection {
  /** Digest over everything selected, following R9 for the given builder. */
  digest: string;
  /** Context paths selected (files, dirs, symlinks), sorted: used for reasons and simulation. */
  paths: string[];
  /** Problems, as values: a source that matches nothing, a path escaping the context, unreadable files. */
  problems: Message[];
  /** `paths.length`, known without listing them (absent: look at `paths`). */
  readonly count?: number;
  /**
   * The selected paths that differ from a recorded build's fingerprints (context path → fingerprint),
   * without listing the selection; see core/context/changes.ts. Absent: compare `paths` one by one.
   */
  changesSince?(last: Record<string, string>): { changed: string[]; added: string[]; removed: string[] };
  /** Whether `paths` holds `path`, without listing them. */
  includes?(path: string): boolean;
}

/** One instruction's prediction. This is the CLI's `--json` step shape. */
export interface StepPrediction {
  /** 1-based first line of the instruction. */
  line: number;
  /** 1-based last line (continuations and heredocs included). */
  endLine: number;
  keyword: string;
  /** Stage name, or its index as text; '(global)' for ARGs before the first FROM. */
  stage: string;
  layer: LayerKind;
  status: StepStatus;
  /** `cause` in English (core/plan/reason.ts renderReason): the CLI's text. */
  reason: string;
  /** Why, as a value: a code and its arguments (core/plan/reason.ts). The editor renders it in its display language. */
  cause: Reason;
  /** Cache key of this step (absent for non-steps and skipped stages). */
  key?: string;
  /** Context paths this step reads (COPY/ADD sources, bind mounts), when any. */
  reads?: string[];
}

export interface PlanOptions {
  builder: Builder;
  target?: string;
  buildArgs: Record<string, string>;
  /** Path of the Dockerfile relative to the context root (for `<Dockerfile>.dockerignore`, R21), POSIX. */
  dockerfilePath: string;
  /**
   * Target platform (`docker build --platform`), `os/arch[/variant]`. Absent: the machine's (core/dockerfile/platform.ts
   * machinePlatform). FROM lines without --platform use it; BuildKit's TARGET* args describe it (R11a).
   */
  platform?: string;
  /** Platform of the machine that builds (BuildKit's BUILD* args). Absent: the machine's; set by tests. */
  buildPlatform?: string;
  /**
   * Named contexts (`--build-context NAME=VALUE`, compose `additional_contexts`, Bake `contexts`), BuildKit only: name →
   * an absolute folder, `docker-image://REF`, `target:X`/`service:X`, or a remote URL (cache-rules R27). The folders'
   * files come in PlanInput.named.
   */
  namedContexts?: Record<string, string>;
}

export interface Diagnostic {
  line: number;
  severity: 'error' | 'warning' | 'info';
  /** The English text (the CLI's); `text` is the value the editor renders in its display language, when it has one. */
  message: string;
  text?: Message;
}

export interface Plan {
  steps: StepPrediction[];
  /** Problems with the Dockerfile or context that limit what can be known. */
  diagnostics: Diagnostic[];
}

/** A recorded step: enough to say later which part of it changed. */
export interface RecordedStep {
  keyword: string;
  key: string;
  /** Part name → short digest (or the short text itself for readable parts). */
  parts: Record<string, string>;
  /** Context paths the step read, when few enough to keep (see MAX_RECORDED_READS). */
  reads?: string[];
}
