// `layerlens history` against the truth it claims: on fixture repositories made here (source, manifest, Dockerfile
// and .dockerignore edits, renames, mode changes, symlinks, a file becoming a folder and back), every replayed state
// equals, step by step, what `layerlens plan` says on a checkout of that commit after `record` of the earlier ones
// (all of them for --cache all, only the previous one for --cache previous). Through the real bundle, with a store
// and digest cache of the test's own.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runMain } from '../../server/src/cli';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-history-'));
  // A checkout's modes come from the umask (git keeps only the executable bit): the replay assumes 022.
  process.umask(0o022);
  process.env.LAYERLENS_DIGEST_CACHE = join(work, 'digests.json');
  process.env.LAYERLENS_STORE = join(work, 'unused-store.json');
  process.env.NO_COLOR = '1';
  // Each in-process run of the CLI adds an exit handler (it saves the digest cache).
  process.setMaxListeners(0);
});

/** The bundled CLI in a process of its own (for what the user sees: text, exit codes). */
function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), LAYERLENS_STORE: join(work, 'unused-store.json'), NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * The CLI's main() in this process, its output captured: the same code as the bundle without starting a process
 * per command (the proofs run plan and record once per commit). cwd is changed for the call.
 */
async function inProcess(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  const was = process.cwd();
  process.chdir(cwd);
  // The CLI writes strings; the test runner's own reports (serialised Buffers) pass through.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    typeof chunk === 'string' ? (out.push(chunk), true) : stdout(chunk, ...rest)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await runMain(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    process.chdir(was);
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'core.symlinks=true', ...args],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    },
  );
}

type Edit = (dir: string) => void;
const write =
  (path: string, text: string): Edit =>
  (dir) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
const remove =
  (path: string): Edit =>
  (dir) =>
    rmSync(join(dir, path), { recursive: true, force: true });
const move =
  (from: string, to: string): Edit =>
  (dir) => {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    renameSync(join(dir, from), join(dir, to));
  };
const chmod =
  (path: string, mode: number): Edit =>
  (dir) =>
    chmodSync(join(dir, path), mode);
const link =
  (path: string, target: string): Edit =>
  (dir) => {
    try {
      unlinkSync(join(dir, path));
    } catch {
      // not there yet
    }
    symlinkSync(target, join(dir, path));
  };

/** A repository with one commit per step (each a list of edits and a subject). */
function repository(name: string, commits: Array<[string, Edit[]]>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  for (const [subject, edits] of commits) {
    for (const e of edits) e(dir);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', subject);
  }
  return dir;
}

interface Step {
  line: number;
  keyword: string;
  stage: string;
  status: string;
  reason: string;
  cause?: string | null;
}
interface Replayed {
  commits: Array<{ commit: string; subject: string; steps: Step[]; error?: string }>;
  summary: Array<{ line: number; keyword: string; rebuilds: number; maybe: number; cached: number; causes: Array<{ cause: string; count: number }> }>;
  notes: string[];
  states: number;
}

async function history(repo: string, args: string[]): Promise<Replayed> {
  const r = await inProcess(['history', '--json', ...args], repo);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Replayed;
}

/**
 * Plans every replayed commit on a checkout (a clone, `checkout -f` and `clean -fdx` per commit), recording each
 * state after planning it, and compares each plan with the replay's state.
 */
async function compareWithCheckouts(
  repo: string,
  replay: Replayed,
  cache: 'all' | 'previous',
  planArgs: (checkout: string) => string[],
  fixArgs?: (checkout: string) => string[],
): Promise<number> {
  const checkout = mkdtempSync(join(work, 'checkout-'));
  git(work, 'clone', '-q', repo, checkout);
  const store = join(checkout, '..', `${checkout.split('/').pop()}-store.json`);
  let compared = 0;
  for (const state of replay.commits) {
    if (state.error) continue;
    git(checkout, 'checkout', '-q', '-f', state.commit);
    git(checkout, 'clean', '-q', '-f', '-d', '-x');
    if (fixArgs) {
      // --fixed: the checkout as `layerlens fix` leaves it (the Dockerfile rewritten, a .dockerignore it creates).
      const fixed = await inProcess(['fix', ...fixArgs(checkout)], checkout);
      assert.equal(fixed.code, 0, fixed.err);
    }
    const planned = await inProcess(['plan', '--json', '--store', store, ...planArgs(checkout)], checkout);
    assert.equal(planned.code, 0, planned.err);
    const steps = (JSON.parse(planned.out) as { steps: Step[] }).steps.map(({ line, keyword, stage, status, reason }) => ({
      line,
      keyword,
      stage,
      status,
      reason,
    }));
    const replayed = state.steps.map(({ line, keyword, stage, status, reason }) => ({ line, keyword, stage, status, reason }));
    assert.deepEqual(replayed, steps, `commit ${state.commit.slice(0, 7)} "${state.subject}" (--cache ${cache})`);
    compared += steps.length;
    if (cache === 'previous') rmSync(store, { force: true });
    const recorded = await inProcess(['record', '--store', store, ...planArgs(checkout)], checkout);
    assert.equal(recorded.code, 0, recorded.err);
  }
  return compared;
}

