// A build the user ran in the terminal counts as built at exit code 0 (the context as it was when it started);
// a failed one records nothing; an untrusted workspace records nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { buildEndedRequest, buildStartedRequest, statusRequest } from '../../server/src/protocol';
import { loadStore } from '../../server/src/storeFile';
import { diskProject } from '../helpers/diskProject';
import { TestServer } from './support/lspClient';

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});
const text = 'FROM alpine\nCOPY . /app\nRUN echo hi\n';

async function start(trusted = true) {
  const root = diskProject('ll-seen-', { Dockerfile: text, 'a.txt': 'a' }, roots);
  const storePath = `${root}-store.json`;
  roots.push(storePath);
  const s = await TestServer.start({ storePath, workspaceFolders: [root], trusted });
  servers.push(s);
  const u = await s.open(join(root, 'Dockerfile'), text);
  return { root, storePath, s, u };
}

test('a docker build typed in the terminal is recorded at exit 0, with the context as it was at its start', async () => {
  const { root, storePath, s, u } = await start();
  assert.match((await s.hover(u, 2, 1)) ?? '', /\*\*This step:\*\* rebuilds/);
  const started = await s.request(buildStartedRequest, { source: 'terminal', commandLine: 'sudo docker build -t app .', cwd: root });
  assert.ok(started.id);
  assert.deepEqual(
    started.builds.map((b) => [b.dockerfile, b.problem]),
    [[join(root, 'Dockerfile'), null]],
  );
  fs.writeFileSync(join(root, 'a.txt'), 'edited during the build');
  await s.filesChanged([join(root, 'a.txt')]);
  const ended = await s.request(buildEndedRequest, { id: started.id, exitCode: 0 });
  assert.equal(ended.recorded, 1);
  assert.match(ended.messages[0], /Recorded the build of .*Dockerfile \(buildkit\) run in the terminal/);
  const build = Object.values(loadStore(storePath).store.builds)[0];
  assert.equal(build.origin?.source, 'terminal');
  assert.doesNotMatch((await s.hover(u, 2, 1)) ?? '', /not built yet/, 'a recorded build is the baseline now');
  assert.match((await s.hover(u, 2, 1)) ?? '', /\*\*This step:\*\* rebuilds/, 'the edit made during the build still rebuilds');
  const status = await s.request(statusRequest, { uri: u });
  assert.equal(status.baseline?.kind, 'recorded');
  assert.equal(status.baseline?.origin?.source, 'terminal', 'the status bar can say where the baseline was built');
  assert.ok(status.baseline.origin.at <= Date.now() && status.baseline.origin.at === build.origin?.at, "when: the build's start");
});

test('a failed build records nothing; an untrusted workspace recognises nothing', async () => {
  const { root, storePath, s } = await start();
  const started = await s.request(buildStartedRequest, { source: 'terminal', commandLine: 'docker build .', cwd: root });
  assert.ok(started.id);
  const ended = await s.request(buildEndedRequest, { id: started.id, exitCode: 1 });
  assert.equal(ended.recorded, 0);
  assert.match(ended.messages[0], /Not recorded: .*it failed \(exit code 1\)/);
  // The client then reads the steps Docker finished from its build history (BuildKit builds only).
  assert.deepEqual(ended.failed, [join(root, 'Dockerfile')]);
  assert.equal(fs.existsSync(storePath), false);
  const classic = await s.request(buildStartedRequest, { source: 'terminal', commandLine: 'DOCKER_BUILDKIT=0 docker build .', cwd: root });
  assert.ok(classic.id);
  assert.equal((await s.request(buildEndedRequest, { id: classic.id, exitCode: 1 })).failed, undefined);
  const ok = await s.request(buildStartedRequest, { source: 'terminal', commandLine: 'docker build .', cwd: root });
  assert.ok(ok.id);
  assert.equal((await s.request(buildEndedRequest, { id: ok.id, exitCode: 0 })).failed, undefined);
  const other = await s.request(buildStartedRequest, { source: 'terminal', commandLine: 'docker build --builder remote .', cwd: root });
  assert.equal(other.id, null);
  assert.match(other.builds[0].problem ?? '', /buildx builder remote keeps its own cache/);
  const untrusted = await start(false);
  const none = await untrusted.s.request(buildStartedRequest, { source: 'terminal', commandLine: 'docker build .', cwd: untrusted.root });
  assert.deepEqual(none, { id: null, builds: [] });
});

test('docker buildx bake of a target with a target: named context, typed in the terminal, records both targets: the plan is cached after', async () => {
  const bake = JSON.stringify({ target: { base: { context: 'base' }, app: { context: 'app', contexts: { base: 'target:base' } } } });
  const app = 'FROM base\nCOPY app.txt ./\nRUN cat app.txt\n';
  const root = diskProject(
    'll-seen-',
    { 'docker-bake.json': bake, 'app/Dockerfile': app, 'app/app.txt': 'a', 'base/Dockerfile': 'FROM alpine\nCOPY base.txt ./\n', 'base/base.txt': 'b' },
    roots,
  );
  const storePath = `${root}-store.json`;
  roots.push(storePath);
  const s = await TestServer.start({ storePath, workspaceFolders: [root], trusted: true });
  servers.push(s);
  const u = await s.open(join(root, 'app', 'Dockerfile'), app);
  assert.equal((await s.titles(u))[1], 'rebuilds: named context base (target:base) rebuilds: its line 1 FROM (Dockerfile)');
  const started = await s.request(buildStartedRequest, { source: 'terminal', commandLine: 'docker buildx bake app', cwd: root });
  assert.ok(started.id, JSON.stringify(started));
  const refreshes = s.refreshes;
  const ended = await s.request(buildEndedRequest, { id: started.id, exitCode: 0 });
  assert.equal(ended.recorded, 1, JSON.stringify(ended.messages));
  // app's 3 keys and base's 2
  assert.match(ended.messages[0], /5 step keys/);
  await s.refreshAfter(refreshes);
  const titles = await s.titles(u);
  assert.deepEqual([titles[1], titles[2], titles[3]], ['cached', 'cached', 'cached']);
});
