// The real server over in-memory streams: lenses for an open Dockerfile follow unsaved edits, context files
// changed on disk (watched-file events, re-examining only those files), recorded builds, settings and
// simulations.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearSimulationRequest, planRequest, recordRequest, simulateRequest, statusRequest } from '../../server/src/protocol';
import { diskProject } from '../helpers/diskProject';
import { TestServer } from './support/lspClient';

/** The fs module object itself, whose methods the server's context reader calls (a namespace import is a copy). */
const cjsFs = createRequire(__filename)('node:fs') as typeof fs;
const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

const project = (files: Record<string, string>): string => diskProject('ll-docs-', files, roots);

async function server(root: string, settings: Record<string, unknown> = {}): Promise<TestServer> {
  const s = await TestServer.start({ storePath: join(root, '..', `${root.split('/').pop()}-store.json`), workspaceFolders: [root], settings });
  roots.push(join(root, '..', `${root.split('/').pop()}-store.json`));
  servers.push(s);
  return s;
}

const nodeApp = [
  'FROM node:20-alpine AS builder',
  'WORKDIR /app',
  'COPY package.json ./',
  'RUN npm install',
  'COPY . .',
  'RUN npm run build',
  '',
  'FROM node:20-alpine',
  'COPY --from=builder /app/dist /app',
  'ENV NODE_ENV=production',
  'EXPOSE 3000',
  'CMD ["node", "/app/server.js"]',
  '',
].join('\n');

void test('lenses: nothing built yet, then "Mark Current State as Built" makes every step cached', async () => {
  const root = project({ Dockerfile: nodeApp, 'package.json': '{}', 'src/app.js': 'a' });
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), nodeApp);
  assert.deepEqual(await s.titles(u), {
    1: 'rebuilds: not built yet',
    2: 'rebuilds: not built yet',
    3: 'rebuilds: not built yet',
    4: 'rebuilds: not built yet',
    5: 'rebuilds: not built yet',
    6: 'rebuilds: not built yet',
    8: 'rebuilds: not built yet',
    9: 'rebuilds: not built yet',
    10: 'metadata only: no rebuild',
    11: 'metadata only: no rebuild',
    12: 'metadata only: no rebuild',
  });
  const status = await s.request(statusRequest, { uri: u });
  assert.equal(status.baseline?.kind, 'none');
  assert.equal(status.baseline?.label, 'nothing built yet');
  assert.equal(status.instructionCount, 11);

  const refreshes = s.refreshes;
  const recorded = await s.request(recordRequest, { uri: u });
  assert.equal(recorded?.keys, 8);
  assert.ok(recorded?.storePath && fs.existsSync(recorded.storePath), 'the store file is written where the client said');
  assert.ok(!fs.readdirSync(root).some((name) => name.includes('store')), 'nothing is written into the build context');
  await s.refreshAfter(refreshes);
  const titles = await s.titles(u);
  for (const line of [1, 2, 3, 4, 5, 6, 8, 9]) assert.equal(titles[line], 'cached', `line ${line}`);
  assert.equal((await s.request(statusRequest, { uri: u })).baseline?.label, 'recorded build');

  // A new server for the same workspace reads the store from the file.
  const again = await TestServer.start({ storePath: recorded.storePath, workspaceFolders: [root] });
  servers.push(again);
  const u2 = await again.open(join(root, 'Dockerfile'), nodeApp);
  assert.equal((await again.titles(u2))[5], 'cached');
});

void test('lenses follow unsaved edits and context files changed on disk; only the changed file is read again', async (t) => {
  const root = project({ Dockerfile: nodeApp, 'package.json': '{}', 'src/app.js': 'a', 'src/util.js': 'u' });
  // Count the files the server opens (to hash them); installed before the context is first read.
  const opened: string[] = [];
  const originalOpen = cjsFs.openSync;
  t.mock.method(cjsFs, 'openSync', (path: fs.PathLike, ...rest: [fs.OpenMode, fs.Mode]) => {
    // Files only (folders are opened to be listed); on Linux a file is opened through its folder's /proc/self/fd entry.
    let p = String(path);
    const proc = /^\/proc\/(?:self|\d+)\/fd\/\d+(?=\/)/.exec(p);
    if (proc) p = fs.readlinkSync(proc[0]) + p.slice(proc[0].length);
    const fd = originalOpen(path, ...rest);
    if ((Number(rest[0]) & fs.constants.O_DIRECTORY) === 0 && p.startsWith(root + '/')) opened.push(p.slice(root.length + 1));
    return fd;
  });
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), nodeApp);
  await s.request(recordRequest, { uri: u });

  // An unsaved edit: the editor's text is what is analysed.
  await s.edit(u, nodeApp.replace('RUN npm run build', 'RUN npm run build -- --minify'));
  let titles = await s.titles(u);
  assert.equal(titles[5], 'cached');
  assert.equal(titles[6], 'rebuilds: command changed');
  await s.edit(u, nodeApp);
  assert.equal((await s.titles(u))[6], 'cached');

  // A context file changes on disk; the watcher reports it.
  assert.deepEqual(opened.sort(), ['Dockerfile', 'package.json', 'src/app.js', 'src/util.js'], 'each file hashed once so far');
  opened.length = 0;
  fs.writeFileSync(join(root, 'src/app.js'), 'a, edited');
  const refreshes = s.refreshes;
  await s.filesChanged([join(root, 'src/app.js')]);
  await s.refreshAfter(refreshes);
  titles = await s.titles(u);
  assert.equal(titles[3], 'cached');
  assert.equal(titles[4], 'cached', 'the install keeps its cache: package.json did not change');
  assert.equal(titles[5], 'rebuilds: src/app.js changed');
  assert.equal(titles[6], 'rebuilds: parent step rebuilds (line 5 COPY)');
  assert.equal(titles[9], "maybe: depends on stage builder's output");
  assert.deepEqual(opened, ['src/app.js'], 'only the changed file was hashed again');
  t.mock.restoreAll();

  // A new file and a deleted file.
  fs.writeFileSync(join(root, 'src/new.js'), 'n');
  fs.rmSync(join(root, 'src/app.js'));
  fs.writeFileSync(join(root, 'src/app.js'), 'a');
  const before = s.refreshes;
  await s.filesChanged([join(root, 'src/new.js'), join(root, 'src/app.js')]);
  await s.refreshAfter(before);
  assert.equal((await s.titles(u))[5], 'rebuilds: src/new.js added');
});

