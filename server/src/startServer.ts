// Wires the language server's handlers to a connection. Each handler is one line over a feature module
// (server/src/features/*) that reads the shared per-document state (documents.ts), so tests can drive the
// real server over in-memory streams.
import { fileURLToPath } from 'node:url';
import { msg, renderMessage, type Message } from './core/shared/message';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DockerfileDocuments } from './documents';
import type { Translate } from './core/shared/translate';
import { codeActions, type EditSupport } from './features/codeActions';
import { fixAllEdit } from './features/fixAll';
import { codeLenses } from './features/codeLens';
import { ConfigLenses } from './features/configLens';
import { layerStack } from './features/layerStack';
import { buildContext } from './features/buildContext';
import { stepFiles, stepFilesParams } from './features/stepFiles';
import { pulledSettings, type SettingsSource } from './lsp/configuration';
import { DiagnosticsPublisher, type DiagnosticsHost as DiagnosticsPublisherHost } from './features/diagnostics';
import { guarded } from './lsp/guard';
import { hover } from './features/hover';
import { serverTranslate } from './l10n/l10n';
import { buildImage } from './features/buildImage';
import { historyParams, HistoryService } from './history/request';
import { replayOptions } from './history/options';
import { HistoryLens, HistoryAnswers } from './history/lens';
import { HeadCache } from './history/headCache';
import { withHistorySuffix } from './features/historyLens';
import {
  buildEndedParams,
  buildStartedParams,
  documentParams,
  noParams,
  pickConfigurationParams,
  simulateParams,
  statusParams,
  trustParams,
} from './lsp/params';
import { openWorkspaceStore, storePathOf } from './store/record';
import { SeenBuilds } from './features/seenBuilds';
import { DockerHistoryReader } from './features/dockerHistory';
import { dockerHistoryRunner } from './build/dockerHistory';
import { planResponse } from './features/simulate';
import { serverVersion, status } from './features/status';
import {
  buildEndedRequest,
  buildImageRequest,
  buildStartedRequest,
  readDockerHistoryRequest,
  type ReadDockerHistoryResult,
  buildOutputNotification,
  clearSimulationRequest,
  configLensesRequest,
  didChangeTrustNotification,
  didUpdateNotification,
  historyProgressNotification,
  fixAllRequest,
  historyRequest,
  layerStackRequest,
  buildContextRequest,
  stepFilesRequest,
  pickConfigurationRequest,
  planRequest,
  recordRequest,
  simulateRequest,
  statusRequest,
  type BuildImageResult,
  type InitializationOptions,
} from './protocol';

export { serverVersion };

/** Build Image runs docker build, which runs the Dockerfile's RUN commands: never in an untrusted workspace. */
export const RESTRICTED_BUILD_PROBLEM: Message = msg('buildUntrusted');

/** Whether the user trusts the workspace; untrusted until the client says otherwise. */
interface Trust {
  trusted: boolean;
}

/** What the editor features share besides the documents: settings, the display language, what edits the client applies. */
interface EditorState {
  settings: SettingsSource;
  t: Translate;
  diagnostics: DiagnosticsPublisher;
  edits: EditSupport;
}

