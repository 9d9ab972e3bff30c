// Hostile .dockerignore patterns and `layerLens.dockerfiles` keys: patterns that make a backtracking
// matcher run for ever, huge pattern counts, thousands of `!` lines over deep folders, broken syntax. Generated
// from fixed seeds; each scenario runs in a child process (test/helpers/ignoreHostileWork.ts) with a time limit,
// so a matcher that hangs again fails here instead of hanging the suite. Answers are checked against a reference:
// worked out by hand for the large cases, the old RegExp matchers where they are still fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORKER = join(__dirname, '..', 'helpers', 'ignoreHostileWork.ts');
/** Generous: each scenario takes a few seconds; a backtracking matcher would take hours. */
const LIMIT_MS = 90_000;

function run(scenario: string, seed: number, ...extra: string[]): { cases: number; failures: string[] } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', WORKER, scenario, String(seed), ...extra], {
    encoding: 'utf8',
    timeout: LIMIT_MS,
    maxBuffer: 1 << 24,
  });
  assert.equal(r.error, undefined, `${scenario}: ${r.error?.message} (did not finish within ${LIMIT_MS / 1000} s?)`);
  assert.equal(r.status, 0, `${scenario} failed:\n${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { cases: number; failures: string[] };
  assert.deepEqual(out.failures, [], `${scenario} (seed ${seed})`);
  assert.ok(out.cases > 0);
  return out;
}

void test('nested ** and many * on long names deep down: answered, as worked out by hand (.dockerignore and setting keys)', () => {
  run('backtracking', 1101);
});

void test('small pathological patterns: the same verdicts as the old RegExp matchers', () => {
  run('reference', 1102);
});

void test('100,000 ignore lines: the first 5,000 apply, one problem says so, and the answer matches the reference', () => {
  run('counts', 1103);
});

void test('thousands of ! lines over 500 nested folders: right answers in memory and from disk, past the limit a problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'll-ignore-deep-'));
  try {
    run('negations-deep', 1104, dir, '2000', '500');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  run('negations-deep', 1105, '', '5100', '40');
});

void test('broken classes, stray escapes, Go-only syntax, oversized patterns: a problem each, other lines still apply', () => {
  run('invalid', 1106);
});

void test('a COPY source of many * before an install: the copy-before-install rule answers (no RegExp built from it)', () => {
  run('copy-sources', 1107);
});
