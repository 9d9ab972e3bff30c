// The editor plans a Dockerfile with the build its project declares: the real server over in-memory
// streams, with a compose file beside the Dockerfile; the setting wins, a pick switches, edits of the compose
// file are followed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { pickConfigurationRequest, recordRequest, statusRequest } from '../../server/src/protocol';
import { diskProject } from '../helpers/diskProject';
import { TestServer } from './support/lspClient';

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

async function server(root: string, settings: Record<string, unknown> = {}, trusted = true): Promise<TestServer> {
  const store = join(root, '..', `${root.split('/').pop()}-store.json`);
  roots.push(store);
  const s = await TestServer.start({ storePath: store, workspaceFolders: [root], settings, trusted });
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
  'FROM base AS other',
  'RUN echo other',
  '',
].join('\n');
const compose = [
  'services:',
  '  api:',
  '    build:',
  '      context: ..',
  '      dockerfile: docker/api.Dockerfile',
  '      target: prod',
  '      args:',
  '        - GIT_SHA',
  '',
].join('\n');

void test('a Dockerfile that compose builds is planned with its context and target; the status names the configuration', async () => {
  const root = diskProject('ll-configs-', { 'deploy/compose.yaml': compose, 'docker/api.Dockerfile': dockerfile, 'app.txt': 'v1' }, roots);
  const s = await server(root);
  const u = await s.open(join(root, 'docker', 'api.Dockerfile'), dockerfile);
  const titles = await s.titles(u);
  // Context: the workspace root (compose's `..` from deploy/), so COPY app.txt finds its file; target prod skips `other`.
  assert.equal(titles[6], 'rebuilds: not built yet');
  assert.match(titles[8], /^skipped/);
  const status = await s.request(statusRequest, { uri: u });
  assert.equal(status.configuration?.label, 'compose:api (target prod)');
  assert.equal(status.configuration?.origin, 'discovered');
  assert.equal(status.configuration?.source, 'deploy/compose.yaml:3');
  assert.deepEqual(status.configuration?.unresolvedArgs, { GIT_SHA: 'not set in the environment or .env' });
  assert.deepEqual(
    status.configuration?.choices.map((c) => c.label),
    ['compose:api (target prod)', 'folder'],
  );
  // The hover on ARG says where the configuration sets it (the list item's line in compose.yaml).
  const argHover = JSON.stringify(await s.hover(u, 3, 2));
  assert.match(
    argHover,
    /Build arg `GIT_SHA`: set by `deploy\/compose\.yaml:8` \(`compose:api \(target prod\)`\), unknown here: `not set in the environment or \.env`\./,
  );
  assert.doesNotMatch(JSON.stringify(await s.hover(u, 4, 2)), /Build arg/, 'only ARG lines say where an arg is set');
  // Recorded, then planned: the step that reads the unknown GIT_SHA (and the chain after it) is maybe.
  const refreshes = s.refreshes;
  await s.request(recordRequest, { uri: u });
  await s.refreshAfter(refreshes);
  const after = await s.titles(u);
  assert.equal(after[2], 'cached');
  assert.equal(after[5], 'maybe: depends on build arg GIT_SHA, unknown here (not set in the environment or .env)');
  assert.match(after[6], /^maybe: depends on build arg GIT_SHA/);
});

void test('the layerLens.dockerfiles setting wins over compose; picking "folder" plans with the Dockerfile\'s folder', async () => {
  const root = diskProject('ll-configs-', { 'deploy/compose.yaml': compose, 'docker/api.Dockerfile': dockerfile, 'app.txt': 'v1' }, roots);
  const s = await server(root, { dockerfiles: { 'docker/api.Dockerfile': { target: 'other' } } });
  const u = await s.open(join(root, 'docker', 'api.Dockerfile'), dockerfile);
  const status = await s.request(statusRequest, { uri: u });
  assert.equal(status.configuration?.origin, 'setting');
  assert.match((await s.titles(u))[5], /^skipped/);

  const root2 = diskProject('ll-configs-', { 'deploy/compose.yaml': compose, 'docker/api.Dockerfile': dockerfile, 'app.txt': 'v1' }, roots);
  const s2 = await server(root2);
  const u2 = await s2.open(join(root2, 'docker', 'api.Dockerfile'), dockerfile);
  assert.equal((await s2.request(statusRequest, { uri: u2 })).configuration?.origin, 'discovered');
  const picked = await s2.request(pickConfigurationRequest, { uri: u2, id: 'folder' });
  assert.equal(picked?.origin, 'folder');
  // No target any more: the last stage is built, prod is not.
  const titles = await s2.titles(u2);
  assert.equal(titles[8], 'rebuilds: not built yet');
  assert.match(titles[6], /^skipped/);
  const back = await s2.request(pickConfigurationRequest, { uri: u2, id: picked!.choices[0].id });
  assert.equal(back?.origin, 'picked');
  assert.equal(back?.label, 'compose:api (target prod)');
});

