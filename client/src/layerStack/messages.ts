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
}

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
  | { type: 'reset' };

/** What the webview keeps across reloads (vscode.getState/setState), also handed to the panel serializer. */
export interface PersistedState {
  uri: string;
  line: number | null;
}
