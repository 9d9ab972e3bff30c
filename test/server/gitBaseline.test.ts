// The state at git HEAD as a build context, read from git objects: it hashes like the same files on disk,
// it never writes the work tree or the index, and the server uses it as the baseline when nothing is recorded.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanContext } from '../../server/src/contextFs';
import { selectSources, viewContext } from '../../server/src/core/context/context';
import { headCommitAsync, readGitHeadAsync, type BlobDigests } from '../../server/src/gitBaseline';
import { recordRequest, statusRequest } from '../../server/src/protocol';
import { TestServer } from './support/lspClient';
import { renderMessage, type Message } from '../../server/src/core/shared/message';

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
  });
}

function repo(files: Record<string, string>, commit = true): string {
  const root = fs.mkdtempSync(join(tmpdir(), 'll-git-'));
  roots.push(root);
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(join(root, p, '..'), { recursive: true });
    fs.writeFileSync(join(root, p), content);
  }
  git(root, 'init', '-q');
  if (commit) {
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'first');
  }
  return root;
}

const dockerfile = 'FROM node:20-alpine\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\nCMD ["node", "src/app.js"]\n';
const files = {
  Dockerfile: dockerfile,
  'package.json': '{}',
  'src/app.js': 'console.log(1)\n',
  'src/lib/util.js': 'u',
  '.dockerignore': '.git\n*.log\n',
  'debug.log': 'x',
};

function digests(snapshot: Parameters<typeof viewContext>[0], ignore: string | undefined): string[] {
  const view = viewContext(snapshot, ignore);
  return (['buildkit', 'classic'] as const).flatMap((builder) =>
    [['.'], ['src'], ['package.json'], ['run.sh', 'link']].map((s) => selectSources(view, s, { builder }).digest),
  );
}

void test('HEAD read from git objects hashes like the same files on disk (content, exec bit, symlinks, .dockerignore)', async () => {
  const root = repo(files, false);
  fs.writeFileSync(join(root, 'run.sh'), '#!/bin/sh\n');
  fs.chmodSync(join(root, 'run.sh'), 0o755);
  fs.symlinkSync('src/app.js', join(root, 'link'));
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'first');
  const blobDigests: BlobDigests = new Map();
  const worktree = scanContext(root);
  const result = await readGitHeadAsync({
    contextDir: root,
    dockerfileAbs: join(root, 'Dockerfile'),
    dockerfilePath: 'Dockerfile',
    builder: 'buildkit',
    worktree,
    blobDigests,
  });
  assert.ok(result.ok);
  const { head } = result;
  assert.equal(head.dockerfileText, dockerfile);
  assert.equal(head.ignoreText, '.git\n*.log\n');
  assert.equal(head.snapshot.entries.get('link')?.linkTarget, 'src/app.js');
  assert.equal(head.snapshot.entries.get('run.sh')?.mode, 0o755);
  assert.equal(head.commit, git(root, 'rev-parse', 'HEAD').trim());
  assert.deepEqual(digests(head.snapshot, head.ignoreText), digests(worktree, head.ignoreText));
  assert.equal(blobDigests.size, 7, 'every file blob (the ignored debug.log too) hashed once, in one batch');

  // The work tree moves on; HEAD does not.
  fs.writeFileSync(join(root, 'src/app.js'), 'console.log(2)\n');
  const again = await readGitHeadAsync({
    contextDir: root,
    dockerfileAbs: join(root, 'Dockerfile'),
    dockerfilePath: 'Dockerfile',
    builder: 'buildkit',
    worktree: scanContext(root),
    blobDigests,
  });
  assert.ok(again.ok);
  assert.deepEqual(digests(again.head.snapshot, head.ignoreText), digests(head.snapshot, head.ignoreText));
  assert.notDeepEqual(digests(scanContext(root), head.ignoreText), digests(head.snapshot, head.ignoreText));
});

void test('reading HEAD writes nothing: the index and the work tree stay byte for byte the same', async () => {
  const root = repo(files);
  fs.writeFileSync(join(root, 'src/app.js'), 'edited, not staged');
  fs.writeFileSync(join(root, 'untracked.txt'), 'new');
  const listing = () => execFileSync('find', [root, '-printf', '%P %s %T@ %m\\n'], { encoding: 'utf8' }).split('\n').sort().join('\n');
  const before = listing();
  const index = fs.readFileSync(join(root, '.git/index'));
  for (let i = 0; i < 2; i++) {
    const r = await readGitHeadAsync({
      contextDir: root,
      dockerfileAbs: join(root, 'Dockerfile'),
      dockerfilePath: 'Dockerfile',
      builder: 'buildkit',
      blobDigests: new Map(),
    });
    assert.ok(r.ok);
    for (const p of ['src/app.js', 'package.json']) r.head.snapshot.contentDigest(p);
  }
  assert.equal(listing(), before);
  assert.deepEqual(fs.readFileSync(join(root, '.git/index')), index);
});

