// Glue between files on disk and the pure core, shared by the CLI and the language server:
// read the Dockerfile (or take unsaved text), read the context and its ignore file, and hand
// the core plain data.
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { planBuild, type KnownBuilds, type PlanContext, type RecordablePlan } from './core/plan/predict';
import { simulateBuild, withChangedFiles } from './core/plan/simulate';
import { nodeFingerprint, selectSources, updateView, viewContext, wholeContext, type ContextView } from './core/context/context';
import { bkTree, classicTree } from './core/context/digest';
import { lookup, type ViewNode } from './core/context/view';
import { lazyProperty } from './core/shared/lazy';
import { setOwn } from './core/shared/own';
import { ignoreFileCandidates } from './core/context/dockerignore';
import { findIgnoreFile, scanContext, scanContextAsync, updateSnapshot, warmDigests, type DigestCache, type FsContextSnapshot } from './contextFs';
import { flagValue, flagValues, parseDockerfile } from './core/dockerfile/parse';
import { mountOptions, splitKeepingQuotes } from './core/dockerfile/stages';
import { staleDiagnostics, staleFiles, syncedEntry, withSyncedContent, type SyncedFiles, type SyncedSnapshot } from './core/plan/syncState';
import type { Builder, ContextSnapshot, PlanOptions, SourceSelection, StepPrediction } from './core/shared/types';
import { renderReason, type Reason } from './core/plan/reason';
import { namedContextKind, type NamedBuildResult } from './core/plan/cacheKeys';
import type { NamedBuildOptions } from './configs/namedBuilds';
import type { ParsedDockerfile } from './core/dockerfile/parse';
import { MAX_DOCKERFILE_BYTES } from './core/dockerfile/limits';
import { planCosts, type CostedPrediction, type RebuildEstimate } from './core/plan/cost';

/** Input that cannot be read; the message says what to do. */
import { InputError, readDockerfileBytes } from './dockerfileFile';

export { InputError };

/** The CLI's size limit, one of the limits in core/dockerfile/limits.ts. */
export { MAX_DOCKERFILE_BYTES };

export interface ProjectOptions {
  dockerfile: string;
  context?: string;
  builder: Builder;
  buildArgs: Record<string, string>;
  target?: string;
  /** Target platform (docker build --platform), normalised os/arch[/variant]; absent: the machine's. */
  platform?: string;
  /** Unsaved editor text; read from disk when absent. */
  text?: string;
  /** parseDockerfile(text), when the caller has it already (openProjectAsync reads the COPY sources from it). */
  parsed?: ParsedDockerfile;
  /** Digests of unchanged files from earlier runs, so they are not read again. */
  digestCache?: DigestCache;
  /** BuildKit: what its context sync held at the last recorded build (C9), from the store. */
  synced?: SyncedFiles;
  /**
   * Named contexts (`--build-context NAME=VALUE`, compose `additional_contexts`, Bake `contexts`, workflow
   * `build-contexts`): name → a folder (absolute, or relative to the current folder), `docker-image://REF`,
   * `target:X`/`service:X`, or a remote URL. Folders are read like the context, after their own `.dockerignore`.
   */
  namedContexts?: Record<string, string>;
  /**
   * Which named folders may be read (the editor in Restricted Mode: only those inside the workspace); the others are
   * said and left unread, their steps 'maybe'. Absent: every one.
   */
  namedFolderReadable?: (dir: string) => boolean;
  /**
   * The named contexts that are another build's output (Bake `target:NAME`) whose build the configuration declares:
   * name → that build's options (each with its own namedBuilds, bounded by whoever made them). They are opened
   * with this project and planned with it (planProject); a named context not here stays 'maybe'.
   */
  namedBuilds?: Record<string, NamedBuildOptions>;
  /**
   * Build args a discovered configuration passes whose value cannot be known (`${VAR}` unset, `${{ secrets.X }}`):
   * name → why. Left out of `buildArgs`; the steps whose key depends on them are `maybe` (see planProject).
   */
  unresolvedArgs?: Record<string, string>;
}

