// Docker's build history as a source of builds (server/src/build/dockerHistory.ts), on output captured from a real
// `docker buildx history` (buildx 0.29.1, Docker Engine 26.1.5: test/fixtures/docker-history/README.md): the list,
// the inspect records (paths, target, build args; a record another docker client made), the steps from the logs,
// and what recording one stores when files changed after the build started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  changedDefinition,
  historyProblem,
  historyRecord,
  changedAfterStart,
  listsContextTop,
  historySteps,
  localState,
  mayBuild,
  ownBuilder,
  parseHistoryInspect,
  parseHistoryList,
  resolvePaths,
} from '../../server/src/build/dockerHistory';
import { readInstructions } from '../../server/src/build/dockerfileReader';
import { openProjectAsync, planProject } from '../../server/src/diskProject';
import { buildId, emptyStore, knownBuilds, readStore, recordBuild } from '../../server/src/core/plan/store';
import { clockTime } from '../../server/src/core/plan/verdict';

const dir = join(__dirname, '..', 'fixtures', 'docker-history');
const fixture = (name: string) => readFileSync(join(dir, name), 'utf8');
const APP = 'w6ysr8eof7c8dpzwor3vmbo0k';
const MULTI = 'kgw9hzzepx8dr5ivywzgfok0m';
const FAIL = 'c6035h9salhl1bxliltkf5ila';
const OTHER = 's95zg7qrz2kxvyhnfx0x775n7';

test('history ls: every record with its builder, node, id, status and times; broken lines and unsafe ids are skipped', () => {
  const list = parseHistoryList(fixture('ls.jsonl'));
  assert.deepEqual(
    list.map((e) => [e.id, e.status, e.name]),
    [
      [FAIL, 'failed', 'multi/fail.Dockerfile'],
      [MULTI, 'completed', 'multi/sub/build.Dockerfile (app)'],
      [OTHER, 'completed', ''],
      [APP, 'completed', 'app'],
    ],
  );
  assert.ok(list.every((e) => e.builder === 'default' && e.node === 'default' && ownBuilder(e)));
  assert.equal(list[1].createdAt, Date.parse('2026-12-06T16:37:07.938008181Z'));
  assert.equal(list[1].completedAt, Date.parse('2026-12-06T16:37:08.412503099Z'));
  const bad =
    '{"ref":"default/default/--help","created_at":"2026-12-06T16:37:07Z","status":"Completed"}\nnot json\n{"ref":"x","created_at":"2026-12-06T16:37:07Z"}\n';
  assert.deepEqual(parseHistoryList(bad), []);
  assert.equal(ownBuilder({ ...list[0], builder: 'mybuilder', node: 'mybuilder0' }), false, 'a docker-container builder keeps its own cache');
});

test('history inspect: context and Dockerfile made absolute, target, build args; a record of another client has no context', () => {
  const app = parseHistoryInspect(APP, fixture(`inspect-${APP}.json`), '/');
  assert.ok('build' in app);
  assert.equal(app.build.context, '/tmp/h-dhist-x/app');
  assert.deepEqual(app.build.dockerfiles, ['/tmp/h-dhist-x/app/Dockerfile']);
  assert.deepEqual(app.build.buildArgs, { FOO: '1' });
  assert.equal(app.build.status, 'completed');
  assert.equal(app.build.startedAt, Date.parse('2026-12-06T16:10:05.508375275Z'));
  const multi = parseHistoryInspect(MULTI, fixture(`inspect-${MULTI}.json`), '/');
  assert.ok('build' in multi);
  assert.deepEqual(multi.build.dockerfiles, ['/tmp/h-dhist-x/multi/sub/build.Dockerfile']);
  assert.equal(multi.build.target, 'app');
  assert.deepEqual(multi.build.buildArgs, { VERSION: '2' });
  const fail = parseHistoryInspect(FAIL, fixture(`inspect-${FAIL}.json`), '/');
  assert.ok('build' in fail);
  assert.equal(fail.build.status, 'failed');
  const other = parseHistoryInspect(OTHER, fixture(`inspect-${OTHER}.json`), '/');
  assert.ok('problem' in other);
  assert.match(other.problem, /does not say where its context is/);
  assert.ok('problem' in parseHistoryInspect('x', 'ERROR: no record found', '/'));
});

