// "What if?": the words the status bar shows for a simulation, and the plan request's step files.
import { viewEntry } from '../core/context';
import type { Analysis } from '../documents';
import type { PlanResult } from '../protocol';

/** "src/app.js changed", "a.js, b.js and 2 more changed; line 3 edited". */
export function simulationLabel(changedFiles: string[], editedLines: number[]): string {
  const parts: string[] = [];
  if (changedFiles.length) {
    const shown = changedFiles.slice(0, 2).join(', ');
    parts.push(`${changedFiles.length > 2 ? `${shown} and ${changedFiles.length - 2} more` : shown} changed`);
  }
  if (editedLines.length) parts.push(`${editedLines.length === 1 ? 'line' : 'lines'} ${editedLines.join(', ')} edited`);
  return parts.join('; ') || 'nothing changed';
}

/** The plan request's answer: the verdicts the lenses show, with each step's files (folders left out). */
export function planResult(analysis: Analysis): PlanResult {
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
    problem: analysis.problem ?? null,
  };
}
