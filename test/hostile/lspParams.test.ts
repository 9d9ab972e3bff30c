// Hostile class: malformed parameters of Layer Lens's own LSP messages (protocol.ts). A client (a buggy extension
// build, a webview message passed on, a fuzzer) may send anything: every custom request must answer with a result
// or a JSON-RPC InvalidParams error that says what is wrong, never an internal error (a TypeError deep in a
// feature), and the server keeps answering afterwards. Generated from a fixed seed, so a failure replays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import {
  buildImageRequest,
  clearSimulationRequest,
  didChangeTrustNotification,
  layerStackRequest,
  pickConfigurationRequest,
  planRequest,
  recordRequest,
  simulateRequest,
  statusRequest,
} from '../../server/src/protocol';
import { MAX_SIMULATED_ITEMS } from '../../server/src/lsp/params';
import { seededRandom } from '../helpers/random';
import { TestServer } from '../server/support/lspClient';

const SEED = 0x11a7;
const CASES_PER_METHOD = 300;
const requests = [
  statusRequest,
  planRequest,
  layerStackRequest,
  simulateRequest,
  clearSimulationRequest,
  recordRequest,
  buildImageRequest,
  pickConfigurationRequest,
].map((r) => r.method);

const dir = fs.mkdtempSync(join(tmpdir(), 'll-hostile-params-'));
const dockerfile = 'FROM alpine\nWORKDIR /app\nCOPY . .\nRUN echo hi\n';
let server: TestServer;
let docUri: string;

before(async () => {
  fs.writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  fs.writeFileSync(join(dir, 'app.txt'), 'x');
  // Untrusted: whatever the generator sends, Build Image never starts docker (and git never runs).
  server = await TestServer.start({ workspaceFolders: [dir], trusted: false, storePath: join(dir, '..', `${dir.split('/').pop()}-store.json`) });
  docUri = await server.open(join(dir, 'Dockerfile'), dockerfile);
});

after(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(join(dir, '..', `${dir.split('/').pop()}-store.json`), { force: true });
});

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

function randomString(random: Random): string {
  return pick(random, [
    () => '',
    () => docUri,
    () => `${docUri}#${Math.floor(random() * 100)}`,
    () => 'file:///',
    () => 'file:///nonexistent/Dockerfile',
    () => 'untitled:Untitled-1',
    () => 'not a uri at all',
    () => '../../../etc/passwd',
    () => '%E0%A4%A',
    () => 'file:///%00',
    () => '\u0000\ud800',
    () => '__proto__',
    () => 'x'.repeat(Math.floor(random() * 70_000)),
    () => String.fromCharCode(...Array.from({ length: Math.floor(random() * 20) }, () => Math.floor(random() * 0xffff))),
  ])();
}

function randomValue(random: Random, depth = 0): unknown {
  const kinds: Array<() => unknown> = [
    () => null,
    () => random() < 0.5,
    () => pick(random, [0, -1, 1, 1.5, 2 ** 53, -(2 ** 31), Number.MAX_SAFE_INTEGER + 2, 1e308, 3]),
    () => randomString(random),
  ];
  if (depth < 3) {
    kinds.push(
      () => Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1)),
      () => randomObject(random, depth + 1),
    );
  }
  return pick(random, kinds)();
}

