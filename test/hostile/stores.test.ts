// Hostile cache stores: whatever is at the store path (a valid store, a truncated one, random bytes, a huge file,
// JSON of the wrong shape, a newer version, a foreign file, each also behind a symlink; a folder; a FIFO), and
// whoever writes at the same time (CLI processes, the editor, processes killed with -9 mid-write). What must hold:
// never a crash or a stack trace, never a hang, never a file that is not ours overwritten, never a lost record.
// Generated from fixed seeds (test/helpers/random.ts): a failure replays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs, {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openProject, planProject, type Project } from '../../server/src/diskProject';
import { buildId, emptyStore, knownBuilds, recordBuild, STORE_FORMAT, type StoreData } from '../../server/src/core/plan/store';
import { openWorkspaceStore, recordPlan } from '../../server/src/store/record';
import { loadStore, MAX_STORE_BYTES, StoreError, updateStore } from '../../server/src/storeFile';
import { seededRandom } from '../helpers/random';
import { renderMessage, type Message } from '../../server/src/core/shared/message';

const en = (m: Message | undefined) => (m ? renderMessage(m) : '');

const repo = join(__dirname, '..', '..');
const cliPath = join(repo, 'dist', 'cli.js');
let work: string;
let project: Project;
let projectId: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'll-hostile-stores-'));
  const ctx = join(work, 'ctx');
  mkdirSync(join(ctx, 'src'), { recursive: true });
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM alpine\nCOPY package.json /app/\nRUN echo install\nCOPY . /app\nRUN echo build\n');
  writeFileSync(join(ctx, 'package.json'), '{}');
  writeFileSync(join(ctx, 'src/a.js'), 'a');
  project = openProject({ dockerfile: join(ctx, 'Dockerfile'), builder: 'buildkit', buildArgs: {} });
  projectId = buildId('buildkit', project.dockerfileAbs, undefined);
});
after(() => rmSync(work, { recursive: true, force: true }));

const env = () => ({ ...process.env, LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), NO_COLOR: '1' });
const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
const int = (rand: () => number, n: number) => Math.floor(rand() * n);

function randomText(rand: () => number, n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789/._-#:{}[]",\\ \n\u00e9\u4e2d\u{1f600}';
  const chars = [...alphabet];
  return Array.from({ length: n }, () => pick(rand, chars)).join('');
}

/** Any JSON value, nested up to `depth`. */
function randomJson(rand: () => number, depth: number): unknown {
  const kind = int(rand, depth > 0 ? 8 : 5);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return pick(rand, [0, -1, 1.5, 1e308, -0, 2 ** 53]);
    case 3:
      return randomText(rand, int(rand, 12));
    case 4:
      return pick(rand, ['__proto__', 'constructor', 'toString', '0#1', 'buildkit', '']);
    case 5:
      return Array.from({ length: int(rand, 4) }, () => randomJson(rand, depth - 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = int(rand, 5); i > 0; i--)
        Object.defineProperty(o, String(randomJson(rand, 0)), { value: randomJson(rand, depth - 1), enumerable: true, writable: true, configurable: true });
      return o;
    }
  }
}

/** A valid store holding `n` builds, the project's own among them (so planning uses what was read). */
function validStore(rand: () => number, n: number): StoreData {
  let s = emptyStore();
  const plan = planProject(project, { has: () => false, empty: true });
  // Without its keys half the time: then the plan misses and explains itself against this recorded build.
  s = recordBuild(s, 'buildkit', projectId, rand() < 0.5 ? plan.keys : [], plan.recorded);
  for (let i = 1; i < n; i++) {
    const files = Object.fromEntries(Array.from({ length: int(rand, 5) }, (_, j) => [`f${j}/${randomText(rand, 4)}`, `sha256:${j}`]));
    s = recordBuild(s, pick(rand, ['buildkit', 'classic'] as const), buildId('buildkit', `/p${i}/Dockerfile`, undefined), [`k${i}-${int(rand, 1e6)}`], {
      steps: {},
      files,
    });
  }
  return s;
}

