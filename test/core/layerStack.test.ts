// The layer stack view model: a plan (over an in-memory context) turned into what the webview draws.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, FULL_HEIGHT_BYTES, layerStackModel, MAX_TEXT, type LayerStackModel } from '../../server/src/core/stack/layerStack';
import type { CostedPrediction } from '../../server/src/core/plan/cost';
import { afterBuilds, planState, type State } from '../helpers/plan';
import type { Spec } from '../helpers/memoryContext';
import type { Builder } from '../../server/src/core/shared/types';

const appFiles: Record<string, Spec> = { 'package.json': '{"name":"app"}', 'src/app.js': 'console.log(1)\n', 'src/lib/util.js': 'x'.repeat(2500) };
const classicApp = 'FROM node:20\nWORKDIR /app\nCOPY . /app\nRUN npm install\nEXPOSE 3000\nCMD ["node", "src/app.js"]\n';

/** Sizes as the server gives them: files' bytes from the state, folders undefined. */
function sizes(state: State): (path: string) => number | undefined {
  const all: Record<string, Spec> = { Dockerfile: state.dockerfile, ...(state.ignore !== undefined ? { '.dockerignore': state.ignore } : {}), ...state.files };
  return (path) => {
    const spec = all[path];
    if (spec === undefined) return undefined;
    return typeof spec === 'string' ? spec.length : (spec.content ?? '').length;
  };
}

function model(state: State, steps: CostedPrediction[], builder: Builder = 'buildkit'): LayerStackModel {
  return layerStackModel({
    text: state.dockerfile,
    builder,
    buildArgs: state.buildArgs ?? {},
    ...(state.target ? { target: state.target } : {}),
    steps,
    sizeOf: sizes(state),
  });
}

test('one stage: base image at the bottom, a block per layer with context sizes, metadata bands, the container layer on top', () => {
  const state: State = { dockerfile: classicApp, files: appFiles, ignore: 'Dockerfile\n' };
  const m = model(state, planState(state, 'buildkit').steps);
  assert.equal(m.stages.length, 1);
  const [stage] = m.stages;
  assert.deepEqual(
    { label: stage.label, needed: stage.needed, target: stage.target, container: stage.container },
    { label: '0', needed: true, target: true, container: true },
  );
  assert.deepEqual(
    { kind: stage.base.kind, text: stage.base.text, line: stage.base.line, size: stage.base.size },
    { kind: 'base', text: 'FROM node:20', line: 1, size: 'unknown' },
  );
  assert.deepEqual(
    stage.blocks.map((b) => `${b.line} ${b.kind} ${b.text}`),
    ['2 layer WORKDIR /app', '3 layer COPY . /app', '4 layer RUN npm install', '5 metadata EXPOSE 3000', '6 metadata CMD ["node", "src/app.js"]'],
  );
  const copy = stage.blocks[1];
  // .dockerignore (11 B) + package.json (14 B) + src/app.js (15 B) + src/lib/util.js (2500 B); folders are not files.
  assert.equal(copy.bytes, 11 + 14 + 15 + 2500);
  assert.equal(copy.size, 'estimate');
  assert.equal(copy.sizeText, '≈ 2.5 kB from 4 files');
  assert.deepEqual(copy.files, ['.dockerignore', 'package.json', 'src/app.js', 'src/lib/util.js']);
  const run = stage.blocks[2];
  assert.deepEqual(
    { bytes: run.bytes, size: run.size, weight: run.weight, sizeText: run.sizeText },
    { bytes: null, size: 'unknown', weight: null, sizeText: 'size unknown until built' },
  );
  // Nothing reaches a megabyte: the 2.5 kB COPY is drawn on the megabyte scale, not at full height.
  assert.equal(copy.weight, Math.log1p(11 + 14 + 15 + 2500) / Math.log1p(FULL_HEIGHT_BYTES));
  assert.ok((copy.weight ?? 1) < 0.6);
  assert.equal(stage.blocks[0].weight, 0, 'WORKDIR adds (about) nothing');
  assert.equal(stage.blocks[3].status, 'none');
  assert.equal(stage.blocks[3].verdict, 'no build step');
  assert.equal(m.edges.length, 0);
});

test('nothing built yet: every layer rebuilds, the summary names the first miss', () => {
  const state: State = { dockerfile: classicApp, files: appFiles };
  const m = model(state, planState(state, 'buildkit').steps);
  assert.equal(m.summary.text, '4 of 4 layers rebuild; first miss: FROM node:20 (not built yet: no recorded build)');
  assert.deepEqual([m.summary.layers, m.summary.rebuild, m.summary.maybe], [4, 4, 0]);
  assert.deepEqual(
    m.stages[0].blocks.map((b) => `${b.icon} ${b.verdict}`),
    ['sync rebuilds', 'sync rebuilds', 'sync rebuilds', 'dash no build step', 'dash no build step'],
  );
});

