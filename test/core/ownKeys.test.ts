// Names that plain objects already have (constructor, toString, __proto__...) are ordinary file names and
// build-argument names: recorded paths and --build-arg values are looked up as own properties only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planState, reasonAt, record, statuses } from '../helpers/plan';
import type { StoreData } from '../../server/src/core/plan/store';
import { MAX_RECORDED_READS } from '../../server/src/core/plan/predict';

const OBJECT_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf'];
/** Computed keys, so '__proto__' is a file, not the literal's prototype. */
const objectNamed = (): Record<string, string> => Object.fromEntries(OBJECT_NAMES.map((n) => [n, `file ${n}`]));

const dockerfile = 'FROM base\nCOPY . /app\nRUN make\n';

for (const viaJson of [false, true]) {
  test(`files named like Object's properties, recorded, then an unrelated edit: only the edited file is named${viaJson ? ' (store read back from JSON)' : ''}`, () => {
    const before = { dockerfile, files: { ...objectNamed(), 'app.js': 'v1', src: { dir: true } } };
    let store: StoreData = record(before, 'buildkit');
    if (viaJson) store = JSON.parse(JSON.stringify(store)) as StoreData;
    const r = planState({ ...before, files: { ...before.files, 'app.js': 'v2' } }, 'buildkit', store);
    assert.deepEqual(statuses(r), ['1:cached', '2:rebuilds', '3:rebuilds']);
    assert.equal(reasonAt(r, 2), 'app.js changed');
    // Nothing edited: every step stays cached.
    assert.deepEqual(statuses(planState(before, 'buildkit', store)), ['1:cached', '2:cached', '3:cached']);
  });
}

test('a file named like an Object property that the record lacks is added, not changed; removed ones are removed', () => {
  const before = { dockerfile, files: { 'app.js': 'v1' } };
  const store = JSON.parse(JSON.stringify(record(before, 'buildkit'))) as StoreData;
  const added = planState({ ...before, files: { ...before.files, ...objectNamed() } }, 'buildkit', store);
  assert.equal(reasonAt(added, 2), '__proto__, constructor, hasOwnProperty and 3 more added');
  const withThem = { dockerfile, files: { 'app.js': 'v1', ...objectNamed() } };
  const store2 = JSON.parse(JSON.stringify(record(withThem, 'buildkit'))) as StoreData;
  assert.equal(reasonAt(planState(before, 'buildkit', store2), 2), '__proto__, constructor, hasOwnProperty and 3 more removed');
});

test('ARG named like an Object property takes no value from an empty --build-arg set', () => {
  for (const name of ['constructor', 'toString', '__proto__']) {
    const df = `ARG ${name}\nFROM base:\${${name}}x\nARG ${name}\nRUN echo "\${${name}}"\n`;
    const r = planState({ dockerfile: df }, 'buildkit');
    const from = r.recorded.steps['0#0'];
    assert.equal(from?.parts.image, 'base:x', name);
    assert.ok(!Object.keys(r.recorded.steps['0#2']?.parts ?? {}).some((k) => k.startsWith('arg:')), `${name}: no value, no arg part`);
    // Passed for real, the value is used.
    const passed = planState({ dockerfile: df, buildArgs: Object.fromEntries([[name, 'v']]) }, 'buildkit');
    assert.equal(passed.recorded.steps['0#0']?.parts.image, 'base:vx', name);
    assert.ok(Object.keys(passed.recorded.steps['0#2']?.parts ?? {}).includes(`arg:${name}`), name);
  }
});

test('the same in a COPY too large for the record to keep its reads (compared folder by folder)', () => {
  const many = Object.fromEntries(Array.from({ length: MAX_RECORDED_READS + 50 }, (_, i) => [`lib/f${i}.txt`, String(i)]));
  const before = { dockerfile, files: { ...many, ...objectNamed(), 'app.js': 'v1' } };
  const store = JSON.parse(JSON.stringify(record(before, 'buildkit'))) as StoreData;
  assert.equal(store.builds[Object.keys(store.builds)[0]!]?.steps['0#1']?.reads, undefined, 'reads not kept');
  assert.equal(reasonAt(planState({ ...before, files: { ...before.files, 'app.js': 'v2' } }, 'buildkit', store), 2), 'app.js changed');
  const without = JSON.parse(JSON.stringify(record({ dockerfile, files: { ...many, 'app.js': 'v1' } }, 'buildkit'))) as StoreData;
  assert.equal(reasonAt(planState(before, 'buildkit', without), 2), '__proto__, constructor, hasOwnProperty and 3 more added');
});
