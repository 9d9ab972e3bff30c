// The git history panel in a real VS Code: a small repository made in the workspace (a source edit, a lock edit,
// a commit whose subject is HTML with a script), "Layer Lens: Replay History" from the command palette: the steps
// with their counts and the fixes beside them, the commits as rows with a verdict per step, a click and the arrow
// keys show a commit's reason; the hostile subject is text (no element made from it, no dialog, the CSP allows only
// the panel's own script). Then layerLens.history.lensSuffix turned on in the workspace settings: every
// instruction's lens ends with the count `layerlens history --json` gives for that repository, and a new commit
// changes it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { waitFor } from './support/poll';
import { artifactsDir, repoRoot, screenshot, session } from './support/session';
import { editorLines, lensTitles, openFolderFile, runCommand } from './support/workbench';
import { webviewFrame } from './support/webview';

const hostileSubject = '<img src=x onerror=alert(1)><b>bold</b><script>alert(2)</script>';
const folder = 'history-repo';

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    stdio: 'ignore',
  });
}

function commit(dir: string, files: Record<string, string>, subject: string): void {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', subject);
}

interface Shown {
  title: string;
  meta: string;
  rows: Array<{ line: string; text: string; count: string; fixed: string; parts: string[]; fixedParts: string[] }>;
  commits: Array<{ subject: string; cells: string[] }>;
  details: string;
  img: number;
  b: number;
  scripts: string[];
  csp: string;
  fix: { disabled: string | null; why: string; outcome: string } | null;
}

// Runs inside the webview (a string: this project's TypeScript has no DOM types).
const readPanel = `(() => {
  const text = (e) => (e && e.textContent ? e.textContent : '').trim();
  return {
    title: text(document.querySelector('.title')),
    meta: text(document.querySelector('.meta')),
    rows: [...document.querySelectorAll('tr.row')].map((r) => ({ line: text(r.querySelector('.line')), text: text(r.querySelector('.instruction')), count: text(r.querySelector('.now .count')), fixed: text(r.querySelector('.with-fixes .count')), parts: [...r.querySelectorAll('.now .part')].map((p) => p.getAttribute('title') || p.className), fixedParts: [...r.querySelectorAll('.with-fixes .part')].map((p) => p.getAttribute('title') || p.className) })),
    commits: [...document.querySelectorAll('tr.commit')].map((r) => ({ subject: text(r.querySelector('.subject')), cells: [...r.querySelectorAll('button.verdict')].map((b) => text(b)) })),
    details: text(document.querySelector('.details')),
    img: document.querySelectorAll('img').length,
    b: document.querySelectorAll('b').length,
    scripts: [...document.querySelectorAll('script')].map((s) => s.getAttribute('src') || 'inline'),
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]').getAttribute('content'),
    fix: document.querySelector('button.apply-fixes') ? { disabled: document.querySelector('button.apply-fixes').getAttribute('aria-disabled'), why: text(document.querySelector('.fix-why')), outcome: text(document.querySelector('.fix-outcome')) } : null,
  };
})()`;

async function shown(frame: Frame): Promise<Shown> {
  return (await frame.evaluate(readPanel)) as Shown;
}

