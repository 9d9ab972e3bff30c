// One code-server and one browser page for the whole e2e run, shared by every *.e2e.ts file.
// scripts/vscode/run-e2e.mjs installs code-server, packages the .vsix, and passes both in the environment.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { openBrowser, type Browser } from './browser';
import { startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';
import { waitForWorkbench } from './workbench';

export const repoRoot = resolve(__dirname, '../../..');
/** Screenshots and logs; LAYERLENS_E2E_ARTIFACTS moves them (two runs at once must not share one folder). */
export const artifactsDir = process.env.LAYERLENS_E2E_ARTIFACTS ? resolve(process.env.LAYERLENS_E2E_ARTIFACTS) : join(repoRoot, '.artifacts/e2e');
export const workspaceName = 'e2e-workspace';

export interface E2ESession {
  page: Page;
  codeServer: CodeServer;
  /** The copy of test/fixtures/e2e-workspace that VS Code has open (tests may edit it). */
  workspace: string;
}

/** A session a test starts for itself (another workspace, display language or trust): it closes it itself. */
export interface OwnSession extends E2ESession {
  browser: Browser;
  close(): Promise<void>;
  /** A screenshot of its page into the artifacts folder, as `<name>.png`. */
  shot(name: string): Promise<void>;
}

let current: E2ESession | undefined;
let browser: Browser | undefined;
let runDir: string | undefined;

export function session(): E2ESession {
  if (!current) throw new Error('The e2e session is not running (start the suite with `npm run test:e2e`).');
  return current;
}

export async function startSession(): Promise<void> {
  runDir = mkdtempSync(join(tmpdir(), 'layer-lens-e2e-'));
  const launched = await launchSession(runDir);
  browser = launched.browser;
  current = launched;
  await waitForWorkbench(browser.page, workspaceName);
}

/**
 * code-server with the extension and a fresh copy of the fixture workspace under `runDir`, and a browser page
 * on it. The suite's session is one; a test that needs VS Code in another display language starts its own.
 */
export async function launchSession(
  runDir: string,
  options: Pick<CodeServerOptions, 'locale' | 'extraVsix' | 'beforeStart' | 'restrictedMode' | 'env'> & { workspace?: string } = {},
): Promise<OwnSession> {
  const codeServerDir = requiredEnv('LAYERLENS_E2E_CODE_SERVER');
  const vsix = requiredEnv('LAYERLENS_E2E_VSIX');
  const { workspace: own, ...rest } = options;
  // `workspace`: a folder the test made (opened as it is); otherwise a copy of the fixture workspace.
  const workspace = own ?? join(runDir, workspaceName);
  if (!own) cpSync(join(repoRoot, 'test/fixtures', workspaceName), workspace, { recursive: true });
  const codeServer = await startCodeServer({ codeServerDir, vsix, workspace, runDir, ...rest });
  const opened = await openBrowser(join(runDir, 'chromium-profile'), codeServer.url).catch(async (error: unknown) => {
    await codeServer.stop();
    throw error;
  });
  return {
    page: opened.page,
    codeServer,
    workspace,
    browser: opened,
    close: async () => {
      await opened.close().catch(() => undefined);
      await codeServer.stop();
    },
    shot: async (name: string) => {
      mkdirSync(artifactsDir, { recursive: true });
      await opened.page.screenshot({ path: join(artifactsDir, `${name}.png`) });
    },
  };
}

export async function stopSession(): Promise<void> {
  const started = current;
  current = undefined;
  await browser?.close().catch(() => undefined);
  browser = undefined;
  if (started) await started.codeServer.stop();
  if (runDir) {
    // Keep the logs of code-server, the extension host and the language client next to the screenshots.
    const logs = join(artifactsDir, 'logs');
    mkdirSync(logs, { recursive: true });
    cpSync(join(runDir, 'code-server.log'), join(logs, 'code-server.log'), { force: true });
    cpSync(join(runDir, 'user-data/logs'), join(logs, 'vscode'), { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
    runDir = undefined;
  }
}

export async function screenshot(name: string): Promise<string | undefined> {
  if (!current) return undefined;
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, `${name}.png`);
  await current.page.screenshot({ path: file });
  return file;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`npm run test:e2e\`.`);
  return value;
}