export interface Project {
  dockerfileAbs: string;
  contextDir: string;
  text: string;
  options: PlanOptions;
  snapshot: FsContextSnapshot;
  /** The context after .dockerignore, with digests memoised per folder. */
  view: ContextView;
  /**
   * BuildKit: the context as its incremental sync will see it (C9), when a recorded build says, and the
   * files whose change it will not see (kept up to date by refreshProject along the changed paths).
   */
  synced?: { files: SyncedFiles; snapshot: SyncedSnapshot; stale: ReadonlySet<string> };
  ignoreText?: string;
  /** The ignore file in effect, relative to the context (`.dockerignore`, `app.Dockerfile.dockerignore`). */
  ignoreFile?: string;
  /** Why an ignore file that exists is not used (a symlink out of the context, ...): part of `problems`. */
  ignoreProblems?: string[];
  /** Problems worth telling the user that do not stop the plan. */
  problems: string[];
  /** ProjectOptions.unresolvedArgs. */
  unresolvedArgs?: Record<string, string>;
  /** The named contexts that are folders, read: name → the folder, its files and its own ignore file (R27). */
  named?: Record<string, NamedFolder>;
  /** ProjectOptions.namedBuilds, opened: name → the other build's project. */
  namedBuilds?: Record<string, Project>;
}

/** A named context that is a folder, read like the build context (symlinks never followed, the same guards). */
export interface NamedFolder {
  dir: string;
  snapshot: FsContextSnapshot;
  view: ContextView;
  ignoreText?: string;
}

export function readDockerfile(path: string): string {
  const buf = readDockerfileBytes(path);
  if (buf.includes(0)) throw new InputError(`${path} contains NUL bytes: it looks like a binary file, not a Dockerfile. Pass the Dockerfile itself.`);
  return buf.toString('utf8');
}

interface Opening {
  dockerfileAbs: string;
  text: string;
  contextDir: string;
  dockerfilePath: string;
}

/** What openProject does before it reads the context: the Dockerfile's text and the context folder, checked. */
function prepareOpen(opts: ProjectOptions): Opening {
  const dockerfileAbs = resolve(opts.dockerfile);
  const text = opts.text ?? readDockerfile(dockerfileAbs);
  const contextDir = resolve(opts.context ?? dirname(dockerfileAbs));
  try {
    if (!statSync(contextDir).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new InputError(`The build context ${contextDir} is not a folder. Pass --context with the folder docker build would get.`);
  }
  return { dockerfileAbs, text, contextDir, dockerfilePath: relative(contextDir, dockerfileAbs).split(sep).join('/') };
}

/** The named contexts' values as the plan takes them: folders absolute (BuildKit only: the classic builder has none). */
function namedValues(opts: ProjectOptions): Record<string, string> | undefined {
  if (opts.builder !== 'buildkit' || !opts.namedContexts || !Object.keys(opts.namedContexts).length) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.namedContexts)) setOwn(out, name, namedContextKind(value) === 'folder' ? resolve(value) : value);
  return out;
}

/** The named folders' files: a folder that is not there (or not a folder) is said and left unread (its steps are 'maybe'). */
async function readNamedFolders(
  values: Record<string, string> | undefined,
  scan: (dir: string) => FsContextSnapshot | Promise<FsContextSnapshot>,
  problems: string[],
  readable: (dir: string) => boolean = () => true,
): Promise<Record<string, NamedFolder> | undefined> {
  if (!values) return undefined;
  const out: Record<string, NamedFolder> = {};
  for (const [name, dir] of Object.entries(values)) {
    if (namedContextKind(dir) !== 'folder') continue;
    if (!readable(dir)) {
      problems.push(
        `named context ${name}: ${dir} is outside the workspace and is not read in Restricted Mode; the steps that read it are "maybe". Trust the workspace to read it.`,
      );
      continue;
    }
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    } catch {
      problems.push(`named context ${name}: ${dir} is not a folder; the steps that read it are "maybe".`);
      continue;
    }
    setOwn(out, name, namedFolder(dir, await scan(dir), problems, name));
  }
  return out;
}

