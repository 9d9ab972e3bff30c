// Lens titles with the cost a real build recorded: "rebuilds, about 41 s: ...", in English and through the bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lensTitle } from '../../../server/src/features/codeLens';
import { formatMessage, type Translate } from '../../../server/src/core/shared/translate';
import type { CostedPrediction } from '../../../server/src/core/plan/cost';
import { renderReason, type Reason } from '../../../server/src/core/plan/reason';

const step = (status: CostedPrediction['status'], cause: Reason, durationMs?: number): CostedPrediction => ({
  line: 4,
  endLine: 4,
  keyword: 'RUN',
  stage: '0',
  layer: 'filesystem',
  status,
  reason: renderReason(cause),
  cause,
  ...(durationMs !== undefined ? { durationMs } : {}),
});

test('rebuild and maybe verdicts say the recorded duration; without one the title is as before', () => {
  assert.equal(
    lensTitle(
      step(
        'rebuilds',
        { code: 'parentRebuilds', line: 3, keyword: 'COPY', cause: { code: 'filesChanged', changed: { files: ['src/a.js'], more: 0 } } },
        41_200,
      ),
    ),
    'rebuilds, about 41 s: parent step rebuilds (line 3 COPY)',
  );
  assert.equal(lensTitle(step('rebuilds', { code: 'filesChanged', changed: { files: ['src/a.js'], more: 0 } }, 300)), 'rebuilds, under 1 s: src/a.js changed');
  assert.equal(lensTitle(step('maybe', { code: 'dependsOnStage', stage: 'deps' }, 125_000)), "maybe, about 2 min 5 s: depends on stage deps's output");
  assert.equal(lensTitle(step('rebuilds', { code: 'filesChanged', changed: { files: ['src/a.js'], more: 0 } })), 'rebuilds: src/a.js changed');
});

test('the cost words are translated (Korean bundle)', () => {
  const bundle = JSON.parse(readFileSync(join(__dirname, '../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
  const ko: Translate = (message, ...args) => formatMessage(bundle[message] ?? message, args);
  assert.equal(
    lensTitle(step('rebuilds', { code: 'filesChanged', changed: { files: ['src/a.js'], more: 0 } }, 41_200), ko),
    '다시 빌드됨, 약 41초: src/a.js 변경됨',
  );
});
