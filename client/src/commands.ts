// Commands contributed in package.json, registered in one place; each asks the server and lets the status bar
// and the lenses show the outcome (the server refreshes them).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  clearSimulationRequest,
  formatBytes,
  pickConfigurationRequest,
  recordRequest,
  simulateRequest,
  simulateStepCommand,
  statusRequest,
  stepFilesRequest,
  type ParamsOf,
  type SimulateStepArgs,
} from '../../server/src/protocol';
import { focusLayerStackLine, showLayerStackCommand } from './layerStack/panel';
import { renderMessage } from '../../server/src/protocol';
import { groupByFolder, type ReadFile } from './groupFiles';
import { activeDockerfile } from './activeDockerfile';
import { markedBuiltKey, tickStep } from './walkthrough';

export const showOutputCommand = 'layerLens.showOutput';
export const markAsBuiltCommand = 'layerLens.markAsBuilt';
export const clearSimulationCommand = 'layerLens.clearSimulation';
export const pickConfigurationCommand = 'layerLens.pickConfiguration';

export function registerCommands(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(showOutputCommand, () => output.show(true)),
    vscode.commands.registerCommand(markAsBuiltCommand, () => markAsBuilt(client, output)),
    vscode.commands.registerCommand(simulateStepCommand, (args: SimulateStepArgs) => simulateStep(client, args)),
    vscode.commands.registerCommand(clearSimulationCommand, () => client.sendRequest(clearSimulationRequest, {})),
    vscode.commands.registerCommand(pickConfigurationCommand, () => pickConfiguration(client)),
  );
}

interface ConfigurationPick extends vscode.QuickPickItem {
  id: string;
}

/** Several configurations (compose, Bake, devcontainer, workflow) build the Dockerfile: plan it with another one. */
async function pickConfiguration(client: LanguageClient): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== 'dockerfile') {
    void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: open a Dockerfile to choose its build configuration.'));
    return;
  }
  const uri = document.uri.toString();
  const status = await client.sendRequest(statusRequest, { uri });
  const info = status.configuration;
  if (info?.origin === 'setting') {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Layer Lens: the layerLens.dockerfiles setting applies to this Dockerfile; it wins over compose, Bake, devcontainer and workflow files.'),
    );
    return;
  }
  if (!info || info.choices.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Layer Lens: no compose, Bake, devcontainer or workflow file builds this Dockerfile; it is planned with its folder as the context.'),
    );
    return;
  }
  const items: ConfigurationPick[] = info.choices.map((c) => ({
    id: c.id,
    label: c.id === 'folder' ? vscode.l10n.t("The Dockerfile's folder") : c.label,
    description: c.id === info.id ? `${c.source} $(check)` : c.source,
  }));
  const pick = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Plan this Dockerfile with which build configuration?') });
  if (!pick) return;
  const params: ParamsOf<typeof pickConfigurationRequest> = { uri, id: pick.id };
  await client.sendRequest(pickConfigurationRequest, params);
}

async function markAsBuilt(client: LanguageClient, output: vscode.LogOutputChannel): Promise<void> {
  const document = activeDockerfile();
  if (!document) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: open a Dockerfile to mark its current state as built.'));
    return;
  }
  const params: ParamsOf<typeof recordRequest> = { uri: document.uri.toString() };
  const result = await client.sendRequest(recordRequest, params);
  if (!result) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Layer Lens: this Dockerfile has no build context to record (is it saved on disk?).'));
    return;
  }
  output.info(`Recorded ${result.keys} step keys of ${document.uri.fsPath}${result.storePath ? ` in ${result.storePath}` : ' in memory'}.`);
  if (result.keys > 0) tickStep(markedBuiltKey);
  if (result.warning) void vscode.window.showWarningMessage(vscode.l10n.t('Layer Lens: {0}', renderMessage(result.warning, vscode.l10n.t)));
  // Short: a long message pushes right-hand items (the Simulating item among them) off a narrow status bar.
  vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Marked as built')}`, 5000);
}

