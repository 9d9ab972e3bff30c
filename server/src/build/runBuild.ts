// One real build of a Dockerfile with its settings: BuildKit through `docker buildx build --load` (rawjson progress
// where buildx has it, plain otherwise), the classic builder through `DOCKER_BUILDKIT=0 docker build`. Returns per
// step whether the engine used its cache and how long it ran, and the image's layer sizes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Builder } from '../core/shared/types';
import { BUILD_OUTPUT_HINT } from './hint';
import { readInstructions, stageRef, type DfFile } from './dockerfileReader';
import { DockerProblem, dockerProblemIn, runDocker, type DockerInvocation, type DockerRun } from './docker';
import { HISTORY_FORMAT, layerSizes, type LayerSize } from './history';
import { buildkitFinished, buildkitSteps, classicFinished, classicSteps, JsonObjectStream, plainVertices, RawJsonProgress, type ActualStep } from './progress';

export interface BuildSpec {
  builder: Builder;
  /** Absolute path of the Dockerfile (built as it is on disk). */
  dockerfile: string;
  contextDir: string;
  buildArgs: Record<string, string>;
  target?: string;
  /** docker build --platform, when set. */
  platform?: string;
  /** Image name to tag the result with, if any. */
  tag?: string;
  /** Named contexts (BuildKit): passed as `--build-context NAME=VALUE`. */
  namedContexts?: Record<string, string>;
}

export interface BuildRunOptions extends Pick<DockerInvocation, 'docker' | 'env' | 'signal'> {
  /** Readable progress lines as they arrive (for an output channel or a terminal). */
  onLog?: (line: string) => void;
  /** Forces a BuildKit progress format (default: rawjson when buildx has it). */
  progress?: 'rawjson' | 'plain';
  /** Receives the raw output and the image history (the parser tests' fixtures are captured with it). */
  capture?: (raw: CapturedBuild) => void;
}

export interface CapturedBuild {
  command: string[];
  lines: DockerRun['lines'];
  stderr: string;
  code: number;
  ms: number;
  history?: string;
}

export type ProgressFormat = 'rawjson' | 'plain' | 'classic';

export interface BuildFailure {
  message: string;
  /** The step that failed, when the output says. */
  step?: ActualStep;
  /** Last lines of the output. */
  tail: string[];
}

export interface BuildOutcome {
  ok: boolean;
  canceled: boolean;
  builder: Builder;
  progress: ProgressFormat;
  /** Steps the engine reported, in its order. */
  steps: ActualStep[];
  /** Classic: FROM lines and global ARGs (printed as steps, no cache lookup). */
  unprobed: number[];
  /**
   * Lines of the instructions the engine finished, so that its cache keeps them (all of them after a successful
   * build; after a failed or cancelled one, those done before it stopped: see classicFinished, buildkitFinished).
   */
  finished: number[];
  layers: LayerSize[];
  imageId?: string;
  /** The exact command line run (for the report). */
  command: string[];
  ms: number;
  failure?: BuildFailure;
}

const TAIL_LINES = 25;

