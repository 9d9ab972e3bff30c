// Docker's build history as a source of builds, on the real BuildKit engine (scripts/engines; its buildx must have
// `docker buildx history`: setup.sh installs sid's docker-buildx for it). A `docker buildx build` is run in a plain
// shell, not by Layer Lens; the editor's reader (server/src/features/dockerHistory.ts) then finds it in the history
// and records it, and the plan of that Dockerfile says cached for its steps. A file changed after the next build's
// start makes the steps reading it `maybe`; the engine's own next build shows what they really did.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineProblem, withEngineLock } from '../oracle/engine';
import { dockerHistoryRunner, historyProblem } from '../../server/src/build/dockerHistory';
import { DockerHistoryReader } from '../../server/src/features/dockerHistory';
import { openProjectAsync, planProject } from '../../server/src/diskProject';
import { buildId, emptyStore, knownBuilds, type StoreData } from '../../server/src/core/plan/store';
import { clockTime } from '../../server/src/core/plan/verdict';
import { readInstructions } from '../../server/src/build/dockerfileReader';
import { buildkitSteps, plainVertices } from '../../server/src/build/progress';
import type { WorkspaceStore } from '../../server/src/store/record';
import { engineEnv } from './engines';

const DOCKERFILE = 'FROM localbase:1\nWORKDIR /app\nCOPY a.txt /app/\nRUN cat a.txt > b.txt\nCOPY src/ /app/src/\nRUN ls /app/src\n';
const env = engineEnv('buildkit');
let skip: string | undefined;
let root = '';
const tag = `ll-dhist-${randomBytes(4).toString('hex')}`;

before(async () => {
  skip = await engineProblem('buildkit');
  if (!skip) {
    const r = spawnSync('docker', ['buildx', 'history', 'ls', '--format', 'json'], { env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0)
      skip = `docker buildx history does not work with this engine's buildx: ${historyProblem(r.stderr + r.stdout)} (scripts/engines/setup.sh installs one that has it)`;
  }
  if (skip) console.log(`SKIPPED docker history test: ${skip}`);
  root = mkdtempSync(join(tmpdir(), 'll-dhist-real-'));
});
after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  if (!skip) spawnSync('docker', ['image', 'rm', '-f', tag], { env, timeout: 30_000 });
});

/** The editor's reader (as the server runs it for a workspace holding `root`) over a store kept in memory. */
function memoryReader(): { reader: DockerHistoryReader; store: WorkspaceStore; changed: () => number } {
  let data: StoreData = emptyStore();
  let changes = 0;
  const store = {
    path: undefined,
    get data() {
      return data;
    },
    set(d: StoreData) {
      data = d;
    },
    refresh: () => false,
  } satisfies WorkspaceStore;
  const reader = new DockerHistoryReader(
    { trusted: () => true, workspaceFolders: () => [root], store: () => store, storeChanged: () => changes++ },
    dockerHistoryRunner('docker', () => [root], env),
    env.DOCKER_CONFIG,
  );
  return { reader, store, changed: () => changes };
}

