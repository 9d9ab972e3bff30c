// Re-plans on disk: BuildKit's stale context sync (C9) is found along changed paths (analysis.refreshProject),
// not by hashing every file read on each plan, and must not get lost; the CLI's digest cache is written only
// when something was hashed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openProject, planProject, refreshProject } from '../../server/src/diskProject';
import { DigestCache, loadDigestCache, saveDigestCache, scanContext } from '../../server/src/contextFs';
import { buildId, emptyStore, knownBuilds, recordBuild } from '../../server/src/core/plan/store';

void test('a stale file stays reported after unrelated edits, and goes once touched', () => {
  const root = fs.mkdtempSync(join(tmpdir(), 'll-synced-'));
  try {
    fs.writeFileSync(join(root, 'Dockerfile'), 'FROM alpine\nCOPY . /app\nCOPY b.txt /b\n');
    fs.writeFileSync(join(root, 'a.txt'), 'AAAA');
    fs.writeFileSync(join(root, 'b.txt'), 'b1');
    const mtime = new Date(1_700_000_000_000); // whole milliseconds, so utimes can set it back exactly
    fs.utimesSync(join(root, 'a.txt'), mtime, mtime);
    const opts = { dockerfile: join(root, 'Dockerfile'), builder: 'buildkit' as const, buildArgs: {} };
    const built = openProject(opts);
    const id = buildId('buildkit', built.dockerfileAbs, undefined);
    const first = planProject(built, knownBuilds(emptyStore(), 'buildkit', id));
    const store = JSON.parse(JSON.stringify(recordBuild(emptyStore(), 'buildkit', id, first.keys, first.recorded))) as ReturnType<typeof emptyStore>;
    const synced = store.builds[id].synced;
    assert.ok(synced && synced['a.txt'], 'the record keeps what BuildKit holds of a.txt');
    // Same size, same mtime, other bytes: BuildKit keeps the old content.
    fs.writeFileSync(join(root, 'a.txt'), 'ZZZZ');
    fs.utimesSync(join(root, 'a.txt'), mtime, mtime);
    const known = knownBuilds(store, 'buildkit', id);
    const stale = (plan: { diagnostics: { message: string }[] }) => plan.diagnostics.filter((d) => /will not see the change to a\.txt/.test(d.message)).length;
    let project = openProject({ ...opts, synced });
    assert.equal(stale(planProject(project, known)), 1);
    fs.writeFileSync(join(root, 'b.txt'), 'b2');
    project = refreshProject(project, [join(root, 'b.txt')]);
    const after = planProject(project, known);
    assert.equal(stale(after), 1, 'still reported after an edit of another file');
    assert.equal(after.steps.find((s) => s.line === 2)?.status, 'rebuilds', 'COPY . sees b.txt changed');
    fs.utimesSync(join(root, 'a.txt'), new Date(), new Date());
    project = refreshProject(project, [join(root, 'a.txt')]);
    assert.equal(stale(planProject(project, known)), 0, 'gone once the file is touched');
    // A Dockerfile that no longer reads a.txt gets no warning about it.
    fs.utimesSync(join(root, 'a.txt'), mtime, mtime);
    const narrow = openProject({ ...opts, synced, text: 'FROM alpine\nCOPY b.txt /b\n' });
    assert.equal(narrow.synced?.stale.has('a.txt'), true);
    assert.equal(stale(planProject(narrow, known)), 0);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

void test('digest cache: dirty only when a file was hashed, not on hits, promotions or loading', () => {
  const root = fs.mkdtempSync(join(tmpdir(), 'll-dirty-'));
  try {
    fs.writeFileSync(join(root, 'a.txt'), 'a');
    fs.writeFileSync(join(root, 'b.txt'), 'b');
    const cache = new DigestCache(2); // two generations of one entry each: promotions happen
    assert.equal(cache.dirty, false);
    scanContext(root, { digestCache: cache }).contentDigest('a.txt');
    assert.equal(cache.dirty, true, 'a new digest');
    const file = join(root, 'cache', 'digests.json');
    assert.equal(saveDigestCache(file, cache), true);
    const loaded = loadDigestCache(file);
    assert.equal(loaded.dirty, false, 'loading is not a change');
    const snap = scanContext(root, { digestCache: loaded });
    snap.contentDigest('a.txt');
    assert.equal(loaded.dirty, false, 'a hit is not a change');
    snap.contentDigest('b.txt');
    assert.equal(loaded.dirty, true);
    loaded.dirty = false;
    scanContext(root, { digestCache: loaded }).contentDigest('a.txt'); // a.txt now sits in the old generation
    assert.equal(loaded.dirty, false, 'a promotion is not a change');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
