// Builds made outside VS Code count as built too: Docker keeps a history of the builds its BuildKit ran, and the
// editor reads the new builds of a Dockerfile from it when that Dockerfile is opened again. Here a
// `docker buildx build` runs in a plain child process (not a VS Code terminal, not Layer Lens) against the real
// BuildKit engine of scripts/engines, the same daemon code-server's extension host talks to (support/dockerEnv.ts).
// The e2e user settings turn this source off (the Build Image tests warm the cache behind the editor's back on
// purpose); this test turns it on in the workspace settings for its own run only. Skips, saying why, without the
// engine or when its buildx has no `history` command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { holdBuildkit } from './support/engineHold';
import { outputSays, typeInTerminal } from './support/terminal';
import { codeServerEnv } from './support/dockerEnv';
import { waitFor } from './support/poll';
import { screenshot, session } from './support/session';
import { editorText, lensesAre, openFolderFile, outputText, runCommand, statusBarItem } from './support/workbench';

const token = randomBytes(4).toString('hex');
const folder = 'docker-history-demo';
const tag = `ll-e2e-dhist-${token}`;
// A fresh WORKDIR each run, so the engine has none of these steps in its cache before the shell build.
const dockerfile = `FROM localbase:1\nWORKDIR /dhist-${token}\nCOPY app.txt ./\nRUN cat app.txt > copy.txt\nCOPY src/ ./src/\n`;
// Typed in the terminal; its last step fails.
const failing = `FROM localbase:1\nWORKDIR /dhist-fail-${token}\nCOPY app.txt ./\nRUN cat app.txt && exit 3\n`;

async function showDockerfile(page: Page): Promise<void> {
  await openFolderFile(page, folder, 'dhist.Dockerfile');
  await waitFor('the demo Dockerfile in the editor', async () => (await editorText(page)).includes(`WORKDIR /dhist-${token}`));
}

