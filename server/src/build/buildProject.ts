// A real build of a project (CLI `layerlens build`, editor "Layer Lens: Build Image"): predict right before it,
// build, record the state as built with the measured timings and sizes, and compare prediction and build. A build
// that fails or is cancelled records the steps Docker finished before it stopped (its cache keeps them).
import { InputError, planProject, type Project } from '../diskProject';
import { namedContextKind } from '../core/plan/cacheKeys';
import { planCosts, withMeasurements, type MeasuredStep } from '../core/plan/cost';
import { finishedPart } from '../core/plan/finishedBuild';
import type { KnownBuilds, RecordedBuild } from '../core/plan/predict';
import { runBuild, type BuildOutcome, type BuildRunOptions } from './runBuild';
import { compareWithBuild, type Disagreement, type StepComparison } from './selfCheck';

export interface BuildReport {
  ok: boolean;
  canceled: boolean;
  builder: BuildOutcome['builder'];
  progress: BuildOutcome['progress'];
  dockerfile: string;
  command: string[];
  ms: number;
  imageId: string | null;
  /** One row per instruction: predicted verdict, what Docker did, duration and layer size. */
  rows: StepComparison[];
  disagreements: Disagreement[];
  /** Set when the build did not succeed. */
  failure: { message: string; line: number | null; tail: string[] } | null;
  /** Step keys added to the store (after a failed or cancelled build, those of the steps Docker finished). */
  recordedKeys: number;
  /** Lines of the steps recorded as built: every build step, or the ones Docker finished before it stopped. */
  recordedLines: number[];
}

/** Adds the built state's keys and record to the store; returns the number of keys. */
export type RecordFn = (keys: string[], build: RecordedBuild) => void;

export async function buildProject(project: Project, known: KnownBuilds, record: RecordFn, opts: BuildRunOptions = {}): Promise<BuildReport> {
  const unbuildable = unbuildableNamedContexts(project.options.namedContexts);
  if (unbuildable) throw new InputError(unbuildable);
  const plan = planProject(project, known);
  const predicted = planCosts(plan.steps, plan.recorded, known.last).steps;
  const outcome = await runBuild(
    {
      builder: project.options.builder,
      dockerfile: project.dockerfileAbs,
      contextDir: project.contextDir,
      buildArgs: project.options.buildArgs,
      ...(project.options.target ? { target: project.options.target } : {}),
      ...(project.options.platform ? { platform: project.options.platform } : {}),
      ...(project.options.namedContexts ? { namedContexts: project.options.namedContexts } : {}),
    },
    opts,
  );
  const { rows, disagreements } = compareWithBuild(predicted, outcome.steps, outcome.layers, plan.source);
  const measured = new Map<number, MeasuredStep>();
  for (const s of outcome.steps)
    if (s.outcome === 'ran' || s.outcome === 'cached')
      measured.set(s.line, { ran: s.outcome === 'ran', ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}) });
  for (const l of outcome.layers) measured.set(l.line, { ...(measured.get(l.line) ?? { ran: false }), sizeBytes: l.sizeBytes });
  const built = withMeasurements(plan.recorded, plan.steps, measured, known.last);
  let recordedKeys = 0;
  let recordedLines: number[] = [];
  if (outcome.ok) {
    record(plan.keys, built);
    recordedKeys = plan.keys.length;
    recordedLines = plan.steps.filter((s) => s.key !== undefined).map((s) => s.line);
  } else {
    // Docker keeps the steps it finished before the failure (or the cancel): record exactly those.
    const part = finishedPart(plan.steps, built, outcome.finished, known.last);
    if (part.keys.length) record(part.keys, part.build);
    recordedKeys = part.keys.length;
    recordedLines = part.lines;
  }
  return {
    ok: outcome.ok,
    canceled: outcome.canceled,
    builder: outcome.builder,
    progress: outcome.progress,
    dockerfile: project.dockerfileAbs,
    command: outcome.command,
    ms: outcome.ms,
    imageId: outcome.imageId ?? null,
    rows,
    disagreements,
    failure: outcome.failure ? { message: outcome.failure.message, line: outcome.failure.step?.line ?? null, tail: outcome.failure.tail } : null,
    recordedKeys,
    recordedLines,
  };
}

/**
 * Why `docker buildx build` cannot be given these named contexts: `target:` (Bake) and `service:` (compose) name
 * another build of the same invocation, which only `docker buildx bake` / `docker compose build` make.
 */
export function unbuildableNamedContexts(named: Record<string, string> | undefined): string | undefined {
  const other = Object.entries(named ?? {}).filter(([, v]) => namedContextKind(v) === 'build');
  if (!other.length) return undefined;
  return `named context ${other.map(([k, v]) => `${k}=${v}`).join(', ')} is another build's output: docker buildx build cannot make it; build with docker buildx bake or docker compose build.`;
}
