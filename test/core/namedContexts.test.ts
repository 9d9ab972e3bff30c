// Named contexts (cache-rules R27): a folder is read like the build context (its own .dockerignore), its files key
// the COPY --from / RUN --mount=from= that read it and are named in the reason; docker-image:// is an image; another
// build's output and remote values are 'maybe'; a named context wins over a stage of the same name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBuild, type RecordablePlan } from '../../server/src/core/plan/predict';
import { planContext } from '../../server/src/diskProject';
import { buildId, emptyStore, knownBuilds, readStore, recordBuild, type StoreData } from '../../server/src/core/plan/store';
import { snap, type Spec } from '../helpers/memoryContext';
import { layerStackModel } from '../../server/src/core/stack/layerStack';
import type { Builder } from '../../server/src/core/shared/types';

interface NamedState {
  dockerfile: string;
  files?: Record<string, Spec>;
  /** name → value as given (a folder's files come from `folders`). */
  named: Record<string, string>;
  folders?: Record<string, { files: Record<string, Spec>; ignore?: string }>;
}

function plan(state: NamedState, builder: Builder = 'buildkit', store: StoreData = emptyStore()): RecordablePlan {
  const context = planContext(snap({ Dockerfile: state.dockerfile, ...(state.files ?? {}) }), undefined, builder);
  const named: Record<string, ReturnType<typeof planContext>> = {};
  for (const [name, f] of Object.entries(state.folders ?? {})) {
    const files = { ...f.files, ...(f.ignore !== undefined ? { '.dockerignore': f.ignore } : {}) };
    named[name] = planContext(snap(files), f.ignore, 'buildkit');
  }
  const options = { builder, buildArgs: {}, dockerfilePath: 'Dockerfile', buildPlatform: 'linux/amd64', namedContexts: state.named };
  return planBuild({ text: state.dockerfile, options, context, named, known: knownBuilds(store, builder, buildId(builder, 'Dockerfile', undefined)) });
}

function recordState(state: NamedState, builder: Builder = 'buildkit', store: StoreData = emptyStore()): StoreData {
  const r = plan(state, builder, store);
  // Through JSON, as the store file keeps it.
  const next = recordBuild(store, builder, buildId(builder, 'Dockerfile', undefined), r.keys, r.recorded);
  const read = readStore(JSON.stringify(next));
  assert.ok(read.ok);
  return read.store;
}

const at = (r: RecordablePlan, line: number) => {
  const s = r.steps.find((x) => x.line === line);
  assert.ok(s, `no step at line ${line}`);
  return `${s.status}: ${s.reason}`;
};

const DF = ['FROM alpine:3.19', 'WORKDIR /app', 'COPY --from=shared util.js lib/ ./shared/', 'RUN build'].join('\n');
const shared = (util: string, extra: Record<string, Spec> = {}) => ({
  dockerfile: DF,
  named: { shared: '/work/shared' },
  folders: { shared: { files: { 'util.js': util, 'lib/a.js': 'a', ...extra } } },
});

void test('a named folder: unchanged files are cached; a changed file rebuilds, named as NAME/path, and the chain after it', () => {
  const store = recordState(shared('v1'));
  const same = plan(shared('v1'), 'buildkit', store);
  assert.equal(at(same, 3), 'cached: unchanged since a recorded build');
  assert.equal(at(same, 4), 'cached: unchanged since a recorded build');
  const changed = plan(shared('v2'), 'buildkit', store);
  assert.equal(at(changed, 3), 'rebuilds: shared/util.js changed');
  assert.equal(at(changed, 4), 'rebuilds: parent step rebuilds: line 3 COPY (shared/util.js changed)');
  assert.equal(changed.steps.find((s) => s.line === 3)?.cause?.code, 'filesChanged');
  // A file added in a folder the step copies is named as added.
  const added = plan(shared('v1', { 'lib/b.js': 'b' }), 'buildkit', store);
  assert.equal(at(added, 3), 'rebuilds: shared/lib/b.js added');
  // The store keeps the named folder's files apart from the context's.
  const last = store.builds[buildId('buildkit', 'Dockerfile', undefined)];
  assert.deepEqual(Object.keys(last.named?.shared ?? {}).sort(), ['lib', 'lib/a.js', 'util.js']);
  assert.equal(Object.keys(last.files).length, 0);
});