/** Replaces random subtrees of a valid store with random JSON: the format stays, the shape does not. */
function misshapen(rand: () => number): unknown {
  const value = JSON.parse(JSON.stringify(validStore(rand, 3))) as Record<string, unknown>;
  for (let i = 0; i < 1 + int(rand, 4); i++) {
    let node: Record<string, unknown> = value;
    for (let d = 0; d < 5; d++) {
      const keys = Object.keys(node).filter((k) => k !== 'format' && k !== 'version');
      if (!keys.length) break;
      const k = pick(rand, keys);
      const child = node[k];
      if (rand() < 0.35 || typeof child !== 'object' || child === null || Array.isArray(child)) {
        node[k] = randomJson(rand, 3);
        break;
      }
      node = child as Record<string, unknown>;
    }
  }
  return value;
}

type Kind = 'valid' | 'truncated' | 'random-bytes' | 'misshapen' | 'newer' | 'foreign-json' | 'foreign-text' | 'empty' | 'big-foreign';
const KINDS: Kind[] = ['valid', 'truncated', 'random-bytes', 'misshapen', 'newer', 'foreign-json', 'foreign-text', 'empty', 'big-foreign'];

function generate(rand: () => number, kind: Kind): Buffer {
  switch (kind) {
    case 'valid':
      return Buffer.from(JSON.stringify(validStore(rand, 1 + int(rand, 6))));
    case 'truncated': {
      const full = JSON.stringify(validStore(rand, 3));
      return Buffer.from(full.slice(0, 40 + int(rand, full.length - 41)));
    }
    case 'random-bytes':
      return Buffer.from(Array.from({ length: 1 + int(rand, 3000) }, () => int(rand, 256)));
    case 'misshapen':
      return Buffer.from(JSON.stringify(misshapen(rand)));
    case 'newer':
      return Buffer.from(JSON.stringify({ ...validStore(rand, 2), version: pick(rand, [2, 99, 1e9, '2', null]) }));
    case 'foreign-json':
      return Buffer.from(JSON.stringify(pick(rand, [{ name: 'pkg', version: '1.0.0' }, [1, 2], 'text', 42, { format: 'other' }])));
    case 'foreign-text':
      return Buffer.from(`# my notes\n${randomText(rand, 200)}`);
    case 'empty':
      return Buffer.from(pick(rand, ['', ' ', '\n\n']));
    case 'big-foreign':
      return Buffer.alloc(2 * 1024 * 1024, 'x');
  }
}

const ours = (kind: Kind) => kind === 'valid' || kind === 'truncated' || kind === 'misshapen' || kind === 'empty';
const leftovers = (dir: string) => readdirSync(dir).filter((n) => /\.layerlens-|\.lock$/.test(n));

test('generated store files, plain or behind a symlink: read without a crash, planned with, written only when ours, never lost', () => {
  const rand = seededRandom(0x570e);
  const dir = join(work, 'generated');
  mkdirSync(dir);
  let n = 0;
  for (let round = 0; round < 6; round++) {
    for (const kind of KINDS) {
      const bytes = generate(rand, kind);
      const name = `s${n++}.json`;
      const real = join(dir, `real-${name}`);
      writeFileSync(real, bytes);
      const linked = rand() < 0.5;
      const path = linked ? join(dir, name) : real;
      if (linked) symlinkSync(`real-${name}`, path);
      const what = `${kind} #${n}${linked ? ' (symlink)' : ''}`;

      const loaded = loadStore(path);
      const before = Object.keys(loaded.store.builds);
      if (kind === 'valid') assert.equal(loaded.warning, undefined, what);
      if (kind === 'truncated' || kind === 'empty') assert.ok(loaded.corrupt, `${what}: ours, damaged`);
      if (!ours(kind) && kind !== 'random-bytes') assert.ok(loaded.readOnly, `${what}: not ours, so not to be written`);
      // Planning with whatever was read, as `plan` does (and the build's sync state, as the CLI passes it).
      const synced = loaded.store.builds[projectId]?.synced;
      const p = synced ? openProject({ ...project.options, dockerfile: project.dockerfileAbs, synced }) : project;
      planProject(p, knownBuilds(loaded.store, 'buildkit', projectId));

      const newId = buildId('classic', `/new/${n}/Dockerfile`, undefined);
      let written: StoreData | undefined;
      try {
        written = updateStore(path, (current) => recordBuild(current, 'classic', newId, [`new-${n}`], { steps: {}, files: {} })).store;
      } catch (e) {
        assert.ok(e instanceof StoreError, `${what}: ${(e as Error).stack}`);
      }
      if (linked) {
        assert.ok(lstatSync(path).isSymbolicLink(), `${what}: the link is kept`);
        assert.equal(readlinkSync(path), `real-${name}`);
      }
      const after = loadStore(path);
      if (!loaded.readOnly) {
        assert.ok(written, `${what}: a store of ours is written`);
        assert.ok(after.store.builds[newId], `${what}: the new record is there`);
        for (const id of before) assert.ok(after.store.builds[id], `${what}: ${id} kept`);
        if (loaded.corrupt)
          assert.ok(
            readdirSync(dir).some((f) => f.startsWith(`real-${name}.corrupt-`)),
            `${what}: a copy kept aside`,
          );
      } else {
        assert.equal(written, undefined, what);
        assert.ok(readFileSync(real).equals(bytes), `${what}: a file that is not ours is never touched`);
      }
      assert.deepEqual(leftovers(dir), [], `${what}: no lock or temporary file left`);
    }
  }
  assert.ok(n >= 40, `${n} cases`);
});

