// Hovers, diagnostics and quick fixes from the real server over in-memory streams (startServer, driven as
// VS Code drives it): hover text with this step's verdict (recorded builds, simulations, unsaved edits),
// `layerLens.hover.cacheOnly`, Korean from the extension's l10n bundle, diagnostics pushed on open, edit and
// context change, and quick fixes as versioned WorkspaceEdits (the COPY reorder, the .dockerignore creation).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CreateFile, TextDocumentEdit } from 'vscode-languageserver/node';
import { guarded } from '../../../server/src/lsp/guard';
import { recordRequest, simulateRequest } from '../../../server/src/protocol';
import { diskProject } from '../../helpers/diskProject';
import { TestServer } from '../support/lspClient';

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

const project = (files: Record<string, string>): string => diskProject('ll-editor-', files, roots);

async function server(
  root: string,
  options: Omit<Parameters<typeof TestServer.start>[0] & object, 'workspaceFolders' | 'storePath'> = {},
): Promise<TestServer> {
  const storePath = `${root}-store.json`;
  roots.push(storePath);
  const s = await TestServer.start({ storePath, workspaceFolders: [root], ...options });
  servers.push(s);
  return s;
}

const classic = [
  'FROM node:20-alpine',
  'WORKDIR /app',
  '# sources and dependencies',
  'COPY --chown=node . .',
  'RUN npm install',
  'EXPOSE 3000',
  'CMD ["node", "server.js"]',
  '',
].join('\n');
const files = {
  Dockerfile: classic,
  'package.json': '{"name":"app"}',
  'package-lock.json': '{}',
  'server.js': 'listen(3000)',
  '.dockerignore': 'Dockerfile\n',
};

void test('hover: RUN, CMD and EXPOSE explain themselves and end with the verdict the lenses show', async () => {
  const root = project(files);
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), classic);
  const run = await s.hover(u, 4, 2);
  assert.match(run ?? '', /^\*\*RUN\*\* · \[Dockerfile reference\]\(https:\/\/docs\.docker\.com\/reference\/dockerfile\/#run\)/);
  assert.match(run ?? '', /\*\*When:\*\* At build time/);
  assert.match(run ?? '', /BuildKit \(in use\): adds one filesystem layer/);
  assert.match(run ?? '', /`apt-get update` never refreshes by itself/);
  assert.match(run ?? '', /\*\*This step:\*\* rebuilds — not built yet/);
  const cmd = await s.hover(u, 6, 0);
  assert.match(cmd ?? '', /When a container starts/);
  assert.match(cmd ?? '', /Only the last CMD counts, and arguments after the image name in `docker run <image> \.\.\.` replace it/);
  assert.match(cmd ?? '', /exec form/);
  assert.match(cmd ?? '', /\*\*This step:\*\* not a build step — metadata only/);
  const expose = await s.hover(u, 5, 8);
  assert.match(expose ?? '', /`docker run -p 3000:3000 <image>`/);
  assert.equal(await s.hover(u, 2, 3), null, 'a comment line has no hover');
  assert.equal(await s.hover(u, 7, 0), null, 'the empty last line has no hover');
  const flag = await s.hover(u, 3, 8);
  assert.match(flag ?? '', /^\*\*COPY --chown\*\*/);

  // Mark as built: the same hover now says cached; a simulated source edit says why it would rebuild.
  await s.request(recordRequest, { uri: u });
  assert.match((await s.hover(u, 4, 2)) ?? '', /\*\*This step:\*\* cached — /);
  await s.request(simulateRequest, { uri: u, changedFiles: ['server.js'], editedLines: [] });
  assert.match(
    (await s.hover(u, 4, 2)) ?? '',
    /\*\*This step:\*\* rebuilds — parent step rebuilds: line 4 COPY \(server\.js changed\) \(simulated: server\.js changed\)/,
  );
});

void test('hover: unsaved text is what is explained; layerLens.hover.cacheOnly keeps only the layer and cache part', async () => {
  const root = project(files);
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), classic);
  await s.edit(u, classic.replace('EXPOSE 3000', 'EXPOSE 8080/udp'));
  assert.match((await s.hover(u, 5, 1)) ?? '', /`docker run -p 8080:8080\/udp <image>`/);

  await s.changeSettings({ hover: { cacheOnly: true } });
  const run = (await s.hover(u, 4, 2)) ?? '';
  assert.doesNotMatch(run, /\*\*When:\*\*/);
  assert.doesNotMatch(run, /temporary container/);
  assert.match(run, /\*\*Layer:\*\*/);
  assert.match(run, /\*\*Cache key:\*\* the command text/);
  assert.match(run, /\*\*This step:\*\* rebuilds/);
  await s.changeSettings({ hover: { cacheOnly: false } });
  assert.match((await s.hover(u, 4, 2)) ?? '', /\*\*When:\*\*/);
});

