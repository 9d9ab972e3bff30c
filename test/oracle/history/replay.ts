// Replays one repository's history (data.ts) on one engine, state by state: write the state's files into a build
// context, `layerlens plan --json`, build with the engine, compare every step (compare.ts), `layerlens record`.
// Everything for one repository runs under one withEngineLock, after a cache reset, with stand-in images
// (standins.ts) imported once.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliEnv, compareSteps, planJson, recordBuild, type PlanDiagnostic, type StepComparison } from '../compare';
import { BuildError, buildWithEngine, readDockerfile, resetEngineCache, withEngineLock, type Engine } from '../engine';
import type { HistoryRepo, HistoryState } from './data';
import { collectNeeds, emptyNeeds, importStandins, rewriteDockerfile, type ImportReport, type StandinNeeds } from './standins';

/** mtime of the files written in state i: T0 + i * 100 s (distinct per state, as a checkout gives). */
export const T0 = 1_700_000_000;

export type StateKind = 'compared' | 'failure-predicted' | 'engine-failed' | 'skipped' | 'error';

export interface ComparedStep extends StepComparison {
  /** A `maybe` on a step that reads a stage's output by content: stand-in RUNs never produce real content. */
  unscorable: boolean;
}

export interface StateOutcome {
  index: number;
  commit: string;
  subject: string;
  kind: StateKind;
  /** skipped: why; engine-failed / failure-predicted: the engine's first error line; error: what went wrong. */
  detail?: string;
  rows: ComparedStep[];
  ms: number;
  /** Where the time went (ms): plan and build run at the same time, then record. */
  split: { plan: number; build: number; record: number };
}

export interface RepoTally {
  states: number;
  right: number;
  wrong: number;
  maybe: number;
  unscorable: number;
  skipped: number;
  failurePredicted: number;
  engineFailed: number;
  errors: number;
}

export interface RepoResult {
  repo: string;
  engine: Engine;
  outcomes: StateOutcome[];
  tally: RepoTally;
  standins: ImportReport;
  /** Rewrites made to the Dockerfile texts and things the stand-ins could not provide. */
  notes: string[];
  ms: number;
}

export function emptyTally(): RepoTally {
  return { states: 0, right: 0, wrong: 0, maybe: 0, unscorable: 0, skipped: 0, failurePredicted: 0, engineFailed: 0, errors: 0 };
}

export function addTally(into: RepoTally, t: RepoTally): void {
  for (const k of Object.keys(into) as Array<keyof RepoTally>) into[k] += t[k];
}

/** Where the replayer writes things for one repository (see layout()). */
interface Layout {
  contextDir: string;
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  /** Context-relative path of the Dockerfile when it is inside the context. */
  dockerfileRel?: string;
  /** Absolute path of the ignore file the data's `ignoreText` is. */
  ignoreFile: string;
  ignoreRel?: string;
}

