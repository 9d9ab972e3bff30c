// The real-history oracle tier: public projects' commit histories replayed state by state on the real engines,
// our plan compared with what each engine did (test/oracle/history/, README.md "Real histories").
//
//   npm run test:history     (builds dist/cli.js, then runs this file)
//   node --import tsx --test --test-reporter=spec test/oracle/history.test.ts
//
// Environment:
//   LAYERLENS_SKIP_ORACLE=1              skip (instead of failing) when an engine is not running
//   LAYERLENS_ORACLE_ENGINES="classic buildkit"   which engines to use (default both)
//   LAYERLENS_HISTORY_FILTER=regexp      only repositories (owner/name) that match
//   LAYERLENS_HISTORY_DATA=dir           data files to replay (default test/oracle/history/data); the replayer's
//                                        own fixture (test/oracle/history/fixtures) is always replayed
//   LAYERLENS_HISTORY_VERBOSE=1          one progress line per state on stderr
//   LAYERLENS_HISTORY_DUMP=dir           write each repository's states and results there, to check `layerlens
//                                        history` again without building (test/oracle/history/recheck.ts)
//   LAYERLENS_HISTORY_CLI_CHECK=0        leave out the check of `layerlens history` on the same states (on by default)
//   LAYERLENS_HISTORY_STATES=N|all       states per repository (default 8, chosen by sampleStates in
//                                        history/data.ts: every Dockerfile or ignore-file change and the state
//                                        before it first); `all` replays every state (npm run test:history)
//
// One test per repository and engine; a repository's states run under one engine lock. The two engines are
// separate daemons, so their repositories run concurrently; each engine takes its repositories one at a time.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CLI, ROOT, textTable } from './compare';
import { wantedEngines, engineProblem, type Engine } from './engine';
import { loadHistory, sampleStates, type HistoryRepo } from './history/data';
import { addTally, emptyTally, failurePredicted, firstErrorLine, replayRepo, type RepoResult, type RepoTally } from './history/replay';
import { checkHistoryCli, type HistoryCliCheck } from './history/asGit';
import { collectNeeds, exitZeroElf, pinnedStandin, rewriteDockerfile, standinEntries } from './history/standins';

const SKIP = process.env.LAYERLENS_SKIP_ORACLE === '1';
const VERBOSE = process.env.LAYERLENS_HISTORY_VERBOSE === '1';
const HISTORY_CLI_CHECK = process.env.LAYERLENS_HISTORY_CLI_CHECK !== '0';
const DUMP_DIR = process.env.LAYERLENS_HISTORY_DUMP;
const FILTER = process.env.LAYERLENS_HISTORY_FILTER ? new RegExp(process.env.LAYERLENS_HISTORY_FILTER) : undefined;
const DATA_DIR = process.env.LAYERLENS_HISTORY_DATA || join(ROOT, 'test', 'oracle', 'history', 'data');
const FIXTURE_DIR = join(ROOT, 'test', 'oracle', 'history', 'fixtures');
const STATES_ENV = process.env.LAYERLENS_HISTORY_STATES ?? '8';
if (STATES_ENV !== 'all' && !/^[1-9]\d*$/.test(STATES_ENV)) throw new Error(`LAYERLENS_HISTORY_STATES must be a positive number or "all", got "${STATES_ENV}"`);
const MAX_STATES = STATES_ENV === 'all' ? Infinity : Number(STATES_ENV);
const WANTED: Engine[] = wantedEngines();

function dataFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

// The replayer's own fixture is always replayed whole (its outcomes are checked state by state).
const repos: HistoryRepo[] = [
  ...dataFiles(FIXTURE_DIR).map((f) => loadHistory(f)),
  ...dataFiles(DATA_DIR).map((f) => sampleStates(loadHistory(f), MAX_STATES)),
].filter((r) => !FILTER || FILTER.test(r.repo));

/** What the replayer's own fixture must give (one letter per state: c compared, f failure predicted, s skipped). */
const SELF_TEST: Record<string, Record<Engine, string>> = {
  'layerlens/synthetic-history': { buildkit: 'cccccccscccc', classic: 'ccccccfscccc' },
};
const KIND_LETTER = { compared: 'c', 'failure-predicted': 'f', 'engine-failed': 'E', skipped: 's', error: 'X' } as const;

const results: RepoResult[] = [];
/** `layerlens history` on the same states, per engine (history/asGit.ts). */
const historyChecks: Array<{ engine: Engine; repo: string; check: HistoryCliCheck }> = [];
const started = Date.now();
const queues: Record<Engine, Promise<unknown>> = { classic: Promise.resolve(), buildkit: Promise.resolve() };
const problems = new Map<Engine, Promise<string | undefined>>();

