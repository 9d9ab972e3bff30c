// The build the project really runs, in a real VS Code: a compose project (made at test time) whose service builds
// docker/api.Dockerfile with the project folder as the context and target `prod`. Opened with no setting, the
// Dockerfile is planned as compose builds it (the COPY of package.json finds it, the `dev` stage after the target is
// skipped) and the status bar names the configuration; "Choose Build Configuration" switches to the Dockerfile's
// folder (then package.json is not in the context and `dev` is the target); editing compose.yaml's target is
// followed. The compose service has a lens with its plan in a few words; clicking it opens the Dockerfile planned with
// that service (even after the folder was picked) and its layer stack.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './support/poll';
import { launchSession, type E2ESession, type OwnSession } from './support/session';
import {
  editorText,
  lens,
  lensesAre,
  openFolderFile,
  openFromExplorer,
  runCommand,
  scrollEditorToTop,
  statusBarItem,
  waitForWorkbench,
} from './support/workbench';
import { webviewFrame } from './support/webview';

const folderName = 'compose-project';
const dockerfile =
  [
    'FROM node:20-alpine AS base',
    'WORKDIR /app',
    'COPY package.json ./',
    'RUN npm install',
    '',
    'FROM base AS prod',
    'ARG NODE_ENV',
    'COPY src ./src',
    'RUN echo "$NODE_ENV" > /app/env',
    'CMD ["node", "src/index.js"]',
    '',
    'FROM base AS dev',
    'RUN npm install --include=dev',
    'CMD ["npm", "run", "dev"]',
  ].join('\n') + '\n';
const compose = (target: string) =>
  `services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api.Dockerfile\n      target: ${target}\n      args:\n        NODE_ENV: production\n`;

const notBuilt = 'rebuilds: not built yet';
const metadata = 'metadata only: no rebuild';
const afterTarget = 'skipped: after the target stage';
const prodSkipped = 'skipped: stage not needed';

describe('the build a compose file declares', () => {
  let root = '';
  let ws = '';
  let s: OwnSession | undefined;

  before(async function () {
    this.timeout(240_000);
    root = mkdtempSync(join(tmpdir(), 'layer-lens-e2e-compose-'));
    ws = join(root, folderName);
    mkdirSync(join(ws, 'docker'), { recursive: true });
    mkdirSync(join(ws, 'src'));
    writeFileSync(join(ws, 'docker', 'api.Dockerfile'), dockerfile);
    writeFileSync(join(ws, 'compose.yaml'), compose('prod'));
    writeFileSync(join(ws, 'package.json'), '{"name":"api","version":"1.0.0"}\n');
    writeFileSync(join(ws, 'src', 'index.js'), 'console.log("api")\n');
    const launched = await launchSession(join(root, 'run'), { workspace: ws });
    s = launched;
    await waitForWorkbench(launched.page, folderName);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const shot = async (name: string): Promise<void> => s?.shot(name);

  it('opening the Dockerfile plans it as compose builds it: project context, target prod; the status bar says so', async () => {
    const page = (s as E2ESession).page;
    await openFolderFile(page, 'docker', 'api.Dockerfile');
    await waitFor('the Dockerfile text in the editor', async () => (await editorText(page)).includes('FROM base AS prod'));
    await scrollEditorToTop(page);
    // FROM base, WORKDIR, COPY package.json (found: the context is the project), RUN; prod's ARG, COPY src, RUN,
    // CMD; dev after the target: skipped.
    await lensesAre(
      page,
      [notBuilt, notBuilt, notBuilt, notBuilt, 'continues stage base', metadata, notBuilt, notBuilt, metadata, afterTarget, afterTarget, afterTarget],
      'the lenses of the compose build',
    );
    await statusBarItem(page, /compose:api \(target prod\)/).waitFor({ timeout: 20_000 });
    await shot('configs-compose-planned');
  });

  it('"Choose Build Configuration" switches to the Dockerfile\'s folder: package.json is not in that context, dev is the target', async () => {
    const page = (s as E2ESession).page;
    await runCommand(page, 'Layer Lens: Choose Build Configuration');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: "The Dockerfile's folder" }).first();
    await row.waitFor({ timeout: 20_000 });
    await shot('configs-picker');
    await row.click();
    await statusBarItem(page, /the Dockerfile's folder/).waitFor({ timeout: 20_000 });
    await scrollEditorToTop(page);
    await lensesAre(
      page,
      [notBuilt, notBuilt, notBuilt, notBuilt, prodSkipped, prodSkipped, prodSkipped, prodSkipped, prodSkipped, 'continues stage base', notBuilt, metadata],
      'the lenses with the folder as the context',
    );
    await shot('configs-folder-picked');
    // back to compose for the next test
    await runCommand(page, 'Layer Lens: Choose Build Configuration');
    const composeRow = page.locator('.quick-input-list .monaco-list-row', { hasText: 'compose:api' }).first();
    await composeRow.waitFor({ timeout: 20_000 });
    await composeRow.click();
    await statusBarItem(page, /compose:api \(target prod\)/).waitFor({ timeout: 20_000 });
  });

  it('editing compose.yaml (target prod -> dev) is followed: the status bar and the lenses change', async () => {
    const page = (s as E2ESession).page;
    writeFileSync(join(ws, 'compose.yaml'), readFileSync(join(ws, 'compose.yaml'), 'utf8').replace('target: prod', 'target: dev'));
    await statusBarItem(page, /compose:api \(target dev\)/).waitFor({ timeout: 30_000 });
    await scrollEditorToTop(page);
    await lensesAre(
      page,
      [notBuilt, notBuilt, notBuilt, notBuilt, prodSkipped, prodSkipped, prodSkipped, prodSkipped, prodSkipped, 'continues stage base', notBuilt, metadata],
      'the lenses after the target changed to dev',
    );
    await shot('configs-compose-target-dev');
  });

  it('the compose service has a lens with its plan; clicking it plans the Dockerfile with that service and opens its layer stack', async () => {
    const page = (s as E2ESession).page;
    // Plan the Dockerfile with its folder first, so the click has something to switch back.
    await runCommand(page, 'Layer Lens: Choose Build Configuration');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: "The Dockerfile's folder" }).first();
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await statusBarItem(page, /the Dockerfile's folder/).waitFor({ timeout: 20_000 });
    await openFromExplorer(page, 'compose.yaml');
    // target dev: FROM base, WORKDIR, COPY package.json, RUN npm install, RUN npm install --include=dev.
    const composeLens = lens(page, 'Layer Lens: 5 steps, 5 rebuild');
    await composeLens.waitFor({ timeout: 30_000 });
    await shot('configs-compose-service-lens');
    // The lens re-renders while the plan settles: a click can land on one going away, so click again until the
    // status bar names the service (clicking twice only plans the same configuration twice).
    const chosen = statusBarItem(page, /compose:api \(target dev\)/);
    await waitFor(
      'the status bar to name compose:api (target dev) after the lens click',
      async () => {
        if (await chosen.isVisible()) return true;
        await composeLens.click({ timeout: 5_000 });
        await chosen.waitFor({ timeout: 15_000 });
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    await page.locator('.tabs-container .tab', { hasText: 'Layer Stack: docker/api.Dockerfile' }).waitFor({ timeout: 30_000 });
    await webviewFrame(page, '#app .title');
    await shot('configs-compose-lens-opened');
  });
});
