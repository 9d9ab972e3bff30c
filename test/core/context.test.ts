// The context view and source selection (R8, R9, R17, R19, R20-R22) over in-memory snapshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  entryFingerprint,
  includedPaths,
  selectSources,
  updateView,
  viewContext,
  wholeContext,
  type SelectOptions,
} from '../../server/src/core/context/context';
import { lookup } from '../../server/src/core/context/view';
import type { Builder } from '../../server/src/core/shared/types';
import { snap, type Spec } from '../helpers/memoryContext';
import { renderMessage } from '../../server/src/core/shared/message';

function without(spec: Record<string, Spec>, ...paths: string[]): Record<string, Spec> {
  return Object.fromEntries(Object.entries(spec).filter(([p]) => !paths.includes(p)));
}

const BK: SelectOptions = { builder: 'buildkit' };
const CL: SelectOptions = { builder: 'classic' };
const sel = (s: Record<string, Spec>, sources: string[], opts: SelectOptions = BK, ignore?: string) =>
  selectSources(viewContext(snap(s), ignore), sources, opts);
const dig = (s: Record<string, Spec>, sources: string[], opts: SelectOptions = BK, ignore?: string) => sel(s, sources, opts, ignore).digest;

const APP = { Dockerfile: 'FROM x', 'package.json': '{}', 'src/a.js': 'a', 'src/lib/b.js': 'b', 'README.md': 'r' };

void test('.dockerignore: a folder pattern drops everything below; "!" re-includes inside it; last match wins', () => {
  const v = viewContext(
    snap({ ...APP, 'node_modules/x/i.js': 'x', 'docs/a.md': 'a', 'docs/keep.md': 'k' }),
    'node_modules\ndocs\n!docs/keep.md\n*.md\n!README.md\n',
  );
  assert.deepEqual(includedPaths(v), ['Dockerfile', 'README.md', 'docs', 'docs/keep.md', 'package.json', 'src', 'src/a.js', 'src/lib', 'src/lib/b.js']);
  assert.equal(lookup(v.root, 'docs')?.implicit, true);
  // fsutil TestWalkerExclude: ["foo*", "!foo/bar2"] keeps bar, the foo folder and foo/bar2.
  const w = viewContext(snap({ bar: '', foo2: '', 'foo/bar2': '' }), 'foo*\n!foo/bar2');
  assert.deepEqual(includedPaths(w), ['bar', 'foo', 'foo/bar2']);
  // Patterns are anchored at the root: *.js only matches top-level files.
  assert.deepEqual(includedPaths(viewContext(snap({ 'a.js': '', 'src/b.js': '' }), '*.js')), ['src', 'src/b.js']);
  assert.deepEqual(includedPaths(viewContext(snap({ 'a.js': '', 'src/b.js': '' }), '**/*.js')), ['src']);
  // Case-sensitive, unlike @balena/dockerignore's default.
  assert.deepEqual(includedPaths(viewContext(snap({ 'README.md': '' }), '*.MD')), ['README.md']);
  // BuildKit's walker uses MatchesUsingParentResults: "!a" re-includes the folder a, not a/b
  // (MatchesOrParentMatches, and @balena/dockerignore, would keep a/b).
  assert.deepEqual(includedPaths(viewContext(snap({ 'a/b': '', 'a/c': '' }), 'a/b\n!a')), ['a', 'a/c']);
});

void test('fsutil TestWalkerPermissionDenied: an unreadable folder matters only when it is in the context and read', () => {
  const s = { 'foo/bar': { dir: true, error: 'permission denied: make it readable or add it to .dockerignore' } };
  assert.match(
    sel(s, ['.'])
      .problems.map((p) => renderMessage(p))
      .join('\n'),
    /foo\/bar: permission denied/,
  );
  assert.deepEqual(sel(s, ['.'], BK, '**/bar').problems, []);
  assert.deepEqual(sel(s, ['.'], BK, '**/bar\n!foo/bar/baz').problems, []);
  assert.match(
    sel(s, ['.'], BK, '**/bar\n!foo/bar')
      .problems.map((p) => renderMessage(p))
      .join('\n'),
    /permission denied/,
  );
});

