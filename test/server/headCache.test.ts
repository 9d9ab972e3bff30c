// HeadCache (the lens suffix's HEAD): after one read, `cached` answers HEAD without starting git for as long as
// nothing that names HEAD changed, and stops answering (so the caller reads again) after each way HEAD moves: a
// commit, an amend, a reset, a branch switch, a detached checkout, a commit in a linked worktree; pack-refs changes
// the stamp but not the commit. `moved` (the poll) says a change once, with stats only. A folder that is no repository is a problem until forgetProblems.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadCache, type HeadAnswer } from '../../server/src/history/headCache';

const root = fs.mkdtempSync(join(tmpdir(), 'll-head-cache-'));
const bin = join(root, 'bin');
const spawned = join(root, 'spawned.log');
const savedPath = process.env.PATH;

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, PATH: savedPath } },
  ).trim();
}

function commit(ws: string, text: string, ...extra: string[]): string {
  fs.writeFileSync(join(ws, 'file.txt'), text);
  git(ws, 'add', '-A');
  git(ws, 'commit', '-q', '-m', text, ...extra);
  return git(ws, 'rev-parse', 'HEAD');
}

function runs(): number {
  return fs.existsSync(spawned) ? fs.readFileSync(spawned, 'utf8').split('\n').filter(Boolean).length : 0;
}

before(() => {
  fs.mkdirSync(bin);
  const gitPath = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "git $*" >> '${spawned}'\nexec '${gitPath}' "$@"\n`, { mode: 0o755 });
  process.env.PATH = `${bin}:${savedPath ?? ''}`;
});

after(() => {
  process.env.PATH = savedPath;
  fs.rmSync(root, { recursive: true, force: true });
});

function headOf(answer: HeadAnswer | undefined): string | undefined {
  assert.ok(answer === undefined || 'head' in answer, JSON.stringify(answer));
  return answer?.head;
}

void test('cached answers HEAD with no git until HEAD moves; every way of moving it is noticed', async () => {
  const ws = join(root, 'repo');
  fs.mkdirSync(join(ws, 'sub'), { recursive: true });
  git(ws, 'init', '-q');
  const first = commit(ws, 'one');
  const heads = new HeadCache();
  const dir = join(ws, 'sub');
  assert.equal(heads.cached(dir), undefined, 'nothing read yet');
  assert.equal(headOf(await heads.read(dir)), first);
  const counted = runs();
  assert.ok(counted >= 2 && counted <= 3, `the first read: ${counted} git processes`);
  for (let i = 0; i < 100; i++) assert.equal(headOf(heads.cached(dir)), first);
  assert.equal(headOf(await heads.read(dir)), first);
  assert.equal(runs(), counted, 'no git while HEAD stays');

  const moved = async (what: string, expected: string) => {
    assert.equal(heads.cached(dir), undefined, `${what}: the cached HEAD is not given`);
    assert.equal(headOf(await heads.read(dir)), expected, what);
    assert.equal(headOf(heads.cached(dir)), expected, `${what}: cached again`);
  };
  // The poll: nothing moved yet; after a commit it says so once (without git), and again only after another change.
  assert.equal(heads.moved(), false);
  const second = commit(ws, 'two');
  assert.equal(heads.moved(), true);
  assert.equal(heads.moved(), false, 'said once');
  assert.equal(runs(), counted, 'the poll starts no git');
  await moved('a commit', second);
  assert.equal(heads.moved(), false, 'read again: nothing to say');
  const amended = commit(ws, 'two, amended', '--amend');
  await moved('an amend', amended);
  git(ws, 'reset', '-q', '--hard', first);
  await moved('a reset', first);
  git(ws, 'checkout', '-q', '-b', 'other');
  const other = commit(ws, 'on other');
  await moved('a commit on another branch', other);
  git(ws, 'checkout', '-q', 'main');
  await moved('a switch back to main', first);
  git(ws, 'checkout', '-q', '--detach', other);
  await moved('a detached HEAD', other);
  const detached = commit(ws, 'detached');
  await moved('a commit on a detached HEAD', detached);
  git(ws, 'checkout', '-q', 'main');
  await moved('main again', first);
  // pack-refs moves the branch into packed-refs: the stamp changes, HEAD does not.
  git(ws, 'pack-refs', '--all');
  assert.equal(heads.cached(dir), undefined);
  assert.equal(headOf(await heads.read(dir)), first);
  const packed = commit(ws, 'after pack-refs');
  await moved('a commit after pack-refs', packed);

  // A linked worktree: its own HEAD, and a commit there is noticed there.
  const linked = join(root, 'linked');
  git(ws, 'worktree', 'add', '-q', '-b', 'side', linked);
  assert.equal(headOf(await heads.read(linked)), packed);
  const side = commit(linked, 'side');
  assert.equal(heads.cached(linked), undefined);
  assert.equal(headOf(await heads.read(linked)), side);
  assert.equal(headOf(heads.cached(dir)), packed, "the main work tree's HEAD did not move");
});

void test('no repository: a problem, kept (no git) until forgetProblems; then the new repository is read', async () => {
  const plain = join(root, 'plain');
  fs.mkdirSync(plain);
  const heads = new HeadCache();
  const answer = await heads.read(plain);
  assert.ok('problem' in answer && /not in a git repository/.test(answer.problem), JSON.stringify(answer));
  const counted = runs();
  assert.deepEqual(heads.cached(plain), answer);
  assert.deepEqual(await heads.read(plain), answer);
  assert.equal(runs(), counted, 'not asked again');
  git(plain, 'init', '-q');
  const created = commit(plain, 'first');
  assert.deepEqual(heads.cached(plain), answer, 'still the problem until told');
  heads.forgetProblems();
  assert.equal(heads.cached(plain), undefined);
  assert.equal(headOf(await heads.read(plain)), created);
});

void test('a repository without a commit: a problem for that HEAD, read again once a commit exists', async () => {
  const empty = join(root, 'empty');
  fs.mkdirSync(empty);
  git(empty, 'init', '-q');
  const heads = new HeadCache();
  const answer = await heads.read(empty);
  assert.ok('problem' in answer && /no commit yet/.test(answer.problem), JSON.stringify(answer));
  assert.deepEqual(heads.cached(empty), answer);
  const created = commit(empty, 'first');
  assert.equal(heads.cached(empty), undefined);
  assert.equal(headOf(await heads.read(empty)), created);
});
