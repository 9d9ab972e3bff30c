// Workspace trust in the real server (startServer over in-memory streams). Untrusted (no `trusted` option, the
// default of a server the editor starts) the server starts no process: no git, even for a hostile partial clone
// whose lazy fetch would run the repository's core.sshCommand, and no docker; `layerLens.dockerfiles` is ignored.
// Trusted, git runs hardened (gitRun.ts) and the hostile repository still runs nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESTRICTED_GIT_DETAIL } from '../../server/src/document/baseline';
import { RESTRICTED_DOCKERFILES_NOTE } from '../../server/src/lsp/configuration';
import { buildImageRequest, statusRequest } from '../../server/src/protocol';
import { RESTRICTED_BUILD_PROBLEM } from '../../server/src/startServer';
import { TestServer } from './support/lspClient';
import { renderMessage } from '../../server/src/core/shared/message';

const root = fs.mkdtempSync(join(tmpdir(), 'll-trust-'));
const home = join(root, 'home');
const bin = join(root, 'bin');
/** Written by the fake git and docker first on PATH: one line per run. */
const spawned = join(root, 'spawned.log');
/** Written by the hostile repository's core.sshCommand. */
const pwned = join(home, 'pwned');
const servers: TestServer[] = [];
const saved = { HOME: process.env.HOME, PATH: process.env.PATH };

function realGit(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'ignore'],
  });
}

before(() => {
  fs.mkdirSync(home);
  fs.mkdirSync(bin);
  const gitPath = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "git $*" >> '${spawned}'\nexec '${gitPath}' "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "docker $*" >> '${spawned}'\nexit 1\n`, { mode: 0o755 });
  process.env.HOME = home;
  process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
});

after(async () => {
  for (const s of servers) await s.stop();
  process.env.HOME = saved.HOME;
  process.env.PATH = saved.PATH;
  fs.rmSync(root, { recursive: true, force: true });
});

const dockerfile = 'FROM alpine\nCOPY . /app\n';

/** A committed repository (made with the real git, not through the fake one's log). */
function repo(name: string): string {
  const ws = join(root, name);
  fs.mkdirSync(ws);
  fs.writeFileSync(join(ws, 'Dockerfile'), dockerfile);
  fs.writeFileSync(join(ws, 'app.txt'), 'app\n');
  fs.writeFileSync(join(ws, '.dockerignore'), '.git\n');
  realGit('-C', ws, 'init', '-q');
  realGit('-C', ws, 'add', '-A');
  realGit('-C', ws, 'commit', '-q', '-m', 'x');
  return ws;
}

/** The repository: a partial clone whose Dockerfile blob is missing, its sshCommand touches ~/pwned. */
function hostileRepo(name: string): string {
  const ws = repo(name);
  const blob = realGit('-C', ws, 'rev-parse', 'HEAD:Dockerfile').trim();
  fs.rmSync(join(ws, '.git/objects', blob.slice(0, 2), blob.slice(2)));
  realGit('-C', ws, 'config', 'core.repositoryformatversion', '1');
  realGit('-C', ws, 'config', 'extensions.partialClone', 'origin');
  realGit('-C', ws, 'config', 'remote.origin.url', 'ssh://attacker.invalid/x');
  realGit('-C', ws, 'config', 'remote.origin.promisor', 'true');
  realGit('-C', ws, 'config', 'core.sshCommand', 'touch "$HOME/pwned"; false');
  return ws;
}

function runs(): string[] {
  return fs.existsSync(spawned) ? fs.readFileSync(spawned, 'utf8').split('\n').filter(Boolean) : [];
}

async function start(ws: string, trusted: boolean | null, settings: Record<string, unknown> = {}): Promise<TestServer> {
  const s = await TestServer.start({ workspaceFolders: [ws], trusted, settings });
  servers.push(s);
  return s;
}

