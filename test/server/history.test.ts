// layerLens/history in the real server (startServer over in-memory streams): the panel's answer is what
// `layerlens history --json` computes for the same build (counts per step, each commit's verdicts and reasons,
// --fixed), kept per HEAD commit; commit subjects come back as the exact bytes git holds (the panel renders them
// as text); an untrusted workspace gets a clear refusal and no git process; bad parameters are InvalidParams.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { historyJson } from '../../server/src/history/format';
import { replayHistory } from '../../server/src/history/replay';
import { RESTRICTED_HISTORY_PROBLEM } from '../../server/src/history/request';
import { historyRequest, type HistoryResultView } from '../../server/src/protocol';
import { TestServer } from './support/lspClient';

const root = fs.mkdtempSync(join(tmpdir(), 'll-history-server-'));
const bin = join(root, 'bin');
const spawned = join(root, 'spawned.log');
const servers: TestServer[] = [];
const saved = { PATH: process.env.PATH, LAYERLENS_STORE: process.env.LAYERLENS_STORE };
const hostileSubject = '<img src=x onerror="alert(1)"><script>alert(2)</script> & "quotes"';

function realGit(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] },
  );
}

function commit(ws: string, files: Record<string, string | null>, subject: string): void {
  for (const [path, text] of Object.entries(files)) {
    const file = join(ws, path);
    if (text === null) fs.rmSync(file);
    else {
      fs.mkdirSync(join(file, '..'), { recursive: true });
      fs.writeFileSync(file, text);
    }
  }
  realGit(ws, 'add', '-A');
  realGit(ws, 'commit', '-q', '-m', subject);
}

const classic = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n';

