// Wires the language server's handlers to a connection. Each handler is one line over a function that
// computes plain data, so tests can drive the real server over in-memory streams.
import { TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DockerfileParser } from 'dockerfile-ast';
import { statusRequest, type StatusParams, type StatusResult } from './protocol';
import { version } from '../../package.json';

export const serverVersion: string = version;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);

  connection.onInitialize((): InitializeResult => ({
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'Layer Lens', version: serverVersion },
  }));
  connection.onInitialized(() => connection.console.info(`Layer Lens server ${serverVersion} started (pid ${process.pid})`));
  connection.onRequest(statusRequest.method, (params: StatusParams): StatusResult => status(documents, params));

  documents.listen(connection);
  connection.listen();
}

function status(documents: TextDocuments<TextDocument>, params: StatusParams): StatusResult {
  const document = params.uri === undefined ? undefined : documents.get(params.uri);
  return {
    serverVersion,
    pid: process.pid,
    instructionCount: document ? DockerfileParser.parse(document.getText()).getInstructions().length : null,
  };
}
