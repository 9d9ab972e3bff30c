// The real server over in-memory streams stays responsive while it reads a big build context: the scan and the
// first plan's digests run in slices (scanContextAsync, warmDigests), so a layerLens/status request sent meanwhile
// is answered within a slice, not after the whole context was read. The bound below is a hang guard, far above a
// slice (~50 ms) and below what the synchronous open took on this machine (several seconds for 30k files).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusRequest } from '../../server/src/protocol';
import { TestServer } from './support/lspClient';

const FILES = 30_000;
/** Hang guard for one status answer while the context is read. */
const MAX_STALL_MS = 1500;

const roots: string[] = [];
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function bigContext(): string {
  const root = fs.mkdtempSync(join(tmpdir(), 'll-open-'));
  roots.push(root);
  const content = 'x'.repeat(2000);
  for (let d = 0; d < FILES / 100; d++) {
    const dir = join(root, 'src', `d${d % 10}`, `m${d}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 100; f++) fs.writeFileSync(join(dir, `f${f}.txt`), `${d}/${f}\n${content}`);
  }
  fs.writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
  return root;
}

void test(`while a ${FILES}-file context is opened and first planned, layerLens/status is answered within the hang guard`, async () => {
  const root = bigContext();
  const store = `${root}-store.json`;
  roots.push(store);
  const server = await TestServer.start({ storePath: store, workspaceFolders: [root] });
  try {
    const u = await server.open(join(root, 'Dockerfile'), fs.readFileSync(join(root, 'Dockerfile'), 'utf8'));
    let done = false;
    const lenses = server.lenses(u).finally(() => (done = true));
    // The longest time without an answer: a request's wait plus the pause before the next one (a timer that fires
    // late because the event loop was blocked counts too; client and server share this process's event loop).
    let maxStall = 0;
    let answered = 0;
    let last = performance.now();
    while (!done) {
      const r = await server.request(statusRequest, {});
      const now = performance.now();
      maxStall = Math.max(maxStall, now - last);
      last = now;
      answered++;
      assert.equal(r.pid, process.pid);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const titles = (await lenses).map((l) => `${l.line}: ${l.title}`);
    assert.deepEqual(titles.slice(-1), ['2: rebuilds: not built yet'], 'the plan still comes');
    process.stdout.write(`# status answered ${answered} times during the open; longest time without an answer ${maxStall.toFixed(0)} ms\n`);
    assert.ok(answered > 2, 'status was asked while the context was read');
    assert.ok(maxStall < MAX_STALL_MS, `no status answer for ${maxStall.toFixed(0)} ms (hang guard ${MAX_STALL_MS} ms)`);
  } finally {
    await server.stop();
  }
});