void test("a named folder's own .dockerignore keeps files out of what COPY --from reads", () => {
  const state = (log: string) => ({
    dockerfile: ['FROM alpine:3.19', 'COPY --from=shared . /shared/'].join('\n'),
    named: { shared: '/work/shared' },
    folders: { shared: { files: { 'util.js': 'u', 'debug.log': log }, ignore: '*.log\n' } },
  });
  const store = recordState(state('one'));
  assert.equal(at(plan(state('two'), 'buildkit', store), 2), 'cached: unchanged since a recorded build');
});

void test('a file of the main context with the same path does not touch COPY --from=NAME, and the other way round', () => {
  const base = (main: string, util: string) => ({ ...shared(util), files: { 'util.js': main } });
  const store = recordState(base('m1', 'v1'));
  assert.equal(at(plan(base('m2', 'v1'), 'buildkit', store), 3), 'cached: unchanged since a recorded build');
  assert.equal(at(plan(base('m1', 'v2'), 'buildkit', store), 3), 'rebuilds: shared/util.js changed');
});

void test('RUN --mount=from=NAME of a named folder is keyed by the files it mounts', () => {
  const state = (v: string) => ({
    dockerfile: ['FROM alpine:3.19', 'RUN --mount=from=tools,source=bin,target=/t /t/run'].join('\n'),
    named: { tools: '/work/tools' },
    folders: { tools: { files: { 'bin/run': v, README: 'r' } } },
  });
  const store = recordState(state('1'));
  assert.equal(at(plan(state('1'), 'buildkit', store), 2), 'cached: unchanged since a recorded build');
  assert.equal(at(plan(state('2'), 'buildkit', store), 2), 'rebuilds: tools/bin/run changed');
});

void test('docker-image://REF is the image REF: as --from=REF and as FROM REF', () => {
  const state = (ref: string) => ({
    dockerfile: ['FROM base', 'COPY --from=tool /bin/x /x'].join('\n'),
    named: { base: `docker-image://alpine:${ref}`, tool: `docker-image://busybox:${ref}` },
  });
  const store = recordState(state('1'));
  const same = plan(state('1'), 'buildkit', store);
  assert.equal(at(same, 1), 'cached: base image unchanged');
  assert.equal(at(same, 2), 'cached: unchanged since a recorded build');
  const other = plan(state('2'), 'buildkit', store);
  assert.equal(at(other, 1), 'rebuilds: base image changed: alpine:2 (was alpine:1)');
  // The same as naming the image itself.
  const direct = plan({ dockerfile: ['FROM alpine:1', 'COPY --from=busybox:1 /bin/x /x'].join('\n'), named: {} }, 'buildkit', store);
  assert.deepEqual(
    direct.steps.map((s) => s.status),
    ['cached', 'cached'],
  );
});

void test("another build's output and remote values are 'maybe', saying so; nothing is guessed", () => {
  const state = {
    dockerfile: ['FROM alpine:3.19', 'COPY --from=base /a /a', 'COPY --from=src /b /b', 'COPY --from=oci /c /c', 'RUN --mount=from=web,target=/w true'].join(
      '\n',
    ),
    named: { base: 'target:base', src: 'https://github.com/example/repo.git#main', oci: 'oci-layout:///tmp/layout', web: 'service:web' },
  };
  const store = recordState(state);
  const r = plan(state, 'buildkit', store);
  assert.equal(at(r, 2), 'maybe: named context base is the output of target:base: not planned (cached only if its files come out identical)');
  assert.equal(at(r, 3), 'maybe: remote named context src: not planned');
  assert.equal(at(r, 4), 'maybe: remote named context oci: not planned');
  assert.equal(at(r, 5), 'maybe: named context web is the output of service:web: not planned (cached only if its files come out identical)');
  // A folder the plan was not given (not there, or not replayed) is not guessed either.
  const unreadState = { dockerfile: DF, named: { shared: '/nowhere' } };
  const unread = plan(unreadState, 'buildkit', recordState(unreadState));
  assert.equal(at(unread, 2), 'cached: unchanged since a recorded build');
  assert.equal(at(unread, 3), 'maybe: named context shared (/nowhere) is not read here: not planned');
});

