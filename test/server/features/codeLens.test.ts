// Lens titles: the verdict in a few words, in the style the README shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeLenses, lensTitle } from '../../../server/src/features/codeLens';
import { simulationLabel } from '../../../server/src/documents';
import type { StepPrediction } from '../../../server/src/core/types';

const step = (status: StepPrediction['status'], reason: string): StepPrediction => ({ line: 1, endLine: 1, keyword: 'RUN', stage: '0', layer: 'filesystem', status, reason });

void test('lensTitle shortens the engine\'s reasons', () => {
  const cases: Array<[StepPrediction['status'], string, string]> = [
    ['cached', 'unchanged since a recorded build', 'cached'],
    ['rebuilds', 'src/app.js changed', 'rebuilds: src/app.js changed'],
    ['rebuilds', 'not built yet: no recorded build', 'rebuilds: not built yet'],
    ['rebuilds', 'parent step rebuilds: line 4 COPY (src/app.js changed)', 'rebuilds: parent step rebuilds (line 4 COPY)'],
    ['maybe', "depends on stage builder's output (line 5 RUN rebuilds): cached only if the copied files come out identical", "maybe: depends on stage builder's output"],
    ['maybe', "depends on stage builder's output: cached only if the copied files come out identical", "maybe: depends on stage builder's output"],
    ['maybe', 'parent step may rebuild: line 9 COPY (depends on stage deps\'s output (line 4 COPY rebuilds): cached only if ...)', 'maybe: parent step may rebuild (line 9 COPY)'],
    ['maybe', 'ADD of https://example.invalid/x.tgz: Docker checks the remote on every build', 'maybe: ADD of https://example.invalid/x.tgz: Docker checks the remote on every build'],
    ['skipped', 'stage not needed by target runtime', 'skipped: stage not needed'],
    ['skipped', 'stage test comes after the target stage; it is not built', 'skipped: after the target stage'],
    ['none', 'metadata only: no rebuild', 'metadata only: no rebuild'],
    ['none', 'metadata only: no rebuild by itself; its value is part of every later RUN key', 'metadata only: no rebuild'],
    ['none', 'global ARG: usable only in FROM lines unless a stage declares it again', 'global ARG: usable only in FROM lines unless a stage declares it again'],
    ['none', 'continues stage base', 'continues stage base'],
  ];
  for (const [status, reason, title] of cases) assert.equal(lensTitle(step(status, reason)), title, reason);
});

void test('codeLenses: one per step on its first line, clicking simulates; a problem gives one lens that says it', () => {
  const steps = [{ ...step('cached', 'x'), line: 2, endLine: 3 }, { ...step('rebuilds', 'src/a.js changed'), line: 5, endLine: 5, keyword: 'COPY' }];
  const lenses = codeLenses({ uri: 'file:///d/Dockerfile', settings: { builder: 'buildkit', baseline: 'auto', buildArgs: {} }, baseline: { kind: 'none', label: '', detail: '' }, plan: { steps, diagnostics: [], keys: [], recorded: { steps: {}, files: {} }, source: [] } });
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]), [
    [1, 'cached', 'layerLens.simulateStep', [{ uri: 'file:///d/Dockerfile', line: 2, keyword: 'RUN' }]],
    [4, 'rebuilds: src/a.js changed', 'layerLens.simulateStep', [{ uri: 'file:///d/Dockerfile', line: 5, keyword: 'COPY' }]],
  ]);
  const problem = codeLenses({ uri: 'u', settings: { builder: 'buildkit', baseline: 'auto', buildArgs: {} }, baseline: { kind: 'none', label: '', detail: '' }, problem: 'no context' });
  assert.deepEqual(problem.map((l) => l.command?.title), ['Layer Lens: no context']);
  assert.deepEqual(codeLenses(undefined), []);
});

void test('simulationLabel names what is pretended', () => {
  assert.equal(simulationLabel(['src/app.js'], []), 'src/app.js changed');
  assert.equal(simulationLabel(['a', 'b', 'c', 'd'], []), 'a, b and 2 more changed');
  assert.equal(simulationLabel([], [3]), 'line 3 edited');
  assert.equal(simulationLabel(['a'], [3, 5]), 'a changed; lines 3, 5 edited');
});
