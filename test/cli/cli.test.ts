// The `layerlens` contract, through the real bundle: output shapes, exit codes, messages, bad input.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-cli-'));
});

function cli(args: string[], opts: { cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: opts.cwd ?? work,
    encoding: 'utf8',
    env: { ...process.env, LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function project(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), content);
  }
  return dir;
}

const nodeApp = {
  Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . /app\nRUN npm install\nEXPOSE 3000\nCMD ["node", "src/app.js"]\n',
  'package.json': '{}',
  'src/app.js': 'v1',
};

test('plan --json: one entry per instruction in file order, exactly the documented fields', () => {
  const dir = project('json', { ...nodeApp, Dockerfile: 'ARG V=1\n' + nodeApp.Dockerfile });
  const r = cli(['plan', '--json', '--store', join(dir, '..', 'json-store.json')], { cwd: dir });
  assert.equal(r.code, 0, r.err);
  const { steps } = JSON.parse(r.out);
  assert.deepEqual(
    steps.map((s: { line: number }) => s.line),
    [1, 2, 3, 4, 5, 6, 7],
  );
  for (const s of steps) assert.deepEqual(Object.keys(s), ['line', 'keyword', 'stage', 'layer', 'status', 'reason', 'cause']);
  assert.deepEqual(steps[0], {
    line: 1,
    keyword: 'ARG',
    stage: '(global)',
    layer: 'none',
    status: 'none',
    reason: 'global ARG: usable only in FROM lines unless a stage declares it again',
    cause: { code: 'globalArg' },
  });
  assert.equal(steps[1].stage, '0');
});

test('record then plan: cached; simulate a source edit: COPY and the install rebuild; the store stays outside the context', () => {
  const dir = project('cycle', nodeApp);
  const store = join(work, 'cycle-store.json');
  assert.equal(cli(['record', join(dir, 'Dockerfile'), '--store', store]).code, 0);
  const planned = JSON.parse(cli(['plan', join(dir, 'Dockerfile'), '--store', store, '--json']).out);
  assert.deepEqual(
    planned.steps.map((s: { status: string }) => s.status),
    ['cached', 'cached', 'cached', 'cached', 'none', 'none'],
  );
  const sim = cli(['simulate', join(dir, 'Dockerfile'), '--store', store, '--change', 'src/app.js']);
  assert.equal(sim.code, 0, sim.err);
  assert.match(sim.out, /COPY \. \/app\s+rebuilds\s+src\/app\.js changed/);
  assert.match(sim.out, /RUN npm install\s+rebuilds\s+parent step rebuilds: line 3 COPY \(src\/app\.js changed\)/);
  assert.match(sim.out, /2 of 4 build steps rebuild; first miss: line 3 COPY \(src\/app\.js changed\)\./);
  assert.deepEqual(readdirSync(dir).sort(), ['Dockerfile', 'package.json', 'src']);
});

test('a real edit after record is explained; reverting is cached again', () => {
  const dir = project('revert', nodeApp);
  const store = join(work, 'revert-store.json');
  const plan = () => JSON.parse(cli(['plan', join(dir, 'Dockerfile'), '--store', store, '--json']).out).steps[2];
  cli(['record', join(dir, 'Dockerfile'), '--store', store]);
  writeFileSync(join(dir, 'src/app.js'), 'v2');
  assert.deepEqual([plan().status, plan().reason], ['rebuilds', 'src/app.js changed']);
  cli(['record', join(dir, 'Dockerfile'), '--store', store]);
  writeFileSync(join(dir, 'src/app.js'), 'v1');
  assert.equal(plan().status, 'cached');
});

test('simulate --edit-line marks that instruction edited (and the Dockerfile itself changed)', () => {
  const dir = project('editline', nodeApp);
  const r = JSON.parse(cli(['simulate', join(dir, 'Dockerfile'), '--edit-line', '4', '--json', '--store', join(work, 'el.json')]).out);
  assert.deepEqual(
    r.steps.map((s: { status: string }) => s.status),
    ['cached', 'cached', 'rebuilds', 'rebuilds', 'none', 'none'],
  );
  assert.equal(r.steps[2].reason, 'Dockerfile changed');
});

test('usage errors exit 2 with a message that says what to do', () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /Name a command: plan, record, simulate, check or fix/],
    [['deploy'], /Unknown command "deploy"/],
    [['plan', '--builder', 'kaniko'], /--builder must be buildkit or classic/],
    [['plan', '--nope'], /Unknown option '--nope'/],
    [['simulate', 'Dockerfile'], /Tell simulate what changes/],
    [['plan', '--change', 'x'], /--change and --edit-line belong to "layerlens simulate"/],
    [['plan', 'a', 'b'], /Unexpected argument "b"/],
  ];
  const dir = project('usage', nodeApp);
  for (const [args, message] of cases) {
    const r = cli(args, { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.match(r.err, /Usage:/);
  }
  assert.equal(cli(['--help']).code, 0);
});