/** A build typed in a shell (as a user would), not run by Layer Lens; its plain output. */
function shellBuild(dir: string): string {
  const r = spawnSync('sh', ['-c', `docker buildx build --load --progress=plain -t ${tag} --build-arg RUNID=${tag} .`], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  assert.equal(r.status, 0, `the shell build failed:\n${r.stderr.slice(-2000)}`);
  return r.stderr;
}

test('a build made in a shell is read from docker buildx history: cached; a file changed after the next build started is maybe', async (t) => {
  if (skip) return t.skip(skip);
  const dir = join(root, 'app');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, 'a.txt'), `a ${tag}\n`);
  writeFileSync(join(dir, 'src', 's.txt'), `s ${tag}\n`);
  const old = new Date(Date.now() - 120_000);
  for (const p of ['Dockerfile', 'a.txt', 'src', 'src/s.txt']) utimesSync(join(dir, p), old, old);
  const { reader, store, changed } = memoryReader();
  const dockerfile = join(dir, 'Dockerfile');
  const id = buildId('buildkit', dockerfile, undefined);
  const plan = async () => {
    const project = await openProjectAsync({ dockerfile, context: dir, builder: 'buildkit', buildArgs: { RUNID: tag } });
    return planProject(project, knownBuilds(store.data, 'buildkit', id)).steps.filter((s) => s.key !== undefined);
  };

  await withEngineLock('buildkit', async () => {
    // 1. A build in a shell; nothing changes afterwards: every step is cached.
    const started1 = Date.now();
    shellBuild(dir);
    const first = await reader.read(dockerfile);
    assert.equal(first.problem, null);
    assert.equal(first.recorded, 1, first.messages.join('\n'));
    assert.match(first.messages[0], /^Recorded the build of .*Dockerfile from docker buildx history, \d\d:\d\d \(\w+\): lines 1, 2, 3, 4, 5, 6; 6 step keys/);
    assert.equal(changed(), 1);
    assert.equal(store.data.builds[id]?.origin?.source, 'dockerHistory');
    assert.ok(Math.abs((store.data.builds[id]?.origin?.at ?? 0) - started1) < 30_000, 'the origin is the build start Docker recorded');
    const p1 = await plan();
    assert.deepEqual(
      p1.map((s) => [s.line, s.status]),
      [1, 2, 3, 4, 5, 6].map((l) => [l, 'cached']),
    );
    // Read again: nothing new.
    const again = await reader.read(dockerfile);
    assert.deepEqual([again.recorded, again.messages], [0, []]);

    // 2. Built again; src/s.txt is changed after that build started (as an edit during the build would be).
    shellBuild(dir);
    writeFileSync(join(dir, 'src', 's.txt'), `s ${tag} edited\n`);
    const second = await reader.read(dockerfile);
    assert.equal(second.recorded, 1, second.messages.join('\n'));
    assert.match(second.messages[0], /Not recorded \(maybe\): line 5, line 6, after src\/s\.txt changed after it started\./);
    const at = clockTime(store.data.builds[id]?.origin?.at ?? 0);
    const p2 = await plan();
    assert.deepEqual(
      p2.map((s) => [s.line, s.status]),
      [
        [1, 'cached'],
        [2, 'cached'],
        [3, 'cached'],
        [4, 'cached'],
        [5, 'maybe'],
        [6, 'maybe'],
      ],
    );
    assert.equal(p2[4].reason, `src/s.txt changed after the last build at ${at}`);

    // 3. The engine's next build: every step called cached is cached; the maybe ones ran (the file did change).
    const out = shellBuild(dir);
    const actual = buildkitSteps(plainVertices(out), readInstructions(DOCKERFILE), { strict: false });
    const did = new Map(actual.map((s) => [s.line, s.outcome]));
    // (Line 1, FROM a local image: BuildKit prints it DONE or CACHED, with nothing to build either way.)
    assert.deepEqual(
      [2, 3, 4, 5, 6].map((l) => did.get(l)),
      ['cached', 'cached', 'cached', 'ran', 'ran'],
    );
  });
});

