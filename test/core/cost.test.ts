// What steps cost (core/plan/cost.ts): a real build's measurements recorded by slot, carried through cached builds and
// store round trips (the store format stays version 1: old stores load, costs are optional fields), and a later
// plan's rebuild verdicts carrying them with the estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, planCosts, withMeasurements, type CostedStep, type MeasuredStep } from '../../server/src/core/plan/cost';
import { buildId, emptyStore, knownBuilds, readStore, recordBuild, STORE_VERSION, type StoreData } from '../../server/src/core/plan/store';
import type { RecordedBuild } from '../../server/src/core/plan/predict';
import { planState, type State } from '../helpers/plan';

const DOCKERFILE = 'FROM alpine\nCOPY package.json /app/\nRUN npm install\nCOPY src/ /app/src/\nRUN npm run build\nCMD ["node"]\n';
const v1: State = { dockerfile: DOCKERFILE, files: { 'package.json': '{}', 'src/a.js': '1' } };
const v2: State = { ...v1, files: { ...v1.files, 'src/a.js': '2' } };
const id = buildId('buildkit', 'Dockerfile', undefined);

/** Plans `state`, then records it with these measurements by line, as a real build does. */
function recordMeasured(state: State, store: StoreData, measured: Record<number, MeasuredStep>): StoreData {
  const plan = planState(state, 'buildkit', store);
  const build = withMeasurements(plan.recorded, plan.steps, new Map(Object.entries(measured).map(([l, m]) => [Number(l), m])), store.builds[id]);
  return recordBuild(store, 'buildkit', id, plan.keys, build);
}

function costs(store: StoreData): Record<string, CostedStep> {
  return store.builds[id].steps as Record<string, CostedStep>;
}

test('a real build records durations of the steps it ran and sizes of the layers, by slot', () => {
  const store = recordMeasured(v1, emptyStore(), {
    2: { ran: true, durationMs: 40, sizeBytes: 2 },
    3: { ran: true, durationMs: 41_000, sizeBytes: 9_000_000 },
    5: { ran: true, durationMs: 3_000 },
  });
  const runs = Object.values(costs(store))
    .filter((s) => s.keyword === 'RUN')
    .map((s) => s.durationMs);
  assert.deepEqual(runs, [41_000, 3_000]);
  assert.equal(Object.values(costs(store)).find((s) => s.keyword === 'COPY')?.sizeBytes, 2);
});

test('a later plan: rebuild verdicts carry the recorded duration, cached ones do not, and the estimate adds them up', () => {
  const store = recordMeasured(v1, emptyStore(), {
    3: { ran: true, durationMs: 41_000 },
    4: { ran: true, durationMs: 50 },
    5: { ran: true, durationMs: 3_000 },
  });
  const plan = planState(v2, 'buildkit', store);
  const { steps, estimate } = planCosts(plan.steps, plan.recorded, knownBuilds(store, 'buildkit', id).last);
  const at = (line: number) => steps.find((s) => s.line === line);
  assert.equal(at(3)?.status, 'cached');
  assert.equal(at(3)?.durationMs, undefined, 'a cached step costs nothing now');
  assert.equal(at(4)?.status, 'rebuilds');
  assert.equal(at(4)?.durationMs, 50);
  assert.equal(at(5)?.durationMs, 3_000);
  assert.deepEqual(estimate, { rebuildMs: 3_050, maybeMs: 0, timedSteps: 2, untimedSteps: 0 });
});

test('a build that took a step from the cache keeps the duration of its last real run', () => {
  let store = recordMeasured(v1, emptyStore(), { 3: { ran: true, durationMs: 41_000 } });
  store = recordMeasured(v2, store, { 3: { ran: false }, 4: { ran: true, durationMs: 60 } });
  const install = Object.values(costs(store)).find((s) => s.keyword === 'RUN' && s.durationMs !== undefined && s.durationMs > 1000);
  assert.equal(install?.durationMs, 41_000);
});

test('an edited RUN keeps its slot cost (the next rebuild of that line costs about the same)', () => {
  const store = recordMeasured(v1, emptyStore(), { 3: { ran: true, durationMs: 41_000 } });
  const edited = { ...v1, dockerfile: DOCKERFILE.replace('npm install', 'npm ci') };
  const plan = planState(edited, 'buildkit', store);
  const step = planCosts(plan.steps, plan.recorded, store.builds[id]).steps.find((s) => s.line === 3);
  assert.equal(step?.status, 'rebuilds');
  assert.equal(step?.durationMs, 41_000);
});

test('the store format stays version 1: costs survive a round trip, and a store without them still loads', () => {
  const store = recordMeasured(v1, emptyStore(), { 3: { ran: true, durationMs: 41_000, sizeBytes: 7 } });
  assert.equal(STORE_VERSION, 1);
  const read = readStore(JSON.stringify(store));
  assert.ok(read.ok);
  assert.deepEqual(read.ok && read.store.builds[id], store.builds[id]);
  const old = structuredClone(store) as { builds: Record<string, RecordedBuild> };
  for (const s of Object.values(old.builds[id].steps) as CostedStep[]) {
    delete s.durationMs;
    delete s.sizeBytes;
  }
  const oldRead = readStore(JSON.stringify(old));
  assert.ok(oldRead.ok);
  const plan = planState(v2, 'buildkit', oldRead.ok ? oldRead.store : emptyStore());
  const { estimate } = planCosts(plan.steps, plan.recorded, oldRead.ok ? oldRead.store.builds[id] : undefined);
  assert.deepEqual(estimate, { rebuildMs: 0, maybeMs: 0, timedSteps: 0, untimedSteps: 2 });
});

test('durations in words', () => {
  assert.equal(formatDuration(300), 'under 1 s');
  assert.equal(formatDuration(41_200), 'about 41 s');
  assert.equal(formatDuration(125_000), 'about 2 min 5 s');
  assert.equal(formatDuration(120_000), 'about 2 min');
});
