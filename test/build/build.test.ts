// Real builds on the real engines of scripts/engines (classic: Docker 20.10; BuildKit: Engine 26.1 + buildx 0.13),
// through the `layerlens build` bundle as a user runs it, with the engine's docker CLI on PATH and its socket as
// DOCKER_HOST: build, record, edit a file, predict, build again; the predictions must match what the engine did, and
// the store must hold the measured timings and sizes. Holds the oracle's per-engine lock around every build.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINES, engineProblem, resetEngineCache, withEngineLock, type Engine } from '../oracle/engine';
import { runBuild } from '../../server/src/build/runBuild';
import { buildProject, type BuildReport } from '../../server/src/build/buildProject';
import { openProject, planProject } from '../../server/src/diskProject';
import { buildId, emptyStore, knownBuilds, recordBuild } from '../../server/src/core/plan/store';
import type { RecordedBuild } from '../../server/src/core/plan/predict';
import { engineEnv, engineRun } from './engines';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');

// The CLI processes keep their file digests in a file of this run (not the user's shared, megabytes-large cache,
// which every process would otherwise load and rewrite: see test/oracle/compare.ts cliEnv).
const digestDir = mkdtempSync(join(tmpdir(), 'll-build-digests-'));

before(() => {
  process.env.LAYERLENS_DIGEST_CACHE = join(digestDir, 'digests.json');
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
});
after(() => rmSync(digestDir, { recursive: true, force: true }));

// A value a shell would act on: the command line is an argument array, so it must reach the build as it is.
const GREETING = `hi; touch /tmp/ll-injected-$(id -u) \`touch /tmp/ll-injected-bq\` "q" 'sq'`;
const DOCKERFILE = `FROM localbase:1
ARG GREETING=hello
WORKDIR /app
COPY package.txt /app/
RUN cat /app/package.txt > /app/deps
COPY src/ /app/src/
RUN sleep 1 && echo "$GREETING" > /app/greeting
ENV X=1
RUN echo done
`;
// Lines: 1 FROM, 2 ARG, 3 WORKDIR, 4 COPY package.txt, 5 RUN deps, 6 COPY src/, 7 RUN sleep+greeting, 8 ENV, 9 RUN echo.

// The 4th step of the final stage fails while the build arg GATE is not `open`; the tools stage does not depend on it.
const FAILING = `FROM localbase:1 AS tools
COPY b.txt /b.txt
RUN cp /b.txt /tool

FROM localbase:1
COPY a.txt /app/a.txt
RUN sleep 2 && cp /app/a.txt /app/copy.txt
ARG GATE=closed
RUN echo "gate is $GATE" && test "$GATE" = open
RUN echo after > /app/after
COPY --from=tools /tool /app/tool
`;

interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

