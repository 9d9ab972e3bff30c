// The walkthrough ("Docker's build cache, step by step") in a real VS Code, in its own workspace (a folder with
// an empty `hello/`): opened with "Welcome: Open Walkthrough...", its first step's button copies the bundled
// example into `hello/` through the real folder dialog and opens its Dockerfile; a second copy into the same
// folder is refused and overwrites nothing. Then each step is done as a user does it (mark as built, edit and save
// src/app.js, the reorder quick fix, the layer stack, Replay History) and ticks itself. Then the same walkthrough
// in Korean (code-server --locale ko): its titles, its buttons and its pages come from package.nls.ko.json.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { packageLanguagePack, registerLanguagePack } from './support/languagePack';
import { waitFor } from './support/poll';
import { launchSession, repoRoot, type OwnSession } from './support/session';
import { activeTab, editorLines, lensesAre, openFromExplorer, quickOpen, runCommand, statusBarItem, waitForWorkbench } from './support/workbench';

const folderName = 'walk-ws';
const walkthroughId = 'layerLens.firstDay';
const en = JSON.parse(readFileSync(join(repoRoot, 'package.nls.json'), 'utf8')) as Record<string, string>;
const ko = JSON.parse(readFileSync(join(repoRoot, 'package.nls.ko.json'), 'utf8')) as Record<string, string>;
const example = (file: string) => readFileSync(join(repoRoot, 'examples/node-app', file), 'utf8');
const stepIds = ['createExample', 'markBuilt', 'editSource', 'reorder', 'layerStack', 'history'];
const metadata = 'metadata only: no rebuild';
const hangul = /[\uac00-\ud7a3]/;

interface StepState {
  id: string;
  title: string;
  done: boolean;
}

/** A workspace with a README and the empty folder the example goes into. */
function makeWorkspace(root: string): string {
  const ws = join(root, folderName);
  mkdirSync(join(ws, 'hello'), { recursive: true });
  writeFileSync(join(ws, 'README.md'), '# Walkthrough playground\n\nThe example project goes into hello/.\n');
  return ws;
}

async function openWalkthrough(page: Page, title: string): Promise<void> {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 20_000 });
  await row.click();
  await waitFor('the walkthrough with its six steps', async () => (await steps(page)).length === stepIds.length, { timeoutMs: 30_000 });
}

/** The walkthrough's steps as the Welcome page shows them: their ids (in order), titles and ticks. */
async function steps(page: Page): Promise<StepState[]> {
  return page.evaluate((walkthrough) => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<HostElement> } }).document;
    interface HostElement {
      getAttribute(name: string): string | null;
      classList: { contains(name: string): boolean };
      querySelector(s: string): HostElement | null;
      textContent: string | null;
    }
    return Array.from(doc.querySelectorAll('.getting-started-step'))
      .filter((s) => (s.getAttribute('data-step-id') ?? '').includes(walkthrough))
      .map((s) => ({
        id: (s.getAttribute('data-step-id') ?? '').split('#').pop() ?? '',
        title: s.querySelector('.step-title')?.textContent?.trim() ?? '',
        // VS Code ticks a step's checkbox (aria-checked) and marks the step complete.
        done: s.querySelector('[data-done-step-id]')?.getAttribute('aria-checked') === 'true' || s.classList.contains('complete'),
      }));
  }, walkthroughId);
}

