// The copy-before-install fixes for monorepos, proven with real builds on the engines of scripts/engines:
//
//   node --import tsx --test test/build/fixes.test.ts
//
// For each case and engine: build the original Dockerfile and the fixed one (the COPY form through `layerlens fix`;
// on BuildKit also the bind-mount form, the fix offered second), compare the two images' files and start
// configuration, then edit a source file and build both again: the fixed Dockerfile's install step must come from
// the cache, and the original's must run (so the check can tell the two apart). Base images are local stand-ins:
// each package manager is a shell script that reads exactly the manifests the real one reads (every workspace's
// package.json, go.mod and go.sum of the module's folder) and fails when one is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { advise } from '../../server/src/core/advise/advise';
import { applyEdits } from '../../server/src/core/advise/text';
import { openProject } from '../../server/src/diskProject';
import { adviseContextOf } from '../../server/src/adviseContext';
import { buildWithEngine, docker, engineProblem, ENGINES, withEngineLock, type Engine } from '../oracle/engine';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
const digestDir = mkdtempSync(join(tmpdir(), 'll-fixes-digests-'));
before(() => {
  process.env.LAYERLENS_DIGEST_CACHE = join(digestDir, 'digests.json');
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
});
after(() => rmSync(digestDir, { recursive: true, force: true }));

const BASE = 'll-monofix:1';
// Stand-ins: `set -e` and `cat` of every manifest, so a manifest the fix forgot fails the build.
const tool = (name: string, body: string) => `RUN printf '#!/bin/sh\\nset -e\\n${body}\\n' > /bin/${name} && chmod 755 /bin/${name}`;
const BASE_DOCKERFILE = [
  'FROM localbase:1',
  tool(
    'pnpm',
    // `pnpm fetch` fills the store from the lockfile alone; `install --offline` fails without it; an online install
    // fills the same store, so every form of the fix leaves the same files.
    'if [ "$1" = build ]; then cat packages/*/index.js > dist.js; exit 0; fi\\nmkdir -p /root/.pnpm-store\\nif [ "$1" = fetch ]; then cat pnpm-lock.yaml > /root/.pnpm-store/fetched; exit 0; fi\\ncase " $* " in *" --offline "*) test -f /root/.pnpm-store/fetched ;; *) cat pnpm-lock.yaml > /root/.pnpm-store/fetched ;; esac\\nmkdir -p node_modules\\ncat package.json pnpm-lock.yaml pnpm-workspace.yaml packages/*/package.json > node_modules/.installed',
  ),
  tool('yarn', 'mkdir -p node_modules\\ncat package.json yarn.lock .yarnrc.yml .yarn/releases/* apps/*/package.json > node_modules/.installed'),
  tool('npm', 'mkdir -p node_modules\\ncat package.json package-lock.json libs/*/package.json > node_modules/.installed'),
  // go mod download fills the module cache from go.mod/go.sum; go build needs it and reads the sources.
  tool(
    'go',
    'mkdir -p /root/go/pkg\\nif [ "$1" = mod ]; then cat go.mod go.sum > /root/go/pkg/mod.txt; exit 0; fi\\ntest -f /root/go/pkg/mod.txt || cat go.mod go.sum > /root/go/pkg/mod.txt\\ncat main.go > /out-app',
  ),
  '',
].join('\n');

interface Case {
  name: string;
  files: Record<string, string>;
  /** The file the source edit changes. */
  source: string;
  /** The install's text, to find its line in each Dockerfile. */
  install: string;
  /** Manifests the fix must copy, and a file it must not name. */
  names: string[];
  never: string;
}

