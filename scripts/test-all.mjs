// `npm test`: every tier, in order, with one closing line "N passed, N failed".
//   static   type-check, lint (with the import boundaries), format (Prettier), import cycles, bundles
//   unit     core, server, CLI and hostile-input tests, the history extractor (node:test)
//   oracle   predictions against real Docker engines (installs and starts them: scripts/engines)
//   e2e      the extension in a real VS Code (code-server + Chromium: scripts/vscode)
// A tier can be skipped only on purpose, and is then named: LAYERLENS_SKIP=oracle,e2e
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const skip = new Set(
  (process.env.LAYERLENS_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const results = [];
const started = Date.now();

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
    child.on('error', (e) => resolve({ code: 1, out: String(e) }));
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

async function tier(name, steps) {
  if (skip.has(name)) {
    results.push({ name, skipped: true });
    console.log(`\n### tier ${name}: SKIPPED (LAYERLENS_SKIP=${[...skip].join(',')})`);
    return;
  }
  console.log(`\n### tier ${name}`);
  let pass = 0;
  let fail = 0;
  for (const [label, cmd, args, env, counted] of steps) {
    const began = Date.now();
    const r = await run(cmd, args, env);
    const took = `${Math.round((Date.now() - began) / 1000)} s`;
    const c = counted ? counts(r.out) : { pass: r.code === 0 ? 1 : 0, fail: r.code === 0 ? 0 : 1 };
    // A runner that exits non-zero without a counted failure still failed.
    if (r.code !== 0 && c.fail === 0) c.fail = 1;
    pass += c.pass;
    fail += c.fail;
    console.log(`--- ${name}/${label}: ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`} (${took})`);
  }
  results.push({ name, pass, fail });
}

const node = process.execPath;
await tier('static', [
  ['typecheck', 'npx', ['tsc', '-p', '.', '--noEmit']],
  ['lint', 'npx', ['eslint', '.']],
  // the code as Prettier formats it (.prettierrc.json; fixtures, examples and prose are left as written)
  ['format', 'npx', ['prettier', '--check', '**/*.{ts,mjs,js}']],
  // no import cycle in the product's code (type imports count: they are how a cycle starts)
  ['cycles', 'npm', ['run', '--silent', 'cycles']],
  ['build', node, ['esbuild.mjs']],
]);
await tier('unit', [
  ['node:test', node, ['scripts/run-node-tests.mjs', 'test/core', 'test/server', 'test/cli', 'test/hostile', 'test/oracle/history'], {}, true],
]);
if (existsSync('test/oracle/oracle.test.ts')) {
  await tier('oracle', [
    ['engines', 'bash', ['scripts/engines/setup.sh']],
    ['start', 'bash', ['scripts/engines/start.sh']],
    ['builds', node, ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/oracle/oracle.test.ts'], {}, true],
    ['history', node, ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/oracle/history.test.ts'], {}, true],
    // discovery against `docker compose config` / `docker buildx bake --print` (plugins from setup, no daemon), and a
    // real `docker compose build` of a tiny project compared with the plan of its discovered configuration (BuildKit)
    ['configs', node, ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/oracle/configs.test.ts', 'test/oracle/composeBuild.test.ts'], {}, true],
    ['fixes', node, ['--import', 'tsx', '--test', '--test-reporter=spec', 'test/oracle/fixes.test.ts'], {}, true],
    ['real builds', node, ['scripts/run-node-tests.mjs', 'test/build'], {}, true],
  ]);
}
if (existsSync('scripts/vscode/run-e2e.mjs')) {
  await tier('e2e', [
    ['code-server', 'bash', ['scripts/vscode/setup.sh']],
    // The Build Image test needs the BuildKit engine; without it (never installed) that test says why it skips.
    ['engines', 'bash', ['-c', 'bash scripts/engines/start.sh buildkit || echo "BuildKit engine not started: the e2e build test will skip"']],
    ['vscode', node, ['scripts/vscode/run-e2e.mjs'], {}, true],
  ]);
}

console.log('\n### summary');
let pass = 0;
let fail = 0;
for (const r of results) {
  if (r.skipped) console.log(`${r.name}: skipped on purpose`);
  else {
    console.log(`${r.name}: ${r.pass} passed, ${r.fail} failed`);
    pass += r.pass;
    fail += r.fail;
  }
}
const skipped = results.filter((r) => r.skipped).map((r) => r.name);
console.log(`all tiers took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
console.log(`${pass} passed, ${fail} failed${skipped.length ? `, ${skipped.length} skipped` : ''}`);
process.exit(fail === 0 && pass > 0 ? 0 : 1);
