// A status-bar item for Dockerfiles: shows that the server is up and what it sees in the active document.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { statusRequest, type ParamsOf, type ResultOf } from '../../server/src/protocol';
import { showOutputCommand } from './commands';

type StatusResult = ResultOf<typeof statusRequest>;

/** Typing fires many change events; ask the server once the burst settles. */
const refreshDelayMs = 150;

export function registerStatusItem(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem('layerLens.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Layer Lens';
  item.command = showOutputCommand;
  context.subscriptions.push(item);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const refresh = async (): Promise<void> => {
    const current = ++generation;
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'dockerfile') {
      item.hide();
      return;
    }
    item.show();
    if (client.state !== State.Running) {
      show(item, '$(sync~spin) Layer Lens', 'Layer Lens server is starting');
      return;
    }
    try {
      const params: ParamsOf<typeof statusRequest> = { uri: document.uri.toString() };
      const result = await client.sendRequest<StatusResult>(statusRequest.method, params);
      if (current === generation) showResult(item, result);
    } catch (error) {
      if (current === generation) show(item, '$(warning) Layer Lens', `Layer Lens server did not answer: ${String(error)}`);
    }
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh(), refreshDelayMs);
  };

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(schedule),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === vscode.window.activeTextEditor?.document) schedule();
    }),
    client.onDidChangeState(schedule),
    { dispose: () => timer && clearTimeout(timer) },
  );
  schedule();
}

function showResult(item: vscode.StatusBarItem, result: StatusResult): void {
  const count = result.instructionCount;
  const text = count === null ? 'Layer Lens' : `Layer Lens: ${count} ${count === 1 ? 'instruction' : 'instructions'}`;
  show(item, `$(layers) ${text}`, `Layer Lens server ${result.serverVersion} (pid ${result.pid}) is running. Click for its output.`);
}

function show(item: vscode.StatusBarItem, text: string, tooltip: string): void {
  item.text = text;
  item.tooltip = tooltip;
}
