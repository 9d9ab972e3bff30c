// The hostile-input messages of the editor in Korean (l10n/reasonText.ts PROBLEM_TEMPLATES): every template has Korean with
// the same placeholders, every limit kind of core/dockerfile/limits.ts produces a message that is translated, nested store and
// git messages are translated inside their outer message, English is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { englishT, formatMessage, type Translate } from '../../../server/src/core/shared/translate';
import { BASELINE_TEMPLATES, matchTemplate, PROBLEM_TEMPLATES, translateProblem } from '../../../server/src/l10n/reasonText';
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

const bundle = JSON.parse(readFileSync(join(__dirname, '../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
const ko: Translate = (message, ...args) => formatMessage(bundle[message] ?? message, args);
const placeholders = (s: string) => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();
const hangul = /[\uac00-\ud7a3]/;

void test('every problem template has Korean with the same placeholders', () => {
  for (const { message } of PROBLEM_TEMPLATES) {
    assert.ok(bundle[message], `no Korean for "${message}"`);
    assert.deepEqual(placeholders(bundle[message]), placeholders(message), message);
    assert.match(bundle[message], hangul, message);
  }
});

/** One real message per limit kind, from the functions that write them. */
const vars = (n: number) => Array.from({ length: n }, (_, i) => `A${i}`).join(' ');
const produced: Record<LimitKind, string> = {
  fileSize: fileSizeMessage('/p/Dockerfile', 3_000_000),
  characters: textLimitProblem('x'.repeat(300_000))!.message,
  lineLength: textLimitProblem(`RUN ${'a'.repeat(70_000)}`)!.message,
  lines: textLimitProblem('# c\n'.repeat(20_001))!.message,
  stages: textLimitProblem('FROM a\n'.repeat(501))!.message,
  variableLines: textLimitProblem('ARG a\n'.repeat(1001))!.message,
  instructions: textLimitProblem('RUN a\n'.repeat(5001))!.message,
  variables: parsedLimitProblem(parseDockerfile(`FROM a\nARG ${vars(2100)}\n`))!.message,
  variableRuns: parsedLimitProblem(parseDockerfile(`FROM a\nARG ${vars(600)}\n${'RUN a\n'.repeat(500)}`))!.message,
  expansionDepth: expansionDepthMessage(),
  expansionLength: expansionLengthMessage(),
};

void test('every limit kind of core/limits.ts is shown in Korean, with its numbers', () => {
  assert.deepEqual(Object.keys(produced).sort(), Object.keys(LIMIT_MESSAGES).sort(), 'a limit kind has no case here');
  for (const [kind, message] of Object.entries(produced)) {
    const out = translateProblem(message, ko);
    assert.notEqual(out, message, `${kind} stays English: ${message}`);
    assert.match(out, hangul, kind);
    for (const n of message.match(/\d[\d,.]*/g) ?? []) assert.ok(out.includes(n), `${kind}: ${n} lost in ${out}`);
    assert.equal(translateProblem(message, englishT), message);
  }
});

void test('store, build and git messages in Korean, nested ones too; unknown text stays English', () => {
  const nested = translateProblem(
    'The build was recorded for this session only: Cannot write the cache store /s.json: permission denied (EACCES). Nothing was recorded. Pass --store with a file in a folder you can write to.',
    ko,
  );
  assert.equal(
    nested,
    '빌드를 이 세션에만 기록했습니다: 캐시 저장소 /s.json에 쓸 수 없습니다: 권한이 없습니다(EACCES). 아무것도 기록하지 않았습니다. --store로 쓰기 가능한 폴더의 파일을 지정하세요.',
  );
  assert.match(
    translateProblem('The cache store /s.json is read-only; nothing was recorded. Make it writable (chmod u+w) or pass --store with another file.', ko),
    /^캐시 저장소 \/s\.json이\(가\) 읽기 전용/,
  );
  assert.match(
    translateProblem(
      'The cache store /s.json is being written by another Layer Lens (process 42) and stayed locked. Try again; if no layerlens is running, delete /s.json.lock.',
      ko,
    ),
    /프로세스 42.*\/s\.json\.lock/,
  );
  assert.match(translateProblem('A build is already running (/p/Dockerfile). Wait for it or cancel it.', ko), /^이미 빌드가 실행 중입니다\(\/p\/Dockerfile\)/);
  const git = matchTemplate(
    'No build recorded for this Dockerfile, and no git HEAD to compare with: git rev-parse did not finish within 10 s and was stopped.',
    BASELINE_TEMPLATES,
    ko,
  );
  assert.equal(git, '이 Dockerfile의 기록된 빌드가 없고, 비교할 git HEAD도 없습니다: git rev-parse이(가) 10초 안에 끝나지 않아 중지했습니다.');
  assert.match(translateProblem('3 files of git HEAD are not downloaded in this partial clone, and Layer Lens does not download anything', ko), /파일 3개/);
  assert.equal(translateProblem('something else entirely', ko), 'something else entirely');
});
