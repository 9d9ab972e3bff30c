// The lens titles with the git history's count appended (layerLens.history.lensSuffix): `cached · rebuilt in 38
// of the last 50 commits`, the summary row's rebuilds (and maybes) over the states replayed, as the history panel
// shows them. Which answer and which row: server/src/history/lens.ts.
import type { CodeLens } from 'vscode-languageserver';
import { englishT, type Translate } from '../core/shared/translate';
import type { Analysis } from '../documents';
import { rowsByLine, type LensAnswer, type LensRow } from '../history/lens';

export function withHistorySuffix(
  lenses: CodeLens[],
  analysis: Omit<Analysis, 'model'> | undefined,
  answer: LensAnswer | undefined,
  t: Translate = englishT,
): CodeLens[] {
  if (!answer?.rows || !answer.states || !analysis?.plan) return lenses;
  const rows = rowsByLine(answer.rows, analysis.plan.steps, analysis.plan.source);
  return lenses.map((lens) => {
    const row = rows.get(lens.range.start.line + 1);
    if (!row || !lens.command) return lens;
    return { ...lens, command: { ...lens.command, title: `${lens.command.title} · ${historySuffix(row, answer.states, t)}` } };
  });
}

/** `rebuilt in 38 of the last 50 commits`, `rebuilt in 3, maybe in 2, of the last 50 commits`. */
export function historySuffix(row: Pick<LensRow, 'rebuilds' | 'maybe'>, states: number, t: Translate = englishT): string {
  if (states === 1) return row.maybe ? t('rebuilt in {0}, maybe in {1}, of 1 commit', row.rebuilds, row.maybe) : t('rebuilt in {0} of 1 commit', row.rebuilds);
  return row.maybe
    ? t('rebuilt in {0}, maybe in {1}, of the last {2} commits', row.rebuilds, row.maybe, states)
    : t('rebuilt in {0} of the last {1} commits', row.rebuilds, states);
}