async function waitForDone(page: Page, expected: string[], what: string): Promise<void> {
  let last: StepState[] = [];
  try {
    await waitFor(
      what,
      async () => {
        last = await steps(page);
        // Another editor covers the walkthrough: bring its tab back to read the ticks.
        if (last.length === 0) await walkthroughTab(page).click();
        return JSON.stringify(last.filter((s) => s.done).map((s) => s.id)) === JSON.stringify(expected);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  } catch (error) {
    assert.fail(`${(error as Error).message}: steps are ${JSON.stringify(last)}`);
  }
}

/** Brings the example's Dockerfile to the front of its group and focuses it: the lenses read are the active editor's. */
async function focusDockerfile(page: Page): Promise<void> {
  const tab = page.locator('.tabs-container .tab', { has: page.locator('.label-name', { hasText: /^Dockerfile$/ }) }).first();
  const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  // The walkthrough beside it can take the focus back as a step ticks: click the tab until its group is the active one.
  await waitFor(
    'the Dockerfile focused in its editor group',
    async () => {
      await tab.click({ timeout: 5_000 });
      await activeTab(page, 'Dockerfile').waitFor({ timeout: 5_000 });
      await lines.click({ timeout: 5_000 });
      return true;
    },
    { timeoutMs: 45_000, intervalMs: 500 },
  );
}

/** The Welcome page's tab (the walkthrough is shown there). */
function walkthroughTab(page: Page) {
  return page.locator('.tabs-container .tab', { hasText: /Welcome|Walkthrough/ }).first();
}

/** Back to the walkthrough's tab, expands a step (a click on its title) and clicks the button in its description. */
async function stepButton(page: Page, stepTitle: string, button: string): Promise<void> {
  const step = page.locator('.getting-started-step', { hasText: stepTitle }).first();
  if (!(await step.isVisible())) await walkthroughTab(page).click();
  const link = step.locator('a, .button-link, .monaco-button', { hasText: button }).first();
  await waitFor(
    `the "${button}" button of "${stepTitle}"`,
    async () => {
      if (!(await link.isVisible())) await step.click();
      return link.isVisible();
    },
    { timeoutMs: 20_000, intervalMs: 500 },
  );
  await link.click();
}

/** Answers VS Code's own folder dialog (the simple dialog a browser workbench uses): types the path and accepts. */
async function pickFolder(page: Page, folder: string, acceptLabel: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  const ok = widget.locator('.monaco-button', { hasText: acceptLabel }).first();
  await ok.waitFor({ timeout: 20_000 });
  // The dialog fills in its starting folder a moment after it opens, over anything typed before: type once it has.
  await waitFor('the folder dialog to show its starting folder', async () => (await input.inputValue()).startsWith('/'), { timeoutMs: 10_000 });
  await waitFor(
    `the folder dialog to accept ${folder}`,
    async () => {
      if (!(await ok.isVisible())) return true;
      if ((await input.inputValue()) !== `${folder}/`) await input.fill(`${folder}/`);
      // It lists the typed folder's entries (".." first) once it has read it.
      await page.waitForTimeout(700);
      if ((await input.inputValue()) === `${folder}/`) await ok.click({ timeout: 2_000 }).catch(() => undefined);
      await page.waitForTimeout(500);
      return !(await ok.isVisible());
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
}

/** The markdown page of the step shown on the right (a webview): its text, once it has some. */
async function pageText(page: Page, expected: RegExp): Promise<string> {
  return waitFor(
    `the step's page with ${expected}`,
    async () => {
      for (const frame of page.frames() as Frame[]) {
        if (frame === page.mainFrame() || frame.isDetached()) continue;
        const text = await frame
          .evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } | null } }).document.body?.innerText ?? '')
          .catch(() => '');
        if (expected.test(text)) return text;
      }
      return undefined;
    },
    { timeoutMs: 30_000 },
  );
}