/** One named folder: BuildKit applies the `.dockerignore` at its root (only that name) when it loads it (R27). */
function namedFolder(dir: string, snapshot: FsContextSnapshot, problems: string[], name: string): NamedFolder {
  const ignore = findIgnoreFile(dir, '.', 'buildkit');
  problems.push(
    ...ignore.problems.map((p) => `named context ${name}: ${p}`),
    ...snapshot.problems.map((p) => `named context ${name}: ${p.path}: ${p.message}`),
  );
  const ignoreText = ignore.file?.text;
  return { dir, snapshot, view: viewContext(snapshot, ignoreText), ...(ignoreText !== undefined ? { ignoreText } : {}) };
}

/** The same, synchronously (the CLI). */
function readNamedFoldersSync(values: Record<string, string> | undefined, problems: string[], cache?: DigestCache): Record<string, NamedFolder> | undefined {
  if (!values) return undefined;
  const out: Record<string, NamedFolder> = {};
  for (const [name, dir] of Object.entries(values)) {
    if (namedContextKind(dir) !== 'folder') continue;
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    } catch {
      problems.push(`named context ${name}: ${dir} is not a folder; the steps that read it are "maybe".`);
      continue;
    }
    setOwn(out, name, namedFolder(dir, scanContext(dir, cache ? { digestCache: cache } : {}), problems, name));
  }
  return out;
}

function finishOpen(
  opts: ProjectOptions,
  o: Opening,
  snapshot: FsContextSnapshot,
  named?: { folders?: Record<string, NamedFolder>; problems: string[] },
): Project {
  const { dockerfileAbs, text, contextDir, dockerfilePath } = o;
  const ignore = findIgnoreFile(contextDir, dockerfilePath, opts.builder);
  const ignoreText = ignore.file?.text;
  const synced = opts.builder === 'buildkit' && opts.synced ? withSyncedContent(snapshot, opts.synced) : undefined;
  const problems = [...ignore.problems, ...snapshot.problems.map((p) => `${p.path}: ${p.message}`), ...(named?.problems ?? [])];
  const namedContexts = namedValues(opts);
  return {
    dockerfileAbs,
    contextDir,
    text,
    options: {
      builder: opts.builder,
      buildArgs: opts.buildArgs,
      dockerfilePath,
      ...(opts.target ? { target: opts.target } : {}),
      ...(opts.platform ? { platform: opts.platform } : {}),
      ...(namedContexts ? { namedContexts } : {}),
    },
    snapshot,
    ...(synced
      ? {
          synced: {
            files: opts.synced as SyncedFiles,
            snapshot: synced,
            stale: staleFiles(snapshot, opts.synced as SyncedFiles, Object.keys(opts.synced as SyncedFiles)),
          },
        }
      : {}),
    view: viewContext(synced ?? snapshot, ignoreText),
    ...(ignoreText !== undefined ? { ignoreText, ignoreFile: ignore.file?.path } : {}),
    ...(ignore.problems.length ? { ignoreProblems: ignore.problems } : {}),
    problems,
    ...(opts.unresolvedArgs && Object.keys(opts.unresolvedArgs).length ? { unresolvedArgs: opts.unresolvedArgs } : {}),
    ...(named?.folders ? { named: named.folders } : {}),
  };
}

export function openProject(opts: ProjectOptions): Project {
  const o = prepareOpen(opts);
  const problems: string[] = [];
  const folders = readNamedFoldersSync(namedValues(opts), problems, opts.digestCache);
  const project = finishOpen(opts, o, scanContext(o.contextDir, opts.digestCache ? { digestCache: opts.digestCache } : {}), {
    ...(folders ? { folders } : {}),
    problems,
  });
  return withNamedBuilds(project, opts, (sub) => openProject({ ...sub, ...(opts.digestCache ? { digestCache: opts.digestCache } : {}) }));
}

/** The named contexts that are another build's output, with that build declared: each opened (openProject's way). */
function namedBuildsToOpen(opts: ProjectOptions): Array<[string, NamedBuildOptions]> {
  if (opts.builder !== 'buildkit' || !opts.namedBuilds || !opts.namedContexts) return [];
  const named = opts.namedContexts;
  return Object.entries(opts.namedBuilds).filter(([name]) => Object.hasOwn(named, name) && namedContextKind(named[name]) === 'build');
}

