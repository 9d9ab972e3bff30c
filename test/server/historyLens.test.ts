// layerLens.history.lensSuffix in the real server (startServer over in-memory streams), on git repositories made
// here: each lens title ends with the count `layerlens history --json` prints for the same repository (the CLI
// in a child process), fetched in the background once per HEAD and then read without starting git; a new commit
// gives the new count and never the old one meanwhile; an instruction added in the working copy gets none, the
// others keep theirs on their new lines; the panel's replay and the lens share one answer; untrusted runs no git;
// no repository and a failing replay leave the lenses as they are, with one line in the output channel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyProgressNotification, historyRequest } from '../../server/src/protocol';
import { formatMessage } from '../../server/src/core/shared/translate';
import { HEAD_POLL_MS } from '../../server/src/history/lens';
import { TestServer } from './support/lspClient';

const repoRoot = join(__dirname, '..', '..');
const root = fs.mkdtempSync(join(tmpdir(), 'll-history-lens-'));
const bin = join(root, 'bin');
const spawned = join(root, 'spawned.log');
const servers: TestServer[] = [];
const saved = { PATH: process.env.PATH, LAYERLENS_STORE: process.env.LAYERLENS_STORE };
/** The git commands only a replay runs (the git HEAD baseline reads ls-tree and cat-file too, HEAD is rev-parse). */
const REPLAY_GIT = / (log|diff-tree) /;

function realGit(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] },
  );
}

function commit(ws: string, files: Record<string, string>, subject: string): void {
  for (const [path, text] of Object.entries(files)) {
    fs.mkdirSync(join(ws, path, '..'), { recursive: true });
    fs.writeFileSync(join(ws, path), text);
  }
  realGit(ws, 'add', '-A');
  realGit(ws, 'commit', '-q', '-m', subject);
}

// The manifests first, the sources after; ADD of a URL is `maybe` in every state (its content is remote).
const dockerfile = [
  'FROM node:20',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci',
  'ADD https://example.invalid/config.json /etc/config.json',
  'COPY src/ ./src/',
  'RUN npm run build \\',
  '  && npm prune --omit=dev',
  'CMD ["node", "src/index.js"]',
  '',
].join('\n');

/** A source edit, a manifest edit and another source edit after the first commit; `.git` is ignored. */
function project(name: string): string {
  const ws = join(root, name);
  fs.mkdirSync(ws);
  realGit(ws, 'init', '-q');
  commit(
    ws,
    { Dockerfile: dockerfile, '.dockerignore': '.git\n', 'package.json': '{"name":"a"}\n', 'package-lock.json': '{}\n', 'src/index.js': 'one\n' },
    'first',
  );
  commit(ws, { 'src/index.js': 'two\n' }, 'source edit');
  commit(ws, { 'package-lock.json': '{"v":2}\n' }, 'manifest edit');
  commit(ws, { 'src/index.js': 'three\n' }, 'another source edit');
  return ws;
}

interface CliSummary {
  states: number;
  summary: Array<{ line: number; keyword: string; text: string; rebuilds: number; maybe: number }>;
}

/** `layerlens history --json` in a child process, on the repository's Dockerfile. */
function cliHistory(ws: string, ...args: string[]): CliSummary {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'server/src/cli.ts'), 'history', join(ws, 'Dockerfile'), '--json', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, PATH: saved.PATH, LAYERLENS_STORE: join(root, 'cli-store.json'), LAYERLENS_DIGEST_CACHE: join(root, 'cli-digests.json') },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as CliSummary;
}

/** What the CLI's counts say in the lens: the expected suffix of each instruction's title, by its text. */
function expectedSuffixes(cli: CliSummary): Map<string, string> {
  const n = cli.states;
  return new Map(
    cli.summary.map((r) => [
      r.text,
      r.maybe ? `rebuilt in ${r.rebuilds}, maybe in ${r.maybe}, of the last ${n} commits` : `rebuilt in ${r.rebuilds} of the last ${n} commits`,
    ]),
  );
}

before(() => {
  fs.mkdirSync(bin);
  const gitPath = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  fs.writeFileSync(join(bin, 'git'), `#!/bin/sh\necho "git $*" >> '${spawned}'\nexec '${gitPath}' "$@"\n`, { mode: 0o755 });
  process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
  process.env.LAYERLENS_STORE = join(root, 'store.json');
  process.umask(0o022);
});

