// Quick fixes against real Docker builds: `layerlens fix` must not change what the image holds.
//
//   node --import tsx --test test/oracle/fixes.test.ts     (after `npm run build`; engines as for oracle.test.ts)
//
// For each case and engine: build the original Dockerfile, apply `layerlens fix` to a copy, build the fixed one,
// and compare the two images' final filesystems (path, type, mode, owner, size, content digest, symlink target;
// never mtime) and the image config a container starts with (Cmd, Entrypoint, Env, WorkingDir, User,
// ExposedPorts, Labels). Each case also checks that the fix really changed the Dockerfile, so a fixer that does
// nothing cannot pass.
//
// Fixes that change the image on purpose are not compared here: `missing-dockerignore` (the new .dockerignore
// keeps .git and node_modules out of COPY .), `run-starts-app` (the RUN that started the app during the build
// becomes the CMD), and `apt-update-alone` (needs apt and a network, which these engines' base image lacks;
// the merged RUN runs the same commands). Their text-level tests are in test/core/adviseFixes.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI } from './compare';
import { buildWithEngine, docker, engineProblem, wantedEngines, withEngineLock, type Engine } from './engine';

const SKIP = process.env.LAYERLENS_SKIP_ORACLE === '1';
const WANTED: Engine[] = wantedEngines();

/** A base image with stand-ins for package managers: each installs from its manifest the way the real one would. */
const FIXBASE = 'll-fixbase:1';
const FIXBASE_DOCKERFILE = [
  'FROM localbase:1',
  `RUN printf '#!/bin/sh\\nset -e\\nmkdir -p node_modules\\ncat package.json package-lock.json > node_modules/.installed\\n' > /bin/npm && chmod 755 /bin/npm`,
  `RUN printf '#!/bin/sh\\nset -e\\nmkdir -p /usr/lib/site\\ncat requirements.txt > /usr/lib/site/installed\\n' > /bin/pip && chmod 755 /bin/pip`,
  `RUN printf '#!/bin/sh\\nset -e\\nmkdir -p /root/go/pkg\\ncat go.mod go.sum > /root/go/pkg/mod.txt\\n' > /bin/go && chmod 755 /bin/go`,
  '',
].join('\n');

/** Each case's .dockerignore lists the Dockerfile: its text is what a fix changes, so a COPY . of it would differ. */
interface FixCase {
  name: string;
  files: Record<string, string>;
  /** Rule codes the fix must apply (each must appear in `layerlens fix`'s output). */
  applies: string[];
}

const CASES: FixCase[] = [
  {
    name: 'npm: broad COPY before the install, with --chown, a comment and a WORKDIR-relative destination',
    applies: ['copy-before-install'],
    files: {
      Dockerfile: [
        `FROM ${FIXBASE}`,
        'WORKDIR /app',
        '# everything, then the dependencies',
        'COPY --chown=0:0 --chmod=644 . .',
        'RUN npm install',
        'RUN cat src/index.js > /app/bundle.js',
        'EXPOSE 3000',
        'CMD ["node", "src/index.js"]',
        '',
      ].join('\n'),
      '.dockerignore': 'node_modules\nDockerfile\n',
      'package.json': '{"name":"app","dependencies":{"left-pad":"1.3.0"}}\n',
      'package-lock.json': '{"lockfileVersion":3}\n',
      'src/index.js': 'console.log("hi")\n',
      'README.md': '# app\n',
    },
  },
  {
    name: 'pip: COPY . /srv before pip install -r requirements.txt',
    applies: ['copy-before-install'],
    files: {
      Dockerfile: [`FROM ${FIXBASE}`, 'WORKDIR /srv', 'COPY . /srv', 'RUN pip install -r requirements.txt', 'CMD ["python", "app.py"]', ''].join('\n'),
      '.dockerignore': 'Dockerfile\n',
      'requirements.txt': 'flask==3.0.0\n',
      'app.py': 'print("hi")\n',
      'lib/util.py': 'X = 1\n',
    },
  },
  {
    name: 'go: COPY . . before go mod download',
    applies: ['copy-before-install'],
    files: {
      Dockerfile: [`FROM ${FIXBASE}`, 'WORKDIR /src', 'COPY . .', 'RUN go mod download', 'RUN cat main.go > /src/built', ''].join('\n'),
      '.dockerignore': 'Dockerfile\n',
      'go.mod': 'module example.com/app\n\ngo 1.22\n',
      'go.sum': 'example.com/x v1.0.0 h1:abc=\n',
      'main.go': 'package main\nfunc main() {}\n',
    },
  },
  {
    name: 'an ARG declared long before its first use, and a CMD overridden later in the stage',
    applies: ['arg-declared-early', 'cmd-overridden'],
    files: {
      Dockerfile: [
        `FROM ${FIXBASE}`,
        'ARG VERSION=1.0',
        'ENV MODE=prod',
        'COPY a.txt /a.txt',
        'RUN echo one > /one',
        'RUN echo two > /two',
        'RUN echo "$VERSION $MODE" > /version',
        'CMD ["sh"]',
        'LABEL org.example.kind=demo',
        'CMD ["cat", "/version"]',
        '',
      ].join('\n'),
      'a.txt': 'a\n',
    },
  },
];