interface FilePick extends vscode.QuickPickItem {
  changedFiles: string[];
  editedLines: number[];
  /** "Show in the layer stack" instead of a simulation. */
  showStack?: boolean;
}

/** A lens was clicked: COPY/ADD offers the files it reads; every instruction can pretend its line was edited. */
async function simulateStep(client: LanguageClient, args: SimulateStepArgs): Promise<void> {
  const lineEdit: FilePick = {
    label: `$(edit) ${vscode.l10n.t('Line {0} edited', args.line)}`,
    description: vscode.l10n.t('pretend this {0} line changed', args.keyword),
    changedFiles: [],
    editedLines: [args.line],
  };
  let pick: FilePick | undefined = lineEdit;
  if (args.keyword === 'COPY' || args.keyword === 'ADD') {
    const params: ParamsOf<typeof stepFilesRequest> = { uri: args.uri, line: args.line };
    const reads = (await client.sendRequest(stepFilesRequest, params))?.files ?? [];
    if (reads.length) {
      const stack: FilePick = {
        label: `$(layers) ${vscode.l10n.t('Show in the layer stack')}`,
        description: vscode.l10n.t('open the Layer Stack panel at this step'),
        changedFiles: [],
        editedLines: [],
        showStack: true,
      };
      pick = await vscode.window.showQuickPick(
        [...groupedPicks(reads), { label: '', kind: vscode.QuickPickItemKind.Separator, changedFiles: [], editedLines: [] }, lineEdit, stack],
        {
          title: vscode.l10n.t(
            'Simulate: which file that line {0} {1} copies changed? ({2}, {3})',
            args.line,
            args.keyword,
            fileCount(reads.length),
            formatBytes(reads.reduce((n, f) => n + f.size, 0)),
          ),
          placeHolder: vscode.l10n.t('Pick a file or a folder to pretend it changed (the lenses then show what rebuilds)'),
          matchOnDescription: true,
        },
      );
    }
  }
  if (!pick) return;
  if (pick.showStack) {
    await vscode.commands.executeCommand(showLayerStackCommand, { uri: args.uri, line: args.line });
    return;
  }
  const params: ParamsOf<typeof simulateRequest> = { uri: args.uri, changedFiles: pick.changedFiles, editedLines: pick.editedLines };
  await client.sendRequest(simulateRequest, params);
  // An open layer stack shows the clicked step (it redraws with the simulation itself).
  focusLayerStackLine(args.uri, args.line);
}

const fileCount = (n: number): string => (n === 1 ? vscode.l10n.t('1 file') : vscode.l10n.t('{0} files', n));

/**
 * The files grouped by folder: a separator per folder with its count and bytes, an item for the whole folder when
 * it holds several files, then its files by name (the folder in the description, so typing a path filters).
 */
function groupedPicks(reads: readonly ReadFile[]): FilePick[] {
  const picks: FilePick[] = [];
  for (const group of groupByFolder(reads)) {
    const folder = group.folder ? `${group.folder}/` : './';
    picks.push({
      label: `${folder} · ${fileCount(group.files.length)}, ${formatBytes(group.bytes)}`,
      kind: vscode.QuickPickItemKind.Separator,
      changedFiles: [],
      editedLines: [],
    });
    if (group.files.length > 1) {
      picks.push({
        label: `$(folder) ${folder}`,
        description: vscode.l10n.t('all {0} files in this folder changed', group.files.length),
        changedFiles: group.files.map((f) => f.path),
        editedLines: [],
      });
    }
    for (const file of group.files) {
      picks.push({
        label: file.path.slice(group.folder ? group.folder.length + 1 : 0),
        description: `${group.folder ? folder : ''}  ${formatBytes(file.size)}`.trim(),
        changedFiles: [file.path],
        editedLines: [],
      });
    }
  }
  return picks;
}