export function startServer(connection: Connection): void {
  const texts = new TextDocuments(TextDocument);
  let documents!: DockerfileDocuments;
  let editor!: EditorState;
  const text = (uri: string) => texts.get(uri)?.getText();
  const versioned = (uri: string) => mapDefined(texts.get(uri), (d) => ({ text: d.getText(), version: d.version })) ?? undefined;
  const logError = (message: string) => connection.console.error(message);
  const trust: Trust = { trusted: false };
  let canRefreshLenses = false;
  const historyLens = new HistoryLens(
    {
      trusted: () => trust.trusted,
      analysis: (uri) => documents.analysis(uri),
      settings: (uri) => editor.settings.get(uri),
      options: replayOptions,
      log: (level, message) => connection.console[level](message),
      refresh: () => void (canRefreshLenses && connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined)),
    },
    new HistoryAnswers(),
    new HeadCache(),
  );

  connection.onInitialize((params): InitializeResult => {
    trust.trusted = (params.initializationOptions as InitializationOptions | undefined)?.trusted === true;
    canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    editor = editorState(connection, params, (uri) => documents.analysis(uri), versioned, trust);
    documents = createDocuments(connection, texts, params, editor, trust);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeLensProvider: { resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'Layer Lens', version: serverVersion },
    };
  });
  connection.onInitialized(() => {
    connection.console.info(`Layer Lens server ${serverVersion} started (pid ${process.pid})`);
    if (!trust.trusted)
      connection.console.info(
        'Restricted Mode: the workspace is not trusted, so Layer Lens starts no process (no git, no docker) and only predicts from the files.',
      );
  });
  texts.onDidOpen((e) => documents.opened(e.document.uri));
  texts.onDidChangeContent((e) => (documents.changed(e.document.uri), editor.diagnostics.update([e.document.uri])));
  texts.onDidClose((e) => (documents.closed(e.document.uri), editor.diagnostics.clear(e.document.uri)));
  connection.onDidChangeWatchedFiles((p) => {
    const paths = p.changes.flatMap((c) => (c.uri.startsWith('file:') ? [fileURLToPath(c.uri)] : []));
    documents.filesChanged(paths);
    historyLens.filesChanged(paths);
  });
  connection.onDidChangeConfiguration(() => documents.settingsChanged());
  // The editor cancels a request it no longer needs (the user typed on, scrolled away): its waits end early.
  connection.onCodeLens(
    cancellable(
      guarded(logError, 'CodeLens', [], async (p, token) => {
        const analysis = await documents.analysis(p.textDocument.uri, token);
        return withHistorySuffix(codeLenses(analysis, editor.t), analysis, await historyLens.answerFor(analysis), editor.t);
      }),
    ),
  );
  connection.onHover(
    cancellable(
      guarded(logError, 'hover', null, async (p, token) =>
        hover(
          await documents.analysis(p.textDocument.uri, token),
          text(p.textDocument.uri),
          p.position,
          await editor.settings.get(p.textDocument.uri),
          editor.t,
        ),
      ),
    ),
  );
  connection.onCodeAction(
    cancellable(
      guarded(logError, 'code actions', [], async (p, token) =>
        codeActions(await documents.analysis(p.textDocument.uri, token), versioned(p.textDocument.uri), p, editor.edits, editor.t),
      ),
    ),
  );
  connection.onRequest(statusRequest, (p: unknown) => status(documents, text, statusParams(statusRequest, p)));
  connection.onRequest(
    planRequest,
    cancellable(async (p: unknown, token) => mapDefined(await documents.analysis(documentParams(planRequest, p).uri, token), planResponse)),
  );
  connection.onRequest(
    layerStackRequest,
    cancellable(async (p: unknown, token) =>
      mapDefined(await documents.analysis(documentParams(layerStackRequest, p).uri, token), (a) => layerStack(a, editor.t)),
    ),
  );
  connection.onRequest(
    stepFilesRequest,
    cancellable(async (p: unknown, token) => {
      const { uri, line } = stepFilesParams(stepFilesRequest, p);
      return mapDefined(await documents.analysis(uri, token), (a) => stepFiles(a, line));
    }),
  );
  connection.onRequest(
    buildContextRequest,
    cancellable(async (p: unknown, token) =>
      mapDefined(await documents.analysis(documentParams(buildContextRequest, p).uri, token), (a) => buildContext(a, editor.t)),
    ),
  );
  connection.onRequest(simulateRequest, async (p: unknown) => {
    const { uri, changedFiles, editedLines } = simulateParams(simulateRequest, p);
    return (await documents.simulate(uri, changedFiles, editedLines)) ?? null;
  });
  connection.onRequest(clearSimulationRequest, (p: unknown) => (noParams(clearSimulationRequest, p), documents.clearSimulation(), null));
  connection.onRequest(pickConfigurationRequest, async (p: unknown) => {
    const { uri, id } = pickConfigurationParams(pickConfigurationRequest, p);
    return (await documents.pickConfiguration(uri, id)) ?? null;
  });
  connection.onRequest(recordRequest, async (p: unknown) => (await documents.record(documentParams(recordRequest, p).uri)) ?? null);
  connection.onRequest(buildImageRequest, (p: unknown, token: CancellationToken): BuildImageResult | Promise<BuildImageResult> => {
    const { uri } = documentParams(buildImageRequest, p);
    if (!trust.trusted) return { report: null, reportText: null, problem: RESTRICTED_BUILD_PROBLEM };
    return buildImage(documents, uri, abortSignal(token), (lines) => void connection.sendNotification(buildOutputNotification, { uri, lines }));
  });
  connection.onRequest(
    fixAllRequest,
    cancellable(async (p: unknown, token) => {
      const { uri } = documentParams(fixAllRequest, p);
      const analysis = await documents.analysis(uri, token);
      return fixAllEdit(analysis, versioned(uri), uri, editor.edits, trust.trusted, editor.t);
    }),
  );
  const history = new HistoryService(
    {
      trusted: () => trust.trusted,
      analysis: (uri) => documents.analysis(uri),
      store: () => documents.store.data,
      progress: (uri, done, total) => void connection.sendNotification(historyProgressNotification, { uri, done, total }),
      commits: async (uri) => (await editor.settings.get(uri)).history.commits,
    },
    historyLens.answers,
  );
  connection.onRequest(
    historyRequest,
    cancellable((p: unknown, token) => history.replay(historyParams(historyRequest, p), abortSignal(token))),
  );
  const configLenses = new ConfigLenses({
    workspaceFolders: () => documents.workspaceFolders(),
    discovery: (folder) => documents.discovery(folder),
    settingsFor: (uri) => editor.settings.get(uri),
    store: () => documents.store,
    trusted: () => trust.trusted,
    openAnalysis: (path, id) => documents.analysisWith(path, id),
    revision: () => documents.revision(),
  });
  const lensesOf = guarded(logError, 'configuration lenses', [], (uri: string) => configLenses.lenses(uri, editor.t));
  connection.onRequest(configLensesRequest, (p: unknown) => lensesOf(documentParams(configLensesRequest, p).uri));
  const seen = new SeenBuilds({
    trusted: () => trust.trusted,
    workspaceFolders: () => documents.workspaceFolders(),
    discovery: (folder) => documents.discovery(folder),
    store: () => documents.store,
    log: (level, message) => connection.console[level](message),
    storeChanged: () => documents.storeChanged(),
  });
  connection.onRequest(buildStartedRequest, (p: unknown) => seen.started(buildStartedParams(buildStartedRequest, p)));
  connection.onRequest(buildEndedRequest, (p: unknown) => seen.ended(buildEndedParams(buildEndedRequest, p)));
  const dockerHistory = new DockerHistoryReader(
    {
      trusted: () => trust.trusted,
      workspaceFolders: () => documents.workspaceFolders(),
      store: () => documents.store,
      storeChanged: () => documents.storeChanged(),
    },
    dockerHistoryRunner('docker', () => documents.workspaceFolders(), process.env),
  );
  connection.onRequest(readDockerHistoryRequest, async (p: unknown): Promise<ReadDockerHistoryResult> => {
    const { uri } = documentParams(readDockerHistoryRequest, p);
    if (!trust.trusted || !uri.startsWith('file:')) return { messages: [], recorded: 0, problem: null };
    return dockerHistory.read(fileURLToPath(uri));
  });
  connection.onNotification(didChangeTrustNotification, (p: unknown) => {
    const params = trustParams(p);
    if (!params) return connection.console.warn(`The trust notification: ignored malformed parameters (expected { trusted: boolean }).`);
    if (params.trusted === trust.trusted) return;
    trust.trusted = params.trusted;
    connection.console.info(
      params.trusted
        ? 'The workspace is trusted now: reading the settings again; git HEAD can be the baseline.'
        : 'The workspace is not trusted any more: no git, no docker.',
    );
    documents.trustChanged();
  });
  texts.listen(connection);
  connection.listen();
}

