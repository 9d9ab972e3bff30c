// `layerlens context`: what the build context sends to Docker, through the real bundle, on a context on disk with
// ignored folders, a negation, a large (sparse) file, the folders a context should not send, and hostile entries
// (a FIFO, a symlink loop, a symlink to a folder outside): never read, never followed, never a hang.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;
let outside: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-context-'));
  outside = mkdtempSync(join(tmpdir(), 'layerlens-context-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'SECRET-OUTSIDE');
  const files: Record<string, string> = {
    Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n',
    '.dockerignore': 'build\n!build/keep.txt\n*.log\n',
    'package.json': '{}',
    'src/app.js': 'console.log(1)\n',
    'build/out.js': 'x'.repeat(1000),
    'build/keep.txt': 'keep',
    'debug.log': 'log',
    'node_modules/dep/index.js': 'module.exports = 1\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
  };
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(work, p, '..'), { recursive: true });
    writeFileSync(join(work, p), content);
  }
  // 300 MB that take no disk space: the report reads sizes, never contents.
  writeFileSync(join(work, 'data.bin'), '');
  truncateSync(join(work, 'data.bin'), 300 * 1024 * 1024);
  execFileSync('mkfifo', [join(work, 'pipe')]);
  symlinkSync('loop', join(work, 'loop'));
  symlinkSync(outside, join(work, 'out'));
});

after(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, LAYERLENS_DIGEST_CACHE: join(work, '..', 'll-context-digests.json'), NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface JsonReport {
  context: string;
  ignoreFile: string | null;
  files: number;
  bytes: number;
  excluded: Array<{ pattern: string; files: number; bytes: number; paths: string[] }>;
  warnings: Array<{ kind: string; path: string; fix?: string }>;
  largest: Array<{ path: string; files: number; bytes: number }>;
}

test('context --json: totals after .dockerignore, what each pattern kept out, warnings with their fixes', () => {
  const r = cli(['context', '--json']);
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out) as JsonReport;
  assert.equal(report.ignoreFile, '.dockerignore');
  // Sent: Dockerfile, .dockerignore, package.json, src/app.js, build/keep.txt (re-included), node_modules/dep/index.js,
  // .git/HEAD, data.bin, and the FIFO and the two symlinks as entries (never read or followed).
  assert.equal(report.files, 11);
  assert.deepEqual(
    report.excluded.map((g) => [g.pattern, g.files, g.bytes, g.paths]),
    [
      ['build', 1, 1000, ['build/out.js']],
      ['*.log', 1, 3, ['debug.log']],
    ],
  );
  assert.deepEqual(
    report.warnings.map((w) => [w.kind, w.path, w.fix ?? null]),
    [
      ['large', '', null],
      ['vcs', '.git', '.git'],
      ['dependencies', 'node_modules', 'node_modules'],
    ],
  );
  // The files directly in the context (Dockerfile, .dockerignore, package.json, data.bin, the FIFO, two symlinks) first.
  assert.deepEqual([report.largest[0].path, report.largest[0].files], ['.', 7]);
  assert.ok(report.largest[0].bytes >= 300 * 1024 * 1024);
  assert.ok(!r.out.includes('SECRET-OUTSIDE') && !r.err.includes('SECRET-OUTSIDE'), 'nothing outside the context is read');
});

test('context (text): the same facts for people', () => {
  const r = cli(['context', 'Dockerfile']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Build context .+\nSent to Docker: 11 files in 4 folders, 300\.0 MB\nIgnore file: \.dockerignore \(2 files, 1003 B kept out\)\n/);
  assert.match(r.out, /! the context is large \(11 files, 300\.0 MB\)/);
  assert.match(r.out, /! \.git\/ is sent .*; fix: add "\.git" to the ignore file\n/);
  assert.match(r.out, /\n +1000 B +1 file +build: build\/out\.js\n/);
});

test('context: usage and input errors', () => {
  assert.equal(cli(['context', 'missing/Dockerfile']).code, 1);
  assert.equal(cli(['context', 'Dockerfile', 'extra']).code, 2);
});