const appDockerfile = [
  'FROM node:20-alpine',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci',
  'COPY . .',
  'RUN npm run build',
  'CMD ["node", "src/a.js"]',
  '',
].join('\n');

const appHistory: Array<[string, Edit[]]> = [
  [
    'first',
    [
      write('README.md', 'hello\n'),
      write('app/Dockerfile', appDockerfile),
      write('app/package.json', '{"name":"a"}\n'),
      write('app/package-lock.json', '{"v":1}\n'),
      write('app/src/a.js', 'a1\n'),
      write('app/src/b.js', 'b1\n'),
      write('app/.dockerignore', 'node_modules\n*.log\n'),
      write('app/docs', 'docs as a file\n'),
    ],
  ],
  ['source edit', [write('app/src/a.js', 'a2\n')]],
  ['manifest edit', [write('app/package-lock.json', '{"v":2}\n')]],
  ['outside the context', [write('README.md', 'hello again\n')]],
  ['rename', [move('app/src/b.js', 'app/lib/b.js')]],
  ['mode change', [chmod('app/src/a.js', 0o755)]],
  ['symlink', [link('app/current', 'src/a.js')]],
  ['file becomes a folder', [remove('app/docs'), write('app/docs/readme.md', 'docs\n')]],
  ['ignore edit', [write('app/.dockerignore', 'node_modules\n*.log\ndocs\n')]],
  ['dockerfile edit', [write('app/Dockerfile', appDockerfile.replace('RUN npm run build', 'RUN npm run build -- --prod'))]],
  ['revert the source', [write('app/src/a.js', 'a1\n'), chmod('app/src/a.js', 0o644)]],
  ['symlink retargeted', [link('app/current', 'lib/b.js')]],
  ['folder becomes a file', [remove('app/lib'), write('app/lib', 'lib as a file\n')]],
  ['ignored file only', [write('app/debug.log', 'x\n')]],
  ['ignore file removed', [remove('app/.dockerignore')]],
];

test('history equals plan on a checkout of each commit after record of every earlier one (--cache all)', async () => {
  const repo = repository('app-all', appHistory);
  const replay = await history(repo, ['app/Dockerfile']);
  // The commit outside the context is not replayed; every other one is.
  assert.deepEqual(
    replay.commits.map((c) => c.subject),
    appHistory.map(([s]) => s).filter((s) => s !== 'outside the context'),
  );
  assert.equal(replay.states, appHistory.length - 1);
  const compared = await compareWithCheckouts(repo, replay, 'all', (co) => [join(co, 'app/Dockerfile')]);
  assert.ok(compared >= 14 * 7, `compared ${compared} steps`);
});

test('--cache previous equals plan after record of the previous state only; a revert is a hit only with --cache all', async () => {
  const repo = repository('revert', [
    ['v1', [write('Dockerfile', 'FROM alpine:3.19\nCOPY app.txt /app.txt\nRUN cat /app.txt\n'), write('app.txt', 'v1\n'), write('.dockerignore', '.git\n')]],
    ['v2', [write('app.txt', 'v2\n')]],
    ['back to v1', [write('app.txt', 'v1\n')]],
    ['new base image', [write('Dockerfile', 'FROM alpine:3.20\nCOPY app.txt /app.txt\nRUN cat /app.txt\n')]],
  ]);
  const all = await history(repo, ['--cache', 'all']);
  const previous = await history(repo, ['--cache', 'previous']);
  await compareWithCheckouts(repo, all, 'all', (co) => [join(co, 'Dockerfile')]);
  await compareWithCheckouts(repo, previous, 'previous', (co) => [join(co, 'Dockerfile')]);
  const copyAt = (r: Replayed, i: number) => r.commits[i].steps.find((s) => s.keyword === 'COPY')!;
  assert.equal(copyAt(all, 2).status, 'cached');
  assert.equal(copyAt(previous, 2).status, 'rebuilds');
  assert.equal(copyAt(previous, 2).cause, 'app.txt');
  // The summary: per instruction of the newest Dockerfile, with the first causes grouped.
  const run = all.summary.find((r) => r.keyword === 'RUN')!;
  assert.deepEqual([run.rebuilds, run.maybe, run.cached], [3, 0, 1]);
  assert.deepEqual(run.causes, [
    { cause: 'app.txt', count: 1 },
    { cause: 'base image', count: 1 },
    { cause: 'first build', count: 1 },
  ]);
  const from = previous.summary.find((r) => r.keyword === 'FROM')!;
  assert.deepEqual([from.rebuilds, from.cached], [2, 2]);
});