function layout(repo: HistoryRepo, engine: Engine, workDir: string): Layout {
  // Unique basename: BuildKit shares incremental context state between contexts with the same basename (R9).
  const contextDir = join(workDir, `${repo.repo.replace('/', '__')}-${engine}-${randomBytes(4).toString('hex')}`);
  mkdirSync(contextDir);
  const ctx = repo.context;
  const df = repo.dockerfile.replace(/^\/+/, '');
  const dockerfileRel = ctx === '' ? df : df.startsWith(ctx + '/') ? df.slice(ctx.length + 1) : undefined;
  const dockerfile = dockerfileRel !== undefined ? join(contextDir, dockerfileRel) : join(`${contextDir}.outside`, df);
  const listed = (p: string) => repo.states.some((s) => Object.prototype.hasOwnProperty.call(s.files, p));
  let ignoreRel: string | undefined;
  let ignoreFile: string;
  if (dockerfileRel !== undefined && listed(`${dockerfileRel}.dockerignore`)) ignoreRel = `${dockerfileRel}.dockerignore`;
  else if (listed('.dockerignore') || dockerfileRel !== undefined) ignoreRel = '.dockerignore';
  if (ignoreRel !== undefined) ignoreFile = join(contextDir, ignoreRel);
  else ignoreFile = `${dockerfile}.dockerignore`;
  return { contextDir, dockerfile, ...(dockerfileRel !== undefined ? { dockerfileRel } : {}), ignoreFile, ...(ignoreRel !== undefined ? { ignoreRel } : {}) };
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Removes a path, then the folders it leaves empty (git does not keep empty folders). */
function removeWithParents(root: string, rel: string): void {
  rmSync(join(root, rel), { recursive: true, force: true });
  let d = dirname(rel);
  while (d !== '.' && d !== '') {
    const abs = join(root, d);
    try {
      if (readdirSync(abs).length) break;
      rmdirSync(abs);
    } catch {
      break;
    }
    d = dirname(d);
  }
}

/** Writes a file (never through a symlink left at the path) with its mode and the state's mtime. */
function writeTextFile(path: string, text: string | Buffer, mode: number, mtime: number): void {
  if (isLink(path) || (exists(path) && lstatSync(path).isDirectory())) rmSync(path, { recursive: true, force: true });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
  utimesSync(path, mtime, mtime);
}

/** Applies one state: its file changes, the (rewritten) Dockerfile and the ignore file. */
export function applyState(lay: Layout, state: HistoryState, index: number, dockerfileText: string): void {
  const mtime = T0 + index * 100;
  const special = new Set([lay.dockerfileRel, lay.ignoreRel].filter((p): p is string => p !== undefined));
  const entries = Object.entries(state.files).filter(([p]) => !special.has(p));
  // removals first: a path that turns from folder into file (or back) is removed and added in the same state
  for (const [p, c] of entries) if (c === null) removeWithParents(lay.contextDir, p);
  for (const [p, c] of entries) {
    if (c === null) continue;
    const abs = join(lay.contextDir, p);
    const [mode, id] = c;
    if (mode === '120000') {
      if (exists(abs)) rmSync(abs, { recursive: true, force: true });
      mkdirSync(dirname(abs), { recursive: true });
      symlinkSync(id, abs);
      lutimesSync(abs, mtime, mtime);
    } else {
      writeTextFile(abs, `blob ${id}\n`, mode === '100755' ? 0o755 : 0o644, mtime);
    }
  }
  const dfMode = lay.dockerfileRel !== undefined && state.files[lay.dockerfileRel]?.[0] === '100755' ? 0o755 : 0o644;
  if (!existsSync(lay.dockerfile) || readFileSync(lay.dockerfile, 'utf8') !== dockerfileText || (lstatSync(lay.dockerfile).mode & 0o777) !== dfMode) {
    writeTextFile(lay.dockerfile, dockerfileText, dfMode, mtime);
  }
  if (state.ignoreText === null) {
    if (exists(lay.ignoreFile)) rmSync(lay.ignoreFile, { force: true });
  } else if (!existsSync(lay.ignoreFile) || readFileSync(lay.ignoreFile, 'utf8') !== state.ignoreText) {
    writeTextFile(lay.ignoreFile, state.ignoreText, 0o644, mtime);
  }
}

function mergeNeeds(into: StandinNeeds, n: StandinNeeds): void {
  for (const [ref, paths] of n.images) {
    const m = into.images.get(ref) ?? new Map<string, 'file' | 'dir'>();
    into.images.set(ref, m);
    for (const [p, k] of paths) if (m.get(p) !== 'dir') m.set(p, k);
  }
  for (const x of n.execs) into.execs.add(x);
  for (const x of n.users) into.users.add(x);
  for (const x of n.groups) into.groups.add(x);
  for (const x of n.notes) if (!into.notes.includes(x)) into.notes.push(x);
}

/** The engine's first error line of a failed build. */
export function firstErrorLine(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.replace(/^#\d+\s+/, '').trim())
    .filter(Boolean);
  const hit = lines.find((l) => /^ERROR\b|^error\b|failed to solve|returned a non-zero code|invalid reference format|not found|no such file/i.test(l));
  return (hit ?? lines[lines.length - 1] ?? '(no output)').slice(0, 240);
}

/** Our plan predicted that this engine refuses the Dockerfile. */
export function failurePredicted(engine: Engine, diagnostics: PlanDiagnostic[]): PlanDiagnostic | undefined {
  return (
    diagnostics.find((d) => d.severity === 'error') ??
    (engine === 'classic' ? diagnostics.find((d) => /classic builder (rejects|does not support|fails)|requires BuildKit/i.test(d.message)) : undefined)
  );
}

export interface ReplayOptions {
  /** Keep the scratch dir (default: removed). */
  keep?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Called with each successful build's output (for looking into a disagreement by hand). */
  onBuild?: (state: number, output: string, contextDir: string) => void;
}

export function replayRepo(repo: HistoryRepo, engine: Engine, opts: ReplayOptions = {}): Promise<RepoResult> {
  return withEngineLock(engine, () => replayUnlocked(repo, engine, opts));
}

async function replayUnlocked(repo: HistoryRepo, engine: Engine, opts: ReplayOptions): Promise<RepoResult> {
  const started = Date.now();
  const log = opts.log ?? (() => undefined);
  const workDir = mkdtempSync(join(tmpdir(), `ll-history-${engine}-`));
  const result: RepoResult = {
    repo: repo.repo,
    engine,
    outcomes: [],
    tally: emptyTally(),
    standins: { imported: [], existing: [], failed: [], notes: [] },
    notes: [],
    ms: 0,
  };
  try {
    await resetEngineCache(engine);
    const lay = layout(repo, engine, workDir);
    const store = join(workDir, 'layerlens-store.json');
    // Per state: the rewritten text and what it needs; stand-ins for the union over the whole history.
    const all = emptyNeeds();
    const prepared = repo.states.map((s) => {
      const rw = rewriteDockerfile(s.dockerfileText);
      for (const n of rw.notes) if (!result.notes.includes(n)) result.notes.push(n);
      let needs: StandinNeeds;
      try {
        needs = collectNeeds(rw.text, engine);
      } catch (e) {
        needs = emptyNeeds();
        needs.exclusion = `the replayer could not read this Dockerfile: ${(e as Error).message}`;
      }
      mergeNeeds(all, needs);
      return { text: rw.text, needs };
    });
    result.notes.push(...all.notes.filter((n) => !result.notes.includes(n)));
    result.standins = await importStandins(engine, all, workDir);
    const cliArgs = [lay.dockerfile, '--context', lay.contextDir, '--store', store, '--builder', engine];
    const env = cliEnv(join(workDir, 'layerlens-digests.json'));
    for (let i = 0; i < repo.states.length; i++) {
      const state = repo.states[i];
      const { text, needs } = prepared[i];
      const t = Date.now();
      const out: StateOutcome = {
        index: i,
        commit: state.commit,
        subject: state.subject,
        kind: 'compared',
        rows: [],
        ms: 0,
        split: { plan: 0, build: 0, record: 0 },
      };
      result.outcomes.push(out);
      applyState(lay, state, i, text);
      if (needs.exclusion) {
        out.kind = 'skipped';
        out.detail = needs.exclusion;
      } else {
        try {
          // The plan reads only the context and the store, which the build does not touch (the store changes at
          // `record`, after the build): planning while the engine builds is planning before the build.
          let t0 = Date.now();
          const planning = planJson(cliArgs, env).then((p) => {
            out.split.plan = Date.now() - t0;
            return p;
          });
          planning.catch(() => undefined);
          let built: Awaited<ReturnType<typeof buildWithEngine>> | undefined;
          let failure: BuildError | undefined;
          try {
            built = await buildWithEngine(engine, { contextDir: lay.contextDir, dockerfile: lay.dockerfile, tag: 'll-history:latest', timeoutMs: 300_000 });
          } catch (e) {
            if (!(e instanceof BuildError)) throw e;
            failure = e;
          }
          out.split.build = Date.now() - t0;
          const plan = await planning;
          if (failure) {
            const predicted = failurePredicted(engine, plan.diagnostics);
            out.kind = predicted ? 'failure-predicted' : 'engine-failed';
            out.detail = firstErrorLine(failure.output) + (predicted ? ` (we said, line ${predicted.line}: ${predicted.message})` : '');
          }
          if (built) {
            opts.onBuild?.(i, built.output, lay.contextDir);
            const dfile = readDockerfile(text);
            out.rows = compareSteps(dfile, built, plan.steps).map((r) => ({ ...r, unscorable: r.verdict === 'maybe' && needs.stageReads.has(r.line) }));
            t0 = Date.now();
            await recordBuild(cliArgs, env);
            out.split.record = Date.now() - t0;
          }
        } catch (e) {
          out.kind = 'error';
          out.detail = (e as Error).message.split('\n').slice(0, 3).join(' / ');
        }
      }
      out.ms = Date.now() - t;
      const tl = result.tally;
      tl.states++;
      if (out.kind === 'skipped') tl.skipped++;
      else if (out.kind === 'failure-predicted') tl.failurePredicted++;
      else if (out.kind === 'engine-failed') tl.engineFailed++;
      else if (out.kind === 'error') tl.errors++;
      for (const r of out.rows) {
        if (r.verdict === 'right') tl.right++;
        else if (r.verdict === 'wrong') tl.wrong++;
        else {
          tl.maybe++;
          if (r.unscorable) tl.unscorable++;
        }
      }
      const wrong = out.rows.filter((r) => r.verdict === 'wrong').length;
      log(
        `${engine} ${repo.repo} state ${i} ${state.commit.slice(0, 10)}: ${out.kind}${out.rows.length ? ` ${out.rows.length} steps, ${wrong} wrong` : ''}${out.detail ? ` (${out.detail})` : ''} ${out.ms} ms (plan ${out.split.plan} and build ${out.split.build} together, record ${out.split.record})`,
      );
    }
  } finally {
    if (!opts.keep) rmSync(workDir, { recursive: true, force: true });
    result.ms = Date.now() - started;
  }
  return result;
}