describe("Layer Lens: builds made outside VS Code, read from Docker's build history (BuildKit engine)", function () {
  let demo = '';
  let settingsDir = '';
  let terminalOpen = false;
  let releaseEngine: (() => Promise<void>) | undefined;

  before(async function () {
    this.timeout(21 * 60_000);
    releaseEngine = await holdBuildkit(this);
    const ls = spawnSync('docker', ['buildx', 'history', 'ls', '--format', 'json'], { env: codeServerEnv(), encoding: 'utf8', timeout: 30_000 });
    if (ls.status !== 0) {
      console.log(
        `      SKIPPED: this engine's buildx has no working "docker buildx history" (${(ls.stderr || ls.stdout || String(ls.error)).trim().slice(0, 300)}); scripts/engines/setup.sh installs one that has it`,
      );
      this.skip();
    }
    const { workspace } = session();
    demo = join(workspace, folder);
    mkdirSync(join(demo, 'src'), { recursive: true });
    writeFileSync(join(demo, 'dhist.Dockerfile'), dockerfile);
    writeFileSync(join(demo, 'fail.Dockerfile'), failing);
    writeFileSync(join(demo, 'app.txt'), `app ${token}\n`);
    writeFileSync(join(demo, 'src', 'main.txt'), `main ${token}\n`);
    // Older than the build's start, as files are that a user did not touch while Docker ran.
    const old = new Date(Date.now() - 120_000);
    for (const p of ['dhist.Dockerfile', 'fail.Dockerfile', 'app.txt', 'src/main.txt', 'src', '.']) utimesSync(join(demo, p), old, old);
    settingsDir = join(workspace, '.vscode');
    mkdirSync(settingsDir, { recursive: true });
    writeFileSync(join(settingsDir, 'settings.json'), JSON.stringify({ 'layerLens.record.dockerHistory': true }, null, 2));
  });

  after(async function () {
    this.timeout(60_000);
    if (settingsDir) rmSync(settingsDir, { recursive: true, force: true });
    if (demo) {
      const { page } = session();
      if (terminalOpen) await typeInTerminal(page, 'exit').catch(() => undefined);
      await showDockerfile(page).catch(() => undefined);
      await runCommand(page, 'View: Close Editor').catch(() => undefined);
      rmSync(demo, { recursive: true, force: true });
    }
    spawnSync('docker', ['image', 'rm', '-f', tag], { env: codeServerEnv(), timeout: 30_000 });
    await releaseEngine?.();
  });

  it('a docker buildx build run in a plain shell turns every lens cached when the Dockerfile is opened again', async function () {
    this.timeout(240_000);
    const { page } = session();
    await showDockerfile(page);
    // Nothing built yet: the demo folder is new and the store knows none of its steps.
    await lensesAre(page, Array(5).fill('rebuilds: not built yet'), 'lenses saying nothing is built yet', 60_000);
    await runCommand(page, 'View: Close Editor');
    const openedAt = Date.now();

    // Outside VS Code: a shell, the user's own command, the same daemon.
    const build = spawnSync('sh', ['-c', `docker buildx build --load --progress=plain -f dhist.Dockerfile -t ${tag} .`], {
      cwd: demo,
      env: codeServerEnv(),
      encoding: 'utf8',
      timeout: 5 * 60_000,
    });
    assert.equal(build.status, 0, `the shell build failed:\n${(build.stderr ?? '').slice(-2000)}`);
    // The editor reads a Dockerfile's history at most every 5 s; make sure this opening is a new read.
    const wait = 6_000 - (Date.now() - openedAt);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    await showDockerfile(page);
    await lensesAre(page, ['cached', 'cached', 'cached', 'cached', 'cached'], 'every lens cached after the build read from the history', 60_000);
    const status = await waitFor('the status bar naming Docker’s build history as the baseline', async () => {
      const item = statusBarItem(page, /docker buildx history, /);
      return (await item.count()) > 0 ? await item.first().innerText() : undefined;
    });
    assert.match(status, /Layer Lens: docker buildx history, \d{1,2}:\d{2}/);
    const shot = await screenshot('docker-history-recorded');
    if (shot) console.log(`      screenshot: ${shot}`);
    await runCommand(page, 'Layer Lens: Show Output');
    const log = await waitFor('the output channel logging the recorded build', async () => {
      const text = await outputText(page);
      return /Recorded the build of .*docker-history-demo\/dhist\.Dockerfile from docker buildx history, /.test(text) ? text : undefined;
    });
    const line = log.split('\n').find((l) => l.includes('docker-history-demo/dhist.Dockerfile from docker buildx history'));
    console.log(`      output: ${line?.trim()}`);
    assert.match(line ?? '', /lines 1, 2, 3, 4, 5; 5 step keys/);
    // The engine agrees: the same build again takes every step from its cache.
    const again = spawnSync('sh', ['-c', `docker buildx build --load --progress=plain -f dhist.Dockerfile -t ${tag} .`], {
      cwd: demo,
      env: codeServerEnv(),
      encoding: 'utf8',
      timeout: 5 * 60_000,
    });
    assert.equal(again.status, 0, `the second shell build failed:\n${(again.stderr ?? '').slice(-2000)}`);
    for (const step of ['WORKDIR', 'COPY app.txt', 'RUN cat app.txt', 'COPY src/'])
      assert.match(
        again.stderr,
        new RegExp(`#(\\d+) \\[\\d/\\d\\] ${step}[^\\n]*\\n#\\1 CACHED`),
        `the engine did not take ${step} from its cache:\n${again.stderr}`,
      );
  });
  it('a failing docker build typed in the terminal: the steps Docker finished are read from its history', async function () {
    this.timeout(240_000);
    const { page } = session();
    await runCommand(page, 'Terminal: Create New Terminal');
    terminalOpen = true;
    // Absolute paths: the command does not depend on the folder the new shell reports.
    await typeInTerminal(page, `docker build -f ${join(demo, 'fail.Dockerfile')} ${demo}`);
    // The terminal source records nothing for a failed command; Docker's history has the steps it finished.
    await outputSays(page, /Not recorded: docker build -f \S*docker-history-demo\/fail\.Dockerfile \S+ in the terminal: it failed \(exit code 1\)\./);
    const text = await outputSays(
      page,
      /Recorded the build of .*docker-history-demo\/fail\.Dockerfile from docker buildx history, .* It failed: the steps Docker finished are recorded\./,
    );
    const line = text.split('\n').find((l) => l.includes('fail.Dockerfile from docker buildx history'));
    console.log(`      output: ${line?.trim()}`);
    assert.match(line ?? '', /lines 1, 2, 3; 3 step keys/);
    await openFolderFile(page, folder, 'fail.Dockerfile');
    await waitFor('the failing Dockerfile in the editor', async () => (await editorText(page)).includes(`WORKDIR /dhist-fail-${token}`));
    await lensesAre(
      page,
      ['cached', 'cached', 'cached', 'rebuilds: the last build stopped before this step finished'],
      'the finished steps cached and the failed one not',
      60_000,
    );
    const shot = await screenshot('docker-history-failed-terminal-build');
    if (shot) console.log(`      screenshot: ${shot}`);
  });
});
