// The cache store through the real bundle: processes recording at the same time all keep their builds (the lock),
// a symlinked store is written through its link, a file that is not a store is never touched, a folder or FIFO at
// the path is a clear message (plan reads on without it, record stops), places it cannot write are one line and
// exit 1, and a temporary file a killed writer left is removed by the next write.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-store-'));
  chmodSync(work, 0o755);
});

const env = () => ({ ...process.env, LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), NO_COLOR: '1' });

/** Runs the CLI; `unprivileged` runs it as nobody when the tests run as root, so permissions hold. */
function cli(args: string[], opts: { env?: Record<string, string>; unprivileged?: boolean } = {}) {
  const asNobody = opts.unprivileged && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: work, encoding: 'utf8', env: { ...env(), ...opts.env }, timeout: 60_000, ...asNobody });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

function noStack(err: string): void {
  assert.doesNotMatch(err, /at .*\.js:\d+|^\s+at |Error: E[A-Z]+:/m, err);
}

/** A project whose Dockerfile differs by `n`, so each records a build of its own. */
function app(name: string, n: number | string = name): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), `FROM alpine\nCOPY . /app\nRUN echo ${n}\n`);
  writeFileSync(join(dir, 'a.txt'), String(n));
  chmodSync(dir, 0o755);
  return join(dir, 'Dockerfile');
}

function builds(store: string): string[] {
  return Object.keys(JSON.parse(readFileSync(store, 'utf8')).builds);
}

test('20 processes recording into one store at once: every build is kept', async () => {
  const store = join(work, 'concurrent.json');
  const dockerfiles = Array.from({ length: 20 }, (_, i) => app(`c${i}`, i));
  const codes = await Promise.all(
    dockerfiles.map(
      (d) =>
        new Promise<number | null>((done) => {
          const child = spawn(process.execPath, [cliPath, 'record', d, '--store', store], { env: env(), stdio: 'ignore' });
          child.on('exit', (code) => done(code));
        }),
    ),
  );
  assert.deepEqual(
    codes,
    dockerfiles.map(() => 0),
  );
  assert.equal(builds(store).length, 20, 'a build recorded and reported done is never lost');
  assert.deepEqual(
    readdirSync(work).filter((n) => n.includes('concurrent.json') && n !== 'concurrent.json'),
    [],
    'no lock or temporary file left',
  );
});

test('a symlink to a store: written through the link (the link stays, the file it points to gets the build)', () => {
  const real = join(work, 'real-store.json');
  const link = join(work, 'link-store.json');
  assert.equal(cli(['record', app('l1'), '--store', real]).code, 0);
  symlinkSync('real-store.json', link);
  const r = cli(['record', app('l2'), '--store', link]);
  assert.equal(r.code, 0, r.err);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is kept');
  assert.equal(readlinkSync(link), 'real-store.json');
  assert.equal(builds(real).length, 2);
});

test('a symlink to a file that is not a store: never touched; record says so (exit 1), plan reads on', () => {
  const notes = join(work, 'notes.txt');
  writeFileSync(notes, 'my notes, not JSON\n');
  const link = join(work, 'notes-link.json');
  symlinkSync(notes, link);
  const r = cli(['record', app('n1'), '--store', link]);
  assert.equal(r.code, 1);
  assert.match(r.err, /notes\.txt is not a Layer Lens store .*left untouched\. Pass --store with another path\./);
  noStack(r.err);
  assert.equal(readFileSync(notes, 'utf8'), 'my notes, not JSON\n');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.deepEqual(
    readdirSync(work).filter((n) => n.includes('corrupt')),
    [],
    'nothing moved aside',
  );
  const plan = cli(['plan', app('n1'), '--store', link]);
  assert.equal(plan.code, 0, plan.err);
  assert.match(plan.err, /not a Layer Lens cache store/);
});

test('a folder at the store path: plan reads on with the reason; record stops with it (exit 1); the folder is left', () => {
  const dir = join(work, 'folder-store.json');
  mkdirSync(dir);
  writeFileSync(join(dir, 'keep'), 'x');
  const plan = cli(['plan', app('f1'), '--store', dir]);
  assert.equal(plan.code, 0, plan.err);
  assert.match(
    plan.err,
    /The cache store path .*folder-store\.json is a folder; pass --store with a file path or remove it\. Predictions start from an empty store\./,
  );
  const rec = cli(['record', app('f1'), '--store', dir]);
  assert.equal(rec.code, 1);
  assert.match(rec.err, /^layerlens: The cache store path .*folder-store\.json is a folder; pass --store with a file path or remove it\.\n$/);
  assert.deepEqual(readdirSync(dir), ['keep']);
});

test('a FIFO at the store path is never opened to wait on: plan and record answer at once', (t) => {
  const fifo = join(work, 'fifo-store.json');
  if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo is not available');
  const plan = cli(['plan', app('p1'), '--store', fifo]);
  assert.equal(plan.signal, null, 'no hang');
  assert.equal(plan.code, 0);
  assert.match(plan.err, /is a FIFO \(named pipe\), not a file/);
  const rec = cli(['record', app('p1'), '--store', fifo]);
  assert.equal(rec.code, 1);
  assert.match(rec.err, /is a FIFO \(named pipe\), not a file; it was left untouched\. Pass --store with a file path\./);
  assert.ok(lstatSync(fifo).isFIFO());
});

