// Hovers, diagnostics and quick fixes in a real VS Code, on test/fixtures/e2e-workspace/classic.Dockerfile
// (`COPY . .` before `RUN npm install`): the hovers of RUN, CMD and EXPOSE with the verdict the lens shows,
// the quick-fix menu on the broad COPY applying the reorder, and the install staying cached after "Mark as
// Built" and a source edit. Then VS Code in Korean (code-server --locale ko with a language pack made for the
// test): the hover, the lens words and the diagnostic come from the extension's l10n bundle.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { packageLanguagePack, registerLanguagePack } from './support/languagePack';
import { waitFor } from './support/poll';
import { artifactsDir, launchSession, repoRoot, screenshot, session, workspaceName, type E2ESession, type OwnSession } from './support/session';
import {
  clickLens,
  editorLines,
  editorText,
  lensesAre,
  lensTitles,
  openFolderFile,
  openFromExplorer,
  runCommand,
  scrollEditorToTop,
  statusBarItem,
  waitForWorkbench,
} from './support/workbench';
import { webviewFrame } from './support/webview';

const fileName = 'classic.Dockerfile';
const fixture = join(repoRoot, 'test/fixtures', workspaceName);
const activeEditor = '.editor-group-container.active .monaco-editor';
const metadata = 'metadata only: no rebuild';

/** The rendered line of the active editor whose text matches (spaces are non-breaking in the DOM; \s matches them). */
function editorLine(page: Page, text: RegExp) {
  return page.locator(`${activeEditor} .view-lines .view-line`, { hasText: text }).first();
}

/** Points the mouse at the first word of a line and returns the hover's text once it shows `expected`. */
async function hoverText(page: Page, line: RegExp, expected: RegExp): Promise<string> {
  let last = '';
  await waitFor(
    `a hover matching ${expected}`,
    async () => {
      // Away first, so the previous hover closes and a new one opens for this line.
      await page.mouse.move(5, 5);
      await editorLine(page, line).locator('span > span').first().hover();
      const hover = page.locator('.monaco-hover:visible').first();
      await hover.waitFor({ timeout: 5_000 });
      last = await waitFor(
        'the hover to fill in and finish fading in',
        async () => {
          const text = (await hover.innerText()).replace(/\u00a0/g, ' ');
          const opaque = await hover.evaluate(
            (e) => (globalThis as unknown as { getComputedStyle(el: unknown): { opacity: string } }).getComputedStyle(e).opacity === '1',
          );
          return opaque && expected.test(text) && text;
        },
        { timeoutMs: 5_000 },
      );
      return true;
    },
    { timeoutMs: 45_000, intervalMs: 500 },
  );
  return last;
}

/** Puts the cursor on a line and opens the quick-fix menu (Ctrl+.) until it lists `title`. */
async function quickFixMenu(page: Page, line: RegExp, title: string | RegExp): Promise<void> {
  await page.mouse.move(5, 5);
  await editorLine(page, line).click();
  const item = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  await waitFor(
    `the quick-fix menu with ${String(title)}`,
    async () => {
      if (!(await item.isVisible())) await page.keyboard.press('Control+.');
      await item.waitFor({ timeout: 5_000 });
      return true;
    },
    { timeoutMs: 45_000, intervalMs: 1_000 },
  );
}

async function openClassic(page: Page): Promise<void> {
  await openFromExplorer(page, fileName);
  await waitFor(`${fileName} in the editor`, async () => (await editorText(page)).includes('COPY . .'));
  await scrollEditorToTop(page);
}

/** What the hover's last line says for a lens title: the same verdict from the same analysis. */
function verdictOf(lens: string): RegExp {
  if (lens === 'cached') return /This step: cached — /;
  if (lens.startsWith('rebuilds')) return /This step: rebuilds — /;
  if (lens.startsWith('maybe')) return /This step: may rebuild — /;
  if (lens === metadata) return /This step: not a build step — metadata only/;
  return /This step: /;
}

