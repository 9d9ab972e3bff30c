// Replays a project's git history through the same engine `plan` uses: each first-parent commit that touches the
// build's inputs is planned as if it were built right after the previous one, on a machine whose cache holds every
// earlier state (`all`: a developer's builder, Docker's cache being a set of keys) or only the previous one
// (`previous`: a CI job that caches from its last build). The store is a fresh one in memory, never the user's.
// Everything is read from git objects (gitHistory.ts); the context is a GitContextTree changed commit by commit.
import { realpathSync } from 'node:fs';
import { basename, dirname, posix, relative, resolve, sep } from 'node:path';
import { planProject, type ProjectOptions } from '../diskProject';
import { fixAll } from '../core/advise/apply';
import { includedPaths, updateView, viewContext, type ContextView } from '../core/context/context';
import { ignoreFileCandidates } from '../core/context/dockerignore';
import { MAX_DOCKERFILE_BYTES, parseWithinLimits } from '../core/dockerfile/limits';
import type { RecordedBuild, RecordedStep } from '../core/plan/predict';
import { emptyStore, knownBuilds, recordBuild, type StoreData } from '../core/plan/store';
import type { Reason } from '../core/plan/reason';
import type { Builder, ContextSnapshot, PlanOptions, StepPrediction } from '../core/shared/types';
import { setOwn } from '../core/shared/own';
import { causeOf } from './causes';
import { DEFAULT_COMMITS, MAX_COMMITS } from './commits';
import { instructionText } from './instructionText';
import {
  abortError,
  HistoryError,
  isShallow,
  listChanges,
  listCommits,
  listTree,
  readBlobs,
  repositoryOf,
  resolveCommit,
  type BlobRead,
  type TreeChange,
  type TreeRecord,
} from './gitHistory';
import { GitContextTree } from './gitTree';

export type CacheMode = 'all' | 'previous';

export interface HistoryOptions extends Omit<ProjectOptions, 'text' | 'digestCache' | 'synced' | 'dockerfile'> {
  /** The Dockerfile's path on disk (in the work tree; it is read from git objects, and need not exist there). */
  dockerfile: string;
  /** Commit to end at (default HEAD). */
  rev?: string;
  /** How many commits touching the build's inputs (default 50). */
  commits?: number;
  cache?: CacheMode;
  /** Replay the trees without `.git` (a build from `git archive`). */
  exportedTree?: boolean;
  /** Replay each state's Dockerfile as `layerlens fix` would rewrite it, too. */
  fixed?: boolean;
  /** The user's last recorded build of this Dockerfile (read only): durations of steps real builds timed. */
  timings?: RecordedBuild;
  signal?: AbortSignal;
  /** Called after each state is planned. */
  onProgress?: (done: number, total: number) => void;
}

export interface HistoryStep {
  line: number;
  keyword: string;
  stage: string;
  status: StepPrediction['status'];
  reason: string;
  /** What made this step miss, grouped (a file or folder, `Dockerfile edited`, `build arg X`, ...); null when it did not. */
  cause: string | null;
  /** The reason as a value (core/reason.ts), for the editor to render in its display language; not in the CLI's JSON. */
  why?: Reason;
}

export interface HistoryCommit {
  commit: string;
  subject: string;
  /** Paths of the build's inputs that changed since the previous replayed commit (repository-relative, at most 50). */
  changed: string[];
  /** More paths changed than `changed` lists. */
  moreChanged?: number;
  steps: HistoryStep[];
  /** This state's verdict of each summary row's step (same order as `summary`), null where it had no such step. */
  cells?: Array<StepPrediction['status'] | null>;
  /** For each summary row, the index in `steps` of this state's step in that row (null where it had none). */
  cellSteps?: Array<number | null>;
  /** Set when this state cannot be planned (its Dockerfile unreadable, or its build fails): its steps are not recorded. */
  error?: string;
}

export interface CauseCount {
  cause: string;
  count: number;
}