function editorState(
  connection: Connection,
  params: InitializeParams,
  analysis: DiagnosticsPublisherHost['analysis'],
  document: DiagnosticsPublisherHost['document'],
  trust: Trust,
): EditorState {
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  const t = serverTranslate(options.l10n, (message) => connection.console.info(message));
  const log = (message: string) => connection.console.error(message);
  const workspaceEdit = params.capabilities.workspace?.workspaceEdit;
  return {
    settings: pulledSettings(
      connection,
      params.capabilities.workspace?.configuration === true,
      () => trust.trusted,
      (message) => connection.console.info(message),
    ),
    t,
    diagnostics: new DiagnosticsPublisher(connection, { analysis, document, t, log }),
    edits: { documentChanges: workspaceEdit?.documentChanges === true, createFiles: workspaceEdit?.resourceOperations?.includes('create') === true },
  };
}

function createDocuments(
  connection: Connection,
  texts: TextDocuments<TextDocument>,
  params: InitializeParams,
  editor: EditorState,
  trust: Trust,
): DockerfileDocuments {
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  const { settings } = editor;
  const canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  const folders = (params.workspaceFolders ?? []).flatMap((f) => (f.uri.startsWith('file:') ? [fileURLToPath(f.uri)] : []));
  const store = openWorkspaceStore(storePathOf(options, (level, message) => connection.console[level](message)));
  if (store.warning) connection.console.warn(renderMessage(store.warning));
  return new DockerfileDocuments({
    text: (uri) => texts.get(uri),
    settingsFor: (uri) => settings.get(uri),
    forgetSettings: () => settings.clear(),
    workspaceFolders: () => folders,
    store,
    trusted: () => trust.trusted,
    log: (level, message) => connection.console[level](message),
    didUpdate: (uris) => {
      if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      void connection.sendNotification(didUpdateNotification, { uris });
      editor.diagnostics.update(uris);
    },
  });
}

/** A request cancelled while it ran is answered with LSP's RequestCancelled error, as the protocol asks. */
function cancellable<P, R>(handler: (params: P, token: CancellationToken) => Promise<R>): (params: P, token: CancellationToken) => Promise<R> {
  return async (params, token) => {
    const result = await handler(params, token);
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
    return result;
  };
}

function abortSignal(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

function mapDefined<T, R>(value: T | undefined, f: (value: T) => R): R | null {
  return value === undefined ? null : f(value);
}
