// Reasons are values (core/plan/reason.ts): every code has a rendering in English (the CLI's text) and in Korean (the
// editor's bundle), walked code by code; every reason the engine gives in many scenarios renders in Korean, and in
// English exactly as its `reason` text. The plan's diagnostics are values too (core/shared/message.ts, every code
// checked in messages.test.ts): the ones the engine gives render in Korean, and in English exactly as their text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { englishT, formatMessage, type Translate } from '../../../server/src/core/shared/translate';
import { ALL_REASON_MESSAGES, PART_MESSAGES, renderReason, type Reason, type ReasonCode } from '../../../server/src/core/plan/reason';
import { renderMessage } from '../../../server/src/core/shared/message';
import { localisedSummary } from '../../../server/src/features/layerStack';
import { layerStackModel } from '../../../server/src/core/stack/layerStack';
import { afterBuilds, planState, type State } from '../../helpers/plan';
import type { Builder } from '../../../server/src/core/shared/types';

const root = join(__dirname, '../../..');
const bundle = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
const ko: Translate = (message, ...args) => formatMessage(bundle[message] ?? message, args);
/** What @vscode/l10n does with no bundle (English display language): fills the English source string. */
const noBundle: Translate = (message, ...args) => formatMessage(message, args);

const placeholders = (s: string) => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();
/** Messages whose Korean keeps only English words (a flag or a keyword): "--mount changed" is "--mount 변경됨". */
const hangul = /[\uac00-\ud7a3]/;

