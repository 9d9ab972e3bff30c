// "Show Build Context" from the real server over in-memory streams: the buildContext request on a context with
// ignored folders, a negation, a large (sparse) file, .git and node_modules; the same totals as the core report,
// each warning with the line that fixes it and the file that line goes to; Korean; the same in an untrusted
// workspace (the report reads the scanned file metadata: no git, nothing run); a re-scan after the fix.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { buildContextRequest, stepFilesRequest, type BuildContextNode } from '../../../server/src/protocol';
import { LARGE_CONTEXT_BYTES } from '../../../server/src/core/context/report';
import { diskProject } from '../../helpers/diskProject';
import { TestServer } from '../support/lspClient';

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

const dockerfile = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n';

function fixture(ignore: string | null): string {
  const root = diskProject(
    'll-buildctx-',
    {
      Dockerfile: dockerfile,
      'package.json': '{"name":"app"}',
      'src/app.js': 'console.log(1)\n',
      'dist/app.min.js': 'x'.repeat(300),
      'dist/keep.txt': 'kept',
      'logs/a.log': 'aaaa',
      'node_modules/left-pad/index.js': 'module.exports = 1',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'data/big.bin': '',
      ...(ignore === null ? {} : { '.dockerignore': ignore }),
    },
    roots,
  );
  // Sparse: the size is metadata, nothing is written or read.
  fs.truncateSync(join(root, 'data/big.bin'), LARGE_CONTEXT_BYTES + 5);
  return root;
}

async function server(root: string, options: { trusted?: boolean; l10n?: { locale: string; bundle: Record<string, string> } } = {}): Promise<TestServer> {
  const storePath = `${root}-store.json`;
  roots.push(storePath);
  const s = await TestServer.start({ storePath, workspaceFolders: [root], ...options });
  servers.push(s);
  return s;
}

const labels = (nodes: BuildContextNode[]): string[] => nodes.map((n) => n.label);
const flatten = (nodes: BuildContextNode[]): BuildContextNode[] => nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);

void test('the build context view: totals, warnings with their fix, largest folders, what each pattern kept out', async () => {
  const root = fixture('dist\n!dist/keep.txt\nlogs/\n');
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), dockerfile);
  const result = await s.request(buildContextRequest, { uri: u });
  assert.ok(result?.report);
  assert.equal(result.problem, null);
  assert.equal(result.contextDir, root);
  assert.equal(result.ignoreFile, '.dockerignore');
  assert.equal(result.fixTarget, join(root, '.dockerignore'));
  // Sent: Dockerfile, .dockerignore, package.json, src/app.js, dist/keep.txt, node_modules/left-pad/index.js, .git/HEAD, data/big.bin.
  assert.equal(result.report.files, 8);
  assert.deepEqual(
    result.report.excluded.map((g) => [g.pattern, g.files, g.bytes]),
    [
      ['dist', 1, 300],
      ['logs', 1, 4],
    ],
  );
  const top = labels(result.nodes);
  assert.match(top[0], /^Sent to Docker: 8 files, 100\.0 MB$/);
  assert.equal(top[1], 'Ignore file: .dockerignore');
  assert.equal(result.nodes[1].description, '2 files, 304 B kept out');
  const warnings = result.nodes.filter((n) => n.kind === 'warning');
  assert.deepEqual(
    warnings.map((w) => [w.label.split(':')[0], w.children?.map((c) => [c.label, c.fix]) ?? []]),
    [
      ['the context is large (8 files, 100.0 MB)', []],
      ['.git/ is sent (1 file, 21 B)', [['Fix: add ".git" to .dockerignore', '.git']]],
      ['node_modules/ is sent (1 file, 18 B)', [['Fix: add "node_modules" to .dockerignore', 'node_modules']]],
    ],
  );
  const largest = result.nodes.find((n) => n.label === 'Largest folders sent');
  assert.deepEqual(largest?.children?.[0], { label: 'data/', description: '1 file, 100.0 MB', icon: 'folder' });
  const kept = result.nodes.find((n) => n.label === 'Kept out by the ignore file');
  assert.deepEqual(
    kept?.children?.map((g) => [g.label, g.description, labels(g.children ?? [])]),
    [
      ['dist', '1 file, 300 B', ['dist/app.min.js']],
      ['logs', '1 file, 4 B', ['logs']],
    ],
  );

  // The fix's line, written to the ignore file as the editor's WorkspaceEdit does, is read on the next request.
  fs.appendFileSync(join(root, '.dockerignore'), '.git\nnode_modules\n');
  const seen = s.updates;
  await s.filesChanged([join(root, '.dockerignore')]);
  await s.until(() => s.updates > seen, 'the server to re-read the ignore file');
  const after = await s.request(buildContextRequest, { uri: u });
  assert.deepEqual(
    after?.report?.warnings.map((w) => w.kind),
    ['large'],
  );
  assert.deepEqual(
    after?.report?.excluded.map((g) => g.pattern),
    ['dist', '.git', 'node_modules', 'logs'],
  );
});

