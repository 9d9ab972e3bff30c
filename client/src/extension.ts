// Activation wires the pieces together; each piece lives in its own file.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerBuildContext } from './buildContext';
import { registerBuildImage } from './buildImage';
import { registerCommands } from './commands';
import { registerConfigLenses } from './configLens';
import { didUpdateEvent } from './didUpdate';
import { registerHistory } from './history/panel';
import { registerLayerStack } from './layerStack/panel';
import { createLanguageClient } from './languageClient';
import { registerSeenBuilds } from './seenBuilds';
import { registerDockerHistory } from './dockerHistory';
import { registerStatusItems } from './statusItem';
import { registerWalkthrough } from './walkthrough';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Layer Lens', { log: true });
  context.subscriptions.push(output);
  client = createLanguageClient(context, output);
  registerCommands(context, output, client);
  registerBuildImage(context, output, client);
  const didUpdate = didUpdateEvent(context, client);
  registerStatusItems(context, client, didUpdate);
  registerLayerStack(context, client, didUpdate);
  registerHistory(context, client);
  registerBuildContext(context, client, didUpdate);
  registerConfigLenses(context, client, didUpdate);
  registerSeenBuilds(context, output, client, registerDockerHistory(context, output, client));
  registerWalkthrough(context, output);
  await client.start();
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