test('layerlens record --from-docker-history records a build made in a shell; layerlens plan then says cached', async (t) => {
  if (skip) return t.skip(skip);
  const root2 = join(__dirname, '..', '..');
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root2, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const cliPath = join(root2, 'dist', 'cli.js');
  const dir = join(root, 'cli-app');
  mkdirSync(join(dir, 'src'), { recursive: true });
  // Another Dockerfile text than the first test's: a fresh WORKDIR the engine has not cached.
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE.replaceAll('/app', `/cli-${tag}`));
  writeFileSync(join(dir, 'a.txt'), `a ${tag}\n`);
  writeFileSync(join(dir, 'src', 's.txt'), `s ${tag}\n`);
  const old = new Date(Date.now() - 120_000);
  for (const p of ['Dockerfile', 'a.txt', 'src', 'src/s.txt']) utimesSync(join(dir, p), old, old);
  const store = join(root, 'cli-store.json');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: dir, encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const planned = () => {
    const r = cli('plan', '--store', store, '--build-arg', `RUNID=${tag}`, '--json');
    assert.equal(r.code, 0, r.err);
    return (JSON.parse(r.out) as { steps: Array<{ line: number; status: string }> }).steps.map((s) => [s.line, s.status]);
  };
  // Options that Docker's record names are refused, with what to do.
  const refused = cli('record', '--from-docker-history', '--target', 'x', '--store', store);
  assert.equal(refused.code, 2);
  assert.match(
    refused.err,
    /--from-docker-history reads the context, target, build args and platform from Docker's record of each build: leave out --target\./,
  );
  assert.equal(cli('plan', '--from-docker-history').code, 2);
  await withEngineLock('buildkit', async () => {
    const none = cli('record', '--from-docker-history', '--store', store);
    assert.equal(none.code, 0, none.err);
    assert.match(none.out, /^No build of .*cli-app\/Dockerfile newer than the last one recorded in .*cli-store\.json is in Docker's build history\.\n$/);
    assert.ok(planned().every(([, s]) => s === 'rebuilds'));
    shellBuild(dir);
    const r = cli('record', '--from-docker-history', '--store', store, '--json');
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out) as { recorded: number; messages: string[]; store: string };
    assert.equal(result.recorded, 1, r.out);
    assert.equal(result.store, store);
    assert.match(
      result.messages[0],
      /^Recorded the build of .*cli-app\/Dockerfile from docker buildx history, \d\d:\d\d \(\w+\): lines 1, 2, 3, 4, 5, 6; 6 step keys in .*cli-store\.json\.$/,
    );
    assert.deepEqual(
      planned(),
      [1, 2, 3, 4, 5, 6].map((l) => [l, 'cached']),
    );
    // Read again: the store knows that build.
    const again = cli('record', '--from-docker-history', '--store', store);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /^No build of .* is in Docker's build history\.\n$/);
    // A --no-cache build (of an edited file) is recorded too: BuildKit keeps its results in the cache.
    writeFileSync(join(dir, 'a.txt'), `a ${tag} edited\n`);
    utimesSync(join(dir, 'a.txt'), old, old);
    assert.deepEqual(
      planned().map(([l, s]) => [l, s]),
      [
        [1, 'cached'],
        [2, 'cached'],
        [3, 'rebuilds'],
        [4, 'rebuilds'],
        [5, 'rebuilds'],
        [6, 'rebuilds'],
      ],
    );
    const noCache = spawnSync('sh', ['-c', `docker buildx build --no-cache --load --progress=plain -t ${tag} --build-arg RUNID=${tag} .`], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 5 * 60_000,
    });
    assert.equal(noCache.status, 0, noCache.stderr.slice(-2000));
    const third = cli('record', '--from-docker-history', '--store', store);
    assert.equal(third.code, 0, third.err);
    assert.match(third.out, /^Recorded the build of .*: lines 1, 2, 3, 4, 5, 6; 6 step keys/);
    assert.deepEqual(
      planned(),
      [1, 2, 3, 4, 5, 6].map((l) => [l, 'cached']),
    );
    // And the engine agrees: the next build takes every step from its cache.
    const out = shellBuild(dir);
    const did = new Map(
      buildkitSteps(plainVertices(out), readInstructions(DOCKERFILE.replaceAll('/app', `/cli-${tag}`)), { strict: false }).map((s) => [s.line, s.outcome]),
    );
    assert.deepEqual(
      [2, 3, 4, 5, 6].map((l) => did.get(l)),
      ['cached', 'cached', 'cached', 'cached', 'cached'],
    );
  });
});

test('a file at the top of the context removed after a build read from the history: COPY . . is maybe, and the engine reruns it', async (t) => {
  if (skip) return t.skip(skip);
  const dir = join(root, 'top');
  mkdirSync(dir, { recursive: true });
  const text = `FROM localbase:1\nWORKDIR /top-${tag}\nCOPY keep.txt ./\nCOPY . ./\nRUN ls\n`;
  writeFileSync(join(dir, 'Dockerfile'), text);
  writeFileSync(join(dir, 'keep.txt'), `keep ${tag}\n`);
  writeFileSync(join(dir, 'gone.txt'), `gone ${tag}\n`);
  const old = new Date(Date.now() - 120_000);
  for (const p of ['Dockerfile', 'keep.txt', 'gone.txt', '.']) utimesSync(join(dir, p), old, old);
  const { reader, store } = memoryReader();
  const dockerfile = join(dir, 'Dockerfile');
  const id = buildId('buildkit', dockerfile, undefined);
  await withEngineLock('buildkit', async () => {
    shellBuild(dir);
    // Removed after the build started: only the top folder's time says so.
    rmSync(join(dir, 'gone.txt'));
    const read = await reader.read(dockerfile);
    assert.equal(read.recorded, 1, read.messages.join('\n'));
    assert.match(read.messages[0], /Not recorded \(maybe\): line 4, line 5, after \.\/ changed after it started\./);
    const project = await openProjectAsync({ dockerfile, context: dir, builder: 'buildkit', buildArgs: { RUNID: tag } });
    const plan = planProject(project, knownBuilds(store.data, 'buildkit', id)).steps.filter((s) => s.key !== undefined);
    assert.deepEqual(
      plan.map((s) => [s.line, s.status]),
      [
        [1, 'cached'],
        [2, 'cached'],
        [3, 'cached'],
        [4, 'maybe'],
        [5, 'maybe'],
      ],
    );
    assert.equal(plan[3].reason, `./ changed after the last build at ${clockTime(store.data.builds[id]?.origin?.at ?? 0)}`);
    // The engine: the COPY of the whole context and the RUN after it ran again (gone.txt is gone), the rest cached.
    const out = shellBuild(dir);
    const did = new Map(buildkitSteps(plainVertices(out), readInstructions(text), { strict: false }).map((s) => [s.line, s.outcome]));
    assert.deepEqual(
      [2, 3, 4, 5].map((l) => did.get(l)),
      ['cached', 'cached', 'ran', 'ran'],
    );
  });
});

