// contextFs: real folders in temp dirs. Unreadable entries are simulated two ways because these
// tests may run as root (chmod 000 does not stop root): an injected fs whose readdir/open fail with
// EACCES, and a real file deleted between the scan and its digest. When not root, a real chmod 000
// file is tested too.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DigestCache, loadDigestCache, readIgnoreFile, saveDigestCache, scanContext, updateSnapshot, type FsContextSnapshot } from '../../server/src/contextFs';
import { includedPaths, selectSources, updateView, viewContext, wholeContext } from '../../server/src/core/context';
import type { ContextSnapshot } from '../../server/src/core/types';

const roots: string[] = [];
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function tempContext(files: Record<string, string>): string {
  const root = fs.mkdtempSync(join(tmpdir(), 'll-ctx-'));
  roots.push(root);
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(join(root, p, '..'), { recursive: true });
    fs.writeFileSync(join(root, p), content);
  }
  return root;
}

const digestOf = (root: string, sources = ['.'], ignore?: string) => selectSources(viewContext(scanContext(root), ignore), sources, { builder: 'buildkit' }).digest;

/** The same snapshot without its folder listings: viewContext then groups every path by its parent. */
function unlisted(snapshot: FsContextSnapshot): ContextSnapshot {
  return { entries: snapshot.entries, problems: snapshot.problems, contentDigest: (p, e) => snapshot.contentDigest(p, e) };
}

/** A view built from the snapshot's folder listings equals one built by grouping its paths. */
function sameAsGrouped(snapshot: FsContextSnapshot, ignore: string | undefined, what: string): void {
  const listed = viewContext(snapshot, ignore);
  const grouped = viewContext(unlisted(snapshot), ignore);
  assert.deepEqual(includedPaths(listed), includedPaths(grouped), `${what}: included paths`);
  for (const builder of ['buildkit', 'classic'] as const) assert.equal(selectSources(listed, ['.'], { builder }).digest, selectSources(grouped, ['.'], { builder }).digest, `${what}: digest (${builder})`);
}

function plain(snapshot: FsContextSnapshot) {
  return [...snapshot.entries.values()].map((e) => JSON.stringify(e)).sort();
}

void test('scan: lstat only, symlink loops and FIFOs never hang, types and modes recorded', () => {
  const root = tempContext({ 'src/a.js': 'a', 'run.sh': '#!/bin/sh' });
  fs.chmodSync(join(root, 'run.sh'), 0o755);
  fs.symlinkSync('loop2', join(root, 'loop1'));
  fs.symlinkSync('loop1', join(root, 'loop2'));
  fs.symlinkSync('..', join(root, 'src/up'));
  fs.symlinkSync(root, join(root, 'src/abs-root'));
  fs.mkdirSync(join(root, 'empty'));
  fs.mkdirSync(join(root, 'pipes'));
  execFileSync('mkfifo', [join(root, 'pipes/fifo')]);
  const snap = scanContext(root);
  const e = (p: string) => snap.entries.get(p);
  assert.deepEqual([...snap.entries.keys()].sort(), ['empty', 'loop1', 'loop2', 'pipes', 'pipes/fifo', 'run.sh', 'src', 'src/a.js', 'src/abs-root', 'src/up']);
  assert.equal(e('run.sh')?.mode, 0o755);
  assert.equal(e('loop1')?.linkTarget, 'loop2');
  assert.equal(e('pipes/fifo')?.type, 'other');
  assert.deepEqual(snap.problems, []);
  const sel = selectSources(viewContext(snap), ['.'], { builder: 'buildkit' });
  assert.deepEqual(sel.problems, [], 'links inside a copied folder are hashed as links, never followed');
  assert.match(selectSources(viewContext(snap), ['loop1'], { builder: 'buildkit' }).problems[0], /too many levels of symbolic links/);
  assert.throws(() => snap.contentDigest('pipes/fifo'), /not a regular file/);
  assert.match(scanContext(join(root, 'nope')).problems[0].message, /not a readable folder/);
});

