// The real language server (startServer) over in-memory streams, driven by a protocol client as VS Code would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
  createConnection,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  ShutdownRequest,
  TextDocumentSyncKind,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
} from 'vscode-languageserver/node';
import { statusRequest, type ParamsOf, type ResultOf } from '../../server/src/protocol';
import { startServer } from '../../server/src/startServer';
import { version } from '../../package.json';

const uri = 'file:///project/Dockerfile';
const dockerfile = [
  '# syntax=docker/dockerfile:1',
  'FROM node:20-alpine AS deps',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci \\',
  '    --omit=dev',
  '',
  'FROM node:20-alpine',
  'COPY --from=deps /app/node_modules ./node_modules',
  'CMD ["node", "server.js"]',
  '',
].join('\n');

let client: ProtocolConnection;
let initializeResult: InitializeResult;
const logged: LogMessageParams[] = [];

function status(params: ParamsOf<typeof statusRequest>): Promise<ResultOf<typeof statusRequest>> {
  return client.sendRequest(statusRequest.method, params);
}

before(async () => {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startServer(createConnection(toServer, toClient));
  client = createProtocolConnection(toClient, toServer);
  client.onNotification(LogMessageNotification.method, (params: LogMessageParams) => {
    logged.push(params);
  });
  client.listen();
  initializeResult = await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {}, workspaceFolders: null });
  await client.sendNotification(InitializedNotification.type, {});
  await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version: 1, text: dockerfile } });
});

after(async () => {
  await client.sendRequest(ShutdownRequest.type);
  client.dispose();
});

void test('initialize names the server and its version, and asks for incremental document sync and code lenses', () => {
  assert.deepEqual(initializeResult.serverInfo, { name: 'Layer Lens', version });
  assert.equal(initializeResult.capabilities.textDocumentSync, TextDocumentSyncKind.Incremental);
  assert.deepEqual(initializeResult.capabilities.codeLensProvider, { resolveProvider: false });
});

void test('the server logs that it started, with its version and pid', async () => {
  await status({}); // Requests are answered in order, so the log sent on `initialized` has arrived by now.
  assert.ok(
    logged.some((entry) => entry.message === `Layer Lens server ${version} started (pid ${process.pid})`),
    JSON.stringify(logged),
  );
});

void test('layerLens/status counts the instructions of an open document', async () => {
  const result = await status({ uri });
  assert.deepEqual(
    { ...result, baseline: undefined },
    { serverVersion: version, pid: process.pid, instructionCount: 7, baseline: undefined, simulation: null, configuration: null },
  );
  assert.equal(result.baseline?.kind, 'none', 'no build context at /project: nothing can have been built');
});

void test('layerLens/status follows edits to the document', async () => {
  await client.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } }, text: 'EXPOSE 3000\n' }],
  });
  assert.equal((await status({ uri })).instructionCount, 8);
});

void test('layerLens/status answers null for a document the server does not have, and without a document', async () => {
  assert.equal((await status({ uri: 'file:///elsewhere/Dockerfile' })).instructionCount, null);
  assert.equal((await status({})).instructionCount, null);
});
