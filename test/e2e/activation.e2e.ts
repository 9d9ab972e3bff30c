// The extension in a real VS Code: it activates on Dockerfiles, its language server answers, and a server
// that dies comes back.
import assert from 'node:assert/strict';
import { findProcesses } from './support/processes';
import { waitFor } from './support/poll';
import { session } from './support/session';
import { editorText, outputText, quickOpen, statusBarItem, statusBarItemLabelled } from './support/workbench';

// Instruction counts of the fixture files (test/fixtures/e2e-workspace).
const dockerfileInstructions = 10;

describe('Layer Lens in a real VS Code (code-server)', () => {
  it('opening the Dockerfile starts the server, whose answer shows in the status bar', async () => {
    const { page } = session();
    await quickOpen(page, 'Dockerfile');
    await waitFor('the Dockerfile text in the editor', async () => (await editorText(page)).includes('FROM node:20-alpine AS deps'));
    // The item's text names the baseline; its accessible label adds what the server counted.
    await statusBarItemLabelled(page, `, ${dockerfileInstructions} instructions`).waitFor({ timeout: 60_000 });
    await statusBarItem(page, /Layer Lens: nothing built yet/).waitFor({ timeout: 10_000 });
  });

  it('the status-bar item opens the Layer Lens output, where the server logged its start', async () => {
    const { page } = session();
    await statusBarItem(page, /Layer Lens:/).click();
    const text = await waitFor('the server start line in the Layer Lens output', async () => {
      const shown = await outputText(page);
      return /Layer Lens server \d+\.\d+\.\d+ started \(pid \d+\)/.test(shown) ? shown : undefined;
    });
    assert.match(text, /\[info\]/);
  });

  it('a language server that dies is restarted and answers for the edited document', async () => {
    const { page, codeServer } = session();
    // The server is the only process started from dist/server.js inside this run's extensions folder.
    const running = (): number[] => findProcesses(codeServer.extensionsDir, 'dist/server.js');
    const [firstPid, ...others] = await waitFor('the language server process', () => {
      const pids = running();
      return pids.length > 0 ? pids : undefined;
    });
    assert.deepEqual(others, [], 'one language server runs');
    process.kill(firstPid, 'SIGKILL');

    const secondPid = await waitFor('a restarted language server', () => running().find((pid) => pid !== firstPid), { timeoutMs: 60_000 });
    assert.notEqual(secondPid, firstPid);
    await waitFor('the restart note in the Layer Lens output', async () => /server stopped; restarting it/.test(await outputText(page)));

    // Type a new instruction at the end of the Dockerfile: the restarted server must see the edited text.
    await quickOpen(page, 'Dockerfile');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nHEALTHCHECK CMD wget -qO- http://localhost:3000/ || exit 1');
    await statusBarItemLabelled(page, `, ${dockerfileInstructions + 1} instructions`).waitFor({ timeout: 30_000 });
  });

  for (const [fileName, instructions] of [
    ['Containerfile', 3],
    ['Dockerfile.dev', 4],
    ['worker.Dockerfile', 6],
  ] as const) {
    it(`${fileName} is a Dockerfile too`, async () => {
      const { page } = session();
      await quickOpen(page, fileName);
      await statusBarItemLabelled(page, `, ${instructions} instructions`).waitFor({ timeout: 30_000 });
      // VS Code's language indicator names the language the file was given.
      await page.locator('#status\\.editor\\.mode', { hasText: /Docker/ }).waitFor({ timeout: 10_000 });
    });
  }
});
