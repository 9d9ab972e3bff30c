// `npm run test:vscode`: the @vscode/test-cli integration suite, inside a downloaded desktop VS Code.
// Machines that cannot download VS Code (like the project's own) say so in one line and exit 0; the e2e tier
// (npm run test:e2e) tests the extension in code-server there instead.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { downloadAndUnzipVSCode } from '@vscode/test-electron';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cachePath = join(process.env.LAYERLENS_TOOLS ?? join(process.env.HOME ?? root, '.cache/layer-lens'), 'vscode-desktop');

let executable;
try {
  executable = await downloadAndUnzipVSCode({
    version: process.env.LAYERLENS_VSCODE_VERSION ?? 'stable',
    cachePath,
    timeout: 15_000,
    reporter: quietReporter(),
  });
} catch (error) {
  console.log(
    `test:vscode skipped: VS Code could not be downloaded on this machine (${firstLine(error)}); npm run test:e2e covers the extension in code-server.`,
  );
  process.exit(0);
}

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const testsDir = join(root, 'test/vscode-integration');
await esbuild.build({
  entryPoints: readdirSync(testsDir)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(testsDir, name)),
  outdir: join(root, '.artifacts/vscode-test'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});

// Desktop VS Code on Linux needs a display; use a virtual one when there is none and xvfb-run exists.
const cli = [join(root, 'node_modules/@vscode/test-cli/out/bin.mjs'), '--config', join(root, '.vscode-test.mjs')];
const headless = process.platform === 'linux' && !process.env.DISPLAY && spawnSync('which', ['xvfb-run']).status === 0;
const [command, args] = headless ? ['xvfb-run', ['-a', process.execPath, ...cli]] : [process.execPath, cli];
const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, LAYERLENS_VSCODE_EXECUTABLE: executable } });
process.exit(run.status ?? 1);

function firstLine(error) {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}

function quietReporter() {
  return { report: () => undefined, error: () => undefined };
}
