// What a user does in the VS Code workbench, as playwright steps. Selectors are VS Code's own DOM classes.
import type { Locator, Page } from 'playwright-core';
import { waitFor } from './poll';

export async function waitForWorkbench(page: Page, folderName: string): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  // The explorer lists the folder once the remote file system and the window are up.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  await waitFor(`the window title to name ${folderName}`, async () => (await page.title()).includes(folderName), { timeoutMs: 30_000 });
}

/** Ctrl+P, type a file name, pick the match: the editor opens it. */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await waitFor('the quick open box', async () => {
    if (!(await input.isVisible())) await page.keyboard.press('Control+P');
    return input.isVisible();
  }, { timeoutMs: 20_000, intervalMs: 500 });
  await input.fill(fileName);
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(fileName)}$`) }) }).first();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await activeTab(page, fileName).waitFor({ timeout: 20_000 });
}

/** Runs a command from the command palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 20_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
}

export function activeTab(page: Page, fileName: string): Locator {
  return page.locator('.tabs-container .tab.active', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(fileName)}$`) }) });
}

export function statusBarItem(page: Page, text: RegExp): Locator {
  return page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: text });
}

/** The text of the active editor, as the editor renders it (only the lines on screen). */
export async function editorText(page: Page): Promise<string> {
  return visibleText(page.locator('.editor-group-container.active .monaco-editor .view-lines').first());
}

/** The text shown in the Output panel. */
export async function outputText(page: Page): Promise<string> {
  return visibleText(page.locator('.part.panel .monaco-editor .view-lines').first());
}

async function visibleText(lines: Locator): Promise<string> {
  if (!(await lines.isVisible())) return '';
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
