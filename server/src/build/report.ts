// The build report as text: the CLI prints it and the editor's "Copy Report" puts it on the clipboard.
import { formatDuration } from '../core/plan/cost';
import { formatBytes } from '../core/stack/layerStack';
import type { BuildReport } from './buildProject';

const ACTUAL: Record<string, string> = {
  cached: 'cached',
  ran: 'rebuilt',
  error: 'FAILED',
  canceled: 'cancelled',
  incomplete: 'unfinished',
  'not reported': '',
};

export function formatBuildReport(report: BuildReport): string {
  const out: string[] = [];
  out.push(`Layer Lens build report: ${report.dockerfile} (${report.builder}${report.progress === 'classic' ? '' : `, ${report.progress} progress`})`);
  out.push(`$ ${report.command.map(quote).join(' ')}`);
  out.push('');
  const rows = report.rows.filter((r) => r.actual !== 'not reported' || r.predicted === 'cached' || r.predicted === 'rebuilds');
  // FROM is no cache lookup (the engine resolves the base image), so there is nothing to compare.
  const table = rows.map((r) => [
    String(r.line),
    r.text,
    r.predicted,
    r.keyword === 'FROM' ? '-' : (ACTUAL[r.actual] ?? r.actual),
    r.durationMs !== undefined ? `${(r.durationMs / 1000).toFixed(1)} s` : '',
    r.sizeBytes !== undefined ? formatBytes(r.sizeBytes) : '',
    r.agrees ? '' : '≠',
  ]);
  const head = ['LINE', 'INSTRUCTION', 'PREDICTED', 'DOCKER', 'TIME', 'SIZE', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  out.push(
    head
      .map((h, i) => h.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  for (const t of table)
    out.push(
      t
        .map((c, i) => (i === 0 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    );
  out.push('');
  if (report.failure) out.push(`${report.failure.message} ${stoppedBuildNote(report)}`);
  else
    out.push(
      `Built in ${formatDuration(report.ms).replace(/^about /, '')}${report.imageId ? ` (image ${report.imageId.replace(/^sha256:/, '').slice(0, 12)})` : ''}; recorded ${report.recordedKeys} step keys.`,
    );
  if (report.disagreements.length) {
    out.push(`${report.disagreements.length} ${report.disagreements.length === 1 ? 'step' : 'steps'} where the prediction and Docker disagreed:`);
    for (const d of report.disagreements) out.push(`  ${d.message}`);
  } else if (!report.canceled) out.push('The prediction matched Docker on every step it reported.');
  return out.join('\n');
}

/**
 * What a failed or cancelled build recorded: `Recorded the 3 steps Docker finished (lines 1-2, 4); fix line 5 and
 * build again.` (Docker keeps those steps in its cache, so the next build reuses them.)
 */
export function stoppedBuildNote(report: Pick<BuildReport, 'canceled' | 'failure' | 'recordedLines'>): string {
  const n = report.recordedLines.length;
  const line = report.canceled ? null : (report.failure?.line ?? null);
  const fix = report.canceled ? '' : line !== null ? `fix line ${line} and build again` : 'fix the failure and build again';
  if (n === 0)
    return `Docker finished no step${report.canceled ? ' before the build was cancelled' : ''}; nothing was recorded.${fix ? ` ${fix[0].toUpperCase()}${fix.slice(1)}.` : ''}`;
  const recorded = `Recorded the ${n === 1 ? 'step' : `${n} steps`} Docker finished (${lineRanges(report.recordedLines)})`;
  return report.canceled ? `${recorded} before the build was cancelled.` : `${recorded}; ${fix}.`;
}

/** "line 3", "lines 1-3, 6" */
function lineRanges(lines: number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    ranges.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return `${sorted.length === 1 ? 'line' : 'lines'} ${ranges.join(', ')}`;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
