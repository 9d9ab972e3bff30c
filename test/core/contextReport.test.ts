// What the build context sends, as "Layer Lens: Show Build Context" and `layerlens context` show it: totals, the
// largest folders, what the ignore file kept out and by which pattern (last match wins, `!` re-includes), warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextReport, formatBytes, formatContextReport, LARGE_CONTEXT_BYTES } from '../../server/src/core/context/report';
import { snap } from '../helpers/memoryContext';
import type { ContextEntry } from '../../server/src/core/shared/types';

/** A fixture with ignored folders, negations, a large file and the folders a context should not send. */
function fixture() {
  const s = snap({
    Dockerfile: 'FROM node:20\nCOPY . .\n',
    'package.json': '{"name":"app"}',
    'src/app.js': 'console.log(1)\n',
    'src/lib/util.js': 'export {}\n',
    'dist/app.min.js': 'x'.repeat(300),
    'dist/keep.txt': 'kept',
    'logs/a.log': 'aaaa',
    'logs/b.log': 'bb',
    'docs/README.md': '# docs',
    'README.md': '# app',
    'node_modules/left-pad/index.js': 'module.exports = 1',
    'node_modules/left-pad/node_modules/inner/index.js': 'x',
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.venv/pyvenv.cfg': 'home = /usr/bin\n',
    '.venv/lib/site.py': 'pass\n',
    'services/worker/node_modules/x/index.js': 'y',
    'data/big.bin': '',
  });
  // A large file: its size is metadata (nothing is read).
  (s.entries.get('data/big.bin') as ContextEntry).size = LARGE_CONTEXT_BYTES + 5;
  return s;
}

const ignore = ['dist', '!dist/keep.txt', 'logs/', '*.md', '!README.md', '**/*.md'].join('\n');

test('totals: the files and bytes sent after the ignore file, and what it kept out per deciding pattern', () => {
  const r = contextReport(fixture(), ignore);
  // Kept out: dist/app.min.js (dist), logs/a.log + logs/b.log (logs), docs/README.md (**/*.md: last match wins),
  // README.md is re-included by !README.md... then excluded again by **/*.md, the last pattern that matches it.
  assert.deepEqual(
    r.excluded.map((g) => [g.pattern, g.files, g.bytes, g.paths]),
    [
      ['dist', 1, 300, ['dist/app.min.js']],
      ['**/*.md', 2, 11, ['README.md', 'docs/README.md']],
      ['logs', 2, 6, ['logs']],
    ],
  );
  assert.equal(r.excludedFiles, 5);
  assert.equal(r.excludedBytes, 317);
  const all = [...fixture().entries.values()].filter((e) => e.type !== 'dir');
  const allBytes = all.reduce((n, e) => n + e.size, 0);
  assert.equal(r.files, all.length - 5);
  assert.equal(r.bytes, allBytes - 317);
});

test('a `!` line re-includes a file inside an excluded folder: the folder is looked into, the file is sent', () => {
  const r = contextReport(fixture(), ignore);
  const dist = r.largest.find((f) => f.path === 'dist');
  assert.equal(dist, undefined, 'dist itself is excluded: it is no folder of the context');
  const withoutNegation = contextReport(fixture(), 'dist\n');
  assert.deepEqual(
    withoutNegation.excluded.map((g) => [g.pattern, g.files, g.paths]),
    [['dist', 2, ['dist']]],
  );
  // Without those lines the two logs and the two .md files are sent, and dist/keep.txt is not.
  assert.equal(withoutNegation.files, r.files + 4 - 1);
});

test('warnings: a large context, .git, node_modules (top-most only), a virtualenv, each with the pattern that fixes it', () => {
  const r = contextReport(fixture(), ignore);
  assert.deepEqual(
    r.warnings.map((w) => [w.kind, w.path, w.fix ?? null]),
    [
      ['large', '', null],
      ['vcs', '.git', '.git'],
      ['virtualenv', '.venv', '.venv'],
      ['dependencies', 'node_modules', 'node_modules'],
      ['dependencies', 'services/worker/node_modules', '**/node_modules'],
    ],
  );
  assert.deepEqual(r.warnings.find((w) => w.path === 'node_modules')?.files, 2);
  // With the fixes applied, the warnings go and the report says what each pattern kept out.
  const fixed = contextReport(fixture(), `${ignore}\n.git\n.venv\nnode_modules\n**/node_modules\ndata/big.bin\n`);
  assert.deepEqual(fixed.warnings, []);
  assert.deepEqual(fixed.excluded.map((g) => g.pattern).sort(), [
    '**/*.md',
    '**/node_modules',
    '.git',
    '.venv',
    'data/big.bin',
    'dist',
    'logs',
    'node_modules',
  ]);
});

test('the largest folders, biggest first; `.` holds the files directly in the context', () => {
  const r = contextReport(fixture(), ignore);
  assert.deepEqual(
    r.largest.slice(0, 3).map((f) => f.path),
    ['data', '.', 'src'],
  );
  assert.deepEqual(
    r.largest.find((f) => f.path === 'src'),
    { path: 'src', files: 2, bytes: 25 },
  );
  assert.ok(!r.largest.some((f) => f.path === 'node_modules/left-pad'), 'a folder holding exactly what its parent holds is left out');
});

test('no ignore file: nothing kept out; an empty context reports zeros', () => {
  const r = contextReport(fixture());
  assert.deepEqual([r.excluded, r.excludedFiles], [[], 0]);
  const empty = contextReport(snap({}));
  assert.deepEqual([empty.files, empty.bytes, empty.folders, empty.largest, empty.warnings], [0, 0, 0, [], []]);
});

test('a pattern Docker rejects is a problem of the report, not a crash', () => {
  const r = contextReport(fixture(), '[\n');
  assert.match(r.problems.join('\n'), /syntax error in pattern/);
});

test('the text form names the totals, warnings with fixes, folders and patterns', () => {
  const text = formatContextReport(contextReport(fixture(), ignore), { context: '/ctx', ignoreFile: '.dockerignore' });
  assert.match(text, /^Build context \/ctx\nSent to Docker: 12 files in \d+ folders, 100\.0 MB\nIgnore file: \.dockerignore \(5 files, 317 B kept out\)\n/);
  assert.match(text, /! node_modules\/ is sent \(2 files, 19 B\): .*; fix: add "node_modules" to the ignore file/);
  assert.match(text, /\n +300 B +1 file +dist: dist\/app\.min\.js\n/);
  assert.deepEqual([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(LARGE_CONTEXT_BYTES)], ['0 B', '1023 B', '1.5 KB', '100.0 MB']);
});