void test('R20: Dockerfile and .dockerignore are in COPY . unless excluded', () => {
  const edited = { ...APP, Dockerfile: 'FROM x\n# comment' };
  assert.notEqual(dig(APP, ['.']), dig(edited, ['.']));
  assert.equal(dig(APP, ['.'], BK, 'Dockerfile'), dig(edited, ['.'], BK, 'Dockerfile'));
  const withIgnore = (text: string) => dig({ ...APP, '.dockerignore': text }, ['.'], BK, text);
  assert.notEqual(withIgnore('*.log'), withIgnore('*.log\n*.tmp'));
  assert.equal(withIgnore('.dockerignore\n*.log'), withIgnore('.dockerignore\n*.log\n*.tmp'));
});

void test('sources: files, folders copied recursively, "." is the whole context, "/" and "./" stripped', () => {
  assert.deepEqual(sel(APP, ['src']).paths, ['src', 'src/a.js', 'src/lib', 'src/lib/b.js']);
  assert.deepEqual(sel(APP, ['./package.json']).paths, ['package.json']);
  assert.equal(dig(APP, ['/src']), dig(APP, ['./src/']));
  assert.equal(dig(APP, ['src'], CL), dig(APP, ['/src'], CL));
  assert.equal(sel(APP, ['.']).paths.length, 7);
  assert.deepEqual(sel(APP, ['src', 'README.md']).problems, []);
});

void test('wildcards: Go filepath.Match per segment, "*" never crosses "/"', () => {
  const s = { 'a.json': '1', 'b.json': '2', 'sub/c.json': '3', 'pkgs/x/package.json': 'x', 'pkgs/y/package.json': 'y', 'pkgs/y/z/package.json': 'z' };
  assert.deepEqual(sel(s, ['*.json']).paths, ['a.json', 'b.json']);
  assert.deepEqual(sel(s, ['pkgs/*/package.json']).paths, ['pkgs/x/package.json', 'pkgs/y/package.json']);
  assert.deepEqual(sel(s, ['[ab].json']).paths, ['a.json', 'b.json']);
  assert.deepEqual(sel(s, ['?.json'], CL).paths, ['a.json', 'b.json']);
  // C19: a new match changes the digest.
  assert.notEqual(dig(s, ['*.json']), dig({ ...s, 'c.json': '3' }, ['*.json']));
  assert.equal(dig(s, ['*.json']), dig({ ...s, 'c.txt': '3' }, ['*.json']));
});

void test('a wildcard matching nothing: fine in BuildKit, an error in classic; a missing literal is an error in both', () => {
  assert.deepEqual(sel(APP, ['*.none']).problems, []);
  assert.match(renderMessage(sel(APP, ['*.none'], CL).problems[0]), /No source files were specified/);
  assert.deepEqual(sel(APP, ['*.none', 'package.json'], CL).problems, []);
  assert.match(renderMessage(sel(APP, ['missing.txt']).problems[0]), /not found in the build context/);
  assert.match(renderMessage(sel(APP, ['missing.txt'], CL).problems[0]), /file not found in build context or excluded by .dockerignore/);
  assert.match(renderMessage(sel(APP, ['README.md'], BK, 'README.md').problems[0]), /excluded by .dockerignore/);
});

void test('"../x": BuildKit clamps at the context root (path.Join("/", src)) and warns; classic fails', () => {
  const bk = sel(APP, ['../package.json']);
  assert.deepEqual(bk.problems, []);
  assert.match(bk.warnings[0], /reads "package.json"/);
  assert.equal(bk.digest, dig(APP, ['package.json']));
  assert.match(renderMessage(sel(APP, ['../package.json'], CL).problems[0]), /forbidden path outside the build context/);
  assert.equal(dig(APP, ['src/../package.json'], CL), dig(APP, ['package.json'], CL));
});