void test('a burst of watched-file events is handled together, after a short debounce', async () => {
  const root = project({ Dockerfile: nodeApp, 'package.json': '{}', 'src/a.js': 'a' });
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), nodeApp);
  await s.request(recordRequest, { uri: u });
  await s.titles(u);
  const before = s.refreshes;
  for (let i = 0; i < 20; i++) fs.writeFileSync(join(root, `src/b${i}.js`), `b${i}`);
  await Promise.all(Array.from({ length: 20 }, (_, i) => s.filesChanged([join(root, `src/b${i}.js`)])));
  await s.refreshAfter(before);
  assert.equal((await s.titles(u))[5], 'rebuilds: src/b0.js, src/b1.js, src/b10.js and 17 more added');
  assert.ok(s.refreshes - before < 20, `${s.refreshes - before} refreshes for 20 events sent back to back`);
});

void test('simulation: a file of a COPY, then a line; every lens shows it until cleared', async () => {
  const root = project({ Dockerfile: nodeApp, 'package.json': '{}', 'src/app.js': 'a' });
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), nodeApp);
  await s.request(recordRequest, { uri: u });

  const plan = await s.request(planRequest, { uri: u });
  assert.deepEqual(plan?.steps.find((step) => step.line === 5)?.reads, ['Dockerfile', 'package.json', 'src/app.js'], 'files only, no folders');
  assert.deepEqual(plan?.steps.find((step) => step.line === 3)?.reads, ['package.json']);

  let refreshes = s.refreshes;
  const simulation = await s.request(simulateRequest, { uri: u, changedFiles: ['package.json'], editedLines: [] });
  assert.equal(simulation?.label, 'package.json changed');
  await s.refreshAfter(refreshes);
  let titles = await s.titles(u);
  assert.equal(titles[2], 'cached');
  assert.equal(titles[3], 'rebuilds: package.json changed');
  assert.equal(titles[4], 'rebuilds: parent step rebuilds (line 3 COPY)');
  assert.equal(titles[9], "maybe: depends on stage builder's output");
  assert.equal((await s.request(statusRequest, {})).simulation?.label, 'package.json changed');
  assert.equal((await s.request(planRequest, { uri: u }))?.simulation?.label, 'package.json changed');

  await s.request(simulateRequest, { uri: u, changedFiles: [], editedLines: [10] });
  titles = await s.titles(u);
  assert.equal(titles[3], 'cached');
  assert.equal(titles[10], 'metadata only: no rebuild', 'ENV is metadata: editing it rebuilds nothing with BuildKit');
  await s.request(simulateRequest, { uri: u, changedFiles: [], editedLines: [2] });
  titles = await s.titles(u);
  assert.equal(titles[2], 'rebuilds: line edited (simulated)');
  assert.equal((await s.request(statusRequest, {})).simulation?.label, 'line 2 edited');

  refreshes = s.refreshes;
  await s.request(clearSimulationRequest, {});
  await s.refreshAfter(refreshes);
  titles = await s.titles(u);
  assert.equal(titles[2], 'cached');
  assert.equal((await s.request(statusRequest, {})).simulation, null);
});

