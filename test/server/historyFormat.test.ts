// The text table of `layerlens history`: its columns line up under their headings whatever the widths (hundreds of
// states, a maybe count, a step the fixes removed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyText, type Paint } from '../../server/src/history/format';
import type { HistoryResult, HistorySummaryRow } from '../../server/src/history/replay';

const plain: Paint = { rebuilds: (s) => s, maybe: (s) => s, cached: (s) => s, dim: (s) => s, bold: (s) => s };

function row(line: number, text: string, rebuilds: number, maybe: number, states: number): HistorySummaryRow {
  return { line, keyword: text.split(' ')[0], text, rebuilds, maybe, cached: states - rebuilds - maybe, causes: [], estimatedMs: null };
}

test('the history table: every row starts its columns where the heading does', () => {
  const states = 480;
  const summary = [
    row(1, 'FROM node:20', 0, 0, states),
    row(3, 'COPY . /app', 470, 3, states),
    row(4, 'RUN npm ci', 470, 3, states),
    row(5, 'RUN npm run build', 12, 0, states),
  ];
  const fixedSummary = [row(1, 'FROM node:20', 0, 0, states), row(3, 'COPY . /app', 470, 0, states), row(4, 'RUN npm ci', 123, 0, states)];
  const commits = [
    { commit: 'a'.repeat(40), subject: 'first', changed: [], steps: [] },
    { commit: 'b'.repeat(40), subject: 'last', changed: [], steps: [] },
  ];
  const result: HistoryResult = {
    repoRoot: '/r',
    cache: 'all',
    states,
    notes: [],
    commits,
    summary,
    fixed: { commits, summary: fixedSummary, changedStates: states },
  };
  const lines = historyText(result, plain, 'Dockerfile').split('\n');
  const head = lines.find((l) => l.includes('WITH FIXES'));
  assert.ok(head, lines.join('\n'));
  const rows = lines.filter((l) => /^\s+\d+ {2}/.test(l));
  assert.equal(rows.length, 4, lines.join('\n'));
  const fixesAt = head.indexOf('WITH FIXES');
  const timeAt = head.indexOf('TIME / FIRST CAUSES');
  for (const r of rows) {
    assert.match(r.slice(fixesAt), /^-> /, `"${r}" has its fixes column under the heading:\n${head}`);
    assert.equal(r[timeAt - 1], ' ', `"${r}" does not run into the TIME column`);
    assert.equal(r[timeAt - 2], ' ', `"${r}" does not run into the TIME column`);
  }
  assert.ok(rows.some((r) => r.includes('-> 123 of 480 ')));
  assert.ok(rows.some((r) => r.includes('-> (removed)')));
  assert.ok(rows.some((r) => r.includes('470 of 480, 3 maybe')));
});