const fileList = (...files: string[]) => ({ files, more: 0 });
const inner: Reason = { code: 'filesChanged', changed: fileList('src/app.js') };
/** Every code with the values that reach each of its messages; the type makes a new code fail to compile here. */
const SAMPLES: { [C in ReasonCode]: Array<Reason & { code: C }> } = {
  baseUnchanged: [{ code: 'baseUnchanged' }],
  unchangedSinceRecorded: [{ code: 'unchangedSinceRecorded' }],
  sameContentAsRecorded: [{ code: 'sameContentAsRecorded' }],
  notBuiltYet: [{ code: 'notBuiltYet' }],
  noRecordedStep: [{ code: 'noRecordedStep' }],
  lastBuildStopped: [{ code: 'lastBuildStopped' }],
  changedAfterBuild: [{ code: 'changedAfterBuild', path: 'src/app.js', time: '14:02' }],
  emptyBase: [{ code: 'emptyBase' }],
  notABuildStep: [{ code: 'notABuildStep' }],
  globalArg: [{ code: 'globalArg' }],
  editedBaseChanged: [{ code: 'editedBaseChanged' }],
  metaEnv: [{ code: 'metaEnv' }],
  metaUser: [{ code: 'metaUser' }],
  metaShell: [{ code: 'metaShell' }],
  workdirRoot: [{ code: 'workdirRoot' }],
  metaOnly: [{ code: 'metaOnly' }],
  newInstruction: [{ code: 'newInstruction' }],
  notOnThisParent: [{ code: 'notOnThisParent' }],
  sourceStageChanged: [{ code: 'sourceStageChanged' }],
  sourceFilesChanged: [{ code: 'sourceFilesChanged' }],
  notPredicted: [{ code: 'notPredicted' }],
  continuesStage: [{ code: 'continuesStage', stage: 'base' }],
  afterTarget: [{ code: 'afterTarget', stage: 'test' }],
  notNeededByTarget: [{ code: 'notNeededByTarget', stage: 'prod' }, { code: 'notNeededByTarget' }],
  sameStepFirst: [{ code: 'sameStepFirst', line: 3, stage: 'a' }],
  sameStepOnce: [{ code: 'sameStepOnce', line: 3, stage: 'a' }],
  parentRebuilds: [{ code: 'parentRebuilds', line: 4, keyword: 'COPY', cause: inner }],
  parentMayRebuild: [{ code: 'parentMayRebuild', line: 9, keyword: 'COPY', cause: { code: 'dependsOnStage', stage: 'deps', line: 4, keyword: 'COPY' } }],
  dependsOnStage: [
    { code: 'dependsOnStage', stage: 'deps' },
    { code: 'dependsOnStage', stage: 'deps', line: 4, keyword: 'COPY' },
  ],
  secretAfterRerun: [{ code: 'secretAfterRerun', line: 5 }],
  baseImageChanged: [{ code: 'baseImageChanged', value: 'node:22', was: 'node:20' }],
  platformChanged: [{ code: 'platformChanged', value: 'linux/arm64', was: 'linux/amd64' }],
  buildFails: [{ code: 'buildFails', line: 2 }],
  baseNotRecorded: [{ code: 'baseNotRecorded', image: 'alpine' }],
  remoteAdd: [{ code: 'remoteAdd', url: 'https://example.invalid/x.tgz' }],
  namedContextNotPlanned: [
    { code: 'namedContextNotPlanned', name: 'src', value: 'https://example.invalid/repo.git', why: 'remote' },
    { code: 'namedContextNotPlanned', name: 'base', value: 'target:base', why: 'build' },
    { code: 'namedContextNotPlanned', name: 'shared', value: '/work/shared', why: 'unread' },
  ],
  namedContextBuildCached: [{ code: 'namedContextBuildCached', name: 'base', value: 'target:base' }],
  fromNamedFolder: [{ code: 'fromNamedFolder', name: 'base' }],
  namedContextBuildChanged: [
    { code: 'namedContextBuildChanged', name: 'base', value: 'target:base', status: 'rebuilds', line: 3, keyword: 'COPY', file: 'base.Dockerfile' },
    { code: 'namedContextBuildChanged', name: 'base', value: 'target:base', status: 'maybe', line: 4, keyword: 'RUN', file: 'base.Dockerfile' },
    { code: 'namedContextBuildChanged', name: 'base', value: 'target:base', status: 'rebuilds', line: 4, keyword: 'RUN', file: 'base.Dockerfile', copy: true },
  ],
  replacedByNamedContext: [{ code: 'replacedByNamedContext', stage: 'src' }],
  envAdded: [{ code: 'envAdded', variable: 'A' }],
  envRemoved: [{ code: 'envRemoved', variable: 'A' }],
  envChanged: [{ code: 'envChanged', variable: 'A' }],
  argSet: [{ code: 'argSet', variable: 'A' }],
  argUnset: [{ code: 'argUnset', variable: 'A' }],
  argChanged: [{ code: 'argChanged', variable: 'A' }],
  partChanged: [...Object.keys(PART_MESSAGES).map((part) => ({ code: 'partChanged' as const, part })), { code: 'partChanged', part: 'someday' }],
  filesChanged: [
    { code: 'filesChanged', changed: fileList('a.js') },
    { code: 'filesChanged', changed: { files: ['a.js', 'b.js', 'c.js'], more: 2 }, added: fileList('d.js'), removed: fileList('e.js') },
    { code: 'filesChanged', added: { files: ['a.js', 'b.js', 'c.js'], more: 1 }, removed: { files: ['a.js', 'b.js', 'c.js'], more: 4 } },
    { code: 'filesChanged' },
  ],
  unknownBuildArgs: [
    {
      code: 'unknownBuildArgs',
      args: [
        { name: 'GIT_SHA', why: 'not set in the environment or .env' },
        { name: 'B', why: 'x' },
      ],
    },
  ],
  simulation: [
    { code: 'simulation' },
    { code: 'simulation', files: fileList('src/app.js'), lines: [4] },
    { code: 'simulation', files: { files: ['a', 'b'], more: 2 }, lines: [3, 5] },
  ],
};

void test('every reason message has a Korean translation with the same placeholders, in Hangul', () => {
  assert.ok(ALL_REASON_MESSAGES.length > 60);
  for (const message of ALL_REASON_MESSAGES) {
    const translated = bundle[message];
    assert.ok(translated, `no Korean for "${message}"`);
    assert.deepEqual(placeholders(translated), placeholders(message), message);
    if (!/^(--[a-z-]+|[A-Z_]+|URL|\{0\}) changed$/.test(message)) assert.match(translated, hangul, message);
  }
});

