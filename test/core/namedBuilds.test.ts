// A named context that is another build's output (Bake `target:base`), planned from that build's plan (cache-rules
// R27, what the BuildKit engine did in test/oracle/bakeNamedBuild.test.ts): FROM it goes on from its last step, so it
// is cached when all of it is and reruns when any of it does (the first such step named); COPY --from it reads by
// content, so it is 'maybe' when the other build reruns a step; without its plan, 'maybe' as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBuild, type RecordablePlan } from '../../server/src/core/plan/predict';
import { planContext } from '../../server/src/diskProject';
import { buildId, emptyStore, knownBuilds, readStore, recordBuild, type StoreData } from '../../server/src/core/plan/store';
import { snap, type Spec } from '../helpers/memoryContext';
import type { NamedBuildResult } from '../../server/src/core/plan/cacheKeys';

interface State {
  base: string;
  app: string;
  files: Record<string, Spec>;
}

const BASE = ['FROM alpine:3.19', 'WORKDIR /b', 'COPY base.txt ./', 'RUN cat base.txt > /b/out'].join('\n');
const APP = ['FROM base', 'COPY app.txt ./', 'RUN cat app.txt /b/out > /b/app.out'].join('\n');
const COPY = ['FROM alpine:3.19', 'WORKDIR /c', 'COPY --from=base /b/out ./copied', 'RUN cat copied', 'COPY app.txt ./'].join('\n');

const options = (dockerfilePath: string, named?: Record<string, string>) => ({
  builder: 'buildkit' as const,
  buildArgs: {},
  dockerfilePath,
  buildPlatform: 'linux/amd64',
  ...(named ? { namedContexts: named } : {}),
});

/** Plans base, then app with base's result (as diskProject's planProject does); `planned: false` leaves base out. */
function plan(state: State, store: StoreData, planned = true): { base: RecordablePlan; app: RecordablePlan } {
  const context = planContext(snap({ ...state.files, 'base.Dockerfile': state.base, 'app.Dockerfile': state.app }), undefined, 'buildkit');
  const known = knownBuilds(store, 'buildkit', buildId('buildkit', 'app.Dockerfile', undefined));
  const base = planBuild({ text: state.base, options: options('base.Dockerfile'), context, known: { has: known.has, empty: known.empty } });
  const end = base.end as NonNullable<RecordablePlan['end']>;
  const result: NamedBuildResult = {
    key: end.key,
    status: end.status,
    ...(end.cause ? { cause: { line: end.cause.line, keyword: end.cause.keyword, file: 'base.Dockerfile' } } : {}),
  };
  const app = planBuild({
    text: state.app,
    options: options('app.Dockerfile', { base: 'target:base' }),
    context,
    known,
    ...(planned ? { namedBuilds: { base: result } } : {}),
  });
  return { base, app };
}

function record(state: State, store: StoreData): StoreData {
  const { base, app } = plan(state, store);
  const next = recordBuild(store, 'buildkit', buildId('buildkit', 'app.Dockerfile', undefined), [...app.keys, ...base.keys], app.recorded);
  const read = readStore(JSON.stringify(next));
  assert.ok(read.ok);
  return read.store;
}

const at = (r: RecordablePlan, line: number) => {
  const s = r.steps.find((x) => x.line === line);
  assert.ok(s, `no step at line ${line}`);
  return `${s.status}: ${s.reason}`;
};

const state = (over: Partial<State> = {}, files: Record<string, Spec> = {}): State => ({
  base: BASE,
  app: APP,
  files: { 'base.txt': 'b1', 'app.txt': 'a1', ...files },
  ...over,
});

