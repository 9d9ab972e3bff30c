// Typing in the integrated terminal and waiting for the Layer Lens output channel: what the tests of builds typed in
// a terminal share.
import type { Page } from 'playwright-core';
import { waitFor } from './poll';
import { outputText, runCommand } from './workbench';

/** Focuses the terminal panel and types `line`, then Enter. */
export async function typeInTerminal(page: Page, line: string): Promise<void> {
  await runCommand(page, 'Terminal: Focus Terminal');
  await page.locator('.terminal-wrapper.active .xterm-helper-textarea, .xterm-helper-textarea').first().waitFor({ timeout: 20_000 });
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** The Layer Lens output channel's text once it matches `re`. */
export async function outputSays(page: Page, re: RegExp, timeoutMs = 90_000): Promise<string> {
  return waitFor(
    `the Layer Lens output saying ${re}`,
    async () => {
      await runCommand(page, 'Layer Lens: Show Output');
      const text = await outputText(page);
      return re.test(text) ? text : undefined;
    },
    { timeoutMs, intervalMs: 1_000 },
  );
}
