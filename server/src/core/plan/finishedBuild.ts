// A real build that failed or was cancelled still leaves in Docker's cache every step the engine finished before
// it stopped (both builders: classic commits an image per step, BuildKit a cache record per vertex), and the next
// build reuses them. So the store gets the keys of exactly those steps, and the last recorded build of the
// Dockerfile is updated for them only: the slots the build did not finish keep what the build before recorded
// (their reasons and costs), and are listed as `unfinished` so that the next plan can say why they rebuild.
import { ownValue, setOwn } from '../shared/own';
import type { RecordedBuild } from './predict';
import type { StepPrediction } from '../shared/types';

export interface FinishedPart {
  /** Keys of the finished steps (each once). */
  keys: string[];
  /** Lines of the plan's steps that have one of those keys, in file order. */
  lines: number[];
  /** What the store keeps as the Dockerfile's last recorded build. */
  build: RecordedBuild;
}

/**
 * The part of a plan a stopped build finished. `steps` and `recorded` are the plan made right before the build
 * (`recorded` with the measured timings), `finishedLines` the instruction lines the engine finished, `last` the
 * store's last build of this Dockerfile. Steps with the same key as a finished step are the same cache entry, so
 * they count as finished too.
 */
export function finishedPart(
  steps: readonly StepPrediction[],
  recorded: RecordedBuild,
  finishedLines: Iterable<number>,
  last: RecordedBuild | undefined,
): FinishedPart {
  const done = new Set(finishedLines);
  const keys = new Set<string>();
  for (const s of steps) if (s.key !== undefined && done.has(s.line)) keys.add(s.key);
  const lines: number[] = [];
  const reads = new Set<string>();
  for (const s of steps) {
    if (s.key === undefined || !keys.has(s.key)) continue;
    lines.push(s.line);
    for (const p of s.reads ?? []) reads.add(p);
  }
  const out: RecordedBuild = { steps: { ...last?.steps }, files: { ...last?.files } };
  const unfinished: string[] = [];
  for (const [slot, step] of Object.entries(recorded.steps)) {
    if (keys.has(step.key)) out.steps[slot] = step;
    else unfinished.push(slot);
  }
  // Only the files the finished steps read: the engine has not seen the others yet (their fingerprints at the
  // build before still explain what changed for the unfinished steps).
  const pick = (from: Readonly<Record<string, string>>, into: Record<string, string>): Record<string, string> => {
    for (const p of reads) {
      const v = ownValue(from, p);
      if (v !== undefined) setOwn(into, p, v);
    }
    return into;
  };
  pick(recorded.files, out.files);
  if (recorded.synced || last?.synced) out.synced = pick(recorded.synced ?? {}, { ...last?.synced });
  if (unfinished.length) out.unfinished = unfinished;
  return { keys: [...keys], lines: lines.sort((a, b) => a - b), build: out };
}
