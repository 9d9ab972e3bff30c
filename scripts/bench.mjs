#!/usr/bin/env node
// `npm run bench [-- options]`: runs bench/run.ts (TypeScript, through tsx) in a fresh Node with
// --expose-gc, so garbage from one measurement can be collected before the next.
// Options (see bench/run.ts): --sizes=1k,10k,100k --edits=30 --no-docker --start-engine --profile --history-only
// --json=FILE --clean. Not a test: it prints figures, ratios and which targets are met.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const child = spawn(
  process.execPath,
  ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', join(root, 'bench', 'run.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
