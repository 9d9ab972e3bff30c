// layerLens/fixAll in the real server (the history panel's "Apply fixes"): the edit it answers, applied to the
// document, gives exactly the text `layerlens fix` writes for the same Dockerfile and context (a copy of the
// project fixed by the CLI in a child process), and the file it creates; nothing to fix gives no edit; an untrusted
// workspace, a document not open and bad parameters get a clear answer, not an edit.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentEdit } from 'vscode-languageserver';
import { minimalEdit, RESTRICTED_FIX_PROBLEM } from '../../server/src/features/fixAll';
import { fixAllRequest, type FixAllResult } from '../../server/src/protocol';
import { TestServer, uri } from './support/lspClient';

const root = mkdtempSync(join(tmpdir(), 'll-fixall-'));
const servers: TestServer[] = [];
const cliCheck = join(__dirname, '../../server/src/cliCheck.ts');
const tsx = pathToFileURL(require.resolve('tsx')).href;

after(async () => {
  for (const s of servers) await s.stop();
  rmSync(root, { recursive: true, force: true });
});

function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** `layerlens fix` on a copy of the project, as the command runs (a child process): the files it leaves. */
function cliFixed(dir: string, files: string[]): Record<string, string | null> {
  const copy = `${dir}-cli`;
  cpSync(dir, copy, { recursive: true });
  const script = `process.exitCode = require(${JSON.stringify(cliCheck)}).runFix(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--import', tsx, '-e', script, '--', 'Dockerfile'], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return Object.fromEntries(
    files.map((f) => {
      try {
        return [f, readFileSync(join(copy, f), 'utf8')];
      } catch {
        return [f, null];
      }
    }),
  );
}

async function start(ws: string, trusted = true): Promise<TestServer> {
  const s = await TestServer.start({ workspaceFolders: [ws], trusted, storePath: join(root, `${ws.split('/').pop()}-store.json`) });
  servers.push(s);
  return s;
}

/** The edit applied as the editor applies it: the document's new text and the files it creates. */
function applied(text: string, result: FixAllResult): { text: string; created: Record<string, string> } {
  let doc = TextDocument.create('file:///x', 'dockerfile', result.version ?? 0, text);
  const created: Record<string, string> = {};
  let creating: string | undefined;
  for (const change of result.edit?.documentChanges ?? []) {
    if ('kind' in change) {
      assert.equal(change.kind, 'create');
      assert.deepEqual(change.options, { overwrite: false, ignoreIfExists: false });
      creating = change.uri;
      continue;
    }
    const edit = change as TextDocumentEdit;
    if (edit.textDocument.uri === creating) created[creating] = TextDocument.applyEdits(TextDocument.create(creating, 'plaintext', 0, ''), edit.edits as never);
    else {
      assert.equal(edit.textDocument.version, result.version, 'the edit names the document version it was made for');
      doc = TextDocument.create(doc.uri, 'dockerfile', doc.version + 1, TextDocument.applyEdits(doc, edit.edits as never));
    }
  }
  return { text: doc.getText(), created };
}

const npmProject = {
  Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js"]\n',
  'package.json': '{"name":"a"}\n',
  'package-lock.json': '{}\n',
  'index.js': 'one\n',
  // The install makes it again: the missing-dockerignore fix lists it.
  'node_modules/left/index.js': 'old\n',
};

void test('the edit gives exactly the text layerlens fix writes, and creates the .dockerignore it creates', async () => {
  const ws = project('npm', npmProject);
  const want = cliFixed(ws, ['Dockerfile', '.dockerignore']);
  assert.notEqual(want.Dockerfile, npmProject.Dockerfile, 'layerlens fix changes this Dockerfile');
  assert.ok(want['.dockerignore'], 'layerlens fix creates a .dockerignore here');
  const s = await start(ws);
  const u = await s.open(join(ws, 'Dockerfile'), npmProject.Dockerfile);
  const result: FixAllResult = await s.request(fixAllRequest, { uri: u });
  assert.equal(result.problem, null);
  assert.equal(result.version, 1);
  assert.ok(result.applied.length >= 2, JSON.stringify(result.applied));
  assert.deepEqual(result.createFiles, ['.dockerignore']);
  const after = applied(npmProject.Dockerfile, result);
  assert.equal(after.text, want.Dockerfile);
  assert.deepEqual(after.created, { [uri(join(ws, '.dockerignore'))]: want['.dockerignore'] });
});

void test('with the ignore file there: only the Dockerfile changes, as layerlens fix leaves it; fixed text: nothing to fix', async () => {
  const ws = project('npm-ignored', { ...npmProject, '.dockerignore': '.git\nnode_modules\n' });
  const want = cliFixed(ws, ['Dockerfile']);
  const s = await start(ws);
  const u = await s.open(join(ws, 'Dockerfile'), npmProject.Dockerfile);
  const result = await s.request(fixAllRequest, { uri: u });
  assert.equal(result.problem, null);
  assert.deepEqual(result.createFiles, []);
  const after = applied(npmProject.Dockerfile, result);
  assert.equal(after.text, want.Dockerfile);
  assert.deepEqual(after.created, {});
  // One replacement of the lines that differ: the FROM and WORKDIR lines are not part of it.
  const edits = (result.edit?.documentChanges?.[0] as TextDocumentEdit).edits;
  assert.equal(edits.length, 1);
  assert.ok(edits[0].range.start.line >= 2, JSON.stringify(edits[0].range));

  // The fixed text: nothing left to fix, no edit.
  await s.edit(u, after.text);
  const none = await s.request(fixAllRequest, { uri: u });
  assert.deepEqual({ ...none, version: null }, { applied: [], createFiles: [], edit: null, version: null, problem: null });
});

void test('untrusted workspace, a document not open, malformed parameters', async () => {
  const ws = project('untrusted', npmProject);
  const s = await start(ws, false);
  const u = await s.open(join(ws, 'Dockerfile'), npmProject.Dockerfile);
  const refused = await s.request(fixAllRequest, { uri: u });
  assert.equal(refused.problem, RESTRICTED_FIX_PROBLEM);
  assert.equal(refused.edit, null);
  const trusted = await start(project('closed', npmProject));
  const closed = await trusted.request(fixAllRequest, { uri: uri(join(root, 'closed', 'Dockerfile')) });
  assert.match(closed.problem ?? '', /Open the Dockerfile in an editor/);
  assert.equal(closed.edit, null);
  for (const bad of [null, { uri: 3 }, []]) await assert.rejects(trusted.request(fixAllRequest, bad as never), /layerLens\/fixAll: /);
});

void test('minimalEdit replaces only the lines that differ, and its result is the new text', () => {
  const cases: Array<[string, string]> = [
    ['a\nb\nc\n', 'a\nB\nc\n'],
    ['a\nb\nc\n', 'a\nb\nc\nd\n'],
    ['a\nb\nc', 'x\na\nb\nc'],
    ['abc\n', 'abd\n'],
    ['same\n', 'same\n'],
    ['', 'new\n'],
    ['a\r\nb\r\n', 'a\r\nc\r\nb\r\n'],
    ['COPY . .\nRUN x\n', 'COPY p ./\nRUN x\nCOPY . .\nRUN x\n'],
  ];
  for (const [before, after] of cases) {
    const e = minimalEdit(before, after);
    const doc = TextDocument.create('file:///d', 'dockerfile', 1, before);
    assert.equal(TextDocument.applyEdits(doc, [e]), after, JSON.stringify([before, after, e]));
    assert.equal(e.range.start.character, 0, 'starts at a line start');
  }
});
