// One store per machine and Docker endpoint, shared by the editor and the CLI; the editor's older per-workspace
// store is moved into it once.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { openProject } from '../../server/src/diskProject';
import { buildId, emptyStore, mergeStore, recordBuild } from '../../server/src/core/plan/store';
import { openWorkspaceStore, recordProject, storePathOf } from '../../server/src/store/record';
import { defaultStorePath, dockerEndpoint, loadStore } from '../../server/src/storeFile';
import { diskProject } from '../helpers/diskProject';
import { TestServer } from './support/lspClient';

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

const text = 'FROM alpine\nCOPY . /app\nRUN echo hi\n';

test('the machine store: LAYERLENS_STORE wins; one file per Docker endpoint under the cache folder', () => {
  const home = diskProject('ll-machine-', {}, roots);
  const config = diskProject('ll-dockercfg-', { 'config.json': JSON.stringify({ currentContext: 'remote' }) }, roots);
  const noConfig = join(home, 'no-docker-config');
  const base = { XDG_CACHE_HOME: home, DOCKER_CONFIG: noConfig };
  assert.equal(defaultStorePath({ ...base, LAYERLENS_STORE: '/x/s.json' }), '/x/s.json');
  assert.equal(dockerEndpoint(base), 'default');
  assert.equal(defaultStorePath(base), join(home, 'layer-lens', 'cache-store.json'));
  const tcp = defaultStorePath({ ...base, DOCKER_HOST: 'tcp://10.0.0.5:2375' });
  const unix = defaultStorePath({ ...base, DOCKER_HOST: 'unix:///run/user/1000/docker.sock' });
  assert.match(tcp, /layer-lens\/cache-store\.10\.0\.0\.5_2375-[0-9a-f]{8}\.json$/);
  assert.match(unix, /layer-lens\/cache-store\._run_user_1000_docker\.sock-[0-9a-f]{8}\.json$/);
  assert.notEqual(tcp, unix);
  assert.equal(dockerEndpoint({ ...base, DOCKER_CONTEXT: 'colima' }), 'context:colima');
  assert.equal(dockerEndpoint({ ...base, DOCKER_CONTEXT: 'default' }), 'default');
  assert.equal(dockerEndpoint({ ...base, DOCKER_CONFIG: config }), 'context:remote', "the docker CLI's current context");
  assert.equal(dockerEndpoint({ ...base, DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://h:1' }), 'tcp://h:1', 'DOCKER_HOST wins, as in docker');
  fs.writeFileSync(join(config, 'config.json'), 'not json');
  assert.equal(dockerEndpoint({ ...base, DOCKER_CONFIG: config }), 'default');
});

test('mergeStore adds what the machine store lacks and keeps its own builds', () => {
  const mine = recordBuild(emptyStore(), 'buildkit', 'buildkit:/a/Dockerfile', ['k1', 'k2'], { steps: {}, files: { x: 'new' } }, { source: 'terminal', at: 5 });
  const old = recordBuild(
    recordBuild(emptyStore(), 'buildkit', 'buildkit:/a/Dockerfile', ['k0'], { steps: {}, files: { x: 'old' } }),
    'classic',
    'classic:/b/Dockerfile',
    ['c1'],
    { steps: {}, files: {} },
  );
  const merged = mergeStore(mine, old);
  assert.deepEqual(Object.keys(merged.keys.buildkit).sort(), ['k0', 'k1', 'k2']);
  assert.deepEqual(Object.keys(merged.keys.classic), ['c1']);
  assert.deepEqual(merged.builds['buildkit:/a/Dockerfile'].files, { x: 'new' }, "the machine's record of a build both have stays");
  assert.deepEqual(merged.builds['buildkit:/a/Dockerfile'].origin, { source: 'terminal', at: 5 });
  assert.ok(merged.builds['classic:/b/Dockerfile']);
  assert.ok(merged.seq >= merged.builds['classic:/b/Dockerfile'].seq);
});

test("the editor uses the machine store and moves the workspace's old store into it once", async () => {
  const root = diskProject('ll-machine-ws-', { Dockerfile: text, 'a.txt': 'a' }, roots);
  const machine = join(root + '-cache', 'layer-lens', 'cache-store.json');
  const legacy = `${root}-legacy.json`;
  roots.push(root + '-cache', legacy, `${legacy}.moved`);
  const project = openProject({ dockerfile: join(root, 'Dockerfile'), builder: 'buildkit', buildArgs: {} });
  assert.ok(recordProject(openWorkspaceStore(legacy), project).storePath, 'the old per-workspace store has the build');
  const env = { LAYERLENS_STORE: machine };
  const logs: string[] = [];
  assert.equal(
    storePathOf({ machineStore: true, legacyStorePath: legacy }, (_level, m) => logs.push(m), env),
    machine,
  );
  assert.match(logs.join('\n'), /Moved 1 recorded builds from this workspace's old store/);
  assert.equal(fs.existsSync(legacy), false, 'renamed');
  assert.ok(fs.existsSync(`${legacy}.moved`));
  assert.ok(loadStore(machine).store.builds[buildId('buildkit', project.dockerfileAbs, undefined)], 'moved into the machine store');
  logs.length = 0;
  assert.equal(
    storePathOf({ machineStore: true, legacyStorePath: legacy }, (_level, m) => logs.push(m), env),
    machine,
  );
  assert.deepEqual(logs, [], 'nothing to move the second time');
  assert.equal(
    storePathOf({}, () => undefined, env),
    undefined,
    'no store asked for: memory only',
  );
  assert.equal(
    storePathOf({ storePath: '/t/s.json', machineStore: true }, () => undefined, env),
    '/t/s.json',
    'an explicit path wins',
  );

  // The server started as the extension starts it sees the moved build: every step cached, no click.
  const previous = process.env.LAYERLENS_STORE;
  process.env.LAYERLENS_STORE = machine;
  try {
    const s = await TestServer.start({ workspaceFolders: [root], init: { machineStore: true, legacyStorePath: legacy } });
    servers.push(s);
    const u = await s.open(join(root, 'Dockerfile'), text);
    assert.match((await s.hover(u, 2, 1)) ?? '', /\*\*This step:\*\* cached/);
  } finally {
    if (previous === undefined) delete process.env.LAYERLENS_STORE;
    else process.env.LAYERLENS_STORE = previous;
  }
});