describe('Git history panel in a real VS Code', () => {
  it('Replay History: steps, fixes, commits and reasons; a commit subject holding HTML renders as text', async () => {
    const { page, workspace } = session();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const dir = join(workspace, folder);
    mkdirSync(dir, { recursive: true });
    git(dir, 'init', '-q');
    commit(
      dir,
      {
        'history.Dockerfile': 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n',
        'package.json': '{"name":"h"}\n',
        'package-lock.json': '{}\n',
        'index.js': 'one\n',
        '.dockerignore': '.git\n',
      },
      'first',
    );
    commit(dir, { 'index.js': 'two\n' }, hostileSubject);
    commit(dir, { 'package-lock.json': '{"v":2}\n' }, 'lock');
    commit(dir, { 'index.js': 'three\n' }, 'three');
    try {
      // A name of its own: the workspace has a Dockerfile at its top.
      await openFolderFile(page, folder, 'history.Dockerfile');
      await runCommand(page, 'Layer Lens: Replay History');
      const frame = await waitFor(
        'the replay in the history panel',
        async () => {
          const f = await webviewFrame(page, '#app .title');
          const v = await shown(f);
          return v.commits.length === 4 ? f : undefined;
        },
        { timeoutMs: 60_000 },
      );
      const v = await shown(frame);
      assert.match(v.title, /Git history of history\.Dockerfile/);
      assert.match(v.meta, /^4 states replayed, [0-9a-f]{7}\.\.[0-9a-f]{7}/);
      assert.deepEqual(
        v.rows.map((r) => `${r.line} ${r.text}`),
        ['1 FROM node:20-alpine', '2 WORKDIR /app', '3 COPY . .', '4 RUN npm ci'],
      );
      const npm = v.rows[3];
      // The install reruns on every commit (COPY . . before it); `layerlens fix` copies the manifests first, so
      // only the first build and the lock edit rerun it.
      assert.equal(npm.count, '4 of 4');
      assert.equal(npm.fixed, '4 → 2 of 4 with fixes');
      // Its bar split by cause (most frequent first), each part titled; with the fixes, the source edits are gone.
      assert.deepEqual(npm.parts, ['index.js: 2 rebuilt', 'first build: 1 rebuilt', 'package-lock.json: 1 rebuilt']);
      assert.deepEqual(npm.fixedParts.slice(0, 2), ['first build: 1 rebuilt', 'package-lock.json: 1 rebuilt']);
      assert.match(npm.fixedParts[2], /status-cached/);
      assert.deepEqual(
        v.commits.map((c) => c.subject),
        ['first', hostileSubject, 'lock', 'three'],
      );
      assert.deepEqual(
        v.commits.map((c) => c.cells.join('')),
        ['RRRR', '..RR', '..RR', '..RR'],
      );
      // The hostile subject made no element and ran nothing; the only script with a source is the panel's.
      assert.equal(v.img, 0);
      assert.equal(v.b, 0);
      const sources = v.scripts.filter((s) => s !== 'inline');
      assert.equal(sources.length, 1, v.scripts.join(', '));
      assert.match(sources[0], /\/media\/dist\/history\.js$/);
      assert.match(v.csp, /^default-src 'none'; style-src [^;]+; font-src [^;]+; script-src 'nonce-[A-Za-z0-9+/=]+'$/);

      // A click on the hostile commit's install cell: the commit, its reason, its changed file.
      await frame.locator('button.verdict[data-commit="1"][data-row="3"]').click();
      const details = await waitFor('the details of the clicked cell', async () => {
        const d = (await shown(frame)).details;
        return d.includes('Line 4 RUN') ? d : undefined;
      });
      assert.ok(details.includes(hostileSubject), details);
      assert.match(details, /Line 4 RUN: rebuilt: parent step rebuilds: line 3 COPY \(index\.js changed\)/);
      assert.match(details, /Changed: index\.js/);
      // Arrow down: the next commit's cell, the lock edit.
      await page.keyboard.press('ArrowDown');
      await waitFor('the lock commit in the details', async () => /Changed: package-lock\.json/.test((await shown(frame)).details));
      mkdirSync(artifactsDir, { recursive: true });
      const file = join(artifactsDir, 'history-panel.png');
      await frame.locator('body').screenshot({ path: file });
      console.log(`      screenshot: ${file}`);
      assert.deepEqual(dialogs, [], 'no script ran');

      // "Apply fixes": the Dockerfile becomes exactly what `layerlens fix` writes (the CLI on a copy of the
      // folder), as one edit that one Undo reverts. Reached with the keyboard (focus, Enter).
      const original = readFileSync(join(dir, 'history.Dockerfile'), 'utf8');
      const copy = `${dir}-cli`;
      cpSync(dir, copy, { recursive: true });
      const cli = join(repoRoot, 'dist/cli.js');
      execFileSync(process.execPath, [cli, 'fix', 'history.Dockerfile'], { cwd: copy, stdio: 'ignore' });
      const fixedText = readFileSync(join(copy, 'history.Dockerfile'), 'utf8');
      rmSync(copy, { recursive: true, force: true });
      assert.notEqual(fixedText, original, 'layerlens fix changes this Dockerfile');
      const ready = await waitFor('the Apply fixes button enabled', async () => {
        const f = (await shown(frame)).fix;
        return f && f.disabled === null && f.why ? f : undefined;
      });
      assert.match(ready.why, /package/i, ready.why);
      await frame.locator('button.apply-fixes').focus();
      await page.keyboard.press('Enter');
      const done = await waitFor('the panel saying what it applied', async () => {
        const f = (await shown(frame)).fix;
        return f && /^Applied (the fix|\d+ fixes): .*Copy package\.json/.test(f.outcome) && f.disabled ? f : undefined;
      });
      assert.match(done.disabled ?? '', /true/);
      assert.match(done.why, /^Nothing to fix/);
      const file2 = join(artifactsDir, 'history-panel-applied.png');
      await frame.locator('body').screenshot({ path: file2 });
      console.log(`      screenshot: ${file2}`);
      const text = async () => (await editorLines(page)).join('\n').trimEnd();
      await runCommand(page, 'View: Focus First Editor Group');
      await waitFor('the fixed Dockerfile in the editor', async () => (await text()) === fixedText.trimEnd());
      await page.keyboard.press('Control+z');
      await waitFor('the original Dockerfile after one Undo', async () => (await text()) === original.trimEnd());
      // The panel offers the fixes again.
      await waitFor('the Apply fixes button enabled again', async () => (await shown(frame)).fix?.disabled === null);
    } finally {
      await page
        .locator('.tabs-container .tab', { hasText: 'Git History' })
        .first()
        .click({ timeout: 5_000 })
        .catch(() => undefined);
      await runCommand(page, 'View: Close Editor').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('layerLens.history.lensSuffix: each lens ends with the count layerlens history --json gives, and a commit changes it', async () => {
    const { page, workspace } = session();
    const dir = join(workspace, 'history-lens-repo');
    mkdirSync(join(dir, 'src'), { recursive: true });
    git(dir, 'init', '-q');
    commit(
      dir,
      {
        'lens.Dockerfile':
          'FROM node:20-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY src/ ./src/\nCMD ["node", "src/index.js"]\n',
        'package.json': '{"name":"l"}\n',
        'package-lock.json': '{}\n',
        'src/index.js': 'one\n',
        '.dockerignore': '.git\n',
      },
      'first',
    );
    commit(dir, { 'src/index.js': 'two\n' }, 'source edit');
    commit(dir, { 'package-lock.json': '{"v":2}\n' }, 'manifest edit');
    const cli = () => {
      const out = execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'history', 'lens.Dockerfile', '--json'], { cwd: dir, encoding: 'utf8' });
      const json = JSON.parse(out) as { states: number; summary: Array<{ line: number; rebuilds: number; maybe: number }> };
      // The suffix of each instruction's lens, top to bottom (lines 1 to 6; CMD builds nothing: no row, no suffix).
      return [1, 2, 3, 4, 5, 6].map((line) => {
        const r = json.summary.find((row) => row.line === line);
        if (!r) return null;
        return r.maybe
          ? `rebuilt in ${r.rebuilds}, maybe in ${r.maybe}, of the last ${json.states} commits`
          : `rebuilt in ${r.rebuilds} of the last ${json.states} commits`;
      });
    };
    const settings = join(workspace, '.vscode', 'settings.json');
    const suffixesAre = async (expected: Array<string | null>, what: string) => {
      let last: string[] = [];
      try {
        await waitFor(
          what,
          async () => {
            last = await lensTitles(page);
            return (
              last.length === expected.length &&
              last.every((title, i) => {
                const [verdict, suffix, ...rest] = title.split(' · ');
                return verdict && !rest.length && (suffix ?? null) === expected[i];
              })
            );
          },
          { timeoutMs: 90_000, intervalMs: 500 },
        );
      } catch (error) {
        assert.deepEqual(last, expected, `${(error as Error).message}; the lenses say`);
      }
      return last;
    };
    try {
      await openFolderFile(page, 'history-lens-repo', 'lens.Dockerfile');
      await suffixesAre([null, null, null, null, null, null], 'the lenses without a suffix while the setting is off');
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      writeFileSync(settings, JSON.stringify({ 'layerLens.history.lensSuffix': true }, null, 2));
      const three = cli();
      assert.deepEqual(three.slice(2, 5), ['rebuilt in 2 of the last 3 commits', 'rebuilt in 2 of the last 3 commits', 'rebuilt in 3 of the last 3 commits']);
      const titles = await suffixesAre(three, 'every lens with the count of layerlens history --json');
      console.log(`      lenses: ${titles.join(' | ')}`);
      await page.mouse.move(5, 5);
      const file = await screenshot('history-lens-suffix');
      console.log(`      screenshot: ${file}`);

      // A new commit (a source edit): the counts of the new HEAD.
      commit(dir, { 'src/index.js': 'three\n' }, 'another source edit');
      const four = cli();
      assert.deepEqual(four.slice(2, 5), ['rebuilt in 2 of the last 4 commits', 'rebuilt in 2 of the last 4 commits', 'rebuilt in 4 of the last 4 commits']);
      await suffixesAre(four, 'the counts after a new commit');
      const file2 = await screenshot('history-lens-suffix-after-commit');
      console.log(`      screenshot: ${file2}`);
    } finally {
      rmSync(join(workspace, '.vscode'), { recursive: true, force: true });
      await runCommand(page, 'View: Close Editor').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
