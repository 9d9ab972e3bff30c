// Starts the bundled language server (dist/server.js) over Node IPC and keeps it running.
import * as vscode from 'vscode';
import { didChangeTrustNotification, type DidChangeTrustParams, type InitializationOptions } from '../../server/src/protocol';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { reorderAppliedCommand } from './walkthrough';

/** A server that dies is restarted, but one that keeps dying within this window is left stopped. */
const maxRestarts = 5;
const restartWindowMs = 3 * 60_000;

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  // Context files anywhere in the workspace change verdicts; the server re-examines only the reported paths.
  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  context.subscriptions.push(watcher);
  // The server's strings follow the display language: VS Code picked this extension's bundle for it (l10n/).
  // Read at every (re)start of the server: trust granted since the window opened holds for a restarted server too.
  const initializationOptions = (): InitializationOptions => ({
    machineStore: true,
    legacyStorePath: legacyStorePath(context),
    l10n: { locale: vscode.env.language, ...(vscode.l10n.bundle ? { bundle: vscode.l10n.bundle } : {}) },
    trusted: vscode.workspace.isTrusted,
  });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'dockerfile' }],
    outputChannel: output,
    errorHandler: restartingErrorHandler(output),
    initializationOptions,
    synchronize: { fileEvents: watcher, configurationSection: 'layerLens' },
    middleware: {
      // The walkthrough's reorder step ticks when the "copy the manifests first" fix is applied: the editor runs
      // an action's command after its edit.
      provideCodeActions: async (document, range, context, token, next) => {
        const actions = await next(document, range, context, token);
        for (const action of actions ?? []) {
          if (action instanceof vscode.CodeAction && !action.command && action.diagnostics?.some((d) => d.code === 'copy-before-install')) {
            action.command = { command: reorderAppliedCommand, title: action.title };
          }
        }
        return actions;
      },
    },
  };
  const client = new LanguageClient('layerLens', 'Layer Lens', serverOptions, clientOptions);
  // Untrusted, the server runs no git and no docker; once the user trusts the workspace it may (trust is never
  // taken back within a window).
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      // Not started (or stopped): its next start reads isTrusted. Starting: the notification waits for it.
      if (client.state === State.Stopped) return;
      const params: DidChangeTrustParams = { trusted: true };
      client
        .sendNotification(didChangeTrustNotification, params)
        .catch((error: unknown) => output.warn(`Could not tell the server that the workspace is trusted: ${String(error)}`));
    }),
  );
  return client;
}

/**
 * Where earlier versions kept this workspace's cache store (the extension's storage). The server now uses the
 * machine's store, shared with the CLI, and moves the builds of this file into it once.
 */
function legacyStorePath(context: vscode.ExtensionContext): string {
  return vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'cache-store.json').fsPath;
}

/**
 * Like the library's default handler, but it says in the output channel what it does, and it does not pop up
 * a notification for a restart the user needs to do nothing about.
 */
function restartingErrorHandler(output: vscode.LogOutputChannel): ErrorHandler {
  const restarts: number[] = [];
  return {
    error: (_error, _message, count) => ({ action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
    closed: () => {
      const now = Date.now();
      while (restarts.length > 0 && now - restarts[0] > restartWindowMs) restarts.shift();
      if (restarts.length >= maxRestarts) {
        const message = vscode.l10n.t(
          'Layer Lens server stopped {0} times in 3 minutes and will not be restarted. Reload the window to start it again.',
          maxRestarts + 1,
        );
        output.error(message);
        return { action: CloseAction.DoNotRestart, message };
      }
      restarts.push(now);
      output.warn(`Layer Lens server stopped; restarting it (${restarts.length} of ${maxRestarts} restarts allowed in 3 minutes).`);
      return { action: CloseAction.Restart, handled: true };
    },
  };
}
