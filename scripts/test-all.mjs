// `npm test`: every tier, with one closing line "N passed, N failed".
//   static   type-check, lint (with the import boundaries), format (Prettier), import cycles, bundles
//   unit     core, server, CLI and hostile-input tests, the history extractor (node:test)
//   oracle   predictions against real Docker engines (installs and starts them: scripts/engines)
//   e2e      the extension in a real VS Code (code-server + Chromium: scripts/vscode)
// A tier can be skipped only on purpose, and is then named: LAYERLENS_SKIP=oracle,e2e
//
// Two tracks run side by side, because the oracle mostly waits for the Docker daemons while the other tiers
// mostly use the CPU (on a 2-core machine the tiers one after another took 29 min, side by side about 20):
//   engines  engines setup + start (from the first second), then the oracle's steps once the bundles are built
//   editor   static, unit, then code-server setup (after the engines' apt-get: both use dpkg) and e2e (after the
//            engines are up: its build tests use the BuildKit engine, under the same per-engine lock as the oracle)
// Each step's output is printed as one block when the step ends (never interleaved), with a line every two
// minutes naming the steps still running. LAYERLENS_SERIAL=1 runs the steps one after another, streaming.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setInterval, clearInterval } from 'node:timers';

const skip = new Set(
  (process.env.LAYERLENS_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const serial = process.env.LAYERLENS_SERIAL === '1';
const started = Date.now();
const running = new Map();
const seconds = (since) => `${Math.round((Date.now() - since) / 1000)} s`;

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (stream) => (d) => {
      out += d;
      if (serial) stream.write(d);
    };
    child.stdout.on('data', take(process.stdout));
    child.stderr.on('data', take(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
    child.on('error', (e) => resolve({ code: 1, out: `${out}\n${String(e)}` }));
  });
}

/** Counts from node's test runner ("ℹ pass N") or a plain "N passed, N failed" line. */
function counts(out) {
  const pass = [...out.matchAll(/^ℹ pass (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
  const fail = [...out.matchAll(/^ℹ fail (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
  if (pass || fail) return { pass, fail };
  const plain = [...out.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)].at(-1);
  return plain ? { pass: Number(plain[1]), fail: Number(plain[2]) } : { pass: 0, fail: 0 };
}

const tiers = new Map(['static', 'unit', 'oracle', 'e2e'].map((name) => [name, { name, pass: 0, fail: 0, ran: false }]));
for (const name of skip) if (tiers.has(name)) console.log(`### tier ${name}: SKIPPED (LAYERLENS_SKIP=${[...skip].join(',')})`);

/** Runs one step of a tier (nothing when the tier is skipped); resolves with its exit code. */
async function step(tierName, label, cmd, args, { env = {}, counted = false } = {}) {
  if (skip.has(tierName)) return 0;
  const t = tiers.get(tierName);
  t.ran = true;
  const name = `${tierName}/${label}`;
  const began = Date.now();
  running.set(name, began);
  if (serial) console.log(`\n### ${name}`);
  const r = await run(cmd, args, env);
  running.delete(name);
  const c = counted ? counts(r.out) : { pass: r.code === 0 ? 1 : 0, fail: r.code === 0 ? 0 : 1 };
  // A runner that exits non-zero without a counted failure still failed.
  if (r.code !== 0 && c.fail === 0) c.fail = 1;
  t.pass += c.pass;
  t.fail += c.fail;
  if (!serial) process.stdout.write(`\n### ${name}\n${r.out}${r.out.endsWith('\n') || !r.out ? '' : '\n'}`);
  console.log(`--- ${name}: ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`} (${seconds(began)}; ${seconds(started)} since npm test started)`);
  return r.code;
}

const heartbeat = serial
  ? undefined
  : setInterval(() => {
      const now = [...running].map(([name, began]) => `${name} (${seconds(began)})`).join(', ');
      console.log(`... ${seconds(started)}: running ${now || 'nothing'}`);
    }, 120_000);

const node = process.execPath;
const oracle = existsSync('test/oracle/oracle.test.ts');
const e2e = existsSync('scripts/vscode/run-e2e.mjs');

async function staticTier() {
  await step('static', 'typecheck', 'npx', ['tsc', '-p', '.', '--noEmit']);
  await step('static', 'lint', 'npx', ['eslint', '.']);
  // the code as Prettier formats it (.prettierrc.json; fixtures, examples and prose are left as written)
  await step('static', 'format', 'npx', ['prettier', '--check', '**/*.{ts,mjs,js}']);
  // no import cycle in the product's code (type imports count: they are how a cycle starts)
  await step('static', 'cycles', 'npm', ['run', '--silent', 'cycles']);
  await step('static', 'build', node, ['esbuild.mjs']);
}

const unitTier = () =>
  step('unit', 'node:test', node, ['scripts/run-node-tests.mjs', 'test/core', 'test/server', 'test/cli', 'test/hostile', 'test/oracle/history'], {
    counted: true,
  });

const setupEngines = () => oracle && step('oracle', 'engines', 'bash', ['scripts/engines/setup.sh']);
// Side by side, the daemons run niced: the e2e tier's real VS Code waits on timeouts, the builds only take longer.
const startEngines = () => oracle && step('oracle', 'start', 'bash', ['scripts/engines/start.sh'], { env: serial ? {} : { LL_NICE: '10' } });

async function oracleTests() {
  if (!oracle) return;
  const test = (label, files) => step('oracle', label, node, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { counted: true });
  await test('builds', ['test/oracle/oracle.test.ts']);
  await test('history', ['test/oracle/history.test.ts']);
  // discovery against `docker compose config` / `docker buildx bake --print` (plugins from setup, no daemon), and a
  // real `docker compose build` and `docker buildx bake` of a tiny project compared with the plan of its discovered
  // configuration (BuildKit)
  await test('configs', ['test/oracle/configs.test.ts', 'test/oracle/composeBuild.test.ts', 'test/oracle/bakeNamedBuild.test.ts']);
  await test('fixes', ['test/oracle/fixes.test.ts']);
  await step('oracle', 'real builds', node, ['scripts/run-node-tests.mjs', 'test/build'], { counted: true });
}

const setupCodeServer = () => e2e && step('e2e', 'code-server', 'bash', ['scripts/vscode/setup.sh']);

async function e2eTests() {
  if (!e2e) return;
  if (!oracle || skip.has('oracle')) {
    // The Build Image test needs the BuildKit engine; without it (never installed) that test says why it skips.
    await step('e2e', 'engines', 'bash', ['-c', 'bash scripts/engines/start.sh buildkit || echo "BuildKit engine not started: the e2e build test will skip"']);
  }
  await step('e2e', 'vscode', node, ['scripts/vscode/run-e2e.mjs'], { counted: true });
}

if (serial) {
  await staticTier();
  await unitTier();
  await setupEngines();
  await startEngines();
  await oracleTests();
  await setupCodeServer();
  await e2eTests();
} else {
  const built = staticTier();
  const installed = Promise.resolve(setupEngines());
  const enginesUp = installed.then(startEngines);
  const engines = Promise.all([enginesUp, built]).then(oracleTests);
  const editor = built
    .then(unitTier)
    .then(() => installed)
    .then(setupCodeServer)
    .then(() => enginesUp)
    .then(e2eTests);
  await Promise.all([engines, editor]);
  clearInterval(heartbeat);
}

console.log('\n### summary');
let pass = 0;
let fail = 0;
for (const t of tiers.values()) {
  if (skip.has(t.name)) console.log(`${t.name}: skipped on purpose`);
  else if (t.ran) {
    console.log(`${t.name}: ${t.pass} passed, ${t.fail} failed`);
    pass += t.pass;
    fail += t.fail;
  }
}
console.log(`all tiers took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
console.log(`${pass} passed, ${fail} failed${skip.size ? `, ${[...skip].filter((n) => tiers.has(n)).length} skipped` : ''}`);
process.exit(fail === 0 && pass > 0 ? 0 : 1);
