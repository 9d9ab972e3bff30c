// Messages between the history panel (extension side, panel.ts) and its webview (media/src/history.ts).
// Plain JSON: the webview renders every string (commit subjects, file names, instructions) with textContent.
import type { HistoryResultView } from '../../../server/src/protocol';

export interface HistoryPanelView {
  /** The Dockerfile's name, for the heading. */
  fileName: string;
  /** The replay, its reasons and causes already in the display language; null while it runs or when it failed. */
  result: HistoryResultView | null;
  /** What is going on instead (running, cancelled, refused in Restricted Mode, ...). */
  message: string | null;
  /** The options shown in the toolbar. */
  cache: 'all' | 'previous';
  commits: number;
  /** The "Apply fixes" action: what `layerlens fix` would apply to the Dockerfile now, or why it cannot. */
  fixes: FixesView;
  /** The page's own words (HISTORY_WEBVIEW_STRINGS) in the display language. */
  strings: Record<string, string>;
}

export interface FixesView {
  /** The fixes' titles, in the order `layerlens fix` applies them (empty: nothing to apply now). */
  titles: string[];
  /** Files the fixes create (.dockerignore). */
  createFiles: string[];
  /** Why the action is disabled (nothing to fix, untrusted workspace, ...), in the display language; null: enabled. */
  disabled: string | null;
  /** What the last "Apply fixes" did (or why it did nothing), in the display language. */
  outcome: string | null;
}

/** Every fixed string the history webview shows, as English source strings with {0} placeholders. */
export const HISTORY_WEBVIEW_STRINGS = [
  'Git history of {0}',
  '{0} states replayed, {1}..{2}',
  'each built with every earlier state in the cache',
  'each built with only the previous state in the cache (CI)',
  'Replay again',
  'Replay the history again (after new commits, or with the other cache option)',
  'Cache: every earlier state',
  'Cache: previous build only',
  "Switch between a developer's builder (every earlier state cached) and CI (the previous build only)",
  'Steps of the newest Dockerfile',
  'line',
  'instruction',
  'rebuilt',
  'maybe',
  'cached',
  'with fixes',
  'first causes',
  '{0}: {1} rebuilt',
  '{0}: {1} maybe',
  'no cause recorded',
  'other causes',
  'time',
  '{0} of {1}',
  '{0} → {1} of {2} with fixes',
  'untimed',
  'Estimated rebuild time: {0}',
  'Estimated rebuild time: untimed (no real build of this Dockerfile recorded step durations; Build Image records them)',
  'With the fixes: {0}',
  'The fixes change the Dockerfile in {0} of the {1} states.',
  'The fixes change nothing in these states.',
  'Commits, oldest first',
  'commit',
  'subject',
  'R rebuilt · ? maybe · . cached · blank: no such step',
  'Click a cell (or Enter): the commit, its changed files and the reason',
  'Commit {0}',
  'Changed: {0}',
  'and {0} more',
  'Nothing of the build changed',
  'Line {0} {1}: {2}: {3}',
  'Line {0}: no such step in this commit',
  'This commit is not planned: {0}',
  'Notes',
  'Took {0} ms',
  'Kept from the last replay of this commit',
  'Apply fixes',
  'Apply to the Dockerfile what layerlens fix changes, as one edit (Undo reverts it): {0}',
  'Creates {0}',
] as const;

export type ToHistoryWebview = { type: 'show'; view: HistoryPanelView };

export type FromHistoryWebview =
  | { type: 'ready' }
  /** Replay again, with this cache mode. */
  | { type: 'replay'; cache: 'all' | 'previous' }
  /** Reveal the step's line in the Dockerfile. */
  | { type: 'reveal'; line: number }
  /** Apply what `layerlens fix` changes to the Dockerfile, as one edit. */
  | { type: 'applyFixes' };
