// Commands contributed in package.json, registered in one place.
import * as vscode from 'vscode';

export const showOutputCommand = 'layerLens.showOutput';

export function registerCommands(context: vscode.ExtensionContext, output: vscode.OutputChannel): void {
  context.subscriptions.push(vscode.commands.registerCommand(showOutputCommand, () => output.show(true)));
}
