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
import { join, relative } from 'node:path';
import {
  DigestCache,
  findIgnoreFile,
  loadDigestCache,
  useProcFdForTests,
  readIgnoreFile,
  saveDigestCache,
  scanContext,
  scanContextAsync,
  updateSnapshot,
  type FsContextSnapshot,
} from '../../server/src/contextFs';
import { openProject } from '../../server/src/diskProject';
import { adviseContextOf } from '../../server/src/adviseContext';
import { includedPaths, selectSources, updateView, viewContext, wholeContext } from '../../server/src/core/context/context';
import type { ContextSnapshot } from '../../server/src/core/shared/types';
import { renderMessage } from '../../server/src/core/shared/message';

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

const digestOf = (root: string, sources = ['.'], ignore?: string) =>
  selectSources(viewContext(scanContext(root), ignore), sources, { builder: 'buildkit' }).digest;

/** The same snapshot without its folder listings: viewContext then groups every path by its parent. */
function unlisted(snapshot: FsContextSnapshot): ContextSnapshot {
  return { entries: snapshot.entries, problems: snapshot.problems, contentDigest: (p, e) => snapshot.contentDigest(p, e) };
}

/** A view built from the snapshot's folder listings equals one built by grouping its paths. */
function sameAsGrouped(snapshot: FsContextSnapshot, ignore: string | undefined, what: string): void {
  const listed = viewContext(snapshot, ignore);
  const grouped = viewContext(unlisted(snapshot), ignore);
  assert.deepEqual(includedPaths(listed), includedPaths(grouped), `${what}: included paths`);
  for (const builder of ['buildkit', 'classic'] as const)
    assert.equal(selectSources(listed, ['.'], { builder }).digest, selectSources(grouped, ['.'], { builder }).digest, `${what}: digest (${builder})`);
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
  assert.match(renderMessage(selectSources(viewContext(snap), ['loop1'], { builder: 'buildkit' }).problems[0]), /too many levels of symbolic links/);
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
    [
      'symlink retarget',
      () => {
        fs.unlinkSync(join(root, 'app/link'));
        fs.symlinkSync('t3', join(root, 'app/link'));
      },
    ],
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
  assert.match(
    selectSources(viewContext(snap), ['.'], { builder: 'buildkit' })
      .problems.map((p) => renderMessage(p))
      .join('\n'),
    /secret: Cannot list the folder/,
  );
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
  assert.match(renderMessage(selectSources(viewContext(snap), ['.'], { builder: 'buildkit' }).problems[0]), /b\.txt: Cannot read/);
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
  const readSync = ((fd: number, buf: NodeJS.ArrayBufferView, off: number, len: number, pos: null) => (
    reads++,
    fs.readSync(fd, buf, off, len, pos)
  )) as typeof fs.readSync;
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
    assert.equal(
      digest,
      createHash('sha256')
        .update(fs.readFileSync(join(root, p)))
        .digest('hex'),
      p,
    );
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
  assert.deepEqual(
    [...small.entries()].map(([k]) => k),
    ['2', '3'],
  );
  const lru = new DigestCache(4);
  for (const k of ['1', '2', '3']) lru.set(k, 'f'.repeat(64));
  lru.get('1');
  lru.set('4', 'f'.repeat(64));
  assert.deepEqual(
    [...lru.entries()].map(([k]) => k),
    ['3', '1', '4'],
    'a recent hit survives, the unused entry goes',
  );
  assert.equal(saveDigestCache(join(root, 'a.txt', 'cannot', 'be', 'here.json'), cache), false, 'failure is reported, not thrown');
});

