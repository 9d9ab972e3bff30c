// What a user does in the VS Code workbench, as playwright steps. Selectors are VS Code's own DOM classes.
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from './poll';

export async function waitForWorkbench(page: Page, folderName: string): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  // The explorer lists the folder once the remote file system and the window are up.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  await waitFor(`the window title to name ${folderName}`, async () => (await page.title()).includes(folderName), { timeoutMs: 30_000 });
}

/**
 * Ctrl+P, type a file name, pick the match: the editor opens it. The list re-renders while it filters, so a
 * click can land on a row that is going away: the whole sequence is retried until the file's tab is active.
 */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const tab = activeTab(page, fileName);
  await waitFor(
    `${fileName} to open from quick open`,
    async () => {
      if (await tab.isVisible()) return true;
      if (!(await input.isVisible())) await page.keyboard.press('Control+P');
      await input.waitFor({ timeout: 5_000 });
      await input.fill(fileName);
      const row = page
        .locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(fileName)}$`) }) })
        .first();
      await row.waitFor({ timeout: 10_000 });
      await row.click({ timeout: 5_000 });
      await tab.waitFor({ timeout: 5_000 });
      return true;
    },
    { timeoutMs: 45_000, intervalMs: 500 },
  );
}

/** Opens a file of the workspace root by clicking it in the Explorer (the file list is short and on screen). */
export async function openFromExplorer(page: Page, fileName: string): Promise<void> {
  const row = page
    .locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(fileName)}$`) }) })
    .first();
  const tab = activeTab(page, fileName);
  await waitFor(
    `${fileName} to open from the Explorer`,
    async () => {
      if (!(await tab.isVisible())) await row.click({ timeout: 5_000 });
      return tab.isVisible();
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
}

/** Opens folder/file from the Explorer (quick open does not know files this new yet), expanding the folder. */
export async function openFolderFile(page: Page, folder: string, fileName: string): Promise<void> {
  const row = (name: string) =>
    page
      .locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) })
      .first();
  let polls = 0;
  await waitFor(
    `the ${folder} folder open in the Explorer`,
    async () => {
      if (await row(fileName).isVisible()) return true;
      if (!(await row(folder).isVisible())) {
        // A folder made while the workbench was still starting can miss the file watcher: refresh now and then.
        if (++polls % 8 === 0) {
          await page.locator('.explorer-folders-view').hover();
          await page
            .locator('.pane-header .action-label[aria-label="Refresh Explorer"]')
            .first()
            .click({ timeout: 5_000, force: true })
            .catch(() => undefined);
        }
        return false;
      }
      if ((await row(folder).getAttribute('aria-expanded')) !== 'true') await row(folder).click({ timeout: 5_000 });
      return false;
    },
    { timeoutMs: 45_000, intervalMs: 500 },
  );
  await openFromExplorer(page, fileName);
}

/**
 * Runs a command from the command palette by its title. The whole sequence is retried, a few times, while the
 * command has not been picked: the palette can close again as it opens when a webview takes the focus (seen in
 * CI, the layer stack panel just opened), and a command whose `when` names the editor (editorLangId) is only
 * listed while the editor has the focus, which a file opened from the Explorer or a busy machine can leave
 * elsewhere: later retries click the active tab first (it focuses its editor; the cursor stays where it was).
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const attempts = 4;
  for (let attempt = 1; ; attempt++) {
    const last = attempt === attempts;
    try {
      if (!(await input.isVisible())) await page.keyboard.press('F1');
      await input.waitFor({ timeout: last ? 20_000 : 10_000 });
      await input.fill(`>${title}`, { timeout: last ? 30_000 : 5_000 });
      await row.waitFor({ timeout: last ? 30_000 : 15_000 });
      await row.click({ timeout: 10_000 });
      return;
    } catch (e) {
      if (last) throw e;
      await page.keyboard.press('Escape');
      if (attempt >= 2) {
        await page
          .locator('.editor-group-container.active .tabs-container .tab.active')
          .first()
          .click({ timeout: 5_000 })
          .catch(() => undefined);
      }
    }
  }
}

export function activeTab(page: Page, fileName: string): Locator {
  return page.locator('.tabs-container .tab.active', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(fileName)}$`) }) });
}

export function statusBarItem(page: Page, text: RegExp): Locator {
  return page.locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: text });
}

/** A status-bar item by (part of) its accessible label, which can say more than its text. */
export function statusBarItemLabelled(page: Page, fragment: string): Locator {
  return page.locator(`#workbench\\.parts\\.statusbar .statusbar-item[aria-label*="${fragment.replace(/["\\]/g, '\\$&')}"]`);
}