void test('every reason code renders in English and in Korean, through bundle messages only, reaching every message', () => {
  const used = new Set<string>();
  const missing: string[] = [];
  const koStrict: Translate = (message, ...args) => {
    used.add(message);
    if (bundle[message] === undefined) missing.push(message);
    return ko(message, ...args);
  };
  for (const [code, samples] of Object.entries(SAMPLES) as Array<[ReasonCode, Reason[]]>) {
    assert.ok(samples.length > 0, `no sample of ${code}`);
    for (const reason of samples) {
      assert.equal(reason.code, code);
      const english = renderReason(reason);
      assert.ok(english.length > 0 && !/\{\d+\}/.test(english), `${code}: ${english}`);
      assert.equal(renderReason(reason, noBundle), english, `${code}: English display language differs from the CLI's text`);
      for (const short of [false, true]) {
        const korean = renderReason(reason, koStrict, { short });
        assert.ok(!/\{\d+\}/.test(korean), `${code}: ${korean}`);
        if (!(reason.code === 'partChanged' && /^(--|[A-Z_]+ |URL|someday)/.test(english))) assert.match(korean, hangul, `${code} in Korean: ${korean}`);
      }
    }
  }
  assert.deepEqual(missing, [], 'rendered through messages the Korean bundle lacks');
  const unreached = ALL_REASON_MESSAGES.filter((m) => !used.has(m));
  assert.deepEqual(unreached, [], 'messages no sample reaches (a code without a sample for that case)');
});

const files = {
  'app/a.txt': 'a',
  'app/b.txt': 'b',
  'package.json': '{}',
  'src/app.js': 'v1',
  'src/b.js': 'b',
  'src/c.js': 'c',
  'src/d.js': 'd',
  'src/e.js': 'e',
};
const multi = [
  'ARG BASE=alpine',
  'FROM node:20 AS deps',
  'WORKDIR /app',
  'COPY package.json ./',
  'RUN npm install',
  'FROM deps AS build',
  'COPY src ./src',
  'RUN npm run build',
  'FROM scratch AS empty',
  'FROM alpine AS prod',
  'ENV NODE_ENV=production',
  'ARG PORT=3000',
  'USER node',
  'SHELL ["/bin/sh", "-c"]',
  'WORKDIR /',
  'LABEL a=b',
  'EXPOSE 3000',
  'COPY --from=build /app/dist /dist',
  'RUN echo done',
  'ADD https://example.invalid/x.tgz /x.tgz',
  'CMD ["node", "/dist/server.js"]',
  'FROM alpine AS test',
  'RUN echo test',
  '',
].join('\n');

/** Pairs of (built, now) states whose plans, together, produce every kind of reason the engine writes. */
function scenarioSteps(): Array<{ reason: string; cause: Reason }> {
  const reasons: Array<{ reason: string; cause: Reason }> = [];
  const plans = (builder: Builder, ...states: State[]) => {
    const r = states.length === 1 ? planState(states[0], builder) : afterBuilds(builder, ...states);
    for (const s of r.steps) reasons.push({ reason: s.reason, cause: s.cause });
  };
  const a: State = { dockerfile: multi, files, target: 'prod' };
  for (const builder of ['buildkit', 'classic'] as const) {
    plans(builder, a);
    plans(builder, { ...a, target: 'build' });
    plans(builder, a, a);
    plans(builder, a, { ...a, files: { ...files, 'src/app.js': 'v2' } });
    plans(builder, a, { ...a, files: { ...files, 'src/app.js': 'v2', 'src/b.js': '2', 'src/c.js': '2', 'src/d.js': '2', 'src/new.js': 'n' } });
    plans(builder, a, { ...a, files: { ...files, 'package.json': '{"a":1}' } });
    plans(builder, a, { ...a, dockerfile: multi.replace('node:20', 'node:22') });
    plans(builder, a, { ...a, dockerfile: multi.replace('FROM node:20', 'FROM --platform=linux/arm64 node:20') });
    plans(builder, a, { ...a, dockerfile: multi.replace('npm run build', 'npm run build:prod') });
    plans(builder, a, { ...a, dockerfile: multi.replace('COPY src ./src', 'COPY src ./source') });
    plans(builder, a, { ...a, dockerfile: multi.replace('RUN echo done', 'ENV EXTRA=1\nRUN echo done') });
    plans(builder, a, { ...a, dockerfile: multi.replace('ENV NODE_ENV=production', 'ENV NODE_ENV=development') });
    plans(builder, a, { ...a, dockerfile: multi.replace('RUN echo done', 'RUN echo hello\nRUN echo done') });
    plans(builder, a, { ...a, buildArgs: { PORT: '8080' } });
    plans(builder, a, { ...a, dockerfile: multi.replace('WORKDIR /app', 'WORKDIR /srv') });
    plans(builder, a, { ...a, dockerfile: multi.replace('USER node', 'USER root') });
    // same-build reuse: stage b repeats stage a's steps on the same base
    plans(builder, { dockerfile: 'FROM alpine AS a\nWORKDIR /app\nRUN echo same\nFROM alpine AS b\nWORKDIR /app\nRUN echo same\nCOPY --from=a /app /app\n' });
  }
  const removed = { ...files } as Record<string, string>;
  delete removed['src/e.js'];
  plans('buildkit', a, { ...a, files: removed });
  return [...new Map(reasons.map((r) => [r.reason, r])).values()];
}

