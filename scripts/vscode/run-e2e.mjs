// The end-to-end tier: the extension in a real VS Code (code-server in headless Chromium).
// Installs code-server (cached outside the repo), builds and packages the .vsix, runs the packaging tests
// (test/e2e/package.test.ts, node:test) and the e2e suite (test/e2e/*.e2e.ts, mocha), then prints one line
// `N passed, N failed` covering both. Screenshots and logs land in .artifacts/e2e/.
// Extra arguments go to mocha, e.g. `npm run test:e2e -- --grep restart`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
// LAYERLENS_E2E_ARTIFACTS: another folder for screenshots, logs and the .vsix (for runs side by side).
const artifacts = process.env.LAYERLENS_E2E_ARTIFACTS ? resolve(process.env.LAYERLENS_E2E_ARTIFACTS) : join(root, '.artifacts/e2e');
const vsix = join(artifacts, 'layer-lens.vsix');
const node = process.execPath;
const counts = { passed: 0, failed: 0 };
const started = Date.now();

function finish() {
  console.log(`\ne2e tier finished in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots and logs in ${artifacts}`);
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  process.exit(counts.failed > 0 || counts.passed === 0 ? 1 : 0);
}

/** Runs a preparation step; a failed step counts as one failed test and ends the tier. */
function prepare(title, command, args, options = {}) {
  const t0 = Date.now();
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    console.error(`e2e: ${title} failed (${result.error?.message ?? `exit ${result.status}`})`);
    counts.failed += 1;
    finish();
  }
  console.log(`e2e: ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result.stdout;
}

rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });

const codeServerDir = prepare('code-server ready', 'bash', [join(root, 'scripts/vscode/setup.sh')])
  .trim()
  .split('\n')
  .pop();
// Packaged the way the README's Install section says (`npm run package`: bundles, then vsce), into the artifacts.
prepare('extension packaged (npm run package)', 'npm', ['run', 'package', '--', '--out', vsix]);
console.log(`e2e: ${vsix} is ${(statSync(vsix).size / 1024).toFixed(1)} KiB`);

// Packaging tests (node:test): spec output for people, TAP in a file for the counts. The spec output is
// indented so that its own summary ("ℹ pass 4") is not mistaken for this tier's closing line.
const tap = join(artifacts, 'package-tests.tap');
const packageTests = spawnSync(
  node,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    'test/e2e/package.test.ts',
  ],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
process.stdout.write((packageTests.stdout ?? '').replace(/^(?=.)/gm, '  '));
const tapText = (() => {
  try {
    return readFileSync(tap, 'utf8');
  } catch {
    return '';
  }
})();
const tapPass = Number(/^# pass (\d+)/m.exec(tapText)?.[1] ?? 0);
const tapFail = Number(/^# fail (\d+)/m.exec(tapText)?.[1] ?? 0);
counts.passed += tapPass;
counts.failed += tapFail + (tapPass + tapFail === 0 ? 1 : 0);

// The e2e suite (mocha, one code-server for all files; hooks.ts starts and stops it).
const e2eFiles = readdirSync(join(root, 'test/e2e'))
  .filter((name) => name.endsWith('.e2e.ts'))
  .sort()
  .map((name) => `test/e2e/${name}`);
const mocha = spawn(
  node,
  [
    '--import',
    'tsx',
    join(root, 'node_modules/mocha/bin/mocha.js'),
    '--exit',
    '--timeout',
    '120000',
    '--reporter',
    'spec',
    'test/e2e/hooks.ts',
    ...e2eFiles,
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LAYERLENS_E2E_ARTIFACTS: artifacts, LAYERLENS_E2E_CODE_SERVER: codeServerDir, LAYERLENS_E2E_VSIX: vsix },
  },
);
// Mocha's own exit handler ends code-server and Chromium; pass interruptions on so it gets to run.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => mocha.kill(signal));
let output = '';
mocha.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
mocha.on('close', (code) => {
  const passing = Number(/^\s*(\d+) passing/m.exec(output)?.[1] ?? 0);
  const failing = Number(/^\s*(\d+) failing/m.exec(output)?.[1] ?? 0);
  counts.passed += passing;
  counts.failed += failing + (code !== 0 && failing === 0 ? 1 : 0);
  finish();
});
