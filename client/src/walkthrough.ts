// The "Layer Lens: your first day with the build cache" walkthrough (contributes.walkthroughs in package.json, its
// step texts in package.nls*.json, its pages in media/walkthrough/). This file holds what its steps need from the
// client: the command that copies the bundled example into an empty folder, and the context keys and commands that
// tick steps no existing command or context stands for. Nothing here runs anything from the workspace: the
// example's files come from the extension itself and are only copied.
import * as vscode from 'vscode';

export const createExampleCommand = 'layerLens.walkthrough.createExample';
/** Run by the "copy the manifests first" quick fix once applied (languageClient.ts adds it): ticks the reorder step. */
export const reorderAppliedCommand = 'layerLens.walkthrough.reorderApplied';
export const exampleCreatedKey = 'layerLens.walkthrough.exampleCreated';
export const sourceEditedKey = 'layerLens.walkthrough.sourceEdited';
export const reorderAppliedKey = 'layerLens.walkthrough.reorderApplied';
/** Set when the command did its job (a refused command, e.g. with no Dockerfile open, ticks nothing). */
export const markedBuiltKey = 'layerLens.walkthrough.markedBuilt';
export const layerStackShownKey = 'layerLens.walkthrough.layerStackShown';
export const historyReplayedKey = 'layerLens.walkthrough.historyReplayed';

/** Ticks the walkthrough step that waits for `key`. */
export function tickStep(key: typeof markedBuiltKey | typeof layerStackShownKey | typeof historyReplayedKey): void {
  void vscode.commands.executeCommand('setContext', key, true);
}
/** The example shipped in the .vsix (.vscodeignore lists its files). */
const examplePath = ['examples', 'node-app'];

export function registerWalkthrough(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): void {
  let sourceEdited = false;
  context.subscriptions.push(
    vscode.commands.registerCommand(createExampleCommand, (target?: unknown) => createExample(context, output, target)),
    vscode.commands.registerCommand(reorderAppliedCommand, () => vscode.commands.executeCommand('setContext', reorderAppliedKey, true)),
    // "Edit a source file": a saved file of a workspace folder that is not a Dockerfile or an ignore file (the
    // prediction reads the context from disk, so the save is what changes the verdicts).
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (sourceEdited || !isSourceFile(document)) return;
      sourceEdited = true;
      void vscode.commands.executeCommand('setContext', sourceEditedKey, true);
    }),
  );
}

function isSourceFile(document: vscode.TextDocument): boolean {
  if (document.uri.scheme !== 'file' || document.languageId === 'dockerfile') return false;
  if (!vscode.workspace.getWorkspaceFolder(document.uri)) return false;
  const name = document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1);
  return !/\.dockerignore$|^\.?(Docker|Container)file/i.test(name);
}

/**
 * Copies the bundled example (a Dockerfile that copies everything before `npm install`, its package.json and
 * src/app.js) into a folder the user picks, then opens it: its Dockerfile when the folder is already open in the
 * workspace (or inside a folder of it), else the folder itself. `target` (a folder Uri) skips the folder dialog when the command is called
 * programmatically. Existing files are never overwritten: if any of the example's files is there already, nothing
 * is copied and the message says which.
 */
async function createExample(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, target: unknown): Promise<vscode.Uri | undefined> {
  let folder = target instanceof vscode.Uri ? target : undefined;
  if (!folder) {
    const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: workspaceFolder,
      openLabel: vscode.l10n.t('Create the Example Here'),
      title: vscode.l10n.t('Layer Lens: choose an empty folder for the example Node project'),
    });
    folder = picked?.[0];
    if (!folder) return undefined;
  }
  const source = vscode.Uri.joinPath(context.extensionUri, ...examplePath);
  try {
    const files = await listFiles(source);
    const existing: string[] = [];
    for (const file of files) if (await exists(vscode.Uri.joinPath(folder, ...file))) existing.push(file.join('/'));
    if (existing.length > 0) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Nothing copied: {0} already has {1}, and Layer Lens never overwrites files. Choose an empty folder for the example.',
          folder.path.split('/').filter(Boolean).pop() ?? folder.fsPath,
          existing.join(', '),
        ),
      );
      return undefined;
    }
    // overwrite: false also refuses a file that appeared since the check above.
    for (const file of files) await vscode.workspace.fs.copy(vscode.Uri.joinPath(source, ...file), vscode.Uri.joinPath(folder, ...file), { overwrite: false });
    output.info(`Copied the example Node project into ${folder.fsPath}: ${files.map((f) => f.join('/')).join(', ')}`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.error(`Could not copy the example into ${folder.fsPath}: ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Layer Lens could not copy the example into {0}: {1}', folder.fsPath, message));
    return undefined;
  }
  await vscode.commands.executeCommand('setContext', exampleCreatedKey, true);
  const dockerfile = vscode.Uri.joinPath(folder, 'Dockerfile');
  if (vscode.workspace.getWorkspaceFolder(folder)) {
    // Run from the walkthrough (or another page that is not a text editor): beside it, so both stay in sight.
    const besidePage = !vscode.window.activeTextEditor && vscode.window.tabGroups.activeTabGroup.activeTab !== undefined;
    await vscode.window.showTextDocument(dockerfile, { preview: false, viewColumn: besidePage ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active });
  } else {
    // Another folder is open (or none): open the example in a new window, so this one keeps what it shows.
    await vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: (vscode.workspace.workspaceFolders?.length ?? 0) > 0 });
  }
  return dockerfile;
}

/** The example's files, as path segments relative to it, in a stable order. */
async function listFiles(root: vscode.Uri, prefix: string[] = []): Promise<string[][]> {
  const out: string[][] = [];
  const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, ...prefix));
  for (const [name, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    if (type & vscode.FileType.Directory) out.push(...(await listFiles(root, [...prefix, name])));
    else if (type & vscode.FileType.File) out.push([...prefix, name]);
  }
  if (prefix.length === 0 && out.length === 0) throw new Error(vscode.l10n.t('the extension ships no example files'));
  return out;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