void test('FROM a planned build: cached when all of it is, the steps on top judged by their own inputs', () => {
  const first = plan(state(), emptyStore());
  assert.equal(at(first.app, 1), 'rebuilds: named context base (target:base) rebuilds: its line 1 FROM (base.Dockerfile)');
  const store = record(state(), emptyStore());
  const same = plan(state(), store);
  assert.equal(at(same.app, 1), 'cached: named context base (target:base): every step of it cached');
  assert.equal(at(same.app, 2), 'cached: unchanged since a recorded build');
  assert.equal(at(same.app, 3), 'cached: unchanged since a recorded build');
  const own = plan(state({}, { 'app.txt': 'a2' }), store);
  assert.equal(at(own.app, 1), 'cached: named context base (target:base): every step of it cached');
  assert.equal(at(own.app, 2), 'rebuilds: app.txt changed');
  assert.equal(at(own.app, 3), 'rebuilds: parent step rebuilds: line 2 COPY (app.txt changed)');
});

void test('FROM a planned build: any step of it rerunning reruns the chain on top, naming that step (even when its files would be the same)', () => {
  const store = record(state(), emptyStore());
  const file = plan(state({}, { 'base.txt': 'b2' }), store);
  // base's own last build is not this one's: its reason is the plain one
  assert.equal(at(file.base, 3), 'rebuilds: no recorded build of this Dockerfile has this step');
  assert.equal(at(file.app, 1), 'rebuilds: named context base (target:base) rebuilds: its line 3 COPY (base.Dockerfile)');
  assert.equal(at(file.app, 2), 'rebuilds: parent step rebuilds: line 1 FROM (named context base (target:base) rebuilds: its line 3 COPY (base.Dockerfile))');
  const edited = plan(state({ base: BASE.replace('> /b/out', '> /b/out && true') }), store);
  assert.equal(at(edited.app, 1), 'rebuilds: named context base (target:base) rebuilds: its line 4 RUN (base.Dockerfile)');
  assert.match(at(edited.app, 3), /^rebuilds: parent step rebuilds: line 1 FROM/);
});

void test("COPY --from a planned build: cached when all of it is; 'maybe' when it reruns a step (BuildKit compares the files)", () => {
  const s = (files: Record<string, Spec> = {}) => state({ app: COPY }, files);
  const store = record(s(), emptyStore());
  const same = plan(s(), store);
  assert.equal(at(same.app, 3), 'cached: unchanged since a recorded build');
  const changed = plan(s({ 'base.txt': 'b2' }), store);
  assert.equal(
    at(changed.app, 3),
    'maybe: named context base (target:base) rebuilds (its line 3 COPY, base.Dockerfile): cached only if the files read come out identical',
  );
  assert.match(at(changed.app, 4), /^maybe: /);
  // its own file changed as well: that step rebuilds whatever base's files come to
  const both = plan(s({ 'base.txt': 'b2', 'app.txt': 'a2' }), store);
  assert.equal(at(both.app, 5), 'rebuilds: app.txt changed');
});

void test("without the other build's plan (no configuration names it), it stays 'maybe' with the reason it had", () => {
  const store = record(state(), emptyStore());
  const r = plan(state(), store, false);
  assert.equal(at(r.app, 1), 'maybe: named context base is the output of target:base: not planned (cached only if its files come out identical)');
  assert.match(at(r.app, 2), /^maybe: /);
});

void test("a planned build that may rebuild (an unplanned input of its own) makes FROM it 'maybe', naming its step", () => {
  const store = record(state(), emptyStore());
  const base = planBuild({
    text: BASE,
    options: options('base.Dockerfile'),
    context: planContext(snap({ 'base.txt': 'b1' }), undefined, 'buildkit'),
    known: knownBuilds(store, 'buildkit', 'x'),
  });
  assert.equal(base.end?.status, 'cached');
  const maybe: NamedBuildResult = { key: base.end.key, status: 'maybe', cause: { line: 4, keyword: 'RUN', file: 'base.Dockerfile' } };
  const app = planBuild({
    text: APP,
    options: options('app.Dockerfile', { base: 'target:base' }),
    context: planContext(snap({ 'app.txt': 'a1' }), undefined, 'buildkit'),
    known: knownBuilds(store, 'buildkit', buildId('buildkit', 'app.Dockerfile', undefined)),
    namedBuilds: { base: maybe },
  });
  assert.equal(at(app, 1), 'maybe: named context base (target:base) may rebuild: its line 4 RUN (base.Dockerfile)');
  assert.match(at(app, 2), /^maybe: /);
});