export interface CauseSegment {
  status: 'rebuilds' | 'maybe';
  /** The state's cause as `--json` gives it per commit ('' when it has none). */
  cause: string;
  count: number;
}

export interface HistorySummaryRow {
  line: number;
  keyword: string;
  /** The instruction's first line, as written in the newest Dockerfile. */
  text: string;
  rebuilds: number;
  maybe: number;
  cached: number;
  /** First causes of rebuilds and maybes, most frequent first. */
  causes: CauseCount[];
  /**
   * The states that rebuilt (then those that were maybe) grouped by their whole cause (`a + b` is one group), most
   * frequent first: what splits the panel's bar. Their counts add up to `rebuilds` and `maybe`.
   */
  segments?: CauseSegment[];
  /** rebuilds x the step's duration in the last real build of this Dockerfile; null when that is unknown (untimed). */
  estimatedMs: number | null;
  /** Duration of one run of the step, when a real build recorded it. */
  stepMs?: number;
  /** The whole instruction (instructionText.ts), for matching the editor's steps; not in the CLI's JSON. */
  instruction?: string;
}

export interface HistoryReplay {
  commits: HistoryCommit[];
  summary: HistorySummaryRow[];
}

export interface HistoryResult extends HistoryReplay {
  repoRoot: string;
  cache: CacheMode;
  /** States planned (commits without an error). */
  states: number;
  /** Things the user should know once: shallow clone, Dockerfile absent early on, what git history cannot hold. */
  notes: string[];
  fixed?: HistoryReplay & { changedStates: number };
}

export { DEFAULT_COMMITS, MAX_COMMITS };
/** Paths listed per commit in `changed`. */
const CHANGED_SHOWN = 50;
/** Largest context file whose text the fixes read (manifests). */
const MAX_TEXT_BYTES = 1024 * 1024;