describe('The walkthrough teaches on the example project, each step ticking itself', () => {
  let root = '';
  let ws = '';
  let own: OwnSession | undefined;

  before(async function () {
    this.timeout(240_000);
    root = mkdtempSync(join(tmpdir(), 'layer-lens-e2e-walk-'));
    ws = makeWorkspace(root);
    own = await launchSession(join(root, 'run'), { workspace: ws });
    await waitForWorkbench(own.page, folderName);
  });

  after(async function () {
    this.timeout(60_000);
    await own?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  afterEach(async function () {
    // The suite's hook photographs the shared session; this one is the walkthrough's own.
    if (this.currentTest?.state === 'failed') await own?.shot(`walkthrough-en-failed-${this.currentTest.title.slice(0, 30).replace(/[^a-z0-9]+/gi, '-')}`);
  });

  const page = (): Page => (own as OwnSession).page;
  const shot = async (name: string): Promise<void> => own?.shot(name);
  const title = (step: string) => en[`layerLens.walkthrough.${step}.title`];

  it('opens from "Welcome: Open Walkthrough..." with its six steps, none done, the first page explaining layers', async () => {
    await openWalkthrough(page(), en['layerLens.walkthrough.title']);
    const shown = await steps(page());
    assert.deepEqual(
      shown.map((s) => s.id),
      stepIds,
    );
    assert.deepEqual(
      shown.map((s) => s.title),
      stepIds.map(title),
    );
    assert.deepEqual(
      shown.filter((s) => s.done),
      [],
    );
    await page()
      .locator('.getting-started-step', { hasText: title('createExample') })
      .first()
      .click();
    const text = await pageText(page(), /An image is a stack of layers/);
    assert.match(text, /EXPOSE`? only documents/);
    await shot('walkthrough-en-open');
  });

  it('a step whose command is refused (no Dockerfile open yet) does not tick', async () => {
    const refusals: Array<[string, string, RegExp]> = [
      ['markBuilt', 'Mark Current State as Built', /open a Dockerfile to mark its current state as built/],
      ['layerStack', 'Show Layer Stack', /open a Dockerfile to see its layer stack/],
      ['history', 'Replay History', /open a Dockerfile to replay its git history/],
    ];
    for (const [step, button, said] of refusals) {
      await stepButton(page(), title(step), button);
      await page().locator('.notifications-toasts .notification-toast', { hasText: said }).first().waitFor({ timeout: 20_000 });
    }
    await runCommand(page(), 'Notifications: Clear All Notifications');
    // A tick would show at once (the context key is set as the command ends); give it the time a real one takes.
    await page().waitForTimeout(2_000);
    await walkthroughTab(page()).click();
    assert.deepEqual(
      (await steps(page())).filter((s) => s.done).map((s) => s.id),
      [],
    );
  });

  it('"Create the Example Project" copies the example into the folder picked in the dialog, opens its Dockerfile, and ticks', async () => {
    await stepButton(page(), title('createExample'), 'Create the Example Project');
    await pickFolder(page(), join(ws, 'hello'), 'Create the Example Here');
    await waitFor('the example on disk', async () => {
      try {
        return readFileSync(join(ws, 'hello/src/app.js'), 'utf8') === example('src/app.js');
      } catch {
        return false;
      }
    });
    assert.equal(readFileSync(join(ws, 'hello/Dockerfile'), 'utf8'), example('Dockerfile'));
    assert.equal(readFileSync(join(ws, 'hello/package.json'), 'utf8'), example('package.json'));
    await activeTab(page(), 'Dockerfile').waitFor({ timeout: 20_000 });
    await waitForDone(page(), ['createExample'], 'the first step ticked');
    await lensesAre(page(), [...Array(4).fill('rebuilds: not built yet'), metadata, metadata], 'the lenses of the example, nothing built yet');
    await shot('walkthrough-en-example-created');
  });

  it('a second copy into the same folder is refused, says why, and overwrites nothing', async () => {
    writeFileSync(join(ws, 'hello/src/app.js'), '// mine\n');
    await stepButton(page(), title('createExample'), 'Create the Example Project');
    await pickFolder(page(), join(ws, 'hello'), 'Create the Example Here');
    const toast = page().locator('.notifications-toasts .notification-toast', { hasText: 'Nothing copied' }).first();
    await toast.waitFor({ timeout: 20_000 });
    const message = await toast.innerText();
    assert.match(message, /Nothing copied: hello already has Dockerfile, package\.json, src\/app\.js/);
    assert.match(message, /never overwrites files/);
    await shot('walkthrough-en-refused');
    assert.equal(readFileSync(join(ws, 'hello/src/app.js'), 'utf8'), '// mine\n');
    writeFileSync(join(ws, 'hello/src/app.js'), example('src/app.js'));
    await runCommand(page(), 'Notifications: Clear All Notifications');
  });

  it('"Mark Current State as Built" from the walkthrough marks the Dockerfile beside it, and ticks', async () => {
    await stepButton(page(), title('markBuilt'), 'Mark Current State as Built');
    await statusBarItem(page(), /marked as built/i)
      .first()
      .waitFor({ timeout: 20_000 });
    await waitForDone(page(), ['createExample', 'markBuilt'], 'the second step ticked');
    await focusDockerfile(page());
    await lensesAre(page(), ['cached', 'cached', 'cached', 'cached', metadata, metadata], 'every step cached once marked');
  });

  it('editing and saving src/app.js ticks the third step; the lenses show the install rebuilding', async () => {
    await quickOpen(page(), 'app.js');
    await page().keyboard.press('Control+End');
    await page().keyboard.type('// edited in the walkthrough\n');
    await page().keyboard.press('Control+S');
    await waitForDone(page(), ['createExample', 'markBuilt', 'editSource'], 'the third step ticked');
    await focusDockerfile(page());
    await lensesAre(
      page(),
      ['cached', 'cached', 'rebuilds: src/app.js changed', 'rebuilds: parent step rebuilds (line 4 COPY)', metadata, metadata],
      'COPY and the install rebuilding after the source edit',
    );
    await shot('walkthrough-en-install-rebuilds');
  });

  it('the reorder quick fix ticks the fourth step; marked again, a source edit leaves the install cached', async () => {
    const fixTitle = 'Copy package.json first, install, then copy the rest';
    await focusDockerfile(page());
    const copyLine = page()
      .locator('.editor-group-container.active .monaco-editor .view-lines .view-line', { hasText: /^COPY\s+\.\s+\/app$/ })
      .first();
    const item = page().locator('.action-widget .monaco-list-row', { hasText: fixTitle }).first();
    await waitFor(
      `the quick-fix menu with ${fixTitle}`,
      async () => {
        await page().mouse.move(5, 5);
        if (!(await item.isVisible())) {
          await copyLine.click();
          await page().keyboard.press('Control+.');
        }
        await item.waitFor({ timeout: 5_000 });
        return true;
      },
      { timeoutMs: 45_000, intervalMs: 1_000 },
    );
    await page().locator('.action-widget .monaco-list-row.focused', { hasText: fixTitle }).waitFor({ timeout: 10_000 });
    await page().keyboard.press('Enter');
    await waitFor('the reordered Dockerfile', async () => (await editorLines(page())).join('\n').includes('RUN npm install\nCOPY . /app'));
    await waitForDone(page(), ['createExample', 'markBuilt', 'editSource', 'reorder'], 'the fourth step ticked');
    await focusDockerfile(page());
    // Saved before it is marked: `COPY . /app` copies the Dockerfile too, so the recorded build must have the new one.
    await page().keyboard.press('Control+S');
    await waitFor(
      'the reordered Dockerfile saved',
      async () =>
        (await page().locator('.tabs-container .tab.dirty').count()) === 0 && readFileSync(join(ws, 'hello/Dockerfile'), 'utf8').includes('COPY package.json'),
    );
    await runCommand(page(), 'Layer Lens: Mark Current State as Built');
    await lensesAre(page(), ['cached', 'cached', 'cached', 'cached', 'cached', metadata, metadata], 'the reordered Dockerfile cached once marked');
    writeFileSync(join(ws, 'hello/src/app.js'), `${example('src/app.js')}// edited again\n`);
    await lensesAre(
      page(),
      ['cached', 'cached', 'cached', 'cached', 'rebuilds: src/app.js changed', metadata, metadata],
      'only the last COPY rebuilding: the install stays cached',
    );
    await shot('walkthrough-en-install-cached');
  });

  it('"Show Layer Stack" and "Replay History" from the walkthrough open their panels and tick the last steps', async () => {
    await stepButton(page(), title('layerStack'), 'Show Layer Stack');
    await page()
      .locator('.tabs-container .tab', { hasText: /Layer Stack: hello\/Dockerfile/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await waitForDone(page(), ['createExample', 'markBuilt', 'editSource', 'reorder', 'layerStack'], 'the fifth step ticked');
    // The example is not a git repository: the panel says so, and the step waits for a real replay.
    await stepButton(page(), title('history'), 'Replay History');
    await waitFor('the history panel saying the example has no git history', async () =>
      (await page()
        .locator('.tabs-container .tab', { hasText: /Git History/ })
        .count()) > 0
        ? true
        : undefined,
    );
    await page().waitForTimeout(2_000);
    await walkthroughTab(page()).click();
    assert.deepEqual(
      (await steps(page())).filter((s) => !s.done).map((s) => s.id),
      ['history'],
    );
    // Made a repository with one commit (as the user's own project would be), the replay runs and the step ticks.
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
        cwd: join(ws, 'hello'),
        stdio: 'ignore',
      });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'the example');
    await stepButton(page(), title('history'), 'Replay History');
    await waitForDone(page(), stepIds, 'every step ticked');
    await walkthroughTab(page()).click();
    await page()
      .locator('.getting-started-step', { hasText: title('reorder') })
      .first()
      .click();
    await pageText(page(), /Copy the manifest first/);
    await shot('walkthrough-en-all-done');
  });

  // The reload flash: the webview's saved state is only as new as the last page it drew, and a hidden panel draws
  // nothing while it keeps following the active Dockerfile.
  it('after a window reload the layer stack shows the Dockerfile it followed last, also one it followed while hidden, and no other', async () => {
    writeFileSync(join(ws, 'other.Dockerfile'), 'FROM alpine:3.20\nCOPY README.md /docs/\n');
    const stackTab = (name: string) =>
      page()
        .locator('.tabs-container .tab', { hasText: `Layer Stack: ${name}` })
        .first();
    await stackTab('hello/Dockerfile').click();
    // Opened in the panel's group, the new Dockerfile covers the panel, which follows it unseen.
    await openFromExplorer(page(), 'other.Dockerfile');
    await stackTab('other.Dockerfile').waitFor({ timeout: 30_000 });
    await runCommand(page(), 'Developer: Reload Window');
    await waitForWorkbench(page(), folderName);
    await stackTab('other.Dockerfile').click({ timeout: 60_000 });
    // What the panel names while it comes back: its tab's title and the page's heading, every 100 ms for 8 s.
    const seen = new Set<string>();
    const end = Date.now() + 8_000;
    while (Date.now() < end) {
      for (const title of await page().locator('.tabs-container .tab .label-name').allInnerTexts())
        if (title.startsWith('Layer Stack')) seen.add(`tab ${title}`);
      for (const frame of page().frames()) {
        if (frame === page().mainFrame() || frame.isDetached()) continue;
        const heading = await frame
          .evaluate(() => {
            const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
            const file = doc.querySelector('.title .file');
            return file ? `${doc.querySelector('.title .folder')?.textContent ?? ''}/${file.textContent ?? ''}` : '';
          })
          .catch(() => '');
        if (heading) seen.add(`heading ${heading}`);
      }
      await page().waitForTimeout(100);
    }
    assert.deepEqual([...seen].sort(), ['heading /other.Dockerfile', 'tab Layer Stack: other.Dockerfile']);
    await shot('walkthrough-en-stack-after-reload');
  });
});

describe('The walkthrough in Korean (code-server --locale ko)', () => {
  let root = '';
  let ws = '';
  let korean: OwnSession | undefined;

  before(async function () {
    this.timeout(240_000);
    root = mkdtempSync(join(tmpdir(), 'layer-lens-e2e-walk-ko-'));
    ws = makeWorkspace(root);
    const pack = packageLanguagePack('ko', 'Korean', join(root, 'language-pack-ko.vsix'));
    korean = await launchSession(join(root, 'run'), {
      workspace: ws,
      locale: 'ko',
      extraVsix: [pack],
      beforeStart: (dirs) => registerLanguagePack(dirs, 'ko', 'Korean'),
    });
    await waitForWorkbench(korean.page, folderName);
  });

  after(async function () {
    this.timeout(60_000);
    await korean?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await korean?.shot('walkthrough-ko-failed');
  });

  it('its titles, buttons and pages are Korean; creating the example ticks the first step', async () => {
    const page = (korean as OwnSession).page;
    await openWalkthrough(page, ko['layerLens.walkthrough.title']);
    const shown = await steps(page);
    assert.deepEqual(
      shown.map((s) => s.title),
      stepIds.map((id) => ko[`layerLens.walkthrough.${id}.title`]),
    );
    for (const step of shown) assert.match(step.title, hangul, step.title);
    await page.locator('.getting-started-step', { hasText: ko['layerLens.walkthrough.createExample.title'] }).first().click();
    const text = await pageText(page, /이미지는 레이어를 쌓은 것입니다/);
    assert.match(text, /포트를 문서로 남길 뿐/);
    await korean?.shot('walkthrough-ko-open');

    await stepButton(page, ko['layerLens.walkthrough.createExample.title'], '예제 프로젝트 만들기');
    await pickFolder(page, join(ws, 'hello'), '여기에 예제 만들기');
    await activeTab(page, 'Dockerfile').waitFor({ timeout: 20_000 });
    assert.equal(readFileSync(join(ws, 'hello/Dockerfile'), 'utf8'), example('Dockerfile'));
    await waitForDone(page, ['createExample'], 'the first step ticked');
    await walkthroughTab(page).click();
    await page.locator('.getting-started-step', { hasText: ko['layerLens.walkthrough.editSource.title'] }).first().click();
    await pageText(page, /캐시는 순서를 따릅니다/);
    await korean?.shot('walkthrough-ko-step-done');
  });
});