after(async () => {
  for (const s of servers) await s.stop();
  process.env.PATH = saved.PATH;
  if (saved.LAYERLENS_STORE === undefined) delete process.env.LAYERLENS_STORE;
  else process.env.LAYERLENS_STORE = saved.LAYERLENS_STORE;
  fs.rmSync(root, { recursive: true, force: true });
});

async function start(ws: string, trusted: boolean, settings: Record<string, unknown>, l10n?: Record<string, string>): Promise<TestServer> {
  const s = await TestServer.start({
    workspaceFolders: [ws],
    trusted,
    settings,
    storePath: join(root, `${ws.split('/').pop()}-store.json`),
    ...(l10n ? { l10n: { locale: 'ko', bundle: l10n } } : {}),
  });
  servers.push(s);
  return s;
}

function runs(): string[] {
  return fs.existsSync(spawned) ? fs.readFileSync(spawned, 'utf8').split('\n').filter(Boolean) : [];
}

const SEPARATOR = ' · ';

/** The lens titles by line once some title carries a suffix (asked again after each workspace/codeLens/refresh). */
async function suffixed(s: TestServer, u: string, timeoutMs = 60_000): Promise<Record<number, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = s.refreshes;
    const titles = await s.titles(u);
    if (Object.values(titles).some((t) => t.includes(SEPARATOR))) return titles;
    await s.refreshAfter(seen, Math.max(1, deadline - Date.now()));
  }
}

/**
 * Each step's title is its verdict (as `before` says, when given) plus the CLI's count for that instruction, by its
 * first line; steps without a row have no suffix.
 */
function assertSuffixes(titles: Record<number, string>, lines: Record<number, string>, cli: CliSummary, before?: Record<number, string>): void {
  const expected = expectedSuffixes(cli);
  assert.ok(expected.size >= 6, JSON.stringify(cli.summary));
  for (const [line, title] of Object.entries(titles)) {
    const text = lines[Number(line)];
    const suffix = text === undefined ? undefined : expected.get(text);
    const [verdict, got, ...rest] = title.split(SEPARATOR);
    assert.equal(got, suffix, `line ${line}: ${text}: ${title}`);
    assert.deepEqual(rest, []);
    assert.ok(verdict.length > 0);
    if (before) assert.equal(verdict, before[Number(line)], `line ${line}`);
  }
}

/** The first line of each instruction, by line (as the summary rows' text). */
function firstLines(text: string): Record<number, string> {
  const out: Record<number, string> = {};
  text.split('\n').forEach((l, i) => {
    if (/^[A-Z]/.test(l)) out[i + 1] = l.replace(/\s*\\$/, ' …');
  });
  return out;
}