test('a source edit: the summary names COPY and the file; blocks below stay cached', () => {
  const before: State = { dockerfile: classicApp, files: appFiles };
  const after: State = { ...before, files: { ...appFiles, 'src/app.js': 'console.log(2)\n' } };
  const m = model(after, afterBuilds('buildkit', before, after).steps);
  assert.equal(m.summary.text, '2 of 4 layers rebuild; first miss: COPY . /app (src/app.js changed)');
  assert.deepEqual(m.summary.firstMiss, {
    line: 3,
    text: 'COPY . /app',
    reason: 'src/app.js changed',
    cause: { code: 'filesChanged', changed: { files: ['src/app.js'], more: 0 } },
  });
  assert.deepEqual(
    [m.stages[0].base, ...m.stages[0].blocks].map((b) => b.verdict),
    ['cached', 'cached', 'rebuilds', 'rebuilds', 'no build step', 'no build step'],
  );
  assert.equal(m.stages[0].blocks[0].icon, 'pass');
});

test('all cached: the summary says so', () => {
  const state: State = { dockerfile: classicApp, files: appFiles };
  assert.equal(model(state, afterBuilds('buildkit', state, state).steps).summary.text, 'All 4 layers cached');
});

const multi =
  [
    'FROM node:20 AS deps', // 1
    'COPY package.json ./', // 2
    'RUN npm ci', // 3
    'FROM deps AS test', // 4
    'RUN npm test', // 5
    'FROM golang:1.22 AS tools', // 6
    'RUN go install x', // 7
    'FROM node:20-slim AS runtime', // 8
    'COPY --from=deps /node_modules ./node_modules', // 9
    'RUN --mount=type=cache,target=/c --mount=type=bind,from=test,target=/t cp /t/report .', // 10
    'COPY src ./src', // 11
    'USER node', // 12
  ].join('\n') + '\n';

test('stages in build order, edges for FROM <stage>, COPY --from and RUN --mount=from=, an unneeded stage dimmed', () => {
  const state: State = { dockerfile: multi, files: appFiles };
  const m = model(state, planState(state, 'buildkit').steps);
  assert.deepEqual(
    m.stages.map((s) => `${s.label}${s.needed ? '' : ' (dimmed)'}${s.target ? ' (target)' : ''}`),
    ['deps', 'test', 'runtime (target)', 'tools (dimmed)'],
  );
  assert.deepEqual(
    m.edges.map((e) => `${e.from}->${e.to} line ${e.line} ${e.kind}: ${e.text}`),
    ['0->1 line 4 from: FROM deps', '0->3 line 9 copy: COPY --from=deps', '1->3 line 10 mount: RUN --mount=from=test'],
  );
  const test = m.stages[1];
  assert.equal(test.base.fromStage, 0);
  assert.equal(test.base.sizeText, 'the layers of stage deps');
  assert.equal(test.container, false);
  const runtime = m.stages[2];
  assert.equal(runtime.container, true);
  assert.deepEqual(
    runtime.blocks.map((b) => b.fromStage),
    [0, 1, undefined, undefined],
  );
  assert.equal(runtime.blocks[0].size, 'unknown', 'COPY --from copies what another stage made: unknown until built');
  assert.equal(runtime.blocks[2].sizeText, '≈ 2.5 kB from 2 files');
  const tools = m.stages[3];
  assert.deepEqual(
    [tools.base, ...tools.blocks].map((b) => `${b.status} ${b.icon}`),
    ['skipped circle-slash', 'skipped circle-slash'],
  );
  assert.equal(tools.container, false);
  // deps FROM + COPY + RUN, test RUN, runtime FROM + COPY + RUN + COPY: the skipped stage does not count.
  assert.equal(m.summary.layers, 8);
});

test('a changed manifest ripples into COPY --from: maybe, counted apart', () => {
  const before: State = { dockerfile: multi, files: appFiles };
  const after: State = { ...before, files: { ...appFiles, 'package.json': '{"name":"app2"}' } };
  const m = model(after, afterBuilds('buildkit', before, after).steps);
  assert.equal(m.summary.firstMiss?.text, 'COPY package.json ./');
  assert.match(m.summary.text, /^\d+ of 8 layers rebuild, \d+ maybe; first miss: COPY package\.json \.\/ \(package\.json changed\)$/);
  const maybe = m.stages[2].blocks[0];
  assert.equal(maybe.status, 'maybe');
  assert.equal(maybe.icon, 'question');
  assert.equal(m.summary.maybe, m.stages.flatMap((s) => [s.base, ...s.blocks]).filter((b) => b.status === 'maybe').length);
});

