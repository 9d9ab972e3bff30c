import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processWord, processWords } from '../../server/src/core/dockerfile/words';

const vars = new Map([
  ['A', 'one'],
  ['EMPTY', ''],
  ['SP', 'a b'],
]);

test('expands $VAR and ${VAR}, unset is empty', () => {
  assert.equal(processWord('$A/${A}/$NOPE/x', vars).value, 'one/one//x');
});

test('modifiers :- - :+ + follow Docker', () => {
  assert.equal(processWord('${NOPE:-d}', vars).value, 'd');
  assert.equal(processWord('${EMPTY:-d}', vars).value, 'd');
  assert.equal(processWord('${EMPTY-d}', vars).value, '');
  assert.equal(processWord('${A:+set}', vars).value, 'set');
  assert.equal(processWord('${NOPE:+set}', vars).value, '');
  assert.equal(processWord('${EMPTY+set}', vars).value, 'set');
});

test('single quotes are literal, double quotes expand, escapes protect', () => {
  assert.equal(processWord("'$A'", vars).value, '$A');
  assert.equal(processWord('"$A x"', vars).value, 'one x');
  assert.equal(processWord('\\$A', vars).value, '$A');
});

test('processWords splits on unquoted whitespace and reports used variables', () => {
  const r = processWords('"a b" c $SP ${A}', vars);
  assert.deepEqual(r.words, ['a b', 'c', 'a b', 'one']);
  assert.deepEqual(r.used.sort(), ['A', 'SP']);
});

test('a custom escape character (backtick) works', () => {
  assert.equal(processWord('`$A', vars, '`').value, '$A');
});
