// Lens titles: the verdict in a few words, in the style the README shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeLenses, lensTitle } from '../../../server/src/features/codeLens';
import { simulationLabel } from '../../../server/src/documents';
import type { StepPrediction } from '../../../server/src/core/shared/types';
import { renderReason, type Reason } from '../../../server/src/core/plan/reason';
import { verbatim } from '../../../server/src/core/shared/message';

const step = (status: StepPrediction['status'], cause: Reason): StepPrediction => ({
  line: 1,
  endLine: 1,
  keyword: 'RUN',
  stage: '0',
  layer: 'filesystem',
  status,
  reason: renderReason(cause),
  cause,
});

void test("lensTitle shortens the engine's reasons", () => {
  const cases: Array<[StepPrediction['status'], Reason, string]> = [
    ['cached', { code: 'unchangedSinceRecorded' }, 'cached'],
    ['rebuilds', { code: 'filesChanged', changed: { files: ['src/app.js'], more: 0 } }, 'rebuilds: src/app.js changed'],
    ['rebuilds', { code: 'notBuiltYet' }, 'rebuilds: not built yet'],
    [
      'rebuilds',
      { code: 'parentRebuilds', line: 4, keyword: 'COPY', cause: { code: 'filesChanged', changed: { files: ['src/app.js'], more: 0 } } },
      'rebuilds: parent step rebuilds (line 4 COPY)',
    ],
    ['maybe', { code: 'dependsOnStage', stage: 'builder', line: 5, keyword: 'RUN' }, "maybe: depends on stage builder's output"],
    ['maybe', { code: 'dependsOnStage', stage: 'builder' }, "maybe: depends on stage builder's output"],
    [
      'maybe',
      { code: 'parentMayRebuild', line: 9, keyword: 'COPY', cause: { code: 'dependsOnStage', stage: 'deps', line: 4, keyword: 'COPY' } },
      'maybe: parent step may rebuild (line 9 COPY)',
    ],
    [
      'maybe',
      { code: 'remoteAdd', url: 'https://example.invalid/x.tgz' },
      'maybe: ADD of https://example.invalid/x.tgz: Docker checks the remote on every build',
    ],
    ['skipped', { code: 'notNeededByTarget', stage: 'runtime' }, 'skipped: stage not needed'],
    ['skipped', { code: 'afterTarget', stage: 'test' }, 'skipped: after the target stage'],
    ['none', { code: 'metaOnly' }, 'metadata only: no rebuild'],
    ['none', { code: 'metaEnv' }, 'metadata only: no rebuild'],
    ['none', { code: 'globalArg' }, 'global ARG: usable only in FROM lines unless a stage declares it again'],
    ['none', { code: 'continuesStage', stage: 'base' }, 'continues stage base'],
  ];
  for (const [status, reason, title] of cases) assert.equal(lensTitle(step(status, reason)), title, reason.code);
});

void test('codeLenses: one per step on its first line, clicking simulates; a problem gives one lens that says it', () => {
  const steps = [
    { ...step('cached', { code: 'unchangedSinceRecorded' }), line: 2, endLine: 3 },
    { ...step('rebuilds', { code: 'filesChanged', changed: { files: ['src/a.js'], more: 0 } }), line: 5, endLine: 5, keyword: 'COPY' },
  ];
  const lenses = codeLenses({
    uri: 'file:///d/Dockerfile',
    settings: { builder: 'buildkit', baseline: 'auto', buildArgs: {} },
    baseline: { kind: 'none', label: '', detail: verbatim('') },
    plan: { steps, diagnostics: [], keys: [], recorded: { steps: {}, files: {} }, source: [] },
  });
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
    [
      [1, 'cached', 'layerLens.simulateStep', [{ uri: 'file:///d/Dockerfile', line: 2, keyword: 'RUN' }]],
      [4, 'rebuilds: src/a.js changed', 'layerLens.simulateStep', [{ uri: 'file:///d/Dockerfile', line: 5, keyword: 'COPY' }]],
    ],
  );
  const problem = codeLenses({
    uri: 'u',
    settings: { builder: 'buildkit', baseline: 'auto', buildArgs: {} },
    baseline: { kind: 'none', label: '', detail: verbatim('') },
    problem: verbatim('no context'),
  });
  assert.deepEqual(
    problem.map((l) => l.command?.title),
    ['Layer Lens: no context'],
  );
  assert.deepEqual(codeLenses(undefined), []);
});

void test('simulationLabel names what is pretended', () => {
  assert.equal(simulationLabel(['src/app.js'], []), 'src/app.js changed');
  assert.equal(simulationLabel(['a', 'b', 'c', 'd'], []), 'a, b and 2 more changed');
  assert.equal(simulationLabel([], [3]), 'line 3 edited');
  assert.equal(simulationLabel(['a'], [3, 5]), 'a changed; lines 3, 5 edited');
});
