// Builds made anywhere else, read from Docker's own build history (`docker buildx history`, buildx 0.20 and later;
// the JSON formats read here were checked with buildx 0.29.1 against Docker Engine 26.1):
//
//   docker buildx history ls --format json --no-trunc     one JSON object per line: ref (builder/node/id), name,
//                                                         status, created_at, completed_at
//   docker buildx history inspect ID --format json        Context, Dockerfile, Target, Platform, BuildArgs,
//                                                         NamedContexts, StartedAt, Status (run with cwd `/`, so a
//                                                         context the local docker CLI built is `/`-relative)
//   docker buildx history logs ID --progress rawjson      the build's progress, as `docker buildx build` printed it:
//                                                         which vertices were CACHED or done, and how long they took
//
// Docker does not keep the context it was sent, so what it built from is taken from the files now, where that is
// safe: a file modified before the build started was built as it is now; a step that reads a file modified after
// (or whose folder changed after, for a removal) is not recorded as built, and the next plan says it `maybe` rebuilds
// (`changed after the last build at 14:02`), as does every step after it in its chain. A Dockerfile or ignore file
// changed after the build started records nothing. Everything here is parsing and bookkeeping; the process runs are
// argument arrays with a timeout, of a docker found on PATH outside the workspace folders.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { findExecutable } from '../configs/bakePrint';
import { inside } from '../configs/common';
import { finishedPart } from '../core/plan/finishedBuild';
import { withMeasurements, type MeasuredStep } from '../core/plan/cost';
import type { RecordedBuild } from '../core/plan/predict';
import type { ContextSnapshot, StepPrediction } from '../core/shared/types';
import { parentStage, readInstructions, stageRef, type DfFile, type DfInstruction } from './dockerfileReader';
import { buildkitFinished, buildkitSteps, rawjsonVertices, type ActualStep } from './progress';

export const HISTORY_TIMEOUT_MS = 15_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

/** One line of `docker buildx history ls --format json`. */
export interface HistoryEntry {
  /** `builder/node/id`. */
  ref: string;
  id: string;
  builder: string;
  node: string;
  name: string;
  status: 'completed' | 'running' | 'failed' | 'canceled';
  /** ms since the epoch. */
  createdAt: number;
  completedAt?: number;
}

/** What `history inspect` says about one build, with its paths made absolute. */
export interface HistoryBuild {
  id: string;
  name: string;
  status: HistoryEntry['status'];
  startedAt: number;
  completedAt?: number;
  context: string;
  /** Absolute Dockerfile paths the record can mean (two only in a git checkout built without -f: see resolvePaths). */
  dockerfiles: string[];
  target?: string;
  platform?: string;
  buildArgs: Record<string, string>;
}

export type InspectResult = { build: HistoryBuild } | { id: string; problem: string };

function asTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

function asStatus(v: unknown): HistoryEntry['status'] {
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  if (s.startsWith('complete')) return 'completed';
  if (s.startsWith('running')) return 'running';
  if (s.startsWith('cancel')) return 'canceled';
  return 'failed';
}

/** `history ls --format json`: one object per line; lines that are not one are skipped. Newest first, as printed. */
export function parseHistoryList(text: string): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const ref = typeof v.ref === 'string' ? v.ref : '';
    const parts = ref.split('/');
    const createdAt = asTime(v.created_at);
    // The id is passed to docker as an argument: only the letters and digits BuildKit makes ids of.
    if (parts.length !== 3 || parts.some((p) => !p) || !/^[a-z0-9]+$/i.test(parts[2]) || createdAt === undefined) continue;
    const completedAt = asTime(v.completed_at);
    out.push({
      ref,
      builder: parts[0],
      node: parts[1],
      id: parts[2],
      name: typeof v.name === 'string' ? v.name : '',
      status: asStatus(v.status),
      createdAt,
      ...(completedAt !== undefined ? { completedAt } : {}),
    });
  }
  return out;
}