interface Layout {
  repoRoot: string;
  /** The context folder relative to the repository ('' for its top). */
  prefix: string;
  /** The Dockerfile relative to the repository. */
  dockerfileInRepo: string;
  /** The Dockerfile relative to the context (as plan gives it to the core). */
  dockerfilePath: string;
  /** Ignore file candidates, relative to the repository, in the order the builder tries them. */
  ignoreInRepo: string[];
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

function realOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

async function layoutOf(options: HistoryOptions): Promise<Layout> {
  const dockerfileAbs = resolve(options.dockerfile);
  const contextDir = resolve(options.context ?? dirname(dockerfileAbs));
  const repoRoot = await repositoryOf(realOr(contextDir));
  const root = realOr(repoRoot);
  const prefix = toPosix(relative(root, realOr(contextDir)));
  if (prefix.startsWith('..') || posix.isAbsolute(prefix))
    throw new HistoryError(`The build context ${contextDir} is not inside the git repository ${repoRoot}.`);
  const dockerfileInRepo = toPosix(relative(root, resolve(realOr(dirname(dockerfileAbs)), basename(dockerfileAbs))));
  if (dockerfileInRepo.startsWith('..') || posix.isAbsolute(dockerfileInRepo))
    throw new HistoryError(`The Dockerfile ${dockerfileAbs} is not inside the git repository ${repoRoot}.`);
  const dockerfilePath = toPosix(relative(contextDir, dockerfileAbs));
  const ignoreInRepo = ignoreFileCandidates(dockerfilePath, options.builder)
    .map((c) => posix.normalize(prefix ? `${prefix}/${c}` : c))
    .filter((p) => !p.startsWith('..'));
  return { repoRoot, prefix, dockerfileInRepo, dockerfilePath, ignoreInRepo };
}

/** The context path of a repository path, or undefined when it is outside the context. */
function inContext(prefix: string, path: string): string | undefined {
  if (!prefix) return path;
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined;
}

interface Watched {
  mode: string;
  oid: string;
}

/** Throws AbortError when the replay was cancelled. */
function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

export async function replayHistory(options: HistoryOptions): Promise<HistoryResult> {
  const { signal } = options;
  const count = options.commits ?? DEFAULT_COMMITS;
  const cache = options.cache ?? 'all';
  const layout = await layoutOf(options);
  const { repoRoot, prefix } = layout;
  const head = await resolveCommit(repoRoot, options.rev ?? 'HEAD');
  const watchedPaths = [prefix, layout.dockerfileInRepo, ...layout.ignoreInRepo];
  const notes: string[] = [];
  const commits = await listCommits(repoRoot, head, watchedPaths, count, signal);
  if (!commits.length) throw new HistoryError(`No commit up to ${options.rev ?? 'HEAD'} touches ${layout.dockerfileInRepo} or its build context.`);
  if (commits.length < count && (await isShallow(repoRoot))) {
    notes.push(`This is a shallow clone: only ${commits.length} of the ${count} commits asked for are in it (fetch more with git fetch --deepen).`);
  }
  const tree = await listTree(repoRoot, commits[0].commit, watchedPaths, signal);
  const changes = await listChanges(
    repoRoot,
    commits.map((c) => c.commit),
    watchedPaths,
    signal,
  );

  // The blobs whose text is needed: every version of the Dockerfile and ignore files, and every symlink's target.
  const textPaths = new Set([layout.dockerfileInRepo, ...layout.ignoreInRepo]);
  const needed = new Set<string>();
  const note = (mode: string, oid: string, path: string): void => {
    if (oid && (mode === '120000' || textPaths.has(path))) needed.add(oid);
  };
  for (const r of tree) note(r.mode, r.oid, r.path);
  for (const list of changes) for (const c of list) note(c.newMode, c.oid, c.path);
  const blobs = await readBlobs(repoRoot, [...needed], Math.max(MAX_DOCKERFILE_BYTES, MAX_TEXT_BYTES), signal);
  const textOf = (oid: string): string | undefined => {
    const b = blobs.get(oid);
    return b && 'bytes' in b ? b.bytes.toString('utf8') : undefined;
  };
  const unreadable = (oid: string, path: string): never => {
    const b = blobs.get(oid);
    throw new HistoryError(
      b && 'tooLarge' in b
        ? `${path} (git object ${oid}) is ${b.tooLarge} bytes: too large to be a Dockerfile or an ignore file.`
        : `git object ${oid} (${path}) cannot be read: the repository is incomplete (a partial or damaged clone); Layer Lens does not download anything.`,
    );
  };

  const ctx = new GitContextTree();
  const watched = new Map<string, Watched>();
  const apply = (mode: string, oid: string, path: string): string[] => {
    if (textPaths.has(path)) {
      if (mode === '000000') watched.delete(path);
      else watched.set(path, { mode, oid });
    }
    const p = inContext(prefix, path);
    if (p === undefined || p === '') return [];
    if (mode === '000000') return ctx.remove(p);
    let target: string | undefined;
    if (mode === '120000') {
      target = textOf(oid);
      if (target === undefined) unreadable(oid, path);
    }
    return ctx.put(p, mode, oid, target);
  };
  for (const r of tree) apply(r.mode, r.oid, r.path);
  const withGit = !prefix && !options.exportedTree;

  const plannerOptions: PlanOptions = {
    builder: options.builder,
    buildArgs: options.buildArgs,
    dockerfilePath: layout.dockerfilePath,
    ...(options.target ? { target: options.target } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    // Named contexts: an image is planned as one; a folder is not replayed from git (its steps are 'maybe', R27).
    ...(options.builder === 'buildkit' && options.namedContexts && Object.keys(options.namedContexts).length ? { namedContexts: options.namedContexts } : {}),
  };
  const original = new Replayer(cache, plannerOptions, options);
  const fixed = options.fixed ? new Replayer(cache, plannerOptions, options) : undefined;
  const fixTexts = new Map<string, string>();
  let changedStates = 0;
  let absentBefore = 0;
  let view: ContextView | undefined;
  let viewIgnore: string | undefined;
  let pending: string[] = [];
  let gitInContext = false;

  for (let i = 0; i < commits.length; i++) {
    // In the language server (a signal is given) other requests, and the cancellation, are answered between states.
    if (signal && i > 0) await new Promise<void>((done) => setImmediate(done));
    checkAbort(signal);
    const { commit, subject } = commits[i];
    const changedPaths: string[] = [];
    if (i > 0) {
      for (const c of orderChanges(changes[i - 1])) {
        changedPaths.push(c.path);
        pending.push(...apply(c.newMode, c.oid, c.path));
      }
    }
    if (withGit) pending.push(...ctx.putSynthetic('.git/index', `git-commit:${commit}`));
    const df = watched.get(layout.dockerfileInRepo);
    if (!df || df.mode === '160000' || df.mode === '120000') {
      // Absent (or not a file git can give as text): nothing to build at this commit.
      if (!original.planned) absentBefore++;
      else {
        original.gap(commit, subject, `${layout.dockerfileInRepo} is not a regular file in this commit`);
        fixed?.gap(commit, subject, `${layout.dockerfileInRepo} is not a regular file in this commit`);
      }
      continue;
    }
    const text = textOf(df.oid) ?? unreadable(df.oid, layout.dockerfileInRepo);
    const ignorePath = layout.ignoreInRepo.find((p) => {
      const w = watched.get(p);
      return w && w.mode !== '160000';
    });
    const ignoreEntry = ignorePath ? watched.get(ignorePath) : undefined;
    let ignoreText: string | undefined;
    if (ignoreEntry?.mode === '120000') {
      notes.push(`${ignorePath} is a symlink in commit ${commit.slice(0, 12)}: that state is replayed without ignore rules.`);
    } else if (ignoreEntry) {
      ignoreText = textOf(ignoreEntry.oid) ?? unreadable(ignoreEntry.oid, ignorePath as string);
    }
    const snapshot = ctx.snapshot();
    if (!view || ignoreText !== viewIgnore) view = viewContext(snapshot, ignoreText);
    else if (pending.length) view = updateView(view, snapshot, [...new Set(pending)].sort());
    viewIgnore = ignoreText;
    pending = [];
    if (withGit && view.root.kids?.has('.git')) gitInContext = true;
    const changed = changedPaths.filter((p) => p === layout.dockerfileInRepo || textPaths.has(p) || inContext(prefix, p) !== undefined);
    const info = {
      commit,
      subject,
      changed: changed.slice(0, CHANGED_SHOWN),
      ...(changed.length > CHANGED_SHOWN ? { moreChanged: changed.length - CHANGED_SHOWN } : {}),
    };
    const contextChanged = new Set(changedPaths.map((p) => inContext(prefix, p)).filter((p): p is string => p !== undefined));
    if (withGit && i > 0) contextChanged.add('.git/index');
    original.state(info, text, snapshot, view, ignoreText, contextChanged);

    if (fixed) {
      const rewrite = await fixedState(text, snapshot, view, ignoreText, ignorePath !== undefined, options.builder, ctx, repoRoot, fixTexts, signal);
      if (rewrite.text !== text || rewrite.ignoreText !== ignoreText) changedStates++;
      const fixedView = rewrite.ignoreText === ignoreText ? view : viewContext(rewrite.snapshot, rewrite.ignoreText);
      fixed.state(info, rewrite.text, rewrite.snapshot, fixedView, rewrite.ignoreText, contextChanged);
    }
    options.onProgress?.(i + 1, commits.length);
  }
  if (!original.planned) throw new HistoryError(`${layout.dockerfileInRepo} is in none of the ${commits.length} commits replayed.`);
  if (absentBefore)
    notes.push(
      `${layout.dockerfileInRepo} first appears in commit ${original.commits[0].commit.slice(0, 12)}: the ${absentBefore} older ${absentBefore === 1 ? 'commit is' : 'commits are'} not replayed.`,
    );
  notes.push(
    gitInContext
      ? 'Only what git tracks is replayed: untracked files (build output, node_modules), Git LFS contents and submodule contents are not in history. The context holds .git (not in the ignore file), which changes with every commit, as in a build from a checkout (pass --exported-tree for a build from git archive).'
      : 'Only what git tracks is replayed: untracked files (build output, node_modules), Git LFS contents and submodule contents are not in history.',
  );
  const result: HistoryResult = {
    repoRoot,
    cache,
    states: original.planned,
    commits: original.commits,
    summary: original.summary(),
    notes: [...new Set(notes)],
  };
  if (fixed) result.fixed = { commits: fixed.commits, summary: fixed.summary(), changedStates };
  return result;
}

/** Deletions first, then the rest in path order (a folder before what is in it). */
function orderChanges(list: readonly TreeChange[]): TreeChange[] {
  const gone = list.filter((c) => c.newMode === '000000');
  const rest = list.filter((c) => c.newMode !== '000000').sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return [...gone, ...rest];
}

/** One replay: a fresh store, the states planned in order, and per-step tallies for the summary. */
class Replayer {
  store: StoreData = emptyStore();
  previous: { keys: string[]; recorded: RecordedBuild } | undefined;
  readonly commits: HistoryCommit[] = [];
  planned = 0;
  private newest: { steps: StepPrediction[]; slots: Map<string, string>; source: string[] } | undefined;
  /** Per state: slot -> status and cause, for the summary. */
  private readonly bySlot: Array<{
    commit: number;
    tally: Map<string, { keyword: string; status: StepPrediction['status']; cause: string | null; step: number }>;
  }> = [];
  private readonly id = 'history';

  constructor(
    private readonly mode: CacheMode,
    private readonly options: PlanOptions,
    private readonly history: HistoryOptions,
  ) {}

  gap(commit: string, subject: string, error: string): void {
    this.commits.push({ commit, subject, changed: [], steps: [], error });
  }

  state(
    info: Omit<HistoryCommit, 'steps'>,
    text: string,
    snapshot: ContextSnapshot,
    view: ContextView,
    ignoreText: string | undefined,
    changed: ReadonlySet<string>,
  ): void {
    const { parsed, limit } = parseWithinLimits(text);
    if (limit || text.includes('\0')) {
      this.commits.push({ ...info, steps: [], error: limit ? `line ${limit.line}: ${limit.message}` : 'the Dockerfile contains NUL bytes' });
      return;
    }
    const store =
      this.mode === 'all' || !this.previous ? this.store : recordBuild(emptyStore(), this.options.builder, this.id, this.previous.keys, this.previous.recorded);
    const known = knownBuilds(store, this.options.builder, this.id);
    const plan = planProject(
      {
        text,
        options: this.options,
        view,
        snapshot,
        ...(ignoreText !== undefined ? { ignoreText } : {}),
        ...(this.history.unresolvedArgs ? { unresolvedArgs: this.history.unresolvedArgs } : {}),
      },
      known,
      parsed,
    );
    const byLine = new Map<number, StepPrediction>();
    for (const s of plan.steps) if (!byLine.has(s.line)) byLine.set(s.line, s);
    const causes = new Map<StepPrediction, string | null>();
    const cause = (s: StepPrediction): string | null => {
      if (!causes.has(s)) {
        causes.set(s, null); // a cycle (cannot happen: reasons point to earlier lines) ends here
        causes.set(s, causeOf(s, { stepAt: (line) => byLine.get(line), cause, changed }));
      }
      return causes.get(s) as string | null;
    };
    const steps: HistoryStep[] = plan.steps.map((s) => ({
      line: s.line,
      keyword: s.keyword,
      stage: s.stage,
      status: s.status,
      reason: s.reason,
      cause: cause(s),
      why: s.cause,
    }));
    const slots = slotsByKey(plan.recorded);
    const tally = new Map<string, { keyword: string; status: StepPrediction['status']; cause: string | null; step: number }>();
    plan.steps.forEach((s, k) => {
      const slot = s.key === undefined ? undefined : slots.get(s.key);
      if (slot !== undefined && !tally.has(slot)) tally.set(slot, { keyword: s.keyword, status: s.status, cause: steps[k].cause, step: k });
    });
    if (plan.fails) {
      this.commits.push({ ...info, steps, error: `the build fails at line ${plan.fails.line}: ${plan.fails.message}` });
      return;
    }
    this.bySlot.push({ commit: this.commits.length, tally });
    this.commits.push({ ...info, steps });
    this.planned++;
    this.newest = { steps: plan.steps, slots, source: text.split('\n') };
    // Recorded as `record` would, without BuildKit's sync state (a checkout writes every changed file afresh).
    // Copied now: its lazy parts read the context, which the next commit changes.
    const recorded: RecordedBuild = { steps: materialised(plan.recorded.steps), files: { ...plan.recorded.files } };
    if (this.mode === 'all') this.store = recordBuild(this.store, this.options.builder, this.id, plan.keys, recorded);
    else this.previous = { keys: plan.keys, recorded };
  }

  summary(): HistorySummaryRow[] {
    if (!this.newest) return [];
    const { steps, slots, source } = this.newest;
    const timed = this.history.timings?.steps;
    const rows: HistorySummaryRow[] = [];
    const seen = new Set<string>();
    const rowSlots: Array<{ slot: string; keyword: string }> = [];
    for (const s of steps) {
      if (s.key === undefined || !(s.status === 'cached' || s.status === 'rebuilds' || s.status === 'maybe')) continue;
      const slot = slots.get(s.key);
      if (slot === undefined || seen.has(slot)) continue;
      seen.add(slot);
      let rebuilds = 0;
      let maybe = 0;
      let cached = 0;
      const causes = new Map<string, number>();
      const groups = new Map<string, CauseSegment>();
      for (const { tally } of this.bySlot) {
        const t = tally.get(slot);
        if (!t || t.keyword !== s.keyword) continue;
        if (t.status === 'rebuilds') rebuilds++;
        else if (t.status === 'maybe') maybe++;
        else if (t.status === 'cached') cached++;
        // A miss caused by several files or folders counts once for each of them.
        if ((t.status === 'rebuilds' || t.status === 'maybe') && t.cause) for (const c of t.cause.split(' + ')) causes.set(c, (causes.get(c) ?? 0) + 1);
        if (t.status === 'rebuilds' || t.status === 'maybe') {
          const key = `${t.status}\0${t.cause ?? ''}`;
          const group = groups.get(key) ?? { status: t.status, cause: t.cause ?? '', count: 0 };
          group.count++;
          groups.set(key, group);
        }
      }
      const before = timed?.[slot] as (RecordedStep & { durationMs?: number }) | undefined;
      const stepMs = before && before.keyword === s.keyword && typeof before.durationMs === 'number' ? before.durationMs : undefined;
      rows.push({
        line: s.line,
        keyword: s.keyword,
        text: instructionLine(source, s),
        instruction: instructionText(source, s.line, s.endLine),
        rebuilds,
        maybe,
        cached,
        causes: [...causes].map(([c, n]) => ({ cause: c, count: n })).sort((a, b) => b.count - a.count || (a.cause < b.cause ? -1 : 1)),
        segments: [...groups.values()].sort(
          (a, b) => (a.status === b.status ? 0 : a.status === 'rebuilds' ? -1 : 1) || b.count - a.count || (a.cause < b.cause ? -1 : 1),
        ),
        estimatedMs: stepMs === undefined ? null : rebuilds * stepMs,
        ...(stepMs !== undefined ? { stepMs } : {}),
      });
      rowSlots.push({ slot, keyword: s.keyword });
    }
    for (const { commit, tally } of this.bySlot) {
      const mine = rowSlots.map(({ slot, keyword }) => {
        const t = tally.get(slot);
        return t && t.keyword === keyword ? t : undefined;
      });
      this.commits[commit].cells = mine.map((t) => t?.status ?? null);
      this.commits[commit].cellSteps = mine.map((t) => t?.step ?? null);
    }
    return rows;
  }
}

function slotsByKey(recorded: RecordedBuild): Map<string, string> {
  const slots = new Map<string, string>();
  for (const [slot, step] of Object.entries(recorded.steps)) if (!slots.has(step.key)) slots.set(step.key, slot);
  return slots;
}

function instructionLine(source: string[], s: StepPrediction): string {
  return (source[s.line - 1] ?? s.keyword).trim().replace(/\s*\\$/, s.endLine > s.line ? ' …' : '');
}

interface FixedState {
  text: string;
  ignoreText: string | undefined;
  snapshot: ContextSnapshot;
}

/**
 * The state as `layerlens fix` would leave it: the Dockerfile rewritten, and a `.dockerignore` it creates added to
 * the context. The fixes read small context files (manifests): their blobs are read on demand and kept by blob id.
 */
/** The recorded steps with their lazy parts read now (plain values, nothing left that reads the context later). */
function materialised(steps: RecordedBuild['steps']): RecordedBuild['steps'] {
  const out: RecordedBuild['steps'] = {};
  for (const [slot, step] of Object.entries(steps)) setOwn(out, slot, { ...step, parts: { ...step.parts }, ...(step.reads ? { reads: [...step.reads] } : {}) });
  return out;
}

async function fixedState(
  text: string,
  snapshot: ContextSnapshot,
  view: ContextView,
  ignoreText: string | undefined,
  hasIgnoreFile: boolean,
  builder: Builder,
  ctx: GitContextTree,
  repoRoot: string,
  texts: Map<string, string>,
  signal: AbortSignal | undefined,
): Promise<FixedState> {
  let paths: string[] | undefined;
  let result: ReturnType<typeof fixAll> | undefined;
  for (let round = 0; round < 4; round++) {
    const missing = new Set<string>();
    result = fixAll({
      text,
      builder,
      context: {
        paths: { [Symbol.iterator]: () => (paths ??= includedPaths(view))[Symbol.iterator]() },
        ...(hasIgnoreFile ? { ignoreFile: '.dockerignore' } : {}),
        readText: (path) => {
          const oid = ctx.entries.get(path)?.type === 'file' ? ctx.oids.get(path) : undefined;
          if (!oid) return undefined;
          const t = texts.get(oid);
          if (t === undefined) missing.add(oid);
          return t;
        },
      },
    });
    if (!missing.size) break;
    checkAbort(signal);
    const read: Map<string, BlobRead> = await readBlobs(repoRoot, [...missing], MAX_TEXT_BYTES, signal);
    for (const oid of missing) {
      const b = read.get(oid);
      texts.set(oid, b && 'bytes' in b ? b.bytes.toString('utf8') : '');
    }
  }
  const fix = result as ReturnType<typeof fixAll>;
  const createdIgnore = ignoreText === undefined ? fix.createFiles.find((f) => f.path === '.dockerignore') : undefined;
  if (!createdIgnore) return { text: fix.text, ignoreText, snapshot };
  // The created file is in the context from then on, as it would be once committed.
  const entries = new Map(snapshot.entries);
  entries.set('.dockerignore', { path: '.dockerignore', type: 'file', mode: 0o644, size: createdIgnore.text.length });
  const withIgnore: ContextSnapshot = {
    entries,
    problems: [],
    contentDigest: (path, entry) => (path === '.dockerignore' ? `created:${createdIgnore.text}` : snapshot.contentDigest(path, entry)),
  };
  return { text: fix.text, ignoreText: createdIgnore.text, snapshot: withIgnore };
}

export type { TreeRecord };
