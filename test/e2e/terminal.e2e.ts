// Builds the user types in the integrated terminal count as built, with no click: VS Code's shell integration
// reports the command line, its folder and its exit code; the extension records the context as it was when the
// command started. Real BuildKit engine of scripts/engines (the terminal inherits code-server's PATH and
// DOCKER_HOST: support/dockerEnv.ts). Skips, saying why, without the engine.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { holdBuildkit } from './support/engineHold';
import { outputSays, typeInTerminal } from './support/terminal';
import { waitFor } from './support/poll';
import { screenshot, session } from './support/session';
import { editorText, lensTitles, openFolderFile, runCommand, scrollEditorToTop, statusBarItem } from './support/workbench';

const token = randomBytes(4).toString('hex');
const folder = 'terminal-demo';
// A fresh WORKDIR each run; FAIL=1 makes the last step fail.
const dockerfile = `FROM localbase:1\nWORKDIR /term-${token}\nCOPY app.txt ./\nARG FAIL=0\nRUN sleep 2 && test "$FAIL" = 0 && cat app.txt > copy.txt\n`;

async function lensesAll(page: Page, re: RegExp, what: string, count?: number): Promise<string[]> {
  let last: string[] = [];
  try {
    return await waitFor(
      what,
      async () => {
        await scrollEditorToTop(page);
        last = await lensTitles(page);
        // The ARG line's lens says `metadata only: no rebuild` whatever was built.
        return last.length > 0 &&
          (count === undefined || last.length === count) &&
          last.every((t) => re.test(t) || t === 'metadata only: no rebuild') &&
          last.some((t) => re.test(t))
          ? last
          : undefined;
      },
      { timeoutMs: 30_000 },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; the lenses say ${JSON.stringify(last)}`);
  }
}

async function showDockerfile(page: Page): Promise<void> {
  await openFolderFile(page, folder, 'term.Dockerfile');
  await waitFor('the demo Dockerfile in the editor', async () => (await editorText(page)).includes(`WORKDIR /term-${token}`));
}

describe('Layer Lens: builds typed in the integrated terminal (BuildKit engine)', function () {
  let demo = '';
  let releaseEngine: (() => Promise<void>) | undefined;

  before(async function () {
    this.timeout(21 * 60_000);
    releaseEngine = await holdBuildkit(this);
    demo = join(session().workspace, folder);
    mkdirSync(demo, { recursive: true });
    writeFileSync(join(demo, 'term.Dockerfile'), dockerfile);
    writeFileSync(join(demo, 'app.txt'), `first ${token}\n`);
  });

  after(async function () {
    this.timeout(60_000);
    await releaseEngine?.();
    if (!demo) return;
    const { page } = session();
    await typeInTerminal(page, 'exit').catch(() => undefined);
    await showDockerfile(page).catch(() => undefined);
    await runCommand(page, 'View: Close Editor').catch(() => undefined);
    rmSync(demo, { recursive: true, force: true });
  });

  it('a failed docker build in the terminal records nothing', async function () {
    this.timeout(180_000);
    const { page } = session();
    await showDockerfile(page);
    const before = await lensesAll(page, /^rebuilds: not built yet$/, 'lenses saying nothing is built yet');
    await runCommand(page, 'Terminal: Create New Terminal');
    await typeInTerminal(page, `cd ${folder}`);
    await typeInTerminal(page, 'docker build -f term.Dockerfile --build-arg FAIL=1 .');
    const text = await outputSays(page, /Not recorded: docker build -f term\.Dockerfile --build-arg FAIL=1 \. in the terminal: it failed \(exit code 1\)\./);
    assert.match(text, /Seen in the terminal: docker build -f term\.Dockerfile --build-arg FAIL=1 \. \(.*terminal-demo\/term\.Dockerfile\)/);
    await showDockerfile(page);
    await lensesAll(page, /^rebuilds: not built yet$/, 'still nothing built after the failed build', before.length);
    const shot = await screenshot('terminal-build-failed');
    if (shot) console.log(`      screenshot: ${shot}`);
  });

  it('a docker build typed in the terminal turns every lens cached, no click; an edit made during it still rebuilds', async function () {
    this.timeout(180_000);
    const { page } = session();
    await typeInTerminal(page, 'docker build -f term.Dockerfile .');
    // The context is kept as the command starts; an edit made while Docker runs is not what it built.
    await outputSays(page, /Seen in the terminal: docker build -f term\.Dockerfile \. \(/, 60_000);
    writeFileSync(join(demo, 'app.txt'), `edited during the build ${token}\n`);
    await outputSays(page, /Recorded the build of .*terminal-demo\/term\.Dockerfile \(buildkit\) run in the terminal: docker build -f term\.Dockerfile \./);
    await showDockerfile(page);
    const lenses = await waitFor(
      'the COPY rebuilding for the edit made during the build',
      async () => {
        await scrollEditorToTop(page);
        const now = await lensTitles(page);
        return now.length === 5 &&
          now[0] === 'cached' &&
          now[1] === 'cached' &&
          now[2] === 'rebuilds: app.txt changed' &&
          /^rebuilds: parent step rebuilds/.test(now[4])
          ? now
          : undefined;
      },
      { timeoutMs: 30_000 },
    );
    console.log(`      lenses after the edit during the build: ${JSON.stringify(lenses)}`);
    // Back to what Docker was sent: every step is what was built.
    writeFileSync(join(demo, 'app.txt'), `first ${token}\n`);
    const cached = await lensesAll(page, /^cached$/, 'every lens cached', lenses.length);
    assert.equal(cached.length, lenses.length);
    const status = await waitFor('the status bar saying where the baseline was built', async () => {
      const item = statusBarItem(page, /built .* in the terminal/);
      return (await item.count()) > 0 ? await item.first().innerText() : undefined;
    });
    assert.match(status, /Layer Lens: built (just now|\d+ min ago) in the terminal/);
    const shot = await screenshot('terminal-build-recorded');
    if (shot) console.log(`      screenshot: ${shot}`);
  });
});