describe('Hovers, diagnostics and quick fixes in a real VS Code', () => {
  after(async () => {
    // Leave the shared workspace as the fixture has it (later files may read server.js) and the editor saved.
    writeFileSync(join(session().workspace, 'server.js'), readFileSync(join(fixture, 'server.js')));
  });

  it('hovering RUN, CMD and EXPOSE explains them, ending with the verdict the lens of that line shows', async () => {
    const { page } = session();
    await openClassic(page);
    // FROM, WORKDIR, COPY, RUN, EXPOSE, CMD: one lens each.
    const lenses = await waitFor('six lenses', async () => {
      const titles = await lensTitles(page);
      return titles.length === 6 && titles;
    });

    const run = await hoverText(page, /^RUN\s+npm\s+install/, /This step:/);
    assert.match(run, /Runs a command in a temporary container during the build/);
    assert.match(run, /When: At build time \(`?docker build`?\)/);
    assert.match(run, /BuildKit \(in use\): adds one filesystem layer/);
    assert.match(run, /apt-get update`? never refreshes by itself/);
    assert.match(run, verdictOf(lenses[3]));
    await screenshot('editor-hover-run');
    // The verdict ends the hover: scroll it into view (the pointer on the hover keeps it open).
    const box = await page.locator('.monaco-hover:visible').first().boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, 2_000);
      await waitFor('the verdict line on screen', () =>
        page
          .locator('.monaco-hover:visible', { hasText: 'This step:' })
          .getByText(/This step:/)
          .first()
          .isVisible(),
      );
      await screenshot('editor-hover-run-verdict');
    }

    const cmd = await hoverText(page, /^CMD\s+\["node"/, /This step:/);
    assert.match(cmd, /When a container starts/);
    assert.match(cmd, /Only the last CMD counts, and arguments after the image name in `?docker run <image> \.\.\.`? replace it/);
    assert.match(cmd, /exec form \(a JSON array\)/);
    assert.match(cmd, verdictOf(lenses[5]));
    await screenshot('editor-hover-cmd');

    const expose = await hoverText(page, /^EXPOSE\s+3000/, /This step:/);
    assert.match(expose, /Documents the port\(s\) the application listens on/);
    assert.match(expose, /docker run -p 3000:3000 <image>/);
    assert.match(expose, verdictOf(lenses[4]));
    await screenshot('editor-hover-expose');
    await page.mouse.move(5, 5);
  });

  it('the broad COPY has a warning; its quick fix copies the manifests first, and the install stays cached after a source edit', async () => {
    const { page, workspace } = session();
    await openClassic(page);
    // The warning on the COPY line, as the hover over it shows it.
    const warning = await hoverText(page, /^COPY\s+\.\s+\.$/, /before the dependency install on line 5/);
    assert.match(warning, /Copy the dependency manifests first, install, then copy the rest/);

    const title = 'Copy package.json, package-lock.json first, install, then copy the rest';
    await quickFixMenu(page, /^COPY\s+\.\s+\.$/, title);
    await screenshot('editor-quick-fix-menu');
    // The menu's first entry is focused; Enter applies it (a mouse click is swallowed by the menu's pointer block).
    await page.locator('.action-widget .monaco-list-row.focused', { hasText: title }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');

    const fixed = [
      'FROM node:20-alpine',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm install',
      'COPY . .',
      'EXPOSE 3000',
      'CMD ["node", "server.js"]',
    ];
    let lines: string[] = [];
    try {
      await waitFor('the reordered Dockerfile', async () => {
        lines = (await editorLines(page)).filter((l) => l.trim());
        return JSON.stringify(lines.slice(1)) === JSON.stringify(fixed);
      });
    } catch (error) {
      assert.deepEqual(lines.slice(1), fixed, (error as Error).message);
    }
    assert.match(lines[0], /^# The classic Node app/, 'the comment line stays on top');
    await screenshot('editor-quick-fix-applied');

    await runCommand(page, 'Layer Lens: Mark Current State as Built');
    await lensesAre(page, ['cached', 'cached', 'cached', 'cached', 'cached', metadata, metadata], 'every step of the fixed Dockerfile cached');
    writeFileSync(join(workspace, 'server.js'), "require('node:http').createServer((_q, r) => r.end('edited by the editor test\\n')).listen(3000);\n");
    await lensesAre(
      page,
      ['cached', 'cached', 'cached', 'cached', 'rebuilds: server.js changed', metadata, metadata],
      'only COPY . . rebuilding after server.js changed',
    );
    await screenshot('editor-install-cached-after-source-edit');
    await runCommand(page, 'File: Revert File');
    await waitFor('the reverted Dockerfile', async () => (await editorLines(page)).join('\n').includes('COPY . .\nRUN npm install'));
  });
});

describe('The .dockerignore quick fix and layerLens.hover.cacheOnly in a real VS Code', () => {
  const folder = 'ignore-demo';
  const dockerfile = 'app.Dockerfile';
  // The classic mistake with a .git and a node_modules in the context (the install recreates node_modules).
  const text = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . /app\nRUN npm install\nCMD ["node", "app.js"]\n';

  before(() => {
    const dir = join(session().workspace, folder);
    mkdirSync(join(dir, '.git'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
    writeFileSync(join(dir, 'app.js'), 'console.log("app");\n');
    writeFileSync(join(dir, 'package.json'), '{"name":"ignore-demo","version":"1.0.0"}\n');
    writeFileSync(join(dir, dockerfile), text);
  });

  after(() => {
    rmSync(join(session().workspace, folder), { recursive: true, force: true });
    rmSync(join(session().workspace, '.vscode'), { recursive: true, force: true });
  });

  it('COPY . with no .dockerignore warns; the fix creates a saved .dockerignore with .git and node_modules, the Dockerfile stays as it was', async () => {
    const { page, workspace } = session();
    await openFolderFile(page, folder, dockerfile);
    await waitFor(`${dockerfile} in the editor`, async () => (await editorText(page)).includes('COPY . /app'));
    const warning = await hoverText(page, /^COPY\s+\.\s+\/app$/, /there is no \.dockerignore/);
    assert.match(warning, /so \.git, node_modules get copied too/);

    await quickFixMenu(page, /^COPY\s+\.\s+\/app$/, /Create \.dockerignore with/);
    await screenshot('editor-dockerignore-fix-menu');
    // The line also has the COPY-reorder fix: move the menu's focus to this one, then Enter applies it.
    const focused = page.locator('.action-widget .monaco-list-row.focused', { hasText: /Create \.dockerignore with \.git, node_modules/ });
    await waitFor(
      '"Create .dockerignore" focused in the menu',
      async () => {
        if (await focused.isVisible()) return true;
        await page.keyboard.press('ArrowDown');
        return false;
      },
      { timeoutMs: 20_000, intervalMs: 300 },
    );
    await page.keyboard.press('Enter');

    // On disk (saved, not only in an editor buffer): what docker build reads.
    const ignoreFile = join(workspace, folder, '.dockerignore');
    const written = await waitFor('.dockerignore written on disk with the entries', async () => {
      try {
        const body = readFileSync(ignoreFile, 'utf8');
        return /^\.git$/m.test(body) && /^node_modules$/m.test(body) && body;
      } catch {
        return false;
      }
    });
    assert.equal(written, '.git\nnode_modules\n', 'only what was found, and what the Dockerfile recreates');
    await waitFor('no unsaved .dockerignore tab', async () => (await page.locator('.tabs-container .tab.dirty', { hasText: '.dockerignore' }).count()) === 0);
    assert.equal(readFileSync(join(workspace, folder, dockerfile), 'utf8'), text, 'the Dockerfile on disk is untouched');
    await openFolderFile(page, folder, dockerfile);
    assert.equal((await editorLines(page)).filter((l) => l.trim()).join('\n'), text.trim(), 'the Dockerfile in the editor is untouched');
    // The .dockerignore warning goes; the COPY-reorder warning stays (its own fix, not applied here).
    await waitFor(
      'the .dockerignore warning gone from the COPY line',
      async () => {
        const h = await hoverText(page, /^COPY\s+\.\s+\/app$/, /before the dependency install/);
        return !/there is no \.dockerignore/.test(h);
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    await page.mouse.move(5, 5);
    await screenshot('editor-dockerignore-fix-applied');
  });

  it('layerLens.hover.cacheOnly keeps only the layer and cache part of a hover', async () => {
    const { page, workspace } = session();
    await openFolderFile(page, folder, dockerfile);
    const full = await hoverText(page, /^RUN\s+npm/, /This step:/);
    assert.match(full, /Runs a command in a temporary container during the build/);
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'layerLens.hover.cacheOnly': true }, null, 2));
    const short = await waitFor(
      'a hover without the instruction explanation',
      async () => {
        const h = await hoverText(page, /^RUN\s+npm/, /This step:/);
        return !/Runs a command in a temporary container/.test(h) && h;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    assert.match(short, /Layer:/);
    assert.match(short, /Cache key:/);
    assert.match(short, /This step: /);
    assert.doesNotMatch(short, /When: /);
    await screenshot('editor-hover-cache-only');
    await page.mouse.move(5, 5);
    rmSync(join(workspace, '.vscode'), { recursive: true, force: true });
    await waitFor('the full hover back', async () => /Runs a command in a temporary container/.test(await hoverText(page, /^RUN\s+npm/, /This step:/)), {
      timeoutMs: 60_000,
      intervalMs: 1_000,
    });
    await page.mouse.move(5, 5);
  });
});

describe('VS Code in Korean (code-server --locale ko)', () => {
  let korean: OwnSession | undefined;
  let runDir = '';
  const bundle = JSON.parse(readFileSync(join(repoRoot, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;

  before(async function () {
    this.timeout(240_000);
    runDir = mkdtempSync(join(tmpdir(), 'layer-lens-e2e-ko-'));
    const pack = packageLanguagePack('ko', 'Korean', join(runDir, 'language-pack-ko.vsix'));
    const launched = await launchSession(runDir, { locale: 'ko', extraVsix: [pack], beforeStart: (dirs) => registerLanguagePack(dirs, 'ko', 'Korean') });
    korean = launched;
    await waitForWorkbench(launched.page, workspaceName);
  });

  after(async function () {
    this.timeout(60_000);
    await korean?.close();
    rmSync(runDir, { recursive: true, force: true });
  });

  const shot = async (name: string): Promise<void> => korean?.shot(name);

  it('the hover, the lens words and the diagnostic are Korean', async () => {
    const page = (korean as E2ESession).page;
    await openClassic(page);
    await lensesAre(
      page,
      [...Array(4).fill('다시 빌드됨: 아직 빌드되지 않음'), '메타데이터만: 다시 빌드 안 함', '메타데이터만: 다시 빌드 안 함'],
      'Korean lens words',
    );
    const run = await hoverText(page, /^RUN\s+npm\s+install/, new RegExp(bundle['This step']));
    assert.ok(run.includes(`${bundle['When']}:`), run);
    assert.ok(run.includes(bundle['adds one filesystem layer.']), run);
    assert.ok(run.includes(`${bundle['This step']}: ${bundle['rebuilds']}`), run);
    assert.doesNotMatch(run, /Runs a command in a temporary container/);
    await shot('editor-ko-hover-run');

    const copy = await hoverText(page, /^COPY\s+\.\s+\.$/, /npm install/);
    assert.match(copy, /[\uac00-\ud7a3]/);
    assert.ok(!copy.includes('before the dependency install'), `the diagnostic is not English: ${copy}`);
    await shot('editor-ko-hover-copy-diagnostic');
  });

  it("the status bar, the command titles, the engine's reasons in lenses and hovers, a simulation and the layer stack are Korean", async () => {
    const { page, workspace } = korean as E2ESession;
    const meta = bundle['metadata only: no rebuild'];
    await statusBarItem(page, /Layer Lens: 아직 빌드 안 됨/).waitFor({ timeout: 30_000 });
    // The command's title comes from package.nls.ko.json.
    await runCommand(page, 'Layer Lens: 현재 상태를 빌드됨으로 표시');
    await lensesAre(page, [...Array(4).fill('캐시됨'), meta, meta], 'all cached after marking as built');
    await statusBarItem(page, /Layer Lens: .*빌드됨으로 표시됨/).waitFor({ timeout: 30_000 });

    writeFileSync(join(workspace, 'server.js'), "const http = require('node:http');\nhttp.createServer((_req, res) => res.end('수정됨\\n')).listen(3000);\n");
    await lensesAre(
      page,
      ['캐시됨', '캐시됨', '다시 빌드됨: server.js 변경됨', '다시 빌드됨: 이전 단계가 다시 빌드됨(4번 줄 COPY)', meta, meta],
      'server.js edited on disk',
    );
    // The hover gives the engine's whole reason, translated, the nested reason of the parent step included.
    const run = await hoverText(page, /^RUN\s+npm\s+install/, /이전 단계가 다시 빌드됨: 4번 줄 COPY\(server\.js 변경됨\)/);
    assert.doesNotMatch(run, /parent step rebuilds/);
    // The verdict ends the hover: scroll it into view (the pointer on the hover keeps it open).
    const box = await page.locator('.monaco-hover:visible').first().boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, 2_000);
      const verdictLine = page
        .locator('.monaco-hover:visible')
        .first()
        .getByText(new RegExp(`${bundle['This step']}:`))
        .first();
      await waitFor('the verdict line scrolled inside the hover', async () => {
        const line = await verdictLine.boundingBox();
        return line !== null && line.y >= box.y && line.y + line.height <= box.y + box.height;
      });
    }
    await shot('editor-ko-hover-run-reason');
    await page.mouse.move(5, 5);

    // Clicking the WORKDIR lens pretends the line was edited (compared with the current state as built): the lenses,
    // the status bar item and its label in Korean.
    await clickLens(page, 1);
    const simulating = statusBarItem(page, /시뮬레이션 중: 3번 줄 수정됨/);
    await simulating.waitFor({ timeout: 20_000 });
    await lensesAre(
      page,
      ['캐시됨', '다시 빌드됨: 줄 수정됨(시뮬레이션)', ...Array(2).fill('다시 빌드됨: 이전 단계가 다시 빌드됨(3번 줄 WORKDIR)'), meta, meta],
      'the simulated edit of line 3',
    );
    await shot('editor-ko-simulating');
    await simulating.click();
    await waitFor('the simulation to stop', async () => (await simulating.count()) === 0);

    await runCommand(page, 'Layer Lens: 레이어 스택 보기');
    const frame = await webviewFrame(page, '#app .summary');
    const summary = await waitFor('the Korean layer stack summary', async () => {
      const text = (await frame.locator('.summary').textContent()) ?? '';
      return /^레이어 \d+개 중 \d+개 다시 빌드됨; 첫 캐시 미스: COPY \. \. \(server\.js 변경됨\)$/.test(text) && text;
    });
    assert.ok(summary);
    assert.equal(await frame.locator('.toolbar button').first().textContent(), '바뀐 파일 고르기…');
    assert.match((await frame.locator('.block[data-line="5"] .reason').textContent()) ?? '', /^이전 단계가 다시 빌드됨: 4번 줄 COPY\(server\.js 변경됨\)$/);
    await frame.locator('body').screenshot({ path: join(artifactsDir, 'layer-stack-ko.png') });
  });
});
