// The limits of core/dockerfile/limits.ts: checked in one pass before parsing, and bounded variable expansion (Docker's
// lexer recurses without a bound; here a deep nesting or an exponential value is a clear LimitError).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitError, MAX_EXPANDED_LENGTH, MAX_LINE_LENGTH, MAX_LINES, parseWithinLimits, textLimitProblem } from '../../server/src/core/dockerfile/limits';
import { processWord, processWords } from '../../server/src/core/dockerfile/words';
import { planState } from '../helpers/plan';

test('variables nested 5,000 deep: a LimitError naming the nesting, not a stack overflow', () => {
  const text = '${A:-'.repeat(5000) + 'x' + '}'.repeat(5000);
  assert.throws(
    () => processWord(text, new Map()),
    (e: unknown) => e instanceof LimitError && /nested more than 64 deep/.test(e.message),
  );
  // Nesting a real file uses still expands.
  assert.equal(processWord('${A:-${B:-${C:-deep}}}', new Map()).value, 'deep');
});

test('a value doubled past 128 KiB: a LimitError, not "Invalid string length"', () => {
  const vars = new Map([['A', 'x'.repeat(MAX_EXPANDED_LENGTH / 2 + 1)]]);
  assert.throws(
    () => processWord('$A$A', vars),
    (e: unknown) => e instanceof LimitError && /more than 131,072 characters/.test(e.message),
  );
  assert.throws(() => processWords('"${A}" $A $A', vars), LimitError);
  assert.equal(processWord('$A', vars).value.length, MAX_EXPANDED_LENGTH / 2 + 1);
});

test('the plan of ENV A=$A$A repeated 10,000 times stops with the limit at the line where it is reached', () => {
  const dockerfile = 'FROM alpine\nENV A=xxxxxxxx\n' + 'ENV A=$A$A\n'.repeat(10_000) + 'RUN echo\n';
  assert.throws(
    () => planState({ dockerfile, files: {} }, 'buildkit'),
    (e: unknown) => e instanceof LimitError && e.line === 2 + 15,
  );
});

test('text past a limit is found before parsing, with one message on line 1 (or the long line)', () => {
  assert.equal(textLimitProblem('FROM a\nRUN b\n'), undefined);
  assert.match(
    textLimitProblem('FROM a\n' + '\n'.repeat(250_000))?.message ?? '',
    /^This Dockerfile has 250,002 lines, more than Layer Lens analyses \(limit 20,000\)\. Layer Lens shows no verdicts for it\./,
  );
  assert.equal(textLimitProblem('\n'.repeat(MAX_LINES - 1)), undefined);
  const long = textLimitProblem(`FROM a\nRUN ${'x'.repeat(MAX_LINE_LENGTH)}\n`);
  assert.equal(long?.line, 2);
  assert.match(long?.message ?? '', /^Line 2 of this Dockerfile has 65,540 characters/);
  assert.match(textLimitProblem('FROM a\n' + 'RUN b\n'.repeat(5001))?.message ?? '', /5,002 instructions/);
  assert.match(textLimitProblem('FROM a\n'.repeat(501))?.message ?? '', /501 build stages/);
  // Variables on continuation lines are counted once parsed.
  assert.match(parseWithinLimits(`FROM a\nENV \\\n${'  A=1 \\\n'.repeat(2001)}  B=2\n`).limit?.message ?? '', /declares 2,002 ARG and ENV variables/);
  assert.match(
    parseWithinLimits(`FROM a\nENV ${Array.from({ length: 600 }, (_, i) => `V${i}=1`).join(' ')}\n${'RUN x\n'.repeat(500)}`).limit?.message ?? '',
    /every RUN's cache key carries every variable, 300,000 in all/,
  );
  assert.ok(parseWithinLimits('FROM a\nRUN b\n').parsed);
});