test('--platform: os/arch[/variant] on plan, record and simulate; a bad value exits 2 and says the form', () => {
  const dir = project('platform', { Dockerfile: 'FROM node:20\nARG TARGETARCH\nRUN env\n', 'a.txt': 'a' });
  const store = join(dir, 'store.json');
  const base = ['--store', store, '--context', dir];
  assert.equal(cli(['record', join(dir, 'Dockerfile'), ...base, '--platform', 'linux/amd64']).code, 0);
  const same = cli(['plan', join(dir, 'Dockerfile'), ...base, '--platform', 'linux/x86_64', '--json']);
  assert.equal(same.code, 0, same.err);
  const other = cli(['plan', join(dir, 'Dockerfile'), ...base, '--platform', 'LINUX/ARM64', '--json']);
  assert.equal(other.code, 0, other.err);
  const steps = (r: { out: string }) => (JSON.parse(r.out) as { steps: Array<{ status: string; reason: string }> }).steps;
  assert.deepEqual(
    steps(same).map((s) => s.status),
    ['cached', 'none', 'cached'],
  );
  assert.deepEqual(
    steps(other).map((s) => s.status),
    ['rebuilds', 'none', 'rebuilds'],
  );
  assert.equal(steps(other)[0].reason, 'platform changed: linux/arm64 (was linux/amd64)');
  assert.equal(cli(['simulate', join(dir, 'Dockerfile'), ...base, '--platform', 'arm64', '--change', 'a.txt']).code, 0);
  for (const bad of ['linux//arm64', 'foo', 'linux/amd64/v2/x', '']) {
    const r = cli(['plan', join(dir, 'Dockerfile'), ...base, '--platform', bad]);
    assert.equal(r.code, 2, `${bad}: ${r.err}`);
    assert.match(r.err, /--platform takes os\/arch\[\/variant\], e\.g\. linux\/amd64 or linux\/arm64: ".*" is not one \(.+\)\./);
    assert.match(r.err, /Usage:/);
  }
});

test('a build that fails (classic FROM --platform=$BUILDPLATFORM): plan shows the error and no verdicts, record refuses (exit 1)', () => {
  const dir = project('platform-fails', { Dockerfile: 'FROM --platform=$BUILDPLATFORM node:20\nRUN echo a\n' });
  const args = [join(dir, 'Dockerfile'), '--store', join(dir, 'store.json'), '--builder', 'classic'];
  const plan = cli(['plan', ...args, '--json']);
  assert.equal(plan.code, 0, plan.err);
  const out = JSON.parse(plan.out) as { steps: Array<{ status: string }>; diagnostics: Array<{ severity: string; message: string }> };
  assert.deepEqual(
    out.steps.map((s) => s.status),
    ['skipped', 'skipped'],
  );
  assert.match(
    out.diagnostics[0].message,
    /Declare it before the first FROM with a value, e\.g\. "ARG BUILDPLATFORM=linux\/[a-z0-9]+.*", or build with BuildKit/,
  );
  const rec = cli(['record', ...args]);
  assert.equal(rec.code, 1);
  assert.match(rec.err, /nothing recorded: this build fails at line 1: FROM --platform=\$BUILDPLATFORM: the classic builder has no automatic platform args/);
  assert.equal(existsSync(join(dir, 'store.json')), false);
  // BuildKit builds it.
  const bk = cli(['record', join(dir, 'Dockerfile'), '--store', join(dir, 'store.json')]);
  assert.equal(bk.code, 0, bk.err);
});