test('a Dockerfile that appears later, a multi-stage build with the classic builder, the context at the top with .git ignored', async () => {
  const dockerfile =
    'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app\nFROM alpine:3.19\nCOPY --from=build /app /app\nENTRYPOINT ["/app"]\n';
  const repo = repository('late', [
    ['readme only', [write('README.md', 'x\n')]],
    ['still no Dockerfile', [write('main.go', 'package main\n')]],
    ['dockerize', [write('Dockerfile', dockerfile), write('go.mod', 'module x\n'), write('.dockerignore', '.git\n')]],
    ['code', [write('main.go', 'package main\nfunc main() {}\n')]],
    ['deps', [write('go.mod', 'module x\ngo 1.22\n')]],
    ['build arg', [write('Dockerfile', dockerfile.replace('FROM alpine:3.19', 'FROM alpine:3.19\nARG VERSION=1\nRUN echo $VERSION'))]],
  ]);
  for (const builder of ['classic', 'buildkit']) {
    const replay = await history(repo, ['--builder', builder]);
    assert.equal(replay.states, 4);
    assert.ok(
      replay.notes.some((n) => /Dockerfile first appears in commit [0-9a-f]{12}: the 2 older commits are not replayed/.test(n)),
      replay.notes.join('\n'),
    );
    await compareWithCheckouts(repo, replay, 'all', (co) => [join(co, 'Dockerfile'), '--builder', builder]);
  }
});

test('a context holding .git (not ignored): every commit rebuilds COPY . ., as a checkout does; --exported-tree leaves .git out', async () => {
  const repo = repository('dotgit', [
    ['one', [write('Dockerfile', 'FROM alpine:3.19\nCOPY . /src\nRUN ls /src\n'), write('a.txt', 'a\n')]],
    ['two', [write('b.txt', 'b\n')]],
    ['three', [write('b.txt', 'b2\n')]],
  ]);
  const replay = await history(repo, []);
  const checkout = mkdtempSync(join(work, 'checkout-'));
  git(work, 'clone', '-q', repo, checkout);
  const store = join(work, 'dotgit-store.json');
  for (const state of replay.commits) {
    git(checkout, 'checkout', '-q', '-f', state.commit);
    const planned = JSON.parse((await inProcess(['plan', '--json', '--store', store], checkout)).out) as { steps: Step[] };
    assert.deepEqual(
      state.steps.map((s) => s.status),
      planned.steps.map((s) => s.status),
      state.subject,
    );
    await inProcess(['record', '--store', store], checkout);
  }
  const copy = replay.commits[2].steps.find((s) => s.keyword === 'COPY')!;
  assert.match(copy.reason, /^\.git\/index, b\.txt changed$/);
  assert.equal(copy.cause, '.git/ + b.txt');
  assert.ok(replay.notes.some((n) => /The context holds \.git/.test(n)));
  const exported = await history(repo, ['--exported-tree']);
  assert.equal(exported.commits[2].steps.find((s) => s.keyword === 'COPY')!.reason, 'b.txt changed');
});

test('errors: not a git repository, a revision that is not there, bad options; each a clear message', async () => {
  const plain = mkdtempSync(join(tmpdir(), 'll-nogit-'));
  writeFileSync(join(plain, 'Dockerfile'), 'FROM alpine\n');
  const notRepo = cli(['history'], plain);
  assert.equal(notRepo.code, 1);
  assert.match(notRepo.err, /is not in a git repository: history replays git commits\./);
  const repo = repository('errors', [['one', [write('Dockerfile', 'FROM alpine\n')]]]);
  const badRev = await inProcess(['history', '--rev', 'no-such-branch'], repo);
  assert.equal(badRev.code, 1);
  assert.match(badRev.err, /"no-such-branch" does not name a commit in this repository\./);
  const optionRev = await inProcess(['history', '--rev=--output=x'], repo);
  assert.equal(optionRev.code, 1);
  assert.match(optionRev.err, /--rev takes a commit/);
  assert.equal((await inProcess(['history', '--commits', '0'], repo)).code, 2);
  assert.equal((await inProcess(['history', '--cache', 'some'], repo)).code, 2);
  const absent = await inProcess(['history', 'other/Dockerfile', '--context', '.'], repo);
  assert.equal(absent.code, 1);
  assert.match(absent.err, /No commit up to HEAD touches other\/Dockerfile|other\/Dockerfile is in none of the/);
});