test('a store it cannot write: one line that says what to do, exit 1, never a stack trace', () => {
  const file = join(work, 'a-file');
  writeFileSync(file, 'x');
  const under = cli(['record', app('w1'), '--store', join(file, 'store.json')]);
  assert.equal(under.code, 1);
  assert.match(
    under.err,
    /^layerlens: Cannot write the cache store .*a-file\/store\.json: a part of the path is a file, not a folder \(ENOTDIR\)\. Nothing was recorded\. Pass --store with a file in a folder you can write to\.\n$/,
  );
  const cache = cli(['record', app('w1')], { env: { XDG_CACHE_HOME: file, LAYERLENS_STORE: '' } });
  assert.equal(cache.code, 1);
  assert.match(cache.err, /Cannot write the cache store .*a-file\/layer-lens\/cache-store\.json: .*\((ENOTDIR|EEXIST)\)/);
  noStack(cache.err);
  const locked = join(work, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  const denied = cli(['record', app('w1'), '--store', join(locked, 'store.json')], { unprivileged: true });
  assert.equal(denied.code, 1, denied.err);
  assert.match(denied.err, /Cannot write the cache store .*locked\/store\.json: permission denied \(EACCES\)\. Nothing was recorded\./);
  noStack(denied.err);
  const plan = cli(['plan', app('w1'), '--store', join(locked, 'store.json')], { unprivileged: true });
  assert.equal(plan.code, 0, 'plan never writes the store');
});

test('a temporary file a killed writer left beside the store is removed by the next record', () => {
  const store = join(work, 'temp-store.json');
  assert.equal(cli(['record', app('t1'), '--store', store]).code, 0);
  // A process that has exited: its pid names no live process.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const left = join(work, `.temp-store.json.layerlens-${dead}-0badf00d.tmp`);
  writeFileSync(left, '{"format":"layer-lens-cache-store", half writ');
  assert.equal(cli(['record', app('t2'), '--store', store]).code, 0);
  assert.ok(!existsSync(left), 'the stale temporary file is gone');
  assert.equal(builds(store).length, 2);
});

test('a read-only store (by its mode, even as root) is read by plan and left as it is by record', () => {
  const store = join(work, 'readonly-store.json');
  assert.equal(cli(['record', app('r1'), '--store', store]).code, 0);
  chmodSync(store, 0o444);
  const before = readFileSync(store, 'utf8');
  const rec = cli(['record', app('r2'), '--store', store]);
  assert.equal(rec.code, 1);
  assert.match(
    rec.err,
    /^layerlens: The cache store .*readonly-store\.json is read-only; nothing was recorded\. Make it writable \(chmod u\+w\) or pass --store with another file\.\n$/,
  );
  assert.equal(readFileSync(store, 'utf8'), before);
  const plan = cli(['plan', app('r1'), '--store', store, '--json']);
  assert.equal(plan.code, 0, plan.err);
  assert.equal(JSON.parse(plan.out).steps[1].status, 'cached');
});

test('file digests are kept per build context: a file per context, the 32 newest kept, foreign files never removed', () => {
  const home = join(work, 'xdg-digests');
  const folder = join(home, 'layer-lens', 'digests');
  const envNoOverride = { XDG_CACHE_HOME: home, LAYERLENS_STORE: join(work, 'digests-store.json'), LAYERLENS_DIGEST_CACHE: '' };
  mkdirSync(join(home, 'layer-lens'), { recursive: true });
  // The one shared file of earlier versions: removed once the first per-context file is written (it is ours).
  writeFileSync(join(home, 'layer-lens', 'digest-cache.json'), '{"version":1,"entries":[]}');
  assert.equal(cli(['plan', app('d1')], { env: envNoOverride }).code, 0);
  assert.equal(cli(['plan', app('d2')], { env: envNoOverride }).code, 0);
  const written = readdirSync(folder).sort();
  assert.equal(written.length, 2, `one file per context: ${written}`);
  for (const n of written) assert.match(n, /^[0-9a-f]{24}\.json$/);
  const prefix = readFileSync(join(folder, written[0]), 'utf8').slice(0, 24);
  assert.match(prefix, /^\{"version":\d+,"entries":/);
  assert.equal(existsSync(join(home, 'layer-lens', 'digest-cache.json')), false, 'the old shared cache is removed');
  // Planning d1 again reads its own file and hashes nothing new: no file is added.
  assert.equal(cli(['plan', app('d1')], { env: envNoOverride }).code, 0);
  assert.deepEqual(readdirSync(folder).sort(), written);
  // 40 older caches of other contexts, and a foreign file with a cache's name: the next write keeps the 32 newest.
  const head = readFileSync(join(folder, written[0]), 'utf8').replace(/"entries":.*$/s, '"entries":[]}');
  for (let i = 0; i < 40; i++) {
    const f = join(folder, `${i.toString(16).padStart(24, '0')}.json`);
    writeFileSync(f, head);
    utimesSync(f, 1_000_000 + i, 1_000_000 + i);
  }
  const foreign = join(folder, `${'f'.repeat(24)}.json`);
  writeFileSync(foreign, 'not a digest cache');
  utimesSync(foreign, 1, 1);
  assert.equal(cli(['plan', app('d3')], { env: envNoOverride }).code, 0);
  const kept = readdirSync(folder).filter((n) => n !== `${'f'.repeat(24)}.json`);
  assert.equal(kept.length, 32, `kept ${kept.length}`);
  assert.ok(
    written.every((n) => kept.includes(n)),
    'the newest caches stay',
  );
  assert.ok(!kept.includes(`${'0'.repeat(24)}.json`), 'the oldest is removed');
  assert.ok(existsSync(foreign), 'a file that is not a digest cache is never removed');
});
