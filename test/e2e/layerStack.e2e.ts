// The layer stack webview in a real VS Code: opened from the editor title button for the fixture Dockerfile,
// its stages, blocks, edge and summary; a click and the keyboard reveal lines and simulate edits; picked files
// and Reset; it follows the active Dockerfile and live edits; a Dockerfile full of HTML and <script> renders as
// text; light, dark and high-contrast themes; it comes back after a window reload.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { waitFor } from './support/poll';
import { artifactsDir, screenshot, session, workspaceName } from './support/session';
import {
  clickLens,
  editorText,
  lensTitles,
  openFolderFile,
  openFromExplorer,
  quickOpen,
  runCommand,
  statusBarItem,
  waitForWorkbench,
} from './support/workbench';
import { webviewFrame } from './support/webview';

interface ShownBlock {
  line: number;
  verdict: string;
  text: string;
  size: string;
  kind: string;
}
interface ShownStage {
  title: string;
  badges: string[];
  dimmed: boolean;
  container: boolean;
  blocks: ShownBlock[];
}

/** The panel's frame (the one with the summary line); found again after the webview reloads. */
async function stackFrame(page: Page): Promise<Frame> {
  return webviewFrame(page, '#app .title');
}

/**
 * The panel's tab, by its whole title: `Layer Stack: <path in the workspace>`. Whole, not a part: the title of
 * `stages/Dockerfile.stages` must not pass for the one of `Dockerfile`.
 */
function stackTab(page: Page, path: string) {
  return page.locator('.tabs-container .tab', {
    has: page.locator('.label-name', { hasText: new RegExp(`^Layer Stack: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  });
}

/** What the panel shows, read from its DOM in one go: heading, summary, stages top to bottom. */
// Runs inside the webview (a string: this project's TypeScript has no DOM types).
const readPanel = `(() => {
  const text = (e) => (e && e.textContent ? e.textContent : '').trim();
  return {
    file: text(document.querySelector('.title .file')),
    summary: text(document.querySelector('.summary')),
    simulation: text(document.querySelector('.simulation')),
    edges: document.querySelectorAll('svg.edges path.edge').length,
    stages: [...document.querySelectorAll('.stage')].map((s) => ({
      title: text(s.querySelector('.stage-name')),
      badges: [...s.querySelectorAll('.badge')].map((b) => text(b)),
      dimmed: s.classList.contains('dimmed'),
      container: s.querySelector('.container') !== null,
      blocks: [...s.querySelectorAll('.block')].map((b) => ({
        line: Number(b.dataset.line),
        verdict: text(b.querySelector('.verdict-text')),
        text: text(b.querySelector('.instruction')),
        size: text(b.querySelector('.size')),
        kind: ['base', 'layer', 'metadata'].find((k) => b.classList.contains(k)) || '',
      })),
    })),
  };
})()`;

interface Shown {
  file: string;
  summary: string;
  simulation: string;
  stages: ShownStage[];
  edges: number;
}

/** What the panel shows, read from its DOM in one go: heading, summary, stages top to bottom. */
async function shown(frame: Frame): Promise<Shown> {
  return (await frame.evaluate(readPanel)) as Shown;
}

/** Runs an expression in the webview and returns its value. */
async function inPanel<T>(frame: Frame, expression: string): Promise<T> {
  return (await frame.evaluate(expression)) as T;
}

async function summaryIs(page: Page, expected: string | RegExp): Promise<Frame> {
  let last = '';
  return waitFor(
    `the layer stack summary to say ${String(expected)}`,
    async () => {
      const frame = await stackFrame(page);
      last = (await shown(frame)).summary;
      return (typeof expected === 'string' ? last === expected : expected.test(last)) ? frame : undefined;
    },
    { timeoutMs: 30_000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; it says "${last}"`);
  });
}

function verdicts(stages: ShownStage[]): string[] {
  return stages.flatMap((s) => s.blocks.map((b) => `${b.line} ${b.verdict}`));
}

/** Clicks into the Dockerfile's editor (the first group) so that opening a file does not replace the panel. */
async function focusFirstGroup(page: Page): Promise<void> {
  const first = page.locator('.editor-group-container').first();
  await waitFor(
    'the first editor group to be active',
    async () => {
      if ((await first.getAttribute('class'))?.split(/\s+/).includes('active')) return true;
      await first.locator('.tab.active').first().click({ timeout: 5_000 });
      return false;
    },
    { timeoutMs: 20_000 },
  );
}

async function panelScreenshot(frame: Frame, name: string): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, `layer-stack-${name}.png`);
  await frame.locator('body').screenshot({ path: file });
  console.log(`      screenshot: ${file}`);
}

