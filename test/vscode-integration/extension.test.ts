// Runs inside VS Code's extension host (npm run test:vscode): the extension activates on a Dockerfile and
// claims the Dockerfile file names.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'layer-lens.layer-lens';

describe('Layer Lens in the extension host', () => {
  it('activates when a Dockerfile opens', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the fixture workspace is open');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'Dockerfile'));
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'dockerfile');
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is installed`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  for (const name of ['Containerfile', 'Dockerfile.dev', 'worker.Dockerfile']) {
    it(`${name} opens as a Dockerfile`, async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder);
      const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, name));
      assert.equal(document.languageId, 'dockerfile');
    });
  }
});