void test('no ignore file: the fix creates .dockerignore in the context; untrusted workspaces get the same report', async () => {
  const root = fixture(null);
  const s = await server(root, { trusted: false });
  const u = await s.open(join(root, 'Dockerfile'), dockerfile);
  const result = await s.request(buildContextRequest, { uri: u });
  assert.equal(result?.ignoreFile, null);
  assert.equal(result?.fixTarget, join(root, '.dockerignore'));
  assert.equal(result?.nodes[1].label, 'Ignore file: none (nothing is kept out)');
  assert.equal(result?.report?.files, 9);
  assert.deepEqual(
    flatten(result?.nodes ?? [])
      .filter((n) => n.fix)
      .map((n) => n.fix),
    ['.git', 'node_modules'],
  );
  // The fix's file created on disk: the next answer names it (the project refreshed along the changed path).
  fs.writeFileSync(join(root, '.dockerignore'), 'node_modules\n');
  const seen = s.updates;
  await s.filesChanged([join(root, '.dockerignore')]);
  await s.until(() => s.updates > seen, 'the server to read the new ignore file');
  const created = await s.request(buildContextRequest, { uri: u });
  assert.equal(created?.ignoreFile, '.dockerignore');
  assert.equal(created?.nodes[1].label, 'Ignore file: .dockerignore');
  assert.deepEqual(
    created?.report?.warnings.map((w) => w.kind),
    ['large', 'vcs'],
  );
  fs.rmSync(join(root, '.dockerignore'));
  const before = s.updates;
  await s.filesChanged([join(root, '.dockerignore')]);
  await s.until(() => s.updates > before, 'the server to see the ignore file gone');
  assert.equal((await s.request(buildContextRequest, { uri: u }))?.ignoreFile, null);
  // The same nodes as in a trusted workspace: the report needs nothing trust guards.
  const trusted = await server(root);
  const tu = await trusted.open(join(root, 'Dockerfile'), dockerfile);
  assert.deepEqual((await trusted.request(buildContextRequest, { uri: tu }))?.nodes, result?.nodes);
});

void test("Korean: the view's words come from the l10n bundle; a document with no context says why", async () => {
  const bundle = JSON.parse(fs.readFileSync(join(__dirname, '../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  const root = fixture('logs\n');
  const s = await server(root, { l10n: { locale: 'ko', bundle } });
  const u = await s.open(join(root, 'Dockerfile'), dockerfile);
  const result = await s.request(buildContextRequest, { uri: u });
  assert.equal(result?.nodes[0].label, 'Docker로 보냄: 파일 9개, 100.0 MB');
  assert.match(flatten(result?.nodes ?? []).find((n) => n.fix === '.git')?.label ?? '', /^수정: \.dockerignore에 "\.git" 추가$/);
  const unsaved = await s.open('/nonexistent-ll-folder/Dockerfile', dockerfile);
  const none = await s.request(buildContextRequest, { uri: unsaved });
  assert.ok(none === null || (none.report === null && typeof none.problem === 'string' && none.problem.length > 0), JSON.stringify(none));
});

void test("the COPY lens's files: what line 3 reads after the ignore file, with sizes; a bad line is an InvalidParams error", async () => {
  const root = fixture('dist\n!dist/keep.txt\nlogs/\n');
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), dockerfile);
  const result = await s.request(stepFilesRequest, { uri: u, line: 3 });
  const files = new Map(result?.files.map((f) => [f.path, f.size]));
  assert.equal(files.get('dist/keep.txt'), 4);
  assert.equal(files.get('data/big.bin'), LARGE_CONTEXT_BYTES + 5);
  assert.equal(files.has('dist/app.min.js'), false);
  assert.equal(files.has('logs/a.log'), false);
  assert.deepEqual((await s.request(stepFilesRequest, { uri: u, line: 1 }))?.files, []);
  await assert.rejects(s.request(stepFilesRequest, { uri: u, line: 0 }), /"line" must be a 1-based line number/);
});