void test('R9 invariants: mode, content, rename, new empty folder, new symlink and retargeting change the digest', () => {
  const base = { 'app/run.sh': 'echo', 'app/data/x': 'x', 'app/t1': 't1', 'app/t2': 't2', 'app/link': { link: 't1' } };
  const d = dig(base, ['app']);
  assert.equal(d, dig({ ...base }, ['app']), 'same facts, same digest (mtime and owner are not even inputs)');
  assert.notEqual(d, dig({ ...base, 'app/run.sh': { content: 'echo', mode: 0o755 } }, ['app']), 'chmod +x');
  assert.notEqual(d, dig({ ...base, 'app/run.sh': 'echo!' }, ['app']), 'content');
  assert.notEqual(d, dig({ ...without(base, 'app/run.sh'), 'app/start.sh': 'echo' }, ['app']), 'rename');
  assert.notEqual(d, dig({ ...base, 'app/empty': { dir: true } }, ['app']), 'new empty folder');
  assert.notEqual(d, dig({ ...base, 'app/data': { dir: true, mode: 0o700 } }, ['app']), 'folder mode');
  assert.notEqual(d, dig({ ...base, 'app/l2': { link: 'run.sh' } }, ['app']), 'new symlink');
  assert.notEqual(d, dig({ ...base, 'app/link': { link: 't2' } }, ['app']), 'symlink retarget');
  // Inside a copied folder a symlink is hashed as a link (BuildKit): its target's content does not count...
  const out = { 'app/link': { link: '../target' }, target: 'v1' };
  assert.equal(dig(out, ['app']), dig({ ...out, target: 'v2' }, ['app']));
  // ...while the classic builder hashes what the link points to.
  assert.notEqual(dig(out, ['app'], CL), dig({ ...out, target: 'v2' }, ['app'], CL));
});

void test('BuildKit wildcard/--exclude checksums follow every symlink they list (contenthash Checksum with FollowLinks)', () => {
  const s = { 'src/dir/link': { link: '../../target' }, target: 'v1', 'src/f': 'f' };
  assert.equal(dig(s, ['src']), dig({ ...s, target: 'v2' }, ['src']), 'plain path: links are records');
  assert.notEqual(dig(s, ['src/*']), dig({ ...s, target: 'v2' }, ['src/*']), 'wildcard: listed links are followed');
  assert.notEqual(dig(s, ['src'], { builder: 'buildkit', excludes: ['f'] }), dig({ ...s, target: 'v2' }, ['src'], { builder: 'buildkit', excludes: ['f'] }));
  assert.match(renderMessage(sel({ 'src/dir/link': { link: 'nowhere' } }, ['src/*']).problems[0]), /not in the build context/);
});

void test('a symlink given as the source itself is followed (contents of its target)', () => {
  const s = { cfg: { link: 'conf/v1' }, 'conf/v1/a': 'a', 'conf/v2/a': 'b' };
  assert.deepEqual(sel(s, ['cfg']).paths, ['cfg', 'conf/v1', 'conf/v1/a']);
  assert.notEqual(dig(s, ['cfg']), dig({ ...s, cfg: { link: 'conf/v2' } }, ['cfg']));
  assert.notEqual(dig(s, ['cfg']), dig({ ...s, 'conf/v1/a': 'z' }, ['cfg']));
  assert.equal(dig(s, ['cfg']), dig({ ...s, 'conf/v2/a': 'z' }, ['cfg']));
  // Links are resolved inside the context: an absolute target starts at the context root.
  assert.deepEqual(sel({ abs: { link: '/conf/v1/a' }, 'conf/v1/a': 'a' }, ['abs']).problems, []);
});

void test('basename rule: BuildKit keys only path.Base of a source, classic the relative path (C22)', () => {
  const s = { 'a/x.txt': 'same', 'b/x.txt': 'same', 'b/y.txt': 'same' };
  assert.equal(dig(s, ['a/x.txt']), dig(s, ['b/x.txt']));
  assert.notEqual(dig(s, ['a/x.txt']), dig(s, ['b/y.txt']));
  assert.notEqual(dig(s, ['a/x.txt'], CL), dig(s, ['b/x.txt'], CL));
  const dirs = { 'one/pkg/f': '1', 'two/pkg/f': '1' };
  assert.equal(dig(dirs, ['one/pkg']), dig(dirs, ['two/pkg']), 'folder contents are named relative to the copied folder');
  assert.notEqual(dig(dirs, ['one/pkg'], CL), dig(dirs, ['two/pkg'], CL));
});