function namedBuildProblem(name: string, value: string, e: unknown): string {
  return `named context ${name} (${value}): ${e instanceof Error ? e.message : String(e)} The steps that read it are "maybe".`;
}

function withNamedBuilds(project: Project, opts: ProjectOptions, open: (sub: ProjectOptions) => Project): Project {
  const wanted = namedBuildsToOpen(opts);
  if (!wanted.length) return project;
  const out: Record<string, Project> = {};
  for (const [name, sub] of wanted) {
    try {
      setOwn(out, name, open({ ...sub, builder: opts.builder, ...(opts.namedFolderReadable ? { namedFolderReadable: opts.namedFolderReadable } : {}) }));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      project.problems.push(namedBuildProblem(name, (opts.namedContexts as Record<string, string>)[name], e));
    }
  }
  return Object.keys(out).length ? { ...project, namedBuilds: out } : project;
}

/**
 * openProject for the language server: the context is read in slices (scanContextAsync), and the digests the
 * Dockerfile's COPY/ADD sources and bind mounts will need are computed ahead, also in slices, so neither the scan
 * nor the first plan keeps other requests waiting. Rejects with an AbortError when `signal` aborts.
 */
export async function openProjectAsync(opts: ProjectOptions, signal?: AbortSignal): Promise<Project> {
  const o = prepareOpen(opts);
  const scanOptions = { ...(opts.digestCache ? { digestCache: opts.digestCache } : {}), ...(signal ? { signal } : {}) };
  const snapshot = await scanContextAsync(o.contextDir, scanOptions);
  const problems: string[] = [];
  const folders = await readNamedFolders(namedValues(opts), (dir) => scanContextAsync(dir, scanOptions), problems, opts.namedFolderReadable);
  let project = finishOpen(opts, o, snapshot, { ...(folders ? { folders } : {}), problems });
  const roots = sourceRoots(project, opts.text !== undefined ? opts.parsed : undefined);
  await warmDigests(snapshot, filesBelow(roots), signal);
  await warmTrees(project, roots, signal);
  const wanted = namedBuildsToOpen(opts);
  if (wanted.length) {
    const opened: Record<string, Project> = {};
    for (const [name, sub] of wanted) {
      try {
        const subOpts: ProjectOptions = {
          ...sub,
          builder: opts.builder,
          ...(opts.digestCache ? { digestCache: opts.digestCache } : {}),
          ...(opts.namedFolderReadable ? { namedFolderReadable: opts.namedFolderReadable } : {}),
        };
        setOwn(opened, name, await openProjectAsync(subOpts, signal));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        project.problems.push(namedBuildProblem(name, (opts.namedContexts as Record<string, string>)[name], e));
      }
    }
    if (Object.keys(opened).length) project = { ...project, namedBuilds: opened };
  }
  return project;
}

/**
 * The folder digests a plan of these sources computes (memoised on the view's nodes), bottom-up in slices, so
 * the first plan finds them instead of hashing every name of a big context in one go.
 */
async function warmTrees(project: Project, roots: ViewNode[], signal: AbortSignal | undefined): Promise<void> {
  const { view } = project;
  const digest = project.options.builder === 'classic' ? (n: ViewNode) => classicTree(view, n) : (n: ViewNode) => bkTree(view, n);
  let slice = performance.now();
  const seen = new Set<ViewNode>();
  for (const root of roots) {
    // Post-order: every folder after its children, so each call hashes one folder's own list.
    const stack: Array<{ node: ViewNode; open: boolean }> = [{ node: root, open: false }];
    while (stack.length) {
      const top = stack.pop()!;
      if (!top.node.kids) continue;
      if (!top.open) {
        if (seen.has(top.node)) continue;
        seen.add(top.node);
        stack.push({ node: top.node, open: true });
        for (const kid of top.node.kids.values()) if (kid.kids) stack.push({ node: kid, open: false });
        continue;
      }
      digest(top.node);
      if (performance.now() - slice > 50) {
        await new Promise<void>((done) => setImmediate(done));
        if (signal?.aborted) throw Object.assign(new Error('The build context scan was cancelled.'), { name: 'AbortError' });
        slice = performance.now();
      }
    }
  }
}

