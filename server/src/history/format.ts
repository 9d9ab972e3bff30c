// What `layerlens history` prints: the JSON shape documented in the README, and a readable table with a bar per
// step (rebuilt / maybe / cached over the replayed states), the first causes, the time where real builds timed the
// step, and a timeline of the commits (one letter per step).
import { formatDuration } from '../core/plan/cost';
import type { HistoryCommit, HistoryResult, HistoryStep, HistorySummaryRow } from './replay';

/** The `--fixed` row of the same instruction: same keyword and text, or else the same keyword at the same rank. */
export function fixedRowFor(row: HistorySummaryRow, summary: readonly HistorySummaryRow[], rows: readonly HistorySummaryRow[]): HistorySummaryRow | undefined {
  // Two instructions may read the same (a RUN repeated): the k-th of them matches the k-th.
  const sameText = (r: HistorySummaryRow) => r.keyword === row.keyword && r.text === row.text;
  const same = summary.filter(sameText)[rows.filter(sameText).indexOf(row)];
  if (same) return same;
  const sameKeyword = (r: HistorySummaryRow) => r.keyword === row.keyword;
  return summary.filter(sameKeyword)[rows.filter(sameKeyword).indexOf(row)];
}

/** A step of a commit, as `--json` prints it (the documented fields only). */
function stepJson({
  line,
  keyword,
  stage,
  status,
  reason,
  cause,
}: HistoryStep): Pick<HistoryStep, 'line' | 'keyword' | 'stage' | 'status' | 'reason' | 'cause'> {
  return { line, keyword, stage, status, reason, cause };
}

/** A summary row, as `--json` prints it (without the internal stepMs). */
function summaryJson({ line, keyword, text, rebuilds, maybe, cached, causes, estimatedMs }: HistorySummaryRow): Omit<HistorySummaryRow, 'stepMs'> {
  return { line, keyword, text, rebuilds, maybe, cached, causes, estimatedMs };
}

/** The documented JSON: commits, summary, and `fixed` with --fixed (its summary rows beside the original ones). */
export function historyJson(result: HistoryResult): unknown {
  const commits = result.commits.map((c) => ({
    commit: c.commit,
    subject: c.subject,
    changed: c.changed,
    ...(c.moreChanged ? { moreChanged: c.moreChanged } : {}),
    ...(c.error ? { error: c.error } : {}),
    steps: c.steps.map(stepJson),
  }));
  return {
    cache: result.cache,
    states: result.states,
    notes: result.notes,
    commits,
    summary: result.summary.map(summaryJson),
    ...(result.fixed
      ? {
          fixed: {
            changedStates: result.fixed.changedStates,
            commits: result.fixed.commits.map((c) => ({
              commit: c.commit,
              steps: c.steps.map(stepJson),
            })),
            summary: result.fixed.summary.map(summaryJson),
          },
        }
      : {}),
  };
}

