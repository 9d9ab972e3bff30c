// Messages between the layer stack panel (extension side, panel.ts) and its webview (media/src/main.ts).
// Plain JSON: the webview renders every string with textContent, never as HTML.
import type { LayerStackResult } from '../../../server/src/protocol';

/** What the panel shows: the document it follows and the server's answer for it. */
export interface StackView {
  uri: string;
  /** The Dockerfile's name and its folder relative to the workspace, for the heading. */
  fileName: string;
  folder: string;
  result: LayerStackResult | null;
  /** Why there is nothing to draw (the server is starting, the document is closed). */
  message: string | null;
  /** The page's own words (WEBVIEW_STRINGS) in the display language: English message → translation. */
  strings: Record<string, string>;
}

/** Every fixed string the webview shows, as English source strings with {0} placeholders (media/src/main.ts). */
export const WEBVIEW_STRINGS = [
  'Layer stack of {0}',
  'Layer stack',
  'classic builder',
  'target {0}',
  'baseline: {0}',
  'Nothing to draw.',
  'Simulate a change',
  'Pick changed files…',
  'Pick context files to pretend they changed (F on a layer: among the files it reads)',
  'Pretend selected step edited',
  'Pretend the selected instruction was edited (E on a layer)',
  'Reset',
  'Stop simulating: back to the real verdicts',
  'Build Image',
  'Build this Dockerfile with Docker, record the real cache, timings and sizes, and compare with the prediction',
  'Simulating: {0}',
  'Click or Enter: go to the line · E: pretend the step was edited · F: pick changed files it reads · arrow keys: move',
  'stage {0}',
  'target',
  'not built for the target',
  'Stage {0}',
  'Stage {0}, the target',
  'Stage {0}, not built for the target',
  'Stage {0}, the target, not built for the target',
  'writable container layer (docker run)',
  'Line {0} {1}: {2}, {3}. {4}.',
  'Reads stage {0}.',
  'line {0}',
  'reads stage {0}',
] as const;

export type ToWebview =
  | { type: 'show'; view: StackView }
  /** Move the keyboard focus to the block of this line (after a lens or an editor asked for it). */
  | { type: 'focusLine'; line: number };

export type FromWebview =
  | { type: 'ready' }
  /** Reveal the instruction's line in the editor. */
  | { type: 'reveal'; line: number }
  /** Pick changed files to simulate: among those the block of `line` reads, or every file any step reads. */
  | { type: 'pickFiles'; line: number | null }
  /** Pretend the instruction at `line` was edited. */
  | { type: 'simulateEdit'; line: number }
  | { type: 'reset' }
  /** Run "Layer Lens: Build Image" for the Dockerfile shown. */
  | { type: 'build' };

/** What the webview keeps across reloads (vscode.getState/setState), also handed to the panel serializer. */
export interface PersistedState {
  uri: string;
  line: number | null;
}
