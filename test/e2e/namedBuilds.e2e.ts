// A Bake target whose named context is another target's output (`contexts = { base = "target:base" }`), in a real VS
// Code: app/Dockerfile is planned with base's own plan (base/Dockerfile, context base/). Before anything is built its
// FROM says that base rebuilds; after "Mark Current State as Built" (which records base's steps too) every step is
// cached; an edit of a file only base copies, on disk, turns FROM base and the steps on top of it into rebuilds,
// naming base's COPY.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './support/poll';
import { launchSession, type E2ESession, type OwnSession } from './support/session';
import { editorText, lensesAre, openFolderFile, runCommand, scrollEditorToTop, statusBarItem, waitForWorkbench } from './support/workbench';

const folderName = 'bake-named-builds';
const app = ['FROM base', 'COPY app.txt ./', 'RUN cat app.txt', ''].join('\n');
const base = ['FROM node:20-alpine', 'COPY base.txt ./', 'RUN cat base.txt', ''].join('\n');
const bake = JSON.stringify({ target: { base: { context: 'base' }, app: { context: 'app', contexts: { base: 'target:base' } } } }, null, 2);

describe('a Bake target: named context', () => {
  let root = '';
  let ws = '';
  let s: OwnSession | undefined;

  before(async function () {
    this.timeout(240_000);
    root = mkdtempSync(join(tmpdir(), 'layer-lens-e2e-named-builds-'));
    ws = join(root, folderName);
    mkdirSync(join(ws, 'app'), { recursive: true });
    mkdirSync(join(ws, 'base'));
    writeFileSync(join(ws, 'docker-bake.json'), bake);
    writeFileSync(join(ws, 'app', 'Dockerfile'), app);
    writeFileSync(join(ws, 'app', 'app.txt'), 'a1\n');
    writeFileSync(join(ws, 'base', 'Dockerfile'), base);
    writeFileSync(join(ws, 'base', 'base.txt'), 'b1\n');
    const launched = await launchSession(join(root, 'run'), { workspace: ws });
    s = launched;
    await waitForWorkbench(launched.page, folderName);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('FROM target:base is planned from base: rebuilds before, cached once built, "base rebuilds: its line 2 COPY" after an edit of base.txt', async () => {
    const page = (s as E2ESession).page;
    await openFolderFile(page, 'app', 'Dockerfile');
    await waitFor('the Dockerfile text in the editor', async () => (await editorText(page)).includes('COPY app.txt'));
    await scrollEditorToTop(page);
    await statusBarItem(page, /bake:app/).waitFor({ timeout: 30_000 });
    const baseFrom = 'rebuilds: named context base (target:base) rebuilds: its line 1 FROM (Dockerfile)';
    await lensesAre(page, [baseFrom, 'rebuilds: not built yet', 'rebuilds: not built yet'], 'base not built yet');
    await s?.shot('named-builds-not-built');
    await runCommand(page, 'Layer Lens: Mark Current State as Built');
    await lensesAre(page, ['cached', 'cached', 'cached'], 'app and base cached once built');
    await s?.shot('named-builds-built');
    writeFileSync(join(ws, 'base', 'base.txt'), 'b2\n');
    await lensesAre(
      page,
      [
        'rebuilds: named context base (target:base) rebuilds: its line 2 COPY (Dockerfile)',
        'rebuilds: parent step rebuilds (line 1 FROM)',
        'rebuilds: parent step rebuilds (line 1 FROM)',
      ],
      'FROM base and the steps on it rebuilding for base.txt',
    );
    await s?.shot('named-builds-base-edited');
  });
});
