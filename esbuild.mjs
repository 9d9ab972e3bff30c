// Bundles the extension client, the language server, the CLI and the webview script.
// `--watch` rebuilds on change; `--dev` keeps bundles unminified with source maps.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const dev = process.argv.includes('--dev');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: !dev,
  sourcemap: dev,
  logLevel: 'warning',
  // jsonc-parser's main (UMD) build requires its modules at run time, which a bundle cannot hold: bundle its ES build.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
};

const builds = [{ ...node, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }];
if (existsSync('server/src/server.ts')) builds.push({ ...node, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' });
if (existsSync('client/src/extension.ts')) builds.push({ ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] });
if (existsSync('media/src/main.ts'))
  builds.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: !dev,
    sourcemap: dev,
    logLevel: 'warning',
    entryPoints: ['media/src/main.ts'],
    outfile: 'media/dist/main.js',
  });
if (existsSync('media/src/history.ts'))
  builds.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: !dev,
    sourcemap: dev,
    logLevel: 'warning',
    entryPoints: ['media/src/history.ts'],
    outfile: 'media/dist/history.js',
  });

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  // Written whole and renamed into place: tests rebuild the bundles while other tests run dist/cli.js (npm test runs
  // the oracle beside the unit tier), and a bundle read half-written would be a syntax error.
  const results = await Promise.all(builds.map((b) => esbuild.build({ ...b, write: false })));
  for (const file of results.flatMap((r) => r.outputFiles)) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents, { mode: file.path.endsWith('cli.js') ? 0o755 : 0o644 });
    renameSync(temp, file.path);
  }
}