function layerlens(args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** Everything a container of the image starts with, as text: files (no mtimes) and the config. */
async function snapshot(engine: Engine, image: string): Promise<{ files: string; config: string }> {
  const list = [
    'cd /',
    'find . -xdev \\( -path ./proc -o -path ./sys -o -path ./dev -o -path ./etc/hosts -o -path ./etc/hostname -o -path ./etc/resolv.conf -o -path ./.dockerenv \\) -prune -o -print | sort | while IFS= read -r f; do',
    '  if [ -L "$f" ]; then echo "L $f -> $(readlink "$f")";',
    '  elif [ -d "$f" ]; then echo "D $(stat -c "%a %u:%g" "$f") $f";',
    '  else echo "F $(stat -c "%a %u:%g %s" "$f") $(sha256sum < "$f" | cut -c1-16) $f"; fi',
    'done',
  ].join('\n');
  const files = await docker(engine, ['run', '--rm', '--network', 'none', '--entrypoint', '/bin/sh', image, '-c', list], { timeoutMs: 120_000 });
  assert.equal(files.code, 0, `listing ${image} failed: ${files.output}`);
  const inspect = await docker(engine, ['image', 'inspect', '--format', '{{json .Config}}', image], { timeoutMs: 30_000 });
  assert.equal(inspect.code, 0, `inspecting ${image} failed: ${inspect.output}`);
  const c = JSON.parse(inspect.stdout) as Record<string, unknown>;
  const config = JSON.stringify(
    { Cmd: c.Cmd, Entrypoint: c.Entrypoint, Env: c.Env, WorkingDir: c.WorkingDir, User: c.User, ExposedPorts: c.ExposedPorts, Labels: c.Labels },
    null,
    1,
  );
  return { files: files.stdout, config };
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

describe('quick fixes keep the image: original vs fixed Dockerfile built by real engines', () => {
  for (const engine of WANTED) {
    test(engine, async (t) => {
      const problem = await engineProblem(engine);
      if (problem) {
        if (SKIP) return t.skip(`${engine}: ${problem}`);
        assert.fail(`${engine} engine not available: ${problem} (run scripts/engines/setup.sh && scripts/engines/start.sh, or LAYERLENS_SKIP_ORACLE=1)`);
      }
      await withEngineLock(engine, async () => {
        const work = mkdtempSync(join(tmpdir(), `ll-fixes-${engine}-`));
        try {
          const base = join(work, 'fixbase');
          writeTree(base, { Dockerfile: FIXBASE_DOCKERFILE });
          await buildWithEngine(engine, { contextDir: base, tag: FIXBASE });
          for (const [i, c] of CASES.entries()) {
            await t.test(c.name, async () => {
              const original = join(work, `case${i}-original`);
              // The classic builder refuses COPY --chmod ("requires BuildKit"); it keeps --chown.
              writeTree(original, engine === 'classic' ? { ...c.files, Dockerfile: c.files.Dockerfile.replace(' --chmod=644', '') } : c.files);
              const fixed = join(work, `case${i}-fixed`);
              cpSync(original, fixed, { recursive: true });
              const fix = layerlens(['fix', 'Dockerfile'], fixed);
              assert.equal(fix.code, 0, `layerlens fix failed:\n${fix.out}`);
              for (const rule of c.applies) assert.match(fix.out, new RegExp(`fixed \\[${rule}\\]`), `the ${rule} fix did not apply:\n${fix.out}`);
              const before = readFileSync(join(original, 'Dockerfile'), 'utf8');
              const after = readFileSync(join(fixed, 'Dockerfile'), 'utf8');
              assert.notEqual(after, before, 'the fix changed nothing');
              await buildWithEngine(engine, { contextDir: original, tag: `ll-fix-original:${i}` });
              await buildWithEngine(engine, { contextDir: fixed, tag: `ll-fix-fixed:${i}` });
              const a = await snapshot(engine, `ll-fix-original:${i}`);
              const b = await snapshot(engine, `ll-fix-fixed:${i}`);
              assert.ok(a.files.split('\n').length > 50, `the listing of the original image is too short to mean anything:\n${a.files}`);
              assert.equal(b.files, a.files, `the fixed Dockerfile's image holds different files.\nFixed Dockerfile:\n${after}`);
              assert.equal(b.config, a.config, `the fixed Dockerfile's image starts differently.\nFixed Dockerfile:\n${after}`);
            });
          }
        } finally {
          await docker(engine, ['image', 'rm', '-f', FIXBASE, ...CASES.flatMap((_, i) => [`ll-fix-original:${i}`, `ll-fix-fixed:${i}`])]);
          rmSync(work, { recursive: true, force: true });
        }
      });
    });
  }
});
