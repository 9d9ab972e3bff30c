// A protocol client for the real language server (startServer) over in-memory streams, answering what VS Code
// answers: workspace/configuration from a settings object the test controls, and workspace/codeLens/refresh.
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRefreshRequest,
  CodeLensRequest,
  ConfigurationRequest,
  createConnection,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  type CodeAction,
  type CodeLens,
  type Diagnostic,
  type Hover,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import type { RequestParam, RequestType } from 'vscode-jsonrpc';
import { didChangeTrustNotification, didUpdateNotification, type InitializationOptions } from '../../../server/src/protocol';
import { startServer } from '../../../server/src/startServer';

export interface TestServerOptions {
  storePath?: string;
  workspaceFolders?: string[];
  /** What workspace/configuration answers for `layerLens` (any document). */
  settings?: Record<string, unknown>;
  /** The display language and its bundle, as the extension passes vscode.l10n.bundle. */
  l10n?: InitializationOptions['l10n'];
  /** Whether the workspace is trusted (initializationOptions.trusted); null leaves the option out. Default: true. */
  trusted?: boolean | null;
  /** More initializationOptions (machineStore, legacyStorePath). */
  init?: Partial<InitializationOptions>;
}

export interface Lens {
  /** 1-based line. */
  line: number;
  title: string;
}

export class TestServer {
  readonly logged: LogMessageParams[] = [];
  refreshes = 0;
  updates = 0;
  /** The last textDocument/publishDiagnostics per document. */
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  settings: Record<string, unknown>;
  initializeResult!: InitializeResult;
  private readonly versions = new Map<string, number>();
  private waiters: Array<() => void> = [];

  private constructor(
    readonly connection: ProtocolConnection,
    options: TestServerOptions,
  ) {
    this.settings = options.settings ?? {};
  }

  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    startServer(createConnection(toServer, toClient));
    const server = new TestServer(createProtocolConnection(toClient, toServer), options);
    const { connection } = server;
    connection.onNotification(LogMessageNotification.method, (params: LogMessageParams) => void server.logged.push(params));
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => server.settings));
    connection.onRequest(CodeLensRefreshRequest.method, () => {
      server.refreshes++;
      server.wake();
      return null;
    });
    connection.onNotification(didUpdateNotification, () => {
      server.updates++;
      server.wake();
    });
    connection.onNotification(PublishDiagnosticsNotification.method, (params: PublishDiagnosticsParams) => {
      server.diagnostics.set(params.uri, params);
      server.wake();
    });
    connection.listen();
    server.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      capabilities: {
        workspace: {
          configuration: true,
          codeLens: { refreshSupport: true },
          didChangeWatchedFiles: { dynamicRegistration: false },
          workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
        },
      },
      workspaceFolders: (options.workspaceFolders ?? []).map((f) => ({ uri: uri(f), name: f })),
      initializationOptions: {
        ...(options.storePath ? { storePath: options.storePath } : {}),
        ...(options.l10n ? { l10n: options.l10n } : {}),
        ...(options.trusted === null ? {} : { trusted: options.trusted ?? true }),
        ...options.init,
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return server;
  }

  request<P, R>(declaration: RequestType<P, R, void>, params: RequestParam<P>): Promise<R> {
    return this.connection.sendRequest(declaration, params);
  }

  async open(path: string, text: string): Promise<string> {
    const u = uri(path);
    this.versions.set(u, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: u, languageId: 'dockerfile', version: 1, text } });
    return u;
  }

  async edit(u: string, text: string): Promise<void> {
    const version = (this.versions.get(u) ?? 1) + 1;
    this.versions.set(u, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: u, version }, contentChanges: [{ text }] });
  }

  async close(u: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: u } });
  }

  /** What VS Code's file watcher sends after files change on disk. */
  async filesChanged(paths: string[], type: FileChangeType = FileChangeType.Changed): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: paths.map((p) => ({ uri: uri(p), type })) });
  }

  /** What the extension sends when the user trusts the workspace (vscode.workspace.onDidGrantWorkspaceTrust). */
  async grantTrust(): Promise<void> {
    await this.connection.sendNotification(didChangeTrustNotification, { trusted: true });
  }

  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { layerLens: settings } });
  }

  async lenses(u: string): Promise<Lens[]> {
    const lenses: CodeLens[] | null = await this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: u } });
    return (lenses ?? []).map((l) => ({ line: l.range.start.line + 1, title: l.command?.title ?? '' }));
  }

  /** Lens titles by line, e.g. { 3: 'cached', 5: 'rebuilds: src/app.js changed' }. */
  async titles(u: string): Promise<Record<number, string>> {
    return Object.fromEntries((await this.lenses(u)).map((l) => [l.line, l.title]));
  }

  /** Hover at a 0-based position; its Markdown text, or null. */
  async hover(u: string, line: number, character: number): Promise<string | null> {
    const result: Hover | null = await this.connection.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: { line, character } });
    if (!result) return null;
    const contents = result.contents;
    return typeof contents === 'object' && 'kind' in contents ? contents.value : JSON.stringify(contents);
  }

  /** The code actions for a range (0-based lines, whole lines), with the diagnostics the client has for it. */
  async codeActions(u: string, startLine: number, endLine = startLine, diagnostics: Diagnostic[] = []): Promise<CodeAction[]> {
    const range = { start: { line: startLine, character: 0 }, end: { line: endLine, character: 0 } };
    const result = await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: u }, range, context: { diagnostics } });
    return (result ?? []).filter((a): a is CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
  }

  /** Resolves with the diagnostics published for a document version (at least `version`), polling the pushes. */
  async diagnosticsFor(u: string, version = this.versions.get(u) ?? 1, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const published = this.diagnostics.get(u);
      if (published && (published.version ?? 0) >= version) return published.diagnostics;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${u} version ${version} within ${timeoutMs} ms`);
      await this.wakeOrDeadline(deadline);
    }
  }

  /** Resolves once `done()` holds, checked after each push from the server (diagnostics, refresh, update). */
  async until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await this.wakeOrDeadline(deadline);
    }
  }

  /** Resolves once the server has asked for a lens refresh more than `seen` times (or times out). */
  async refreshAfter(seen: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.refreshes <= seen) {
      if (Date.now() > deadline) throw new Error(`no workspace/codeLens/refresh within ${timeoutMs} ms`);
      await this.wakeOrDeadline(deadline);
    }
  }

  private wakeOrDeadline(deadline: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    this.connection.dispose();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export function uri(path: string): string {
  return pathToFileURL(path).href;
}