test('paths: relative to the inspecting folder, an absolute Dockerfile, stdin and remote contexts, a git checkout without -f', () => {
  assert.deepEqual(resolvePaths({ Context: 'proj', Dockerfile: 'Dockerfile' }, '/home/u'), {
    context: '/home/u/proj',
    dockerfiles: ['/home/u/proj/Dockerfile'],
  });
  assert.deepEqual(resolvePaths({ Context: 'proj', Dockerfile: '/else/x.Dockerfile' }, '/home/u'), {
    context: '/home/u/proj',
    dockerfiles: ['/else/x.Dockerfile'],
  });
  assert.match((resolvePaths({ Context: 'https://github.com/a/b.git', Dockerfile: 'Dockerfile' }, '/') as { problem: string }).problem, /remote/);
  assert.match((resolvePaths({ Context: 'proj', Dockerfile: '-' }, '/') as { problem: string }).problem, /stdin/);
  // In a git checkout, without -f buildx prints the Dockerfile relative to the repository root.
  const r = resolvePaths({ Context: 'repo/svc', Dockerfile: 'svc/Dockerfile', VCSRepository: 'https://example.invalid/r.git' }, '/w', () => '/w/repo');
  assert.deepEqual(r, { context: '/w/repo/svc', dockerfiles: ['/w/repo/svc/svc/Dockerfile', '/w/repo/svc/Dockerfile'] });
});

test('logs: the steps Docker reported, cached or ran with durations, mapped to Dockerfile lines (target, failure)', () => {
  const app = historySteps(fixture(`logs-${APP}.rawjson`), readInstructions(fixture('app.Dockerfile')));
  assert.deepEqual(
    app.steps.map((s) => [s.line, s.keyword, s.outcome]).sort((a, b) => (a[0] as number) - (b[0] as number)),
    [
      [1, 'FROM', 'cached'],
      [2, 'WORKDIR', 'ran'],
      [3, 'COPY', 'ran'],
      [4, 'RUN', 'ran'],
      [5, 'COPY', 'ran'],
      [6, 'RUN', 'ran'],
    ],
  );
  assert.ok(app.steps.filter((s) => s.keyword === 'RUN').every((s) => typeof s.durationMs === 'number' && s.durationMs > 0));
  const multi = historySteps(fixture(`logs-${MULTI}.rawjson`), readInstructions(fixture('multi.Dockerfile')), 'app');
  assert.deepEqual(
    multi.steps.map((s) => s.line).sort((a, b) => a - b),
    [1, 3, 4, 5, 7, 8, 9, 10, 11],
  );
  const fail = historySteps(fixture(`logs-${FAIL}.rawjson`), readInstructions(fixture('fail.Dockerfile')));
  assert.deepEqual(
    fail.steps.map((s) => [s.line, s.outcome]).sort((a, b) => (a[0] as number) - (b[0] as number)),
    [
      [1, 'cached'],
      [2, 'ran'],
      [3, 'error'],
    ],
  );
});

test('a buildx without `history` (0.13.1) is said as such', () => {
  assert.match(historyProblem(fixture('ls-buildx-0.13.1.txt')), /no `history` command/);
  assert.match(historyProblem("docker: 'buildx' is not a docker command."), /not installed/);
  assert.match(historyProblem('Cannot connect to the Docker daemon at unix:///x.sock. Is the docker daemon running?'), /not reachable/);
});