test('what is not a file at the store path (a folder, a FIFO, a dangling or looping symlink, a sparse huge file) never hangs or crashes', (t) => {
  const dir = join(work, 'special');
  mkdirSync(dir);
  const add = (n: number) => (current: StoreData) => recordBuild(current, 'buildkit', `special-${n}`, [`k${n}`], { steps: {}, files: {} });
  mkdirSync(join(dir, 'folder.json'));
  const folder = loadStore(join(dir, 'folder.json'));
  assert.match(en(folder.warning), /is a folder; pass --store with a file path or remove it\. Predictions start from an empty store\./);
  assert.throws(
    () => updateStore(join(dir, 'folder.json'), add(1)),
    (e: Error) => e instanceof StoreError && /is a folder/.test(e.message),
  );
  if (spawnSync('mkfifo', [join(dir, 'fifo.json')]).status === 0) {
    symlinkSync('fifo.json', join(dir, 'to-fifo.json'));
    for (const p of ['fifo.json', 'to-fifo.json']) {
      assert.match(en(loadStore(join(dir, p)).warning), /FIFO \(named pipe\)/);
      assert.throws(() => updateStore(join(dir, p), add(2)), StoreError);
    }
    assert.ok(lstatSync(join(dir, 'fifo.json')).isFIFO());
  } else t.diagnostic('mkfifo is not available: FIFO case skipped');
  // A dangling symlink: the store is created where it points (as `echo > link` would), the link kept.
  symlinkSync('made/by-link.json', join(dir, 'dangling.json'));
  updateStore(join(dir, 'dangling.json'), add(3));
  assert.ok(lstatSync(join(dir, 'dangling.json')).isSymbolicLink());
  assert.ok(loadStore(join(dir, 'made/by-link.json')).store.builds['special-3']);
  symlinkSync('loop-b.json', join(dir, 'loop-a.json'));
  symlinkSync('loop-a.json', join(dir, 'loop-b.json'));
  assert.ok(loadStore(join(dir, 'loop-a.json')).readOnly);
  assert.throws(
    () => updateStore(join(dir, 'loop-a.json'), add(4)),
    (e: Error) => e instanceof StoreError && /symlink/.test(e.message),
  );
  const huge = join(dir, 'huge.json');
  writeFileSync(huge, `{"format":"${STORE_FORMAT}","version":1}`);
  truncateSync(huge, MAX_STORE_BYTES + 1); // sparse: no disk used
  assert.match(en(loadStore(huge).warning), /larger than any Layer Lens store; it was left untouched/);
  assert.throws(() => updateStore(huge, add(5)), StoreError);
  assert.equal(lstatSync(huge).size, MAX_STORE_BYTES + 1);
  rmSync(huge);
  assert.deepEqual(leftovers(dir), []);
});

