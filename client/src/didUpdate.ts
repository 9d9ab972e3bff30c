// The server's layerLens/didUpdate notification as an event many parts of the client can listen to
// (the language client keeps one handler per notification method).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { didUpdateNotification, type DidUpdateParams } from '../../server/src/protocol';

export function didUpdateEvent(context: vscode.ExtensionContext, client: LanguageClient): vscode.Event<string[]> {
  const emitter = new vscode.EventEmitter<string[]>();
  context.subscriptions.push(
    emitter,
    client.onNotification(didUpdateNotification, (params: DidUpdateParams) => emitter.fire(params?.uris ?? [])),
  );
  return emitter.event;
}
