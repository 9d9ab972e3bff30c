// One lens per instruction with its verdict in a few words ("cached", "rebuilds: src/app.js changed");
// clicking it asks the client to simulate a change of that step.
import type { CodeLens } from 'vscode-languageserver';
import { englishT, type Translate } from '../core/shared/translate';
import { formatDuration, type CostedPrediction } from '../core/plan/cost';
import type { Analysis } from '../documents';
import { simulateStepCommand, type SimulateStepArgs } from '../protocol';
import type { StepStatus } from '../core/shared/types';
import { renderReason, type Reason } from '../core/plan/reason';
import { renderMessage } from '../core/shared/message';

/** The lenses read the analysis's plan (its model's), not the model itself. */
export function codeLenses(analysis: Omit<Analysis, 'model'> | undefined, t: Translate = englishT): CodeLens[] {
  if (!analysis) return [];
  if (!analysis.plan) {
    const title = analysis.problem ? t('Layer Lens: {0}', renderMessage(analysis.problem, t)) : `Layer Lens: ${t('no verdicts')}`;
    return [{ range: lineRange(1), command: { title: title.length > 120 ? `${title.slice(0, 119)}…` : title, command: '' } }];
  }
  const simulated = analysis.simulation ? ` (${t('simulated: {0}', renderReason(analysis.simulation.cause, t))})` : '';
  return analysis.plan.steps.map((step) => {
    const args: SimulateStepArgs = { uri: analysis.uri, line: step.line, keyword: step.keyword };
    return {
      range: lineRange(step.line),
      command: {
        title: lensTitle(step, t),
        command: simulateStepCommand,
        arguments: [args],
        tooltip: t('{0}: {1}{2}. Click to simulate a change here.', verdictWord(step.status, t), renderReason(step.cause, t), simulated),
      },
    } as CodeLens;
  });
}

/** A verdict in one word or two, as the layer stack and the lens tooltips say it. */
export function verdictWord(status: StepStatus, t: Translate): string {
  switch (status) {
    case 'cached':
      return t('cached');
    case 'rebuilds':
      return t('rebuilds');
    case 'maybe':
      return t('maybe');
    case 'skipped':
      return t('skipped');
    case 'none':
      return t('no build step');
  }
}

/** The verdict in a few words, with the recorded cost of a rebuild; the full reason is the tooltip (and the hover). */
export function lensTitle(step: CostedPrediction, t: Translate = englishT): string {
  const cost = step.durationMs === undefined ? undefined : formatDuration(step.durationMs, t);
  switch (step.status) {
    case 'cached':
      return t('cached');
    case 'rebuilds':
      return cost ? t('rebuilds, {0}: {1}', cost, shortReason(step.cause, t)) : t('rebuilds: {0}', shortReason(step.cause, t));
    case 'maybe':
      return cost ? t('maybe, {0}: {1}', cost, shortReason(step.cause, t)) : t('maybe: {0}', shortReason(step.cause, t));
    case 'skipped':
      return step.cause.code === 'afterTarget' ? t('skipped: after the target stage') : t('skipped: stage not needed');
    case 'none':
      return META_ONLY.has(step.cause.code) ? t('metadata only: no rebuild') : renderReason(step.cause, t);
  }
}

/** The reason in a few words; the fixed phrases are translated, file names and engine details stay as they are. */
function shortReason(reason: Reason, t: Translate): string {
  if (reason.code === 'parentRebuilds') return t('parent step rebuilds (line {0} {1})', reason.line, reason.keyword);
  if (reason.code === 'parentMayRebuild') return t('parent step may rebuild (line {0} {1})', reason.line, reason.keyword);
  if (reason.code === 'notBuiltYet') return t('not built yet');
  return renderReason(reason, t, { short: true });
}

/** Reasons of metadata steps, which the lens says in one phrase. */
const META_ONLY: ReadonlySet<Reason['code']> = new Set(['metaEnv', 'metaUser', 'metaShell', 'metaOnly']);

function lineRange(line: number): CodeLens['range'] {
  return { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 0 } };
}