void test('Korean: hovers, diagnostics, quick fix titles and lens words come from the l10n bundle the client passes', async () => {
  const bundle = JSON.parse(fs.readFileSync(join(__dirname, '../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  const root = project(files);
  fs.rmSync(join(root, '.dockerignore'));
  const s = await server(root, { l10n: { locale: 'ko', bundle } });
  try {
    const u = await s.open(join(root, 'Dockerfile'), classic);
    const run = (await s.hover(u, 4, 2)) ?? '';
    assert.ok(run.includes(`**${bundle['When']}:**`), run);
    assert.ok(run.includes(bundle['adds one filesystem layer.']), run);
    assert.ok(run.includes(`**${bundle['This step']}:** ${bundle['rebuilds']}`), run);
    const titles = await s.titles(u);
    assert.equal(titles[5], `다시 빌드됨: 아직 빌드되지 않음`);
    assert.equal(titles[6], '메타데이터만: 다시 빌드 안 함');
    const diagnostics = await s.diagnosticsFor(u);
    const copy = diagnostics.find((d) => d.code === 'copy-before-install');
    assert.match(String(copy?.message), /[\uac00-\ud7a3]/, 'the diagnostic is in Korean');
    const actions = await s.codeActions(u, 3);
    assert.ok(actions.length > 0 && actions.every((a) => /[\uac00-\ud7a3]/.test(a.title)), actions.map((a) => a.title).join(' | '));
  } finally {
    await s.stop();
    servers.splice(servers.indexOf(s), 1);
  }
  // The next server of the process, without a bundle, speaks English again.
  const enRoot = project(files);
  const en = await server(enRoot);
  const u = await en.open(join(enRoot, 'Dockerfile'), classic);
  assert.match((await en.hover(u, 4, 2)) ?? '', /\*\*When:\*\* At build time/);
});

void test('Korean: a Dockerfile past a limit gets its one diagnostic and lens in Korean', async () => {
  const bundle = JSON.parse(fs.readFileSync(join(__dirname, '../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  const root = project(files);
  const s = await server(root, { l10n: { locale: 'ko', bundle } });
  try {
    const u = await s.open(join(root, 'Dockerfile'), 'FROM a\n'.repeat(501));
    const found = await s.diagnosticsFor(u);
    const limit = found.find((d) => d.code === 'limit');
    assert.equal(
      limit?.message,
      '이 Dockerfile에는 빌드 스테이지(FROM 줄)가 501개 있어, Layer Lens가 분석하는 한도(500개)를 넘습니다. Layer Lens는 이 파일의 판정을 표시하지 않습니다. 올바른 파일인지 확인하거나 파일을 나누세요.',
      JSON.stringify(found),
    );
    const titles = await s.titles(u);
    assert.match(titles[1] ?? '', /^Layer Lens: 이 Dockerfile에는 빌드 스테이지/, JSON.stringify(titles));
  } finally {
    await s.stop();
    servers.splice(servers.indexOf(s), 1);
  }
});

void test('diagnostics are pushed on open, follow unsaved edits and context files, and clear on close', async () => {
  const root = project(files);
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), classic);
  const opened = await s.diagnosticsFor(u, 1);
  const copy = opened.find((d) => d.code === 'copy-before-install');
  assert.ok(copy, JSON.stringify(opened));
  assert.equal(copy.severity, 2);
  assert.equal(copy.source, 'Layer Lens');
  assert.deepEqual(copy.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 21 } });
  assert.equal(copy.relatedInformation?.[0]?.location.range.start.line, 4, 'points at the install');
  assert.ok(!opened.some((d) => d.code === 'missing-dockerignore'), 'a .dockerignore exists');

  // An unsaved edit that copies the manifest first: the warning goes.
  const fixed = classic.replace('COPY --chown=node . .', 'COPY package.json ./\nRUN npm ci\nCOPY . .');
  await s.edit(u, fixed);
  assert.ok(!(await s.diagnosticsFor(u, 2)).some((d) => d.code === 'copy-before-install'));
  await s.edit(u, classic);
  assert.ok((await s.diagnosticsFor(u, 3)).some((d) => d.code === 'copy-before-install'));

  // The .dockerignore is deleted and .git appears: the context changed, so the diagnostics are pushed again.
  fs.rmSync(join(root, '.dockerignore'));
  fs.mkdirSync(join(root, '.git'));
  fs.writeFileSync(join(root, '.git/HEAD'), 'ref: refs/heads/main\n');
  await s.filesChanged([join(root, '.dockerignore'), join(root, '.git'), join(root, '.git/HEAD')]);
  await s.until(
    () => s.diagnostics.get(u)?.diagnostics.some((d) => d.code === 'missing-dockerignore') === true,
    'missing-dockerignore pushed after the context changed',
  );

  // A stage error from the plan comes along with the advice.
  await s.edit(u, classic.replace('FROM node:20-alpine', 'FROM node:20-alpine AS 1bad'));
  assert.ok((await s.diagnosticsFor(u, 4)).some((d) => d.severity === 1 && /Invalid stage name "1bad"/.test(String(d.message))));

  await s.close(u);
  await s.until(() => s.diagnostics.get(u)?.diagnostics.length === 0, 'diagnostics cleared on close');
});

function apply(text: string, action: CodeAction, u: string): string {
  const edits = (action.edit?.documentChanges ?? []).filter((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === u);
  let doc = TextDocument.create(u, 'dockerfile', 1, text);
  for (const e of edits)
    doc = TextDocument.create(
      u,
      'dockerfile',
      1,
      TextDocument.applyEdits(
        doc,
        e.edits.map((x) => ({ range: x.range, newText: 'newText' in x ? x.newText : '' })),
      ),
    );
  return doc.getText();
}

void test('quick fix: the COPY reorder copies the manifests first, keeps --chown and the comment, and changes nothing else', async () => {
  const root = project(files);
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), classic);
  const diagnostics = await s.diagnosticsFor(u);
  const actions = await s.codeActions(u, 3, 3, diagnostics);
  const reorder = actions.find((a) => a.diagnostics?.[0]?.code === 'copy-before-install');
  assert.ok(reorder, actions.map((a) => a.title).join(' | '));
  assert.equal(reorder.kind, 'quickfix');
  assert.equal(reorder.title, 'Copy package.json, package-lock.json first, install, then copy the rest');
  assert.equal(reorder.isPreferred, true);
  const docEdits = reorder.edit?.documentChanges ?? [];
  assert.equal(docEdits.length, 1);
  assert.deepEqual((docEdits[0] as TextDocumentEdit).textDocument, { uri: u, version: 1 }, 'bound to the version it was made for');
  const after = apply(classic, reorder, u);
  assert.equal(
    after,
    [
      'FROM node:20-alpine',
      'WORKDIR /app',
      'COPY --chown=node package.json package-lock.json ./',
      'RUN npm install',
      '# sources and dependencies',
      'COPY --chown=node . .',
      'EXPOSE 3000',
      'CMD ["node", "server.js"]',
      '',
    ].join('\n'),
  );
  const remaining = (t: string) =>
    t
      .split('\n')
      .filter((l) => !l.startsWith('COPY --chown=node package.json'))
      .sort();
  assert.deepEqual(remaining(after), remaining(classic), 'every other line survives, byte for byte');

  // After applying it, the warning is gone and the fix is no longer offered.
  await s.edit(u, after);
  assert.ok(!(await s.diagnosticsFor(u, 2)).some((d) => d.code === 'copy-before-install'));
  assert.deepEqual(
    (await s.codeActions(u, 0, 8)).filter((a) => a.diagnostics?.[0]?.code === 'copy-before-install'),
    [],
  );
  // Asked for refactorings only, the server offers no quick fix.
  const only = await s.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: u },
    range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } },
    context: { diagnostics: [], only: ['refactor'] },
  });
  assert.deepEqual(only, []);
});