const activeEditor = '.editor-group-container.active .monaco-editor';

/** Lenses of the active editor inside its visible area, top to bottom, read in one go (they re-render often). */
async function visibleLenses(page: Page): Promise<Array<{ index: number; text: string }>> {
  const area = await page.locator(`${activeEditor} .editor-scrollable`).first().boundingBox();
  if (!area) return [];
  const lenses = await page.locator(`${activeEditor} .codelens-decoration`).evaluateAll((elements) =>
    elements.map((e, index) => ({
      index,
      y: e.getBoundingClientRect().top,
      height: e.getBoundingClientRect().height,
      text: (e as { innerText?: string }).innerText ?? '',
    })),
  );
  return lenses
    .filter((l) => l.height > 0 && l.y >= area.y - 1 && l.y + l.height <= area.y + area.height + 1)
    .sort((a, b) => a.y - b.y)
    .map(({ index, text }) => ({ index, text: text.replace(/\u00a0/g, ' ').trim() }));
}

/** The CodeLens titles of the active editor, top to bottom (the lenses on screen). */
export async function lensTitles(page: Page): Promise<string[]> {
  return (await visibleLenses(page)).map((l) => l.text);
}

/** Waits until the lenses on screen are exactly `expected` (top to bottom); fails showing what they say. */
export async function lensesAre(page: Page, expected: string[], what: string, timeoutMs = 30_000): Promise<void> {
  let last: string[] = [];
  try {
    await waitFor(
      what,
      async () => {
        last = await lensTitles(page);
        return JSON.stringify(last) === JSON.stringify(expected);
      },
      { timeoutMs },
    );
  } catch (error) {
    assert.deepEqual(last, expected, `${(error as Error).message}; the lenses say`);
  }
}

/** Clicks the n-th lens (0-based, top to bottom, among those on screen) of the active editor. */
export async function clickLens(page: Page, index: number): Promise<void> {
  const target = (await visibleLenses(page))[index];
  if (!target) throw new Error(`there is no lens number ${index + 1} on screen`);
  await page.locator(`${activeEditor} .codelens-decoration`).nth(target.index).locator('a').first().click();
}

/** Scrolls the active editor to its first line (Ctrl+Home in the text). */
export async function scrollEditorToTop(page: Page): Promise<void> {
  await page.locator(`${activeEditor} .view-lines`).first().click();
  await page.keyboard.press('Control+Home');
}

/** The clickable lens with exactly this title in the active editor. */
export function lens(page: Page, title: string): Locator {
  return page.locator(`${activeEditor} .codelens-decoration a`, { hasText: new RegExp(`^${escape(title)}$`) });
}

/** The text of the active editor, as the editor renders it (only the lines on screen). */
export async function editorText(page: Page): Promise<string> {
  return visibleText(page.locator('.editor-group-container.active .monaco-editor .view-lines').first());
}

/**
 * The lines of the active editor on screen, top to bottom. Monaco reuses line elements after edits, so their DOM
 * order is not always the visual order; this sorts them by position.
 */
export async function editorLines(page: Page): Promise<string[]> {
  const lines = await page
    .locator('.editor-group-container.active .monaco-editor .view-lines .view-line')
    .evaluateAll((elements) => elements.map((e) => ({ top: e.getBoundingClientRect().top, text: e.textContent ?? '' })));
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' '));
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