void test('updateSnapshot after edits equals a fresh scan, and updateView gives the same digests', () => {
  const root = tempContext({ Dockerfile: 'FROM x', 'src/a.js': 'a', 'src/lib/b.js': 'b', 'docs/x.md': 'x', 'node_modules/m/i.js': 'm' });
  const ignore = 'node_modules\ndocs\n!docs/keep.md';
  let snap = scanContext(root);
  let view = viewContext(snap, ignore);
  const edits: Array<[string, () => string[]]> = [
    ['edit', () => (fs.writeFileSync(join(root, 'src/a.js'), 'A'), ['src/a.js'])],
    ['new folder with a file', () => (fs.mkdirSync(join(root, 'src/new')), fs.writeFileSync(join(root, 'src/new/n.js'), 'n'), [join(root, 'src/new/n.js')])],
    ['re-included file appears in an excluded folder', () => (fs.writeFileSync(join(root, 'docs/keep.md'), 'k'), ['docs/keep.md'])],
    ['folder removed', () => (fs.rmSync(join(root, 'src/lib'), { recursive: true }), ['src/lib'])],
    [
      'file replaced by a folder',
      () => (fs.rmSync(join(root, 'src/a.js')), fs.mkdirSync(join(root, 'src/a.js')), fs.writeFileSync(join(root, 'src/a.js/in'), 'i'), ['src/a.js']),
    ],
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
        assert.equal(
          selectSources(view, sources, { builder }).digest,
          selectSources(freshView, sources, { builder }).digest,
          `${what}: ${sources.join(' ')} (${builder})`,
        );
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

/** A folder outside every context, holding a secret whose text must never show up anywhere. */
function outside(): { dir: string; secret: string; file: string } {
  const dir = fs.mkdtempSync(join(tmpdir(), 'll-outside-'));
  roots.push(dir);
  const secret = `api_key=[abc-${Math.random().toString(36).slice(2)}`;
  const file = join(dir, 'secret.txt');
  fs.writeFileSync(file, secret);
  fs.writeFileSync(join(dir, 'package.json'), `{"name":"${secret}"}`);
  fs.mkdirSync(join(dir, 'sub'));
  fs.writeFileSync(join(dir, 'sub', 'f.txt'), secret);
  return { dir, secret, file };
}

void test('a file name that is not UTF-8 is kept (lossless), read, hashed by its bytes, and its edit changes COPY . .', () => {
  const root = tempContext({ 'ok.txt': 'ok' });
  const bytes = (...b: number[]) => Buffer.from([0x66, ...b, 0x2e, 0x74]); // f<bytes>.t
  fs.writeFileSync(Buffer.concat([Buffer.from(root + '/'), bytes(0xff)]), 'one');
  fs.writeFileSync(Buffer.concat([Buffer.from(root + '/'), bytes(0xfe)]), 'one');
  fs.mkdirSync(Buffer.concat([Buffer.from(root + '/'), Buffer.from([0x64, 0xe9])])); // "d\xe9" (latin-1 é)
  fs.writeFileSync(Buffer.concat([Buffer.from(root + '/'), Buffer.from([0x64, 0xe9, 0x2f, 0x61])]), 'a');
  fs.symlinkSync(Buffer.from([0x66, 0xff, 0x2e, 0x74]), Buffer.concat([Buffer.from(root + '/'), Buffer.from('link')]));
  const snap = scanContext(root);
  const names = [...snap.entries.keys()].sort();
  assert.equal(names.length, 6, `every entry is kept: ${JSON.stringify(names)}`);
  assert.deepEqual(snap.problems, []);
  const ff = names.find((n) => n.startsWith('f') && n.charCodeAt(1) === 0xdcff)!;
  const fe = names.find((n) => n.startsWith('f') && n.charCodeAt(1) === 0xdcfe)!;
  assert.ok(ff && fe && ff !== fe, 'two names that differ only in bytes that are not UTF-8 stay two names');
  assert.equal(snap.entries.get('link')?.linkTarget, ff, 'a link target is decoded the same way');
  assert.equal(snap.contentDigest(ff), createHash('sha256').update('one').digest('hex'));
  assert.ok(snap.entries.has(`d\udce9/a`), 'inside a folder whose name is not UTF-8');
  const before = { bk: digestOf(root), classic: selectSources(viewContext(scanContext(root)), ['.'], { builder: 'classic' }).digest };
  fs.writeFileSync(Buffer.concat([Buffer.from(root + '/'), bytes(0xff)]), 'two');
  assert.notEqual(digestOf(root), before.bk, 'BuildKit: the edit changes COPY . .');
  assert.notEqual(selectSources(viewContext(scanContext(root)), ['.'], { builder: 'classic' }).digest, before.classic, 'classic: the edit changes COPY . .');
  // Renaming \xff to \xfe's twin (same content) changes the digest: names are hashed by their bytes.
  const renamedRoot = tempContext({});
  fs.writeFileSync(Buffer.concat([Buffer.from(renamedRoot + '/'), bytes(0xfd)]), 'x');
  const a = digestOf(renamedRoot);
  fs.renameSync(Buffer.concat([Buffer.from(renamedRoot + '/'), bytes(0xfd)]), Buffer.concat([Buffer.from(renamedRoot + '/'), bytes(0xfc)]));
  assert.notEqual(digestOf(renamedRoot), a);
  const u = updateSnapshot(snap, [ff]);
  assert.deepEqual(u.changed, [ff], 'an event for the file re-reads it by its bytes');
});

void test('a symlinked .dockerignore: BuildKit resolves it inside the context, a link out of it is never read; classic reads a target inside only', () => {
  const out = outside();
  const root = tempContext({ Dockerfile: 'FROM x', 'ignores/real': 'node_modules\n', 'docker/app.Dockerfile': 'FROM x', '.dockerignore.inner': 'dist\n' });
  const all = (r: ReturnType<typeof findIgnoreFile>) => JSON.stringify(r);
  // A link inside the context: read there (both builders).
  fs.symlinkSync('ignores/real', join(root, '.dockerignore'));
  for (const builder of ['buildkit', 'classic'] as const)
    assert.deepEqual(findIgnoreFile(root, 'Dockerfile', builder), { file: { path: '.dockerignore', text: 'node_modules\n' }, problems: [] }, builder);
  // An absolute link: BuildKit resolves it from the context root (<context>/ignores/real), the CLI from the host's root.
  fs.rmSync(join(root, '.dockerignore'));
  fs.symlinkSync('/ignores/real', join(root, '.dockerignore'));
  assert.deepEqual(findIgnoreFile(root, 'Dockerfile', 'buildkit').file, { path: '.dockerignore', text: 'node_modules\n' });
  assert.equal(findIgnoreFile(root, 'Dockerfile', 'classic').file, undefined);
  // A link to a file outside: never read; BuildKit finds nothing inside, the classic CLI would read it (a problem says so).
  for (const target of [out.file, relative(root, out.file)]) {
    fs.rmSync(join(root, '.dockerignore'));
    fs.symlinkSync(target, join(root, '.dockerignore'));
    for (const builder of ['buildkit', 'classic'] as const) {
      const r = findIgnoreFile(root, 'Dockerfile', builder);
      assert.equal(r.file, undefined, `${builder} ${target}`);
      assert.ok(!all(r).includes(out.secret), 'the secret never appears');
      assert.match(
        r.problems.join('\n'),
        builder === 'classic'
          ? /outside the build context.*Replace the symlink with a regular file/
          : /not in the build context.*Replace the symlink with a regular file/,
        `${builder} ${target}`,
      );
      assert.equal(readIgnoreFile(root, 'Dockerfile', builder), undefined);
    }
  }
  // BuildKit: <Dockerfile>.dockerignore linked out of the Dockerfile's folder: not read, the root .dockerignore is used.
  fs.rmSync(join(root, '.dockerignore'));
  fs.writeFileSync(join(root, '.dockerignore'), 'root\n');
  fs.symlinkSync(out.file, join(root, 'docker/app.Dockerfile.dockerignore'));
  const r = findIgnoreFile(root, 'docker/app.Dockerfile', 'buildkit');
  assert.deepEqual(r.file, { path: '.dockerignore', text: 'root\n' });
  assert.ok(!all(r).includes(out.secret));
  // A loop and a FIFO: no hang, no ignore rules, a problem.
  fs.rmSync(join(root, '.dockerignore'));
  fs.symlinkSync('.dockerignore', join(root, '.dockerignore'));
  assert.match(findIgnoreFile(root, 'Dockerfile', 'buildkit').problems.join('\n'), /too many levels of symbolic links/);
  fs.rmSync(join(root, '.dockerignore'));
  execFileSync('mkfifo', [join(root, '.dockerignore')]);
  for (const builder of ['buildkit', 'classic'] as const) assert.match(findIgnoreFile(root, 'Dockerfile', builder).problems.join('\n'), /not a regular file/);
  // Through a project: its problems say it, its ignore text is not the secret.
  fs.rmSync(join(root, '.dockerignore'));
  fs.symlinkSync(out.file, join(root, '.dockerignore'));
  const project = openProject({ dockerfile: join(root, 'Dockerfile'), builder: 'buildkit', buildArgs: {} });
  assert.equal(project.ignoreText, undefined);
  assert.match(project.problems.join('\n'), /\.dockerignore is a symlink/);
  assert.ok(!JSON.stringify({ ...project, view: undefined, snapshot: undefined }).includes(out.secret));
});

void test('advice reads package.json, go.mod, ... only as regular files inside the context (never through a link out of it)', () => {
  const out = outside();
  const root = tempContext({ Dockerfile: 'FROM x', 'app/package.json': '{"name":"inner"}', 'big.json': 'x'.repeat(2 * 1024 * 1024) });
  fs.symlinkSync(join(out.dir, 'package.json'), join(root, 'package.json'));
  fs.symlinkSync(out.dir, join(root, 'linked'));
  fs.symlinkSync('app/package.json', join(root, 'inner.json'));
  fs.symlinkSync('/app', join(root, 'abs'));
  execFileSync('mkfifo', [join(root, 'fifo.json')]);
  const project = openProject({ dockerfile: join(root, 'Dockerfile'), builder: 'buildkit', buildArgs: {} });
  const ctx = adviseContextOf(project);
  assert.equal(ctx.readText?.('package.json'), undefined, 'a link to a file outside');
  assert.equal(ctx.readText?.('linked/package.json'), undefined, 'through a linked folder outside');
  assert.equal(ctx.readText?.('linked/sub/f.txt'), undefined);
  assert.equal(ctx.readText?.('inner.json'), '{"name":"inner"}', 'a link inside the context is read there, as BuildKit does');
  assert.equal(ctx.readText?.('abs/package.json'), '{"name":"inner"}', 'an absolute link counts from the context root');
  assert.equal(ctx.readText?.('app/package.json'), '{"name":"inner"}');
  assert.equal(ctx.readText?.('fifo.json'), undefined, 'a FIFO: no hang, nothing read');
  assert.equal(ctx.readText?.('big.json'), undefined, 'larger than the bound');
  assert.equal(ctx.readText?.('../' + relative(join(root, '..'), out.file)), undefined);
});

/** Every fd opened through `fs`, as the real path it names (/proc/self/fd), so a test can see where reads went. */
function recordingFs(): { fs: { openSync: typeof fs.openSync }; opened: string[] } {
  const opened: string[] = [];
  const openSync = ((p: fs.PathLike, flags: number, mode?: fs.Mode) => {
    const fd = fs.openSync(p, flags, mode);
    try {
      opened.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      opened.push(String(p));
    }
    return fd;
  }) as typeof fs.openSync;
  return { fs: { openSync }, opened };
}

void test('a folder swapped for a symlink to outside during the scan is recorded as the symlink, never listed or read through it', () => {
  const out = outside();
  const root = tempContext({ 'a/f.txt': 'inside', 'b.txt': 'b' });
  const rec = recordingFs();
  let swapped = false;
  // After the walk lstat'ed "a" as a folder, swap it before it is opened and listed.
  const lstatSync = ((p: fs.PathLike, o?: fs.StatOptions) => {
    const st = fs.lstatSync(p, o as undefined);
    if (!swapped && String(p).endsWith('/a') && st.isDirectory()) {
      swapped = true;
      fs.renameSync(join(root, 'a'), join(root, 'a.moved'));
      fs.symlinkSync(out.dir, join(root, 'a'));
    }
    return st;
  }) as typeof fs.lstatSync;
  const snap = scanContext(root, { fs: { lstatSync, ...rec.fs } });
  assert.ok(swapped);
  assert.equal(snap.entries.get('a')?.type, 'symlink', 'what is there now');
  assert.deepEqual(
    [...snap.entries.keys()].filter((k) => k.startsWith('a/')),
    [],
    'nothing listed through the link',
  );
  assert.ok(!rec.opened.some((p) => p.startsWith(out.dir)), `nothing opened outside: ${rec.opened.join(', ')}`);
  assert.ok(!JSON.stringify(snap.problems).includes(out.secret));
});

void test('a folder swapped for a symlink after the scan: its files are not read through the link', () => {
  const out = outside();
  const root = tempContext({ 'sub/f.txt': 'inside', 'sub/big.bin': 'x'.repeat(2 * 1024 * 1024) });
  fs.writeFileSync(join(out.dir, 'sub', 'big.bin'), out.secret.repeat(100_000));
  const rec = recordingFs();
  const snap = scanContext(root, { fs: rec.fs });
  fs.renameSync(join(root, 'sub'), join(root, 'sub.moved'));
  fs.symlinkSync(join(out.dir, 'sub'), join(root, 'sub'));
  for (const f of ['sub/f.txt', 'sub/big.bin']) {
    assert.throws(() => snap.contentDigest(f), /Cannot read sub\/.*(ECHANGED|ELOOP|ENOTDIR|ENOENT)/, f);
  }
  assert.ok(!rec.opened.some((p) => p.startsWith(out.dir)), `nothing opened outside: ${rec.opened.join(', ')}`);
  const sel = selectSources(viewContext(snap), ['.'], { builder: 'buildkit' });
  assert.ok(!JSON.stringify(sel.problems).includes(out.secret));
  // The watcher's event for the folder records the symlink.
  const u = updateSnapshot(snap, ['sub']);
  assert.equal(u.snapshot.entries.get('sub')?.type, 'symlink');
  assert.ok(!rec.opened.some((p) => p.startsWith(out.dir)));
});

void test('sockets, FIFOs, a sparse file and a symlink loop: no hang, the sparse file hashed in 1 MiB reads', async () => {
  const root = tempContext({ 'a.txt': 'a' });
  const { createServer } = await import('node:net');
  const sock = createServer();
  await new Promise<void>((done) => sock.listen(join(root, 'app.sock'), done));
  try {
    execFileSync('mkfifo', [join(root, 'fifo')]);
    fs.symlinkSync('l2', join(root, 'l1'));
    fs.symlinkSync('l1', join(root, 'l2'));
    const fd = fs.openSync(join(root, 'sparse.bin'), 'w');
    fs.ftruncateSync(fd, 256 * 1024 * 1024);
    fs.closeSync(fd);
    let largest = 0;
    const readSync = ((f: number, b: NodeJS.ArrayBufferView, o: number, l: number, p: null) => (
      (largest = Math.max(largest, l)),
      fs.readSync(f, b, o, l, p)
    )) as typeof fs.readSync;
    const snap = await scanContextAsync(root, { fs: { readSync } });
    assert.equal(snap.entries.get('app.sock')?.type, 'other');
    assert.equal(snap.entries.get('fifo')?.type, 'other');
    const sel = selectSources(viewContext(snap), ['.'], { builder: 'buildkit' });
    assert.deepEqual(sel.problems, []);
    assert.equal(
      snap.contentDigest('sparse.bin'),
      createHash('sha256')
        .update(Buffer.alloc(256 * 1024 * 1024))
        .digest('hex'),
    );
    assert.equal(largest, 1024 * 1024);
  } finally {
    sock.close();
  }
});

void test('scanContextAsync gives the same snapshot as scanContext, and stops when aborted', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 600; i++) files[`d${i % 7}/e${i % 13}/f${i}.txt`] = String(i);
  const root = tempContext(files);
  fs.symlinkSync('d1', join(root, 'link'));
  const sync = scanContext(root);
  const async = await scanContextAsync(root);
  assert.deepEqual(plain(async), plain(sync));
  assert.equal(digestOf(root), selectSources(viewContext(async), ['.'], { builder: 'buildkit' }).digest);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(scanContextAsync(root, { signal: ac.signal }), { name: 'AbortError' });
});

void test('without /proc (macOS, BSD): folders are checked by (dev, ino) around their listing, files by their fd; nothing outside is read', () => {
  useProcFdForTests(false);
  try {
    const out = outside();
    const root = tempContext({ 'a/f.txt': 'inside', 'sub/f.txt': 'inside', 'pkg/package.json': '{}' });
    let swapped = false;
    const lstatSync = ((p: fs.PathLike, o?: fs.StatOptions) => {
      const st = fs.lstatSync(p, o as undefined);
      if (!swapped && String(p).endsWith('/a') && st.isDirectory()) {
        swapped = true;
        fs.renameSync(join(root, 'a'), join(root, 'a.moved'));
        fs.symlinkSync(join(out.dir, 'sub'), join(root, 'a'));
      }
      return st;
    }) as typeof fs.lstatSync;
    const snap = scanContext(root, { fs: { lstatSync } });
    assert.equal(snap.entries.get('a')?.type, 'symlink');
    assert.deepEqual(
      [...snap.entries.keys()].filter((k) => k.startsWith('a/')),
      [],
    );
    assert.equal(snap.contentDigest('pkg/package.json'), createHash('sha256').update('{}').digest('hex'));
    fs.renameSync(join(root, 'sub'), join(root, 'sub.moved'));
    fs.symlinkSync(join(out.dir, 'sub'), join(root, 'sub'));
    assert.throws(() => snap.contentDigest('sub/f.txt'), /Cannot read sub\/f\.txt: ECHANGED/, 'the fd is not the file the scan saw: not read');
    fs.symlinkSync(out.file, join(root, 'pkg', 'link.json'));
    const project = openProject({ dockerfile: join(root, 'Dockerfile'), context: root, builder: 'buildkit', buildArgs: {}, text: 'FROM x' });
    const ctx = adviseContextOf(project);
    assert.equal(ctx.readText?.('pkg/package.json'), '{}');
    assert.equal(ctx.readText?.('sub/f.txt'), undefined, 'through a linked folder');
    assert.equal(ctx.readText?.('pkg/link.json'), undefined, 'a link out of the context');
  } finally {
    useProcFdForTests(undefined);
  }
});