void test('quick fix: a missing .dockerignore is created as a new file in the build context, never overwriting one', async () => {
  const root = project({ ...files, '.git/HEAD': 'ref: refs/heads/main\n', 'node_modules/x/index.js': '' });
  fs.rmSync(join(root, '.dockerignore'));
  const s = await server(root);
  const u = await s.open(join(root, 'Dockerfile'), classic);
  const actions = await s.codeActions(u, 3);
  const create = actions.find((a) => a.diagnostics?.[0]?.code === 'missing-dockerignore');
  assert.ok(create, actions.map((a) => a.title).join(' | '));
  assert.equal(create.title, 'Create .dockerignore with .git, node_modules');
  const changes = create.edit?.documentChanges ?? [];
  const op = changes.find((c): c is CreateFile => 'kind' in c && c.kind === 'create');
  assert.ok(op);
  assert.equal(fileURLToPath(op.uri), join(root, '.dockerignore'));
  assert.deepEqual(op.options, { overwrite: false, ignoreIfExists: false });
  const content = changes.find((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === op.uri);
  assert.deepEqual(
    content?.edits.map((e) => ('newText' in e ? e.newText : e)),
    ['.git\nnode_modules\n'],
  );
  assert.ok(!changes.some((c) => 'textDocument' in c && c.textDocument.uri === u), 'the Dockerfile itself is not edited');
  // With node_modules in the context, the COPY reorder has no automatic fix (it would copy it over the install).
  assert.ok(!actions.some((a) => a.diagnostics?.[0]?.code === 'copy-before-install'));
});

void test('a handler that throws answers with its fallback and says why in the log, not as an error to the editor', async () => {
  const logged: string[] = [];
  const handler = guarded(
    (m: string) => void logged.push(m),
    'hover',
    null,
    (uri: string) => {
      if (uri === 'bad') throw new Error('boom');
      return `ok ${uri}`;
    },
  );
  assert.equal(await handler('good'), 'ok good');
  assert.equal(await handler('bad'), null);
  assert.equal(logged.length, 1);
  assert.match(logged[0], /^Layer Lens hover failed: Error: boom/);
});
