// The history extractor on a tiny git repository made here (run by hand, not by the unit tier):
//   node --import tsx --test test/oracle/history/extract.test.ts
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataFileName, ExtractError, extractHistory, parseArgs, serializeHistory, type HistoryFile } from './extract';
import { checkHistory, checkState } from './check';

let work = '';
let gitDir = '';
const commits: string[] = [];
let sideCommit = '';
let otherOnly = '';

/** Git's blob id, computed here independently of git. */
function blobId(content: string): string {
  const body = Buffer.from(content);
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body]))
    .digest('hex');
}

function run(args: string[], date?: number): string {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: work };
  if (date !== undefined) env.GIT_AUTHOR_DATE = env.GIT_COMMITTER_DATE = `${date} +0200`;
  return execFileSync('git', ['-C', join(work, 'repo'), '-c', 'user.name=T', '-c', 'user.email=t@example.invalid', ...args], { env, encoding: 'utf8' }).trim();
}

function write(path: string, text: string): void {
  const full = join(work, 'repo', path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
}

function commit(message: string, date: number): string {
  run(['add', '-A']);
  run(['commit', '-q', '-m', message], date);
  return run(['rev-parse', 'HEAD']);
}

const T0 = 1_700_000_000;
const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

before(() => {
  work = mkdtempSync(join(tmpdir(), 'll-history-'));
  mkdirSync(join(work, 'repo'));
  run(['init', '-q', '-b', 'main']);
  gitDir = join(work, 'repo', '.git');
  // 0: the context app/ with a Dockerfile, an ignore file, an executable, a symlink; a file outside the context.
  write('app/Dockerfile', 'FROM localbase:1\nCOPY src/ /src/\n');
  write('app/.dockerignore', '*.log\n');
  write('app/src/a.txt', 'alpha\n');
  write('app/run.sh', '#!/bin/sh\n');
  chmodSync(join(work, 'repo', 'app/run.sh'), 0o755);
  symlinkSync('src/a.txt', join(work, 'repo', 'app/link'));
  write('other/x.txt', 'outside\n');
  commits.push(commit('first state', T0));
  // Outside the context only: no state.
  write('other/x.txt', 'outside 2\n');
  otherOnly = commit('outside only', T0 + 10);
  // 1: a changed file, a removed file, a new file with the same content as another, a new symlink target.
  write('app/src/a.txt', 'alpha 2\n');
  unlinkSync(join(work, 'repo', 'app/run.sh'));
  write('app/src/b.txt', 'alpha 2\n');
  unlinkSync(join(work, 'repo', 'app/link'));
  symlinkSync('src/b.txt', join(work, 'repo', 'app/link'));
  commits.push(commit('change, remove, add', T0 + 20));
  // 2: a rename (remove + add) and a Dockerfile edit; the ignore file removed.
  renameSync(join(work, 'repo', 'app/src/b.txt'), join(work, 'repo', 'app/src/c.txt'));
  write('app/Dockerfile', 'FROM localbase:1\nARG V=1\nCOPY src/ /src/\n');
  rmSync(join(work, 'repo', 'app/.dockerignore'));
  commits.push(commit('rename\n\nbody text', T0 + 30));
  // 3: a merge of a side branch: the merge is the state, the side commit is not.
  run(['checkout', '-q', '-b', 'side']);
  write('app/src/d.txt', 'delta\n');
  sideCommit = commit('side work', T0 + 40);
  run(['checkout', '-q', 'main']);
  write('other/y.txt', 'main moves on\n');
  commit('main outside', T0 + 45);
  run(['merge', '-q', '--no-ff', '-m', 'Merge side', 'side'], T0 + 50);
  commits.push(run(['rev-parse', 'HEAD']));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('extracts states, full listing then changes, exactly', async () => {
  const h = await extractHistory({
    gitDir,
    repo: 'acme/tiny',
    license: 'MIT',
    dockerfile: 'app/Dockerfile',
    context: './app/',
    from: commits[0],
    to: commits[3],
    why: 'test',
  });
  const expected: HistoryFile = {
    format: 1,
    repo: 'acme/tiny',
    url: 'https://github.com/acme/tiny',
    license: 'MIT',
    dockerfile: 'app/Dockerfile',
    context: 'app',
    why: 'test',
    states: [
      {
        commit: commits[0],
        date: iso(T0),
        subject: 'first state',
        dockerfileText: 'FROM localbase:1\nCOPY src/ /src/\n',
        ignoreText: '*.log\n',
        files: {
          '.dockerignore': ['100644', blobId('*.log\n')],
          Dockerfile: ['100644', blobId('FROM localbase:1\nCOPY src/ /src/\n')],
          link: ['120000', 'src/a.txt'],
          'run.sh': ['100755', blobId('#!/bin/sh\n')],
          'src/a.txt': ['100644', blobId('alpha\n')],
        },
      },
      {
        commit: commits[1],
        date: iso(T0 + 20),
        subject: 'change, remove, add',
        dockerfileText: 'FROM localbase:1\nCOPY src/ /src/\n',
        ignoreText: '*.log\n',
        files: {
          link: ['120000', 'src/b.txt'],
          'run.sh': null,
          'src/a.txt': ['100644', blobId('alpha 2\n')],
          'src/b.txt': ['100644', blobId('alpha 2\n')],
        },
      },
      {
        commit: commits[2],
        date: iso(T0 + 30),
        subject: 'rename',
        dockerfileText: 'FROM localbase:1\nARG V=1\nCOPY src/ /src/\n',
        ignoreText: null,
        files: {
          '.dockerignore': null,
          Dockerfile: ['100644', blobId('FROM localbase:1\nARG V=1\nCOPY src/ /src/\n')],
          'src/b.txt': null,
          'src/c.txt': ['100644', blobId('alpha 2\n')],
        },
      },
      {
        commit: commits[3],
        date: iso(T0 + 50),
        subject: 'Merge side',
        dockerfileText: 'FROM localbase:1\nARG V=1\nCOPY src/ /src/\n',
        ignoreText: null,
        files: { 'src/d.txt': ['100644', blobId('delta\n')] },
      },
    ],
  };
  assert.deepEqual(h, expected);
  // The file round-trips through its text form, one line per state.
  const text = serializeHistory(h);
  assert.deepEqual(JSON.parse(text), expected);
  assert.equal(text.split('\n').filter((l) => l.startsWith('    {"commit"')).length, 4);
  // And the static checker finds every COPY source and no problem.
  const report = checkHistory(h);
  assert.deepEqual(report.problems, []);
  assert.equal(report.lastFiles, 5);
});

test('the root as context lists every file; --max-states keeps the oldest states', async () => {
  const h = await extractHistory({
    gitDir,
    repo: 'acme/tiny',
    license: 'MIT',
    dockerfile: 'app/Dockerfile',
    context: '.',
    from: commits[0],
    to: commits[3],
    maxStates: 2,
  });
  assert.equal(h.context, '');
  assert.deepEqual(
    h.states.map((s) => s.commit),
    [commits[0], otherOnly],
  );
  assert.deepEqual(Object.keys(h.states[0].files).sort(), ['app/.dockerignore', 'app/Dockerfile', 'app/link', 'app/run.sh', 'app/src/a.txt', 'other/x.txt']);
  assert.deepEqual(h.states[1].files, { 'other/x.txt': ['100644', blobId('outside 2\n')] });
});

test('a <Dockerfile>.dockerignore next to the Dockerfile is the ignore text when it exists', async () => {
  write('app/.dockerignore', 'root-ignore\n');
  write('app/Dockerfile.dockerignore', 'df-ignore\n');
  const head = commit('both ignore files', T0 + 60);
  const h = await extractHistory({ gitDir, repo: 'acme/tiny', license: 'MIT', dockerfile: 'app/Dockerfile', context: 'app', from: commits[3], to: head });
  assert.deepEqual(
    h.states.map((s) => s.ignoreText),
    [null, 'df-ignore\n'],
  );
  assert.deepEqual(h.states[1].files, {
    '.dockerignore': ['100644', blobId('root-ignore\n')],
    'Dockerfile.dockerignore': ['100644', blobId('df-ignore\n')],
  });
});

test('refuses a range off the first-parent history, a missing Dockerfile and bad arguments', async () => {
  const base = { gitDir, repo: 'acme/tiny', license: 'MIT', dockerfile: 'app/Dockerfile', context: 'app' };
  await assert.rejects(extractHistory({ ...base, from: sideCommit, to: commits[3] }), /not on the first-parent history/);
  await assert.rejects(extractHistory({ ...base, dockerfile: 'app/Nope', from: commits[0], to: commits[3] }), /does not exist at/);
  await assert.rejects(extractHistory({ ...base, from: 'no-such-ref', to: commits[3] }), /is not a commit/);
  await assert.rejects(extractHistory({ ...base, context: '../x', from: commits[0], to: commits[3] }), ExtractError);
  assert.throws(() => parseArgs(['--git', 'x']), /--repo is required/);
  assert.throws(() => parseArgs(['--bogus', 'x']), /unknown argument/);
  assert.throws(
    () =>
      parseArgs(['--git', 'g', '--repo', 'a/b', '--license', 'MIT', '--dockerfile', 'D', '--context', '.', '--from', 'a', '--to', 'b', '--max-states', '0']),
    /positive integer/,
  );
});

test('the checker reports what a stand-in build cannot do', () => {
  const files = new Map<string, [string, string]>([
    ['go.mod', ['100644', 'x']],
    ['cmd/main.go', ['100644', 'y']],
    ['secret.log', ['100644', 'z']],
  ]);
  const ok = checkState(
    'ARG GO=1.22\nFROM --platform=$BUILDPLATFORM golang:${GO}@sha256:abc AS b\nARG TARGETARCH\nRUN --mount=type=bind,source=go.mod,target=go.mod --mount=type=cache,target=/c true\nCOPY cmd/*.go ./\nFROM b AS c\nCOPY --from=composer:2 /usr/bin/composer /c\n',
    '*.log\n',
    files,
  );
  assert.deepEqual(ok.problems, []);
  assert.deepEqual([...ok.features].sort(), [
    'ARG TARGET*',
    'ARG default',
    'COPY --from=<image>',
    'FROM --platform=$BUILDPLATFORM',
    'FROM <stage>',
    'RUN --mount=type=bind',
    'RUN --mount=type=cache',
    'digest-pinned base',
    'ignore file',
    'multi-stage',
  ]);
  const bad = checkState(
    'ARG IMG\nFROM $IMG\nFROM --platform=linux/arm64 x\nADD https://example.invalid/a /a\nCOPY secret.log missing.txt /\nRUN --mount=type=ssh true\nRUN --mount=type=bind,source=nope,target=/n true\n',
    '*.log\n',
    files,
  );
  assert.deepEqual(bad.problems, [
    'line 2 (FROM): the image "$IMG" needs a --build-arg (an ARG without default)',
    'line 3 (FROM): --platform=linux/arm64 is not linux/amd64, $BUILDPLATFORM or $TARGETPLATFORM',
    'line 4 (ADD): ADD of a URL (https://example.invalid/a)',
    'line 5 (COPY): source "secret.log" is not in the context (or is ignored)',
    'line 5 (COPY): source "missing.txt" is not in the context (or is ignored)',
    'line 6 (RUN): RUN --mount=type=ssh',
    'line 7 (RUN): bind source "nope" is not in the context (or is ignored)',
  ]);
});

test('every committed data file is well-formed and every state passes the static check', () => {
  const dir = join(__dirname, 'data');
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  assert.ok(names.length >= 7, `only ${names.length} data files`);
  let total = 0;
  for (const name of names) {
    assert.ok(statSync(join(dir, name)).size < 600 * 1024, `${name} is over 600 KB`);
    const h = JSON.parse(readFileSync(join(dir, name), 'utf8')) as HistoryFile;
    assert.equal(name, dataFileName(h.repo));
    assert.ok(h.states.length >= 12 && h.states.length <= 25, `${name}: ${h.states.length} states`);
    assert.deepEqual(checkHistory(h).problems, [], name);
    total += h.states.length;
  }
  assert.ok(total >= 120, `${total} states in all`);
});
