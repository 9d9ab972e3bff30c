// The copy-before-install fixes for monorepos: workspace globs resolved against the context, a Go module in a
// subfolder, the BuildKit bind-mount form offered second, and the cargo-chef note. Real builds of the same
// fixes: test/build/fixes.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advise } from '../../server/src/core/advise/advise';
import { applyEdits } from '../../server/src/core/advise/text';
import { contextIndex, workspaceManifests } from '../../server/src/core/advise/manifests';
import type { Advice } from '../../server/src/core/advise/types';
import { contextPaths, loadCorpus } from '../fixtures/advice-corpus/corpus';

function one(text: string, paths: string[], files: Record<string, string> = {}, builder: 'buildkit' | 'classic' = 'buildkit'): Advice {
  const advice = advise({ text, builder, rules: ['copy-before-install'], context: { paths, readText: (p) => files[p] } });
  assert.equal(advice.length, 1, JSON.stringify(advice));
  return advice[0];
}
const applied = (text: string, a: Advice, i = 0) => applyEdits(text, a.fixes[i].edits);

test('workspace globs: package.json workspaces (list or {packages}), pnpm-workspace.yaml, negations, ** and only folders the context has', () => {
  const paths = [
    'package.json',
    'packages/a/package.json',
    'packages/b/package.json',
    'packages/b/test/fixture/package.json',
    'apps/web/package.json',
    'examples/x/package.json',
    'tools/deep/t/package.json',
  ];
  const index = (files: Record<string, string>) => contextIndex({ paths, readText: (p) => files[p] });
  const below = paths;
  assert.deepEqual(workspaceManifests(index({ 'package.json': '{"workspaces":["packages/*","apps/*"]}' }), '', below), [
    'packages/a/package.json',
    'packages/b/package.json',
    'apps/web/package.json',
  ]);
  assert.deepEqual(workspaceManifests(index({ 'package.json': '{"workspaces":{"packages":["./packages/a"]}}' }), '', below), ['packages/a/package.json']);
  assert.deepEqual(workspaceManifests(index({ 'package.json': '{"workspaces":["tools/**","!tools/deep/t"]}' }), '', below), []);
  assert.deepEqual(workspaceManifests(index({ 'package.json': '{"workspaces":["tools/**"]}' }), '', below), ['tools/deep/t/package.json']);
  assert.deepEqual(workspaceManifests(index({ 'package.json': '{"name":"no-workspaces"}' }), '', below), []);
  assert.deepEqual(workspaceManifests(index({ 'package.json': 'not json' }), '', below), []);
  // Without the files' text every package.json below is listed: a superset the broad COPY copies anyway.
  assert.equal(workspaceManifests(index({}), '', below).length, 6);
  const pnpm = contextIndex({
    paths: [...paths, 'pnpm-workspace.yaml'],
    readText: (p) =>
      (
        ({
          'pnpm-workspace.yaml': 'packages:\n  - \'packages/**\'\n  - "!**/test/**"\n  - apps/*   # web\ncatalog:\n  react: ^18\n',
          'package.json': '{}',
        }) as Record<string, string>
      )[p],
  });
  assert.deepEqual(workspaceManifests(pnpm, '', paths), ['packages/a/package.json', 'packages/b/package.json', 'apps/web/package.json']);
  // A hostile glob ends (no backtracking blow-up, which would take minutes): a hang guard, not a speed measure.
  const hostile = contextIndex({
    paths: ['package.json', `${'a/'.repeat(40)}package.json`],
    readText: () => JSON.stringify({ workspaces: [`${'**/'.repeat(40)}b`] }),
  });
  const started = Date.now();
  assert.deepEqual(workspaceManifests(hostile, '', hostile.below('')), []);
  assert.ok(Date.now() - started < 5_000, `the hostile glob took ${Date.now() - started} ms`);
});

test('npm workspaces: the fix copies the declared workspaces only; a workspace .dockerignore left out is not named', () => {
  const text = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n';
  // libs/secret is ignored: the context the rule sees has no path under it.
  const a = one(text, ['package.json', 'package-lock.json', 'libs/x/package.json', 'libs/x/index.js', 'examples/e/package.json'], {
    'package.json': '{"workspaces":["libs/*"]}',
  });
  assert.equal(
    applied(text, a),
    'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY libs/x/package.json ./libs/x/\nRUN npm ci\nCOPY . .\n',
  );
});

