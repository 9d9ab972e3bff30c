// The COPY lens's pick groups the files a step reads by folder, with counts and bytes per folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupByFolder } from '../../../client/src/groupFiles';
import { formatBytes } from '../../../server/src/core/shared/bytes';

test('files are grouped by the folder they are directly in: the root first, folders in path order, counts and bytes', () => {
  const groups = groupByFolder([
    { path: 'src/b.js', size: 10 },
    { path: 'package.json', size: 5 },
    { path: 'src/lib/x.js', size: 1 },
    { path: 'src/a.js', size: 2048 },
    { path: 'README.md', size: 7 },
  ]);
  assert.deepEqual(
    groups.map((g) => [g.folder, g.files.map((f) => f.path), g.bytes]),
    [
      ['', ['README.md', 'package.json'], 12],
      ['src', ['src/a.js', 'src/b.js'], 2058],
      ['src/lib', ['src/lib/x.js'], 1],
    ],
  );
});

test('thousands of files stay a few groups', () => {
  const files = Array.from({ length: 5000 }, (_, i) => ({ path: `pkg${i % 4}/f${i}.ts`, size: 100 }));
  const groups = groupByFolder(files);
  assert.deepEqual(
    groups.map((g) => [g.folder, g.files.length, g.bytes]),
    [
      ['pkg0', 1250, 125000],
      ['pkg1', 1250, 125000],
      ['pkg2', 1250, 125000],
      ['pkg3', 1250, 125000],
    ],
  );
});

test('sizes are written as `layerlens context` writes them (one function, server/src/core/shared/bytes.ts)', () => {
  assert.deepEqual([0, 1023, 1024, 125000, 5 * 1024 * 1024 + 1, 3 * 1024 ** 4].map(formatBytes), ['0 B', '1023 B', '1.0 KB', '122.1 KB', '5.0 MB', '3.0 TB']);
});