export interface Paint {
  rebuilds(s: string): string;
  maybe(s: string): string;
  cached(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const BAR = 20;

/** A bar of BAR cells over `states`: rebuilt (█), maybe (▒), cached (░); blank for states without the step. */
export function bar(row: Pick<HistorySummaryRow, 'rebuilds' | 'maybe' | 'cached'>, paint: Paint, states: number): string {
  const total = Math.max(states, row.rebuilds + row.maybe + row.cached);
  if (!total) return ' '.repeat(BAR);
  let r = Math.round((row.rebuilds / total) * BAR);
  let m = Math.round((row.maybe / total) * BAR);
  // Anything that happened at least once shows at least one cell.
  if (row.rebuilds && !r) r = 1;
  if (row.maybe && !m) m = 1;
  if (r + m > BAR) m = BAR - r;
  let c = Math.round((row.cached / total) * BAR);
  if (row.cached && !c) c = 1;
  c = Math.max(0, Math.min(c, BAR - r - m));
  // Rounding must not leave a gap when the step was in every state.
  if (row.rebuilds + row.maybe + row.cached === total) c = BAR - r - m;
  return paint.rebuilds('█'.repeat(r)) + paint.maybe('▒'.repeat(m)) + paint.cached('░'.repeat(c)) + ' '.repeat(BAR - r - m - c);
}

function shortSubject(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function timeText(row: HistorySummaryRow): string {
  if (row.stepMs === undefined) return row.rebuilds ? 'untimed' : '';
  if (!row.rebuilds) return '0';
  return `${row.rebuilds} x ${formatDuration(row.stepMs).replace(/^about /, '')} = ${formatDuration(row.rebuilds * row.stepMs).replace(/^about /, '')}`;
}

function causesText(row: HistorySummaryRow): string {
  const shown = row.causes.slice(0, 3).map((c) => `${c.cause} ${c.count}`);
  return row.causes.length > 3 ? `${shown.join(', ')}, …` : shown.join(', ');
}

const LETTER: Record<string, string> = { rebuilds: 'R', maybe: '?', cached: '.', none: ' ', skipped: ' ' };

export function historyText(result: HistoryResult, paint: Paint, dockerfileName: string): string {
  const out: string[] = [];
  const first = result.commits[0];
  const last = result.commits[result.commits.length - 1];
  const n = result.states;
  out.push(
    paint.bold(
      `History of ${dockerfileName}: ${n} ${n === 1 ? 'state' : 'states'} replayed, ${first.commit.slice(0, 7)}..${last.commit.slice(0, 7)}, ` +
        (result.cache === 'all'
          ? 'each built with every earlier state in the cache (--cache all)'
          : 'each built with only the previous state in the cache (--cache previous)'),
    ),
    '',
  );
  const rows = result.summary;
  const fixedRows = result.fixed?.summary;
  const texts = rows.map((r) => shortSubject(r.text, 40));
  const tw = Math.max(11, ...texts.map((t) => t.length));
  const counts = rows.map((r) => `${r.rebuilds} of ${n}${r.maybe ? `, ${r.maybe} maybe` : ''}`);
  const cw = Math.max(7, ...counts.map((c) => c.length));
  const fixedTexts = rows.map((r) => {
    if (!fixedRows) return '';
    const fixedRow = fixedRowFor(r, fixedRows, rows);
    return fixedRow ? `-> ${fixedRow.rebuilds} of ${n}` : '-> (removed)';
  });
  const fw = Math.max('WITH FIXES'.length, ...fixedTexts.map((t) => t.length));
  out.push(
    paint.bold(
      `${'LINE'.padStart(4)}  ${'INSTRUCTION'.padEnd(tw)}  ${'REBUILT'.padEnd(BAR)}  ${'STATES'.padEnd(cw)}  ${fixedRows ? `${'WITH FIXES'.padEnd(fw)}  ` : ''}TIME / FIRST CAUSES`,
    ),
  );
  let totalMs = 0;
  let untimed = 0;
  rows.forEach((r, i) => {
    const fixedText = fixedRows ? `${fixedTexts[i].padEnd(fw)}  ` : '';
    const time = timeText(r);
    if (r.estimatedMs !== null) totalMs += r.estimatedMs;
    else if (r.rebuilds) untimed++;
    const tail = [time, causesText(r)].filter(Boolean).join('  ');
    out.push(`${String(r.line).padStart(4)}  ${texts[i].padEnd(tw)}  ${bar(r, paint, n)}  ${counts[i].padEnd(cw)}  ${fixedText}${paint.dim(tail)}`);
  });
  out.push('', `${paint.rebuilds('█')} rebuilt  ${paint.maybe('▒')} maybe  ${paint.cached('░')} cached`);
  if (totalMs > 0)
    out.push(
      `Time these rebuilds cost, by the durations real builds recorded: ${formatDuration(totalMs)}${untimed ? ` plus ${untimed} ${untimed === 1 ? 'step' : 'steps'} never timed` : ''}.`,
    );
  else out.push('Time: untimed (no real build of this Dockerfile recorded step durations; `layerlens build` records them).');
  if (result.fixed) {
    out.push(`With the fixes of \`layerlens fix\`: ${result.fixed.changedStates} of ${result.commits.length} states rewritten.`);
    for (const r of rows) {
      const f = fixedRowFor(r, result.fixed.summary, rows);
      if (f && f.rebuilds < r.rebuilds)
        out.push(`  ${r.text}: rebuilt ${r.rebuilds} of ${n} -> ${f.rebuilds} of ${n} with fixes${r.causes[0] ? ` (${r.causes[0].cause})` : ''}`);
    }
  }
  out.push('', paint.bold('Commits, oldest first (R rebuilt, ? maybe, . cached; one column per step above):'));
  for (const c of result.commits) out.push(commitLine(c, rows, paint));
  for (const note of result.notes) out.push('', `note: ${note}`);
  return out.join('\n') + '\n';
}

function commitLine(c: HistoryCommit, rows: readonly HistorySummaryRow[], paint: Paint): string {
  const head = `  ${c.commit.slice(0, 7)}  ${shortSubject(c.subject, 36).padEnd(36)}  `;
  if (c.error) return head + paint.dim(`(not replayed: ${c.error})`);
  const cells = rows.map((_, i) => {
    const status = c.cells?.[i];
    if (!status) return ' ';
    const letter = LETTER[status] ?? ' ';
    return status === 'rebuilds' ? paint.rebuilds(letter) : status === 'maybe' ? paint.maybe(letter) : letter;
  });
  return head + cells.join('');
}
