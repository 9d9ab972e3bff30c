// No file of the engine's core (server/src/core) is longer than 300 lines: a file past it holds more than one concern
// and is split by concern into named files of its folder (as cacheKeys.ts, goRegexp.ts, stages.ts were).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../..');
const CORE = join(ROOT, 'server/src/core');
const MAX_CORE_LINES = 300;

/** Lines of a text as an editor counts them (a final newline ends the last line, it starts none). */
function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

void test('line counting: 300 lines pass, 301 fail', () => {
  assert.equal(lineCount('a\n'.repeat(300)), 300);
  assert.equal(lineCount('a\n'.repeat(300) + 'b'), 301);
  assert.equal(lineCount(''), 0);
});

void test(`no file under server/src/core has more than ${MAX_CORE_LINES} lines`, () => {
  const files = tsFiles(CORE);
  assert.ok(files.length > 50, `only ${files.length} files found under ${CORE}`);
  const over = files
    .map((f) => ({ file: relative(ROOT, f), lines: lineCount(readFileSync(f, 'utf8')) }))
    .filter((f) => f.lines > MAX_CORE_LINES)
    .map((f) => `${f.file}: ${f.lines} lines`);
  assert.deepEqual(over, [], `split these by concern into named files of the same folder`);
});