test('input it cannot read exits 1 with a clear message, never a stack trace', () => {
  const dir = project('bad', { 'bin/Dockerfile': '', 'ok/Dockerfile': 'FROM x\n' });
  writeFileSync(join(dir, 'bin/Dockerfile'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
  writeFileSync(join(dir, 'huge.Dockerfile'), Buffer.alloc(11 * 1024 * 1024, 'a'));
  const cases: Array<[string[], RegExp]> = [
    [['plan', join(dir, 'missing')], /Cannot find a Dockerfile at .*missing\. Pass its path/],
    [['plan', dir], /is a folder\. Pass the Dockerfile inside it/],
    [['plan', join(dir, 'bin/Dockerfile')], /looks like a binary file/],
    [['plan', join(dir, 'huge.Dockerfile')], /11\.0 MB, more than Layer Lens analyses \(limit 256 KB\)/],
    [['plan', join(dir, 'ok/Dockerfile'), '--context', join(dir, 'nope')], /is not a folder\. Pass --context/],
  ];
  for (const [args, message] of cases) {
    const r = cli([...args, '--store', join(work, 'bad.json')]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.doesNotMatch(r.err, /at .*\.js:\d+/);
  }
});

test('broken Dockerfiles and hostile contexts still get verdicts for what can be known', () => {
  const dir = project('hostile', { Dockerfile: 'FROM x\nBOGUS y\nCOPY ../outside /o\nCOPY . /app\nRUN <<EOF\necho\n', 'a.txt': 'a' });
  symlinkSync('loop', join(dir, 'loop'));
  symlinkSync('.', join(dir, 'self'));
  mkdirSync(join(dir, 'locked'));
  writeFileSync(join(dir, 'locked', 'f'), 'x');
  chmodSync(join(dir, 'locked'), 0o000);
  const r = cli(['plan', join(dir, 'Dockerfile'), '--json', '--store', join(work, 'hostile.json')]);
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.deepEqual(
    out.steps.map((s: { keyword: string }) => s.keyword),
    ['FROM', 'BOGUS', 'COPY', 'COPY', 'RUN'],
  );
  assert.match(out.diagnostics.map((d: { message: string }) => d.message).join('\n'), /Unknown instruction "BOGUS"[\s\S]*Unterminated heredoc/);
  chmodSync(join(dir, 'locked'), 0o755);
});

test('the store: corrupt files are moved aside, foreign files are never overwritten', () => {
  const dir = project('store', nodeApp);
  const corrupt = join(work, 'corrupt.json');
  writeFileSync(corrupt, '{"format":"layer-lens-cache-store", trunc');
  const r1 = cli(['record', join(dir, 'Dockerfile'), '--store', corrupt]);
  assert.equal(r1.code, 0, r1.err);
  assert.match(r1.err, /cannot be used: it is not valid JSON.*empty store/);
  assert.match(r1.err, /kept as .*corrupt\.json\.corrupt-\d+/);
  assert.equal(JSON.parse(readFileSync(corrupt, 'utf8')).format, 'layer-lens-cache-store');
  const foreign = join(work, 'package.json');
  writeFileSync(foreign, '{"name":"mine"}');
  const r2 = cli(['record', join(dir, 'Dockerfile'), '--store', foreign]);
  assert.equal(r2.code, 1);
  assert.match(r2.err, /not a Layer Lens store .* left untouched\. Pass --store with another path/);
  assert.equal(readFileSync(foreign, 'utf8'), '{"name":"mine"}');
  const planned = cli(['plan', join(dir, 'Dockerfile'), '--store', foreign]);
  assert.equal(planned.code, 0);
  assert.match(planned.err, /not a Layer Lens cache store/);
  const newer = join(work, 'newer.json');
  writeFileSync(newer, '{"format":"layer-lens-cache-store","version":99}');
  assert.match(cli(['record', join(dir, 'Dockerfile'), '--store', newer]).err, /newer Layer Lens/);
  assert.ok(!existsSync(join(dir, 'cache-store.json')));
});

test('the table is plain when piped and lists every instruction', () => {
  const dir = project('table', nodeApp);
  const r = cli(['plan', join(dir, 'Dockerfile'), '--store', join(work, 'table.json')]);
  assert.equal(r.code, 0);
  assert.ok(!r.out.includes('\u001b['), 'no colour codes when piped');
  assert.match(r.out, /^LINE\s+STAGE\s+INSTRUCTION\s+STATUS\s+REASON$/m);
  assert.equal(r.out.split('\n').filter((l) => /^\s+\d+\s/.test(l)).length, 6);
});

test('--build-arg __proto__=... is a build arg like any other: recorded, and a new value rebuilds the RUN that uses it', () => {
  const dir = project('proto-arg', { Dockerfile: 'FROM alpine\nARG __proto__\nRUN echo "$__proto__"\n' });
  const store = join(work, 'proto-arg-store.json');
  assert.equal(cli(['record', join(dir, 'Dockerfile'), '--store', store, '--build-arg', '__proto__=x']).code, 0);
  const same = JSON.parse(cli(['plan', join(dir, 'Dockerfile'), '--store', store, '--build-arg', '__proto__=x', '--json']).out);
  assert.equal(same.steps[2].status, 'cached');
  const changed = JSON.parse(cli(['plan', join(dir, 'Dockerfile'), '--store', store, '--build-arg', '__proto__=y', '--json']).out);
  assert.deepEqual([changed.steps[2].status, changed.steps[2].reason], ['rebuilds', 'build arg __proto__ changed']);
});
