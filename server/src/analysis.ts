// Glue between files on disk and the pure core, shared by the CLI and the language server:
// read the Dockerfile (or take unsaved text), read the context and its ignore file, and hand
// the core plain data.
import { statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { planBuild, type KnownBuilds, type PlanContext, type PlanResult } from './core/predict';
import { simulateBuild, withChangedFiles } from './core/simulate';
import { nodeFingerprint, selectSources, updateView, viewContext, wholeContext, type ContextView } from './core/context';
import { lookup } from './core/contextView';
import { lazyProperty } from './core/lazy';
import { setOwn } from './core/own';
import { ignoreFileCandidates } from './core/dockerignore';
import { readIgnoreFile, scanContext, updateSnapshot, type DigestCache, type FsContextSnapshot } from './contextFs';
import { staleDiagnostics, staleFiles, syncedEntry, withSyncedContent, type SyncedFiles, type SyncedSnapshot } from './core/syncState';
import type { Builder, ContextSnapshot, PlanOptions, SourceSelection } from './core/types';
import type { ParsedDockerfile } from './core/parse';
import { MAX_DOCKERFILE_BYTES } from './core/limits';
import { planCosts, type CostedPrediction, type RebuildEstimate } from './core/cost';

/** Input that cannot be read; the message says what to do. */
import { InputError, readDockerfileBytes } from './dockerfileFile';

export { InputError };

/** The CLI's size limit, one of the limits in core/limits.ts. */
export { MAX_DOCKERFILE_BYTES };

export interface ProjectOptions {
  dockerfile: string;
  context?: string;
  builder: Builder;
  buildArgs: Record<string, string>;
  target?: string;
  /** Unsaved editor text; read from disk when absent. */
  text?: string;
  /** Digests of unchanged files from earlier runs, so they are not read again. */
  digestCache?: DigestCache;
  /** BuildKit: what its context sync held at the last recorded build (C9), from the store. */
  synced?: SyncedFiles;
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
  /** Problems worth telling the user that do not stop the plan. */
  problems: string[];
}

export function readDockerfile(path: string): string {
  const buf = readDockerfileBytes(path);
  if (buf.includes(0)) throw new InputError(`${path} contains NUL bytes: it looks like a binary file, not a Dockerfile. Pass the Dockerfile itself.`);
  return buf.toString('utf8');
}

export function openProject(opts: ProjectOptions): Project {
  const dockerfileAbs = resolve(opts.dockerfile);
  const text = opts.text ?? readDockerfile(dockerfileAbs);
  const contextDir = resolve(opts.context ?? dirname(dockerfileAbs));
  try {
    if (!statSync(contextDir).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new InputError(`The build context ${contextDir} is not a folder. Pass --context with the folder docker build would get.`);
  }
  const dockerfilePath = relative(contextDir, dockerfileAbs).split(sep).join('/');
  const snapshot = scanContext(contextDir, opts.digestCache ? { digestCache: opts.digestCache } : {});
  const ignoreText = readIgnoreFile(contextDir, dockerfilePath, opts.builder)?.text;
  const synced = opts.builder === 'buildkit' && opts.synced ? withSyncedContent(snapshot, opts.synced) : undefined;
  const problems = snapshot.problems.map((p) => `${p.path}: ${p.message}`);
  return {
    dockerfileAbs,
    contextDir,
    text,
    options: { builder: opts.builder, buildArgs: opts.buildArgs, dockerfilePath, ...(opts.target ? { target: opts.target } : {}) },
    snapshot,
    ...(synced ? { synced: { files: opts.synced as SyncedFiles, snapshot: synced, stale: staleFiles(snapshot, opts.synced as SyncedFiles, Object.keys(opts.synced as SyncedFiles)) } } : {}),
    view: viewContext(synced ?? snapshot, ignoreText),
    ...(ignoreText !== undefined ? { ignoreText } : {}),
    problems,
  };
}

/**
 * The project after context files changed (paths absolute or relative to the context): only those
 * paths are examined again and only digests along them recomputed. `text` replaces the Dockerfile text.
 */
export function refreshProject(project: Project, changedPaths: Iterable<string>, text?: string): Project {
  const { snapshot, changed } = updateSnapshot(project.snapshot, changedPaths);
  const was = project.synced;
  const synced = was ? { files: was.files, snapshot: withSyncedContent(snapshot, was.files), stale: staleFiles(snapshot, was.files, [...was.stale, ...changed]) } : undefined;
  const seen = synced?.snapshot ?? snapshot;
  const ignoreFiles = new Set(ignoreFileCandidates(project.options.dockerfilePath, project.options.builder));
  let { view, ignoreText } = project;
  if (changed.some((p) => ignoreFiles.has(p))) {
    ignoreText = readIgnoreFile(project.contextDir, project.options.dockerfilePath, project.options.builder)?.text;
    view = viewContext(seen, ignoreText);
  } else if (changed.length) {
    view = updateView(view, seen, changed);
  }
  const next: Project = { ...project, snapshot, ...(synced ? { synced } : {}), view, text: text ?? project.text, problems: snapshot.problems.map((p) => `${p.path}: ${p.message}`) };
  if (ignoreText === undefined) delete next.ignoreText;
  else next.ignoreText = ignoreText;
  return next;
}

/**
 * The core's access to a context view. Fingerprints are memoised on the view nodes, which updateView shares
 * between versions, so a plan after an edit recomputes only the edited paths' fingerprints.
 */
export function planContext(snapshot: ContextSnapshot, ignoreText: string | undefined, builder: Builder, existing?: ContextView): PlanContext & { selections: SourceSelection[] } {
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
export type ProjectPlan = PlanResult & { source: string[]; steps: CostedPrediction[]; estimate?: RebuildEstimate };

/** `parsed`: parseDockerfile(project.text), when the caller has it already. */
export function planProject(project: Project, known: KnownBuilds, parsed?: ParsedDockerfile): ProjectPlan {
  const seen = project.synced?.snapshot ?? project.snapshot;
  const context = planContext(seen, project.ignoreText, project.options.builder, project.view);
  const result = planBuild({ text: project.text, ...(parsed ? { parsed } : {}), options: project.options, context, known });
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
  const { steps, estimate } = planCosts(result.steps, result.recorded, known.last);
  return { ...result, steps, estimate, source: project.text.split('\n') };
}

export function simulateProject(project: Project, changedFiles: string[], editedLines: number[]): PlanResult & { source: string[] } {
  const { snapshot, ignoreText, options } = project;
  const result = simulateBuild({
    text: project.text,
    options,
    context: planContext(snapshot, ignoreText, options.builder, project.view),
    changedContext: (paths) => {
      const changed = withChangedFiles(snapshot, paths);
      return planContext(changed, ignoreText, options.builder, updateView(project.view, changed, paths));
    },
    changedFiles: changedFiles.map((p) => relative(project.contextDir, resolve(project.contextDir, p)).split(sep).join('/')),
    editedLines,
  });
  return { ...result, source: project.text.split('\n') };
}