test('a context folder gone from the work tree (a service deleted since): history still replays it from git', async () => {
  const repo = repository('gone', [
    ['service', [write('svc/Dockerfile', 'FROM alpine\nCOPY app.txt /\n'), write('svc/app.txt', 'one\n')]],
    ['edit', [write('svc/app.txt', 'two\n')]],
  ]);
  rmSync(join(repo, 'svc'), { recursive: true, force: true });
  const replay = await history(repo, ['svc/Dockerfile', '--context', 'svc']);
  assert.equal(replay.states, 2);
  assert.deepEqual(
    replay.commits.map((c) => c.steps.find((s) => s.keyword === 'COPY')?.status),
    ['rebuilds', 'rebuilds'],
  );
  assert.match(replay.commits[1].steps.find((s) => s.keyword === 'COPY')?.reason ?? '', /app\.txt changed/);
});

test('shallow clone: replays what exists and says so', async () => {
  const repo = repository('deep', [
    ['one', [write('Dockerfile', 'FROM alpine\nCOPY a /a\n'), write('a', '1\n')]],
    ['two', [write('a', '2\n')]],
    ['three', [write('a', '3\n')]],
  ]);
  const shallow = join(work, 'shallow');
  git(work, 'clone', '-q', '--depth', '2', `file://${repo}`, shallow);
  const r = await inProcess(['history', '--json', '--commits', '10'], shallow);
  assert.equal(r.code, 0, r.err);
  const replay = JSON.parse(r.out) as Replayed;
  assert.equal(replay.states, 2);
  assert.ok(
    replay.notes.some((n) => /shallow clone: only 2 of the 10 commits/.test(n)),
    replay.notes.join('\n'),
  );
});

test('text output: a bar per step, the causes, the timeline; --fixed: the same history with fix rewrites side by side', async () => {
  const dockerfile = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n';
  const repo = repository('fixed', [
    [
      'one',
      [
        write('Dockerfile', dockerfile),
        write('package.json', '{"name":"x"}\n'),
        write('package-lock.json', '{}\n'),
        write('index.js', '1\n'),
        write('.dockerignore', '.git\nnode_modules\n'),
      ],
    ],
    ['two', [write('index.js', '2\n')]],
    ['three', [write('index.js', '3\n')]],
    ['four', [write('package-lock.json', '{"v":2}\n')]],
  ]);
  const r = await inProcess(['history', '--fixed'], repo);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /History of Dockerfile: 4 states replayed/);
  assert.match(r.out, /RUN npm ci\s+█+\s+4 of 4\s+-> 2 of 4\s+untimed\s+index\.js 2, first build 1, package-lock\.json 1/);
  assert.match(r.out, /RUN npm ci: rebuilt 4 of 4 -> 2 of 4 with fixes \(index\.js\)/);
  assert.doesNotMatch(r.out, /The context holds \.git/, '.git is in the ignore file');
  assert.match(r.out, /Commits, oldest first/);
  assert.match(r.out, /[0-9a-f]{7} {2}four\s+\.\.RR\n/);
  const json = JSON.parse((await inProcess(['history', '--fixed', '--json'], repo)).out) as Replayed & { fixed: Replayed & { changedStates: number } };
  assert.equal(json.fixed.changedStates, 4);
  const fixedRun = json.fixed.summary.find((s) => s.keyword === 'RUN')!;
  assert.deepEqual([fixedRun.rebuilds, fixedRun.cached], [2, 2]);
  assert.deepEqual(Object.keys(json.summary[0]), ['line', 'keyword', 'text', 'rebuilds', 'maybe', 'cached', 'causes', 'estimatedMs']);
  assert.deepEqual(Object.keys(json.commits[0].steps[0]), ['line', 'keyword', 'stage', 'status', 'reason', 'cause']);
});

