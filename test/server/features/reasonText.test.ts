// The engine's step reasons in Korean at the editor's presentation layer (features/reasonText.ts): every template
// has a translation, every reason the engine produces in many scenarios matches a template, English is unchanged,
// and what no template matches stays English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { englishT, formatMessage, type Translate } from '../../../server/src/core/explainTranslate';
import { BASELINE_TEMPLATES, DIAGNOSTIC_TEMPLATES, matchTemplate, REASON_TEMPLATES, translateReason } from '../../../server/src/features/reasonText';
import { localisedSummary } from '../../../server/src/features/layerStack';
import { layerStackModel } from '../../../server/src/core/layerStack';
import { afterBuilds, planState, type State } from '../../helpers/plan';
import type { Builder } from '../../../server/src/core/types';

const root = join(__dirname, '../../..');
const bundle = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
const ko: Translate = (message, ...args) => formatMessage(bundle[message] ?? message, args);
/** What @vscode/l10n does with no bundle (English display language): fills the English source string. */
const noBundle: Translate = (message, ...args) => formatMessage(message, args);

const placeholders = (s: string) => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();

void test('every reason template has a Korean translation with the same placeholders, in Hangul', () => {
  assert.ok(REASON_TEMPLATES.length > 60);
  for (const { message } of [...REASON_TEMPLATES, ...BASELINE_TEMPLATES, ...DIAGNOSTIC_TEMPLATES]) {
    const translated = bundle[message];
    assert.ok(translated, `no Korean for "${message}"`);
    assert.deepEqual(placeholders(translated), placeholders(message), message);
    if (!/^(--[a-z-]+|[A-Z_]+|URL) changed$/.test(message)) assert.match(translated, /[\uac00-\ud7a3]/, message);
  }
  assert.equal(new Set(REASON_TEMPLATES.map((t) => t.message)).size, REASON_TEMPLATES.length, 'a template is listed twice');
});

void test('every changed-part text of core/reasons.ts PART_TEXT is a template', () => {
  const source = readFileSync(join(root, 'server/src/core/reasons.ts'), 'utf8');
  const block = /PART_TEXT: Record<string, string> = \{([\s\S]*?)\n\};/.exec(source);
  assert.ok(block, 'PART_TEXT not found in reasons.ts');
  const texts = [...block[1].matchAll(/:\s*'([^']+)'/g)].map((m) => m[1]);
  assert.ok(texts.length >= 20);
  const messages = new Set(REASON_TEMPLATES.map((t) => t.message));
  for (const text of texts) assert.ok(messages.has(text), `PART_TEXT "${text}" has no template`);
});

