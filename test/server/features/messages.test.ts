// Messages as values (core/shared/message.ts): every message code has an English template and a Korean translation
// with the same placeholders (a new code cannot ship untranslated); the values the modules make render in English
// exactly as the CLI prints them, and in Korean with their nested messages (a file-system phrase, a git reason)
// translated too; text with no template stays as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMessage, type Translate } from '../../../server/src/core/shared/translate';
import { MESSAGES, messageOf, msg, renderMessage, verbatim, type MessageCode } from '../../../server/src/core/shared/message';
import {
  expansionDepthMessage,
  expansionLengthMessage,
  fileSizeMessage,
  LIMIT_MESSAGES,
  parsedLimitProblem,
  textLimitProblem,
  type LimitKind,
} from '../../../server/src/core/dockerfile/limits';
import { parseDockerfile } from '../../../server/src/core/dockerfile/parse';
import { fsProblem } from '../../../server/src/safeWrite';
import { loadStore, StoreError, updateStore } from '../../../server/src/storeFile';
import { emptyStore } from '../../../server/src/core/plan/store';
import type { Message } from '../../../server/src/core/shared/message';

const bundle = JSON.parse(readFileSync(join(__dirname, '../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
const ko: Translate = (message, ...args) => formatMessage(bundle[message] ?? message, args);
const placeholders = (s: string) => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();
const hangul = /[\uac00-\ud7a3]/;

void test('every message code has an English template and Korean with the same placeholders', () => {
  const codes = Object.keys(MESSAGES) as MessageCode[];
  assert.ok(codes.length > 90, `only ${codes.length} codes`);
  for (const code of codes) {
    const english = MESSAGES[code];
    assert.ok(typeof english === 'string' && english.length > 0, `${code} has no English template`);
    if (code === 'verbatim') continue; // shown as it is in every language
    // Both renderers have it: the English one fills the template, the Korean one finds it in the bundle.
    const args = placeholders(english).map((_, i) => `«${i}»`);
    assert.equal(renderMessage(msg(code, ...args)), formatMessage(english, args), code);
    const korean = bundle[english];
    assert.ok(korean, `no Korean for ${code}: "${english}"`);
    assert.deepEqual(placeholders(korean), placeholders(english), code);
    if (english !== '{0} {1}') assert.match(korean, hangul, code);
    const rendered = renderMessage(msg(code, ...args), ko);
    for (const a of args) assert.ok(rendered.includes(a), `${code}: ${a} lost in ${rendered}`);
  }
  // Two codes with one English template would share one translation whatever they mean: none do.
  const templates = Object.values(MESSAGES);
  assert.equal(new Set(templates).size, templates.length, 'two codes have the same template');
});

/** One real message per limit kind, from the functions that make them. */
const vars = (n: number) => Array.from({ length: n }, (_, i) => `A${i}`).join(' ');
const produced: Record<LimitKind, Message> = {
  fileSize: fileSizeMessage('/p/Dockerfile', 3_000_000),
  characters: textLimitProblem('x'.repeat(300_000))!.text,
  lineLength: textLimitProblem(`RUN ${'a'.repeat(70_000)}`)!.text,
  lines: textLimitProblem('# c\n'.repeat(20_001))!.text,
  stages: textLimitProblem('FROM a\n'.repeat(501))!.text,
  variableLines: textLimitProblem('ARG a\n'.repeat(1001))!.text,
  instructions: textLimitProblem('RUN a\n'.repeat(5001))!.text,
  variables: parsedLimitProblem(parseDockerfile(`FROM a\nARG ${vars(2100)}\n`))!.text,
  variableRuns: parsedLimitProblem(parseDockerfile(`FROM a\nARG ${vars(600)}\n${'RUN a\n'.repeat(500)}`))!.text,
  expansionDepth: expansionDepthMessage(),
  expansionLength: expansionLengthMessage(),
};

void test('every limit kind of core/limits.ts is a value shown in Korean with its numbers, and in English as the CLI says it', () => {
  assert.deepEqual(Object.keys(produced).sort(), Object.keys(LIMIT_MESSAGES).sort(), 'a limit kind has no case here');
  for (const [kind, value] of Object.entries(produced)) {
    const english = renderMessage(value);
    assert.equal(english, formatMessage(LIMIT_MESSAGES[kind as LimitKind], value.args as string[]), kind);
    const out = renderMessage(value, ko);
    assert.match(out, hangul, kind);
    for (const n of english.match(/\d[\d,.]*/g) ?? []) assert.ok(out.includes(n), `${kind}: ${n} lost in ${out}`);
  }
  assert.equal(
    textLimitProblem('FROM a\n'.repeat(501))!.message,
    'This Dockerfile has 501 build stages (FROM lines), more than Layer Lens analyses (limit 500). Layer Lens shows no verdicts for it. Check that this is the right file, or split it.',
  );
});

void test('store, build and git messages: English as before, Korean with the nested ones; no template: as it is', () => {
  const eacces = Object.assign(new Error('x'), { code: 'EACCES' });
  const nested = msg('recordedSessionOnly', msg('storeCannotWrite', '/s.json', fsProblem(eacces)));
  assert.equal(
    renderMessage(nested),
    'The build was recorded for this session only: Cannot write the cache store /s.json: permission denied (EACCES). Nothing was recorded. Pass --store with a file in a folder you can write to.',
  );
  assert.equal(
    renderMessage(nested, ko),
    '빌드를 이 세션에만 기록했습니다: 캐시 저장소 /s.json에 쓸 수 없습니다: 권한이 없습니다(EACCES). 아무것도 기록하지 않았습니다. --store로 쓰기 가능한 폴더의 파일을 지정하세요.',
  );
  assert.match(renderMessage(msg('storeLockedBy', '/s.json', 42, '/s.json.lock'), ko), /프로세스 42.*\/s\.json\.lock/);
  assert.match(renderMessage(msg('buildRunning', '/p/Dockerfile'), ko), /^이미 빌드가 실행 중입니다\(\/p\/Dockerfile\)/);
  assert.equal(
    renderMessage(msg('baselineNoGit', msg('gitTimeout', 'rev-parse', 10)), ko),
    '이 Dockerfile의 기록된 빌드가 없고, 비교할 git HEAD도 없습니다: git rev-parse이(가) 10초 안에 끝나지 않아 중지했습니다.',
  );
  assert.match(renderMessage(msg('gitPartialMany', 3), ko), /파일 3개/);
  // Text with no template is never looked up, even when it happens to be a template's English.
  const sneaky = verbatim(MESSAGES.storeEmpty);
  assert.equal(renderMessage(sneaky, ko), MESSAGES.storeEmpty);
  assert.equal(renderMessage(msg('cannotAnalyse', messageOf(new Error('boom'))), ko).endsWith('boom'), true);
  assert.equal(renderMessage(msg('verbatim', 'a {0} b')), 'a {0} b');
});

void test('a real store problem is made as a value where it happens: a folder at the store path, a foreign file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'll-messages-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'folder.json'));
  const loaded = loadStore(join(dir, 'folder.json'));
  assert.deepEqual(loaded.warning, msg('storeStartsEmpty', msg('storeIsFolder', join(dir, 'folder.json'))));
  assert.match(renderMessage(loaded.warning!, ko), hangul);
  assert.throws(
    () => updateStore(join(dir, 'folder.json'), () => emptyStore()),
    (e: unknown) => e instanceof StoreError && e.text.code === 'storeIsFolder' && e.message === renderMessage(e.text),
  );
});