const CASES: Case[] = [
  {
    name: 'pnpm workspace: the root manifests and every workspace package.json',
    install: 'pnpm install --frozen-lockfile',
    names: ['pnpm-workspace.yaml', 'packages/a/package.json', 'packages/b/package.json'],
    never: 'examples/demo/package.json',
    source: 'packages/a/index.js',
    files: {
      Dockerfile: `FROM ${BASE}\nWORKDIR /app\nCOPY . .\nRUN pnpm install --frozen-lockfile && pnpm build\nCMD ["node", "dist.js"]\n`,
      '.dockerignore': 'Dockerfile\n',
      'package.json': '{"name":"root","private":true}\n',
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
      'packages/a/package.json': '{"name":"a"}\n',
      'packages/a/index.js': 'console.log("a")\n',
      'packages/b/package.json': '{"name":"b"}\n',
      'examples/demo/package.json': '{"name":"demo"}\n',
    },
  },
  {
    name: 'yarn berry workspaces: .yarnrc.yml, .yarn/releases, yarn.lock and the workspaces',
    install: 'yarn install --immutable',
    names: ['.yarnrc.yml', '.yarn/releases', 'apps/web/package.json'],
    never: 'docs/package.json',
    source: 'apps/web/main.js',
    files: {
      Dockerfile: `FROM ${BASE}\nWORKDIR /repo\nCOPY . .\nRUN yarn install --immutable\nRUN cat apps/web/main.js > /repo/bundle.js\n`,
      '.dockerignore': 'Dockerfile\n.yarn/cache\n',
      'package.json': '{"name":"root","private":true,"workspaces":["apps/*"],"packageManager":"yarn@4.1.0"}\n',
      'yarn.lock': '__metadata:\n  version: 8\n',
      '.yarnrc.yml': 'nodeLinker: node-modules\nyarnPath: .yarn/releases/yarn-4.1.0.cjs\n',
      '.yarn/releases/yarn-4.1.0.cjs': '// yarn\n',
      'apps/web/package.json': '{"name":"web"}\n',
      'apps/web/main.js': 'console.log("web")\n',
      'docs/package.json': '{"name":"docs"}\n',
    },
  },
  {
    name: 'npm workspaces: package-lock.json and the workspaces the build context has (.dockerignore respected)',
    install: 'npm ci',
    names: ['package-lock.json', 'libs/x/package.json'],
    never: 'libs/secret/package.json',
    source: 'libs/x/index.js',
    files: {
      Dockerfile: `FROM ${BASE}\nWORKDIR /srv\nCOPY . /srv\nRUN npm ci\nRUN cat libs/x/index.js > /srv/out.js\n`,
      '.dockerignore': 'Dockerfile\nlibs/secret\n',
      'package.json': '{"name":"root","private":true,"workspaces":["libs/*"]}\n',
      'package-lock.json': '{"lockfileVersion":3}\n',
      'libs/x/package.json': '{"name":"x"}\n',
      'libs/x/index.js': 'module.exports = 1\n',
      'libs/secret/package.json': '{"name":"secret"}\n',
    },
  },
  {
    name: 'a Go module in a subfolder of a JS monorepo: its go.mod and go.sum, into the folder WORKDIR names',
    install: 'go build',
    names: ['services/api/go.mod', 'services/api/go.sum'],
    never: 'package.json',
    source: 'services/api/main.go',
    files: {
      Dockerfile: `FROM ${BASE}\nWORKDIR /src\nCOPY . .\nWORKDIR /src/services/api\nRUN go build -o /out/api .\nCMD ["/out/api"]\n`,
      '.dockerignore': 'Dockerfile\n',
      'package.json': '{"name":"web","private":true}\n',
      'services/api/go.mod': 'module example.com/api\n\ngo 1.22\n',
      'services/api/go.sum': 'example.com/x v1.0.0 h1:abc=\n',
      'services/api/main.go': 'package main\nfunc main() {}\n',
    },
  },
];

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** The fixes of the copy-before-install advice as the CLI and the editor see the context (.dockerignore applied). */
function fixesOf(dir: string, engine: Engine): Array<{ title: string; text: string }> {
  const project = openProject({ dockerfile: join(dir, 'Dockerfile'), builder: engine, buildArgs: {} });
  const advice = advise({ text: project.text, builder: engine, context: adviseContextOf(project), rules: ['copy-before-install'] });
  assert.equal(advice.length, 1, JSON.stringify(advice.map((a) => a.message)));
  return advice[0].fixes.map((f) => ({ title: f.title, text: applyEdits(project.text, f.edits) }));
}