void test('a context in a subfolder of the repository; no repository; no commit; a Dockerfile never committed', async () => {
  const root = repo({ 'services/api/Dockerfile': dockerfile, 'services/api/package.json': '{"a":1}', 'services/api/src/app.js': 'a', 'README.md': 'r' });
  const api = join(root, 'services/api');
  const r = await readGitHeadAsync({
    contextDir: api,
    dockerfileAbs: join(api, 'Dockerfile'),
    dockerfilePath: 'Dockerfile',
    builder: 'buildkit',
    worktree: scanContext(api),
    blobDigests: new Map(),
  });
  assert.ok(r.ok);
  assert.deepEqual([...r.head.snapshot.entries.keys()].sort(), ['Dockerfile', 'package.json', 'src', 'src/app.js']);
  assert.deepEqual(digests(r.head.snapshot, undefined), digests(scanContext(api), undefined));

  const plain = fs.mkdtempSync(join(tmpdir(), 'll-nogit-'));
  roots.push(plain);
  assert.match(renderMessage(((await headCommitAsync(plain)) as { reason: Message }).reason), /not in a git repository/);
  const empty = repo({ Dockerfile: dockerfile }, false);
  assert.match(renderMessage(((await headCommitAsync(empty)) as { reason: Message }).reason), /no commit yet/);

  fs.writeFileSync(join(root, 'Dockerfile.new'), dockerfile);
  const untracked = await readGitHeadAsync({
    contextDir: root,
    dockerfileAbs: join(root, 'Dockerfile.new'),
    dockerfilePath: 'Dockerfile.new',
    builder: 'buildkit',
    blobDigests: new Map(),
  });
  assert.ok(untracked.ok);
  assert.equal(untracked.head.dockerfileText, undefined);
});

void test('server: with nothing recorded, git HEAD is the baseline; it follows edits on disk, new commits, and the setting', async () => {
  const root = repo(files);
  const storePath = join(root, '..', `${root.split('/').pop()}-store.json`);
  roots.push(storePath);
  const s = await TestServer.start({ storePath, workspaceFolders: [root] });
  servers.push(s);
  const u = await s.open(join(root, 'Dockerfile'), dockerfile);
  assert.deepEqual(await s.titles(u), { 1: 'cached', 2: 'cached', 3: 'cached', 4: 'cached', 5: 'cached', 6: 'metadata only: no rebuild' });
  assert.equal((await s.request(statusRequest, { uri: u })).baseline?.label, 'git HEAD');

  fs.writeFileSync(join(root, 'src/app.js'), 'console.log(2)\n');
  let refreshes = s.refreshes;
  await s.filesChanged([join(root, 'src/app.js')]);
  await s.refreshAfter(refreshes);
  assert.equal((await s.titles(u))[5], 'rebuilds: src/app.js changed');
  // An unsaved edit of the Dockerfile is compared with the Dockerfile at HEAD.
  await s.edit(u, dockerfile.replace('npm install', 'npm ci'));
  assert.equal((await s.titles(u))[4], 'rebuilds: command changed');
  await s.edit(u, dockerfile);

  // Committing moves HEAD: the watcher reports .git/refs, and HEAD's state is cached again.
  git(root, 'commit', '-q', '-am', 'second');
  refreshes = s.refreshes;
  await s.filesChanged([join(root, '.git/refs/heads/main'), join(root, '.git/index')]);
  await s.refreshAfter(refreshes);
  assert.equal((await s.titles(u))[5], 'cached');
  // Whatever the watcher reports from inside .git is enough (here not the ref itself).
  fs.writeFileSync(join(root, 'src/app.js'), 'console.log(2.5)\n');
  await s.filesChanged([join(root, 'src/app.js')]);
  await waitFor(async () => (await s.titles(u))[5] === 'rebuilds: src/app.js changed');
  git(root, 'commit', '-q', '-am', 'third');
  refreshes = s.refreshes;
  await s.filesChanged([join(root, '.git/logs/HEAD')]);
  await s.refreshAfter(refreshes);
  assert.equal((await s.titles(u))[5], 'cached');

  // A recorded build takes over in `auto`; `gitHead` forces HEAD; `recorded` with a record uses it.
  fs.writeFileSync(join(root, 'src/app.js'), 'console.log(3)\n');
  await s.filesChanged([join(root, 'src/app.js')]);
  await s.request(recordRequest, { uri: u });
  assert.equal((await s.request(statusRequest, { uri: u })).baseline?.label, 'recorded build');
  assert.equal((await s.titles(u))[5], 'cached');
  await s.changeSettings({ baseline: 'gitHead' });
  await waitFor(async () => (await s.titles(u))[5] === 'rebuilds: src/app.js changed');
  assert.equal((await s.request(statusRequest, { uri: u })).baseline?.label, 'git HEAD');
});

void test('server: outside git and with nothing recorded, nothing is built yet; `recorded` never looks at git', async () => {
  const root = repo(files);
  const s = await TestServer.start({ workspaceFolders: [root], settings: { baseline: 'recorded' } });
  servers.push(s);
  const u = await s.open(join(root, 'Dockerfile'), dockerfile);
  const status = await s.request(statusRequest, { uri: u });
  assert.equal(status.baseline?.kind, 'none');
  assert.match(status.baseline ? renderMessage(status.baseline.detail) : '', /Mark Current State as Built/);
  assert.equal((await s.titles(u))[1], 'rebuilds: not built yet');

  const plain = fs.mkdtempSync(join(tmpdir(), 'll-nogit-'));
  roots.push(plain);
  fs.writeFileSync(join(plain, 'Dockerfile'), dockerfile);
  await s.changeSettings({});
  const v = await s.open(join(plain, 'Dockerfile'), dockerfile);
  const other = await s.request(statusRequest, { uri: v });
  assert.equal(other.baseline?.label, 'nothing built yet');
  assert.match(other.baseline ? renderMessage(other.baseline.detail) : '', /not in a git repository/);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