/** An object with the keys the messages use (and a few that poison naive code), each with a random value. */
function randomObject(random: Random, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['uri', 'changedFiles', 'editedLines', 'trusted', '__proto__', 'constructor', 'toString']) {
    if (random() < 0.5) continue;
    Object.defineProperty(out, key, { value: randomField(random, key, depth), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function randomField(random: Random, key: string, depth: number): unknown {
  if (key === 'uri' && random() < 0.6) return random() < 0.7 ? docUri : randomString(random);
  if (key === 'changedFiles' && random() < 0.6)
    return Array.from({ length: Math.floor(random() * 4) }, () =>
      random() < 0.7 ? pick(random, ['app.txt', 'Dockerfile', 'gone.txt', '../x', '/etc/passwd', '.', '']) : randomValue(random, depth + 1),
    );
  if (key === 'editedLines' && random() < 0.6)
    return Array.from({ length: Math.floor(random() * 4) }, () => (random() < 0.7 ? Math.floor(random() * 8) - 1 : randomValue(random, depth + 1)));
  return randomValue(random, depth);
}

function randomParams(random: Random): unknown {
  const r = random();
  if (r < 0.6) return randomObject(random);
  if (r < 0.7) return undefined;
  return randomValue(random);
}

/** A result, or an InvalidParams error whose message names the method; anything else fails the test. */
async function answer(method: string, params: unknown): Promise<{ ok: true; result: unknown } | { ok: false; message: string }> {
  try {
    const result: unknown = params === undefined ? await server.connection.sendRequest(method) : await server.connection.sendRequest(method, params);
    return { ok: true, result };
  } catch (e) {
    assert.ok(e instanceof ResponseError, `${method} threw ${String(e)}`);
    assert.equal(e.code, ErrorCodes.InvalidParams, `${method} ${JSON.stringify(params)?.slice(0, 300)} answered ${e.code}: ${e.message}`);
    // Ours name the method first; a request with no parameters at all is refused by vscode-jsonrpc itself (the
    // declaration says it takes one), naming the method too.
    assert.ok(e.message.startsWith(`${method}: `) || e.message === `Request ${method} defines 1 params but received none.`, e.message);
    return { ok: false, message: e.message };
  }
}

void test('random parameters for every custom request: a result or InvalidParams, never an internal error', async () => {
  const random = seededRandom(SEED);
  const outcomes = { results: 0, invalid: 0 };
  for (const method of requests) {
    for (let i = 0; i < CASES_PER_METHOD; i++) {
      const outcome = await answer(method, randomParams(random));
      outcomes[outcome.ok ? 'results' : 'invalid']++;
      // The trust notification gets the same treatment, except that it never grants trust (docker stays off).
      const trust = randomParams(random);
      const granting = typeof trust === 'object' && trust !== null && (trust as { trusted?: unknown }).trusted === true;
      await server.connection.sendNotification(didChangeTrustNotification.method, granting ? { trusted: 'yes' } : trust);
    }
  }
  assert.ok(outcomes.results > 50 && outcomes.invalid > 50, `both kinds of answer were exercised: ${JSON.stringify(outcomes)}`);
  await server.connection.sendRequest(clearSimulationRequest.method, {});
  const status = await server.request(statusRequest, { uri: docUri });
  assert.equal(status.instructionCount, 4, 'the server still answers for the open document');
  assert.ok(status.baseline?.kind === 'none' || status.baseline?.kind === 'recorded', JSON.stringify(status.baseline));
  assert.ok(!server.logged.some((m) => /TypeError|Cannot read properties/.test(m.message)), 'no TypeError reached the log');
});

void test('the documented malformed cases get a clear InvalidParams message', async () => {
  const cases: Array<[string, unknown, RegExp]> = [
    [
      simulateRequest.method,
      { uri: docUri, changedFiles: 'app.txt' },
      /"changedFiles" must be an array of non-empty strings \(context paths\), not "app\.txt"\./,
    ],
    [simulateRequest.method, { uri: 42, changedFiles: [] }, /"uri" must be a string, not 42\./],
    [simulateRequest.method, { uri: docUri, editedLines: [1, 2.5] }, /"editedLines" must hold 1-based line numbers \(whole numbers from 1\); item 1 is 2\.5\./],
    [simulateRequest.method, { uri: docUri, editedLines: ['3'] }, /item 0 is "3"\./],
    [
      simulateRequest.method,
      { uri: docUri, changedFiles: Array(MAX_SIMULATED_ITEMS + 1).fill('app.txt') },
      /"changedFiles" has 10001 items; at most 10000 are accepted\./,
    ],
    [simulateRequest.method, [docUri], /the parameters must be an object, not an array\./],
    [planRequest.method, {}, /"uri" must be a string, not a undefined\./],
    [layerStackRequest.method, null, /the parameters must be an object, not null\./],
    [recordRequest.method, { uri: { href: docUri } }, /"uri" must be a string, not an object\./],
    [buildImageRequest.method, 'file:///x', /the parameters must be an object, not "file:\/\/\/x"\./],
    [statusRequest.method, { uri: 7 }, /"uri" must be a string, not 7\./],
    [pickConfigurationRequest.method, { uri: docUri }, /"id" must be a configuration id \(a non-empty string\), not a undefined\./],
    [pickConfigurationRequest.method, { uri: docUri, id: '' }, /"id" must be a configuration id \(a non-empty string\), not ""\./],
  ];
  for (const [method, params, expected] of cases) {
    const outcome = await answer(method, params);
    assert.equal(outcome.ok, false, `${method} ${JSON.stringify(params).slice(0, 100)} was accepted`);
    assert.match((outcome as { message: string }).message, expected);
  }
  // Well-formed ones still work: a simulation of one file, then clearing it.
  const simulated = await server.request(simulateRequest, { uri: docUri, changedFiles: ['app.txt'], editedLines: [] });
  assert.equal(simulated?.label, 'app.txt changed');
  assert.equal(await server.request(clearSimulationRequest, {}), null);
  assert.equal((await server.request(statusRequest, {})).instructionCount, null);
});
