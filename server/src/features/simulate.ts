// "What if?": the plan request's step files (the words the status bar shows for a simulation: simulationLabel
// in documents.ts, where the simulation state is kept).
import { viewEntry } from '../core/context/context';
import type { Analysis } from '../documents';
import type { PlanResponse } from '../protocol';
import { renderMessage } from '../core/shared/message';

/** The plan request's answer: the verdicts the lenses show, with each step's files (folders left out). */
export function planResponse(analysis: Analysis): PlanResponse {
  const view = analysis.project?.view;
  const steps = (analysis.plan?.steps ?? []).map((step) => {
    if (!step.reads || !view) return step;
    return { ...step, reads: step.reads.filter((p) => viewEntry(view, p)?.type !== 'dir') };
  });
  return {
    steps,
    estimate: analysis.simulation ? null : (analysis.plan?.estimate ?? null),
    diagnostics: analysis.plan?.diagnostics ?? [],
    baseline: analysis.baseline,
    simulation: analysis.simulation ?? null,
    problem: analysis.problem ? renderMessage(analysis.problem) : null,
  };
}