void test("every reason the engine gives in the scenarios renders in Korean; in English it is the step's reason text", () => {
  const reasons = scenarioSteps();
  assert.ok(reasons.length > 25, `only ${reasons.length} distinct reasons`);
  const codes = new Set(reasons.map((r) => r.cause.code));
  assert.ok(codes.size > 20, `only ${codes.size} codes: ${[...codes].join(', ')}`);
  for (const { reason, cause } of reasons) {
    assert.equal(renderReason(cause), reason);
    assert.equal(renderReason(cause, englishT), reason);
    assert.equal(renderReason(cause, noBundle), reason, `English display language changes "${reason}"`);
    const translated = renderReason(cause, ko);
    assert.notEqual(translated, reason, `not translated: ${reason}`);
    assert.match(translated, hangul, reason);
  }
});

void test('Korean reasons: nested reasons, file lists and simulation labels', () => {
  assert.equal(renderReason({ code: 'notBuiltYet' }, ko), '아직 빌드되지 않음: 기록된 빌드 없음');
  assert.equal(
    renderReason({ code: 'parentRebuilds', line: 6, keyword: 'COPY', cause: { code: 'filesChanged', changed: fileList('app/a.txt') } }, ko),
    '이전 단계가 다시 빌드됨: 6번 줄 COPY(app/a.txt 변경됨)',
  );
  assert.equal(
    renderReason({ code: 'parentMayRebuild', line: 9, keyword: 'COPY', cause: { code: 'dependsOnStage', stage: 'deps', line: 4, keyword: 'COPY' } }, ko),
    '이전 단계가 다시 빌드될 수 있음: 9번 줄 COPY(스테이지 deps의 출력에 따라 다름(4번 줄 COPY 다시 빌드됨): 복사되는 파일이 똑같이 나와야 캐시됨)',
  );
  assert.equal(
    renderReason({ code: 'filesChanged', changed: { files: ['a.js', 'b.js', 'c.js'], more: 2 }, added: fileList('d.js'), removed: fileList('e.js') }, ko),
    'a.js, b.js, c.js 외 2개 변경됨; d.js 추가됨; e.js 제거됨',
  );
  assert.equal(
    renderReason({ code: 'filesChanged', changed: { files: ['a.js', 'b.js', 'c.js'], more: 2 }, added: fileList('d.js'), removed: fileList('e.js') }),
    'a.js, b.js, c.js and 2 more changed; d.js added; e.js removed',
  );
  assert.equal(renderReason({ code: 'envChanged', variable: 'NODE_ENV' }, ko), 'ENV NODE_ENV 변경됨');
  assert.equal(renderReason({ code: 'partChanged', part: 'cmd' }, ko), '실행할 명령 변경됨');
  assert.equal(renderReason({ code: 'afterTarget', stage: 'test' }, ko), '스테이지 test은(는) 대상 스테이지 뒤에 있어 빌드되지 않음');
  assert.equal(renderReason({ code: 'simulation', files: fileList('src/app.js'), lines: [4] }, ko), 'src/app.js 변경됨; 4번 줄 수정됨');
  assert.equal(renderReason({ code: 'simulation', files: fileList('src/app.js'), lines: [4] }), 'src/app.js changed; line 4 edited');
  // A file name that reads like a reason stays a file name: nothing is parsed back.
  assert.equal(renderReason({ code: 'filesChanged', changed: fileList('x changed; y') }, ko), 'x changed; y 변경됨');
  // The short form (lens, layer stack summary) drops the tail of a stage dependency.
  assert.equal(renderReason({ code: 'dependsOnStage', stage: 'deps', line: 4, keyword: 'COPY' }, englishT, { short: true }), "depends on stage deps's output");
});

