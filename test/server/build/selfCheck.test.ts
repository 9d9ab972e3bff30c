// The self-check's comparison and the report text, on predictions and engine steps as the build code makes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithBuild } from '../../../server/src/build/selfCheck';
import { formatBuildReport, stoppedBuildNote } from '../../../server/src/build/report';
import type { BuildReport } from '../../../server/src/build/buildProject';
import type { ActualStep } from '../../../server/src/build/progress';
import type { StepPrediction } from '../../../server/src/core/shared/types';

const source = ['FROM alpine', 'WORKDIR /app', 'COPY . /app', 'RUN make', 'ENV A=1', 'COPY --from=0 /x /y', 'RUN test'];
const p = (line: number, keyword: string, status: StepPrediction['status']): StepPrediction => ({
  line,
  endLine: line,
  keyword,
  stage: '0',
  layer: 'filesystem',
  status,
  reason: 'r',
  cause: { code: 'notPredicted' },
});
const a = (line: number, keyword: string, outcome: ActualStep['outcome'], durationMs?: number): ActualStep => ({
  line,
  keyword,
  stage: 0,
  outcome,
  text: source[line - 1],
  ...(durationMs !== undefined ? { durationMs } : {}),
});

test('disagreements: predicted cached but rebuilt, predicted rebuilds but cached; maybe, FROM and unreported steps never disagree', () => {
  const predicted = [
    p(1, 'FROM', 'rebuilds'),
    p(2, 'WORKDIR', 'cached'),
    p(3, 'COPY', 'cached'),
    p(4, 'RUN', 'rebuilds'),
    p(5, 'ENV', 'none'),
    p(6, 'COPY', 'maybe'),
    p(7, 'RUN', 'rebuilds'),
  ];
  const actual = [a(1, 'FROM', 'cached'), a(2, 'WORKDIR', 'cached'), a(3, 'COPY', 'ran', 120), a(4, 'RUN', 'cached'), a(6, 'COPY', 'cached')];
  const { rows, disagreements } = compareWithBuild(predicted, actual, [{ line: 3, sizeBytes: 2048 }], source);
  assert.deepEqual(
    disagreements.map((d) => d.message),
    ['line 3 COPY . /app: predicted cached, Docker rebuilt', 'line 4 RUN make: predicted rebuilds, Docker used its cache'],
  );
  assert.equal(rows.find((r) => r.line === 7)?.actual, 'not reported');
  assert.equal(rows.find((r) => r.line === 3)?.durationMs, 120);
  assert.equal(rows.find((r) => r.line === 3)?.sizeBytes, 2048);
});

test('a failed step is not a disagreement; a step Docker built in a stage predicted skipped is', () => {
  const { disagreements } = compareWithBuild([p(4, 'RUN', 'cached'), p(7, 'RUN', 'skipped')], [a(4, 'RUN', 'error'), a(7, 'RUN', 'ran')], [], source);
  assert.deepEqual(
    disagreements.map((d) => d.message),
    ['line 7 RUN test: predicted skipped, Docker rebuilt'],
  );
});

test('the report names the command, every compared step and the disagreements', () => {
  const { rows, disagreements } = compareWithBuild(
    [p(1, 'FROM', 'cached'), p(3, 'COPY', 'cached')],
    [a(1, 'FROM', 'ran'), a(3, 'COPY', 'ran', 1500)],
    [{ line: 3, sizeBytes: 1_500_000 }],
    source,
  );
  const report: BuildReport = {
    ok: true,
    canceled: false,
    builder: 'buildkit',
    progress: 'rawjson',
    dockerfile: '/p/Dockerfile',
    command: ['docker', 'buildx', 'build', '--build-arg', 'A=x y', '/p'],
    ms: 4200,
    imageId: 'sha256:0123456789abcdef',
    rows,
    disagreements,
    failure: null,
    recordedKeys: 2,
    recordedLines: [1, 3],
  };
  const text = formatBuildReport(report);
  assert.match(text, /^\$ docker buildx build --build-arg 'A=x y' \/p$/m);
  assert.match(text, /^ {3}3 {2}COPY \. \/app +cached +rebuilt +1\.5 s +1\.5 MB +≠$/m);
  assert.match(text, /^ {3}1 {2}FROM alpine +cached +- *$/m);
  assert.match(text, /Built in 4 s \(image 0123456789ab\); recorded 2 step keys\./);
  assert.match(text, /1 step where the prediction and Docker disagreed:\n {2}line 3 COPY \. \/app: predicted cached, Docker rebuilt/);
});

test('a failed or cancelled build says which steps it recorded (the ones Docker finished) and what to fix', () => {
  const failure = (line: number | null) => ({
    message: `The build failed (docker exit 1)${line ? ` at line ${line} RUN` : ''}. The output above shows why.`,
    line,
    tail: [],
  });
  assert.equal(
    stoppedBuildNote({ canceled: false, failure: failure(9), recordedLines: [1, 2, 3, 6, 7] }),
    'Recorded the 5 steps Docker finished (lines 1-3, 6-7); fix line 9 and build again.',
  );
  assert.equal(
    stoppedBuildNote({ canceled: false, failure: failure(2), recordedLines: [1] }),
    'Recorded the step Docker finished (line 1); fix line 2 and build again.',
  );
  assert.equal(
    stoppedBuildNote({ canceled: false, failure: failure(null), recordedLines: [1, 3] }),
    'Recorded the 2 steps Docker finished (lines 1, 3); fix the failure and build again.',
  );
  assert.equal(
    stoppedBuildNote({ canceled: false, failure: failure(1), recordedLines: [] }),
    'Docker finished no step; nothing was recorded. Fix line 1 and build again.',
  );
  assert.equal(
    stoppedBuildNote({ canceled: true, failure: failure(4), recordedLines: [1, 2] }),
    'Recorded the 2 steps Docker finished (lines 1-2) before the build was cancelled.',
  );
  assert.equal(
    stoppedBuildNote({ canceled: true, failure: null, recordedLines: [] }),
    'Docker finished no step before the build was cancelled; nothing was recorded.',
  );
  const { rows, disagreements } = compareWithBuild(
    [p(1, 'FROM', 'rebuilds'), p(3, 'COPY', 'rebuilds')],
    [a(1, 'FROM', 'ran'), a(3, 'COPY', 'error')],
    [],
    source,
  );
  const text = formatBuildReport({
    ok: false,
    canceled: false,
    builder: 'classic',
    progress: 'classic',
    dockerfile: '/p/Dockerfile',
    command: ['docker', 'build', '/p'],
    ms: 900,
    imageId: null,
    rows,
    disagreements,
    failure: failure(3),
    recordedKeys: 1,
    recordedLines: [1],
  });
  assert.match(
    text,
    /^The build failed \(docker exit 1\) at line 3 RUN\. The output above shows why\. Recorded the step Docker finished \(line 1\); fix line 3 and build again\.$/m,
  );
});
