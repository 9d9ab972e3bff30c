// Webviews in the workbench are nested iframes (the host frame, then the page the extension wrote): the frame
// to read is the one whose document has the given element.
import type { Frame, Page } from 'playwright-core';
import { waitFor } from './poll';

/** The webview frame holding `selector`, once it is there (the panel can take a moment to start). */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  return waitFor(
    `a webview frame with ${selector}`,
    async () => {
      for (const frame of page.frames()) {
        if (frame === page.mainFrame() || frame.isDetached()) continue;
        if (
          (await frame
            .locator(selector)
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      return undefined;
    },
    { timeoutMs },
  );
}