/**
 * The view nodes the Dockerfile's context sources probably read, from its COPY/ADD sources (no --from) and bind
 * mounts: a path's subtree, a wildcard's folder before its first wildcard, the whole context for '.', a variable or a
 * symlink. Only a warm-up: what is missed here is hashed by the plan itself.
 */
function sourceRoots(project: Project, known: ParsedDockerfile | undefined): ViewNode[] {
  let parsed = known;
  try {
    parsed ??= parseDockerfile(project.text);
  } catch {
    return [];
  }
  const roots = new Set<ViewNode>();
  const add = (src: string): void => {
    if (src.includes('://') || src.startsWith('git@') || src.startsWith('<<')) return;
    if (src.includes('$')) {
      roots.add(project.view.root);
      return;
    }
    const segs = src
      .replace(/\\/g, '/')
      .split('/')
      .filter((x) => x !== '' && x !== '.');
    const first = segs.findIndex((x) => /[*?[]/.test(x) || x === '..');
    const node = lookup(project.view.root, (first < 0 ? segs : segs.slice(0, first)).join('/'));
    if (node?.entry.type === 'symlink') roots.add(project.view.root);
    else if (node) roots.add(node);
  };
  for (const ins of parsed.instructions) {
    if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && flagValue(ins, 'from') === undefined && ins.heredocs.length === 0) {
      const args = ins.json ?? splitKeepingQuotes(ins.args);
      for (const src of args.slice(0, -1)) add(src);
    } else if (ins.keyword === 'RUN') {
      for (const value of flagValues(ins, 'mount')) {
        const m = mountOptions(value);
        if ((m.get('type') ?? 'bind') !== 'bind' || m.has('from')) continue;
        add(m.get('source') ?? m.get('src') ?? '.');
      }
    }
  }
  return [...roots];
}

/** The included regular files at and below these nodes. */
function* filesBelow(roots: ViewNode[]): Generator<ContextEntryLike> {
  const seen = new Set<ViewNode>();
  for (const root of roots) {
    const stack = [root];
    while (stack.length) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      if (node.kids) stack.push(...node.kids.values());
      else if (node.entry.type === 'file') yield node.entry;
    }
  }
}

type ContextEntryLike = ViewNode['entry'];

/**
 * The project after context files changed (paths absolute or relative to the context): only those
 * paths are examined again and only digests along them recomputed. `text` replaces the Dockerfile text.
 */
export function refreshProject(project: Project, changedPaths: Iterable<string>, text?: string): Project {
  const paths = [...changedPaths];
  changedPaths = paths;
  const { snapshot, changed } = updateSnapshot(project.snapshot, changedPaths);
  const was = project.synced;
  const synced = was
    ? { files: was.files, snapshot: withSyncedContent(snapshot, was.files), stale: staleFiles(snapshot, was.files, [...was.stale, ...changed]) }
    : undefined;
  const seen = synced?.snapshot ?? snapshot;
  const ignoreFiles = new Set(ignoreFileCandidates(project.options.dockerfilePath, project.options.builder));
  let { view, ignoreText, ignoreFile } = project;
  let ignoreProblems = project.ignoreProblems ?? [];
  if (changed.some((p) => ignoreFiles.has(p))) {
    const ignore = findIgnoreFile(project.contextDir, project.options.dockerfilePath, project.options.builder);
    ignoreText = ignore.file?.text;
    ignoreFile = ignore.file?.path;
    ignoreProblems = ignore.problems;
    view = viewContext(seen, ignoreText);
  } else if (changed.length) {
    view = updateView(view, seen, changed);
  }
  const named = refreshNamed(project.named, changedPaths);
  const namedBuilds = refreshNamedBuilds(project.namedBuilds, paths);
  const next: Project = {
    ...project,
    snapshot,
    ...(named ? { named } : {}),
    ...(namedBuilds ? { namedBuilds } : {}),
    ...(synced ? { synced } : {}),
    view,
    text: text ?? project.text,
    problems: [...ignoreProblems, ...snapshot.problems.map((p) => `${p.path}: ${p.message}`)],
  };
  if (ignoreProblems.length) next.ignoreProblems = ignoreProblems;
  else delete next.ignoreProblems;
  // An ignore file created, removed or replaced (`<name>.dockerignore` over `.dockerignore`): which one it is too.
  if (ignoreText === undefined) delete next.ignoreText;
  else next.ignoreText = ignoreText;
  if (ignoreText === undefined || ignoreFile === undefined) delete next.ignoreFile;
  else next.ignoreFile = ignoreFile;
  return next;
}

