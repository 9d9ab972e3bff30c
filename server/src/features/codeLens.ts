// One lens per instruction with its verdict in a few words ("cached", "rebuilds: src/app.js changed");
// clicking it asks the client to simulate a change of that step.
import type { CodeLens } from 'vscode-languageserver';
import { englishT, type Translate } from '../core/explainTranslate';
import type { StepPrediction } from '../core/types';
import type { Analysis } from '../documents';
import { simulateStepCommand, type SimulateStepArgs } from '../protocol';

export function codeLenses(analysis: Analysis | undefined, t: Translate = englishT): CodeLens[] {
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
      command: { title: lensTitle(step, t), command: simulateStepCommand, arguments: [args], tooltip: `${step.status}: ${step.reason}${simulated}. Click to simulate a change here.` },
    } as CodeLens;
  });
}

/** The verdict in a few words; the full reason is the lens tooltip (and the hover). */
export function lensTitle(step: StepPrediction, t: Translate = englishT): string {
  switch (step.status) {
    case 'cached':
      return t('cached');
    case 'rebuilds':
      return t('rebuilds: {0}', shortReason(step.reason, t));
    case 'maybe':
      return t('maybe: {0}', shortReason(step.reason, t));
    case 'skipped':
      return /comes after the target stage/.test(step.reason) ? t('skipped: after the target stage') : t('skipped: stage not needed');
    case 'none':
      return step.reason.startsWith('metadata only') ? t('metadata only: no rebuild') : step.reason.split(';')[0];
  }
}

/** The reason in a few words; the fixed phrases are translated, file names and engine details stay as they are. */
function shortReason(reason: string, t: Translate): string {
  const parent = /^parent step (rebuilds|may rebuild): line (\d+) (\S+) \(/.exec(reason);
  if (parent) return parent[1] === 'rebuilds' ? t('parent step rebuilds (line {0} {1})', parent[2], parent[3]) : t('parent step may rebuild (line {0} {1})', parent[2], parent[3]);
  if (reason.startsWith('not built yet')) return t('not built yet');
  const changed = /^(.+) changed$/.exec(reason);
  if (changed && !changed[1].includes(' (line ')) return t('{0} changed', changed[1]);
  return reason.replace(/ \(line \d+ [^)]*\).*$/, '').replace(/: cached only if .*$/, '');
}

function lineRange(line: number): CodeLens['range'] {
  return { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 0 } };
}