/** A context Docker fetched itself (git, https): not a folder here. */
function remoteContext(v: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^git@/.test(v) || /\.git(#.*)?$/.test(v);
}

function gitRoot(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * The context folder and the Dockerfiles an inspect record can mean. buildx prints the context its own client
 * recorded (relative to the inspecting process's folder: `cwd`), and the Dockerfile relative to the context when
 * it was given with -f inside it, absolute when outside. Without -f it prints the frontend's `filename`, which in a
 * git checkout is joined to the Dockerfile's folder relative to the repository root: both readings are returned.
 */
export function resolvePaths(
  record: { Context?: unknown; Dockerfile?: unknown; VCSRepository?: unknown },
  cwd: string,
  findGitRoot: (dir: string) => string | undefined = gitRoot,
): { context: string; dockerfiles: string[] } | { problem: string } {
  const ctx = typeof record.Context === 'string' ? record.Context : '';
  if (!ctx) return { problem: 'the record does not say where its context is (it was built by another docker client or machine)' };
  if (remoteContext(ctx)) return { problem: `its context ${ctx} is remote` };
  if (ctx === '-') return { problem: 'its context came from stdin' };
  const context = resolve(cwd, ctx);
  const df = typeof record.Dockerfile === 'string' && record.Dockerfile ? record.Dockerfile : 'Dockerfile';
  if (df === '-') return { problem: 'its Dockerfile came from stdin' };
  if (isAbsolute(df)) return { context, dockerfiles: [df] };
  const dockerfiles = [resolve(context, df)];
  if (typeof record.VCSRepository === 'string' && record.VCSRepository && df.includes('/')) {
    const root = findGitRoot(context);
    if (root && resolve(root, df) !== dockerfiles[0]) dockerfiles.push(resolve(root, df));
  }
  return { context, dockerfiles };
}

/** `history inspect ID --format json`, run with `cwd` as its folder. */
export function parseHistoryInspect(id: string, text: string, cwd: string, findGitRoot?: (dir: string) => string | undefined): InspectResult {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { id, problem: 'docker buildx history inspect did not print JSON' };
  }
  const startedAt = asTime(v.StartedAt);
  if (startedAt === undefined) return { id, problem: 'the record has no start time' };
  const paths = resolvePaths(v, cwd, findGitRoot);
  if ('problem' in paths) return { id, problem: paths.problem };
  const named = Array.isArray(v.NamedContexts) ? v.NamedContexts : [];
  if (named.length) return { id, problem: 'it used named contexts (--build-context), which are not read from Docker’s history' };
  const platforms = Array.isArray(v.Platform) ? v.Platform.filter((p): p is string => typeof p === 'string') : [];
  if (platforms.length > 1) return { id, problem: `it built several platforms (${platforms.join(', ')})` };
  const buildArgs: Record<string, string> = {};
  for (const a of Array.isArray(v.BuildArgs) ? v.BuildArgs : []) {
    const kv = a as { Name?: unknown; Value?: unknown };
    if (typeof kv.Name === 'string' && kv.Name) buildArgs[kv.Name] = typeof kv.Value === 'string' ? kv.Value : '';
  }
  const completedAt = asTime(v.CompletedAt);
  return {
    build: {
      id,
      name: typeof v.Name === 'string' ? v.Name : '',
      status: asStatus(v.Status),
      startedAt,
      ...(completedAt !== undefined ? { completedAt } : {}),
      context: paths.context,
      dockerfiles: paths.dockerfiles,
      ...(typeof v.Target === 'string' && v.Target ? { target: v.Target } : {}),
      ...(platforms.length === 1 ? { platform: platforms[0] } : {}),
      buildArgs,
    },
  };
}

/** Steps Docker reported for a build, from `history logs --progress rawjson` (printed on stdout or stderr). */
export function historySteps(logs: string, df: DfFile, target?: string): { steps: ActualStep[]; foreign: string[] } {
  const foreign: string[] = [];
  const steps = buildkitSteps(rawjsonVertices(logs), df, { strict: false, foreign, ...(target ? { target } : {}) });
  return { steps, foreign };
}

/** The cause said when only the context's top folder changed (a file at the top removed or renamed). */
export const CONTEXT_TOP = './';

/**
 * Whether a step lists the top of the context, so that a file removed or renamed there (which only the top folder's
 * time shows) may change what it copies: a COPY/ADD source `.`, `./`, `/` or a glob without a folder (`*.json`), or a
 * variable in a source (not known); a RUN bind mount of the whole context. Other steps read named paths, whose own or
 * whose folders' times are checked.
 */
export function listsContextTop(ins: Pick<DfInstruction, 'keyword' | 'args'>): boolean {
  const words = (args: string): string[] => {
    const t = args.trim();
    if (t.startsWith('[')) {
      try {
        const a = JSON.parse(t) as unknown;
        if (Array.isArray(a) && a.every((w) => typeof w === 'string')) return a as string[];
      } catch {
        // Not JSON: the shell form below.
      }
    }
    return t.split(/\s+/).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
  };
  const top = (src: string): boolean => {
    if (src.includes('$')) return true;
    const p = src.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
    if (p === '' || p === '.' || p === './') return true;
    const glob = p.search(/[*?[]/);
    return glob >= 0 && !p.slice(0, glob).includes('/');
  };
  if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
    if (/(?:^|\s)--from=/.test(ins.args)) return false;
    const all = words(ins.args.replace(/^(\s*--\S+)+\s*/, ''));
    return all.slice(0, -1).some(top);
  }
  if (ins.keyword === 'RUN')
    for (const m of ins.args.matchAll(/--mount=(\S+)/g)) {
      const opts = m[1].split(',');
      if (!opts.includes('type=bind') || opts.some((o) => o.startsWith('from='))) continue;
      const source = opts.find((o) => o.startsWith('source=') || o.startsWith('src='));
      if (!source || top(source.slice(source.indexOf('=') + 1))) return true;
    }
  return false;
}

/**
 * Lines of the build steps whose inputs may differ from what Docker built: the step reads a context path that (or
 * whose folder below the root) was modified at or after `startedAt`, or lists the top of the context
 * (`listsContextTop`) when the context folder itself was modified then (`rootMtimeMs`: a file there removed or
 * renamed), or comes after such a step in its chain (its stage, the stages built on it, and `--from` /
 * `--mount=from=` of it). Line → the first such path (`./` for the top folder).
 */
export function changedAfterStart(
  steps: readonly StepPrediction[],
  df: DfFile,
  snapshot: ContextSnapshot,
  startedAt: number,
  rootMtimeMs?: number,
): Map<number, string> {
  const rootLate = rootMtimeMs !== undefined && rootMtimeMs >= startedAt;
  const lateCache = new Map<string, boolean>();
  const late = (path: string): boolean => {
    let v = lateCache.get(path);
    if (v === undefined) {
      const e = snapshot.entries.get(path);
      v = e?.mtimeMs !== undefined && e.mtimeMs >= startedAt;
      lateCache.set(path, v);
    }
    return v;
  };
  const firstLate = (reads: readonly string[]): string | undefined => {
    for (const p of reads) {
      if (late(p)) return p;
      // A file removed after the start leaves no entry, but its folder's time changed (the root's only for steps
      // that list the top of the context: below).
      for (let d = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : ''; d; d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') if (late(d)) return p;
    }
    return undefined;
  };
  const byLine = new Map(steps.map((s) => [s.line, s]));
  const stageEnd: Array<string | undefined> = [];
  const out = new Map<number, string>();
  df.stages.forEach((stage, ix) => {
    const parent = parentStage(df, ix);
    let chain = parent >= 0 ? stageEnd[parent] : undefined;
    for (const ins of stage.instructions) {
      const step = byLine.get(ins.line);
      if (!step || step.key === undefined) continue;
      let cause = chain ?? firstLate(step.reads ?? []) ?? (rootLate && listsContextTop(ins) ? CONTEXT_TOP : undefined);
      if (!cause) {
        const refs: string[] = [];
        const from = /(?:^|\s)--from=(\S+)/.exec(ins.args);
        if (from && (ins.keyword === 'COPY' || ins.keyword === 'ADD')) refs.push(from[1]);
        if (ins.keyword === 'RUN') for (const m of ins.args.matchAll(/--mount=(\S+)/g)) refs.push(/(?:^|,)from=([^,\s]+)/.exec(m[1])?.[1] ?? '');
        for (const r of refs) {
          const src = r ? stageRef(df, r.replace(/^["']|["']$/g, '')) : -1;
          if (src >= 0 && src !== ix && stageEnd[src]) cause = stageEnd[src];
        }
      }
      if (cause) {
        out.set(ins.line, cause);
        chain = cause;
      }
    }
    stageEnd[ix] = chain;
  });
  return out;
}

/** What recording one build from Docker's history stores. */
export interface HistoryRecord {
  keys: string[];
  build: RecordedBuild;
  /** Lines recorded as built, and the steps not recorded because a file they read changed after the start. */
  lines: number[];
  uncertain: Map<number, string>;
  /** Vertices that did not fit this Dockerfile (left out). */
  foreign: string[];
}

/**
 * The keys and record of a build read from Docker's history. `plan` is the plan of the build's settings with the
 * files now (steps and their record, planned against nothing: every key); `logs` its rawjson progress.
 */
export function historyRecord(
  plan: { steps: StepPrediction[]; recorded: RecordedBuild },
  text: string,
  build: Pick<HistoryBuild, 'status' | 'startedAt' | 'target' | 'platform'>,
  logs: string,
  snapshot: ContextSnapshot,
  last: RecordedBuild | undefined,
  rootMtimeMs?: number,
): HistoryRecord {
  const df = readInstructions(text, build.platform);
  const { steps, foreign } = historySteps(logs, df, build.target);
  const uncertain = changedAfterStart(plan.steps, df, snapshot, build.startedAt, rootMtimeMs);
  const measured = new Map<number, MeasuredStep>();
  for (const s of steps)
    if (s.outcome === 'ran' || s.outcome === 'cached')
      measured.set(s.line, { ran: s.outcome === 'ran', ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}) });
  const built = withMeasurements(plan.recorded, plan.steps, measured, last);
  // A finished build made every step of the plan (the logs of a cached build may leave some out); a failed one only
  // those Docker finished before it stopped.
  const done = build.status === 'completed' ? plan.steps.filter((s) => s.key !== undefined).map((s) => s.line) : buildkitFinished(steps, df);
  const part = finishedPart(
    plan.steps,
    built,
    done.filter((l) => !uncertain.has(l)),
    last,
  );
  const slotOfKey = new Map(Object.entries(built.steps).map(([slot, s]) => [s.key, slot]));
  const slots: Record<string, string> = {};
  for (const s of plan.steps) {
    const path = uncertain.get(s.line);
    const slot = s.key !== undefined ? slotOfKey.get(s.key) : undefined;
    if (path && slot && !part.keys.includes(s.key as string)) slots[slot] = path;
  }
  const unfinished = (part.build.unfinished ?? []).filter((slot) => !Object.hasOwn(slots, slot));
  const record: RecordedBuild = { ...part.build };
  delete record.unfinished;
  if (unfinished.length) record.unfinished = unfinished;
  if (Object.keys(slots).length) record.changedAfter = { at: build.startedAt, slots };
  return { keys: part.keys, build: record, lines: part.lines, uncertain, foreign };
}

/** Files whose change after the start means nothing can be recorded: the Dockerfile and the ignore file. */
export function changedDefinition(files: Array<string | undefined>, startedAt: number): string | undefined {
  for (const f of files) {
    if (!f) continue;
    try {
      if (statSync(f).mtimeMs >= startedAt) return f;
    } catch {
      // absent: nothing to compare
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Running docker

export interface HistoryRunner {
  run(args: string[]): Promise<{ ok: true; stdout: string; stderr: string } | { ok: false; problem: string }>;
}

/** Runs `docker ARGS` (an argument array, no shell) with cwd `/`, a timeout and a bounded output. */
export function dockerHistoryRunner(
  docker = 'docker',
  workspaces: () => readonly string[] = () => [],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = HISTORY_TIMEOUT_MS,
): HistoryRunner {
  return {
    run: (args) =>
      new Promise((done) => {
        // The first docker on PATH that is in none of the workspace folders (a workspace could ship its own).
        const path = (env.PATH ?? '')
          .split(delimiter)
          .filter((d) => isAbsolute(d) && !workspaces().some((w) => inside(w, d)))
          .join(delimiter);
        const exe = findExecutable(docker, workspaces()[0] ?? '/nonexistent-workspace', path);
        if (!exe) return done({ ok: false, problem: 'docker is not installed (not on PATH)' });
        execFile(exe, args, { cwd: '/', env, timeout: timeoutMs, maxBuffer: MAX_OUTPUT, encoding: 'utf8', windowsHide: true }, (err, stdout, stderr) => {
          if (!err) return done({ ok: true, stdout, stderr });
          const e = err as NodeJS.ErrnoException & { killed?: boolean };
          if (e.code === 'ENOENT') return done({ ok: false, problem: 'docker is not installed (not on PATH)' });
          if (e.killed) return done({ ok: false, problem: `docker ${args.slice(0, 3).join(' ')} did not answer within ${timeoutMs / 1000} s` });
          done({ ok: false, problem: historyProblem(stderr || e.message) });
        });
      }),
  };
}

/** A failed history command's output, in words. */
export function historyProblem(output: string): string {
  if (/is not a docker command|unknown command "buildx"/i.test(output)) return 'docker buildx is not installed';
  if (/unknown (flag|command).*(history|format)|unknown flag: --format/i.test(output) || /Usage:\s+docker buildx \[OPTIONS\] COMMAND/.test(output))
    return 'this docker buildx has no `history` command (buildx 0.20 or later has it; JSON output needs a recent one)';
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|connect: (no such file|connection refused|permission denied)/i.test(output))
    return 'the Docker daemon is not reachable';
  return (output.split('\n').find((l) => l.trim()) ?? 'failed').trim().slice(0, 300);
}

/** `docker buildx history ls`: the records, or why they cannot be read. */
export async function listHistory(runner: HistoryRunner): Promise<HistoryEntry[] | { problem: string }> {
  const r = await runner.run(['buildx', 'history', 'ls', '--format', 'json', '--no-trunc']);
  return r.ok ? parseHistoryList(r.stdout) : { problem: r.problem };
}

export async function inspectHistory(runner: HistoryRunner, id: string): Promise<InspectResult> {
  const r = await runner.run(['buildx', 'history', 'inspect', id, '--format', 'json']);
  return r.ok ? parseHistoryInspect(id, r.stdout, '/') : { id, problem: r.problem };
}

export async function historyLogs(runner: HistoryRunner, id: string): Promise<string | { problem: string }> {
  const r = await runner.run(['buildx', 'history', 'logs', id, '--progress', 'rawjson']);
  return r.ok ? r.stdout + r.stderr : { problem: r.problem };
}

/**
 * What the docker CLI that made a build remembers of it: buildx keeps, per record, the context folder and the
 * Dockerfile it was given (`$DOCKER_CONFIG/buildx/refs/BUILDER/NODE/ID`: {"LocalPath", "DockerfilePath"}; the
 * Dockerfile is "" when it was not given with -f). `history inspect` prints the same; reading it here first spares
 * an inspect of every record of other Dockerfiles. null: no such file (another client made the build: inspect
 * could not say where its context is either); undefined: this CLI keeps no such folder at all (inspect then).
 */
export function localState(configDir: string, e: HistoryEntry): { localPath: string; dockerfilePath: string } | null | undefined {
  const dir = join(configDir, 'buildx', 'refs');
  if (!existsSync(dir)) return undefined;
  try {
    const v = JSON.parse(readFileSync(join(dir, e.builder, e.node, e.id), 'utf8')) as { LocalPath?: unknown; DockerfilePath?: unknown };
    if (typeof v.LocalPath !== 'string') return null;
    return { localPath: v.LocalPath, dockerfilePath: typeof v.DockerfilePath === 'string' ? v.DockerfilePath : '' };
  } catch {
    return null;
  }
}

/** Whether a record's local state can be a build of `dockerfile` (undefined state: not known, so maybe). */
export function mayBuild(state: ReturnType<typeof localState>, dockerfile: string): boolean {
  if (state === undefined) return true;
  if (state === null) return false;
  return state.dockerfilePath ? state.dockerfilePath === dockerfile : dirname(dockerfile) === state.localPath;
}

/** The docker CLI's configuration folder, as it finds it. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/** Records of the daemon's own builder (the docker driver: builder and node share a name) are its cache's. */
export function ownBuilder(e: HistoryEntry): boolean {
  return e.builder === e.node;
}