test('BuildKit: the bind-mount form is the second fix, with a cache mount for npm; the classic builder gets only the COPY form', () => {
  const text = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n';
  const paths = ['package.json', 'package-lock.json'];
  const a = one(text, paths);
  assert.equal(a.fixes.length, 2);
  assert.deepEqual(
    a.fixes.map((f) => f.isPreferred),
    [true, false],
  );
  assert.equal(a.fixes[1].title, 'Install from package.json, package-lock.json mounted with BuildKit (RUN --mount), then copy the rest');
  assert.equal(
    applied(text, a, 1),
    'FROM node:20\nWORKDIR /app\nRUN --mount=type=bind,source=package.json,target=package.json --mount=type=bind,source=package-lock.json,target=package-lock.json --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\nRUN npm run build\n',
  );
  assert.equal(one(text, paths, {}, 'classic').fixes.length, 1);
  // An install that may rewrite its lockfile (npm install) would fail on a read-only bind mount: no such form.
  assert.equal(one('FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n', paths).fixes.length, 1);
  // Not root: no cache mount at root's home; an absolute destination becomes the mount target; the RUN's own flags stay.
  const user = 'FROM node:20\nUSER node\nWORKDIR /home/node/app\nCOPY . /home/node/app\nRUN --network=none npm ci\n';
  const b = one(user, paths);
  assert.equal(
    applied(user, b, 1),
    'FROM node:20\nUSER node\nWORKDIR /home/node/app\nRUN --mount=type=bind,source=package.json,target=/home/node/app/package.json --mount=type=bind,source=package-lock.json,target=/home/node/app/package-lock.json --network=none npm ci\nCOPY . /home/node/app\n',
  );
  // After the bind form the rule no longer fires.
  assert.deepEqual(advise({ text: applied(text, a, 1), builder: 'buildkit', rules: ['copy-before-install'], context: { paths } }), []);
});

test('a Go module in a subfolder: its go.mod and go.sum are copied into the folder WORKDIR names and downloaded there', () => {
  const text = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nWORKDIR /src/services/api\nRUN go build -o /out/api ./cmd/api\n';
  const paths = ['package.json', 'services/api/go.mod', 'services/api/go.sum', 'services/api/cmd/api/main.go'];
  const goMod = { 'services/api/go.mod': 'module example.com/api\n', 'backend/go.mod': 'module example.com/backend\n' };
  // Without go.mod's text a local replacement cannot be ruled out: no fix, and why.
  assert.match(one(text, paths).message, /go\.mod could not be read/);
  const a = one(text, paths, goMod);
  assert.equal(a.fixes.length, 1);
  assert.equal(a.fixes[0].title, 'Fetch the Go modules of services/api/go.mod before copying the sources');
  const out = applied(text, a);
  assert.equal(
    out,
    'FROM golang:1.22\nWORKDIR /src\nCOPY services/api/go.mod services/api/go.sum ./services/api/\nRUN cd /src/services/api && go mod download\nCOPY . .\nWORKDIR /src/services/api\nRUN go build -o /out/api ./cmd/api\n',
  );
  assert.deepEqual(advise({ text: out, rules: ['copy-before-install'], context: { paths } }), []);
  // The working folder below the module's root: the nearest go.mod up from it.
  const deeper = 'FROM golang:1.22\nCOPY backend /build/backend\nWORKDIR /build/backend/cmd/app\nRUN go build -o /app\n';
  assert.equal(
    applied(deeper, one(deeper, ['backend/go.mod', 'backend/cmd/app/main.go'], goMod)),
    'FROM golang:1.22\nCOPY backend/go.mod /build/backend/\nRUN cd /build/backend && go mod download\nCOPY backend /build/backend\nWORKDIR /build/backend/cmd/app\nRUN go build -o /app\n',
  );
  // go.mod replacing modules with local folders: no fix, and why.
  const replaced = one(text, paths, { 'services/api/go.mod': 'module x\nreplace example.com/lib => ../lib\n' });
  assert.equal(replaced.fixes.length, 0);
  assert.match(replaced.message, /replaces modules with local folders/);
  // A step between that reads the sources: no fix.
  const between = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN ./generate.sh\nWORKDIR /src/services/api\nRUN go build\n';
  assert.match(one(between, paths, goMod).message, /other build steps sit between/);
});

test('cargo: the message says where cargo-chef fits better than the dummy main.rs prefetch', () => {
  const a = one('FROM rust:1\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n', ['Cargo.toml', 'Cargo.lock', 'src/main.rs']);
  assert.match(a.message, /cargo-chef .* would also cache the compiled dependencies/);
  // cargo fetch may rewrite Cargo.lock: no read-only bind-mount form.
  assert.equal(a.fixes.length, 1);
});

