// `npm start`: the main job. Builds the CLI, then shows on examples/ why copying package.json
// before `npm install` keeps the install cached when a source file changes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const build = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const stores = mkdtempSync(join(tmpdir(), 'layerlens-start-'));
// One store per example, so each starts as never built.
let store;
const cli = (...args) => {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args, '--store', store], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '' },
  });
  if (r.status !== 0) {
    process.stderr.write(r.stderr || r.stdout);
    process.exit(r.status ?? 1);
  }
  return r.stdout;
};
const say = (text) => process.stdout.write(text + '\n');

const examples = [
  ['examples/node-app/Dockerfile', 'The classic Node app: COPY . /app, then RUN npm install'],
  ['examples/node-app-optimised/Dockerfile', 'Its optimised twin: COPY package.json, RUN npm install, then COPY . /app'],
];
const installCached = {};
for (const [i, [dockerfile, title]] of examples.entries()) {
  store = join(stores, `store-${i}.json`);
  say(`\n=== ${title} (${dockerfile})`);
  say('\nBefore any build, nothing is cached:\n');
  say(cli('plan', dockerfile));
  cli('record', dockerfile);
  say('After `layerlens record` (the current state counts as built), what if src/app.js changes?\n');
  say(cli('simulate', dockerfile, '--change', 'src/app.js'));
  const json = JSON.parse(cli('simulate', dockerfile, '--change', 'src/app.js', '--json'));
  const install = json.steps.find((s) => s.keyword === 'RUN');
  installCached[dockerfile] = install;
}
const [classic, twin] = examples.map(([d]) => installCached[d]);
say('=== Why');
say(`In the classic app, RUN npm install (line ${classic.line}) ${classic.status}: ${classic.reason}.`);
say(`In the twin, RUN npm install (line ${twin.line}) is ${twin.status}: the COPY before it reads only package.json, which did not change,`);
say('so its cache key is the same and Docker reuses the installed node_modules layer. Only the later COPY . /app re-runs.');
say('\nTry it yourself: node dist/cli.js simulate examples/node-app-optimised/Dockerfile --change package.json');
rmSync(stores, { recursive: true, force: true });