test('builds by docker compose and docker buildx bake are read from the history with their build args', async (t) => {
  if (skip) return t.skip(skip);
  const compose = spawnSync('docker', ['compose', 'version'], { env, encoding: 'utf8', timeout: 30_000 });
  if (compose.status !== 0) return t.skip(`docker compose is not installed with this engine (${compose.stderr.trim()})`);
  const dir = join(root, 'configs');
  mkdirSync(join(dir, 'app'), { recursive: true });
  const project = `ll-dhist-cfg-${tag}`;
  writeFileSync(join(dir, 'app', 'Dockerfile'), `FROM localbase:1\nWORKDIR /cfg-${tag}\nCOPY a.txt ./\nARG MODE\nRUN echo "$MODE" > mode.txt\n`);
  writeFileSync(join(dir, 'app', 'a.txt'), `a ${tag}\n`);
  writeFileSync(
    join(dir, 'compose.yaml'),
    `services:\n  web:\n    image: ${project}-web\n    build:\n      context: ./app\n      args:\n        MODE: compose\n`,
  );
  writeFileSync(
    join(dir, 'docker-bake.hcl'),
    `target "api" {\n  context = "app"\n  tags = ["${project}-api"]\n  args = { MODE = "bake" }\n  output = ["type=docker"]\n}\n`,
  );
  const old = new Date(Date.now() - 120_000);
  for (const p of ['app/Dockerfile', 'app/a.txt', 'app', 'compose.yaml', 'docker-bake.hcl', '.']) utimesSync(join(dir, p), old, old);
  const { reader, store } = memoryReader();
  const dockerfile = join(dir, 'app', 'Dockerfile');
  const id = buildId('buildkit', dockerfile, undefined);
  const statuses = async (mode: string) => {
    const p = await openProjectAsync({ dockerfile, context: join(dir, 'app'), builder: 'buildkit', buildArgs: { MODE: mode } });
    return planProject(p, knownBuilds(store.data, 'buildkit', id))
      .steps.filter((s) => s.key !== undefined)
      .map((s) => s.status);
  };
  const run = (cmd: string) => {
    const r = spawnSync('sh', ['-c', cmd], { cwd: dir, env, encoding: 'utf8', timeout: 5 * 60_000 });
    assert.equal(r.status, 0, `${cmd} failed:\n${r.stderr.slice(-2000)}`);
  };
  try {
    await withEngineLock('buildkit', async () => {
      run(`docker compose -p ${project} build web`);
      const first = await reader.read(dockerfile);
      assert.equal(first.recorded, 1, first.messages.join('\n'));
      assert.deepEqual(await statuses('compose'), ['cached', 'cached', 'cached', 'cached']);
      // The compose build's MODE is not the bake target's: its RUN is not built yet.
      assert.deepEqual(await statuses('bake'), ['cached', 'cached', 'cached', 'rebuilds']);
      run('docker buildx bake api');
      const second = await reader.read(dockerfile);
      assert.equal(second.recorded, 1, second.messages.join('\n'));
      assert.deepEqual(await statuses('bake'), ['cached', 'cached', 'cached', 'cached']);
      assert.deepEqual(await statuses('compose'), ['cached', 'cached', 'cached', 'cached']);
    });
  } finally {
    spawnSync('docker', ['image', 'rm', '-f', `${project}-web`, `${project}-api`], { env, timeout: 30_000 });
  }
});