/**
 * The folders and files a project is read from, absolute: its context, its named folders, and those of the builds
 * its named contexts are the output of, with their Dockerfiles (a change there changes this plan too).
 */
export function projectPaths(project: Pick<Project, 'contextDir' | 'named' | 'namedBuilds'>): string[] {
  return [
    project.contextDir,
    ...Object.values(project.named ?? {}).map((f) => f.dir),
    ...Object.values(project.namedBuilds ?? {}).flatMap((b) => [b.dockerfileAbs, ...projectPaths(b)]),
  ];
}

/** The named builds after files changed: each refreshed along the paths it reads, its Dockerfile read again when it changed. */
function refreshNamedBuilds(builds: Record<string, Project> | undefined, changedPaths: string[]): Record<string, Project> | undefined {
  if (!builds) return undefined;
  const out: Record<string, Project> = {};
  for (const [name, sub] of Object.entries(builds)) {
    const dirs = projectPaths(sub);
    const inside = changedPaths.filter((p) => isAbsolute(p) && (p === sub.dockerfileAbs || dirs.some((d) => p === d || p.startsWith(d + sep))));
    if (!inside.length) {
      setOwn(out, name, sub);
      continue;
    }
    let text: string | undefined;
    if (inside.includes(sub.dockerfileAbs)) {
      try {
        text = readDockerfile(sub.dockerfileAbs);
      } catch (e) {
        // Gone or unreadable now: planned as it was read, and said.
        if (!(e instanceof InputError)) throw e;
        sub.problems.push(e.message);
      }
    }
    setOwn(out, name, refreshProject(sub, inside, text));
  }
  return out;
}

/** The named folders after files changed: absolute paths inside a folder update it (its ignore file read again). */
function refreshNamed(named: Record<string, NamedFolder> | undefined, changedPaths: Iterable<string>): Record<string, NamedFolder> | undefined {
  if (!named) return undefined;
  const paths = [...changedPaths].filter((p) => isAbsolute(p));
  if (!paths.length) return named;
  const out: Record<string, NamedFolder> = {};
  for (const [name, folder] of Object.entries(named)) {
    const inside = paths.filter((p) => p === folder.dir || p.startsWith(folder.dir + sep));
    if (!inside.length) {
      setOwn(out, name, folder);
      continue;
    }
    const { snapshot, changed } = updateSnapshot(folder.snapshot, inside);
    if (changed.includes('.dockerignore')) setOwn(out, name, namedFolder(folder.dir, snapshot, [], name));
    else setOwn(out, name, { ...folder, snapshot, view: changed.length ? updateView(folder.view, snapshot, changed) : folder.view });
  }
  return out;
}

/** The named folders as the plan reads them. */
function namedPlanContexts(named: Record<string, NamedFolder> | undefined): Record<string, PlanContext> | undefined {
  if (!named) return undefined;
  const out: Record<string, PlanContext> = {};
  for (const [name, f] of Object.entries(named)) setOwn(out, name, planContext(f.snapshot, f.ignoreText, 'buildkit', f.view));
  return out;
}

/**
 * The core's access to a context view. Fingerprints are memoised on the view nodes, which updateView shares
 * between versions, so a plan after an edit recomputes only the edited paths' fingerprints.
 */
