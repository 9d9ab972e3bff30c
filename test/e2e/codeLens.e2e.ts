// CodeLens verdicts in a real VS Code: what the lenses say for the fixture Dockerfile, "Mark Current State as
// Built", a context file edited on disk, a lens click that simulates a change, and clearing the simulation by
// the status bar item and by Escape. The git HEAD baseline, on a repository made in the workspace copy.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { waitFor } from './support/poll';
import { screenshot, session } from './support/session';
import { clickLens, editorText, lens, lensesAre, openFromExplorer, runCommand, scrollEditorToTop, statusBarItem } from './support/workbench';

// test/fixtures/e2e-workspace/Dockerfile, one lens per instruction, top to bottom:
//  2 FROM node:20-alpine AS deps   3 WORKDIR /app   4 COPY package.json package-lock.json ./   5 RUN npm ci
//  7 FROM node:20-alpine           8 WORKDIR /app   9 COPY --from=deps ...   10 COPY . .   11 EXPOSE   12 CMD
const metadata = 'metadata only: no rebuild';

async function openDockerfile(page: Page): Promise<void> {
  await openFromExplorer(page, 'Dockerfile');
  await waitFor('the Dockerfile text in the editor', async () => (await editorText(page)).includes('FROM node:20-alpine AS deps'));
}

