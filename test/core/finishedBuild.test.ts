// A build that failed or was cancelled (core/plan/finishedBuild.ts): the store gets the keys of exactly the steps the
// engine finished, the last recorded build is updated for those slots only, and the next plan says cached for them,
// and rebuilds, with why, for the step that did not finish and the ones after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finishedPart } from '../../server/src/core/plan/finishedBuild';
import { buildId, emptyStore, readStore, recordBuild, type StoreData } from '../../server/src/core/plan/store';
import type { Builder } from '../../server/src/core/shared/types';
import { planState, reasonAt, record, statuses, type State } from '../helpers/plan';

// Lines: 1 FROM, 2 COPY a.txt, 3 RUN, 4 ARG, 5 RUN (fails), 6 RUN, 7 COPY b.txt.
const DOCKERFILE = 'FROM alpine\nCOPY a.txt /app/\nRUN cp /app/a.txt /app/c\nARG GATE=closed\nRUN test "$GATE" = open\nRUN echo after\nCOPY b.txt /app/\n';
const state: State = { dockerfile: DOCKERFILE, files: { 'a.txt': 'a', 'b.txt': 'b' } };
const id = (builder: Builder) => buildId(builder, 'Dockerfile', undefined);

/** Plans `s`, then records what a build that finished `lines` (and stopped) recorded. */
function recordStopped(s: State, builder: Builder, store: StoreData, lines: number[]): { store: StoreData; keys: string[]; lines: number[] } {
  const plan = planState(s, builder, store);
  const part = finishedPart(plan.steps, plan.recorded, lines, store.builds[id(builder)]);
  return { store: recordBuild(store, builder, id(builder), part.keys, part.build), keys: part.keys, lines: part.lines };
}

for (const builder of ['buildkit', 'classic'] as const) {
  test(`${builder}: after a build that failed at line 5, the steps before it are cached, line 5 and after rebuild`, () => {
    // classic also finished the ARG step (every instruction is a step there); BuildKit has no step for it.
    const done = builder === 'classic' ? [1, 2, 3, 4] : [1, 2, 3];
    const r = recordStopped(state, builder, emptyStore(), done);
    assert.deepEqual(r.lines, done, 'every finished line with a key is recorded');
    assert.equal(r.keys.length, done.length);
    const plan = planState(state, builder, r.store);
    const meta = builder === 'classic' ? 'cached' : 'none';
    assert.deepEqual(statuses(plan), ['1:cached', '2:cached', '3:cached', `4:${meta}`, '5:rebuilds', '6:rebuilds', '7:rebuilds']);
    assert.equal(reasonAt(plan, 5), 'the last build stopped before this step finished');
    assert.equal(reasonAt(plan, 6), 'parent step rebuilds: line 5 RUN (the last build stopped before this step finished)');
    // Fixing the cause (the build arg) still rebuilds line 5 and after: the engine never cached them.
    const fixed = planState({ ...state, buildArgs: { GATE: 'open' } }, builder, r.store);
    assert.deepEqual(statuses(fixed), ['1:cached', '2:cached', '3:cached', `4:${meta}`, '5:rebuilds', '6:rebuilds', '7:rebuilds']);
  });
}

test('nothing finished: no keys, and the record says every slot is unfinished', () => {
  const plan = planState(state, 'buildkit');
  const part = finishedPart(plan.steps, plan.recorded, [], undefined);
  assert.deepEqual(part.keys, []);
  assert.deepEqual(part.lines, []);
  assert.deepEqual(part.build.unfinished?.sort(), Object.keys(plan.recorded.steps).sort());
  assert.deepEqual(part.build.steps, {});
});

test('a build that finished everything leaves no unfinished slot and records every key', () => {
  const plan = planState(state, 'buildkit');
  const all = plan.steps.map((s) => s.line);
  const part = finishedPart(plan.steps, plan.recorded, all, undefined);
  assert.deepEqual(part.keys.sort(), [...plan.keys].sort());
  assert.equal(part.build.unfinished, undefined);
  assert.deepEqual(part.build.steps, plan.recorded.steps);
});

test('slots the failed build did not finish keep what the build before recorded; its files only for finished steps', () => {
  // A full build of v1, then b.txt, a.txt and the RUN at line 6 change and a build fails at line 5.
  let store = record(state, 'buildkit');
  const before = store.builds[id('buildkit')];
  const v2: State = { dockerfile: DOCKERFILE.replace('echo after', 'echo later'), files: { 'a.txt': 'a2', 'b.txt': 'b2' } };
  ({ store } = recordStopped(v2, 'buildkit', store, [1, 2, 3]));
  const after = store.builds[id('buildkit')];
  const slotOf = (keyword: string, n = 0) => Object.entries(after.steps).filter(([, s]) => s.keyword === keyword)[n][0];
  assert.notEqual(after.steps[slotOf('COPY')].key, before.steps[slotOf('COPY')].key, 'the finished COPY a.txt is the new one');
  assert.equal(after.steps[slotOf('RUN', 2)].key, before.steps[slotOf('RUN', 2)].key, 'the unfinished RUN keeps the earlier record');
  assert.equal(after.files['a.txt'], planState(v2, 'buildkit').recorded.files['a.txt']);
  assert.equal(after.files['b.txt'], before.files['b.txt'], 'b.txt was read by an unfinished step only');
  assert.deepEqual(after.unfinished?.length, 3);
  // The next plan of v2 explains the unfinished steps; going back to v1 is cached again (R4).
  const plan = planState(v2, 'buildkit', store);
  assert.equal(reasonAt(plan, 5), 'the last build stopped before this step finished');
  assert.deepEqual(
    statuses(planState(state, 'buildkit', store)).filter((s) => !s.endsWith('none')),
    ['1:cached', '2:cached', '3:cached', '5:cached', '6:cached', '7:cached'],
  );
  // A later build that finishes clears the unfinished list.
  store = record(v2, 'buildkit', store);
  assert.equal(store.builds[id('buildkit')].unfinished, undefined);
});

test('the unfinished list survives the store file; a malformed one is dropped, never crashes', () => {
  const { store } = recordStopped(state, 'classic', emptyStore(), [1, 2]);
  const back = readStore(JSON.stringify(store));
  assert.ok(back.ok);
  assert.deepEqual(back.ok && back.store.builds[id('classic')].unfinished, store.builds[id('classic')].unfinished);
  for (const bad of ['"0#3"', '3', '[1, "0#3"]', '{"a": 1}', 'null']) {
    const text = JSON.stringify(store).replace(/"unfinished":\[[^\]]*\]/, `"unfinished":${bad}`);
    const read = readStore(text);
    assert.ok(read.ok, bad);
    if (!read.ok) continue;
    assert.equal(read.store.builds[id('classic')].unfinished, undefined, bad);
    assert.deepEqual(statuses(planState(state, 'classic', read.store)).slice(0, 2), ['1:cached', '2:cached'], bad);
  }
});
