// The editor's store and the CLI's are one file when they share a path: what `layerlens record` writes, the editor
// sees at its next request (a stat tells); what the editor records goes into the file as it is then, so neither loses the
// other's builds. And a quick fix never creates a file where something (a folder, a symlink) already is.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction } from 'vscode-languageserver/node';
import { openProject } from '../../server/src/diskProject';
import { buildId, recordBuild } from '../../server/src/core/plan/store';
import { openWorkspaceStore, recordProject } from '../../server/src/store/record';
import { updateStore } from '../../server/src/storeFile';
import { diskProject } from '../helpers/diskProject';
import { TestServer } from './support/lspClient';
import { recordRequest } from '../../server/src/protocol';
import { renderMessage } from '../../server/src/core/shared/message';

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

const tsx = pathToFileURL(require.resolve('tsx')).href;
const cliTs = join(__dirname, '../../server/src/cli.ts');
const text = 'FROM alpine\nCOPY . /app\nRUN echo hi\n';

test('the editor sees a build the CLI recorded into its store at the next analysis, without a restart', async () => {
  const root = diskProject('ll-share-', { Dockerfile: text, 'a.txt': 'a' }, roots);
  const storePath = `${root}-store.json`;
  roots.push(storePath);
  const s = await TestServer.start({ storePath, workspaceFolders: [root] });
  servers.push(s);
  const u = await s.open(join(root, 'Dockerfile'), text);
  assert.match((await s.hover(u, 2, 1)) ?? '', /\*\*This step:\*\* rebuilds — not built yet/);
  const r = spawnSync(process.execPath, ['--import', tsx, cliTs, 'record', join(root, 'Dockerfile'), '--store', storePath], {
    encoding: 'utf8',
    env: { ...process.env, LAYERLENS_DIGEST_CACHE: `${root}-digests.json` },
  });
  roots.push(`${root}-digests.json`);
  assert.equal(r.status, 0, r.stderr);
  assert.match((await s.hover(u, 2, 1)) ?? '', /\*\*This step:\*\* cached/, 'the next request reads the changed store');
});

test('editor and CLI records into one store: each lands on what the other wrote', () => {
  const root = diskProject('ll-share-', { Dockerfile: text, 'a.txt': 'a' }, roots);
  const storePath = `${root}-store.json`;
  roots.push(storePath);
  const store = openWorkspaceStore(storePath);
  const project = openProject({ dockerfile: join(root, 'Dockerfile'), builder: 'buildkit', buildArgs: {} });
  const cliRecord = (n: number) =>
    updateStore(storePath, (current) =>
      recordBuild(current, 'buildkit', buildId('buildkit', `/elsewhere/${n}/Dockerfile`, undefined), [`k${n}`], { steps: {}, files: {} }),
    );
  assert.equal(store.refresh(), false, 'nothing changed');
  cliRecord(1);
  assert.equal(store.refresh(), true);
  assert.ok(store.data.builds[buildId('buildkit', '/elsewhere/1/Dockerfile', undefined)], 'read again: the file changed');
  assert.equal(recordProject(store, project).storePath, storePath);
  assert.equal(store.refresh(), false, 'its own write is known');
  cliRecord(2);
  assert.equal(store.refresh(), true);
  const ids = Object.keys(store.data.builds).sort();
  assert.deepEqual(
    ids,
    [
      buildId('buildkit', '/elsewhere/1/Dockerfile', undefined),
      buildId('buildkit', '/elsewhere/2/Dockerfile', undefined),
      buildId('buildkit', project.dockerfileAbs, undefined),
    ].sort(),
  );
});

test('no quick fix creates .dockerignore where a folder or a symlink (even a dangling one, to outside) has that name', async () => {
  const files = { Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n', 'package.json': '{}', '.git/HEAD': 'ref: x\n' };
  const offered = async (root: string): Promise<CodeAction | undefined> => {
    const storePath = `${root}-store.json`;
    roots.push(storePath);
    const s = await TestServer.start({ storePath, workspaceFolders: [root] });
    servers.push(s);
    const u = await s.open(join(root, 'Dockerfile'), files.Dockerfile);
    await s.until(() => s.diagnostics.get(u)?.diagnostics.some((d) => d.code === 'missing-dockerignore') === true, 'missing-dockerignore pushed');
    return (await s.codeActions(u, 2)).find((a) => a.diagnostics?.[0]?.code === 'missing-dockerignore');
  };
  const plain = diskProject('ll-qf-', files, roots);
  assert.ok(await offered(plain), 'offered when nothing is there');
  const outside = diskProject('ll-qf-out-', {}, roots);
  const linked = diskProject('ll-qf-', files, roots);
  fs.symlinkSync(join(outside, 'planted'), join(linked, '.dockerignore'));
  assert.equal(await offered(linked), undefined, 'a dangling symlink: an editor could create its target outside the context');
  const folder = diskProject('ll-qf-', files, roots);
  fs.mkdirSync(join(folder, '.dockerignore'));
  assert.equal(await offered(folder), undefined);
});

test('Mark as Built while another live process holds the store lock: the server waits at most about 2 s, keeps the build for this session and says why', async () => {
  const root = diskProject('ll-share-lock-', { Dockerfile: text, 'a.txt': 'a' }, roots);
  const storePath = `${root}-store.json`;
  roots.push(storePath, `${storePath}.lock`);
  // A live holder on this machine (not this process): its lock is not broken for minutes.
  const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
  try {
    fs.writeFileSync(`${storePath}.lock`, JSON.stringify({ pid: holder.pid, host: hostname(), time: Date.now(), token: 'feedface' }));
    const s = await TestServer.start({ storePath, workspaceFolders: [root] });
    servers.push(s);
    const u = await s.open(join(root, 'Dockerfile'), text);
    const started = Date.now();
    const result = await s.request(recordRequest, { uri: u });
    const waited = Date.now() - started;
    assert.ok(waited < 15_000, `the record answered after ${waited} ms (the CLI's wait is 30 s)`);
    assert.equal(result?.storePath, null);
    assert.match(result?.warning ? renderMessage(result.warning) : '', /recorded for this session only: .*stayed locked\. Try again/);
    assert.equal(fs.existsSync(storePath), false, 'nothing written under a lock held by another');
    assert.match((await s.hover(u, 2, 1)) ?? '', /\*\*This step:\*\* cached/, 'the build counts in this session');
  } finally {
    holder.kill();
  }
});