function cli(engine: Engine, args: string[], env: NodeJS.ProcessEnv = engineEnv(engine)): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json<T>(r: CliResult): T {
  try {
    return JSON.parse(r.out) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.out}\n${r.err}`);
  }
}

interface StoreFile {
  builds: Record<string, { steps: Record<string, { keyword: string; durationMs?: number; sizeBytes?: number }> }>;
}
interface PlanJson {
  steps: { line: number; keyword: string; status: string; reason: string }[];
}

/** line → status of a plan, for build steps only (status cached/rebuilds). */
function planStatus(plan: PlanJson): Record<number, string> {
  return Object.fromEntries(
    plan.steps.filter((s) => s.keyword !== 'FROM' && (s.status === 'cached' || s.status === 'rebuilds')).map((s) => [s.line, s.status]),
  );
}

/** line → what Docker did, for the steps it reported (FROM left out). */
function actual(report: BuildReport): Record<number, string> {
  return Object.fromEntries(report.rows.filter((r) => r.keyword !== 'FROM' && r.actual !== 'not reported').map((r) => [r.line, r.actual]));
}

const asActual = (plan: Record<number, string>) => Object.fromEntries(Object.entries(plan).map(([l, s]) => [l, s === 'cached' ? 'cached' : 'ran']));

for (const engine of ENGINES) {
  describe(`layerlens build on the ${engine} engine`, () => {
    let skip: string | undefined;
    before(async () => {
      skip = await engineProblem(engine);
      if (skip) console.log(`SKIPPED ${engine} build tests: ${skip} (start it with scripts/engines/start.sh)`);
    });

    test('build, record, edit, predict, build again: predictions match the engine, timings and sizes are recorded', async (t) => {
      if (skip) return t.skip(skip);
      await withEngineLock(engine, async () => {
        await resetEngineCache(engine);
        const work = mkdtempSync(join(tmpdir(), `ll-build-${engine}-`));
        // Unique basename: BuildKit shares incremental context state between contexts of the same name (R9).
        const dir = join(work, `app-${randomBytes(4).toString('hex')}`);
        const store = join(work, 'store.json');
        try {
          mkdirSync(join(dir, 'src'), { recursive: true });
          writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
          writeFileSync(join(dir, 'package.txt'), 'left-pad 1.0\n');
          writeFileSync(join(dir, 'src', 'app.js'), 'console.log(1)\n');
          const common = [join(dir, 'Dockerfile'), '--builder', engine, '--store', store, '--build-arg', `GREETING=${GREETING}`];

          // 1. Nothing recorded, the engine's cache empty: everything rebuilds, as predicted.
          const first = cli(engine, ['build', ...common, '--json']);
          assert.equal(first.code, 0, first.err);
          const r1 = json<BuildReport>(first);
          assert.ok(r1.ok);
          assert.equal(r1.progress, engine === 'classic' ? 'classic' : 'rawjson');
          assert.deepEqual(r1.disagreements, [], 'an empty cache rebuilds everything, as predicted');
          assert.ok(
            Object.values(actual(r1)).every((a) => a === 'ran'),
            JSON.stringify(actual(r1)),
          );
          assert.ok(r1.recordedKeys > 0);
          assert.ok(!existsSync('/tmp/ll-injected-0') && !existsSync('/tmp/ll-injected-bq'), 'a build arg ran a command on the host');
          assert.equal(r1.rows.find((r) => r.line === 7)?.sizeBytes, Buffer.byteLength(`${GREETING}\n`), 'the build arg reached the RUN exactly as given');

          const s1 = JSON.parse(readFileSync(store, 'utf8')) as StoreFile;
          const steps1 = Object.values(Object.values(s1.builds)[0].steps);
          const sleep1 = steps1.find((s) => s.keyword === 'RUN' && (s.durationMs ?? 0) >= 900);
          assert.ok(sleep1, `the sleep-1 RUN's duration is recorded: ${JSON.stringify(steps1)}`);
          assert.ok(
            steps1.some((s) => s.keyword === 'COPY' && s.sizeBytes === Buffer.byteLength('left-pad 1.0\n')),
            'COPY package.txt layer size recorded',
          );

          // 2. Edit a source file: the prediction says where the cache stops, with the recorded cost.
          writeFileSync(join(dir, 'src', 'app.js'), 'console.log(2)\n');
          const plan = planStatus(json<PlanJson>(cli(engine, ['plan', ...common, '--json'])));
          const want: Record<number, string> =
            engine === 'classic'
              ? { 2: 'cached', 3: 'cached', 4: 'cached', 5: 'cached', 6: 'rebuilds', 7: 'rebuilds', 8: 'rebuilds', 9: 'rebuilds' }
              : { 3: 'cached', 4: 'cached', 5: 'cached', 6: 'rebuilds', 7: 'rebuilds', 9: 'rebuilds' };
          assert.deepEqual(plan, want);
          const text = cli(engine, ['plan', ...common]);
          assert.match(text.out, /Rebuild time by recorded builds: about [1-9]\d* s/, text.out);

          // 3. Build again: the engine does what was predicted.
          const r2 = json<BuildReport>(cli(engine, ['build', ...common, '--json']));
          assert.ok(r2.ok);
          assert.deepEqual(actual(r2), asActual(plan));
          assert.deepEqual(r2.disagreements, []);

          // 4. Unchanged: all cached, and the sleep step keeps the duration of its last real run.
          const plan3 = planStatus(json<PlanJson>(cli(engine, ['plan', ...common, '--json'])));
          assert.ok(
            Object.values(plan3).every((s) => s === 'cached'),
            JSON.stringify(plan3),
          );
          const r3 = json<BuildReport>(cli(engine, ['build', ...common, '--json']));
          assert.deepEqual(actual(r3), asActual(plan3));
          const s3 = JSON.parse(readFileSync(store, 'utf8')) as StoreFile;
          assert.ok(
            Object.values(Object.values(s3.builds)[0].steps).some((s) => s.keyword === 'RUN' && (s.durationMs ?? 0) >= 900),
            'the cost survives a cached build',
          );

          // 5. A store that knows nothing while the engine's cache is warm: the self-check names every step that
          //    was predicted to rebuild and came from the cache.
          const fresh = cli(engine, [
            'build',
            join(dir, 'Dockerfile'),
            '--builder',
            engine,
            '--store',
            join(work, 'other-store.json'),
            '--build-arg',
            `GREETING=${GREETING}`,
          ]);
          assert.equal(fresh.code, 0, fresh.err);
          assert.match(fresh.out, /line 4 COPY package\.txt \/app\/: predicted rebuilds, Docker used its cache/);
          assert.match(fresh.out, /steps where the prediction and Docker disagreed/);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      });
    });

    test('same-build reuse: stages with the same first steps; the cold build and an edit match the prediction, every line reported', async (t) => {
      if (skip) return t.skip(skip);
      await withEngineLock(engine, async () => {
        await resetEngineCache(engine);
        const work = mkdtempSync(join(tmpdir(), `ll-build-same-${engine}-`));
        const dir = join(work, `app-${randomBytes(4).toString('hex')}`);
        const store = join(work, 'store.json');
        try {
          mkdirSync(dir);
          // Lines: 1 FROM a, 2 ENV, 3 WORKDIR, 4 COPY f.txt, 5 RUN a | 6 FROM b, 7 ENV, 8 WORKDIR, 9 COPY f.txt, 10 RUN b,
          // 11 COPY --from=a
          writeFileSync(
            join(dir, 'Dockerfile'),
            'FROM localbase:1 AS a\nENV A=1\nWORKDIR /app\nCOPY f.txt ./\nRUN echo a > /a\n' +
              'FROM localbase:1 AS b\nENV A=1\nWORKDIR /app\nCOPY f.txt ./\nRUN echo b > /b\nCOPY --from=a /a /a\n',
          );
          writeFileSync(join(dir, 'f.txt'), 'f1\n');
          const common = [join(dir, 'Dockerfile'), '--builder', engine, '--store', store];
          // Classic: b's ENV, WORKDIR and COPY are the images a has just made (cache-rules R4a); BuildKit: one vertex
          // each for a's and b's WORKDIR and COPY, reported once but counted for both lines.
          const cold =
            engine === 'classic'
              ? { 2: 'ran', 3: 'ran', 4: 'ran', 5: 'ran', 7: 'cached', 8: 'cached', 9: 'cached', 10: 'ran', 11: 'ran' }
              : { 3: 'ran', 4: 'ran', 5: 'ran', 8: 'ran', 9: 'ran', 10: 'ran', 11: 'ran' };
          const plan1 = planStatus(json<PlanJson>(cli(engine, ['plan', ...common, '--json'])));
          assert.deepEqual(asActual(plan1), cold);
          const r1 = json<BuildReport>(cli(engine, ['build', ...common, '--json']));
          assert.ok(r1.ok);
          assert.deepEqual(actual(r1), cold);
          assert.deepEqual(r1.disagreements, []);
          // the copied file changes: a's COPY runs; classic reuses it for b, BuildKit runs the shared vertex once
          writeFileSync(join(dir, 'f.txt'), 'f2\n');
          const edited =
            engine === 'classic'
              ? { 2: 'cached', 3: 'cached', 4: 'ran', 5: 'ran', 7: 'cached', 8: 'cached', 9: 'cached', 10: 'ran', 11: 'ran' }
              : { 3: 'cached', 4: 'ran', 5: 'ran', 8: 'cached', 9: 'ran', 10: 'ran', 11: 'ran' };
          const plan2 = planStatus(json<PlanJson>(cli(engine, ['plan', ...common, '--json'])));
          assert.deepEqual(asActual(plan2), edited);
          const r2 = json<BuildReport>(cli(engine, ['build', ...common, '--json']));
          assert.deepEqual(actual(r2), edited);
          assert.deepEqual(r2.disagreements, []);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      });
    });

    test('a failing step: exit 1, the step and what to do; the steps Docker finished are recorded, and the engine reuses them once fixed', async (t) => {
      if (skip) return t.skip(skip);
      await withEngineLock(engine, async () => {
        await resetEngineCache(engine);
        const work = mkdtempSync(join(tmpdir(), `ll-build-fail-${engine}-`));
        const dir = join(work, `app-${randomBytes(4).toString('hex')}`);
        const store = join(work, 'store.json');
        try {
          mkdirSync(dir);
          writeFileSync(join(dir, 'Dockerfile'), FAILING);
          writeFileSync(join(dir, 'a.txt'), 'a\n');
          writeFileSync(join(dir, 'b.txt'), 'b\n');
          const common = [join(dir, 'Dockerfile'), '--builder', engine, '--store', store];

          // 1. The 4th step of the final stage fails (the gate is closed). The tools stage was done by then: the
          //    classic builder builds it first, BuildKit in parallel (the main stage sleeps 2 s before the gate).
          const failed = cli(engine, ['build', ...common, '--json']);
          assert.equal(failed.code, 1, failed.err);
          const r1 = json<BuildReport>(failed);
          assert.equal(r1.ok, false);
          assert.equal(r1.failure?.line, 9);
          assert.equal(r1.rows.find((r) => r.line === 9)?.actual, 'error');
          assert.match(failed.err, /gate is closed/, 'the build output is shown');
          // Classic: every instruction is a step (ARG at line 8 too); BuildKit: one FROM vertex for lines 1 and 5.
          const finished = engine === 'classic' ? [1, 2, 3, 5, 6, 7, 8] : [1, 2, 3, 5, 6, 7];
          assert.deepEqual(r1.recordedLines, finished);
          const lines = engine === 'classic' ? 'lines 1-3, 5-8' : 'lines 1-3, 5-7';
          assert.match(
            failed.err,
            new RegExp(
              `The build failed \\(docker exit \\d+\\) at line 9 RUN\\. The output above shows why\\. Recorded the ${finished.length} steps Docker finished \\(${lines}\\); fix line 9 and build again\\.`,
            ),
          );
          const s1 = JSON.parse(readFileSync(store, 'utf8')) as StoreFile;
          const runs = Object.values(Object.values(s1.builds)[0].steps).filter((s) => s.keyword === 'RUN');
          assert.ok(
            runs.some((s) => (s.durationMs ?? 0) >= 1900),
            `the finished sleep-2 RUN's duration is recorded: ${JSON.stringify(runs)}`,
          );
          assert.ok(
            Object.values(Object.values(s1.builds)[0].steps).every((s) => s.sizeBytes === undefined),
            'no image, so no layer size is recorded',
          );

          // 2. Unchanged: the plan says cached up to the failed step, rebuilds from it on, and why.
          const plan1 = json<PlanJson>(cli(engine, ['plan', ...common, '--json']));
          const before =
            engine === 'classic' ? { 2: 'cached', 3: 'cached', 6: 'cached', 7: 'cached', 8: 'cached' } : { 2: 'cached', 3: 'cached', 6: 'cached', 7: 'cached' };
          assert.deepEqual(planStatus(plan1), { ...before, 9: 'rebuilds', 10: 'rebuilds', 11: 'rebuilds' });
          assert.equal(plan1.steps.find((s) => s.line === 9)?.reason, 'the last build stopped before this step finished');

          // 3. Fix the cause (open the gate), predict, build: the engine reuses every finished step, as predicted.
          const fixed = [...common, '--build-arg', 'GATE=open'];
          const plan2 = planStatus(json<PlanJson>(cli(engine, ['plan', ...fixed, '--json'])));
          for (const line of [2, 3, 6, 7]) assert.equal(plan2[line], 'cached', `line ${line}`);
          for (const line of [9, 10, 11]) assert.equal(plan2[line], 'rebuilds', `line ${line}`);
          const second = cli(engine, ['build', ...fixed, '--json']);
          assert.equal(second.code, 0, second.err);
          const r2 = json<BuildReport>(second);
          for (const line of [2, 3, 6, 7]) assert.equal(actual(r2)[line], 'cached', `the engine reused line ${line}`);
          assert.deepEqual(actual(r2), asActual(plan2), 'step by step, the engine did what was predicted');
          assert.deepEqual(r2.disagreements, []);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      });
    });

    // BuildKit builds stages in parallel (the classic builder one after the other, so it has no such case).
    if (engine === 'buildkit')
      test('BuildKit: a step of another stage that the failure cancelled is not recorded, and the engine runs it again', async (t) => {
        if (skip) return t.skip(skip);
        await withEngineLock(engine, async () => {
          await resetEngineCache(engine);
          const work = mkdtempSync(join(tmpdir(), `ll-build-parallel-${engine}-`));
          const dir = join(work, `app-${randomBytes(4).toString('hex')}`);
          try {
            mkdirSync(dir);
            // Lines: 1 FROM slow, 2 COPY b.txt, 3 RUN sleep 4 (still running when line 8 fails), 5 FROM, 6 COPY a.txt, 8 RUN gate, 9 COPY --from.
            writeFileSync(
              join(dir, 'Dockerfile'),
              'FROM localbase:1 AS slow\nCOPY b.txt /b.txt\nRUN sleep 4 && cp /b.txt /tool\n\nFROM localbase:1\nCOPY a.txt /app/a.txt\nARG GATE=closed\nRUN test "$GATE" = open\nCOPY --from=slow /tool /tool\n',
            );
            writeFileSync(join(dir, 'a.txt'), 'a\n');
            writeFileSync(join(dir, 'b.txt'), 'b\n');
            const common = [join(dir, 'Dockerfile'), '--builder', engine, '--store', join(work, 'store.json')];
            const r1 = json<BuildReport>(cli(engine, ['build', ...common, '--json']));
            assert.equal(r1.failure?.line, 8);
            assert.equal(r1.rows.find((r) => r.line === 3)?.actual, 'canceled');
            assert.deepEqual(r1.recordedLines, [1, 2, 5, 6]);
            const fixed = [...common, '--build-arg', 'GATE=open'];
            const plan = planStatus(json<PlanJson>(cli(engine, ['plan', ...fixed, '--json'])));
            assert.deepEqual(plan, { 2: 'cached', 3: 'rebuilds', 6: 'cached', 8: 'rebuilds', 9: 'rebuilds' });
            const r2 = json<BuildReport>(cli(engine, ['build', ...fixed, '--json']));
            assert.equal(r2.ok, true, r2.failure?.message);
            assert.deepEqual(actual(r2), asActual(plan), 'the cancelled RUN ran again, the COPY before it came from the cache');
          } finally {
            rmSync(work, { recursive: true, force: true });
          }
        });
      });

    if (engine === 'buildkit')
      test('BuildKit: layerlens build --platform passes the platform to docker; TARGETVARIANT follows it, as predicted', async (t) => {
        if (skip) return t.skip(skip);
        await withEngineLock(engine, async () => {
          await resetEngineCache(engine);
          const work = mkdtempSync(join(tmpdir(), `ll-build-platform-${engine}-`));
          const dir = join(work, `app-${randomBytes(4).toString('hex')}`);
          try {
            mkdirSync(dir);
            // Lines: 1 FROM (on the build machine's platform: only its images exist), 2 RUN, 3 ARG, 4 RUN writing the variant.
            writeFileSync(
              join(dir, 'Dockerfile'),
              'FROM --platform=$BUILDPLATFORM localbase:1\nRUN echo same > /same\nARG TARGETVARIANT\nRUN echo "$TARGETVARIANT" > /variant\n',
            );
            const common = [join(dir, 'Dockerfile'), '--builder', engine, '--store', join(work, 'store.json')];
            const r1 = json<BuildReport>(cli(engine, ['build', ...common, '--json']));
            assert.equal(r1.ok, true, r1.failure?.message);
            assert.equal(r1.rows.find((r) => r.line === 4)?.sizeBytes, 1, 'no --platform: the machine has no variant (an empty line)');
            const arm = [...common, '--platform', 'linux/arm/v7'];
            const plan = planStatus(json<PlanJson>(cli(engine, ['plan', ...arm, '--json'])));
            assert.deepEqual(plan, { 2: 'cached', 4: 'rebuilds' });
            const r2 = json<BuildReport>(cli(engine, ['build', ...arm, '--json']));
            assert.equal(r2.ok, true, r2.failure?.message);
            assert.ok(r2.command.join(' ').includes('--platform linux/arm/v7'), r2.command.join(' '));
            assert.deepEqual(actual(r2), asActual(plan));
            assert.equal(r2.rows.find((r) => r.line === 4)?.sizeBytes, 3, 'TARGETVARIANT=v7 reached the RUN');
          } finally {
            rmSync(work, { recursive: true, force: true });
          }
        });
      });

    test('a cancelled build records the steps Docker finished before it stopped; the engine reuses them', async (t) => {
      if (skip) return t.skip(skip);
      await withEngineLock(engine, async () => {
        await resetEngineCache(engine);
        const work = mkdtempSync(join(tmpdir(), `ll-build-cancelrec-${engine}-`));
        const dir = join(work, `app-${randomBytes(4).toString('hex')}`);
        try {
          mkdirSync(dir);
          const marker = `running-${randomBytes(4).toString('hex')}`;
          writeFileSync(join(dir, 'Dockerfile'), `FROM localbase:1\nCOPY a.txt /a\nRUN echo ${marker} && sleep 60\n`);
          writeFileSync(join(dir, 'a.txt'), `${marker}\n`);
          let data = emptyStore();
          const id = buildId(engine, join(dir, 'Dockerfile'), undefined);
          const open = () => openProject({ dockerfile: join(dir, 'Dockerfile'), builder: engine, buildArgs: {} });
          const recordInto = (keys: string[], build: RecordedBuild): void => {
            data = recordBuild(data, engine, id, keys, build);
          };
          const abort = new AbortController();
          const r1 = await buildProject(open(), knownBuilds(data, engine, id), recordInto, {
            ...engineRun(engine),
            signal: abort.signal,
            // The RUN's own output: the COPY before it is done by then.
            onLog: (line) => line.trim() === marker && abort.abort(),
          });
          assert.equal(r1.canceled, true);
          assert.deepEqual(r1.recordedLines, [1, 2]);
          const plan = planProject(open(), knownBuilds(data, engine, id));
          assert.deepEqual(
            plan.steps.map((s) => `${s.line}:${s.status}`),
            ['1:cached', '2:cached', '3:rebuilds'],
          );
          // Build again without the sleep: the engine takes the COPY from its cache.
          writeFileSync(join(dir, 'Dockerfile'), `FROM localbase:1\nCOPY a.txt /a\nRUN echo ${marker} done\n`);
          const r2 = await buildProject(open(), knownBuilds(data, engine, id), recordInto, engineRun(engine));
          assert.equal(r2.ok, true, r2.failure?.message);
          assert.deepEqual(actual(r2), { 2: 'cached', 3: 'ran' });
          assert.deepEqual(r2.disagreements, []);
        } finally {
          rmSync(work, { recursive: true, force: true });
        }
      });
    });

    test('cancelling stops the build: the docker process group is killed and the step does not finish', async (t) => {
      if (skip) return t.skip(skip);
      await withEngineLock(engine, async () => {
        const dir = mkdtempSync(join(tmpdir(), `ll-build-cancel-${engine}-`));
        try {
          writeFileSync(join(dir, 'Dockerfile'), `FROM localbase:1\nRUN echo ${randomBytes(4).toString('hex')} && sleep 60\n`);
          const abort = new AbortController();
          const outcome = await runBuild(
            { builder: engine, dockerfile: join(dir, 'Dockerfile'), contextDir: dir, buildArgs: {} },
            {
              ...engineRun(engine),
              signal: abort.signal,
              onLog: (line) => {
                if (/RUN echo .* && sleep 60/.test(line)) abort.abort();
              },
            },
          );
          assert.equal(outcome.canceled, true);
          assert.equal(outcome.ok, false);
          assert.notEqual(outcome.steps.find((s) => s.line === 2)?.outcome, 'ran');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  });
}

test('docker missing and daemon down: exit 1 with what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-build-nodocker-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM localbase:1\nRUN true\n');
    const store = join(dir, 'store.json');
    const missing = cli('classic', ['build', join(dir, 'Dockerfile'), '--builder', 'classic', '--store', store], { ...engineEnv('classic'), PATH: dir });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /The docker command was not found .*Install Docker/);
    for (const engine of ENGINES) {
      const down = cli(engine, ['build', join(dir, 'Dockerfile'), '--builder', engine, '--store', store], {
        ...engineEnv(engine),
        DOCKER_HOST: `unix://${dir}/no-daemon.sock`,
      });
      assert.equal(down.code, 1, down.out + down.err);
      assert.match(down.err, new RegExp(`The Docker daemon is not running or not reachable \\(DOCKER_HOST=unix://${dir}/no-daemon.sock\\)\\. Start Docker`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('permission denied on the daemon socket: exit 1 with what to do', async (t) => {
  // As the user nobody (not in the socket's group), through the engine's socket.
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
  const why = process.getuid?.() !== 0 ? 'needs root to run as another user' : !setpriv ? 'setpriv is not installed' : await engineProblem('classic');
  if (why) {
    console.log(`SKIPPED permission test: ${why}`);
    return t.skip(why);
  }
  const dir = mkdtempSync(join(tmpdir(), 'll-build-perm-'));
  try {
    writeFileSync(join(dir, 'Dockerfile'), 'FROM localbase:1\n');
    spawnSync('chmod', ['-R', 'a+rwX', dir]);
    const r = spawnSync(
      setpriv as string,
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        cliPath,
        'build',
        join(dir, 'Dockerfile'),
        '--builder',
        'classic',
        '--store',
        join(dir, 'store.json'),
      ],
      {
        encoding: 'utf8',
        env: { ...engineEnv('classic'), HOME: dir, NO_COLOR: '1', LAYERLENS_DIGEST_CACHE: join(dir, 'digests.json') },
        timeout: 60_000,
      },
    );
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /Permission denied on the Docker daemon socket \(DOCKER_HOST=unix:\/\/\/tmp\/ll-classic\.sock\)\. Add your user to the "docker" group/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