void test('settings per Dockerfile: target, builder, build args and context folder', async () => {
  const dockerfile = 'FROM alpine AS base\nARG FLAVOUR=plain\nRUN echo $FLAVOUR\n\nFROM base AS test\nRUN echo test\n\nFROM alpine AS other\nCOPY app.js /\n';
  const root = project({ 'docker/api.Dockerfile': dockerfile, 'app.js': 'x' });
  const s = await server(root, { dockerfiles: { 'docker/*.Dockerfile': { context: '.', target: 'base' } } });
  const u = await s.open(join(root, 'docker/api.Dockerfile'), dockerfile);
  let titles = await s.titles(u);
  assert.equal(titles[6], 'skipped: after the target stage');
  assert.equal(titles[9], 'skipped: after the target stage');
  await s.request(recordRequest, { uri: u });

  // Build args: a changed value reaches the RUN that uses it.
  await s.changeSettings({ buildArgs: { FLAVOUR: 'spicy' }, dockerfiles: { 'docker/*.Dockerfile': { context: '.', target: 'base' } } });
  await waitForTitle(s, u, 3, 'rebuilds: build arg FLAVOUR changed');
  // The classic builder: ARG is a step of its own, and every instruction is one.
  await s.changeSettings({ dockerfiles: { 'api.Dockerfile': { context: '.', builder: 'classic' } } });
  titles = await waitForTitle(s, u, 2, 'rebuilds: not built yet');
  assert.equal(titles[9], 'rebuilds: not built yet', 'no target: every stage up to the last is built');
  // Without the context setting, the context is the Dockerfile's folder, where app.js is missing.
  await s.changeSettings({});
  const plan = await waitForPlan(s, u, (p) => p.diagnostics.some((d) => /app\.js/.test(d.message)));
  assert.ok(plan);
});

void test('a Dockerfile that is not on disk, or whose context folder is missing, gets one lens saying why', async () => {
  const s = await TestServer.start({ settings: { dockerfiles: { Dockerfile: { context: 'missing-folder' } } }, workspaceFolders: [tmpdir()] });
  servers.push(s);
  const u = await s.open(join(tmpdir(), 'Dockerfile'), 'FROM alpine\n');
  const lenses = await s.lenses(u);
  assert.equal(lenses.length, 1);
  assert.match(lenses[0].title, /^Layer Lens: The build context .*missing-folder is not a folder/);
  const untitled = 'untitled:Untitled-1';
  await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: untitled, languageId: 'dockerfile', version: 1, text: 'FROM alpine\n' } });
  assert.match((await s.lenses(untitled))[0].title, /save this file/);
});

void test('a 10k-file context: a watched change and an edit update the lenses (time measured, not asserted)', async (t) => {
  const files: Record<string, string> = { 'package.json': '{}' };
  for (let d = 0; d < 100; d++) for (let f = 0; f < 100; f++) files[`src/d${d}/f${f}.js`] = `module.exports = ${d * 100 + f};\n`;
  const root = project(files);
  fs.writeFileSync(join(root, 'Dockerfile'), nodeApp);
  const s = await server(root);
  let t0 = performance.now();
  const u = await s.open(join(root, 'Dockerfile'), nodeApp);
  await s.request(recordRequest, { uri: u });
  assert.equal((await s.titles(u))[5], 'cached');
  t.diagnostic(`open + first plan + record + lenses, 10,003 files: ${(performance.now() - t0).toFixed(0)} ms`);

  const watched: number[] = [];
  for (let i = 0; i < 7; i++) {
    const file = `src/d${(i * 37) % 100}/f${(i * 53) % 100}.js`;
    fs.writeFileSync(join(root, file), `changed ${i}\n`);
    const refreshes = s.refreshes;
    t0 = performance.now();
    await s.filesChanged([join(root, file)]);
    await s.refreshAfter(refreshes);
    const titles = await s.titles(u);
    watched.push(performance.now() - t0);
    assert.equal(titles[5], `rebuilds: ${file} changed`);
    assert.equal(titles[4], 'cached');
    await s.request(recordRequest, { uri: u });
  }
  const edits: number[] = [];
  for (let i = 0; i < 7; i++) {
    t0 = performance.now();
    await s.edit(u, nodeApp.replace('RUN npm run build', `RUN npm run build # ${i}`));
    const titles = await s.titles(u);
    edits.push(performance.now() - t0);
    assert.equal(titles[6], 'rebuilds: command changed');
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(1);
  const report = `10k-file context: watched change → lens refresh → lenses: median ${median(watched)} ms (all: ${watched.map((x) => x.toFixed(0)).join(', ')}; includes the ${20} ms debounce); edit → lenses: median ${median(edits)} ms`;
  t.diagnostic(report);
  console.log(`# ${report}`);
});

async function waitForTitle(s: TestServer, u: string, line: number, title: string): Promise<Record<number, string>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const titles = await s.titles(u);
    if (titles[line] === title) return titles;
    if (Date.now() > deadline) assert.fail(`line ${line}: expected "${title}", lenses are ${JSON.stringify(titles)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function waitForPlan<T>(s: TestServer, u: string, check: (p: NonNullable<Awaited<ReturnType<typeof plan>>>) => T): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const p = await plan(s, u);
    const v = p && check(p);
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`plan never matched: ${JSON.stringify(p?.diagnostics)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function plan(s: TestServer, u: string) {
  return s.request(planRequest, { uri: u });
}