test('local state: a record of another client is passed over; one of this Dockerfile is kept', () => {
  const config = mkdtempSync(join(tmpdir(), 'll-dhist-config-'));
  try {
    const [entry] = parseHistoryList(fixture('ls.jsonl'));
    assert.equal(localState(config, entry), undefined, 'no refs folder: not known');
    mkdirSync(join(config, 'buildx', 'refs', 'default', 'default'), { recursive: true });
    assert.equal(localState(config, entry), null);
    writeFileSync(join(config, 'buildx', 'refs', 'default', 'default', entry.id), '{"Target":"default","LocalPath":"/p","DockerfilePath":""}');
    const state = localState(config, entry);
    assert.ok(mayBuild(state, '/p/Dockerfile'));
    assert.ok(!mayBuild(state, '/q/Dockerfile'));
    assert.ok(mayBuild({ localPath: '/p', dockerfilePath: '/p/x/a.Dockerfile' }, '/p/x/a.Dockerfile'));
    assert.ok(!mayBuild({ localPath: '/p', dockerfilePath: '/p/x/a.Dockerfile' }, '/p/Dockerfile'));
    assert.ok(!mayBuild(null, '/p/Dockerfile'));
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
});

test('recording: files older than the start are built as they are; a step reading a later file and its chain are maybe', async () => {
  const root = mkdtempSync(join(tmpdir(), 'll-dhist-'));
  try {
    const started = Date.parse('2026-12-06T16:10:05.508375275Z');
    const before = new Date(started - 60_000);
    const after = new Date(started + 60_000);
    writeFileSync(join(root, 'Dockerfile'), fixture('app.Dockerfile'));
    writeFileSync(join(root, 'a.txt'), 'a\n');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 's.txt'), 's2\n');
    for (const p of ['Dockerfile', 'a.txt', 'src']) utimesSync(join(root, p), before, before);
    utimesSync(join(root, 'src', 's.txt'), after, after);
    assert.equal(changedDefinition([join(root, 'Dockerfile')], started), undefined);
    const project = await openProjectAsync({ dockerfile: join(root, 'Dockerfile'), context: root, builder: 'buildkit', buildArgs: { FOO: '1' } });
    const plan = planProject(project, { has: () => false, empty: true });
    const rec = historyRecord(plan, project.text, { status: 'completed', startedAt: started }, fixture(`logs-${APP}.rawjson`), project.snapshot, undefined);
    assert.deepEqual(rec.lines, [1, 2, 3, 4]);
    assert.deepEqual(
      [...rec.uncertain],
      [
        [5, 'src/s.txt'],
        [6, 'src/s.txt'],
      ],
    );
    assert.equal(rec.build.changedAfter?.at, started);
    assert.deepEqual(Object.values(rec.build.changedAfter?.slots ?? {}), ['src/s.txt', 'src/s.txt']);
    assert.equal(typeof (rec.build.steps['0#3'] as { durationMs?: number }).durationMs, 'number', 'the RUN keeps the duration Docker reported');
    // What the store keeps survives its file format, and the next plan says what the issue asks.
    const id = buildId('buildkit', project.dockerfileAbs, undefined);
    const written = recordBuild(emptyStore(), 'buildkit', id, rec.keys, rec.build, { source: 'dockerHistory', at: started });
    const read = readStore(JSON.stringify(written));
    assert.ok(read.ok);
    const next = planProject(project, knownBuilds(read.store, 'buildkit', id));
    const at = (line: number) => next.steps.find((s) => s.line === line);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((l) => at(l)?.status),
      ['cached', 'cached', 'cached', 'cached', 'maybe', 'maybe'],
    );
    assert.equal(at(5)?.reason, `src/s.txt changed after the last build at ${clockTime(started)}`);
    assert.match(at(6)?.reason ?? '', /^parent step may rebuild: line 5 COPY/);
    // A file read by a recorded step changed since: that step rebuilds, as after any recorded build.
    writeFileSync(join(root, 'a.txt'), 'changed\n');
    const edited = await openProjectAsync({ dockerfile: join(root, 'Dockerfile'), context: root, builder: 'buildkit', buildArgs: { FOO: '1' } });
    const third = planProject(edited, knownBuilds(read.store, 'buildkit', id));
    assert.equal(third.steps.find((s) => s.line === 3)?.status, 'rebuilds');
    assert.equal(third.steps.find((s) => s.line === 3)?.reason, 'a.txt changed');
    // A Dockerfile saved after the start: nothing is recorded (which instructions Docker built is not known).
    utimesSync(join(root, 'Dockerfile'), after, after);
    assert.equal(changedDefinition([join(root, 'Dockerfile')], started), join(root, 'Dockerfile'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('recording a failed build: the steps Docker finished before the failing one', async () => {
  const root = mkdtempSync(join(tmpdir(), 'll-dhist-'));
  try {
    const started = Date.parse('2026-12-06T16:37:08.598808742Z');
    writeFileSync(join(root, 'fail.Dockerfile'), fixture('fail.Dockerfile'));
    writeFileSync(join(root, 'deps.txt'), 'd1\n');
    const before = new Date(started - 60_000);
    for (const p of ['fail.Dockerfile', 'deps.txt']) utimesSync(join(root, p), before, before);
    const project = await openProjectAsync({ dockerfile: join(root, 'fail.Dockerfile'), context: root, builder: 'buildkit', buildArgs: {} });
    const plan = planProject(project, { has: () => false, empty: true });
    const rec = historyRecord(plan, project.text, { status: 'failed', startedAt: started }, fixture(`logs-${FAIL}.rawjson`), project.snapshot, undefined);
    assert.deepEqual(rec.lines, [1, 2]);
    assert.equal(rec.uncertain.size, 0);
    const id = buildId('buildkit', project.dockerfileAbs, undefined);
    const next = planProject(project, knownBuilds(recordBuild(emptyStore(), 'buildkit', id, rec.keys, rec.build), 'buildkit', id));
    assert.deepEqual(
      next.steps.map((s) => [s.line, s.status, s.reason]),
      [
        [1, 'cached', 'base image unchanged'],
        [2, 'cached', 'unchanged since a recorded build'],
        [3, 'rebuilds', 'the last build stopped before this step finished'],
      ],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a step that lists the top of the context: which ones', () => {
  const cases: Array<[string, string, boolean]> = [
    ['COPY', '. .', true],
    ['COPY', './ /app/', true],
    ['COPY', '--chown=1:1 --link . /app', true],
    ['ADD', '* /app/', true],
    ['COPY', '*.json ./', true],
    ['COPY', '["package.json", "*.lock", "./"]', true],
    ['COPY', '$SRC /app', true],
    ['COPY', 'package.json package-lock.json ./', false],
    ['COPY', 'src/ /app/src/', false],
    ['COPY', 'src/*.js /app/', false],
    ['COPY', '--from=build /app /app', false],
    ['COPY', '--from=build . .', false],
    ['RUN', '--mount=type=bind,target=/src make', true],
    ['RUN', '--mount=type=bind,source=.,target=/src make', true],
    ['RUN', '--mount=type=bind,source=go.sum,target=go.sum go mod download', false],
    ['RUN', '--mount=type=bind,from=build,target=/b ls', false],
    ['RUN', '--mount=type=cache,target=/root/.npm npm ci', false],
    ['RUN', 'ls', false],
  ];
  for (const [keyword, args, want] of cases) assert.equal(listsContextTop({ keyword, args }), want, `${keyword} ${args}`);
});

test('a file at the top of the context removed after the start: only steps listing the top (and their chain) are maybe', async () => {
  const root = mkdtempSync(join(tmpdir(), 'll-dhist-top-'));
  try {
    const text = 'FROM localbase:1\nWORKDIR /app\nCOPY package.json ./\nRUN cat package.json\nCOPY . .\nRUN ls\n';
    writeFileSync(join(root, 'Dockerfile'), text);
    writeFileSync(join(root, 'package.json'), '{}\n');
    writeFileSync(join(root, 'app.js'), 'x\n');
    const started = Date.now() - 30_000;
    const before = new Date(started - 60_000);
    for (const p of ['Dockerfile', 'package.json', 'app.js']) utimesSync(join(root, p), before, before);
    const project = await openProjectAsync({ dockerfile: join(root, 'Dockerfile'), context: root, builder: 'buildkit', buildArgs: {} });
    const plan = planProject(project, { has: () => false, empty: true });
    const df = readInstructions(text);
    // The top folder changed after the start (a file there removed or renamed): COPY . . and the RUN after it.
    assert.deepEqual(
      [...changedAfterStart(plan.steps, df, project.snapshot, started, started + 5_000)],
      [
        [5, './'],
        [6, './'],
      ],
    );
    // Not after the start, or not known: nothing is uncertain.
    assert.deepEqual([...changedAfterStart(plan.steps, df, project.snapshot, started, started - 5_000)], []);
    assert.deepEqual([...changedAfterStart(plan.steps, df, project.snapshot, started)], []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