void test('a named context wins over a stage of the same name: the stage is skipped, COPY --from reads the folder', () => {
  const dockerfile = ['FROM alpine:3.19 AS shared', 'RUN make', 'FROM alpine:3.19', 'COPY --from=shared util.js /u'].join('\n');
  const state = (v: string) => ({ dockerfile, named: { shared: '/work/shared' }, folders: { shared: { files: { 'util.js': v } } } });
  const first = plan(state('1'));
  assert.equal(at(first, 1), 'skipped: stage replaced by named context shared: BuildKit does not build it');
  assert.equal(at(first, 2), 'skipped: stage replaced by named context shared: BuildKit does not build it');
  const store = recordState(state('1'));
  assert.equal(at(plan(state('1'), 'buildkit', store), 4), 'cached: unchanged since a recorded build');
  assert.equal(at(plan(state('2'), 'buildkit', store), 4), 'rebuilds: shared/util.js changed');
  // Without the named context, the stage is built and COPY --from depends on it.
  const noNamed = plan({ dockerfile, named: {} });
  assert.equal(noNamed.steps.find((s) => s.line === 2)?.status, 'rebuilds');
});

void test('the classic builder has no named contexts: --from=NAME stays an image reference', () => {
  const r = plan(shared('v1'), 'classic');
  assert.equal(r.steps.find((s) => s.line === 3)?.status, 'rebuilds');
  assert.equal(at(r, 3), 'rebuilds: not built yet: no recorded build');
  const store = recordState(shared('v1'), 'classic');
  // The folder is not read: a change in it changes nothing for classic.
  assert.equal(at(plan(shared('v2'), 'classic', store), 3), 'cached: unchanged since a recorded build');
});

void test('a store written before named contexts existed is read, and a named step then rebuilds with a plain reason', () => {
  const store = recordState(shared('v1'));
  const old = JSON.parse(JSON.stringify(store)) as StoreData;
  for (const b of Object.values(old.builds)) delete b.named;
  const read = readStore(JSON.stringify(old));
  assert.ok(read.ok);
  assert.equal(at(plan(shared('v1'), 'buildkit', read.store), 3), 'cached: unchanged since a recorded build');
  assert.equal(at(plan(shared('v2'), 'buildkit', read.store), 3), 'rebuilds: source files changed');
  // A damaged `named` is dropped, the build kept.
  const bad = JSON.parse(JSON.stringify(store)) as { builds: Record<string, { named?: unknown }> };
  for (const b of Object.values(bad.builds)) b.named = { shared: { 'util.js': 5 } };
  const again = readStore(JSON.stringify(bad));
  assert.ok(again.ok);
  assert.equal(Object.values(again.store.builds)[0].named, undefined);
  assert.equal(Object.keys(again.store.builds).length, 1);
});

void test('hostile names: __proto__ and constructor are plain names, never the prototype', () => {
  const named = JSON.parse('{"__proto__": "docker-image://alpine:1", "constructor": "/work/c"}') as Record<string, string>;
  const state = (v: string) => ({
    dockerfile: ['FROM alpine:3.19', 'COPY --from=__proto__ /a /a', 'COPY --from=constructor x /x'].join('\n'),
    named,
    folders: { constructor: { files: { x: v } } },
  });
  const store = recordState(state('1'));
  const r = plan(state('2'), 'buildkit', store);
  assert.equal(at(r, 2), 'cached: unchanged since a recorded build');
  assert.equal(at(r, 3), 'rebuilds: constructor/x changed');
  assert.equal(Object.getPrototypeOf(store.builds[buildId('buildkit', 'Dockerfile', undefined)].named ?? {}), Object.prototype);
});