void test('trusted: the titles carry the counts of layerlens history --json; a new commit changes them; the working copy is matched by text', async () => {
  const ws = project('trusted');
  const cli = cliHistory(ws);
  assert.equal(cli.states, 4);
  const s = await start(ws, true, {});
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  const plain = await s.titles(u);
  assert.equal(Object.keys(plain).length, 8);
  assert.ok(!Object.values(plain).some((t) => t.includes(SEPARATOR)), 'off by default');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(
    runs().filter((r) => REPLAY_GIT.test(r)),
    [],
    'no replay while the setting is off',
  );

  await s.changeSettings({ history: { lensSuffix: true } });
  const titles = await suffixed(s, u);
  assertSuffixes(titles, firstLines(dockerfile), cli, plain);
  // Spot checks of the numbers themselves: the install reran for the first build and the lock edit, the sources'
  // COPY for every state; the URL's ADD rebuilt after the install (its parent) and is `maybe` otherwise.
  assert.match(titles[4], / · rebuilt in 2 of the last 4 commits$/);
  assert.match(titles[6], / · rebuilt in 4 of the last 4 commits$/);
  assert.match(titles[5], / · rebuilt in 2, maybe in 2, of the last 4 commits$/);
  assert.equal(titles[9], plain[9], 'CMD builds nothing: no row, no suffix');

  // Asked again on the same HEAD: the kept answer, and not one git process.
  const before = runs().length;
  for (let i = 0; i < 5; i++) assert.deepEqual(await s.titles(u), titles);
  assert.deepEqual(runs().slice(before), [], 'lens requests on the same HEAD start no git');

  // The panel's replay (`cache all`, the same commits) is the same answer: its rows are the lens's counts.
  const view = await s.request(historyRequest, { uri: u, fixed: true });
  assert.deepEqual(
    view.rows.map((r) => [r.text, r.rebuilds, r.maybe]),
    cli.summary.map((r) => [r.text, r.rebuilds, r.maybe]),
  );

  // A new commit: the watcher reports .git; the lenses are asked again; no count of the old HEAD is shown meanwhile.
  const refreshes = s.refreshes;
  commit(ws, { 'src/index.js': 'four\n' }, 'one more source edit');
  await s.filesChanged([join(ws, 'src/index.js'), join(ws, '.git/refs/heads/main')]);
  const meanwhile = await s.titles(u);
  for (const title of Object.values(meanwhile)) assert.ok(!/of the last 4 commits/.test(title), `stale count: ${title}`);
  await s.refreshAfter(refreshes);
  const moved = await suffixed(s, u);
  const cli5 = cliHistory(ws);
  assert.equal(cli5.states, 5);
  assertSuffixes(moved, firstLines(dockerfile), cli5);
  assert.match(moved[6], / · rebuilt in 5 of the last 5 commits$/);
  assert.match(moved[4], / · rebuilt in 2 of the last 5 commits$/);

  // A commit no file event reports (VS Code's watcher can miss them): the poll of HEAD's files notices it.
  const polled = s.refreshes;
  commit(ws, { 'src/index.js': 'five\n' }, 'a commit no watcher saw');
  await s.refreshAfter(polled, HEAD_POLL_MS * 3);
  await s.filesChanged([join(ws, 'src/index.js')]);
  const unseen = await suffixed(s, u);
  const cli6 = cliHistory(ws);
  assert.equal(cli6.states, 6);
  assertSuffixes(unseen, firstLines(dockerfile), cli6);

  // The working copy: an instruction added above the others gets no suffix; the others keep theirs on their new lines.
  const edited = dockerfile.replace('WORKDIR /app\n', 'WORKDIR /app\nRUN apt-get install -y curl\n');
  await s.edit(u, edited);
  const shifted = await s.titles(u);
  assert.ok(!shifted[3].includes(SEPARATOR), `the new RUN: ${shifted[3]}`);
  assert.match(shifted[5], /^rebuilds: .* · rebuilt in 2 of the last 6 commits$/, 'RUN npm ci, now on line 5');
  assert.match(shifted[7], / · rebuilt in 6 of the last 6 commits$/, 'COPY src/, now on line 7');
  assert.match(shifted[8], / · rebuilt in 6 of the last 6 commits$/, 'the two-line RUN, now on line 8');
  // An instruction edited in the working copy is not HEAD's any more.
  await s.edit(u, dockerfile.replace('RUN npm ci', 'RUN npm ci --ignore-scripts'));
  const changed = await s.titles(u);
  assert.ok(!changed[4].includes(SEPARATOR), changed[4]);
  assert.ok(changed[6].includes(SEPARATOR), changed[6]);
});

void test('the commits setting: the suffix and the panel replay that many, as layerlens history --commits does', async () => {
  const ws = project('commits');
  const s = await start(ws, true, { history: { lensSuffix: true, commits: 2 } });
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  const titles = await suffixed(s, u);
  const cli = cliHistory(ws, '--commits', '2');
  assert.equal(cli.states, 2);
  for (const r of cli.summary) {
    const title = titles[r.line];
    const suffix = r.maybe ? `rebuilt in ${r.rebuilds}, maybe in ${r.maybe}, of the last 2 commits` : `rebuilt in ${r.rebuilds} of the last 2 commits`;
    assert.ok(title.endsWith(`${SEPARATOR}${suffix}`), `${title} ends with ${suffix}`);
  }
  const view = await s.request(historyRequest, { uri: u });
  assert.equal(view.states, 2, 'the panel (no commits in the request) replays the setting');
  assert.equal((await s.request(historyRequest, { uri: u, commits: 3 })).states, 3);
});