void test('--exclude: excluded files do not count; --parents keeps the parent path in what is hashed (R19)', () => {
  const s = { 'app/main.go': 'm', 'app/README.md': 'r', 'app/docs/x.md': 'x' };
  const ex: SelectOptions = { builder: 'buildkit', excludes: ['*.md', 'docs'] };
  assert.equal(dig(s, ['app'], ex), dig({ ...s, 'app/README.md': 'changed', 'app/docs/x.md': 'y' }, ['app'], ex));
  assert.notEqual(dig(s, ['app'], ex), dig({ ...s, 'app/main.go': 'changed' }, ['app'], ex));
  assert.deepEqual(sel(s, ['app'], ex).paths, ['app', 'app/main.go']);
  assert.match(sel(s, ['app'], { builder: 'classic', excludes: ['*.md'] }).warnings[0], /ignores --exclude/);
  const p = { 'a/b/x.txt': 'x', 'c/b/x.txt': 'x' };
  const par: SelectOptions = { builder: 'buildkit', parents: true };
  assert.deepEqual(sel(p, ['a/b/x.txt'], par).paths, ['a', 'a/b', 'a/b/x.txt']);
  assert.notEqual(dig(p, ['a/b/x.txt'], par), dig(p, ['c/b/x.txt'], par));
  // With a pivot the pattern is matched below it; contenthash still lists the pivot's own header.
  assert.deepEqual(sel(p, ['a/./b/x.txt'], par).paths, ['a', 'a/b', 'a/b/x.txt']);
  assert.notEqual(dig(p, ['a/./b/x.txt'], par), dig(p, ['c/./b/x.txt'], par), 'the pivot folder name is part of the key');
  const q = { 'x/a/b/f': '1', 'y/a/b/f': '1' };
  assert.equal(dig(q, ['x/a/./b/f'], par), dig(q, ['y/a/./b/f'], par), 'only basenames: x/ and y/ above the pivot do not count');
  assert.match(renderMessage(sel(p, ['a/zz.txt'], par).problems[0]), /not in the build context/);
});

void test('bind mounts and the whole context: no path in the key, every included file counts', () => {
  const m: SelectOptions = { builder: 'buildkit', mount: true };
  const s = { 'a/x.txt': 'same', 'b/x.txt': 'same', other: 'o' };
  assert.equal(dig(s, ['a/x.txt'], m), dig({ ...s, 'c/y.txt': 'same' }, ['c/y.txt'], m));
  const whole = (spec: Record<string, Spec>, ignore?: string) => wholeContext(viewContext(snap(spec), ignore), 'buildkit').digest;
  assert.notEqual(whole(s), whole({ ...s, other: 'changed' }));
  assert.equal(whole(s, 'other'), whole({ ...s, other: 'changed' }, 'other'));
  assert.equal(whole(s), dig(s, ['.', 'a'], m), 'a mount of "/" swallows the others');
});

void test('problems, never throws: symlink loops, unreadable files, ADD of a local tar is just its bytes', () => {
  const loop = { a: { link: 'b' }, b: { link: 'a' }, 'd/self': { link: '../d/self' } };
  assert.match(renderMessage(sel(loop, ['a']).problems[0]), /too many levels of symbolic links/);
  assert.match(renderMessage(sel(loop, ['a'], CL).problems[0]), /too many levels of symbolic links/);
  assert.deepEqual(sel(loop, ['d']).problems, [], 'a looping link inside a copied folder is only a link');
  const bad = { 'ok.txt': 'ok', 'secret.key': { content: 'k', unreadable: true } };
  assert.match(renderMessage(sel(bad, ['.']).problems[0]), /secret\.key: cannot read/);
  assert.deepEqual(sel(bad, ['ok.txt']).problems, []);
  assert.notEqual(dig({ 'a.tar': 'v1' }, ['a.tar']), dig({ 'a.tar': 'v2' }, ['a.tar']));
});