test('--target: later stages are not needed, the container layer sits on the target', () => {
  const state: State = { dockerfile: multi, files: appFiles, target: 'test' };
  const m = model(state, planState(state, 'buildkit').steps);
  assert.deepEqual(
    m.stages.map((s) => `${s.label}:${s.needed ? 'built' : 'dimmed'}:${s.container ? 'container' : ''}`),
    ['deps:built:', 'test:built:container', 'tools:dimmed:', 'runtime:dimmed:'],
  );
});

test('recorded sizes and timings replace estimates; the summary adds the rebuild cost', () => {
  const before: State = { dockerfile: classicApp, files: appFiles };
  const after: State = { ...before, files: { ...appFiles, 'src/app.js': 'console.log(2)\n' } };
  const steps = afterBuilds('buildkit', before, after).steps;
  // What core/plan/cost.ts puts on the steps from the last real build.
  const costed = (costs: Record<number, { sizeBytes?: number; durationMs?: number }>): CostedPrediction[] => steps.map((s) => ({ ...s, ...costs[s.line] }));
  const full = model(after, costed({ 3: { sizeBytes: 3_400_000, durationMs: 1200 }, 4: { sizeBytes: 180_000_000, durationMs: 41_000 } }));
  const [, copyBlock, runBlock] = full.stages[0].blocks;
  assert.deepEqual([copyBlock.size, copyBlock.sizeText, runBlock.sizeText], ['recorded', '3.4 MB (recorded)', '180 MB (recorded)']);
  assert.equal(runBlock.weight, 1);
  assert.ok((copyBlock.weight ?? 0) > 0.5 && (copyBlock.weight ?? 1) < 1, `log scale keeps the COPY visible: ${copyBlock.weight}`);
  assert.equal(full.summary.text, '2 of 4 layers rebuild; first miss: COPY . /app (src/app.js changed); rebuild ≈ 42 s');
  const partial = model(after, costed({ 4: { durationMs: 41_000 } }));
  assert.equal(partial.summary.text, '2 of 4 layers rebuild; first miss: COPY . /app (src/app.js changed); rebuild ≥ 41 s (1 of 2 timed)');
});

test('the classic builder: metadata steps are bands with their own verdicts; scratch is an empty base', () => {
  const text = 'FROM scratch\nENV A=1\nCOPY package.json /\n';
  const state: State = { dockerfile: text, files: appFiles };
  const m = model(state, planState(state, 'classic').steps, 'classic');
  const [stage] = m.stages;
  assert.deepEqual(
    { text: stage.base.text, sizeText: stage.base.sizeText, status: stage.base.status },
    { text: 'FROM scratch', sizeText: 'empty image', status: 'none' },
  );
  assert.deepEqual(
    stage.blocks.map((b) => `${b.kind} ${b.status}`),
    ['metadata rebuilds', 'layer rebuilds'],
  );
});

test('instruction text: flags kept, continuations joined, long lines shortened; hostile text kept verbatim (the webview renders it as text)', () => {
  const long = `RUN echo ${'a'.repeat(200)}`;
  const text = `FROM alpine\nRUN --mount=type=cache,target=/root/.npm \\\n    npm ci\n${long}\nLABEL x="<script>alert(1)</script>"\n`;
  const state: State = { dockerfile: text, files: { '<img src=x onerror=alert(1)>.js': 'boom' } };
  const m = model(state, planState(state, 'buildkit').steps);
  const [mount, longRun, label] = m.stages[0].blocks;
  assert.equal(mount.text, 'RUN --mount=type=cache,target=/root/.npm npm ci');
  assert.deepEqual([mount.line, mount.endLine], [2, 3]);
  assert.equal(longRun.text.length, MAX_TEXT);
  assert.ok(longRun.text.endsWith('…'));
  assert.equal(label.text, 'LABEL x="<script>alert(1)</script>"');
});

test('bad input never throws: no FROM, an empty file', () => {
  const none = model({ dockerfile: 'RUN x\n' }, planState({ dockerfile: 'RUN x\n' }, 'buildkit').steps);
  assert.deepEqual(none.stages, []);
  assert.equal(none.summary.text, 'No layers to build');
  assert.deepEqual(model({ dockerfile: '' }, []).stages, []);
});

test('formatBytes and formatDuration use Docker-like units', () => {
  assert.deepEqual([0, 999, 1000, 1234, 45_600, 3_400_000, 2_000_000_000].map(formatBytes), ['0 B', '999 B', '1.0 kB', '1.2 kB', '46 kB', '3.4 MB', '2.0 GB']);
  assert.deepEqual(
    [850, 42_000, 65_000, 120_000].map((ms) => formatDuration(ms)),
    ['850 ms', '42 s', '1 min 5 s', '2 min'],
  );
});