const files = { 'app/a.txt': 'a', 'app/b.txt': 'b', 'package.json': '{}', 'src/app.js': 'v1', 'src/b.js': 'b', 'src/c.js': 'c', 'src/d.js': 'd', 'src/e.js': 'e' };
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
function scenarioReasons(): string[] {
  const reasons: string[] = [];
  const plans = (builder: Builder, ...states: State[]) => {
    const r = states.length === 1 ? planState(states[0], builder) : afterBuilds(builder, ...states);
    for (const s of r.steps) reasons.push(s.reason);
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
  return [...new Set(reasons)];
}

void test('every reason the engine gives in the scenarios is translated into Korean; English stays as it is', () => {
  const reasons = scenarioReasons();
  assert.ok(reasons.length > 25, `only ${reasons.length} distinct reasons`);
  for (const reason of reasons) {
    const translated = translateReason(reason, ko);
    assert.notEqual(translated, reason, `not translated: ${reason}`);
    assert.equal(translateReason(reason, englishT), reason);
    assert.equal(translateReason(reason, noBundle), reason, `English display language changes "${reason}"`);
  }
});

void test('Korean reasons: nested reasons, file lists and simulation labels; unknown text falls back to English', () => {
  assert.equal(translateReason('not built yet: no recorded build', ko), '아직 빌드되지 않음: 기록된 빌드 없음');
  assert.equal(translateReason('parent step rebuilds: line 6 COPY (app/a.txt changed)', ko), '이전 단계가 다시 빌드됨: 6번 줄 COPY(app/a.txt 변경됨)');
  assert.equal(
    translateReason("parent step may rebuild: line 9 COPY (depends on stage deps's output (line 4 COPY rebuilds): cached only if the copied files come out identical)", ko),
    '이전 단계가 다시 빌드될 수 있음: 9번 줄 COPY(스테이지 deps의 출력에 따라 다름(4번 줄 COPY 다시 빌드됨): 복사되는 파일이 똑같이 나와야 캐시됨)',
  );
  assert.equal(translateReason('a.js, b.js, c.js and 2 more changed; d.js added; e.js removed', ko), 'a.js, b.js, c.js 외 2개 변경됨; d.js 추가됨; e.js 제거됨');
  assert.equal(translateReason('ENV NODE_ENV changed', ko), 'ENV NODE_ENV 변경됨');
  assert.equal(translateReason('command changed', ko), '실행할 명령 변경됨');
  assert.equal(translateReason('stage test comes after the target stage; it is not built', ko), '스테이지 test은(는) 대상 스테이지 뒤에 있어 빌드되지 않음');
  assert.equal(translateReason('src/app.js changed; line 4 edited', ko), 'src/app.js 변경됨; 4번 줄 수정됨');
  // Not a reason the engine writes: kept as it is, also inside a known template.
  assert.equal(translateReason('something the engine never says', ko), 'something the engine never says');
  assert.equal(translateReason('parent step rebuilds: line 2 RUN (a reason from the future)', ko), '이전 단계가 다시 빌드됨: 2번 줄 RUN(a reason from the future)');
  assert.equal(translateReason('a.js changed; not a file list', ko), 'a.js changed; not a file list');
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
  const summaries = [...cases.map((r) => r.steps), timed, partly].map((steps) => layerStackModel({ text: multi, builder: 'buildkit', buildArgs: {}, target: 'prod', steps }).summary);
  assert.match(summaries[4].text, /; rebuild ≈ 2 min 10 s$/);
  assert.match(summaries[5].text, /; rebuild ≥ 800 ms \(1 of 2 timed\)$/);
  for (const summary of summaries) assert.equal(localisedSummary(summary, noBundle).text, summary.text);
  const korean = localisedSummary(summaries[2], ko);
  assert.match(korean.text, /^레이어 \d+개 중 \d+개 다시 빌드됨(, \d+개는 다시 빌드될 수 있음)?; 첫 캐시 미스: /);
  assert.notEqual(korean.firstMiss?.reason, summaries[2].firstMiss?.reason);
  assert.match(korean.firstMiss?.reason ?? '', /[\uac00-\ud7a3]/);
  assert.match(localisedSummary(summaries[4], ko).text, /; 다시 빌드 ≈ 2분 10초$/);
});

void test('the engine\'s common plan diagnostics match a template and read Korean; the rest stays English', () => {
  const bad: Array<[State, Builder]> = [
    [{ dockerfile: 'RUN echo before\nFROM alpine\nBOGUS x\nCOPY missing.txt /m\nCOPY only\nCOPY https://example.invalid/a /a\nRUN --mount=type=cache,target=/c true\nRUN <<EOF\necho\n', files }, 'classic'],
    [{ dockerfile: 'FROM alpine AS 1bad\nFROM\nCOPY --from=self /a /b\nFROM alpine AS self\nCOPY --from=self /a /b\nCOPY missing.txt /m\n', files, target: 'nope' }, 'buildkit'],
    [{ dockerfile: 'ARG X\n', files }, 'buildkit'],
  ];
  const messages = [...new Set(bad.flatMap(([state, builder]) => planState(state, builder).diagnostics.map((d) => d.message)))];
  const translated = messages.filter((m) => matchTemplate(m, DIAGNOSTIC_TEMPLATES, ko) !== undefined);
  assert.ok(translated.length >= 8, `only ${translated.length} of ${messages.length} translated:\n${messages.join('\n')}`);
  for (const m of translated) {
    assert.match(matchTemplate(m, DIAGNOSTIC_TEMPLATES, ko) ?? '', /[\uac00-\ud7a3]/, m);
    assert.equal(matchTemplate(m, DIAGNOSTIC_TEMPLATES, noBundle), m, `English changes: ${m}`);
  }
  assert.equal(matchTemplate('Some engine error nobody templated.', DIAGNOSTIC_TEMPLATES, ko), undefined);
});