test('the lock: a dead or our-own-pid holder is broken at once, a live one is waited for then named, a link is never written through', () => {
  const dir = join(work, 'locks');
  mkdirSync(dir);
  const store = join(dir, 'store.json');
  const lock = `${store}.lock`;
  const quick = { timing: { waitMs: 300, staleMs: 30_000, liveMs: 30_000 } };
  let n = 0;
  const record = () => updateStore(store, (c) => recordBuild(c, 'buildkit', `lock-${++n}`, [`k${n}`], { steps: {}, files: {} }), quick);
  const holder = (pid: number, host = hostname(), time = Date.now()) => JSON.stringify({ pid, host, time, token: 'x' });
  const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const live = sleeper.pid as number;
    for (const [what, text, broken] of [
      ['dead process', holder(dead), true],
      ['this process (a leftover: locks are taken and released in one call)', holder(process.pid), true],
      ['live process', holder(live), false],
      ['live process, but for longer than any write (its pid reused?)', holder(live, hostname(), Date.now() - 60_000), true],
      ['another machine', holder(live, 'elsewhere.example'), false],
      ['another machine, long ago', holder(dead, 'elsewhere.example', Date.now() - 60_000), true],
      ['half written, fresh', '{"pid":', false],
    ] as const) {
      writeFileSync(lock, text);
      if (broken) {
        record();
        assert.ok(!existsSync(lock), `${what}: broken and released`);
      } else {
        assert.throws(
          record,
          (e: Error) =>
            e instanceof StoreError &&
            /is being written by another Layer Lens.*stayed locked\. Try again; if no layerlens is running, delete .*store\.json\.lock\./.test(e.message),
          what,
        );
        assert.equal(readFileSync(lock, 'utf8'), text, `${what}: a held lock is not removed`);
      }
    }
    writeFileSync(lock, '{"pid":');
    utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    record();
    assert.ok(!existsSync(lock), 'half written and old: broken');
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'mine');
    symlinkSync(outside, lock);
    assert.throws(record, StoreError);
    assert.equal(readFileSync(outside, 'utf8'), 'mine', 'the lock is never written through a symlink');
    rmSync(lock);
    assert.equal(Object.keys(loadStore(store).store.builds).length, 5, 'every record that said done is there');
  } finally {
    sleeper.kill('SIGKILL');
  }
});

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], { env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((done) => child.on('exit', (code, signal) => done({ code, signal, err })));
}

