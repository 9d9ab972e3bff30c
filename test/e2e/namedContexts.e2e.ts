// Named contexts in a real VS Code: a compose service whose build has `additional_contexts` (a folder of the workspace
// and a remote one). The Dockerfile is planned with them: after "Mark Current State as Built", the COPY from the named
// folder is cached and the one from the remote context is 'maybe'; an edit of a file in the named folder on disk turns
// that COPY (and the RUN after it) into "rebuilds: shared/util.js changed".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './support/poll';
import { launchSession, type E2ESession, type OwnSession } from './support/session';
import { editorText, lensesAre, openFolderFile, runCommand, scrollEditorToTop, statusBarItem, waitForWorkbench } from './support/workbench';

const folderName = 'named-contexts';
const dockerfile = ['FROM node:20-alpine', 'WORKDIR /app', 'COPY --from=shared util.js ./', 'RUN node util.js', 'COPY --from=upstream /README.md ./', ''].join(
  '\n',
);
const compose = [
  'services:',
  '  web:',
  '    build:',
  '      context: app',
  '      additional_contexts:',
  '        shared: ./shared',
  '        upstream: https://github.com/example/repo.git#main',
  '',
].join('\n');

describe('named contexts of a compose build', () => {
  let root = '';
  let ws = '';
  let s: OwnSession | undefined;

  before(async function () {
    this.timeout(240_000);
    root = mkdtempSync(join(tmpdir(), 'layer-lens-e2e-named-'));
    ws = join(root, folderName);
    mkdirSync(join(ws, 'app'), { recursive: true });
    mkdirSync(join(ws, 'shared'));
    writeFileSync(join(ws, 'app', 'Dockerfile'), dockerfile);
    writeFileSync(join(ws, 'compose.yaml'), compose);
    writeFileSync(join(ws, 'shared', 'util.js'), 'console.log(1)\n');
    const launched = await launchSession(join(root, 'run'), { workspace: ws });
    s = launched;
    await waitForWorkbench(launched.page, folderName);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('COPY --from=NAME reads the named folder: cached once built, "rebuilds: shared/util.js changed" after an edit; the remote one is maybe', async () => {
    const page = (s as E2ESession).page;
    await openFolderFile(page, 'app', 'Dockerfile');
    await waitFor('the Dockerfile text in the editor', async () => (await editorText(page)).includes('COPY --from=shared'));
    await scrollEditorToTop(page);
    await statusBarItem(page, /compose:web/).waitFor({ timeout: 30_000 });
    await runCommand(page, 'Layer Lens: Mark Current State as Built');
    const remote = 'maybe: remote named context upstream: not planned';
    await lensesAre(page, ['cached', 'cached', 'cached', 'cached', remote], 'cached, and the remote named context maybe');
    await s?.shot('named-contexts-built');
    writeFileSync(join(ws, 'shared', 'util.js'), 'console.log(2)\n');
    await lensesAre(
      page,
      ['cached', 'cached', 'rebuilds: shared/util.js changed', 'rebuilds: parent step rebuilds (line 3 COPY)', 'rebuilds: parent step rebuilds (line 3 COPY)'],
      'the COPY from the named folder rebuilding for its file',
    );
    await s?.shot('named-contexts-edited');
  });
});
