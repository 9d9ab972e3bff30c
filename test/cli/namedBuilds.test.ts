// Bake `contexts = { base = "target:base" }` through the real bundle: `layerlens plan --bake app` plans the target
// base too (its own Dockerfile, context and args) and says what it comes to; recording app records base's keys (bake
// builds base with it). Without the Bake file (`--build-context base=target:base` alone), a target it does not declare,
// or a cycle, the named context stays 'maybe'.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-cli-named-builds-'));
});

function cli(args: string[], cwd: string, store: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '',
      LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'),
      LAYERLENS_STORE: store,
      NO_COLOR: '1',
      LAYERLENS_NO_BAKE_PRINT: '1',
    },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

type Step = { line: number; status: string; reason: string };
function steps(r: { code: number | null; out: string; err: string }) {
  assert.equal(r.code, 0, r.err);
  return new Map((JSON.parse(r.out) as { steps: Step[] }).steps.map((s) => [s.line, `${s.status}: ${s.reason}`]));
}

function project(name: string, targets: Record<string, unknown>) {
  const dir = join(work, name);
  mkdirSync(join(dir, 'base'), { recursive: true });
  writeFileSync(join(dir, 'docker-bake.json'), JSON.stringify({ target: targets }));
  // base has its own context folder and a build arg: both are what bake gives it, not app's
  writeFileSync(join(dir, 'base', 'Dockerfile'), ['FROM alpine:3.19', 'ARG FLAVOR', 'COPY base.txt ./', 'RUN echo $FLAVOR > /flavor', ''].join('\n'));
  writeFileSync(join(dir, 'base', 'base.txt'), 'b1');
  writeFileSync(join(dir, 'app.Dockerfile'), ['FROM base', 'COPY app.txt ./', 'RUN cat app.txt', ''].join('\n'));
  writeFileSync(join(dir, 'app.txt'), 'a1');
  return { dir, store: join(work, `${name}-store.json`) };
}

const TARGETS = {
  base: { context: 'base', args: { FLAVOR: 'mint' } },
  app: { context: '.', dockerfile: 'app.Dockerfile', contexts: { base: 'target:base' } },
};

void test('plan --bake: a target: named context is planned from that target, with its own context and args; record keeps its keys', () => {
  const p = project('basic', TARGETS);
  const plan = () => steps(cli(['plan', '--bake', 'app', '--json'], p.dir, p.store));
  assert.equal(plan().get(1), 'rebuilds: named context base (target:base) rebuilds: its line 1 FROM (Dockerfile)');
  const rec = cli(['record', '--bake', 'app'], p.dir, p.store);
  assert.equal(rec.code, 0, rec.err);
  // app's 3 steps and base's 3 (FROM, COPY, RUN)
  assert.match(rec.out, /Recorded 6 step keys/);
  const same = plan();
  assert.equal(same.get(1), 'cached: named context base (target:base): every step of it cached');
  assert.equal(same.get(3), 'cached: unchanged since a recorded build');
  // base's context, not app's: a base.txt in app's folder changes nothing
  writeFileSync(join(p.dir, 'base.txt'), 'not read');
  assert.equal(plan().get(1), 'cached: named context base (target:base): every step of it cached');
  writeFileSync(join(p.dir, 'base', 'base.txt'), 'b2');
  const changed = plan();
  assert.equal(changed.get(1), 'rebuilds: named context base (target:base) rebuilds: its line 3 COPY (Dockerfile)');
  assert.equal(changed.get(2), 'rebuilds: parent step rebuilds: line 1 FROM (named context base (target:base) rebuilds: its line 3 COPY (Dockerfile))');
  writeFileSync(join(p.dir, 'base', 'base.txt'), 'b1');
  // base's build arg is in its keys: another value reruns its RUN, and app on top of it
  writeFileSync(join(p.dir, 'docker-bake.json'), JSON.stringify({ target: { ...TARGETS, base: { context: 'base', args: { FLAVOR: 'lime' } } } }));
  assert.equal(plan().get(1), 'rebuilds: named context base (target:base) rebuilds: its line 4 RUN (Dockerfile)');
});

void test("--build-context base=target:base without a Bake file that declares it stays 'maybe', as before", () => {
  const p = project('plain', TARGETS);
  const r = steps(cli(['plan', 'app.Dockerfile', '--build-context', 'base=target:base', '--json'], p.dir, p.store));
  assert.equal(r.get(1), 'maybe: named context base is the output of target:base: not planned (cached only if its files come out identical)');
  // --bake app with the command line giving base another value: that value, not the target
  const over = steps(cli(['plan', '--bake', 'app', '--build-context', 'base=docker-image://alpine:3.20', '--json'], p.dir, p.store));
  assert.equal(over.get(1), 'rebuilds: not built yet: no recorded build');
});

void test("a target the Bake file does not declare, or a cycle, leaves the named context 'maybe'; nothing hangs", () => {
  const missing = project('missing', { app: TARGETS.app });
  assert.match(
    steps(cli(['plan', '--bake', 'app', '--json'], missing.dir, missing.store)).get(1) ?? '',
    /^maybe: named context base is the output of target:base: not planned/,
  );
  // app reads target:base, base reads target:app: bake refuses the loop; the plan follows it once and stops there
  const loop = project('loop', { ...TARGETS, base: { context: 'base', contexts: { alpine: 'target:app' } } });
  writeFileSync(join(loop.dir, 'base', 'Dockerfile'), ['FROM alpine', 'COPY base.txt ./', ''].join('\n'));
  assert.equal(cli(['record', '--bake', 'app'], loop.dir, loop.store).code, 0);
  assert.equal(
    steps(cli(['plan', '--bake', 'app', '--json'], loop.dir, loop.store)).get(1),
    'maybe: named context base (target:base) may rebuild: its line 1 FROM (Dockerfile)',
  );
  assert.equal(
    steps(cli(['plan', '--bake', 'base', '--json'], loop.dir, loop.store)).get(1),
    'maybe: named context alpine (target:app) may rebuild: its line 1 FROM (app.Dockerfile)',
  );
});