/** Projects that differ (Dockerfile text and builder), so each record adds a build of its own. */
function projects(rand: () => number, count: number, prefix: string): Array<{ dockerfile: string; builder: 'buildkit' | 'classic' }> {
  return Array.from({ length: count }, (_, i) => {
    const dir = join(work, `${prefix}${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), `FROM alpine\nCOPY . /app\nRUN echo ${int(rand, 1e9)}\n`);
    writeFileSync(join(dir, 'f.txt'), randomText(rand, 20));
    return { dockerfile: join(dir, 'Dockerfile'), builder: pick(rand, ['buildkit', 'classic'] as const) };
  });
}

test('CLI processes and the editor recording into one store at once: every build is kept', async () => {
  const rand = seededRandom(0xc0c0);
  const store = join(work, 'concurrent', 'store.json');
  const many = projects(rand, 10, 'cc');
  const children = many.map((p) => exited(run(['record', p.dockerfile, '--builder', p.builder, '--store', store])));
  // Meanwhile the editor records too, into the same file (its own window of the same workspace).
  const editor = openWorkspaceStore(store);
  const mine = projects(rand, 3, 'ce').map((p) => openProject({ dockerfile: p.dockerfile, builder: p.builder, buildArgs: {} }));
  for (const p of mine) {
    const plan = planProject(p, { has: () => false, empty: true });
    assert.equal(recordPlan(editor, p, plan.keys, plan.recorded).storePath, store);
    await new Promise((r) => setTimeout(r, int(rand, 40)));
  }
  const results = await Promise.all(children);
  for (const r of results) {
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.err, /^\s+at /m);
  }
  const ids = Object.keys(loadStore(store).store.builds);
  for (const p of many) assert.ok(ids.includes(buildId(p.builder, p.dockerfile, undefined)), `${p.dockerfile} kept`);
  for (const p of mine) assert.ok(ids.includes(buildId(p.options.builder, p.dockerfileAbs, undefined)), `${p.dockerfileAbs} (editor) kept`);
  assert.deepEqual(leftovers(join(work, 'concurrent')), []);
});

test('kill -9 while recording: the store stays readable, every record that finished is kept, nothing is left once another record ran', async (t) => {
  const rand = seededRandom(0x9119);
  const dir = join(work, 'killed');
  mkdirSync(dir);
  const store = join(dir, 'store.json');
  // A big store, so a write takes long enough to be interrupted.
  let big = emptyStore();
  const files = Object.fromEntries(Array.from({ length: 6_000 }, (_, i) => [`src/module-${i}/index.js`, `sha256:${i.toString(16).padStart(64, '0')}`]));
  for (let i = 0; i < 6; i++) big = recordBuild(big, 'buildkit', `seed-${i}`, [`seed-${i}`], { steps: {}, files });
  writeFileSync(store, JSON.stringify(big));
  const many = projects(rand, 6, 'kk');
  const finished: string[] = [];
  let leftBehind = 0;
  for (const p of many) {
    const child = run(['record', p.dockerfile, '--builder', p.builder, '--store', store]);
    const done = exited(child);
    setTimeout(() => child.kill('SIGKILL'), 100 + int(rand, 400));
    const r = await done;
    if (r.code === 0) finished.push(buildId(p.builder, p.dockerfile, undefined));
    else assert.equal(r.signal, 'SIGKILL', r.err);
    const now = loadStore(store);
    assert.ok(!now.warning, `readable after a kill: ${now.warning}`);
    if (leftovers(dir).length) leftBehind++;
  }
  t.diagnostic(`${finished.length} of ${many.length} records finished before their kill; ${leftBehind} kills left a lock or temporary file`);
  const last = projects(rand, 1, 'kl')[0];
  const r = await exited(run(['record', last.dockerfile, '--builder', last.builder, '--store', store]));
  assert.equal(r.code, 0, r.err);
  const ids = Object.keys(loadStore(store).store.builds);
  for (const id of [...finished, ...Array.from({ length: 6 }, (_, i) => `seed-${i}`)]) assert.ok(ids.includes(id), `${id} kept`);
  assert.deepEqual(leftovers(dir), [], 'no temporary or lock file left');
});

test('kill -9 during fix: the Dockerfile is whole (before or after), and no temporary file stays in the build context after the next fix', async (t) => {
  const rand = seededRandom(0xf1f1);
  const ctx = join(work, 'fixkill');
  mkdirSync(ctx);
  // A long text (comments, within the size and line limits of core/dockerfile/limits.ts) to write, with one fix to make: the first CMD goes.
  const comments = Array.from({ length: 4_000 }, (_, i) => `# comment line ${i} ${'x'.repeat(40)}`).join('\n');
  const original = `FROM alpine\n${comments}\nCMD ["x"]\nCMD ["y"]\n`;
  const fixed = `FROM alpine\n${comments}\nCMD ["y"]\n`;
  const outcomes: string[] = [];
  for (let i = 0; i < 4; i++) {
    writeFileSync(join(ctx, 'Dockerfile'), original);
    const child = spawn(process.execPath, [cliPath, 'fix', '--rule', 'cmd-overridden'], { cwd: ctx, env: env(), stdio: 'ignore' });
    const done = exited(child);
    setTimeout(() => child.kill('SIGKILL'), 50 + int(rand, 400));
    await done;
    const text = readFileSync(join(ctx, 'Dockerfile'), 'utf8');
    assert.ok(text === original || text === fixed, 'never a partial Dockerfile');
    outcomes.push(`${text === fixed ? 'fixed' : 'original'}${readdirSync(ctx).length > 1 ? ' + temporary file' : ''}`);
  }
  t.diagnostic(`after each kill: ${outcomes.join(', ')}`);
  // Whatever the kills left, as a kill at the worst moment leaves it: a temporary file of a process that is gone.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(join(ctx, `.Dockerfile.layerlens-${dead}-0badf00d.tmp`), original.slice(0, 1000));
  writeFileSync(join(ctx, 'Dockerfile'), original);
  const r = spawnSync(process.execPath, [cliPath, 'fix', '--rule', 'cmd-overridden'], { cwd: ctx, env: env(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(ctx, 'Dockerfile'), 'utf8'), fixed);
  assert.deepEqual(readdirSync(ctx), ['Dockerfile'], 'nothing but the Dockerfile in the context');
});

test('the CLI on generated stores: exit 0 or 1 with a message, never a stack trace or a hang', () => {
  const rand = seededRandom(0xc11);
  const dir = join(work, 'cli-generated');
  mkdirSync(dir);
  for (const kind of ['truncated', 'random-bytes', 'misshapen', 'newer', 'foreign-text', 'big-foreign'] as const) {
    const path = join(dir, `${kind}.json`);
    const bytes = generate(rand, kind);
    writeFileSync(path, bytes);
    for (const command of ['plan', 'record']) {
      const r = spawnSync(process.execPath, [cliPath, command, project.dockerfileAbs, '--store', path], { env: env(), encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.signal, null, `${kind} ${command}: no hang`);
      assert.ok(r.status === 0 || r.status === 1, `${kind} ${command}: exit ${r.status}\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /^\s+at |\.js:\d+/m, `${kind} ${command}`);
      if (r.status === 1) assert.match(r.stderr, /^layerlens: .+\.\n$/, `${kind} ${command}: one line`);
    }
    if (!ours(kind)) assert.ok(readFileSync(path).equals(bytes), `${kind}: not ours, not touched`);
  }
});

test('a write that fails at any step (injected: read-only file system, disk full, I/O error, permission) is one message; the store, the lock and the folder are as before', (t) => {
  const rand = seededRandom(0xe770);
  const dir = join(work, 'injected');
  mkdirSync(dir);
  const store = join(dir, 'store.json');
  writeFileSync(store, JSON.stringify(validStore(rand, 3)));
  const before = readFileSync(store);
  const steps = ['openSync', 'writeSync', 'fsyncSync', 'renameSync', 'mkdirSync', 'fchmodSync'] as const;
  const errors = [
    ['EROFS', 'the file system is read-only'],
    ['ENOSPC', 'no space is left on the device'],
    ['EIO', 'an input/output error'],
    ['EACCES', 'permission denied'],
    ['EDQUOT', 'the disk quota is exceeded'],
  ] as const;
  for (let i = 0; i < 12; i++) {
    const step = pick(rand, steps);
    const [code, phrase] = pick(rand, errors);
    // Fail the first write-side call of that step (reads pass: an open for reading has no 'wx' flag).
    const original = fs[step] as (...args: unknown[]) => unknown;
    const m = t.mock.method(fs, step, (...args: unknown[]) => {
      if (step !== 'openSync' || args[1] === 'wx') throw Object.assign(new Error(`${code}: injected`), { code });
      return original(...args);
    });
    let message = '';
    try {
      updateStore(store, (c) => recordBuild(c, 'buildkit', `injected-${i}`, ['k'], { steps: {}, files: {} }));
    } catch (e) {
      message = e instanceof StoreError ? e.message : `not a StoreError: ${(e as Error).stack}`;
    } finally {
      m.mock.restore();
    }
    if (step === 'fchmodSync') {
      // Only when the mode is copied from an existing file, which happens: the write must still fail whole.
      assert.ok(message === '' || message.includes(`${phrase} (${code})`), message);
      if (message === '') writeFileSync(store, before);
      continue;
    }
    assert.equal(
      message,
      `Cannot write the cache store ${store}: ${phrase} (${code}). Nothing was recorded. Pass --store with a file in a folder you can write to.`,
      `${step} ${code}`,
    );
    assert.ok(readFileSync(store).equals(before), `${step} ${code}: the store is as before`);
    assert.deepEqual(leftovers(dir), [], `${step} ${code}: no lock or temporary file left`);
  }
});
