// Lenses on compose services and Bake targets (compose.yaml, docker-bake.hcl/json, the files they include):
// the server plans each one's Dockerfile with that configuration and says it in a few words; clicking opens the
// Dockerfile planned with it, and its layer stack.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { configLensesRequest, openConfigurationCommand, pickConfigurationRequest, type OpenConfigurationArgs, type ParamsOf } from '../../server/src/protocol';
import { showLayerStackCommand } from './layerStack/panel';

/** The files compose and Bake read (any YAML, since compose `include`s and `extends` name files freely); the server answers none for others. */
const selector: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{yaml,yml}' },
  { scheme: 'file', pattern: '**/docker-bake*.{hcl,json}' },
];

export function registerConfigLenses(context: vscode.ExtensionContext, client: LanguageClient, onDidUpdate: vscode.Event<string[]>): void {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses: async (document, token) => {
      if (client.state !== State.Running) return [];
      const params: ParamsOf<typeof configLensesRequest> = { uri: document.uri.toString() };
      const lenses = await client.sendRequest(configLensesRequest, params, token).catch(() => []);
      return lenses.map((l) => {
        const line = Math.min(Math.max(l.line - 1, 0), Math.max(document.lineCount - 1, 0));
        const args: OpenConfigurationArgs | undefined = l.dockerfileUri && l.configId ? { dockerfileUri: l.dockerfileUri, configId: l.configId } : undefined;
        return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: l.title,
          tooltip: l.tooltip,
          command: args ? openConfigurationCommand : '',
          ...(args ? { arguments: [args] } : {}),
        });
      });
    },
  };
  context.subscriptions.push(
    changed,
    vscode.languages.registerCodeLensProvider(selector, provider),
    // Verdicts moved (files, recorded builds, a pick, settings) or the server (re)started: the lenses ask again.
    onDidUpdate(() => changed.fire()),
    client.onDidChangeState((e) => e.newState === State.Running && changed.fire()),
    vscode.workspace.onDidSaveTextDocument((d) => d.languageId === 'dockerfile' && changed.fire()),
    vscode.commands.registerCommand(openConfigurationCommand, (args: OpenConfigurationArgs) => openConfiguration(client, args)),
  );
}

/** Open the Dockerfile, plan it with the clicked configuration and show its layer stack. */
async function openConfiguration(client: LanguageClient, args: OpenConfigurationArgs): Promise<void> {
  if (typeof args?.dockerfileUri !== 'string' || typeof args.configId !== 'string') return;
  const uri = vscode.Uri.parse(args.dockerfileUri);
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== 'dockerfile') await vscode.languages.setTextDocumentLanguage(document, 'dockerfile');
  await vscode.window.showTextDocument(document, { preview: false });
  const params: ParamsOf<typeof pickConfigurationRequest> = { uri: uri.toString(), id: args.configId };
  // The server learns of the opened document through the language client's didOpen: ask until it has it.
  for (let attempt = 0; attempt < 20; attempt++) {
    const info = await client.sendRequest(pickConfigurationRequest, params);
    if (info) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await vscode.commands.executeCommand(showLayerStackCommand, { uri: uri.toString() });
}
