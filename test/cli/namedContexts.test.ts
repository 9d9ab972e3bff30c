// Named contexts through the real bundle: compose `additional_contexts` (a folder outside the workspace, as
// `../shared` usually is, an image, a remote), `--build-context`, recorded and planned again after edits. The named
// folder gets the context's guards: its own .dockerignore, symlinks never followed, a FIFO never opened.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-cli-named-'));
});

function cli(args: string[], cwd: string, store: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), LAYERLENS_STORE: store, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

type Step = { line: number; status: string; reason: string };
const steps = (out: string) => new Map((JSON.parse(out) as { steps: Step[] }).steps.map((s) => [s.line, `${s.status}: ${s.reason}`]));

function project(name: string) {
  const top = join(work, name);
  const app = join(top, 'app');
  const shared = join(top, 'shared');
  mkdirSync(app, { recursive: true });
  mkdirSync(join(shared, 'lib'), { recursive: true });
  writeFileSync(
    join(app, 'compose.yaml'),
    [
      'services:',
      '  api:',
      '    build:',
      '      context: .',
      '      additional_contexts:',
      '        shared: ../shared',
      '        tools: docker-image://busybox:1.36',
      '        upstream: https://github.com/example/repo.git#main',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(app, 'Dockerfile'),
    [
      'FROM alpine:3.19',
      'WORKDIR /app',
      'COPY --from=shared util.js ./',
      'COPY --from=shared . /shared/',
      'COPY --from=tools /bin/busybox /bin/bb',
      'COPY --from=upstream /README.md /r.md',
      'RUN true',
      '',
    ].join('\n'),
  );
  writeFileSync(join(app, 'main.js'), 'main');
  writeFileSync(join(shared, 'util.js'), 'v1');
  writeFileSync(join(shared, 'lib', 'a.js'), 'a');
  writeFileSync(join(shared, 'debug.log'), 'log 1');
  writeFileSync(join(shared, '.dockerignore'), '*.log\n');
  // A link out of the named folder: an entry, never followed (its target's content is not read).
  const outside = join(top, 'outside.txt');
  writeFileSync(outside, 'secret 1');
  symlinkSync(outside, join(shared, 'out-link'));
  // A FIFO: listed, never opened (opening it would block).
  execFileSync('mkfifo', [join(shared, 'pipe')]);
  return { top, app, shared, outside, store: join(work, `${name}-store.json`) };
}

void test('compose additional_contexts: a folder outside the workspace is read and recorded; its edits rebuild, naming NAME/path', () => {
  const p = project('compose');
  // The workspace is the app folder: ../shared is outside it, and still the build's declared input.
  const args = ['--compose', 'api', '--workspace', p.app];
  const recorded = cli(['record', ...args], p.app, p.store);
  assert.equal(recorded.code, 0, recorded.err);
  let plan = cli(['plan', ...args, '--json'], p.app, p.store);
  assert.equal(plan.code, 0, plan.err);
  let s = steps(plan.out);
  assert.equal(s.get(3), 'cached: unchanged since a recorded build');
  assert.equal(s.get(4), 'cached: unchanged since a recorded build');
  assert.equal(s.get(5), 'cached: unchanged since a recorded build');
  assert.equal(s.get(6), 'maybe: remote named context upstream: not planned');
  assert.equal(JSON.parse(plan.out).config.namedContexts.shared, p.shared);

  // Ignored by the named folder's .dockerignore, and the target of a link out of it: no change seen.
  writeFileSync(join(p.shared, 'debug.log'), 'log 2');
  writeFileSync(p.outside, 'secret 2');
  s = steps(cli(['plan', ...args, '--json'], p.app, p.store).out);
  assert.equal(s.get(3), 'cached: unchanged since a recorded build');
  assert.equal(s.get(4), 'cached: unchanged since a recorded build');

  writeFileSync(join(p.shared, 'util.js'), 'v2');
  plan = cli(['plan', ...args, '--json'], p.app, p.store);
  s = steps(plan.out);
  assert.equal(s.get(3), 'rebuilds: shared/util.js changed');
  assert.equal(s.get(4), 'rebuilds: parent step rebuilds: line 3 COPY (shared/util.js changed)');
  // The text table says the same.
  const text = cli(['plan', ...args], p.app, p.store);
  assert.match(text.out, /COPY --from=shared util\.js \.\/\s+rebuilds\s+shared\/util\.js changed/);

  // A file of the main context never counts for the named one.
  writeFileSync(join(p.shared, 'util.js'), 'v1');
  writeFileSync(join(p.app, 'main.js'), 'main 2');
  s = steps(cli(['plan', ...args, '--json'], p.app, p.store).out);
  assert.equal(s.get(3), 'cached: unchanged since a recorded build');
});

void test('--build-context NAME=VALUE as docker buildx build takes it; it wins over the configuration; a bad one is a usage error', () => {
  const p = project('flag');
  const args = ['plan', 'Dockerfile', '--build-context', 'shared=../shared', '--build-context', 'tools=docker-image://busybox:1.36', '--json'];
  assert.equal(cli(['record', ...args.slice(1, -1)], p.app, p.store).code, 0);
  let s = steps(cli(args, p.app, p.store).out);
  assert.equal(s.get(3), 'cached: unchanged since a recorded build');
  assert.equal(s.get(5), 'cached: unchanged since a recorded build');
  // upstream is not given here: an image reference, as before.
  assert.equal(s.get(6), 'cached: unchanged since a recorded build');
  writeFileSync(join(p.shared, 'lib', 'b.js'), 'b');
  s = steps(cli(args, p.app, p.store).out);
  assert.equal(s.get(3), 'cached: unchanged since a recorded build');
  assert.equal(s.get(4), 'rebuilds: shared/lib/b.js added');
  // Over the compose file's value.
  const over = cli(['plan', '--compose', 'api', '--workspace', p.app, '--build-context', 'shared=docker-image://alpine:3.19', '--json'], p.app, p.store);
  assert.equal(over.code, 0, over.err);
  assert.match(steps(over.out).get(3) ?? '', /^rebuilds: /);
  const bad = cli(['plan', '--build-context', 'shared'], p.app, p.store);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--build-context takes NAME=VALUE/);
  // A folder that is not there: said, and its steps are maybe.
  const missing = cli(['plan', '--build-context', 'shared=../nope', '--json'], p.app, p.store);
  assert.equal(missing.code, 0, missing.err);
  assert.match(missing.err, /named context shared: .*nope is not a folder/);
  assert.match(steps(missing.out).get(3) ?? '', /^maybe: named context shared \(.*nope\) is not read here: not planned$/);
});

void test("layerlens build refuses another build's output as a named context before running docker, saying what to use", () => {
  const p = project('build');
  const r = cli(['build', '--build-context', 'base=target:base'], p.app, p.store);
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /named context base=target:base is another build's output: docker buildx build cannot make it; build with docker buildx bake or docker compose build\./,
  );
});