export async function runBuild(spec: BuildSpec, opts: BuildRunOptions = {}): Promise<BuildOutcome> {
  const df = readInstructions(readFileSync(spec.dockerfile, 'utf8'), spec.platform);
  const env = { ...(opts.env ?? process.env) };
  const inv = { docker: opts.docker, env, signal: opts.signal };
  const progress: ProgressFormat = spec.builder === 'classic' ? 'classic' : (opts.progress ?? ((await hasRawJson(inv)) ? 'rawjson' : 'plain'));
  const work = mkdtempSync(join(tmpdir(), 'layerlens-build-'));
  const iidfile = join(work, 'iid');
  const args: string[] = [];
  for (const [k, v] of Object.entries(spec.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  if (spec.target) args.push('--target', spec.target);
  if (spec.platform) args.push('--platform', spec.platform);
  if (spec.builder === 'buildkit') for (const [k, v] of Object.entries(spec.namedContexts ?? {})) args.push('--build-context', `${k}=${v}`);
  if (spec.tag) args.push('-t', spec.tag);
  args.push('--iidfile', iidfile, '-f', spec.dockerfile, spec.contextDir);
  const command = spec.builder === 'classic' ? ['build', ...args] : ['buildx', 'build', `--progress=${progress}`, '--load', ...args];
  if (spec.builder === 'classic') env.DOCKER_BUILDKIT = '0';
  else delete env.BUILDKIT_PROGRESS;
  const log: string[] = [];
  const say = (line: string): void => {
    log.push(line);
    if (log.length > 2000) log.splice(0, 1000);
    opts.onLog?.(line);
  };
  const raw = new RawJsonProgress();
  const json = new JsonObjectStream((v) => raw.add(v).forEach(say), say);
  try {
    const run = await runDocker(command, {
      ...inv,
      onLine: progress === 'rawjson' ? (l, stream) => stream === 'stdout' && say(l.text) : (l) => say(l.text),
      ...(progress === 'rawjson' ? { onStderr: (chunk: string) => json.push(chunk) } : {}),
    });
    json.end();
    const captured: CapturedBuild = { command, lines: run.lines, stderr: run.stderr, code: run.code, ms: run.ms };
    const output = progress === 'rawjson' ? log.join('\n') : run.lines.map((l) => l.text).join('\n');
    const ok = run.code === 0 && !run.canceled;
    if (!ok && !run.canceled) {
      const problem = dockerProblemIn(output, env);
      if (problem) throw problem;
    }
    let steps: ActualStep[];
    let unprobed: number[] = [];
    let finished: number[];
    if (spec.builder === 'classic') {
      ({ steps, unprobed } = classicSteps(run.lines, df, { endMs: run.ms, failed: !ok }));
      finished = classicFinished(run.lines, df);
    } else {
      const foreign: string[] = [];
      steps = buildkitSteps(progress === 'rawjson' ? raw.result() : plainVertices(output), df, {
        strict: false,
        foreign,
        ...(spec.target ? { target: spec.target } : {}),
      });
      for (const f of foreign) say(`layerlens: left out a progress entry that does not fit this Dockerfile (BuildKit shares vertices between builds): ${f}`);
      finished = buildkitFinished(steps, df);
    }
    const outcome: BuildOutcome = {
      ok,
      canceled: run.canceled,
      builder: spec.builder,
      progress,
      steps,
      unprobed,
      finished,
      layers: [],
      command: ['docker', ...command],
      ms: run.ms,
    };
    if (!ok) {
      const step = steps.find((s) => s.outcome === 'error') ?? (run.canceled ? undefined : steps.at(-1));
      const what = run.canceled ? 'The build was cancelled' : `The build failed (docker exit ${run.code})`;
      const at = step ? ` at line ${step.line} ${step.keyword}` : '';
      outcome.failure = { message: `${what}${at}.${run.canceled ? '' : BUILD_OUTPUT_HINT}`, ...(step ? { step } : {}), tail: log.slice(-TAIL_LINES) };
      opts.capture?.(captured);
      return outcome;
    }
    outcome.imageId = readFileSync(iidfile, 'utf8').trim();
    const history = await runDocker(['image', 'history', '--no-trunc', '--human=false', '--format', HISTORY_FORMAT, outcome.imageId], inv);
    if (history.code === 0) outcome.layers = layerSizes(history.stdout, df, targetStage(df, spec.target));
    else say(`layerlens: could not read the image history: ${history.stderr.trim()}`);
    opts.capture?.({ ...captured, history: history.stdout });
    return outcome;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function targetStage(df: DfFile, target: string | undefined): number {
  const ix = target ? stageRef(df, target) : -1;
  return ix >= 0 ? ix : df.stages.length - 1;
}

const rawJsonSupport = new Map<string, boolean>();

/** buildx prints rawjson progress since 0.12 (not listed in its --help before 0.15). */
async function hasRawJson(inv: DockerInvocation): Promise<boolean> {
  const cacheKey = `${inv.docker ?? 'docker'}\0${inv.env?.PATH ?? ''}\0${inv.env?.DOCKER_CONFIG ?? ''}`;
  const known = rawJsonSupport.get(cacheKey);
  if (known !== undefined) return known;
  let run;
  try {
    run = await runDocker(['buildx', 'version'], { ...inv, signal: undefined });
  } catch (e) {
    if (e instanceof DockerProblem) throw e;
    return false;
  }
  if (run.code !== 0)
    throw (
      dockerProblemIn(run.stdout + run.stderr, inv.env) ??
      new DockerProblem(
        'buildx',
        `docker buildx does not work here: ${(run.stderr || run.stdout).trim()}. Install the buildx plugin, or build with the classic builder.`,
      )
    );
  const m = /\bv?(\d+)\.(\d+)\.\d+/.exec(run.stdout);
  const supported = m ? Number(m[1]) > 0 || Number(m[2]) >= 12 : false;
  rawJsonSupport.set(cacheKey, supported);
  return supported;
}