export function planContext(
  snapshot: ContextSnapshot,
  ignoreText: string | undefined,
  builder: Builder,
  existing?: ContextView,
): PlanContext & { selections: SourceSelection[] } {
  const view = existing ?? viewContext(snapshot, ignoreText);
  const selections: SourceSelection[] = [];
  const made = <T extends SourceSelection>(sel: T): T => {
    selections.push(sel);
    return sel;
  };
  return {
    selections,
    select: (sources, opts) => made(selectSources(view, sources, opts)),
    whole: () => made(wholeContext(view, builder)),
    fingerprint: (path) => {
      const node = path === '' ? undefined : lookup(view.root, path);
      return node && nodeFingerprint(view, node);
    },
  };
}

/** A plan with the costs recorded by real builds: durations on rebuild verdicts, sizes, the rebuild estimate. */
export type ProjectPlan = RecordablePlan & { source: string[]; steps: CostedPrediction[]; estimate?: RebuildEstimate };

/** What planProject reads of a project: any context snapshot will do (a folder on disk, a git tree). */
export type PlannedProject = Pick<Project, 'text' | 'options' | 'view' | 'ignoreText' | 'synced' | 'unresolvedArgs' | 'named' | 'namedBuilds'> & {
  snapshot: ContextSnapshot;
};

/**
 * The builds this one's named contexts are the output of (Bake `target:`), each planned against the same store: the
 * end of its target stage's chain (planBuild's `end`) for the steps that read it, and its keys, which recording this
 * build records too (Bake builds that target as part of this one). A build that cannot be planned is left out: the
 * steps that read it stay 'maybe'.
 */
function planNamedBuilds(project: PlannedProject, known: KnownBuilds): { results: Record<string, NamedBuildResult>; keys: string[] } | undefined {
  if (!project.namedBuilds || project.options.builder !== 'buildkit') return undefined;
  const results: Record<string, NamedBuildResult> = {};
  const keys: string[] = [];
  // Its own last recorded build is not this one's: only the keys are shared.
  const shared: KnownBuilds = { has: (k) => known.has(k), empty: known.empty };
  for (const [name, sub] of Object.entries(project.namedBuilds)) {
    const plan = planProject(sub, shared);
    if (plan.fails || !plan.end) continue;
    // A step said 'maybe' after the chain was judged (a build arg unknown here): the build may rerun it.
    const unsure = plan.end.status === 'cached' ? plan.steps.find((s) => s.status === 'maybe') : undefined;
    const cause = unsure ?? plan.end.cause;
    setOwn(results, name, {
      key: plan.end.key,
      status: unsure ? 'maybe' : plan.end.status,
      ...(cause ? { cause: { line: cause.line, keyword: cause.keyword, file: basename(sub.dockerfileAbs) } } : {}),
    });
    keys.push(...plan.keys);
  }
  return { results, keys };
}

/** `parsed`: parseDockerfile(project.text), when the caller has it already. */
export function planProject(project: PlannedProject, known: KnownBuilds, parsed?: ParsedDockerfile): ProjectPlan {
  const seen = project.synced?.snapshot ?? project.snapshot;
  const context = planContext(seen, project.ignoreText, project.options.builder, project.view);
  const named = namedPlanContexts(project.named);
  const builds = planNamedBuilds(project, known);
  const result = planBuild({
    text: project.text,
    ...(parsed ? { parsed } : {}),
    options: project.options,
    context,
    known,
    ...(named ? { named } : {}),
    ...(builds ? { namedBuilds: builds.results } : {}),
  });
  if (builds?.keys.length) result.keys = [...result.keys, ...builds.keys];
  if (project.options.builder === 'buildkit') {
    // What BuildKit's sync will hold after this build, for the next prediction (C9): only needed when
    // the plan is recorded, and it covers every file read.
    const recorded = result.recorded;
    lazyProperty(recorded, 'synced', () => {
      const synced: SyncedFiles = {};
      for (const path of Object.keys(recorded.files)) {
        const entry = syncedEntry(seen, path);
        if (entry) setOwn(synced, path, entry);
      }
      return synced;
    });
  }
  if (project.synced) {
    // The stale files the plan reads (withSyncedContent's `stale`, without hashing every file read).
    const read = (path: string) => context.selections.some((sel) => sel.includes?.(path) ?? sel.paths.includes(path));
    result.diagnostics.push(...staleDiagnostics(new Set([...project.synced.stale].filter(read))));
  }
  if (project.unresolvedArgs) result.steps = withUnresolvedArgs(project, known, parsed, result.steps, builds?.results);
  const { steps, estimate } = planCosts(result.steps, result.recorded, known.last);
  return { ...result, steps, estimate, source: project.text.split('\n') };
}

