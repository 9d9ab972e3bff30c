// "Layer Lens: Build Image" in a real VS Code with the real BuildKit engine of scripts/engines (code-server gets
// its docker CLI on PATH and DOCKER_HOST=unix:///tmp/ll-buildkit.sock: support/dockerEnv.ts). The build runs in
// the language server, which records it; the notification, the self-check diagnostics, the lenses with the
// recorded cost and the copied report are checked as a user sees them. Skips, saying why, without the engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { holdBuildkit } from './support/engineHold';
import { engineEnv } from '../build/engines';
import { waitFor } from './support/poll';
import { webviewFrame } from './support/webview';
import { repoRoot, screenshot, session } from './support/session';
import { editorText, lensTitles, openFolderFile, outputText, runCommand, scrollEditorToTop } from './support/workbench';

const token = randomBytes(4).toString('hex');
// A fresh WORKDIR name each run, so nothing is in the engine's cache from an earlier run.
const dockerfile = `FROM localbase:1\nWORKDIR /demo-${token}\nCOPY app.txt ./\nRUN sleep 2 && cat app.txt > copy.txt\n`;
const toasts = '.notifications-toasts';

async function lensesMatch(page: Page, expected: RegExp[], what: string): Promise<string[]> {
  let last: string[] = [];
  try {
    return await waitFor(
      what,
      async () => {
        last = await lensTitles(page);
        return last.length === expected.length && expected.every((re, i) => re.test(last[i])) ? last : undefined;
      },
      { timeoutMs: 30_000 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; the lenses say ${JSON.stringify(last)}`);
  }
}

/** A notification toast with this text, once it shows. */
async function toast(page: Page, text: RegExp, timeoutMs = 90_000): Promise<string> {
  return waitFor(
    `a notification saying ${text}`,
    async () => {
      const shown = await page.locator(`${toasts} .notification-toast`).allInnerTexts();
      return shown.find((t) => text.test(t.replace(/\s+/g, ' ')));
    },
    { timeoutMs },
  );
}

async function clearToasts(page: Page): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await waitFor('the notifications to clear', async () => (await page.locator(`${toasts} .notification-toast`).count()) === 0);
}

describe('Layer Lens: Build Image in a real VS Code (BuildKit engine)', function () {
  let demo = '';
  let releaseEngine: (() => Promise<void>) | undefined;

  before(async function () {
    this.timeout(21 * 60_000);
    releaseEngine = await holdBuildkit(this);
    demo = join(session().workspace, 'build-demo');
    mkdirSync(demo, { recursive: true });
    writeFileSync(join(demo, 'demo.Dockerfile'), dockerfile);
    writeFileSync(join(demo, 'app.txt'), `first ${token}\n`);
  });

  after(async function () {
    this.timeout(60_000);
    await releaseEngine?.();
    if (!demo) return;
    // Leave the workbench as the next files expect it: the demo Dockerfile closed, no toasts, the folder gone.
    const { page } = session();
    await openFolderFile(page, 'build-demo', 'demo.Dockerfile');
    await runCommand(page, 'View: Close Editor');
    await clearToasts(page);
    rmSync(demo, { recursive: true, force: true });
  });

  it('builds and records; the self-check names the steps Docker took from a cache the store did not know', async function () {
    this.timeout(180_000);
    const { page } = session();
    // Warm the engine's cache behind the editor's back (the CLI with a store of its own).
    const store = join(tmpdir(), `ll-e2e-store-${token}.json`);
    const warm = spawnSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'build', join(demo, 'demo.Dockerfile'), '--store', store], {
      encoding: 'utf8',
      env: engineEnv('buildkit'),
      timeout: 120_000,
    });
    rmSync(store, { force: true });
    assert.equal(warm.status, 0, warm.stderr);

    await openFolderFile(page, 'build-demo', 'demo.Dockerfile');
    await waitFor('the demo Dockerfile in the editor', async () => (await editorText(page)).includes(`WORKDIR /demo-${token}`));
    await scrollEditorToTop(page);
    await lensesMatch(page, Array(4).fill(/^rebuilds: not built yet$/), 'lenses saying nothing is built yet');

    await runCommand(page, 'Layer Lens: Build Image');
    const done = await toast(page, /Built and recorded\. 3 steps disagreed with the prediction/);
    assert.match(done, /line 2 WORKDIR \/demo-[0-9a-f]+: predicted rebuilds, Docker used its cache/);
    assert.match(done, /Copy Report/);
    await lensesMatch(page, Array(4).fill(/^cached$/), 'every step cached once the build is recorded');

    // The disagreements are information diagnostics of their own source in the Problems view.
    await page.keyboard.press('Control+Shift+M');
    const problems = await waitFor('the self-check in the Problems view', async () => {
      const text = (await page.locator('.markers-panel').allInnerTexts()).join('\n');
      return /Self-check after the build: line 4 RUN sleep 2 && cat app\.txt > copy\.txt: predicted rebuilds, Docker used its cache/.test(text)
        ? text
        : undefined;
    });
    assert.match(problems, /Layer Lens build/);
    assert.match(problems, /line 3 COPY app\.txt \.\/: predicted rebuilds, Docker used its cache/);
    const shot = await screenshot('mid-build-self-check');
    if (shot) console.log(`      screenshot: ${shot}`);
  });

  it('an edited file: the build shows progress, Docker does what was predicted, and the lenses learn the cost', async function () {
    this.timeout(180_000);
    const { page } = session();
    await clearToasts(page);
    writeFileSync(join(demo, 'app.txt'), `second ${token}\n`);
    await openFolderFile(page, 'build-demo', 'demo.Dockerfile');
    await scrollEditorToTop(page);
    await lensesMatch(
      page,
      [/^cached$/, /^cached$/, /^rebuilds: app\.txt changed$/, /^rebuilds: parent step rebuilds \(line 3 COPY\)$/],
      'the COPY and RUN rebuilding for app.txt',
    );

    await runCommand(page, 'Layer Lens: Build Image');
    await toast(page, /Layer Lens: building/, 30_000);
    const shot = await screenshot('mid-build-progress');
    if (shot) console.log(`      screenshot: ${shot}`);
    await toast(page, /Built and recorded in [\d.]+ s\. The prediction matched Docker on every step\./);

    // Edit again: the lenses now say what the rebuild costs, from the build just recorded.
    writeFileSync(join(demo, 'app.txt'), `third ${token}\n`);
    const lenses = await lensesMatch(
      page,
      [/^cached$/, /^cached$/, /^rebuilds, under 1 s: app\.txt changed$/, /^rebuilds, about [2-9] s: parent step rebuilds \(line 3 COPY\)$/],
      'lenses with the recorded cost',
    );
    console.log(`      lenses: ${JSON.stringify(lenses)}`);
  });

  it('"Copy Report" puts the build report on the clipboard; the output channel has the build', async function () {
    this.timeout(60_000);
    const { page } = session();
    await runCommand(page, 'Layer Lens: Copy Last Build Report');
    await runCommand(page, 'File: New Untitled Text File');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+V');
    const text = await waitFor('the pasted report', async () => {
      const shown = await editorText(page);
      return /Layer Lens build report: .*demo\.Dockerfile \(buildkit, rawjson progress\)/.test(shown) ? shown : undefined;
    });
    assert.match(text, /The prediction matched Docker on every step it reported\./);
    const shot = await screenshot('mid-build-report-pasted');
    if (shot) console.log(`      screenshot: ${shot}`);
    await runCommand(page, 'View: Revert and Close Editor');
    // The output channel has the build's progress and the same report.
    await runCommand(page, 'Layer Lens: Show Output');
    await waitFor('the report at the end of the Layer Lens output', async () =>
      /The prediction matched Docker on every step it reported\./.test(await outputText(page)),
    );
  });

  it('a failing build: the notification says what it recorded and which line to fix; the lenses turn cached up to it', async function () {
    this.timeout(240_000);
    const { page } = session();
    await clearToasts(page);
    // Its 4th step fails; a fresh WORKDIR, so the engine has none of it yet.
    const failing = (run: string) => `FROM localbase:1\nWORKDIR /fail-${token}\nCOPY app.txt ./\n${run}\nRUN cat app.txt > after.txt\n`;
    writeFileSync(join(demo, 'failing.Dockerfile'), failing('RUN echo failing on purpose && exit 3'));
    await openFolderFile(page, 'build-demo', 'failing.Dockerfile');
    await waitFor('the failing Dockerfile in the editor', async () => (await editorText(page)).includes(`WORKDIR /fail-${token}`));
    await scrollEditorToTop(page);
    await lensesMatch(page, [/^(cached|rebuilds: .+)$/, /^rebuilds: /, /^rebuilds: /, /^rebuilds: /, /^rebuilds: /], 'the new steps rebuilding');

    await runCommand(page, 'Layer Lens: Build Image');
    const failed = await toast(
      page,
      /The build failed \(docker exit \d+\) at line 4 RUN\. .*Recorded the 3 steps Docker finished; fix line 4 and build again\./,
    );
    assert.match(failed, /Copy Report/);
    await lensesMatch(
      page,
      [/^cached$/, /^cached$/, /^cached$/, /^rebuilds: the last build stopped before this step finished$/, /^rebuilds: parent step rebuilds \(line 4 RUN\)$/],
      'cached up to the failed step',
    );
    const shot = await screenshot('failed-build-recorded');
    if (shot) console.log(`      screenshot: ${shot}`);

    // Fixed: the engine reuses the steps it finished, as the lenses said.
    await clearToasts(page);
    writeFileSync(join(demo, 'failing.Dockerfile'), failing('RUN echo fixed'));
    await waitFor('the fixed Dockerfile in the editor', async () => (await editorText(page)).includes('RUN echo fixed'));
    await lensesMatch(page, [/^cached$/, /^cached$/, /^cached$/, /^rebuilds: /, /^rebuilds: /], 'cached up to the fixed step');
    await runCommand(page, 'Layer Lens: Build Image');
    await toast(page, /Built and recorded in [\d.]+ s\. The prediction matched Docker on every step\./);
    await lensesMatch(page, Array(5).fill(/^cached$/), 'every step cached after the fixed build');
    await runCommand(page, 'View: Close Editor');
  });

  it('"Build Image" in the layer stack builds the Dockerfile shown; the summary then has the rebuild time', async function () {
    this.timeout(180_000);
    const { page } = session();
    await clearToasts(page);
    await openFolderFile(page, 'build-demo', 'demo.Dockerfile');
    await runCommand(page, 'Layer Lens: Show Layer Stack');
    const summary = (frame: Frame) => frame.locator('.summary').innerText();
    // app.txt was edited after the last build: the panel says so, with the cost the last build recorded.
    let frame = await webviewFrame(page, '.toolbar');
    await waitFor(
      'the stack to show the app.txt edit with its cost',
      async () => {
        frame = await webviewFrame(page, '.toolbar');
        return /^2 of 4 layers rebuild; first miss: COPY app\.txt \.\/ \(app\.txt changed\); rebuild ≈ [2-9] s$/.test(await summary(frame).catch(() => ''));
      },
      { timeoutMs: 30_000 },
    );
    await frame.locator('.toolbar button', { hasText: 'Build Image' }).click();
    await toast(page, /Built and recorded in [\d.]+ s\. The prediction matched Docker on every step\./);
    await waitFor(
      'the stack to show every layer cached after the build',
      async () => {
        frame = await webviewFrame(page, '.toolbar');
        return (await summary(frame).catch(() => '')) === 'All 4 layers cached';
      },
      { timeoutMs: 30_000 },
    );
    // The editor beside the panel says the same.
    await runCommand(page, 'View: Focus First Editor Group');
    await lensesMatch(page, Array(4).fill(/^cached$/), 'the lenses beside the panel to say cached');
    const shot = await screenshot('mid-build-from-layer-stack');
    if (shot) console.log(`      screenshot: ${shot}`);
    // Close the panel by its tab (middle click), leaving the editor focused as the after hook expects.
    const tab = page.locator('.tabs-container .tab', { hasText: 'Layer Stack' });
    await tab.first().click({ button: 'middle' });
    await waitFor('the layer stack panel to close', async () => (await tab.count()) === 0);
    await runCommand(page, 'View: Focus First Editor Group');
  });
});