/**
 * Picks a colour theme as a user does ("Preferences: Color Theme"), which sets workbench.colorTheme in the user
 * settings (left out when it is the default theme). Rewriting settings.json by hand was applied once, then no more.
 */
async function setTheme(page: Page, label: string, workbenchClass: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 20_000 });
  await input.fill(label);
  await page
    .locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) })
    .first()
    .waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 20_000 });
}

// test/fixtures/e2e-workspace/Dockerfile: stage deps (lines 2-5), then an unnamed stage (7-12) that copies
// node_modules from deps (line 9) and the whole context (line 10).
const stageDeps = [5, 4, 3, 2];
const stageApp = [12, 11, 10, 9, 8, 7];

describe('Layer stack view in a real VS Code', () => {
  it('the editor title button opens the layer stack of the Dockerfile: stages, blocks, edge, container layer, summary', async () => {
    const { page } = session();
    await openFromExplorer(page, 'Dockerfile');
    await waitFor('the Dockerfile text in the editor', async () => (await editorText(page)).includes('FROM node:20-alpine AS deps'));
    await runCommand(page, 'File: Revert File');
    await runCommand(page, 'Layer Lens: Mark Current State as Built');
    await page.locator('.editor-group-container.active .action-label[aria-label*="Show Layer Stack"]').click();
    await stackTab(page, 'Dockerfile').waitFor({ timeout: 30_000 });
    const frame = await summaryIs(page, 'All 8 layers cached');
    const view = await shown(frame);
    assert.equal(view.file, 'Dockerfile');
    assert.deepEqual(
      view.stages.map((s) => [s.title, s.badges, s.dimmed, s.container]),
      [
        ['deps', [], false, false],
        ['stage 1', ['target'], false, true],
      ],
    );
    assert.deepEqual(
      view.stages.map((s) => s.blocks.map((b) => b.line)),
      [stageDeps, stageApp],
      'top to bottom: last instruction first, FROM at the bottom',
    );
    const app = view.stages[1].blocks;
    assert.deepEqual(
      app.map((b) => `${b.kind} ${b.text}`),
      [
        'metadata CMD ["node", "server.js"]',
        'metadata EXPOSE 3000',
        'layer COPY . .',
        'layer COPY --from=deps /app/node_modules ./node_modules',
        'layer WORKDIR /app',
        'base FROM node:20-alpine',
      ],
    );
    assert.match(app[2].size, /^≈ [\d.]+ (B|kB) from \d+ files$/, 'COPY . . is sized from the context files it copies');
    assert.equal(app[3].size, 'size unknown until built');
    assert.ok(
      verdicts(view.stages).every((v) => / (cached|no build step)$/.test(v)),
      verdicts(view.stages).join(', '),
    );
    // The arrow is drawn once the blocks are laid out, a frame after the summary: wait for it, then exactly one.
    await waitFor('the arrow of COPY --from=deps', async () => ((await shown(frame)).edges > 0 ? true : undefined));
    assert.equal((await shown(frame)).edges, 1, 'one arrow: COPY --from=deps');
    await panelScreenshot(frame, 'all-cached');
  });

  it('clicking a layer reveals its line in the editor', async () => {
    const { page } = session();
    const frame = await stackFrame(page);
    await frame.locator('.block[data-line="10"]').click();
    await page.locator('#status\\.editor\\.selection', { hasText: 'Ln 10, Col 1' }).waitFor({ timeout: 20_000 });
  });

  it('keyboard: arrows move between layers, E pretends the step was edited: the change cascades up the stack', async () => {
    const { page } = session();
    const frame = await stackFrame(page);
    await frame.locator('.block[data-line="5"]').focus();
    await page.keyboard.press('ArrowDown'); // line 4, the COPY of the manifests
    assert.equal(await inPanel<string>(frame, 'document.activeElement.dataset.line'), '4');
    await page.keyboard.press('e');
    // COPY --from (line 9) is maybe; COPY . . (line 10) copies the edited Dockerfile itself, so it rebuilds either way.
    const after = await summaryIs(page, '3 of 8 layers rebuild, 1 maybe; first miss: COPY package.json package-lock.json ./ (line edited (simulated))');
    const view = await shown(after);
    assert.equal(view.simulation, 'Simulating: line 4 edited');
    assert.deepEqual(verdicts(view.stages), [
      '5 rebuilds',
      '4 rebuilds',
      '3 cached',
      '2 cached',
      '12 no build step',
      '11 no build step',
      '10 rebuilds',
      '9 maybe',
      '8 cached',
      '7 cached',
    ]);
    await statusBarItem(page, /Simulating: line 4 edited/).waitFor({ timeout: 10_000 });
    // The focus outline is visible on the focused block (keyboard users see where they are).
    const outline = await inPanel<{ style: string; width: string }>(
      after,
      `(() => {
      const style = getComputedStyle(document.activeElement);
      return { style: style.outlineStyle, width: style.outlineWidth };
    })()`,
    );
    assert.equal(outline.style, 'solid');
    assert.notEqual(outline.width, '0px');
    await panelScreenshot(after, 'simulated-edit-dark');
  });

  it('"Pick changed files…" simulates the picked file; Reset goes back to the real verdicts', async () => {
    const { page } = session();
    const frame = await stackFrame(page);
    await frame.locator('.toolbar button', { hasText: 'Pick changed files' }).click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 20_000 });
    await input.fill('server.js');
    const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: /^server\.js$/ }) }).first();
    await row.click(); // in a pick-many list, a click on the row ticks it
    await page.locator('.quick-input-widget', { hasText: '1 Selected' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    const after = await summaryIs(page, '1 of 8 layers rebuilds; first miss: COPY . . (server.js changed)');
    assert.equal((await shown(after)).simulation, 'Simulating: server.js changed');
    await after.locator('.toolbar button', { hasText: 'Reset' }).click();
    const reset = await summaryIs(page, 'All 8 layers cached');
    assert.equal((await shown(reset)).simulation, '');
  });

  it('follows the active Dockerfile and redraws on live edits', async () => {
    const { page } = session();
    await focusFirstGroup(page);
    await quickOpen(page, 'worker.Dockerfile');
    await stackTab(page, 'worker.Dockerfile').waitFor({ timeout: 30_000 });
    await waitFor('the panel to show worker.Dockerfile', async () => (await shown(await stackFrame(page))).file === 'worker.Dockerfile');
    await openFromExplorer(page, 'Dockerfile');
    await waitFor('the panel to show the Dockerfile again', async () => (await shown(await stackFrame(page))).file === 'Dockerfile');
    // A click on the active tab puts the keyboard focus in its editor (wherever the editor is scrolled).
    await page.locator('.editor-group-container').first().locator('.tab.active').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nRUN echo "typed just now"');
    try {
      const frame = await summaryIs(page, /^1 of 9 layers rebuilds; first miss: RUN echo "typed just now" \(.+\)$/);
      const top = (await shown(frame)).stages[1].blocks[0];
      // The file ends with a line break: the typed instruction is on line 14.
      assert.deepEqual([top.line, top.text, top.verdict], [14, 'RUN echo "typed just now"', 'rebuilds']);
    } finally {
      await runCommand(page, 'File: Revert File');
    }
    await summaryIs(page, 'All 8 layers cached');
  });

  it("a context file changed on disk redraws the stack (the server's didUpdate)", async () => {
    const { page, workspace } = session();
    const file = join(workspace, 'server.js');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}// changed on disk\n`);
    try {
      const frame = await summaryIs(page, '1 of 8 layers rebuilds; first miss: COPY . . (server.js changed)');
      const copy = (await shown(frame)).stages[1].blocks.find((b) => b.line === 10);
      assert.equal(copy?.verdict, 'rebuilds');
    } finally {
      writeFileSync(file, original);
    }
    await summaryIs(page, 'All 8 layers cached');
  });

  it('stages the target does not need are dimmed; FROM <stage>, COPY --from and RUN --mount=from= are arrows', async () => {
    const { page, workspace } = session();
    const dir = join(workspace, 'stages');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() {}\n');
    writeFileSync(
      join(dir, 'Dockerfile.stages'),
      [
        'FROM golang:1.22 AS build',
        'WORKDIR /src',
        'COPY main.go ./',
        'RUN go build -o /out/app .',
        'FROM build AS test',
        'RUN go vet ./...',
        'FROM alpine:3.20 AS docs',
        'RUN echo docs > /docs.txt',
        'FROM gcr.io/distroless/static AS runtime',
        'COPY --from=build /out/app /app',
        'RUN --mount=type=bind,from=test,target=/t true',
        'ENTRYPOINT ["/app"]',
        '',
      ].join('\n'),
    );
    try {
      await focusFirstGroup(page);
      await openFolderFile(page, 'stages', 'Dockerfile.stages');
      const frame = await waitFor('the stages Dockerfile in the panel', async () => {
        const f = await stackFrame(page);
        return (await shown(f)).file === 'Dockerfile.stages' ? f : undefined;
      });
      // The title names the Dockerfile's folder: the panels of stages/Dockerfile.stages and Dockerfile.stages differ.
      await stackTab(page, 'stages/Dockerfile.stages').waitFor({ timeout: 30_000 });
      await waitFor('the arrows drawn', async () => (await shown(frame)).edges === 3);
      const view = await shown(frame);
      assert.deepEqual(
        view.stages.map((s) => [s.title, s.dimmed, s.badges]),
        [
          ['build', false, []],
          ['test', false, []],
          ['runtime', false, ['target']],
          ['docs', true, ['not built for the target']],
        ],
      );
      assert.deepEqual(
        view.stages[3].blocks.map((b) => b.verdict),
        ['skipped', 'skipped'],
      );
      assert.equal(view.summary, '8 of 8 layers rebuild; first miss: FROM golang:1.22 AS build (not built yet: no recorded build)');
      await panelScreenshot(frame, 'stages-dimmed-and-arrows');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a Dockerfile whose instructions and file names hold HTML and <script> renders them as text', async () => {
    const { page, workspace } = session();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const dir = join(workspace, 'hostile');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '<img src=x onerror=alert(1)>.js'), 'console.log(1);\n');
    writeFileSync(join(dir, '<b>bold<b>.txt'), 'b\n');
    writeFileSync(
      join(dir, 'Dockerfile.hostile'),
      [
        'FROM alpine:3.20 AS build',
        'COPY ["<img src=x onerror=alert(1)>.js", "<b>bold<b>.txt", "/app/"]',
        `RUN echo "<script>alert('run')</script>" > /app/x.html`,
        'LABEL description="<b>bold</b><script>alert(2)</script>"',
        '',
      ].join('\n'),
    );
    try {
      await focusFirstGroup(page);
      // Quick open does not know a file this new yet: open it from the Explorer, in its folder.
      await openFolderFile(page, 'hostile', 'Dockerfile.hostile');
      const frame = await waitFor('the hostile Dockerfile in the panel', async () => {
        const f = await stackFrame(page);
        const v = await shown(f);
        return v.file === 'Dockerfile.hostile' && v.stages.length === 1 ? f : undefined;
      });
      const view = await shown(frame);
      assert.deepEqual(
        view.stages[0].blocks.map((b) => b.text),
        [
          'LABEL description="<b>bold</b><script>alert(2)</script>"',
          `RUN echo "<script>alert('run')</script>" > /app/x.html`,
          'COPY ["<img src=x onerror=alert(1)>.js", "<b>bold<b>.txt", "/app/"]',
          'FROM alpine:3.20 AS build',
        ],
      );
      assert.match(view.stages[0].blocks[2].size, /from 2 files$/, 'both oddly named files were found and sized');
      const elements = await inPanel<{ img: number; b: number; scripts: string[]; alerts: number; csp: string }>(
        frame,
        `({
        img: document.querySelectorAll('img').length,
        b: document.querySelectorAll('b').length,
        scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src') || 'inline'),
        alerts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('alert(')).length,
        csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
      })`,
      );
      assert.equal(elements.img, 0);
      assert.equal(elements.b, 0);
      // Ours is the only script with a source; VS Code adds one inline script of its own (acquireVsCodeApi).
      const sources = elements.scripts.filter((src) => src !== 'inline');
      assert.equal(sources.length, 1, elements.scripts.join(', '));
      assert.match(sources[0], /\/media\/dist\/main\.js$/);
      assert.ok(elements.scripts.length <= 2, elements.scripts.join(', '));
      assert.equal(elements.alerts, 0, 'no script element holds the Dockerfile text');
      assert.match(elements.csp, /^default-src 'none'; style-src [^;]+; font-src [^;]+; script-src 'nonce-[A-Za-z0-9+/=]+'$/);
      // The pick list of files shows the names as text as well (VS Code's quick pick).
      await frame.locator('.block[data-line="2"]').focus();
      await page.keyboard.press('f');
      const row = page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: '<img src=x onerror=alert(1)>.js' });
      await row.first().waitFor({ timeout: 20_000 });
      await panelScreenshot(frame, 'hostile-text');
      await page.keyboard.press('Escape');
      assert.deepEqual(dialogs, [], 'no script ran');
    } finally {
      await page.keyboard.press('Escape');
      // The folder is inside the fixture Dockerfile's context (COPY . .): take it away for the next tests.
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [label, workbenchClass, bodyClass, name] of [
    ['Light Modern', 'vs', 'vscode-light', 'light'],
    ['Dark High Contrast', 'hc-black', 'vscode-high-contrast', 'high-contrast'],
    ['Dark Modern', 'vs-dark', 'vscode-dark', 'dark'],
  ] as const) {
    it(`${name} theme: the panel takes the theme's colours, verdicts stay readable`, async () => {
      const { page } = session();
      await focusFirstGroup(page);
      await openFromExplorer(page, 'Dockerfile');
      const frame0 = await waitFor('the Dockerfile in the panel', async () => {
        const f = await stackFrame(page);
        return (await shown(f)).file === 'Dockerfile' ? f : undefined;
      });
      await frame0.locator('.block[data-line="10"]').focus();
      await page.keyboard.press('e');
      await setTheme(page, label, workbenchClass);
      const frame = await waitFor(`the webview body to have ${bodyClass}`, async () => {
        const f = await stackFrame(page);
        return (await inPanel<boolean>(f, `document.body.classList.contains('${bodyClass}')`)) ? f : undefined;
      });
      await summaryIs(page, '1 of 8 layers rebuilds; first miss: COPY . . (line edited (simulated))');
      const colours = await inPanel<Record<'background' | 'text' | 'rebuilds' | 'cached' | 'font', string>>(
        frame,
        `(() => {
        const css = (selector, property) => getComputedStyle(document.querySelector(selector)).getPropertyValue(property);
        return {
          background: css('body', 'background-color'),
          text: css('.summary', 'color'),
          rebuilds: css('.block.status-rebuilds .verdict', 'color'),
          cached: css('.block.status-cached .verdict', 'color'),
          font: css('.codicon', 'font-family'),
        };
      })()`,
      );
      assert.notEqual(colours.text, colours.background, 'text is not the background colour');
      assert.notEqual(colours.rebuilds, colours.cached, 'verdict colours differ (and each also has an icon and a word)');
      assert.match(colours.font, /codicon/);
      await panelScreenshot(frame, `theme-${name}`);
    });
  }

  it('a COPY lens offers "Show in the layer stack", which brings the panel to that step', async () => {
    const { page } = session();
    await focusFirstGroup(page);
    await openFromExplorer(page, 'Dockerfile');
    await runCommand(page, 'Layer Lens: Stop Simulating'); // the theme tests left one on
    await waitFor('the simulation to stop', async () => (await statusBarItem(page, /Simulating/).count()) === 0);
    // Focus the editor through its tab (a click in its text can land on nothing when the panel held the focus).
    await page.locator('.editor-group-container').first().locator('.tab.active').click();
    await page.keyboard.press('Control+Home');
    await waitFor('the ten lenses of the Dockerfile on screen', async () => (await lensTitles(page)).length === 10);
    await clickLens(page, 7); // line 10 COPY . .
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 20_000 });
    await input.fill('layer stack');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show in the layer stack' }).first().click();
    await waitFor('the COPY . . block selected and focused in the panel', async () => {
      const frame = await stackFrame(page);
      return (
        (await inPanel<string | null>(frame, "document.querySelector('.block.selected') && document.querySelector('.block.selected').dataset.line")) === '10' &&
        (await inPanel<string | undefined>(frame, 'document.activeElement.dataset.line')) === '10'
      );
    });
    assert.equal(await statusBarItem(page, /Simulating/).count(), 0, 'showing the stack simulates nothing');
  });

  it('the panel comes back after a window reload, showing the same Dockerfile', async () => {
    const { page } = session();
    await runCommand(page, 'Developer: Reload Window');
    await waitForWorkbench(page, workspaceName);
    await stackTab(page, 'Dockerfile').waitFor({ timeout: 60_000 });
    // The simulation lived in the language server, which the reload restarted: the real verdicts are back.
    const frame = await summaryIs(page, 'All 8 layers cached');
    assert.deepEqual(
      (await shown(frame)).stages.map((s) => s.blocks.length),
      [4, 6],
    );
    await panelScreenshot(frame, 'after-reload');
  });

  // Last: maximizing and restoring a group leaves VS Code re-laying out the Dockerfile editor's lenses for a while.
  it('in a wide editor group the stages stand side by side, the arrow between them, nothing cut off', async () => {
    const { page } = session();
    const layout = `(() => {
      const r = (e) => e.getBoundingClientRect();
      const stages = [...document.querySelectorAll('.stage')].map((s) => ({ left: r(s).left, right: r(s).right, bottom: r(s).bottom }));
      const edge = document.querySelector('svg.edges path.edge');
      const doc = document.scrollingElement || document.documentElement;
      return { width: doc.clientWidth, overflow: doc.scrollWidth - doc.clientWidth, stages, edge: edge ? edge.getTotalLength() : 0 };
    })()`;
    type Layout = { width: number; overflow: number; stages: Array<{ left: number; right: number; bottom: number }>; edge: number };
    const narrow = await inPanel<Layout>(await stackFrame(page), layout);
    await stackTab(page, 'Dockerfile').click();
    await runCommand(page, 'View: Toggle Maximize Editor Group');
    try {
      const wide = await waitFor('the panel laid out wide', async () => {
        const l = await inPanel<Layout>(await stackFrame(page), layout);
        return l.width > narrow.width + 300 && l.stages.length === 2 && l.stages[1].left > l.stages[0].right && l.edge > 0 && l;
      });
      assert.equal(wide.overflow, 0, 'no horizontal scrolling in the wide panel');
      // Side by side, their bottoms (the base images) on one line: a shorter stage starts lower.
      assert.ok(Math.abs(wide.stages[0].bottom - wide.stages[1].bottom) < 2, `stages side by side, bottoms aligned: ${JSON.stringify(wide.stages)}`);
      await panelScreenshot(await stackFrame(page), 'wide');
      await screenshot('layer-stack-wide-workbench');
    } finally {
      await runCommand(page, 'View: Toggle Maximize Editor Group');
    }
    await waitFor('the panel back to its width', async () => Math.abs((await inPanel<Layout>(await stackFrame(page), layout)).width - narrow.width) < 20);
    assert.equal(narrow.overflow, 0, 'no horizontal scrolling in the narrow panel either');
  });
});
