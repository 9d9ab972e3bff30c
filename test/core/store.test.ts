import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildId, emptyStore, knownBuilds, LIMITS, readStore, recordBuild } from '../../server/src/core/store';

test('recording adds keys per builder; known builds see them', () => {
  const s = recordBuild(emptyStore(), 'buildkit', 'buildkit:/p/Dockerfile', ['k1', 'k2'], { steps: {}, files: {} });
  const known = knownBuilds(s, 'buildkit', 'buildkit:/p/Dockerfile');
  assert.ok(known.has('k1') && known.has('k2') && !known.has('k3'));
  assert.equal(known.empty, false);
  assert.ok(known.last);
  assert.equal(knownBuilds(s, 'classic', 'x').empty, true, 'builders do not share a cache (R4)');
  assert.equal(knownBuilds(s, 'buildkit', 'other').has('k1'), true, 'keys are global to the builder (R4)');
  assert.equal(knownBuilds(s, 'buildkit', 'other').last, undefined);
});

test('round trip through JSON, and bad files are described, never thrown', () => {
  const s = recordBuild(emptyStore(), 'classic', 'id', ['a'], { steps: { '0#1': { keyword: 'RUN', key: 'a', parts: { cmd: 'x' } } }, files: { f: '1' } });
  const back = readStore(JSON.stringify(s));
  assert.ok(back.ok);
  if (back.ok) assert.deepEqual(back.store, s);
  assert.deepEqual(readStore('{not json').ok, false);
  const foreign = readStore('{"name":"pkg"}');
  assert.ok(!foreign.ok && foreign.kind === 'foreign');
  const newer = readStore('{"format":"layer-lens-cache-store","version":2}');
  assert.ok(!newer.ok && newer.kind === 'newer');
  const odd = readStore('{"format":"layer-lens-cache-store","version":1,"keys":{"buildkit":{"k":"x","ok":3}},"builds":{"b":5}}');
  assert.ok(odd.ok);
  if (odd.ok) {
    assert.deepEqual(odd.store.keys.buildkit, { ok: 3 });
    assert.deepEqual(odd.store.builds, {});
  }
});

test('the store stays bounded: oldest keys and builds go first', () => {
  let s = emptyStore();
  const many = Array.from({ length: LIMITS.keysPerBuilder }, (_, i) => `old${i}`);
  s = recordBuild(s, 'buildkit', buildId('buildkit', '/a', undefined), many, { steps: {}, files: {} });
  s = recordBuild(s, 'buildkit', buildId('buildkit', '/b', undefined), ['new1', 'new2'], { steps: {}, files: {} });
  assert.equal(Object.keys(s.keys.buildkit).length, LIMITS.keysPerBuilder);
  assert.ok(knownBuilds(s, 'buildkit', 'x').has('new1'));
  assert.equal(Object.keys(s.keys.buildkit).filter((k) => k.startsWith('old')).length, LIMITS.keysPerBuilder - 2);
  for (let i = 0; i < LIMITS.builds + 5; i++) s = recordBuild(s, 'classic', `id${i}`, [], { steps: {}, files: {} });
  assert.equal(Object.keys(s.builds).length, LIMITS.builds);
  assert.ok(s.builds[`id${LIMITS.builds + 4}`] && !s.builds.id0);
});

test('a build with too many files keeps its keys but not its file list', () => {
  const files = Object.fromEntries(Array.from({ length: LIMITS.filesPerBuild + 1 }, (_, i) => [`f${i}`, 'x']));
  const s = recordBuild(emptyStore(), 'buildkit', 'id', ['k'], { steps: {}, files });
  assert.deepEqual(s.builds.id.files, {});
  assert.ok(knownBuilds(s, 'buildkit', 'id').has('k'));
});