test('--fixed equals plan on a checkout of each commit after `layerlens fix`, with every earlier fixed state recorded', async () => {
  const classic = 'FROM node:20\nWORKDIR /app\nARG VERSION=1\nCOPY . .\nRUN npm ci\nRUN echo $VERSION > /v\nCMD ["node", "index.js"]\n';
  const repo = repository('fixed-proof', [
    // No ignore file at first: the fix creates one (and it is in the context from then on).
    ['one', [write('Dockerfile', classic), write('package.json', '{"name":"x"}\n'), write('package-lock.json', '{}\n'), write('index.js', '1\n')]],
    ['source', [write('index.js', '2\n')]],
    ['lock', [write('package-lock.json', '{"v":2}\n')]],
    ['ignore file', [write('.dockerignore', '.git\nnode_modules\n')]],
    ['source again', [write('index.js', '3\n'), write('lib/util.js', 'u\n')]],
    ['dockerfile', [write('Dockerfile', classic.replace('RUN npm ci', 'RUN npm ci --omit=dev'))]],
    ['revert source', [write('index.js', '1\n')]],
  ]);
  const replay = (await history(repo, ['--fixed'])) as Replayed & { fixed: { changedStates: number; commits: Replayed['commits'] } };
  assert.ok(replay.fixed.changedStates >= 6, `the fixes rewrote ${replay.fixed.changedStates} states`);
  const fixedReplay: Replayed = { ...replay, commits: replay.fixed.commits.map((c, i) => ({ ...c, subject: replay.commits[i].subject })) };
  const compared = await compareWithCheckouts(
    repo,
    fixedReplay,
    'all',
    (co) => [join(co, 'Dockerfile')],
    (co) => [join(co, 'Dockerfile')],
  );
  assert.ok(compared >= 7 * 6, `compared ${compared} steps`);
  // What the fixes save here: the install reruns on every source edit before, only where its manifests changed after.
  const npm = (r: { summary: Replayed['summary'] }) => r.summary.find((x) => x.keyword === 'RUN')?.rebuilds;
  assert.ok((npm(replay.fixed as unknown as Replayed) ?? 99) < (npm(replay) ?? 0), 'the fixes save rebuilds of the install');
});

test('an object the repository lacks (a damaged or partial clone): a clear message, exit 1, nothing fetched', async () => {
  const repo = repository('damaged', [
    ['one', [write('Dockerfile', 'FROM alpine:3.18\n')]],
    ['two', [write('Dockerfile', 'FROM alpine:3.19\n')]],
  ]);
  const oid = git(repo, 'rev-parse', 'HEAD~1:Dockerfile').trim();
  rmSync(join(repo, '.git', 'objects', oid.slice(0, 2), oid.slice(2)));
  const r = await inProcess(['history'], repo);
  assert.equal(r.code, 1);
  assert.match(r.err, new RegExp(`git object ${oid} \\(Dockerfile\\) cannot be read: the repository is incomplete`));
});

test('time: the durations a real build recorded in the user store (read only) give rebuilds x duration; untimed otherwise', async () => {
  const repo = repository('timed', [
    ['one', [write('Dockerfile', 'FROM alpine:3.19\nCOPY a.txt /a\nRUN sleep 41\n'), write('a.txt', '1\n'), write('.dockerignore', '.git\n')]],
    ['two', [write('a.txt', '2\n')]],
    ['three', [write('a.txt', '3\n')]],
  ]);
  const store = join(work, 'timed-store.json');
  assert.equal((await inProcess(['record', '--store', store], repo)).code, 0);
  const data = JSON.parse(readFileSync(store, 'utf8'));
  const build = Object.values(data.builds)[0] as { steps: Record<string, { keyword: string; durationMs?: number }> };
  const run = Object.values(build.steps).find((s) => s.keyword === 'RUN')!;
  run.durationMs = 41_000;
  writeFileSync(store, JSON.stringify(data));
  const before = readFileSync(store, 'utf8');
  const r = await inProcess(['history', '--store', store], repo);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /RUN sleep 41\s+█+\s+3 of 3\s+3 x 41 s = 2 min 3 s\s+a\.txt 2, first build 1/);
  assert.match(r.out, /COPY a\.txt \/a\s+█+\s+3 of 3\s+untimed/);
  assert.match(r.out, /Time these rebuilds cost, by the durations real builds recorded: about 2 min 3 s plus 2 steps never timed\./);
  const json = JSON.parse((await inProcess(['history', '--store', store, '--json'], repo)).out) as {
    summary: Array<{ keyword: string; estimatedMs: number | null }>;
  };
  assert.deepEqual(
    json.summary.map((s) => s.estimatedMs),
    [null, null, 123_000],
  );
  assert.equal(readFileSync(store, 'utf8'), before, 'the user store is only read');
});