async function snapshot(engine: Engine, image: string): Promise<string> {
  const list =
    'cd / && find . -xdev \\( -path ./proc -o -path ./sys -o -path ./dev -o -path ./etc -o -path ./.dockerenv \\) -prune -o -print | sort | while IFS= read -r f; do if [ -d "$f" ]; then echo "D $(stat -c \'%a %u:%g\' "$f") $f"; else echo "F $(stat -c \'%a %u:%g %s\' "$f") $(sha256sum < "$f" | cut -c1-16) $f"; fi; done';
  const files = await docker(engine, ['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', image, '-c', list], { timeoutMs: 120_000 });
  assert.equal(files.code, 0, files.output);
  const config = await docker(engine, ['image', 'inspect', '--format', '{{json .Config.Cmd}} {{json .Config.WorkingDir}} {{json .Config.Env}}', image], {
    timeoutMs: 30_000,
  });
  assert.equal(config.code, 0, config.output);
  return `${config.stdout}\n${files.stdout}`;
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle) && !l.includes('go mod download')) + 1;

// The two engines build at the same time (each under its own lock).
describe(
  'monorepo fixes built by real engines: each fix builds the same image, and after a source edit its install step is cached',
  { concurrency: true },
  () => {
    for (const engine of ENGINES) {
      test(engine, async (t) => {
        const skip = await engineProblem(engine);
        if (skip) return t.skip(`${engine}: ${skip} (start it with scripts/engines/start.sh)`);
        await withEngineLock(engine, async () => {
          const work = mkdtempSync(join(tmpdir(), `ll-monofix-${engine}-`));
          const tags: string[] = [BASE];
          try {
            writeTree(join(work, 'base'), { Dockerfile: BASE_DOCKERFILE });
            await buildWithEngine(engine, { contextDir: join(work, 'base'), tag: BASE });
            for (const [i, c] of CASES.entries()) {
              await t.test(c.name, async () => {
                // Unique folder names: BuildKit shares incremental context state between contexts of the same name.
                const original = join(work, `c${i}-original-${randomBytes(3).toString('hex')}`);
                writeTree(original, c.files);
                const fixes = fixesOf(original, engine);
                // The COPY form through the CLI, as a user applies it.
                const copyForm = join(work, `c${i}-copy-${randomBytes(3).toString('hex')}`);
                cpSync(original, copyForm, { recursive: true });
                const fix = spawnSync(process.execPath, [cliPath, 'fix', join(copyForm, 'Dockerfile'), '--builder', engine], {
                  encoding: 'utf8',
                  env: { ...process.env, NO_COLOR: '1' },
                });
                assert.equal(fix.status, 0, fix.stdout + fix.stderr);
                assert.match(fix.stdout, /fixed \[copy-before-install\]/);
                const fixedText = readFileSync(join(copyForm, 'Dockerfile'), 'utf8');
                assert.equal(fixedText, fixes[0].text, 'the CLI applies the preferred fix');
                for (const n of c.names) assert.ok(fixedText.includes(n), `the fix copies ${n}:\n${fixedText}`);
                assert.ok(!fixedText.includes(c.never), `the fix must not name ${c.never}:\n${fixedText}`);
                const variants: Array<{ dir: string; text: string; step?: string }> = [{ dir: copyForm, text: fixedText }];
                const pnpm = c.install.startsWith('pnpm');
                const bind = engine === 'buildkit' && c.install !== 'go build';
                assert.equal(fixes.length, 1 + (bind ? 1 : 0) + (pnpm ? 1 : 0), fixes.map((f) => f.title).join('\n'));
                if (bind) {
                  assert.match(fixes[1].text, /--mount=type=bind,source=/);
                  const bindForm = join(work, `c${i}-bind-${randomBytes(3).toString('hex')}`);
                  cpSync(original, bindForm, { recursive: true });
                  writeFileSync(join(bindForm, 'Dockerfile'), fixes[1].text);
                  variants.push({ dir: bindForm, text: fixes[1].text });
                }
                if (pnpm) {
                  // The `pnpm fetch` form: the step that must stay cached is the fetch (the offline install after
                  // the broad COPY runs again, from the store).
                  const text = fixes.at(-1)!.text;
                  assert.match(text, /RUN pnpm fetch\n/);
                  const fetchForm = join(work, `c${i}-fetch-${randomBytes(3).toString('hex')}`);
                  cpSync(original, fetchForm, { recursive: true });
                  writeFileSync(join(fetchForm, 'Dockerfile'), text);
                  variants.push({ dir: fetchForm, text, step: 'RUN pnpm fetch' });
                }
                const tag = (n: string) => {
                  const x = `ll-monofix-${n}:${i}`;
                  tags.push(x);
                  return x;
                };
                await buildWithEngine(engine, { contextDir: original, tag: tag('original') });
                const want = await snapshot(engine, `ll-monofix-original:${i}`);
                assert.ok(want.split('\n').length > 20, want);
                for (const [v, variant] of variants.entries()) {
                  await buildWithEngine(engine, { contextDir: variant.dir, tag: tag(`fixed${v}`) });
                  assert.equal(await snapshot(engine, `ll-monofix-fixed${v}:${i}`), want, `the fixed image differs:\n${variant.text}`);
                }
                // A source edit: the original reruns its install, each fix takes it from the cache.
                // A new text each run: an edit another run (or this test run twice) already built would be in the cache.
                const nonce = randomBytes(6).toString('hex');
                const edit = (dir: string) => writeFileSync(join(dir, c.source), `${c.files[c.source]}// edited ${nonce}\n`);
                edit(original);
                const again = await buildWithEngine(engine, { contextDir: original, tag: tag('original') });
                const origLine = lineOf(c.files.Dockerfile, c.install);
                assert.equal(again.steps.find((s) => s.line === origLine)?.cached, false, `the original's install reran:\n${again.output.slice(-2000)}`);
                for (const [v, variant] of variants.entries()) {
                  edit(variant.dir);
                  const rebuilt = await buildWithEngine(engine, { contextDir: variant.dir, tag: tag(`fixed${v}`) });
                  // The step that reads the manifests: the install, or the module download the Go fix added.
                  const installLine = variant.step
                    ? lineOf(variant.text, variant.step)
                    : c.install === 'go build'
                      ? lineOf(variant.text.replace(/go mod download/, 'GO-MOD-DOWNLOAD'), 'GO-MOD-DOWNLOAD')
                      : lineOf(variant.text, c.install);
                  const step = rebuilt.steps.find((s) => s.line === installLine);
                  assert.equal(
                    step?.cached,
                    true,
                    `line ${installLine} of the fixed Dockerfile is cached after the edit:\n${variant.text}\n${rebuilt.output.slice(-2000)}`,
                  );
                }
                if (pnpm) {
                  // What the fetch form is for: a workspace's package.json edited (a script, not a dependency) reruns the
                  // install of the manifest-COPY form, while `pnpm fetch` (lockfile only) stays cached.
                  const manifest = 'packages/b/package.json';
                  const [copyVariant, fetchVariant] = [variants[0], variants.at(-1)!];
                  for (const v of [copyVariant, fetchVariant]) writeFileSync(join(v.dir, manifest), `{"name":"b","scripts":{"x":"${nonce}"}}\n`);
                  const copyBuild = await buildWithEngine(engine, { contextDir: copyVariant.dir, tag: tag('fixed0') });
                  const copyInstall = copyBuild.steps.find((s) => s.line === lineOf(copyVariant.text, c.install));
                  assert.equal(copyInstall?.cached, false, `the manifest-COPY form reinstalls after ${manifest} changed:\n${copyBuild.output.slice(-2000)}`);
                  const fetchBuild = await buildWithEngine(engine, { contextDir: fetchVariant.dir, tag: tag(`fixed${variants.length - 1}`) });
                  const fetchStep = fetchBuild.steps.find((s) => s.line === lineOf(fetchVariant.text, 'RUN pnpm fetch'));
                  assert.equal(fetchStep?.cached, true, `pnpm fetch stays cached after ${manifest} changed:\n${fetchBuild.output.slice(-2000)}`);
                }
              });
            }
          } finally {
            await docker(engine, ['image', 'rm', '-f', ...new Set(tags)]);
            rmSync(work, { recursive: true, force: true });
          }
        });
      });
    }
  },
);