/** Runs `fn` after every earlier job of this engine (one repository at a time per engine). */
function queued<T>(engine: Engine, fn: () => Promise<T>): Promise<T> {
  const run = queues[engine].then(fn, fn);
  queues[engine] = run.catch(() => undefined);
  return run;
}

function short(r: RepoResult, i: number): string {
  const o = r.outcomes[i];
  return `${o.index} ${o.commit.slice(0, 10)} ${o.subject.slice(0, 50)}`;
}

function summary(): string {
  const out: string[] = [];
  const wrongRows: string[][] = [];
  const failed: string[] = [];
  const skipped: string[] = [];
  const errors: string[] = [];
  for (const r of results) {
    r.outcomes.forEach((o, i) => {
      for (const row of o.rows) {
        if (row.verdict === 'wrong')
          wrongRows.push([r.engine, r.repo, short(r, i), String(row.line), row.instruction, `${row.weSay}: ${row.reason}`, row.engineSays]);
      }
      if (o.kind === 'engine-failed') failed.push(`${r.engine} ${r.repo} state ${short(r, i)}: ${o.detail}`);
      if (o.kind === 'skipped') skipped.push(`${r.engine} ${r.repo} state ${short(r, i)}: ${o.detail}`);
      if (o.kind === 'error') errors.push(`${r.engine} ${r.repo} state ${short(r, i)}: ${o.detail}`);
    });
  }
  if (wrongRows.length)
    out.push(
      `\nWrong verdicts (${wrongRows.length}):\n${textTable(['engine', 'repository', 'state', 'line', 'instruction', 'we said', 'engine'], wrongRows, 110)}`,
    );
  if (failed.length) out.push(`\nBuilds that failed without our plan predicting it (${failed.length}):\n  ${failed.join('\n  ')}`);
  if (skipped.length) out.push(`\nStates skipped (${skipped.length}):\n  ${skipped.join('\n  ')}`);
  const notImported = results.flatMap((r) => r.standins.failed.map((f) => `${r.engine} ${r.repo}: ${f}`));
  if (notImported.length) out.push(`\nStand-ins docker import refused (the builds that use them fail) (${notImported.length}):\n  ${notImported.join('\n  ')}`);
  if (errors.length) out.push(`\nReplayer errors (${errors.length}):\n  ${errors.join('\n  ')}`);
  for (const engine of WANTED) {
    const mine = results.filter((r) => r.engine === engine);
    if (!mine.length) continue;
    const t: RepoTally = emptyTally();
    for (const r of mine) addTally(t, r.tally);
    const secs = mine.reduce((a, r) => a + r.ms, 0) / 1000;
    out.push(
      `history: ${engine} ${t.states} states, ${t.right} right, ${t.wrong} wrong, ${t.maybe} maybe (${t.unscorable} unscorable), ${t.skipped} skipped` +
        `; ${t.failurePredicted} failures predicted, ${t.engineFailed} engine failed, ${t.errors} replayer errors; ${mine.length} repositories in ${secs.toFixed(0)} s`,
    );
  }
  for (const engine of WANTED) {
    const mine = historyChecks.filter((h) => h.engine === engine);
    if (!mine.length) continue;
    const sum = (k: 'states' | 'equal' | 'decided') => mine.reduce((a, h) => a + h.check[k], 0);
    const stopped = mine.filter((h) => h.check.stopped);
    out.push(
      `history: layerlens history on the same states (${engine}): ${sum('states')} states, ${sum('equal')} steps equal to the plan before the build (${sum('decided')} of them decided by the engine, right), ${mine.reduce((a, h) => a + h.check.differences.length, 0)} different` +
        (stopped.length ? `; stopped early in ${stopped.length} repositories (${stopped.map((h) => `${h.repo}: ${h.check.stopped}`).join('; ')})` : ''),
    );
  }
  out.push(`history: wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return out.join('\n');
}

// Needs no engine: the replayer's own pieces.
void test('replayer: rewrites, stand-in needs and contents, failure classification', () => {
  const pin = 'sha256:' + 'ab'.repeat(32);
  const rw = rewriteDockerfile(`# syntax=docker/dockerfile:1\n# escape=\\\nARG V=1\nFROM golang:\${V}@${pin} AS b\nRUN x\n`);
  const lines = rw.text.split('\n');
  assert.equal(lines[0], '# escape=\\', 'other directives stay first, so they are still directives');
  assert.match(lines[1], /^# \(syntax parser directive removed/);
  assert.equal(lines[3], `FROM ${pinnedStandin(pin)} AS b`, 'every line keeps its number; the digest names the stand-in');
  assert.equal(rewriteDockerfile('FROM a\n# syntax=x\n').text, 'FROM a\n# syntax=x\n', 'a comment after the first instruction is not a directive');

  const df =
    [
      'ARG BASE=node:20',
      'FROM $BASE AS deps',
      'USER app:web',
      'RUN ["npm", "ci"]',
      'FROM deps AS build',
      'SHELL ["/bin/bash", "-c"]',
      'FROM --platform=$BUILDPLATFORM alpine AS out',
      'COPY --from=build /app/dist /srv/',
      'COPY --from=build /app/package.json /app/*.lock ./',
      'COPY --from=tools:1 --chown=svc /usr/bin/tool /bin/',
      'RUN --mount=type=bind,from=deps,source=/cache,target=/c true',
    ].join('\n') + '\n';
  const bk = collectNeeds(df, 'buildkit');
  assert.deepEqual([...bk.images.keys()].sort(), ['alpine', 'node:20', 'tools:1']);
  assert.deepEqual([...(bk.images.get('node:20') ?? [])].sort(), [
    ['app/dist', 'dir'],
    ['app/package.json', 'file'],
    ['app/x.lock', 'file'],
    ['cache', 'dir'],
  ]);
  assert.deepEqual([...bk.execs].sort(), ['bin/bash', 'usr/bin/npm', 'usr/local/bin/npm']);
  assert.deepEqual([...bk.users].sort(), ['app', 'svc']);
  assert.deepEqual([...bk.groups], ['web']);
  assert.deepEqual([...bk.stageReads].sort(), [11, 8, 9].sort());
  assert.equal(bk.exclusion, undefined);
  assert.match(collectNeeds('FROM --platform=linux/arm64 a\n', 'buildkit').exclusion ?? '', /non-amd64 platform/);
  assert.match(collectNeeds('FROM a\nADD https://example.com/x.tgz /\n', 'classic').exclusion ?? '', /ADD <url>/);
  assert.match(collectNeeds('FROM a\nRUN --mount=type=ssh true\n', 'buildkit').exclusion ?? '', /type=ssh/);
  // BuildKit's automatic platform ARGs can name a stage in FROM: its image gets the stand-in paths
  const auto = collectNeeds('FROM b:1 AS go-linux\nFROM go-$TARGETOS AS x\nFROM c\nCOPY --from=x /out/app /\n', 'buildkit');
  assert.deepEqual([...auto.images.keys()].sort(), ['b:1', 'c']);
  assert.deepEqual([...(auto.images.get('b:1') ?? [])], [['out/app', 'dir']]);

  const { entries } = standinEntries('node:20', bk);
  const byPath = new Map(entries.map((e) => [e.path, e]));
  for (const p of ['bin/sh', 'bin/bash', 'usr/bin/env', 'usr/local/bin/npm']) assert.equal(byPath.get(p)?.mode, 0o755, p);
  assert.equal(byPath.get('etc/standin-ref')?.body?.toString(), 'node:20\n');
  assert.match(byPath.get('etc/passwd')?.body?.toString() ?? '', /^root:x:0:0:.*\napp:x:1000:.*\nsvc:x:1001:/);
  assert.match(byPath.get('etc/group')?.body?.toString() ?? '', /\nweb:x:/);
  assert.equal(byPath.get('app/dist')?.type, 'dir');
  assert.equal(byPath.get('app/package.json')?.type, 'file');
  assert.equal(byPath.get('tmp')?.mode, 0o1777);
  const elf = exitZeroElf();
  assert.equal(elf.subarray(0, 4).toString('latin1'), '\x7fELF');
  assert.equal(elf.length, 129);

  // sampleStates: Dockerfile changes and the state before each first, then spread; skipped commits folded in
  const st = (i: number, df: string, files: Record<string, [string, string] | null>) => ({
    commit: String(i).repeat(40).slice(0, 40),
    date: '',
    subject: `c${i}`,
    dockerfileText: df,
    ignoreText: null,
    files,
  });
  const hist: HistoryRepo = {
    format: 1,
    repo: 'a/b',
    url: '',
    license: 'MIT',
    dockerfile: 'Dockerfile',
    context: '',
    why: '',
    states: [
      st(0, 'FROM a\n', { x: ['100644', 'x0'], y: ['100644', 'y0'] }),
      st(1, 'FROM a\n', { x: ['100644', 'x1'] }),
      st(2, 'FROM a\n', { y: null, z: ['100644', 'z2'] }),
      st(3, 'FROM a\n', { x: ['100644', 'x3'] }),
      st(4, 'FROM b\n', { z: ['100755', 'z2'] }),
      st(5, 'FROM b\n', { x: ['100644', 'x5'] }),
      st(6, 'FROM b\n', { w: ['100644', 'w6'] }),
      st(7, 'FROM b\n', {}),
    ],
  };
  const few = sampleStates(hist, 4);
  assert.deepEqual(
    few.states.map((s) => s.subject),
    ['c0', 'c3 (+2 earlier commits folded in)', 'c4', 'c5'],
  );
  assert.deepEqual(few.states[1].files, { x: ['100644', 'x3'], y: null, z: ['100644', 'z2'] }, 'the later change of a path wins; a removal stays a removal');
  assert.deepEqual(
    sampleStates(hist, 5).states.map((s) => s.subject),
    ['c0', 'c2 (+1 earlier commit folded in)', 'c3', 'c4', 'c6 (+1 earlier commit folded in)'],
  );
  assert.deepEqual(sampleStates(hist, 5).states[4].files, { x: ['100644', 'x5'], w: ['100644', 'w6'] });
  assert.equal(sampleStates(hist, 8), hist, 'a history that fits is replayed as it is');
  assert.deepEqual(
    sampleStates(hist, 2).states.map((s) => s.subject),
    ['c0', 'c4 (+3 earlier commits folded in)'],
  );

  assert.equal(
    failurePredicted('classic', [{ line: 3, severity: 'warning', message: 'RUN --mount requires BuildKit: the classic builder rejects it.' }])?.line,
    3,
  );
  assert.equal(
    failurePredicted('buildkit', [{ line: 3, severity: 'warning', message: 'RUN --mount requires BuildKit: the classic builder rejects it.' }]),
    undefined,
  );
  assert.equal(
    firstErrorLine('#1 [internal] load\n#9 ERROR: process "/bin/sh -c x" did not complete\nmore\n'),
    'ERROR: process "/bin/sh -c x" did not complete',
  );
});

void describe('history: predictions vs real builds of real project histories', { concurrency: true }, () => {
  after(() => {
    if (results.length) console.log(summary());
  });

  if (!repos.length) {
    void test('history data', () => {
      assert.fail(`no data files${FILTER ? ` matching LAYERLENS_HISTORY_FILTER=${FILTER.source}` : ''} in ${FIXTURE_DIR} or ${DATA_DIR}`);
    });
  }

  for (const repo of repos) {
    for (const engine of WANTED) {
      void test(`${engine} ${repo.repo} (${repo.states.length} states)`, async (t) => {
        if (!problems.has(engine)) problems.set(engine, engineProblem(engine));
        const problem = await problems.get(engine);
        if (problem) {
          if (SKIP) {
            t.skip(`LAYERLENS_SKIP_ORACLE=1: skipping the ${engine} engine: ${problem}`);
            return;
          }
          throw new Error(
            `${engine} engine not running (${problem}). Run scripts/engines/setup.sh and then scripts/engines/start.sh (or set LAYERLENS_SKIP_ORACLE=1 to skip).`,
          );
        }
        if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run node esbuild.mjs first (npm run test:history does).`);
        const r = await queued(engine, () => replayRepo(repo, engine, { log: VERBOSE ? (l) => process.stderr.write(l + '\n') : undefined }));
        results.push(r);
        const complaints: string[] = [];
        const self = SELF_TEST[repo.repo]?.[engine];
        const kinds = r.outcomes.map((o) => KIND_LETTER[o.kind]).join('');
        if (self && kinds !== self)
          complaints.push(
            `state outcomes ${kinds}, the fixture expects ${self} (c compared, f failure predicted, s skipped, E engine failed, X replayer error)`,
          );
        for (const o of r.outcomes) {
          if (o.kind === 'error') complaints.push(`state ${o.index} ${o.commit.slice(0, 10)}: replayer error: ${o.detail}`);
          const wrong = o.rows.filter((x) => x.verdict === 'wrong');
          if (wrong.length)
            complaints.push(
              `state ${o.index} ${o.commit.slice(0, 10)} "${o.subject.slice(0, 60)}": ${wrong.map((w) => `line ${w.line} ${w.keyword}: we said ${w.weSay} (${w.reason}), engine ${w.engineSays}`).join('; ')}`,
            );
        }
        // `layerlens history` on the same states must give every compared step the verdict the plan before the build
        // gave (no build: the states as a git repository, replayed from its objects), and so, where the engine
        // decided, what the engine did.
        const texts = repo.states.map((s) => rewriteDockerfile(s.dockerfileText).text);
        if (DUMP_DIR) {
          mkdirSync(DUMP_DIR, { recursive: true });
          writeFileSync(join(DUMP_DIR, `${repo.repo.replace(/\//g, '+')}.${engine}.json`), JSON.stringify({ repo, texts, engine, result: r }));
        }
        if (HISTORY_CLI_CHECK) {
          const check = await checkHistoryCli(repo, texts, engine, r);
          historyChecks.push({ engine, repo: repo.repo, check });
          for (const d of check.differences) complaints.push(`layerlens history: ${d}`);
        }
        if (complaints.length) throw new Error(`${engine} ${repo.repo}:\n  ${complaints.join('\n  ')}`);
      });
    }
  }
});
