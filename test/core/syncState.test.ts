import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staleDiagnostics, syncedEntry, withSyncedContent } from '../../server/src/core/plan/syncState';
import { snap } from '../helpers/memoryContext';

function withMtime(content: string, mtimeMs: number, mode = 0o644) {
  const s = snap({ 'f.txt': { content, mode } });
  const e = s.entries.get('f.txt');
  if (e) e.mtimeMs = mtimeMs;
  return s;
}

test('same size, mtime and mode: BuildKit keeps the old content (C9), and says so', () => {
  const before = withMtime('AAAA', 1000);
  const synced = { 'f.txt': syncedEntry(before, 'f.txt') as string };
  const seen = withSyncedContent(withMtime('BBBB', 1000), synced);
  assert.equal(seen.contentDigest('f.txt'), before.contentDigest('f.txt'));
  assert.deepEqual([...seen.stale], ['f.txt']);
  assert.match(staleDiagnostics(seen.stale)[0].message, /BuildKit will not see the change to f\.txt.*touch f\.txt/);
});

test('a new mtime, size or mode makes BuildKit read the file again', () => {
  const synced = { 'f.txt': syncedEntry(withMtime('AAAA', 1000), 'f.txt') as string };
  for (const now of [withMtime('BBBB', 2000), withMtime('BBBBB', 1000), withMtime('BBBB', 1000, 0o755)]) {
    const seen = withSyncedContent(now, synced);
    assert.equal(seen.contentDigest('f.txt'), now.contentDigest('f.txt'));
    assert.equal(seen.stale.size, 0);
  }
});