/** A value no build arg has: a step whose key changes with it depends on the arg. */
const UNKNOWN_ARG_VALUE = '\u0000layerlens:unresolved';
/** Up to this many unresolved args are told apart (one more plan each); more share one plan. */
const MAX_SEPARATE_UNRESOLVED = 4;

/**
 * Steps whose cache key depends on a build arg whose value is unknown (project.unresolvedArgs) cannot be judged:
 * the plan is made again with that arg set to a value nothing has, and every step whose key moves with it (the
 * step that reads it and the chain after it) is `maybe: depends on build arg NAME, unknown here (why)`, unless nothing
 * was ever recorded for it (then it rebuilds whatever the value).
 */
function withUnresolvedArgs(
  project: PlannedProject,
  known: KnownBuilds,
  parsed: ParsedDockerfile | undefined,
  steps: StepPrediction[],
  namedBuilds: Record<string, NamedBuildResult> | undefined,
): StepPrediction[] {
  const unresolved = project.unresolvedArgs ?? {};
  const names = Object.keys(unresolved);
  const groups = names.length <= MAX_SEPARATE_UNRESOLVED ? names.map((n) => [n]) : [names];
  const seen = project.synced?.snapshot ?? project.snapshot;
  const dependsOn = new Map<number, string[]>();
  for (const group of groups) {
    const buildArgs = { ...project.options.buildArgs };
    for (const name of group) setOwn(buildArgs, name, UNKNOWN_ARG_VALUE);
    const other = planBuild({
      text: project.text,
      ...(parsed ? { parsed } : {}),
      options: { ...project.options, buildArgs },
      context: planContext(seen, project.ignoreText, project.options.builder, project.view),
      known,
      ...(project.named ? { named: namedPlanContexts(project.named) } : {}),
      ...(namedBuilds ? { namedBuilds } : {}),
    });
    const keyAt = new Map(other.steps.map((s) => [s.line, s.key]));
    for (const s of steps) {
      if (s.key !== undefined && keyAt.get(s.line) !== s.key) dependsOn.set(s.line, [...(dependsOn.get(s.line) ?? []), ...group]);
    }
  }
  return steps.map((s) => {
    const args = dependsOn.get(s.line);
    // Nothing built yet: every step rebuilds whatever the value is.
    if (!args || !(s.status === 'cached' || (s.status === 'rebuilds' && !known.empty))) return s;
    const cause: Reason = { code: 'unknownBuildArgs', args: args.map((name) => ({ name, why: unresolved[name] ?? '' })) };
    return { ...s, status: 'maybe', reason: renderReason(cause), cause };
  });
}

/** `parsed`: parseDockerfile(project.text), when the caller has it already. */
export function simulateProject(
  project: Project,
  changedFiles: string[],
  editedLines: number[],
  parsed?: ParsedDockerfile,
): RecordablePlan & { source: string[] } {
  const { snapshot, ignoreText, options } = project;
  const result = simulateBuild({
    text: project.text,
    ...(parsed ? { parsed } : {}),
    options,
    context: planContext(snapshot, ignoreText, options.builder, project.view),
    changedContext: (paths) => {
      const changed = withChangedFiles(snapshot, paths);
      return planContext(changed, ignoreText, options.builder, updateView(project.view, changed, paths));
    },
    changedFiles: changedFiles.map((p) => relative(project.contextDir, resolve(project.contextDir, p)).split(sep).join('/')),
    editedLines,
    ...(project.named ? { named: namedPlanContexts(project.named) } : {}),
  });
  return { ...result, source: project.text.split('\n') };
}
