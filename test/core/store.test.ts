import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildId, emptyStore, knownBuilds, LIMITS, readStore, recordBuild } from '../../server/src/core/plan/store';

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

test('only a file that starts like a store (or is empty) is "corrupt", so replaceable; other non-JSON text is foreign', () => {
  const kind = (text: string) => {
    const r = readStore(text);
    return r.ok ? 'ok' : r.kind;
  };
  assert.equal(kind('{"format":"layer-lens-cache-store","version":1,"se'), 'corrupt');
  assert.equal(kind(' {\n  "format": "layer-lens-cache-store", oops'), 'corrupt');
  assert.equal(kind(''), 'corrupt');
  assert.equal(kind('\n  \n'), 'corrupt');
  assert.equal(kind('my notes, not JSON\n'), 'foreign');
  assert.equal(kind('{"name":"pkg", trunc'), 'foreign');
  assert.equal(kind('{"form'), 'foreign', 'too little left to know it was ours');
  assert.equal(kind('{"format":"layer-lens-cache-store","version":"2"}'), 'newer');
});

test('a store of the right format but the wrong shape is read as far as it is usable, never as something to crash on', () => {
  const text = JSON.stringify({
    format: 'layer-lens-cache-store',
    version: 1,
    seq: 'x',
    keys: { buildkit: { good: 1, bad: 'x', inf: null }, classic: [1, 2] },
    builds: {
      ok: {
        steps: {
          '0#1': { keyword: 'RUN', key: 'k', parts: { cmd: 'x' } },
          '0#2': { keyword: 'RUN', key: 5, parts: {} },
          '0#3': { keyword: 'COPY', key: 'k', parts: { a: 1 } },
          '0#4': { keyword: 'COPY', key: 'k', parts: {}, reads: 'a' },
        },
        files: { a: 'x' },
        synced: { a: 3 },
        unfinished: 'no',
        seq: 2,
      },
      badFiles: { steps: {}, files: { a: 1 } },
      notObject: [],
    },
  });
  const r = readStore(text);
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.equal(r.store.seq, 0);
  assert.deepEqual(r.store.keys, { buildkit: { good: 1 }, classic: {} });
  assert.deepEqual(Object.keys(r.store.builds), ['ok']);
  assert.deepEqual(Object.keys(r.store.builds.ok.steps), ['0#1']);
  assert.equal(r.store.builds.ok.synced, undefined);
  assert.equal(r.store.builds.ok.unfinished, undefined);
  const proto = readStore('{"format":"layer-lens-cache-store","version":1,"keys":{"buildkit":{"__proto__":4}},"builds":{"__proto__":{"steps":{},"files":{}}}}');
  assert.ok(proto.ok && Object.hasOwn(proto.store.keys.buildkit, '__proto__') && Object.hasOwn(proto.store.builds, '__proto__'));
});
