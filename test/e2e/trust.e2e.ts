// Workspace trust in a real VS Code. A hostile repository, made at test time outside this repository:
// a partial clone whose Dockerfile blob is missing, so reading it through git makes git fetch it and run the
// repository's core.sshCommand, which writes a marker file. Opened in Restricted Mode, Layer Lens still shows its
// lenses, runs no git at all, and says in the status bar why git HEAD is not used. Trusted from the workbench, the
// server reads git HEAD with hardened git: still no marker, and the status bar says why HEAD cannot be used.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { waitFor } from './support/poll';
import { launchSession, type E2ESession, type OwnSession } from './support/session';
import { editorText, lensesAre, openFromExplorer, outputText, runCommand, statusBarItem, waitForWorkbench } from './support/workbench';

const folderName = 'hostile-repo';
const dockerfile = 'FROM alpine\nCOPY . /app\n';

describe('an untrusted hostile repository (Restricted Mode)', () => {
  let root = '';
  let marker = '';
  let gitLog = '';
  let restricted: OwnSession | undefined;

  before(async function () {
    this.timeout(240_000);
    root = mkdtempSync(join(tmpdir(), 'layer-lens-e2e-trust-'));
    marker = join(root, 'pwned');
    gitLog = join(root, 'git-runs.log');
    const ws = join(root, folderName);
    makeHostileRepo(ws, marker);
    // Every git process started inside code-server appends what it runs to this file. (Not a git wrapper first on
    // PATH: the extension host takes PATH from the login shell, so such a wrapper would never be asked.)
    const launched = await launchSession(join(root, 'run'), {
      workspace: ws,
      restrictedMode: true,
      env: { GIT_TRACE: gitLog },
      // VS Code's own git extension would run git in the trusted half; only Layer Lens's git is under test.
      beforeStart: ({ userDataDir }) => {
        const file = join(userDataDir, 'User/settings.json');
        writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), 'git.enabled': false, 'git.autoRepositoryDetection': false }, null, 2));
      },
    });
    restricted = launched;
    await waitForWorkbench(launched.page, folderName);
  });

  after(async function () {
    this.timeout(60_000);
    await restricted?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const shot = async (name: string): Promise<void> => restricted?.shot(name);

  /** The git commands run so far (GIT_TRACE's "built-in: git ..." lines). */
  const gitRuns = (): string[] =>
    existsSync(gitLog)
      ? readFileSync(gitLog, 'utf8')
          .split('\n')
          .filter((l) => /trace: built-in: git /.test(l))
      : [];

  it('opening its Dockerfile in Restricted Mode shows the lenses, runs no git, and the status bar says why', async () => {
    const page = (restricted as E2ESession).page;
    await page.locator('text=/Restricted Mode/').first().waitFor({ timeout: 30_000 });
    await openFromExplorer(page, 'Dockerfile');
    await waitFor('the Dockerfile text in the editor', async () => (await editorText(page)).includes('COPY . /app'));
    await lensesAre(page, ['rebuilds: not built yet', 'rebuilds: not built yet'], 'the lenses of the analysed Dockerfile');
    const item = statusBarItem(page, /Layer Lens: nothing built yet/);
    await item.waitFor({ timeout: 30_000 });
    // The baseline was chosen before the lenses showed: git would have run by now.
    assert.equal(existsSync(marker), false, `the repository's core.sshCommand ran (${marker} exists)`);
    assert.deepEqual(gitRuns(), [], 'no git was started in Restricted Mode');
    await statusTooltip(page, /git HEAD is not read in Restricted Mode: trust the workspace to compare with it/);
    await shot('trust-restricted-mode-lenses');
  });

  it('trusting the workspace lets the server read git HEAD, hardened: the marker still does not appear', async () => {
    const page = (restricted as E2ESession).page;
    await runCommand(page, 'Workspaces: Manage Workspace Trust');
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ timeout: 30_000 });
    await trust.click();
    await page.locator('text=/You trust this folder/').first().waitFor({ timeout: 30_000 });
    // Back to the Dockerfile: its lenses and status are asked for again, and its baseline is chosen again.
    await openFromExplorer(page, 'Dockerfile');
    try {
      await waitFor('Layer Lens to run git once trusted', () => gitRuns().some((l) => /git (rev-parse|rev-list|config|ls-tree|cat-file)/.test(l)), {
        timeoutMs: 60_000,
      });
      await statusTooltip(page, /not downloaded in this partial clone, and Layer Lens does not download anything/);
    } catch (error) {
      // What the server said, for the failure report.
      await statusBarItem(page, /Layer Lens:/)
        .first()
        .click();
      await shot('trust-debug-output');
      console.log(await outputText(page).catch(() => ''), existsSync(gitLog) ? readFileSync(gitLog, 'utf8') : 'no git run');
      throw error;
    }
    await lensesAre(page, ['rebuilds: not built yet', 'rebuilds: not built yet'], 'the lenses, still nothing built');
    await shot('trust-trusted-partial-clone');
    assert.equal(existsSync(marker), false, `the repository's core.sshCommand ran (${marker} exists)`);
  });
});

/** Hovers the Layer Lens status bar item until its tooltip shows `expected`. */
async function statusTooltip(page: Page, expected: RegExp): Promise<void> {
  const item = statusBarItem(page, /Layer Lens:/).first();
  await waitFor(
    `the Layer Lens status tooltip to say ${expected}`,
    async () => {
      await page.mouse.move(5, 5);
      await item.hover();
      const tip = page.locator('.workbench-hover, .monaco-hover', { hasText: expected }).first();
      return (
        tip.isVisible({ timeout: 3_000 }).catch(() => false) ||
        (await tip.waitFor({ timeout: 3_000 }).then(
          () => true,
          () => false,
        ))
      );
    },
    { timeoutMs: 60_000, intervalMs: 1_000 },
  );
}

/** The reproduction: a partial clone missing its Dockerfile blob, whose sshCommand writes `marker`. */
function makeHostileRepo(ws: string, marker: string): void {
  mkdirSync(ws, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', ws, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { encoding: 'utf8' });
  writeFileSync(join(ws, 'Dockerfile'), dockerfile);
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'x');
  const blob = git('rev-parse', 'HEAD:Dockerfile').trim();
  rmSync(join(ws, '.git/objects', blob.slice(0, 2), blob.slice(2)));
  git('config', 'core.repositoryformatversion', '1');
  git('config', 'extensions.partialClone', 'origin');
  git('config', 'remote.origin.url', 'ssh://attacker.invalid/x');
  git('config', 'remote.origin.promisor', 'true');
  git('config', 'core.sshCommand', `touch '${marker}'; false`);
}
