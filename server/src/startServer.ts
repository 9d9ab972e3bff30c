// Wires the language server's handlers to a connection. Each handler is one line over a feature module
// (server/src/features/*) that reads the shared per-document state (documents.ts), so tests can drive the
// real server over in-memory streams.
import { fileURLToPath } from 'node:url';
import {
  CodeLensRefreshRequest,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DockerfileDocuments } from './documents';
import { codeLenses } from './features/codeLens';
import { layerStack } from './features/layerStack';
import { pulledSettings } from './features/configuration';
import { openWorkspaceStore } from './features/record';
import { planResult } from './features/simulate';
import { serverVersion, status } from './features/status';
import {
  clearSimulationRequest,
  didUpdateNotification,
  layerStackRequest,
  planRequest,
  recordRequest,
  simulateRequest,
  statusRequest,
  type DocumentParams,
  type InitializationOptions,
  type SimulateParams,
  type StatusParams,
} from './protocol';

export { serverVersion };

export function startServer(connection: Connection): void {
  const texts = new TextDocuments(TextDocument);
  let documents!: DockerfileDocuments;
  const text = (uri: string) => texts.get(uri)?.getText();

  connection.onInitialize((params): InitializeResult => {
    documents = createDocuments(connection, texts, params);
    return {
      capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental, codeLensProvider: { resolveProvider: false } },
      serverInfo: { name: 'Layer Lens', version: serverVersion },
    };
  });
  connection.onInitialized(() => connection.console.info(`Layer Lens server ${serverVersion} started (pid ${process.pid})`));
  texts.onDidOpen((e) => documents.opened(e.document.uri));
  texts.onDidChangeContent((e) => documents.changed(e.document.uri));
  texts.onDidClose((e) => documents.closed(e.document.uri));
  connection.onDidChangeWatchedFiles((p) => documents.filesChanged(p.changes.flatMap((c) => (c.uri.startsWith('file:') ? [fileURLToPath(c.uri)] : []))));
  connection.onDidChangeConfiguration(() => documents.settingsChanged());
  connection.onCodeLens(async (p) => codeLenses(await documents.analysis(p.textDocument.uri)));
  connection.onRequest(statusRequest.method, (p: StatusParams) => status(documents, text, p));
  connection.onRequest(planRequest.method, async (p: DocumentParams) => mapDefined(await documents.analysis(p.uri), planResult));
  connection.onRequest(layerStackRequest.method, async (p: DocumentParams) => mapDefined(await documents.analysis(p.uri), (a) => layerStack(a)));
  connection.onRequest(simulateRequest.method, async (p: SimulateParams) => (await documents.simulate(p.uri, p.changedFiles ?? [], p.editedLines ?? [])) ?? null);
  connection.onRequest(clearSimulationRequest.method, () => (documents.clearSimulation(), null));
  connection.onRequest(recordRequest.method, async (p: DocumentParams) => (await documents.record(p.uri)) ?? null);

  texts.listen(connection);
  connection.listen();
}

function createDocuments(connection: Connection, texts: TextDocuments<TextDocument>, params: InitializeParams): DockerfileDocuments {
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  const settings = pulledSettings(connection, params.capabilities.workspace?.configuration === true);
  const canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  const folders = (params.workspaceFolders ?? []).flatMap((f) => (f.uri.startsWith('file:') ? [fileURLToPath(f.uri)] : []));
  const store = openWorkspaceStore(typeof options.storePath === 'string' ? options.storePath : undefined);
  if (store.warning) connection.console.warn(store.warning);
  return new DockerfileDocuments({
    text: (uri) => texts.get(uri),
    settingsFor: (uri) => settings.get(uri),
    forgetSettings: () => settings.clear(),
    workspaceFolders: () => folders,
    store,
    log: (level, message) => connection.console[level](message),
    didUpdate: (uris) => {
      if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      void connection.sendNotification(didUpdateNotification.method, { uris });
    },
  });
}

function mapDefined<T, R>(value: T | undefined, f: (value: T) => R): R | null {
  return value === undefined ? null : f(value);
}