/** A small Node project: source edits, a manifest edit, a Dockerfile edit, an ignore file, a hostile subject. */
function project(name: string): string {
  const ws = join(root, name);
  fs.mkdirSync(ws);
  realGit(ws, 'init', '-q');
  commit(ws, { Dockerfile: classic, 'package.json': '{"name":"a"}\n', 'package-lock.json': '{}\n', 'index.js': 'one\n' }, 'first');
  commit(ws, { 'index.js': 'two\n' }, hostileSubject);
  commit(ws, { 'package-lock.json': '{"v":2}\n' }, 'lock');
  commit(ws, { '.dockerignore': '.git\n' }, 'ignore .git');
  commit(ws, { 'index.js': 'three\n' }, 'three');
  commit(ws, { Dockerfile: classic.replace('WORKDIR /app', 'WORKDIR /srv') }, 'move');
  return ws;
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

async function start(ws: string, trusted: boolean): Promise<TestServer> {
  const s = await TestServer.start({ workspaceFolders: [ws], trusted, storePath: join(root, `${ws.split('/').pop()}-store.json`) });
  servers.push(s);
  return s;
}

function runs(): string[] {
  return fs.existsSync(spawned) ? fs.readFileSync(spawned, 'utf8').split('\n').filter(Boolean) : [];
}

void test('trusted: the panel gets what history --json computes, per step and per commit, with --fixed', async () => {
  const ws = project('trusted');
  const s = await start(ws, true);
  const u = await s.open(join(ws, 'Dockerfile'), fs.readFileSync(join(ws, 'Dockerfile'), 'utf8'));
  await s.titles(u);
  const view: HistoryResultView = await s.request(historyRequest, { uri: u, fixed: true });
  assert.equal(view.problem, null);
  assert.equal(view.dockerfile, 'Dockerfile');
  assert.equal(view.head, realGit(ws, 'rev-parse', 'HEAD').trim());
  const cli = historyJson(await replayHistory({ dockerfile: join(ws, 'Dockerfile'), builder: 'buildkit', buildArgs: {}, fixed: true })) as {
    states: number;
    commits: Array<{ commit: string; subject: string; steps: Array<{ line: number; status: string; reason: string; cause: string | null }> }>;
    summary: Array<{ line: number; keyword: string; text: string; rebuilds: number; maybe: number; cached: number; causes: unknown }>;
    fixed: { changedStates: number; summary: Array<{ keyword: string; text: string; rebuilds: number }> };
  };
  assert.equal(view.states, 6);
  assert.equal(view.states, cli.states);
  assert.deepEqual(
    view.rows.map(({ line, keyword, text, rebuilds, maybe, cached, causes }) => ({ line, keyword, text, rebuilds, maybe, cached, causes })),
    cli.summary.map(({ line, keyword, text, rebuilds, maybe, cached, causes }) => ({ line, keyword, text, rebuilds, maybe, cached, causes })),
  );
  assert.deepEqual(
    view.commits.map((c) => c.subject),
    ['first', hostileSubject, 'lock', 'ignore .git', 'three', 'move'],
  );
  // Each cell is that commit's verdict of the row's step, with its reason, as the CLI's steps say.
  for (const [i, c] of view.commits.entries()) {
    assert.equal(c.commit, cli.commits[i].commit);
    for (const cell of c.cells) {
      if (!cell) continue;
      const step = cli.commits[i].steps.find((st) => st.line === cell.line);
      assert.deepEqual({ status: cell.status, reason: cell.reason, cause: cell.cause }, { status: step?.status, reason: step?.reason, cause: step?.cause });
      assert.ok(cell.why && typeof cell.why.code === 'string');
    }
  }
  // The bar's parts: each row's rebuilt and maybe states grouped by their whole cause, as the CLI's commits give
  // them one by one; the counts add up to the row's.
  for (const [i, row] of view.rows.entries()) {
    const tally = new Map<string, number>();
    for (const c of cli.commits) {
      const step = c.steps.find((st) => st.line === cli.summary[i].line);
      if (step && (step.status === 'rebuilds' || step.status === 'maybe')) {
        const key = `${step.status} ${step.cause ?? ''}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
    }
    assert.deepEqual(new Map(row.segments.map((g) => [`${g.status} ${g.cause}`, g.count])), tally, `segments of line ${row.line}`);
    assert.equal(
      row.segments.filter((g) => g.status === 'rebuilds').reduce((n, g) => n + g.count, 0),
      row.rebuilds,
    );
    assert.equal(
      row.segments.filter((g) => g.status === 'maybe').reduce((n, g) => n + g.count, 0),
      row.maybe,
    );
  }
  const npm = view.rows.find((r) => r.text === 'RUN npm ci');
  assert.ok(npm);
  assert.ok(npm.segments.length >= 3, JSON.stringify(npm.segments));
  assert.ok(
    npm.segments.every((g, k) => k === 0 || g.status !== npm.segments[k - 1].status || g.count <= npm.segments[k - 1].count),
    'most frequent first',
  );
  // The classic layout rebuilds the install on every source edit; after the fix only the lock edit (and the first
  // build, and the Dockerfile edit) rebuild it.
  assert.equal(npm.rebuilds, 6, JSON.stringify(npm));
  assert.ok(npm.fixed);
  assert.equal(npm.fixed.rebuilds, cli.fixed.summary.find((r) => r.keyword === 'RUN' && r.text === 'RUN npm ci')?.rebuilds);
  assert.ok(npm.fixed.rebuilds < npm.rebuilds, `fixed ${npm.fixed.rebuilds} < ${npm.rebuilds}`);
  assert.equal(view.fixed?.changedStates, cli.fixed.changedStates);
  assert.equal(view.cachedAnswer, false);

  // Asked again on the same HEAD: the kept answer, without a replay; a new commit replays again.
  const again = await s.request(historyRequest, { uri: u, fixed: true });
  assert.equal(again.cachedAnswer, true);
  assert.deepEqual(again.rows, view.rows);
  commit(ws, { 'index.js': 'four\n' }, 'four');
  const moved = await s.request(historyRequest, { uri: u, fixed: true });
  assert.equal(moved.cachedAnswer, false);
  assert.equal(moved.states, 7);
  // --cache previous and --commits go through.
  const two = await s.request(historyRequest, { uri: u, commits: 2, cache: 'previous' });
  assert.equal(two.states, 2);
  assert.equal(two.cache, 'previous');
  assert.equal(two.fixed, null);
});

void test('untrusted: a clear refusal, and git is not started', async () => {
  const ws = project('untrusted');
  fs.rmSync(spawned, { force: true });
  const s = await start(ws, false);
  const u = await s.open(join(ws, 'Dockerfile'), fs.readFileSync(join(ws, 'Dockerfile'), 'utf8'));
  await s.titles(u);
  const view = await s.request(historyRequest, { uri: u });
  assert.equal(view.problem, RESTRICTED_HISTORY_PROBLEM);
  assert.deepEqual(view.commits, []);
  assert.deepEqual(runs(), [], 'no git process');
});

void test('not a git repository, a document not open, and malformed parameters', async () => {
  const ws = join(root, 'plain');
  fs.mkdirSync(ws);
  fs.writeFileSync(join(ws, 'Dockerfile'), classic);
  const s = await start(ws, true);
  const u = await s.open(join(ws, 'Dockerfile'), classic);
  await s.titles(u);
  assert.match((await s.request(historyRequest, { uri: u })).problem ?? '', /not a git repository|git repository/i);
  assert.match((await s.request(historyRequest, { uri: 'file:///nowhere/Dockerfile' })).problem ?? '', /no analysis|open it/);
  for (const bad of [null, { uri: 3 }, { uri: u, commits: 0 }, { uri: u, commits: 1.5 }, { uri: u, cache: 'some' }, { uri: u, fixed: 'yes' }]) {
    await assert.rejects(s.request(historyRequest, bad as never), /layerLens\/history: /);
  }
});
