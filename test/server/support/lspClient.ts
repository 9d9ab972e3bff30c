// A protocol client for the real language server (startServer) over in-memory streams, answering what VS Code
// answers: workspace/configuration from a settings object the test controls, and workspace/codeLens/refresh.
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
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
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  ShutdownRequest,
  type CodeLens,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
} from 'vscode-languageserver/node';
import { didUpdateNotification, type RequestDeclaration } from '../../../server/src/protocol';
import { startServer } from '../../../server/src/startServer';

export interface TestServerOptions {
  storePath?: string;
  workspaceFolders?: string[];
  /** What workspace/configuration answers for `layerLens` (any document). */
  settings?: Record<string, unknown>;
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
  settings: Record<string, unknown>;
  initializeResult!: InitializeResult;
  private readonly versions = new Map<string, number>();
  private waiters: Array<() => void> = [];

  private constructor(readonly connection: ProtocolConnection, options: TestServerOptions) {
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
    connection.onNotification(didUpdateNotification.method, () => {
      server.updates++;
      server.wake();
    });
    connection.listen();
    server.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      capabilities: { workspace: { configuration: true, codeLens: { refreshSupport: true }, didChangeWatchedFiles: { dynamicRegistration: false } } },
      workspaceFolders: (options.workspaceFolders ?? []).map((f) => ({ uri: uri(f), name: f })),
      initializationOptions: options.storePath ? { storePath: options.storePath } : {},
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return server;
  }

  request<P, R>(declaration: RequestDeclaration<P, R>, params: P): Promise<R> {
    return this.connection.sendRequest(declaration.method, params);
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

  /** Resolves once the server has asked for a lens refresh more than `seen` times (or times out). */
  async refreshAfter(seen: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.refreshes <= seen) {
      if (Date.now() > deadline) throw new Error(`no workspace/codeLens/refresh within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
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