void test('digest invariants on disk: touch and chown keep it; chmod, content, rename, empty dir, symlink, retarget change it', () => {
  const root = tempContext({ 'app/main.js': 'main', 'app/lib/util.js': 'u', 'app/t1': '1', 'app/t2': '2' });
  fs.symlinkSync('t1', join(root, 'app/link'));
  const d0 = digestOf(root, ['app']);
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(join(root, 'app/main.js'), later, later);
  assert.equal(digestOf(root, ['app']), d0, 'touch');
  fs.chownSync(join(root, 'app/main.js'), 1234, 1234);
  assert.equal(digestOf(root, ['app']), d0, 'chown');
  const steps: Array<[string, () => void]> = [
    ['chmod +x', () => fs.chmodSync(join(root, 'app/main.js'), 0o755)],
    ['content', () => fs.writeFileSync(join(root, 'app/lib/util.js'), 'u2')],
    ['rename', () => fs.renameSync(join(root, 'app/t2'), join(root, 'app/t3'))],
    ['new empty folder', () => fs.mkdirSync(join(root, 'app/empty'))],
    ['new symlink', () => fs.symlinkSync('main.js', join(root, 'app/l2'))],
    ['symlink retarget', () => {
      fs.unlinkSync(join(root, 'app/link'));
      fs.symlinkSync('t3', join(root, 'app/link'));
    }],
  ];
  let prev = d0;
  for (const [what, change] of steps) {
    change();
    const next = digestOf(root, ['app']);
    assert.notEqual(next, prev, what);
    prev = next;
  }
});