void test('the layer stack draws no arrow from a stage a named context replaces', () => {
  const dockerfile = ['FROM alpine:3.19 AS shared', 'RUN make', 'FROM alpine:3.19', 'COPY --from=shared util.js /u'].join('\n');
  const state = { dockerfile, named: { shared: '/work/shared' }, folders: { shared: { files: { 'util.js': '1' } } } };
  const input = { text: dockerfile, builder: 'buildkit' as const, buildArgs: {}, steps: plan(state).steps };
  assert.deepEqual(
    layerStackModel({ ...input, namedContexts: state.named }).edges.map((e) => e.line),
    [],
  );
  assert.deepEqual(
    layerStackModel(input).edges.map((e) => e.line),
    [4],
  );
});

void test('FROM a named folder: it and every step on top rebuild at every build, recorded or not (BuildKit takes none from its cache)', () => {
  const state: NamedState = {
    dockerfile: ['FROM alpine:3.19 AS tool', 'COPY b.txt /b.txt', 'FROM base', 'COPY --from=tool /b.txt /b.txt', 'COPY a.txt /a.txt'].join('\n'),
    files: { 'a.txt': 'a', 'b.txt': 'b' },
    named: { base: '/work/base' },
    folders: { base: { files: { 'b.txt': 'root' } } },
  };
  const store = recordState(state);
  const again = plan(state, 'buildkit', store);
  const why = 'FROM named context base (a folder): BuildKit takes no step on top of a folder from its cache, so this stage runs again at every build';
  assert.equal(at(again, 3), `rebuilds: ${why}`);
  assert.equal(at(again, 4), `rebuilds: parent step rebuilds: line 3 FROM (${why})`);
  assert.equal(at(again, 5), `rebuilds: parent step rebuilds: line 3 FROM (${why})`);
  // The other stage is recorded and cached as usual; nothing of the folder's stage is in the store.
  assert.equal(at(again, 1), 'cached: base image unchanged');
  assert.equal(at(again, 2), 'cached: unchanged since a recorded build');
  assert.equal(Object.keys(store.builds[buildId('buildkit', 'Dockerfile', undefined)].steps).length, 2);
});

void test('after a read whose key does not follow its content (a remote named context, ADD of a URL), recorded steps are maybe, not cached', () => {
  const remote: NamedState = {
    dockerfile: ['FROM alpine:3.19', 'COPY --from=src . /s', 'RUN ls /s', 'COPY a.txt /a.txt'].join('\n'),
    files: { 'a.txt': 'a' },
    named: { src: 'https://example.invalid/repo.git' },
  };
  const store = recordState(remote);
  const again = plan(remote, 'buildkit', store);
  assert.equal(at(again, 2), 'maybe: remote named context src: not planned');
  assert.equal(at(again, 3), 'maybe: parent step may rebuild: line 2 COPY (remote named context src: not planned)');
  assert.equal(at(again, 4), 'maybe: parent step may rebuild: line 2 COPY (remote named context src: not planned)');
  // A step of the chain whose own input changed rebuilds, whatever the remote does.
  const edited = plan({ ...remote, files: { 'a.txt': 'b' } }, 'buildkit', store);
  assert.equal(at(edited, 4), 'rebuilds: a.txt changed');
  const url: NamedState = { dockerfile: ['FROM alpine:3.19', 'ADD https://example.invalid/x.tgz /x.tgz', 'RUN ls /x.tgz'].join('\n'), named: {} };
  const urlStore = recordState(url);
  assert.match(at(plan(url, 'buildkit', urlStore), 3), /^maybe: parent step may rebuild: line 2 ADD \(ADD of https:\/\/example\.invalid\/x\.tgz/);
});