void test('an edit of the compose file is followed: a new target, then the service removed', async () => {
  const root = diskProject('ll-configs-', { 'deploy/compose.yaml': compose, 'docker/api.Dockerfile': dockerfile, 'app.txt': 'v1' }, roots);
  const s = await server(root);
  const u = await s.open(join(root, 'docker', 'api.Dockerfile'), dockerfile);
  assert.equal((await s.request(statusRequest, { uri: u })).configuration?.label, 'compose:api (target prod)');
  fs.writeFileSync(join(root, 'deploy', 'compose.yaml'), compose.replace('target: prod', 'target: other'));
  await s.filesChanged([join(root, 'deploy', 'compose.yaml')]);
  let label: string | undefined;
  for (let i = 0; i < 100 && label !== 'compose:api (target other)'; i++) {
    label = (await s.request(statusRequest, { uri: u })).configuration?.label;
    if (label !== 'compose:api (target other)') await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(label, 'compose:api (target other)');
  assert.match((await s.titles(u))[5], /^skipped/);
  fs.writeFileSync(join(root, 'deploy', 'compose.yaml'), 'services: {}\n');
  await s.filesChanged([join(root, 'deploy', 'compose.yaml')]);
  let configuration: unknown = 'x';
  for (let i = 0; i < 100 && configuration !== null; i++) {
    configuration = (await s.request(statusRequest, { uri: u })).configuration;
    if (configuration !== null) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(configuration, null);
});

void test('untrusted: discovery still applies (it reads only workspace files), a Bake HCL file is unresolved without running docker', async () => {
  const root = diskProject(
    'll-configs-',
    {
      'docker-bake.hcl': 'target "app" {\n  context = "."\n}\n',
      Dockerfile: 'FROM alpine\n',
      'deploy/compose.yaml': compose,
      'docker/api.Dockerfile': dockerfile,
      'app.txt': 'v1',
    },
    roots,
  );
  const s = await server(root, {}, false);
  const u = await s.open(join(root, 'docker', 'api.Dockerfile'), dockerfile);
  assert.equal((await s.request(statusRequest, { uri: u })).configuration?.label, 'compose:api (target prod)');
  const plain = await s.open(join(root, 'Dockerfile'), 'FROM alpine\n');
  assert.equal((await s.request(statusRequest, { uri: plain })).configuration, null);
});

void test("compose additional_contexts: the editor plans COPY --from=NAME with the named folder's files and follows its edits", async () => {
  const named = [
    'services:',
    '  api:',
    '    build:',
    '      context: .',
    '      additional_contexts:',
    '        shared: ../shared',
    '        upstream: https://github.com/example/repo.git',
    '',
  ].join('\n');
  const df = ['FROM alpine', 'COPY --from=shared util.js /u', 'COPY --from=upstream /r /r', ''].join('\n');
  const root = diskProject('ll-configs-', { 'app/compose.yaml': named, 'app/Dockerfile': df, 'shared/util.js': 'v1' }, roots);
  const s = await server(root);
  const u = await s.open(join(root, 'app', 'Dockerfile'), df);
  assert.equal((await s.request(statusRequest, { uri: u })).configuration?.label, 'compose:api');
  const refreshes = s.refreshes;
  await s.request(recordRequest, { uri: u });
  await s.refreshAfter(refreshes);
  let titles = await s.titles(u);
  // Keyed by line: the COPY from the named folder, then the one from the remote named context.
  assert.equal(titles[2], 'cached');
  assert.equal(titles[3], 'maybe: remote named context upstream: not planned');
  fs.writeFileSync(join(root, 'shared', 'util.js'), 'v2');
  await s.filesChanged([join(root, 'shared', 'util.js')]);
  for (let i = 0; i < 100 && titles[2] === 'cached'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    titles = await s.titles(u);
  }
  assert.equal(titles[2], 'rebuilds: shared/util.js changed');
});

void test('untrusted: a named folder outside the workspace is not read (its steps maybe); trusted, it is', async () => {
  const outside = diskProject('ll-outside-', { 'secret.txt': 'outside the workspace', 'shared/util.js': 'v1' }, roots);
  const composeOut = [
    'services:',
    '  api:',
    '    build:',
    `      context: ${outside}`,
    '      dockerfile: ' + '${PWD}/Dockerfile',
    '  web:',
    '    build:',
    '      context: .',
    '      dockerfile: web.Dockerfile',
    '      additional_contexts:',
    `        shared: ${join(outside, 'shared')}`,
    '',
  ].join('\n');
  const web = ['FROM alpine', 'COPY --from=shared util.js /u', ''].join('\n');
  const root = diskProject('ll-configs-', { 'compose.yaml': composeOut, 'web.Dockerfile': web }, roots);
  const s = await server(root, {}, false);
  const u = await s.open(join(root, 'web.Dockerfile'), web);
  const status = await s.request(statusRequest, { uri: u });
  assert.equal(status.configuration?.label, 'compose:web');
  const refreshes = s.refreshes;
  await s.request(recordRequest, { uri: u });
  await s.refreshAfter(refreshes);
  const titles = await s.titles(u);
  assert.match(titles[2], /^maybe: named context shared \(.*\) is not read here/, JSON.stringify(titles));
  // (The output channel also says why: named context shared: ... is outside the workspace and is not read in Restricted Mode.)
  const trusted = await server(root, {}, true);
  const v = await trusted.open(join(root, 'web.Dockerfile'), web);
  // Trusted, the folder is read: the step is judged by its files (the record above had none of them).
  assert.equal((await trusted.titles(v))[2], 'rebuilds: source files changed');
});

void test('Bake target: named context: the editor plans the target it names and follows edits of its files and Dockerfile', async () => {
  const bake = JSON.stringify({
    target: { base: { context: 'base' }, app: { context: '.', dockerfile: 'app.Dockerfile', contexts: { base: 'target:base' } } },
  });
  const baseDf = ['FROM alpine', 'COPY base.txt ./', 'RUN cat base.txt', ''].join('\n');
  const df = ['FROM base', 'COPY app.txt ./', 'RUN cat app.txt', ''].join('\n');
  const root = diskProject(
    'll-configs-',
    { 'docker-bake.json': bake, 'app.Dockerfile': df, 'app.txt': 'a1', 'base/Dockerfile': baseDf, 'base/base.txt': 'b1' },
    roots,
  );
  const s = await server(root);
  const u = await s.open(join(root, 'app.Dockerfile'), df);
  assert.equal((await s.request(statusRequest, { uri: u })).configuration?.label, 'bake:app');
  assert.equal((await s.titles(u))[1], 'rebuilds: named context base (target:base) rebuilds: its line 1 FROM (Dockerfile)');
  const refreshes = s.refreshes;
  await s.request(recordRequest, { uri: u });
  await s.refreshAfter(refreshes);
  let titles = await s.titles(u);
  assert.match(titles[1], /^cached/, JSON.stringify(titles));
  assert.match(titles[3], /^cached/, JSON.stringify(titles));
  const waitFor = async (line: number, until: (t: string) => boolean) => {
    for (let i = 0; i < 100 && !until(titles[line]); i++) {
      await new Promise((r) => setTimeout(r, 50));
      titles = await s.titles(u);
    }
    return titles[line];
  };
  // a file of base's own context
  fs.writeFileSync(join(root, 'base', 'base.txt'), 'b2');
  await s.filesChanged([join(root, 'base', 'base.txt')]);
  assert.equal(await waitFor(1, (t) => !t.startsWith('cached')), 'rebuilds: named context base (target:base) rebuilds: its line 2 COPY (Dockerfile)');
  fs.writeFileSync(join(root, 'base', 'base.txt'), 'b1');
  await s.filesChanged([join(root, 'base', 'base.txt')]);
  assert.match(await waitFor(1, (t) => t.startsWith('cached')), /^cached/);
  // base's Dockerfile edited (it is not the open document): read again
  fs.writeFileSync(join(root, 'base', 'Dockerfile'), baseDf.replace('RUN cat base.txt', 'RUN cat base.txt && true'));
  await s.filesChanged([join(root, 'base', 'Dockerfile')]);
  assert.equal(await waitFor(1, (t) => !t.startsWith('cached')), 'rebuilds: named context base (target:base) rebuilds: its line 3 RUN (Dockerfile)');
});