void test('unreadable folder (injected EACCES on opening it): recorded with advice, a problem only when the build reads it', () => {
  const root = tempContext({ 'ok.txt': 'ok', 'secret/key': 'k' });
  const openSync = ((p: fs.PathLike, flags: number) => {
    if (String(p).endsWith('/secret')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    return fs.openSync(p, flags);
  }) as typeof fs.openSync;
  const snap = scanContext(root, { fs: { openSync } });
  assert.match(snap.entries.get('secret')?.error ?? '', /Cannot list the folder: EACCES\. Make it readable \(chmod a\+rx\) or add it to \.dockerignore/);
  assert.equal(snap.problems[0].path, 'secret');
  assert.match(selectSources(viewContext(snap), ['.'], { builder: 'buildkit' }).problems.join('\n'), /secret: Cannot list the folder/);
  assert.deepEqual(selectSources(viewContext(snap), ['ok.txt'], { builder: 'buildkit' }).problems, []);
  assert.deepEqual(viewContext(snap, 'secret').problems, [], 'excluded: no problem, like fsutil ignoring EACCES on skipped paths');
});

void test('unreadable file: injected EACCES on open, and a real file removed after the scan; never a throw from selection', () => {
  const root = tempContext({ 'a.txt': 'a', 'b.txt': 'b' });
  const openSync = ((p: fs.PathLike, flags: number) => {
    if (String(p).endsWith('b.txt')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    return fs.openSync(p, flags);
  }) as typeof fs.openSync;
  const snap = scanContext(root, { fs: { openSync } });
  assert.throws(() => snap.contentDigest('b.txt'), /Cannot read b\.txt: EACCES\. Make it readable \(chmod a\+r\) or add it to \.dockerignore/);
  assert.match(selectSources(viewContext(snap), ['.'], { builder: 'buildkit' }).problems[0], /b\.txt: Cannot read/);
  const snap2 = scanContext(root);
  fs.unlinkSync(join(root, 'a.txt'));
  assert.throws(() => snap2.contentDigest('a.txt'), /Cannot read a\.txt: ENOENT\. It disappeared after the context was read/);
  if (process.getuid?.() !== 0) {
    fs.chmodSync(join(root, 'b.txt'), 0o000);
    const snap3 = scanContext(root);
    assert.match(snap3.entries.get('b.txt')?.error ?? '', /EACCES/);
  }
});

void test('a 50 MB file is hashed in 1 MiB reads and matches node crypto', () => {
  const root = tempContext({});
  const big = Buffer.alloc(50 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
  fs.writeFileSync(join(root, 'big.bin'), big);
  let reads = 0;
  let largest = 0;
  const readSync = ((fd: number, buf: NodeJS.ArrayBufferView, off: number, len: number, pos: null) => {
    reads++;
    largest = Math.max(largest, len);
    return fs.readSync(fd, buf, off, len, pos);
  }) as typeof fs.readSync;
  const snap = scanContext(root, { fs: { readSync } });
  assert.equal(snap.contentDigest('big.bin'), createHash('sha256').update(big).digest('hex'));
  assert.equal(largest, 1024 * 1024);
  assert.equal(reads, 51, '50 full chunks and the final empty read');
});

void test('a small file is hashed with one read and no fstat of its own (Linux); one that grew past 1 MiB since the scan is hashed whole', () => {
  const root = tempContext({ 'small.txt': 'small', 'grows.txt': 'tiny', 'empty.txt': '' });
  let reads = 0;
  let fstats = 0;
  const readSync = ((fd: number, buf: NodeJS.ArrayBufferView, off: number, len: number, pos: null) => (reads++, fs.readSync(fd, buf, off, len, pos))) as typeof fs.readSync;
  const fstatSync = ((fd: number) => (fstats++, fs.fstatSync(fd))) as typeof fs.fstatSync;
  const snap = scanContext(root, { fs: { readSync, fstatSync } });
  fstats = 0;
  assert.equal(snap.contentDigest('small.txt'), createHash('sha256').update('small').digest('hex'));
  assert.equal(snap.contentDigest('empty.txt'), createHash('sha256').update('').digest('hex'));
  // Linux: one fstat checks the folder both files are opened in; elsewhere each file is checked.
  assert.deepEqual({ reads, fstats }, { reads: 2, fstats: process.platform === 'linux' ? 1 : 2 });
  const grown = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
  fs.writeFileSync(join(root, 'grows.txt'), grown);
  assert.equal(snap.contentDigest('grows.txt'), createHash('sha256').update(grown).digest('hex'));
});

void test('digest cache keys are the lstat key (dev:ino:size:mtimeMs:ctimeMs:mode), so caches saved by earlier versions still hit', () => {
  const root = tempContext({ 'a.txt': 'hello', 'bin/run.sh': '#!/bin/sh\n' });
  fs.chmodSync(join(root, 'bin/run.sh'), 0o4755);
  const cache = new DigestCache();
  const snap = scanContext(root, { digestCache: cache });
  for (const p of ['a.txt', 'bin/run.sh']) {
    const st = fs.lstatSync(join(root, p));
    const digest = snap.contentDigest(p);
    assert.equal(cache.get(`${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.mode}`), digest, p);
    assert.equal(digest, createHash('sha256').update(fs.readFileSync(join(root, p))).digest('hex'), p);
  }
});

void test('digest cache: unchanged files are never re-read across scans; saved atomically, bounded, corrupt file → fresh', () => {
  const root = tempContext({ 'a.txt': 'a', 'b.txt': 'b' });
  let opens = 0;
  // Files only: folders are opened too, to list them.
  const openSync = ((p: fs.PathLike, f: number) => ((f & fs.constants.O_DIRECTORY) === 0 && opens++, fs.openSync(p, f))) as typeof fs.openSync;
  const cache = new DigestCache();
  const first = scanContext(root, { digestCache: cache, fs: { openSync } });
  const d = first.contentDigest('a.txt') + first.contentDigest('b.txt');
  first.contentDigest('a.txt');
  assert.equal(opens, 2, 'memoised within a snapshot');
  fs.writeFileSync(join(root, 'b.txt'), 'B');
  const second = scanContext(root, { digestCache: cache, fs: { openSync } });
  assert.equal(second.contentDigest('a.txt'), first.contentDigest('a.txt'));
  assert.notEqual(second.contentDigest('b.txt'), d.slice(64));
  assert.equal(opens, 3, 'only the edited file is read again');

  const file = join(root, '.cache', 'digests.json');
  assert.equal(saveDigestCache(file, cache), true);
  assert.deepEqual(fs.readdirSync(join(root, '.cache')), ['digests.json'], 'no temp file left');
  const loaded = loadDigestCache(file);
  assert.equal(loaded.size, cache.size);
  const third = scanContext(root, { digestCache: loaded, fs: { openSync } });
  third.contentDigest('a.txt');
  assert.equal(opens, 3, 'a cache loaded from disk saves the read');
  fs.writeFileSync(file, '{"version":1,"entries":[["k", "not-a-digest"]');
  assert.equal(loadDigestCache(file).size, 0);
  fs.writeFileSync(file, 'garbage');
  assert.equal(loadDigestCache(file).size, 0);
  assert.equal(loadDigestCache(join(root, 'missing.json')).size, 0);
  const small = new DigestCache(2);
  for (const k of ['1', '2', '3']) small.set(k, 'f'.repeat(64));
  assert.deepEqual([...small.entries()].map(([k]) => k), ['2', '3']);
  const lru = new DigestCache(4);
  for (const k of ['1', '2', '3']) lru.set(k, 'f'.repeat(64));
  lru.get('1');
  lru.set('4', 'f'.repeat(64));
  assert.deepEqual([...lru.entries()].map(([k]) => k), ['3', '1', '4'], 'a recent hit survives, the unused entry goes');
  assert.equal(saveDigestCache(join(root, 'a.txt', 'cannot', 'be', 'here.json'), cache), false, 'failure is reported, not thrown');
});

void test('updateSnapshot after edits equals a fresh scan, and updateView gives the same digests', () => {
  const root = tempContext({ 'Dockerfile': 'FROM x', 'src/a.js': 'a', 'src/lib/b.js': 'b', 'docs/x.md': 'x', 'node_modules/m/i.js': 'm' });
  const ignore = 'node_modules\ndocs\n!docs/keep.md';
  let snap = scanContext(root);
  let view = viewContext(snap, ignore);
  const edits: Array<[string, () => string[]]> = [
    ['edit', () => (fs.writeFileSync(join(root, 'src/a.js'), 'A'), ['src/a.js'])],
    ['new folder with a file', () => (fs.mkdirSync(join(root, 'src/new')), fs.writeFileSync(join(root, 'src/new/n.js'), 'n'), [join(root, 'src/new/n.js')])],
    ['re-included file appears in an excluded folder', () => (fs.writeFileSync(join(root, 'docs/keep.md'), 'k'), ['docs/keep.md'])],
    ['folder removed', () => (fs.rmSync(join(root, 'src/lib'), { recursive: true }), ['src/lib'])],
    ['file replaced by a folder', () => (fs.rmSync(join(root, 'src/a.js')), fs.mkdirSync(join(root, 'src/a.js')), fs.writeFileSync(join(root, 'src/a.js/in'), 'i'), ['src/a.js'])],
    ['chmod and symlink', () => (fs.chmodSync(join(root, 'Dockerfile'), 0o600), fs.symlinkSync('Dockerfile', join(root, 'src/df')), ['Dockerfile', 'src/df'])],
    ['excluded churn', () => (fs.writeFileSync(join(root, 'node_modules/m/i.js'), 'm2'), ['node_modules/m/i.js'])],
    ['listing of the root', () => (fs.writeFileSync(join(root, 'top.txt'), 't'), [root])],
  ];
  for (const [what, edit] of edits) {
    const paths = edit();
    const u = updateSnapshot(snap, paths);
    const fresh = scanContext(root);
    assert.deepEqual(plain(u.snapshot), plain(fresh), `entries after ${what}`);
    sameAsGrouped(u.snapshot, ignore, `updated snapshot after ${what}`);
    sameAsGrouped(fresh, ignore, `fresh scan after ${what}`);
    view = updateView(view, u.snapshot, u.changed);
    const freshView = viewContext(fresh, ignore);
    assert.deepEqual(includedPaths(view), includedPaths(freshView), what);
    for (const sources of [['.'], ['src'], ['docs'], ['src/*']]) {
      for (const builder of ['buildkit', 'classic'] as const) {
        assert.equal(selectSources(view, sources, { builder }).digest, selectSources(freshView, sources, { builder }).digest, `${what}: ${sources.join(' ')} (${builder})`);
      }
    }
    assert.equal(wholeContext(view).digest, wholeContext(freshView).digest, what);
    snap = u.snapshot;
  }
  assert.deepEqual(updateSnapshot(snap, ['src/new/n.js']).changed, [], 'a spurious event changes nothing');
  fs.rmSync(join(root, 'src/new'), { recursive: true });
  const gone = updateSnapshot(snap, ['src/new/n.js']);
  assert.deepEqual(gone.changed.sort(), ['src/new', 'src/new/n.js'], 'only the file was reported; its vanished folder goes too');
  assert.deepEqual(plain(gone.snapshot), plain(scanContext(root)));
});

void test('pruning with the ignore file skips excluded folders unless a "!" line could reach inside', () => {
  const root = tempContext({ 'node_modules/a/i.js': 'i', 'keep/x': 'x', 'logs/a.log': 'l', 'logs/keep.log': 'k' });
  const pruned = scanContext(root, { pruneWith: 'node_modules\nlogs\n!logs/keep.log' });
  const keys = [...pruned.entries.keys()].sort();
  assert.deepEqual(keys, ['keep', 'keep/x', 'logs', 'logs/a.log', 'logs/keep.log', 'node_modules']);
  assert.deepEqual(updateSnapshot(pruned, ['node_modules/a/i.js']).changed, []);
  assert.deepEqual(includedPaths(viewContext(pruned, 'node_modules\nlogs\n!logs/keep.log')), ['keep', 'keep/x', 'logs', 'logs/keep.log']);
  sameAsGrouped(pruned, 'node_modules\nlogs\n!logs/keep.log', 'pruned scan');
  sameAsGrouped(pruned, undefined, 'pruned scan, no ignore file');
});

void test('readIgnoreFile: <Dockerfile>.dockerignore wins for BuildKit, root .dockerignore for classic', () => {
  const root = tempContext({ '.dockerignore': 'root', 'docker/app.Dockerfile': 'FROM x', 'docker/app.Dockerfile.dockerignore': 'specific' });
  assert.deepEqual(readIgnoreFile(root, 'docker/app.Dockerfile', 'buildkit'), { path: 'docker/app.Dockerfile.dockerignore', text: 'specific' });
  assert.deepEqual(readIgnoreFile(root, 'docker/app.Dockerfile', 'classic'), { path: '.dockerignore', text: 'root' });
  assert.deepEqual(readIgnoreFile(root, 'Dockerfile', 'buildkit'), { path: '.dockerignore', text: 'root' });
});