test("on the corpus: the Go service inside hoppscotch's JS monorepo gets the subfolder fix; remark42's example module, which replaces its parent with ../../, gets none", () => {
  const corpus = loadCorpus();
  const find = (repo: string, path: string) => {
    const r = corpus.find((x) => x.repo === repo);
    const df = r?.dockerfiles.find((d) => d.path === path);
    assert.ok(r && df, `${repo} ${path} is in the corpus`);
    return { r, df };
  };
  const run = (repo: string, path: string, files: Record<string, string>) => {
    const { r, df } = find(repo, path);
    const paths = contextPaths(r, df);
    return { df, paths, advice: advise({ text: df.text, rules: ['copy-before-install'], context: { paths, readText: (p) => files[p] } }) };
  };
  // The corpus keeps paths, not texts: go.mod as a module without local replacements (hoppscotch), and remark42's
  // own line (`replace github.com/umputun/remark42/backend => ../../`, at the corpus commit).
  const hop = run('hoppscotch/hoppscotch', 'prod.Dockerfile', { 'packages/hoppscotch-selfhost-web/webapp-server/go.mod': 'module webapp-server\n\ngo 1.22\n' });
  const [a] = hop.advice;
  assert.equal(a.fixes[0]?.title, 'Fetch the Go modules of packages/hoppscotch-selfhost-web/webapp-server/go.mod before copying the sources');
  const fixed = applyEdits(hop.df.text, a.fixes[0].edits);
  assert.match(
    fixed,
    /COPY packages\/hoppscotch-selfhost-web\/webapp-server\/go\.mod packages\/hoppscotch-selfhost-web\/webapp-server\/go\.sum \.\/packages\/hoppscotch-selfhost-web\/webapp-server\/\nRUN cd \/usr\/src\/app\/packages\/hoppscotch-selfhost-web\/webapp-server && go mod download\nCOPY \. \.\n/,
  );
  assert.equal(advise({ text: fixed, rules: ['copy-before-install'], context: { paths: hop.paths } }).length, hop.advice.length - 1);
  const remark = run('umputun/remark42', 'backend/_example/memory_store/Dockerfile', {
    'backend/_example/memory_store/go.mod': 'module github.com/umputun/remark42/memory_store\n\nreplace github.com/umputun/remark42/backend => ../../\n',
  });
  assert.equal(remark.advice[0].fixes.length, 0);
  assert.match(remark.advice[0].message, /replaces modules with local folders/);
});

test('pnpm: a second fix in the `pnpm fetch` form (lockfile only, fetch, then the broad COPY and an offline install); the rule is quiet after it', () => {
  const text = [
    'FROM node:20',
    'WORKDIR /app',
    'RUN corepack enable',
    'COPY . .',
    'RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --frozen-lockfile --prod && \\',
    '    pnpm -r build',
    'CMD ["node", "apps/web/index.js"]',
    '',
  ].join('\n');
  const context = {
    paths: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc', 'apps/web/package.json', 'apps/web/index.js'],
    readText: (p: string) => (p === 'pnpm-workspace.yaml' ? 'packages:\n  - apps/*\n' : p === 'package.json' ? '{"name":"root"}' : undefined),
  };
  const [a] = advise({ text, context, rules: ['copy-before-install'] });
  const fetch = a.fixes.find((f) => f.title.includes('pnpm fetch'));
  assert.ok(fetch, a.fixes.map((f) => f.title).join('\n'));
  assert.equal(fetch.title, 'Fetch with `pnpm fetch` from pnpm-lock.yaml, pnpm-workspace.yaml, .npmrc before copying the sources, then install offline');
  assert.equal(fetch.isPreferred, false);
  const after = applyEdits(text, fetch.edits);
  assert.equal(
    after,
    [
      'FROM node:20',
      'WORKDIR /app',
      'RUN corepack enable',
      'COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./',
      'RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm fetch --prod',
      'COPY . .',
      'RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install --offline --frozen-lockfile --prod && \\',
      '    pnpm -r build',
      'CMD ["node", "apps/web/index.js"]',
      '',
    ].join('\n'),
  );
  assert.deepEqual(advise({ text: after, context, rules: ['copy-before-install'] }), []);
  // No lockfile: pnpm fetch has nothing to read, so the form is not offered (the manifest COPY still is).
  const [b] = advise({ text, context: { ...context, paths: context.paths.filter((p) => p !== 'pnpm-lock.yaml') }, rules: ['copy-before-install'] });
  assert.ok(b.fixes.length >= 1);
  assert.ok(!b.fixes.some((f) => f.title.includes('pnpm fetch')));
  // npm installs never get it.
  const [c] = advise({
    text: text.replace(/pnpm install --frozen-lockfile --prod/, 'npm ci'),
    context: { paths: ['package.json', 'package-lock.json'] },
    rules: ['copy-before-install'],
  });
  assert.ok(!c.fixes.some((f) => f.title.includes('pnpm fetch')));
});
