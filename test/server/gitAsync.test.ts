// The git HEAD baseline never holds up the language server: git runs off the event loop, so while
// a slow git (here a `git` first on PATH that sleeps before `cat-file`) or a big repository is being read,
// other requests are answered; a request the editor cancels meanwhile is answered at once with LSP's
// RequestCancelled; and the baseline chosen in the end is git HEAD, as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource, CodeLensRequest, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import { readGitHeadAsync } from '../../server/src/gitBaseline';
import { statusRequest } from '../../server/src/protocol';
import { TestServer } from './support/lspClient';

const root = fs.mkdtempSync(join(tmpdir(), 'll-gitasync-'));
const bin = join(root, 'bin');
/** Written by the slow git: `start` when a `cat-file` begins (then it sleeps), `end` when it has answered. */
const catFiles = join(root, 'cat-file.log');
/** How long the slow git sleeps before each `cat-file`. */
const SLEEP_S = 2;
const servers: TestServer[] = [];
const savedPath = process.env.PATH;

function realGit(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'gc.auto=0', '-C', cwd, ...args],
    { encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] },
  );
}

before(() => {
  fs.mkdirSync(bin);
  const gitPath = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const slow = `#!/bin/sh
if [ -n "$LL_SLOW_GIT" ]; then
  case " $* " in
    *" cat-file "*) echo start >> '${catFiles}'; sleep ${SLEEP_S}; '${gitPath}' "$@"; s=$?; echo end >> '${catFiles}'; exit $s ;;
  esac
fi
exec '${gitPath}' "$@"
`;
  fs.writeFileSync(join(bin, 'git'), slow, { mode: 0o755 });
  process.env.PATH = `${bin}:${savedPath ?? ''}`;
});

after(async () => {
  for (const s of servers) await s.stop();
  process.env.PATH = savedPath;
  delete process.env.LL_SLOW_GIT;
  // gc.auto=0 above: a commit of 20,000 loose objects would otherwise start a detached `git gc` that is still
  // writing into .git while this removes it (ENOTEMPTY).
  fs.rmSync(root, { recursive: true, force: true, maxRetries: 5 });
});

const dockerfile = 'FROM alpine\nCOPY . /app\n';

/** A committed repository: its Dockerfile, and `files` more small files (plus `big` blobs of 8 MiB). */
function repo(name: string, files = 1, big = 0): string {
  const ws = join(root, name);
  fs.mkdirSync(ws);
  fs.writeFileSync(join(ws, 'Dockerfile'), dockerfile);
  fs.writeFileSync(join(ws, '.dockerignore'), '.git\n');
  for (let i = 0; i < files; i++) {
    const dir = join(ws, 'src', String(i % 100));
    if (i < 100) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(join(dir, `f${i}.txt`), `file ${i}\n`);
  }
  for (let i = 0; i < big; i++) fs.writeFileSync(join(ws, `big${i}.bin`), Buffer.alloc(8 << 20, i + 1));
  realGit(ws, 'init', '-q');
  realGit(ws, 'add', '-A');
  realGit(ws, 'commit', '-q', '-m', 'x');
  return ws;
}

function log(): string[] {
  return fs.existsSync(catFiles) ? fs.readFileSync(catFiles, 'utf8').split('\n').filter(Boolean) : [];
}

/** Polls on timers: while git ran synchronously on the event loop, no timer could fire until it had answered. */
async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The longest the event loop went without turning while `work` ran (a timer every 5 ms measures it). */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  try {
    const result = await work();
    return { result, stallMs };
  } finally {
    clearInterval(timer);
  }
}

async function start(ws: string): Promise<TestServer> {
  const s = await TestServer.start({ workspaceFolders: [ws], storePath: join(root, `${ws.split('/').pop()}-store.json`) });
  servers.push(s);
  return s;
}

void test('while a slow git reads HEAD, layerLens/status is answered (git does not block the server)', async () => {
  const ws = repo('slow', 20);
  fs.rmSync(catFiles, { force: true });
  process.env.LL_SLOW_GIT = '1';
  try {
    const s = await start(ws);
    const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
    // Opening the document starts its analysis (diagnostics), hence the git HEAD read.
    await until('the git HEAD read to start cat-file', () => log().includes('start'));
    const status = await s.request(statusRequest, {});
    assert.equal(status.pid, process.pid);
    assert.deepEqual(log(), ['start'], 'layerLens/status was answered while git cat-file was still running');
    // The read goes on and git HEAD is the baseline once it is in, as before.
    assert.deepEqual(await s.titles(u), { 1: 'cached', 2: 'cached' });
    assert.equal((await s.request(statusRequest, { uri: u })).baseline?.label, 'git HEAD');
    assert.ok(log().filter((l) => l === 'end').length >= 1);
  } finally {
    delete process.env.LL_SLOW_GIT;
  }
});

void test('a request cancelled while the baseline is read is answered at once with RequestCancelled', async () => {
  const ws = repo('cancel', 20);
  fs.rmSync(catFiles, { force: true });
  process.env.LL_SLOW_GIT = '1';
  try {
    const s = await start(ws);
    const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
    await until('the git HEAD read to start cat-file', () => log().includes('start'));
    const source = new CancellationTokenSource();
    const lenses = s.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: u } }, source.token);
    await new Promise((r) => setTimeout(r, 50));
    source.cancel();
    await assert.rejects(lenses, (e: unknown) => e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled);
    assert.deepEqual(log(), ['start'], 'the cancelled request did not wait for git');
    // Requests not cancelled get the analysis with git HEAD as the baseline.
    assert.deepEqual(await s.titles(u), { 1: 'cached', 2: 'cached' });
  } finally {
    delete process.env.LL_SLOW_GIT;
  }
});

void test('a repository with 20,000 files and large blobs at HEAD: the event loop keeps turning while they are hashed', async () => {
  const ws = repo('big', 20_000, 4);
  // The read itself: listing, 20,000 blobs and 4 large ones streamed through sha256.
  const read = await longestStall(() =>
    readGitHeadAsync({ contextDir: ws, dockerfileAbs: join(ws, 'Dockerfile'), dockerfilePath: 'Dockerfile', builder: 'buildkit', blobDigests: new Map() }),
  );
  console.log(`longest event-loop stall while reading git HEAD (20,000 files, 32 MiB of blobs): ${Math.round(read.stallMs)} ms`);
  assert.ok(read.result.ok && read.result.head.snapshot.contentDigest('big0.bin').length === 64);
  assert.ok(read.stallMs < 3000, `reading git HEAD stalled for ${Math.round(read.stallMs)} ms (hang guard)`);
  const s = await start(ws);
  const { result, stallMs } = await longestStall(async () => {
    const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
    // Asked at once, answered while the baseline is read (the analysis of the document waits for it).
    const status = s.request(statusRequest, {});
    const titles = await s.titles(u);
    await status;
    return { u, titles };
  });
  console.log(`longest event-loop stall of the server opening it (context scan, worktree digests, git HEAD, plans): ${Math.round(stallMs)} ms`);
  assert.deepEqual(result.titles, { 1: 'cached', 2: 'cached' });
  assert.equal((await s.request(statusRequest, { uri: result.u })).baseline?.label, 'git HEAD');
  assert.ok(stallMs < 3000, `the server stalled for ${Math.round(stallMs)} ms (hang guard)`);
});
