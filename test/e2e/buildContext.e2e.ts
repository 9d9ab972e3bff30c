// "Layer Lens: Show Build Context" in a real VS Code: the Explorer's Build Context view for a Dockerfile whose
// context sends node_modules and has no .dockerignore; its fix creates .dockerignore with the pattern (a
// WorkspaceEdit, saved) and the warning goes away. Runs in a folder of its own, removed afterwards.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { waitFor } from './support/poll';
import { screenshot, session } from './support/session';
import { lens, openFolderFile, runCommand } from './support/workbench';

const folder = 'context-view';

function viewRow(page: Page, text: string | RegExp) {
  return page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
}

describe('Show Build Context in a real VS Code', () => {
  after(() => {
    const { workspace } = session();
    rmSync(join(workspace, folder), { recursive: true, force: true });
  });

  it('the Build Context view lists what is sent; its fix creates .dockerignore and the warning goes', async () => {
    const { page, workspace } = session();
    const dir = join(workspace, folder);
    mkdirSync(join(dir, 'node_modules/left-pad'), { recursive: true });
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'ctx.Dockerfile'), 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm install\n');
    writeFileSync(join(dir, 'package.json'), '{"name":"ctx"}\n');
    writeFileSync(join(dir, 'src/index.js'), 'console.log(1)\n');
    writeFileSync(join(dir, 'node_modules/left-pad/index.js'), 'module.exports = (s) => s;\n');
    await openFolderFile(page, folder, 'ctx.Dockerfile');
    // The extension is up once the new Dockerfile has its lenses.
    await lens(page, 'rebuilds: not built yet').first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'Layer Lens: Show Build Context');
    await viewRow(page, /^Sent to Docker: 4 files/).waitFor({ timeout: 30_000 });
    await viewRow(page, 'Ignore file: none (nothing is kept out)').waitFor({ timeout: 10_000 });
    const warning = viewRow(page, 'node_modules/ is sent (1 file');
    await warning.waitFor({ timeout: 10_000 });
    await screenshot('build-context-view');
    await viewRow(page, 'Fix: add "node_modules" to .dockerignore').click();
    await waitFor(
      '.dockerignore created with the pattern',
      async () => {
        try {
          return readFileSync(join(dir, '.dockerignore'), 'utf8') === 'node_modules\n';
        } catch {
          return false;
        }
      },
      { timeoutMs: 20_000 },
    );
    await viewRow(page, 'Ignore file: .dockerignore').waitFor({ timeout: 30_000 });
    await viewRow(page, 'Kept out by the ignore file').waitFor({ timeout: 10_000 });
    assert.equal(await warning.count(), 0, 'the node_modules warning is gone');
    await screenshot('build-context-view-fixed');
  });
});