void test('untrusted (no trusted option): a hostile partial clone is opened without starting git; the status says why', async () => {
  const ws = hostileRepo('untrusted');
  fs.rmSync(spawned, { force: true });
  const s = await start(ws, null);
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  assert.deepEqual(await s.titles(u), { 1: 'rebuilds: not built yet', 2: 'rebuilds: not built yet' }, 'the server analysed the file');
  const status = await s.request(statusRequest, { uri: u });
  assert.equal(status.baseline?.kind, 'none');
  assert.deepEqual(status.baseline?.detail, RESTRICTED_GIT_DETAIL);
  // Reopening, a settings change and a .git event give git every chance to be asked.
  await s.changeSettings({ baseline: 'gitHead' });
  await s.filesChanged([join(ws, '.git/HEAD'), join(ws, 'app.txt')]);
  assert.deepEqual((await s.request(statusRequest, { uri: u })).baseline?.detail, RESTRICTED_GIT_DETAIL);
  assert.deepEqual(runs(), [], 'git was not even started');
  assert.equal(fs.existsSync(pwned), false);
  assert.ok(
    s.logged.some((m) => /Restricted Mode: the workspace is not trusted/.test(m.message)),
    'the log says what Restricted Mode means',
  );
});

void test('untrusted: Build Image is refused by the server itself (docker is not started)', async () => {
  const ws = repo('untrusted-build');
  fs.rmSync(spawned, { force: true });
  const s = await start(ws, false);
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  const result = await s.request(buildImageRequest, { uri: u });
  assert.deepEqual(result, { report: null, reportText: null, problem: RESTRICTED_BUILD_PROBLEM });
  assert.deepEqual(runs(), []);
});

void test('trusted: git runs hardened on the hostile partial clone; nothing is fetched, the baseline says why', async () => {
  const ws = hostileRepo('trusted');
  fs.rmSync(spawned, { force: true });
  const s = await start(ws, true);
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  await s.titles(u);
  const status = await s.request(statusRequest, { uri: u });
  assert.ok(runs().length > 0, 'git ran (the workspace is trusted)');
  assert.equal(fs.existsSync(pwned), false, "the repository's core.sshCommand did not run");
  assert.equal(status.baseline?.kind, 'none');
  assert.match(
    status.baseline ? renderMessage(status.baseline.detail) : '',
    /no git HEAD to compare with: 1 file of git HEAD is not downloaded in this partial clone, and Layer Lens does not download anything\./,
  );
});

void test('trust granted by layerLens/didChangeTrust: git HEAD becomes the baseline', async () => {
  const ws = repo('granted');
  fs.rmSync(spawned, { force: true });
  const s = await start(ws, false);
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  assert.deepEqual((await s.request(statusRequest, { uri: u })).baseline?.detail, RESTRICTED_GIT_DETAIL);
  assert.deepEqual(runs(), []);
  const updates = s.updates;
  await s.grantTrust();
  await s.until(() => s.updates > updates, 'a didUpdate after trust was granted');
  assert.equal((await s.request(statusRequest, { uri: u })).baseline?.label, 'git HEAD');
  assert.deepEqual(await s.titles(u), { 1: 'cached', 2: 'cached' });
  assert.ok(runs().length > 0);
});

void test('untrusted: layerLens.dockerfiles naming /etc as the build context is ignored (and said once); trusted, it applies', async () => {
  const ws = repo('dockerfiles');
  const outside = join(root, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(join(outside, 'other.txt'), 'x');
  const s = await start(ws, null, { dockerfiles: { Dockerfile: { context: '/etc' } } });
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  await s.titles(u);
  const contexts = () => s.logged.map((m) => /^Read the build context (.*) for /.exec(m.message)?.[1]).filter(Boolean);
  assert.deepEqual(contexts(), [ws], "the Dockerfile's own folder, not /etc");
  await s.changeSettings({ dockerfiles: { Dockerfile: { context: outside } } });
  await s.titles(u);
  assert.deepEqual(contexts(), [ws]);
  assert.equal(s.logged.filter((m) => m.message === RESTRICTED_DOCKERFILES_NOTE).length, 1, 'said once');

  await s.grantTrust();
  await s.until(() => contexts().includes(outside), 'the setting applied once trusted');
  assert.match(JSON.stringify(await s.titles(u)), /not built yet/);
});
