// One lens per instruction with its verdict in a few words ("cached", "rebuilds: src/app.js changed");
// clicking it asks the client to simulate a change of that step.
import type { CodeLens } from 'vscode-languageserver';
import type { StepPrediction } from '../core/types';
import type { Analysis } from '../documents';
import { simulateStepCommand, type SimulateStepArgs } from '../protocol';

export function codeLenses(analysis: Analysis | undefined): CodeLens[] {
  if (!analysis) return [];
  if (!analysis.plan) {
    const title = `Layer Lens: ${analysis.problem ?? 'no verdicts'}`;
    return [{ range: lineRange(1), command: { title: title.length > 120 ? `${title.slice(0, 119)}…` : title, command: '' } }];
  }
  const simulated = analysis.simulation ? ` (simulated: ${analysis.simulation.label})` : '';
  return analysis.plan.steps.map((step) => {
    const args: SimulateStepArgs = { uri: analysis.uri, line: step.line, keyword: step.keyword };
    return {
      range: lineRange(step.line),
      command: { title: lensTitle(step), command: simulateStepCommand, arguments: [args], tooltip: `${step.status}: ${step.reason}${simulated}. Click to simulate a change here.` },
    } as CodeLens;
  });
}

/** The verdict in a few words; the full reason is the lens tooltip (and the hover). */
export function lensTitle(step: StepPrediction): string {
  switch (step.status) {
    case 'cached':
      return 'cached';
    case 'rebuilds':
    case 'maybe':
      return `${step.status}: ${shortReason(step.reason)}`;
    case 'skipped':
      return /comes after the target stage/.test(step.reason) ? 'skipped: after the target stage' : 'skipped: stage not needed';
    case 'none':
      return step.reason.startsWith('metadata only') ? 'metadata only: no rebuild' : step.reason.split(';')[0];
  }
}

function shortReason(reason: string): string {
  const parent = /^(parent step (?:rebuilds|may rebuild)): line (\d+) (\S+) \(/.exec(reason);
  if (parent) return `${parent[1]} (line ${parent[2]} ${parent[3]})`;
  if (reason.startsWith('not built yet')) return 'not built yet';
  return reason.replace(/ \(line \d+ [^)]*\).*$/, '').replace(/: cached only if .*$/, '');
}

function lineRange(line: number): CodeLens['range'] {
  return { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 0 } };
}