void test('entryFingerprint: type, mode and content, for "which files changed" reasons', () => {
  const f = (s: Record<string, Spec>, p: string) => entryFingerprint(viewContext(snap(s)), p);
  assert.equal(f({ x: 'a' }, 'x'), f({ x: 'a' }, 'x'));
  assert.notEqual(f({ x: 'a' }, 'x'), f({ x: 'b' }, 'x'));
  assert.notEqual(f({ x: 'a' }, 'x'), f({ x: { content: 'a', mode: 0o600 } }, 'x'));
  assert.notEqual(f({ x: { link: 'a' } }, 'x'), f({ x: { link: 'b' } }, 'x'));
  assert.equal(f({ x: 'a' }, 'nope'), undefined);
  assert.equal(entryFingerprint(viewContext(snap({ x: 'a' }), 'x'), 'x'), undefined);
  assert.equal(f({ x: 'a' }, 'x')?.length, 16);
});

void test('updateView gives the same digests as a fresh view and reuses untouched folders', () => {
  const spec: Record<string, Spec> = { ...APP, 'node_modules/m/i.js': 'm', 'docs/a.md': 'a', 'docs/keep.md': 'k', 'src/lib/deep/c.js': 'c' };
  const ignore = 'node_modules\ndocs\n!docs/keep.md';
  const edits: Array<[Record<string, Spec>, string[]]> = [
    [{ ...spec, 'src/a.js': 'A' }, ['src/a.js']],
    [{ ...spec, 'src/new/n.js': 'n' }, ['src/new', 'src/new/n.js']],
    [{ ...spec, 'docs/keep.md': 'K2', 'docs/a.md': 'a2' }, ['docs/keep.md', 'docs/a.md']],
    [without(spec, 'docs/keep.md'), ['docs/keep.md']],
    [without(spec, 'src/lib/b.js', 'src/lib/deep/c.js'), ['src/lib']],
    [{ ...spec, 'src/lib': 'now a file' }, ['src/lib']],
    [{ ...spec, 'node_modules/m/i.js': 'changed' }, ['node_modules/m/i.js']],
    [{ ...spec, 'docs/new/keep.md': 'k', 'docs/keep.md': 'k' }, ['docs/new', 'docs/new/keep.md']],
  ];
  const before = viewContext(snap(spec), ignore);
  const probe = (v: ReturnType<typeof viewContext>, b: Builder) =>
    [['.'], ['src'], ['docs'], ['*.json', 'src/*'], ['src/lib/b.js']]
      .map((s) => selectSources(v, s, { builder: b }).digest)
      .concat(wholeContext(v).digest, includedPaths(v).join(','));
  for (const [after, changed] of edits) {
    const fresh = viewContext(snap(after), ignore);
    const updated = updateView(before, snap(after), changed);
    for (const b of ['buildkit', 'classic'] as const) assert.deepEqual(probe(updated, b), probe(fresh, b), `after changing ${changed.join(', ')} (${b})`);
  }
  probe(before, 'buildkit');
  const next = updateView(before, snap({ ...spec, 'src/a.js': 'A' }), ['src/a.js']);
  assert.equal(lookup(next.root, 'src/lib'), lookup(before.root, 'src/lib'), 'untouched folder shared');
  assert.notEqual(lookup(next.root, 'src'), lookup(before.root, 'src'), 'changed path copied');
  assert.equal(lookup(next.root, 'src/lib')?.memo.bk, lookup(before.root, 'src/lib')?.memo.bk);
  assert.notEqual(selectSources(before, ['src'], BK).digest, selectSources(next, ['src'], BK).digest, 'old view still answers for the old snapshot');
});

void test('JSON of a selection carries its paths (lazy property)', () => {
  const s = sel(APP, ['src']);
  assert.deepEqual(JSON.parse(JSON.stringify(s)).paths, ['src', 'src/a.js', 'src/lib', 'src/lib/b.js']);
});
