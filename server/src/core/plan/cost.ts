// What steps cost, learned from real builds (layerlens build / "Layer Lens: Build Image"): a recorded step keeps
// how long its last real run took and how big its layer was. A plan's rebuild verdicts then carry that duration,
// and the plan adds up an estimate of the rebuild time. Steps are matched by slot (stage, instruction index) and
// keyword, as the reasons are: a RUN keeps its cost while its command is edited.
import type { RecordedBuild, RecordedStep } from './predict';
import type { StepPrediction } from '../shared/types';
import { englishT, type Translate } from '../shared/translate';

export interface StepCost {
  /** How long the last real build that ran this step took over it (ms). */
  durationMs?: number;
  /** Size of the layer it made in the last real build (bytes; 0 for metadata-only steps). */
  sizeBytes?: number;
}

export type CostedStep = RecordedStep & StepCost;
export type CostedPrediction = StepPrediction & StepCost;

/** The plan result's summary of what the next build costs, from recorded durations. */
export interface RebuildEstimate {
  /** Sum of the recorded durations of the steps that rebuild. */
  rebuildMs: number;
  /** Sum of the recorded durations of the `maybe` steps (not in rebuildMs). */
  maybeMs: number;
  /** Rebuilding steps with a recorded duration (counted in rebuildMs). */
  timedSteps: number;
  /** Rebuilding steps without one (never built by Layer Lens): the estimate is a lower bound when > 0. */
  untimedSteps: number;
}

/** Slot of every step key in a plan's record. */
function slotsByKey(recorded: RecordedBuild): Map<string, string> {
  const slots = new Map<string, string>();
  for (const [slot, step] of Object.entries(recorded.steps)) slots.set(step.key, slot);
  return slots;
}

/**
 * The plan's steps with the costs the last recorded build knows (durations on rebuilds and maybes, sizes on every
 * step), and the estimate. `recorded` is this plan's own record (for the slots), `last` the store's last build.
 */
export function planCosts(
  steps: StepPrediction[],
  recorded: RecordedBuild,
  last: RecordedBuild | undefined,
): { steps: CostedPrediction[]; estimate: RebuildEstimate } {
  const estimate: RebuildEstimate = { rebuildMs: 0, maybeMs: 0, timedSteps: 0, untimedSteps: 0 };
  const slots = slotsByKey(recorded);
  const costed = steps.map((step): CostedPrediction => {
    const slot = step.key === undefined ? undefined : slots.get(step.key);
    const before = slot === undefined ? undefined : (last?.steps[slot] as CostedStep | undefined);
    const cost = before && before.keyword === step.keyword ? before : undefined;
    const durationMs = typeof cost?.durationMs === 'number' && (step.status === 'rebuilds' || step.status === 'maybe') ? cost.durationMs : undefined;
    const sizeBytes = typeof cost?.sizeBytes === 'number' ? cost.sizeBytes : undefined;
    if (step.status === 'rebuilds') {
      if (durationMs === undefined) estimate.untimedSteps++;
      else {
        estimate.rebuildMs += durationMs;
        estimate.timedSteps++;
      }
    } else if (step.status === 'maybe' && durationMs !== undefined) estimate.maybeMs += durationMs;
    if (durationMs === undefined && sizeBytes === undefined) return step;
    return { ...step, ...(durationMs !== undefined ? { durationMs } : {}), ...(sizeBytes !== undefined ? { sizeBytes } : {}) };
  });
  return { steps: costed, estimate };
}

/** What a real build measured for one step. */
export interface MeasuredStep {
  /** The engine ran the step (false: it used its cache). */
  ran: boolean;
  durationMs?: number;
  sizeBytes?: number;
}

/**
 * A plan's record with what a real build measured, by instruction line. A step the engine took from its cache keeps
 * the duration of its last real run (from `last`), so the cost of rebuilding it is not forgotten.
 */
export function withMeasurements(
  recorded: RecordedBuild,
  steps: StepPrediction[],
  measured: ReadonlyMap<number, MeasuredStep>,
  last: RecordedBuild | undefined,
): RecordedBuild {
  const slots = slotsByKey(recorded);
  const out: RecordedBuild = { ...recorded, steps: { ...recorded.steps } };
  for (const step of steps) {
    const slot = step.key === undefined ? undefined : slots.get(step.key);
    const m = measured.get(step.line);
    if (slot === undefined || !m) continue;
    const before = last?.steps[slot] as CostedStep | undefined;
    const kept = before && before.keyword === step.keyword ? before.durationMs : undefined;
    const durationMs = m.ran ? m.durationMs : kept;
    // A step that ran made a new layer: without a measured size (not in the image history, or the build failed
    // before there was an image) its old size is not kept.
    const sizeBytes = m.sizeBytes ?? (!m.ran && before && before.keyword === step.keyword ? before.sizeBytes : undefined);
    const costed: CostedStep = {
      ...recorded.steps[slot],
      ...(typeof durationMs === 'number' ? { durationMs } : {}),
      ...(typeof sizeBytes === 'number' ? { sizeBytes } : {}),
    };
    out.steps[slot] = costed;
  }
  return out;
}

/** "under 1 s", "about 41 s", "about 2 min 5 s" (in the display language when the editor passes its `t`). */
export function formatDuration(ms: number, t: Translate = englishT): string {
  if (ms < 1000) return t('under 1 s');
  const s = Math.round(ms / 1000);
  if (s < 60) return t('about {0} s', s);
  return s % 60 ? t('about {0} min {1} s', Math.floor(s / 60), s % 60) : t('about {0} min', Math.floor(s / 60));
}
