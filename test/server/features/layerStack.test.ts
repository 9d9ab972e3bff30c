// layerLens/layerStack over the real server: a Dockerfile and its context on disk, sizes from the files'
// bytes after .dockerignore, the verdicts of a simulation, and an unsaved edit.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { layerStackRequest, recordRequest, simulateRequest } from '../../../server/src/protocol';
import { diskProject } from '../../helpers/diskProject';
import { TestServer } from '../support/lspClient';

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const dockerfile = [
  'FROM node:20-alpine AS deps',
  'COPY package.json ./',
  'RUN npm install',
  'FROM node:20-alpine',
  'COPY --from=deps /node_modules ./node_modules',
  'COPY . /app',
  'CMD ["node", "/app/app.js"]',
  '',
].join('\n');

void test('the layer stack of a Dockerfile on disk: sizes from its context after .dockerignore, edges, summary; simulated and edited', async () => {
  const root = diskProject(
    'll-stack-',
    {
      Dockerfile: dockerfile,
      '.dockerignore': 'Dockerfile\nlogs\n',
      'package.json': '{"name":"x"}', // 12 B
      'app.js': 'a'.repeat(3000),
      'logs/big.log': 'x'.repeat(50_000),
    },
    roots,
  );
  const store = join(root, '..', `${root.split('/').pop()}-store.json`);
  roots.push(store);
  const server = await TestServer.start({ storePath: store, workspaceFolders: [root] });
  servers.push(server);
  const uri = await server.open(join(root, 'Dockerfile'), dockerfile);

  const first = await server.request(layerStackRequest, { uri });
  const model = first?.model;
  assert.ok(model, first?.problem ?? 'no model');
  assert.equal(first?.builder, 'buildkit');
  assert.deepEqual(
    model.stages.map((s) => [s.label, s.needed, s.container]),
    [
      ['deps', true, false],
      ['1', true, true],
    ],
  );
  assert.deepEqual(
    model.edges.map((e) => [e.from, e.to, e.line, e.kind]),
    [[0, 1, 5, 'copy']],
  );
  const [copyFrom, copyAll] = model.stages[1].blocks;
  // .dockerignore (16 B) + app.js (3000 B) + package.json (12 B); logs/ is ignored, the Dockerfile too.
  assert.deepEqual([copyAll.bytes, copyAll.sizeText, copyAll.files], [3028, '≈ 3.0 kB from 3 files', ['.dockerignore', 'app.js', 'package.json']]);
  assert.equal(copyFrom.size, 'unknown');
  assert.equal(model.summary.text, '6 of 6 layers rebuild; first miss: FROM node:20-alpine AS deps (not built yet: no recorded build)');

  await server.request(recordRequest, { uri });
  await server.request(simulateRequest, { uri, changedFiles: ['package.json'], editedLines: [] });
  const simulated = await server.request(layerStackRequest, { uri });
  assert.equal(simulated?.simulation?.label, 'package.json changed');
  // COPY --from=deps is maybe (content-addressed); COPY . /app reads package.json itself, so it rebuilds either way.
  assert.equal(simulated?.model?.summary.text, '3 of 6 layers rebuild, 1 maybe; first miss: COPY package.json ./ (package.json changed)');

  await server.edit(uri, dockerfile.replace('COPY . /app', 'COPY app.js /app/'));
  const edited = await server.request(layerStackRequest, { uri });
  const copyApp = edited?.model?.stages[1].blocks[1];
  assert.deepEqual([copyApp?.text, copyApp?.bytes], ['COPY app.js /app/', 3000]);
});

void test('no answer for a document the server does not have; a problem instead of a model when there is no context', async () => {
  const server = await TestServer.start();
  servers.push(server);
  assert.equal(await server.request(layerStackRequest, { uri: 'file:///nowhere/Dockerfile' }), null);
  const uri = await server.open('/nonexistent-folder-for-layer-lens/Dockerfile', 'FROM alpine\n');
  const result = await server.request(layerStackRequest, { uri });
  assert.equal(result?.model, null);
  assert.match(result?.problem ?? '', /\S/);
});