describe('CodeLens verdicts in a real VS Code', () => {
  it('opening the fixture Dockerfile shows a lens on every instruction: nothing built yet', async () => {
    const { page } = session();
    await openDockerfile(page);
    // Earlier tests typed into this file; start from the saved text.
    await runCommand(page, 'File: Revert File');
    await waitFor('the reverted Dockerfile', async () => !(await editorText(page)).includes('HEALTHCHECK'));
    await scrollEditorToTop(page);
    // Line 8 `WORKDIR /app` repeats line 3 on the same base image: BuildKit makes that step once (cache-rules R4a).
    const notBuilt = 'rebuilds: not built yet';
    const lenses = [
      notBuilt,
      notBuilt,
      notBuilt,
      notBuilt,
      notBuilt,
      'rebuilds: same step as line 3 (stage deps): BuildKit runs it once for both lines',
      notBuilt,
      notBuilt,
      metadata,
      metadata,
    ];
    await lensesAre(page, lenses, 'lenses saying nothing is built yet');
    await statusBarItem(page, /Layer Lens: nothing built yet/).waitFor({ timeout: 10_000 });
  });

  it('"Layer Lens: Mark Current State as Built" turns every build step cached', async () => {
    const { page } = session();
    await runCommand(page, 'Layer Lens: Mark Current State as Built');
    await lensesAre(page, [...Array(8).fill('cached'), metadata, metadata], 'every build step cached');
    await statusBarItem(page, /Layer Lens: marked as built (just now|1 min ago)/).waitFor({ timeout: 10_000 });
  });

  it('a context file edited on disk: COPY . . says which file, the install above stays cached', async () => {
    const { page, workspace } = session();
    writeFileSync(join(workspace, 'server.js'), "const http = require('node:http');\nhttp.createServer((_req, res) => res.end('edited\\n')).listen(3000);\n");
    await lensesAre(page, [...Array(7).fill('cached'), 'rebuilds: server.js changed', metadata, metadata], 'COPY . . rebuilding for server.js');
  });

  it('clicking the COPY . . lens offers its files; picking one simulates it, the status bar item clears it', async () => {
    const { page } = session();
    await lens(page, 'rebuilds: server.js changed').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 20_000 });
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows
      .filter({ hasText: /^server\.js/ })
      .first()
      .waitFor({ timeout: 20_000 });
    // Grouped by folder: the context's root with its count and bytes, and the whole folder as one choice.
    await page
      .locator('.quick-input-list', { hasText: /\.\/ · \d+ files, \d+(\.\d)? K?B/ })
      .first()
      .waitFor({ timeout: 10_000 });
    assert.equal(await rows.filter({ hasText: /all \d+ files in this folder changed/ }).count(), 1, 'the root folder as a whole');
    assert.match(await page.locator('.quick-input-title').first().innerText(), /Simulate: which file that line 10 COPY copies changed\? \(\d+ files, /);
    await saveSimulationScreenshot('quick-pick-of-copy-files');
    await input.fill('package.json');
    await rows
      .filter({ has: page.locator('.label-name', { hasText: /^package\.json$/ }) })
      .first()
      .click();

    const simulating = statusBarItem(page, /Simulating: package\.json changed/);
    await simulating.waitFor({ timeout: 20_000 });
    await lensesAre(
      page,
      [
        'cached',
        'cached',
        'rebuilds: package.json changed',
        'rebuilds: parent step rebuilds (line 4 COPY)',
        // COPY --from is content-addressed (maybe); COPY . . copies package.json itself, so it rebuilds either way.
        'cached',
        'cached',
        "maybe: depends on stage deps's output",
        'rebuilds: package.json changed',
        metadata,
        metadata,
      ],
      'the simulated state of package.json changing',
    );
    await simulating.waitFor({ timeout: 10_000 });
    await saveSimulationScreenshot('simulating-package-json');

    await simulating.click();
    await waitFor('the Simulating item to go', async () => (await simulating.count()) === 0);
    await lensesAre(page, [...Array(7).fill('cached'), 'rebuilds: server.js changed', metadata, metadata], 'the real verdicts again');
  });

  it('clicking the WORKDIR lens pretends the line was edited; Escape in the editor stops simulating', async () => {
    const { page } = session();
    await clickLens(page, 1); // line 3 WORKDIR /app
    const simulating = statusBarItem(page, /Simulating: line 3 edited/);
    await simulating.waitFor({ timeout: 20_000 });
    await lensesAre(
      page,
      [
        'cached',
        'rebuilds: line edited (simulated)',
        ...Array(2).fill('rebuilds: parent step rebuilds (line 3 WORKDIR)'),
        // An edited line is an edited Dockerfile, which COPY . . copies (the fixture's .dockerignore keeps it).
        'cached',
        'cached',
        "maybe: depends on stage deps's output",
        'rebuilds: Dockerfile changed',
        metadata,
        metadata,
      ],
      'the simulated edit of line 3',
    );
    await simulating.waitFor({ timeout: 10_000 });
    await saveSimulationScreenshot('simulating-line-3');

    await page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: 'EXPOSE 3000' }).click();
    await page.keyboard.press('Escape');
    await waitFor('Escape to end the simulation', async () => (await simulating.count()) === 0);
    await lensesAre(page, [...Array(7).fill('cached'), 'rebuilds: server.js changed', metadata, metadata], 'the real verdicts after Escape');
  });

  it('a Dockerfile never recorded uses git HEAD once the workspace is a repository with a commit', async () => {
    const { page, workspace } = session();
    await openFromExplorer(page, 'worker.Dockerfile');
    await scrollEditorToTop(page);
    await lensesAre(page, [...Array(5).fill('rebuilds: not built yet'), metadata], 'worker.Dockerfile: nothing built yet');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd: workspace });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'fixture');
    await statusBarItem(page, /Layer Lens: baseline git HEAD/).waitFor({ timeout: 30_000 });
    await lensesAre(page, [...Array(5).fill('cached'), metadata], 'worker.Dockerfile cached against git HEAD');
    writeFileSync(join(workspace, 'worker.js'), "console.log('edited worker');\n");
    await lensesAre(page, [...Array(4).fill('cached'), 'rebuilds: worker.js changed', metadata], 'worker.js edited since HEAD');
  });
});

/** An extra screenshot in the middle of a test (the hooks take one at the end of each). */
async function saveSimulationScreenshot(name: string): Promise<void> {
  const file = await screenshot(`mid-${name}`);
  if (file) console.log(`      screenshot: ${file}`);
}
