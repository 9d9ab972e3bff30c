// Lenses on compose services and Bake targets: the real server over in-memory streams plans each one's
// Dockerfile with its context, target and args, says it in a few words, and follows recorded builds and edits.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { configLensesRequest, pickConfigurationRequest, recordRequest, statusRequest } from '../../server/src/protocol';
import { diskProject } from '../helpers/diskProject';
import { TestServer } from './support/lspClient';

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

async function server(root: string, trusted = true): Promise<TestServer> {
  const store = join(root, '..', `${root.split('/').pop()}-store.json`);
  roots.push(store);
  const s = await TestServer.start({ storePath: store, workspaceFolders: [root], trusted });
  servers.push(s);
  return s;
}

const dockerfile = [
  'FROM alpine AS base',
  'RUN echo base',
  'FROM base AS prod',
  'ARG GIT_SHA',
  'RUN echo $GIT_SHA',
  'COPY app.txt /app/',
  'FROM base AS dev',
  'RUN echo dev',
  'COPY app.txt /app/',
  'RUN echo more',
  '',
].join('\n');
const compose = [
  'services:',
  '  api:',
  '    build:',
  '      context: ..',
  '      dockerfile: docker/api.Dockerfile',
  '      target: prod',
  '  dev:',
  '    build:',
  '      context: ..',
  '      dockerfile: docker/api.Dockerfile',
  '      target: dev',
  '  inline:',
  '    build:',
  '      dockerfile_inline: FROM alpine',
  '  db:',
  '    image: postgres',
  '',
].join('\n');
const bake = JSON.stringify({ target: { web: { context: '..', dockerfile: 'docker/api.Dockerfile', target: 'dev' } } }, null, 2) + '\n';

const uriOf = (path: string) => pathToFileURL(path).toString();

void test('each compose service and Bake target that builds an image has a lens with its plan in a few words; an image-only service has none', async () => {
  const root = diskProject(
    'll-configlens-',
    { 'deploy/compose.yaml': compose, 'deploy/docker-bake.json': bake, 'docker/api.Dockerfile': dockerfile, 'app.txt': 'v1' },
    roots,
  );
  const s = await server(root);
  const lenses = await s.request(configLensesRequest, { uri: uriOf(join(root, 'deploy', 'compose.yaml')) });
  const dockerfileUri = uriOf(join(root, 'docker', 'api.Dockerfile'));
  // api (target prod): FROM, RUN base, RUN $GIT_SHA, COPY = 4 steps; dev: FROM, RUN base, RUN dev, COPY, RUN = 5.
  assert.deepEqual(
    lenses.map((l) => [l.line, l.title, l.dockerfileUri ?? null]),
    [
      [3, 'Layer Lens: 4 steps, 4 rebuild', dockerfileUri],
      [8, 'Layer Lens: 5 steps, 5 rebuild', dockerfileUri],
      [13, 'Layer Lens: not planned: the Dockerfile is inline', null],
    ],
  );
  assert.match(lenses[0].tooltip, /^compose:api \(target prod\): compared with nothing built yet\. Click to open/);
  assert.equal(lenses[0].configId, 'compose:deploy/compose.yaml:3:api');
  assert.equal(lenses[2].configId, undefined);
  const bakeLenses = await s.request(configLensesRequest, { uri: uriOf(join(root, 'deploy', 'docker-bake.json')) });
  assert.deepEqual(
    bakeLenses.map((l) => [l.line, l.title]),
    [[3, 'Layer Lens: 5 steps, 5 rebuild']],
  );
  // A file no configuration is declared in, and a URI that is not a file, get none.
  assert.deepEqual(await s.request(configLensesRequest, { uri: dockerfileUri }), []);
  assert.deepEqual(await s.request(configLensesRequest, { uri: 'untitled:compose.yaml' }), []);
});

void test('after a build of one service is recorded, its lens says what a change rebuilds; the other target is planned on its own', async () => {
  const root = diskProject('ll-configlens-', { 'deploy/compose.yaml': compose, 'docker/api.Dockerfile': dockerfile, 'app.txt': 'v1' }, roots);
  const s = await server(root);
  const composeUri = uriOf(join(root, 'deploy', 'compose.yaml'));
  const u = await s.open(join(root, 'docker', 'api.Dockerfile'), dockerfile);
  // Opened, the Dockerfile is planned with the first configuration (api); record it, then pick dev and record that too.
  assert.equal((await s.request(statusRequest, { uri: u })).configuration?.label, 'compose:api (target prod)');
  await s.request(recordRequest, { uri: u });
  let lenses = await s.request(configLensesRequest, { uri: composeUri });
  assert.equal(lenses[0].title, 'Layer Lens: 4 steps, 0 rebuild');
  // Nothing recorded for target dev yet (a baseline is per Dockerfile and target, as the Dockerfile's own lenses say).
  assert.equal(lenses[1].title, 'Layer Lens: 5 steps, 5 rebuild');
  assert.match(lenses[1].tooltip, /compared with nothing built yet/);
  await s.request(pickConfigurationRequest, { uri: u, id: lenses[1].configId! });
  await s.request(recordRequest, { uri: u });
  lenses = await s.request(configLensesRequest, { uri: composeUri });
  assert.deepEqual(
    lenses.slice(0, 2).map((l) => l.title),
    ['Layer Lens: 4 steps, 0 rebuild', 'Layer Lens: 5 steps, 0 rebuild'],
  );
  // A file of the context changes on disk: both lenses say the COPY and what follows it rebuild.
  fs.writeFileSync(join(root, 'app.txt'), 'v2');
  await s.filesChanged([join(root, 'app.txt')]);
  let titles: string[] = [];
  for (let i = 0; i < 100; i++) {
    titles = (await s.request(configLensesRequest, { uri: composeUri })).slice(0, 2).map((l) => l.title);
    if (titles[1] === 'Layer Lens: 5 steps, 2 rebuild') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(titles, ['Layer Lens: 4 steps, 1 rebuild', 'Layer Lens: 5 steps, 2 rebuild']);
});

void test('an unknown build arg makes the lens say how many steps may rebuild; a context outside the workspace is not planned', async () => {
  const withArg = compose.replace('      target: prod\n', '      target: prod\n      args:\n        - GIT_SHA\n');
  const root = diskProject(
    'll-configlens-',
    {
      'compose.yaml': withArg.replaceAll('context: ..', 'context: .'),
      'docker/api.Dockerfile': dockerfile,
      'app.txt': 'v1',
      'out/compose.yaml': 'services:\n  x:\n    build: ../../elsewhere\n',
    },
    roots,
  );
  const s = await server(root);
  const u = await s.open(join(root, 'docker', 'api.Dockerfile'), dockerfile);
  await s.request(recordRequest, { uri: u });
  const lenses = await s.request(configLensesRequest, { uri: uriOf(join(root, 'compose.yaml')) });
  assert.equal(lenses[0].title, 'Layer Lens: 4 steps, 0 rebuild, 2 maybe');
  assert.match(lenses[0].tooltip, /Build args unknown here: GIT_SHA/);
  const outside = await s.request(configLensesRequest, { uri: uriOf(join(root, 'out', 'compose.yaml')) });
  assert.equal(outside.length, 1);
  assert.match(outside[0].title, /^Layer Lens: not planned: .*outside the workspace/);
  assert.equal(outside[0].configId, undefined);
});