void test('layer stack summary: said again from its numbers, identical in English, Korean with a translated first miss', () => {
  const built: State = { dockerfile: multi, files, target: 'prod' };
  const cases = [
    planState(built, 'buildkit'),
    afterBuilds('buildkit', built, built),
    afterBuilds('buildkit', built, { ...built, files: { ...files, 'src/app.js': 'v2' } }),
    afterBuilds('classic', built, { ...built, dockerfile: multi.replace('RUN echo done', 'RUN echo again') }),
  ];
  // Recorded run times: on every rebuilding step, then on one of them only.
  const changed = cases[2].steps;
  const timed = changed.map((s) => (s.status === 'rebuilds' ? { ...s, durationMs: 65_000 } : s));
  const partly = changed.map((s) => (s.status === 'rebuilds' && s.line === 7 ? { ...s, durationMs: 800 } : s));
  const summaries = [...cases.map((r) => r.steps), timed, partly].map(
    (steps) => layerStackModel({ text: multi, builder: 'buildkit', buildArgs: {}, target: 'prod', steps }).summary,
  );
  assert.match(summaries[4].text, /; rebuild ≈ 2 min 10 s$/);
  assert.match(summaries[5].text, /; rebuild ≥ 800 ms \(1 of 2 timed\)$/);
  for (const summary of summaries) assert.equal(localisedSummary(summary, noBundle).text, summary.text);
  const korean = localisedSummary(summaries[2], ko);
  assert.match(korean.text, /^레이어 \d+개 중 \d+개 다시 빌드됨(, \d+개는 다시 빌드될 수 있음)?; 첫 캐시 미스: /);
  assert.notEqual(korean.firstMiss?.reason, summaries[2].firstMiss?.reason);
  assert.match(korean.firstMiss?.reason ?? '', /[\uac00-\ud7a3]/);
  assert.match(localisedSummary(summaries[4], ko).text, /; 다시 빌드 ≈ 2분 10초$/);
});

void test("the engine's plan diagnostics are values: Korean in the editor, English exactly as the CLI prints them", () => {
  const bad: Array<[State, Builder]> = [
    [
      {
        dockerfile:
          'RUN echo before\nFROM alpine\nBOGUS x\nCOPY missing.txt /m\nCOPY only\nCOPY https://example.invalid/a /a\nRUN --mount=type=cache,target=/c true\nRUN <<EOF\necho\n',
        files,
      },
      'classic',
    ],
    [
      {
        dockerfile: 'FROM alpine AS 1bad\nFROM\nCOPY --from=self /a /b\nFROM alpine AS self\nCOPY --from=self /a /b\nCOPY missing.txt /m\n',
        files,
        target: 'nope',
      },
      'buildkit',
    ],
    [{ dockerfile: 'ARG X\n', files }, 'buildkit'],
  ];
  const diagnostics = bad.flatMap(([state, builder]) => planState(state, builder).diagnostics);
  const valued = diagnostics.filter((d) => d.text !== undefined);
  const codes = new Set(valued.map((d) => d.text?.code));
  assert.ok(codes.size >= 8, `only ${codes.size} codes among ${diagnostics.length} diagnostics:\n${diagnostics.map((d) => d.message).join('\n')}`);
  for (const d of valued) {
    const text = d.text!;
    assert.match(renderMessage(text, ko), /[\uac00-\ud7a3]/, d.message);
    assert.equal(renderMessage(text, noBundle), d.message, `English changes: ${d.message}`);
    assert.equal(renderMessage(text), d.message);
  }
});