void test('a replay the panel runs is not run again for the lens: the lens waits for it and shows its counts', async () => {
  const ws = project('shared');
  const s = await start(ws, true, { history: { lensSuffix: true } });
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  // The panel's replay runs (its first progress notification has come) when the lens is asked: the lens waits for
  // it and shows its counts, and no second replay runs.
  let progressed!: () => void;
  const progress = new Promise<void>((resolve) => (progressed = resolve));
  s.connection.onNotification(historyProgressNotification, () => progressed());
  const panel = s.request(historyRequest, { uri: u, fixed: true });
  await progress;
  await s.titles(u);
  await panel;
  const titles = await suffixed(s, u);
  assertSuffixes(titles, firstLines(dockerfile), cliHistory(ws));
  const lensReplays = s.logged.filter((m) => /History suffix: replayed/.test(m.message));
  assert.equal(lensReplays.length, 0, lensReplays.map((m) => m.message).join('\n'));
  assert.equal(runs().filter((r) => r.includes(`-C ${ws} `) && / log /.test(r)).length, 1, 'one git log');
});

void test('Korean: the suffix in the display language', async () => {
  const ws = project('korean');
  const bundle = JSON.parse(fs.readFileSync(join(repoRoot, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  const s = await start(ws, true, { history: { lensSuffix: true } }, bundle);
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  const titles = await suffixed(s, u);
  assert.ok(titles[4].endsWith(`${SEPARATOR}최근 커밋 4개 중 2개에서 다시 빌드됨`), titles[4]);
  assert.ok(titles[5].endsWith(`${SEPARATOR}${formatMessage(bundle['rebuilt in {0}, maybe in {1}, of the last {2} commits'], [2, 2, 4])}`), titles[5]);
});

void test('untrusted: no suffix, and no git process at all', async () => {
  const ws = project('untrusted');
  fs.rmSync(spawned, { force: true });
  const s = await start(ws, false, { history: { lensSuffix: true } });
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  for (let i = 0; i < 3; i++) {
    const titles = await s.titles(u);
    assert.equal(Object.keys(titles).length, 8);
    assert.ok(!Object.values(titles).some((t) => t.includes(SEPARATOR)), JSON.stringify(titles));
    await new Promise((r) => setTimeout(r, 200));
  }
  await s.filesChanged([join(ws, '.git/refs/heads/main')]);
  await s.titles(u);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(runs(), [], 'no git process');
});

void test('not a git repository: no suffix, one line in the output channel, no git after the first look', async () => {
  const ws = join(root, 'plain');
  fs.mkdirSync(ws);
  fs.writeFileSync(join(ws, 'Dockerfile'), dockerfile);
  const s = await start(ws, true, { history: { lensSuffix: true } });
  const u = await s.open(join(ws, 'Dockerfile'), dockerfile);
  await s.titles(u);
  await s.until(() => s.logged.some((m) => m.message.includes('No history suffix')), 'the output channel line');
  const before = runs().length;
  for (let i = 0; i < 4; i++) {
    const titles = await s.titles(u);
    assert.equal(Object.keys(titles).length, 8);
    assert.ok(!Object.values(titles).some((t) => t.includes(SEPARATOR)));
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(runs().slice(before), [], 'not asked again');
  const lines = s.logged.filter((m) => m.message.includes('No history suffix'));
  assert.equal(lines.length, 1, lines.map((m) => m.message).join('\n'));
  assert.match(lines[0].message, /not in a git repository/);
  assert.ok(!s.logged.some((m) => m.type === 1), 'no error');
});

void test('a replay that fails leaves the lenses as they are (one line in the output channel)', async () => {
  // A repository whose commits never touch svc/: the Dockerfile there was never committed.
  const ws = project('failing');
  fs.mkdirSync(join(ws, 'svc'));
  fs.writeFileSync(join(ws, 'svc/Dockerfile'), 'FROM alpine:3.20\nRUN echo hi\n');
  const s = await start(ws, true, { history: { lensSuffix: true } });
  const u = await s.open(join(ws, 'svc/Dockerfile'), 'FROM alpine:3.20\nRUN echo hi\n');
  const first = await s.titles(u);
  await s.until(() => s.logged.some((m) => m.message.includes('No history suffix')), 'the output channel line');
  const titles = await s.titles(u);
  assert.deepEqual(titles, first);
  assert.equal(Object.keys(titles).length, 2);
  const lines = s.logged.filter((m) => m.message.includes('No history suffix'));
  assert.equal(lines.length, 1);
  assert.match(lines[0].message, /No commit up to/);
  // Not replayed again on the same HEAD.
  const before = runs().length;
  await s.titles(u);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(runs().slice(before), []);
});
