import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateBuild, withChangedFiles } from '../../server/src/core/plan/simulate';
import { planContext } from '../../server/src/diskProject';
import { snap } from '../helpers/memoryContext';
import type { PlanOptions } from '../../server/src/core/shared/types';

const files = { Dockerfile: '', 'package.json': '{}', 'src/app.js': 'v1', '.dockerignore': 'Dockerfile\n' };
const classicApp = 'FROM node\nWORKDIR /app\nCOPY . /app\nRUN npm install\nCMD ["node", "src/app.js"]\n';
const twin = 'FROM node\nWORKDIR /app\nCOPY package.json /app/\nRUN npm install\nCOPY . /app\nCMD ["node", "src/app.js"]\n';

function simulate(text: string, changedFiles: string[], editedLines: number[] = [], ignore = 'Dockerfile\n') {
  const snapshot = snap({ ...files, Dockerfile: text, '.dockerignore': ignore });
  const options: PlanOptions = { builder: 'buildkit', buildArgs: {}, dockerfilePath: 'Dockerfile' };
  return simulateBuild({
    text,
    options,
    context: planContext(snapshot, ignore, 'buildkit'),
    changedContext: (paths) => planContext(withChangedFiles(snapshot, paths), ignore, 'buildkit'),
    changedFiles,
    editedLines,
  });
}
const st = (r: ReturnType<typeof simulate>) => r.steps.map((s) => s.status);

test('a source edit reinstalls in the classic app, not in the twin (the point of the product)', () => {
  assert.deepEqual(st(simulate(classicApp, ['src/app.js'])), ['cached', 'cached', 'rebuilds', 'rebuilds', 'none']);
  const t = simulate(twin, ['src/app.js']);
  assert.deepEqual(st(t), ['cached', 'cached', 'cached', 'cached', 'rebuilds', 'none']);
  assert.equal(t.steps[4].reason, 'src/app.js changed');
  assert.deepEqual(st(simulate(twin, ['package.json'])), ['cached', 'cached', 'rebuilds', 'rebuilds', 'rebuilds', 'none']);
});

test('a new file, and a file outside every COPY', () => {
  const r = simulate(classicApp, ['src/new.js']);
  assert.equal(r.steps[2].reason, 'src/new.js added');
  assert.deepEqual(st(simulate(twin, ['.dockerignore'])), ['cached', 'cached', 'cached', 'cached', 'rebuilds', 'none']);
});

test('an edited line rebuilds its step and the rest of the chain; any line of the instruction counts', () => {
  const r = simulate(twin, [], [4]);
  assert.deepEqual(st(r), ['cached', 'cached', 'cached', 'rebuilds', 'rebuilds', 'none']);
  assert.equal(r.steps[3].reason, 'line edited (simulated)');
  const multi = 'FROM node\nRUN a && \\\n  b\nRUN c\n';
  assert.deepEqual(st(simulate(multi, [], [3])), ['cached', 'rebuilds', 'rebuilds']);
});

test('editing a metadata line: nothing in BuildKit unless later RUNs use it; the Dockerfile counts when copied', () => {
  assert.deepEqual(st(simulate(twin, [], [6])), ['cached', 'cached', 'cached', 'cached', 'cached', 'none']);
  const env = 'FROM node\nENV A=1\nCOPY package.json /p\nRUN x\n';
  const r = simulate(env, [], [2]);
  assert.deepEqual(st(r), ['cached', 'none', 'cached', 'rebuilds']);
  assert.equal(r.steps[3].reason, 'ENV A changed');
  const noIgnore = simulate(classicApp, [], [5], '');
  assert.deepEqual(st(noIgnore), ['cached', 'cached', 'rebuilds', 'rebuilds', 'none']);
  assert.equal(noIgnore.steps[2].reason, 'Dockerfile changed');
});

test('a line outside any instruction is reported, not guessed', () => {
  const r = simulate('# comment\nFROM node\n\nRUN x\n', [], [3]);
  assert.match(r.diagnostics.map((d) => d.message).join('\n'), /Line 3 is not part of an instruction/);
});
