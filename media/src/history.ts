// The history webview: draws what the history panel posts (client/src/history/messages.ts). Every string from git
// (commit subjects, paths) or the Dockerfile goes in with textContent or as an attribute value of an element made
// with createElement: never parsed as HTML. Colours are VS Code theme variables (history.css).
import type { FromHistoryWebview, HISTORY_WEBVIEW_STRINGS, HistoryPanelView, ToHistoryWebview } from '../../client/src/history/messages';
import type { HistoryCell, HistoryCommitView, HistoryCounts, HistoryResultView, HistoryRowView } from '../../server/src/protocol';
import { formatMessage } from '../../server/src/shared/text';
import { el, icon } from './dom';

interface VsCodeApi {
  postMessage(message: FromHistoryWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
let view: HistoryPanelView | undefined;
/** The cell whose details are shown: commit index and row index. */
let selected: { commit: number; row: number } | null = null;

window.addEventListener('message', (event: MessageEvent<ToHistoryWebview>) => {
  if (event.data.type !== 'show') return;
  if (view?.result?.head !== event.data.view.result?.head) selected = null;
  view = event.data.view;
  render(view);
});
vscode.postMessage({ type: 'ready' });

function t(message: (typeof HISTORY_WEBVIEW_STRINGS)[number], ...args: Array<string | number>): string {
  return formatMessage(view?.strings?.[message] ?? message, args);
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function render(v: HistoryPanelView): void {
  app.replaceChildren();
  const head = el('header', 'head');
  const title = el('h1', 'title');
  const [before, after = ''] = t('Git history of {0}').split('{0}');
  title.append(icon('history'), el('span', undefined, before), el('span', 'file', v.fileName));
  if (after) title.append(el('span', undefined, after));
  head.append(title, toolbar(v));
  app.append(head);
  if (v.message) app.append(el('p', 'message', v.message));
  if (v.result) result(v.result);
}

function toolbar(v: HistoryPanelView): HTMLElement {
  const bar = el('div', 'toolbar');
  const again = el('button', 'action primary');
  again.type = 'button';
  again.title = t('Replay the history again (after new commits, or with the other cache option)');
  again.append(icon('refresh'), el('span', undefined, t('Replay again')));
  again.addEventListener('click', () => vscode.postMessage({ type: 'replay', cache: v.cache }));
  const mode = el('button', 'action cache-mode');
  mode.type = 'button';
  mode.title = t("Switch between a developer's builder (every earlier state cached) and CI (the previous build only)");
  mode.append(icon('database'), el('span', undefined, v.cache === 'all' ? t('Cache: every earlier state') : t('Cache: previous build only')));
  mode.addEventListener('click', () => vscode.postMessage({ type: 'replay', cache: v.cache === 'all' ? 'previous' : 'all' }));
  bar.append(again, mode);
  return bar;
}

function result(r: HistoryResultView): void {
  const first = r.commits[0]?.commit.slice(0, 7) ?? '';
  const last = r.commits[r.commits.length - 1]?.commit.slice(0, 7) ?? '';
  const meta = [
    t('{0} states replayed, {1}..{2}', r.states, first, last),
    r.cache === 'all' ? t('each built with every earlier state in the cache') : t('each built with only the previous state in the cache (CI)'),
  ];
  meta.push(r.cachedAnswer ? t('Kept from the last replay of this commit') : t('Took {0} ms', r.tookMs));
  app.append(el('p', 'meta', meta.join(' · ')));
  app.append(totals(r), steps(r), timeline(r));
  const details = el('section', 'details');
  details.setAttribute('aria-live', 'polite');
  app.append(details);
  showDetails(r, details);
  if (r.notes.length) {
    const notes = el('section', 'notes');
    notes.append(el('h2', undefined, t('Notes')));
    for (const n of r.notes) notes.append(el('p', 'note', n));
    app.append(notes);
  }
}

function totals(r: HistoryResultView): HTMLElement {
  const box = el('section', 'totals');
  box.append(
    el(
      'p',
      'total',
      r.estimatedMs === null
        ? t('Estimated rebuild time: untimed (no real build of this Dockerfile recorded step durations; Build Image records them)')
        : t('Estimated rebuild time: {0}', duration(r.estimatedMs)),
    ),
  );
  if (r.fixed) {
    if (r.fixed.estimatedMs !== null) box.append(el('p', 'total fixed', t('With the fixes: {0}', duration(r.fixed.estimatedMs))));
    box.append(
      el(
        'p',
        'total fixed',
        r.fixed.changedStates
          ? t('The fixes change the Dockerfile in {0} of the {1} states.', r.fixed.changedStates, r.states)
          : t('The fixes change nothing in these states.'),
      ),
    );
    if (view) box.append(applyFixes(view));
  }
  return box;
}

/**
 * "Apply fixes": what `layerlens fix` changes, applied to the Dockerfile by the extension as one edit. When there is
 * nothing to apply (or it may not be) the button stays focusable but inert (aria-disabled) and says why beside it.
 */
function applyFixes(v: HistoryPanelView): HTMLElement {
  const box = el('div', 'fix-actions');
  const button = el('button', 'action primary apply-fixes');
  button.type = 'button';
  button.append(icon('wrench'), el('span', undefined, t('Apply fixes')));
  const { disabled } = v.fixes;
  const why = el('span', 'fix-why');
  why.id = 'fix-why';
  button.setAttribute('aria-describedby', why.id);
  if (disabled) {
    button.setAttribute('aria-disabled', 'true');
    button.classList.add('disabled');
    button.title = disabled;
    why.textContent = disabled;
  } else {
    const list = v.fixes.titles.join('; ');
    button.title = t('Apply to the Dockerfile what layerlens fix changes, as one edit (Undo reverts it): {0}', list);
    why.textContent = v.fixes.createFiles.length ? `${list} · ${t('Creates {0}', v.fixes.createFiles.join(', '))}` : list;
    button.addEventListener('click', () => vscode.postMessage({ type: 'applyFixes' }));
  }
  box.append(button, why);
  if (v.fixes.outcome) {
    const outcome = el('p', 'fix-outcome', v.fixes.outcome);
    outcome.setAttribute('role', 'status');
    box.append(outcome);
  }
  return box;
}

/** Causes drawn apart in a bar, per status; the rest share one part. */
const SHOWN_CAUSES = 3;

/**
 * A bar over the states: the rebuilt part split by cause (one part per cause, most frequent first, in shades of the
 * rebuilt colour, each titled with its cause and count), the same for maybe, then cached (widths in percent), with
 * its words for screen readers.
 */
function bar(c: HistoryCounts, states: number, label: string): HTMLElement {
  const total = Math.max(states, c.rebuilds + c.maybe + c.cached, 1);
  const b = el('div', 'bar');
  b.setAttribute('role', 'img');
  b.setAttribute('aria-label', label);
  b.title = label;
  const part = (status: 'rebuilds' | 'maybe' | 'cached', n: number, shade: number, title?: string) => {
    const s = el('span', `part status-${status} shade-${shade}`);
    s.style.width = `${(n / total) * 100}%`;
    if (title) s.title = title;
    b.append(s);
  };
  for (const status of ['rebuilds', 'maybe'] as const) {
    const all = c[status];
    if (!all) continue;
    const mine = (c.segments ?? []).filter((s) => s.status === status);
    const shown = mine.slice(0, SHOWN_CAUSES);
    let left = all;
    shown.forEach((s, i) => {
      part(status, s.count, i, t(status === 'rebuilds' ? '{0}: {1} rebuilt' : '{0}: {1} maybe', s.cause || t('no cause recorded'), s.count));
      left -= s.count;
    });
    if (left > 0) part(status, left, shown.length, t(status === 'rebuilds' ? '{0}: {1} rebuilt' : '{0}: {1} maybe', t('other causes'), left));
  }
  if (c.cached) part('cached', c.cached, 0);
  return b;
}

function steps(r: HistoryResultView): HTMLElement {
  const section = el('section', 'steps');
  section.append(el('h2', undefined, t('Steps of the newest Dockerfile')));
  const table = el('table', 'rows');
  const headRow = el('tr');
  for (const h of [t('line'), t('instruction'), t('rebuilt'), t('with fixes'), t('first causes'), t('time')]) headRow.append(el('th', undefined, h));
  table.append(el('thead'));
  (table.tHead as HTMLTableSectionElement).append(headRow);
  const body = el('tbody');
  for (const row of r.rows) body.append(stepRow(row, r));
  table.append(body);
  section.append(table);
  return section;
}

function stepRow(row: HistoryRowView, r: HistoryResultView): HTMLElement {
  const tr = el('tr', 'row');
  tr.dataset.line = String(row.line);
  const line = el('td', 'line');
  const go = el('button', 'link', String(row.line));
  go.type = 'button';
  go.addEventListener('click', () => vscode.postMessage({ type: 'reveal', line: row.line }));
  line.append(go);
  const counts = `${t('rebuilt')} ${row.rebuilds}, ${t('maybe')} ${row.maybe}, ${t('cached')} ${row.cached}`;
  const now = el('td', 'now');
  now.append(bar(row, r.states, counts), el('span', 'count', t('{0} of {1}', row.rebuilds, r.states)));
  const fixed = el('td', 'with-fixes');
  if (row.fixed) {
    const words = t('{0} → {1} of {2} with fixes', row.rebuilds, row.fixed.rebuilds, r.states);
    fixed.append(bar(row.fixed, r.states, words), el('span', row.fixed.rebuilds < row.rebuilds ? 'count saved' : 'count', words));
  }
  const causes = el(
    'td',
    'causes',
    row.causes
      .slice(0, 3)
      .map((c) => `${c.cause} ${c.count}`)
      .join(', ') + (row.causes.length > 3 ? ', …' : ''),
  );
  const time = el('td', 'time', row.estimatedMs === null ? t('untimed') : duration(row.estimatedMs));
  tr.append(line, el('td', 'instruction', row.text), now, fixed, causes, time);
  return tr;
}

const LETTER: Record<HistoryCell['status'], string> = { rebuilds: 'R', maybe: '?', cached: '.', skipped: '', none: '' };

function timeline(r: HistoryResultView): HTMLElement {
  const section = el('section', 'timeline');
  section.append(
    el('h2', undefined, t('Commits, oldest first')),
    el(
      'p',
      'hint',
      `${t('R rebuilt · ? maybe · . cached · blank: no such step')} · ${t('Click a cell (or Enter): the commit, its changed files and the reason')}`,
    ),
  );
  const table = el('table', 'commits');
  const headRow = el('tr');
  headRow.append(el('th', undefined, t('commit')), el('th', undefined, t('subject')));
  for (const row of r.rows) {
    const th = el('th', 'step', String(row.line));
    th.title = row.text;
    headRow.append(th);
  }
  table.append(el('thead'));
  (table.tHead as HTMLTableSectionElement).append(headRow);
  const body = el('tbody');
  r.commits.forEach((c, i) => body.append(commitRow(c, i, r)));
  table.append(body);
  table.addEventListener('keydown', (e) => moveFocus(e, r));
  section.append(table);
  return section;
}

function commitRow(c: HistoryCommitView, i: number, r: HistoryResultView): HTMLElement {
  const tr = el('tr', c.error ? 'commit failed' : 'commit');
  tr.dataset.commit = c.commit;
  tr.append(el('td', 'sha', c.commit.slice(0, 7)), el('td', 'subject', c.subject));
  r.rows.forEach((_, k) => {
    const cell = c.cells[k];
    const td = el('td', 'cell');
    const b = el('button', `verdict status-${cell?.status ?? 'absent'}`, cell ? LETTER[cell.status] : '');
    b.type = 'button';
    b.dataset.commit = String(i);
    b.dataset.row = String(k);
    b.tabIndex = selected ? (selected.commit === i && selected.row === k ? 0 : -1) : i === 0 && k === 0 ? 0 : -1;
    b.setAttribute('aria-label', `${c.commit.slice(0, 7)} ${r.rows[k].line}: ${cell?.status ?? '-'}`);
    if (selected?.commit === i && selected.row === k) b.classList.add('selected');
    b.addEventListener('click', () => select(i, k, r));
    td.append(b);
    tr.append(td);
  });
  return tr;
}

function select(commit: number, row: number, r: HistoryResultView, focus = false): void {
  selected = { commit, row };
  for (const b of app.querySelectorAll<HTMLButtonElement>('button.verdict')) {
    const on = Number(b.dataset.commit) === commit && Number(b.dataset.row) === row;
    b.classList.toggle('selected', on);
    b.tabIndex = on ? 0 : -1;
    if (on && focus) b.focus();
  }
  const details = app.querySelector<HTMLElement>('section.details');
  if (details) showDetails(r, details);
}

/** Arrow keys move between cells (commits up and down, steps left and right); Home and End go to a row's ends. */
function moveFocus(e: KeyboardEvent, r: HistoryResultView): void {
  const target = e.target as HTMLElement;
  if (!target.classList.contains('verdict')) return;
  let commit = Number(target.dataset.commit);
  let row = Number(target.dataset.row);
  if (e.key === 'ArrowDown') commit = Math.min(r.commits.length - 1, commit + 1);
  else if (e.key === 'ArrowUp') commit = Math.max(0, commit - 1);
  else if (e.key === 'ArrowRight') row = Math.min(r.rows.length - 1, row + 1);
  else if (e.key === 'ArrowLeft') row = Math.max(0, row - 1);
  else if (e.key === 'Home') row = 0;
  else if (e.key === 'End') row = r.rows.length - 1;
  else return;
  e.preventDefault();
  select(commit, row, r, true);
}

function showDetails(r: HistoryResultView, box: HTMLElement): void {
  box.replaceChildren();
  if (!selected) return;
  const c = r.commits[selected.commit];
  const row = r.rows[selected.row];
  if (!c || !row) return;
  box.append(el('h2', undefined, t('Commit {0}', c.commit)), el('p', 'subject', c.subject));
  if (c.error) box.append(el('p', 'error', t('This commit is not planned: {0}', c.error)));
  const cell = c.cells[selected.row];
  const word = cell
    ? cell.status === 'rebuilds'
      ? t('rebuilt')
      : cell.status === 'maybe'
        ? t('maybe')
        : cell.status === 'cached'
          ? t('cached')
          : cell.status
    : '';
  box.append(
    el(
      'p',
      cell ? `reason status-${cell.status}` : 'reason',
      cell ? t('Line {0} {1}: {2}: {3}', cell.line, row.keyword, word, cell.reason) : t('Line {0}: no such step in this commit', row.line),
    ),
  );
  // The oldest replayed commit is the first build: nothing to compare its files with.
  if (selected.commit === 0) return;
  if (c.changed.length) {
    const more = c.moreChanged ? ` ${t('and {0} more', c.moreChanged)}` : '';
    box.append(el('p', 'changed', t('Changed: {0}', c.changed.join(', ') + more)));
  } else box.append(el('p', 'changed', t('Nothing of the build changed')));
}
