// Hostile Dockerfile text from a shell: past a limit of core/dockerfile/limits.ts the CLI says which and exits 1; an error it
// did not expect is one line with a hint to report it, exit 1, never a stack trace. Through the real bundle.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-cli-limits-'));
});

function dockerfile(name: string, text: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), text);
  return join(dir, 'Dockerfile');
}

function cli(args: string[], nodeArgs: string[] = []) {
  const r = spawnSync(process.execPath, [...nodeArgs, cliPath, ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), NO_COLOR: '1', LAYERLENS_DEBUG: '' },
  });
  assert.equal(r.error, undefined, 'answered within the 60 s hang guard');
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const NO_STACK = /\n\s+at |RangeError|Invalid string length|Node\.js v/;

test('variables nested 5,000 deep: plan exits 1 with the nesting limit at its line, no stack trace', () => {
  const file = dockerfile('deep', `FROM alpine\nENV B=${'${A:-'.repeat(5000)}x${'}'.repeat(5000)}\nRUN echo\n`);
  const r = cli(['plan', file, '--store', join(work, 'deep.json')]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /^layerlens: line 2: Variables are nested more than 64 deep here/);
  assert.doesNotMatch(r.err, NO_STACK);
});

test('an ENV doubling its value 10,000 times: plan exits 1 with the expansion limit, no "Invalid string length"', () => {
  const file = dockerfile('double', `FROM alpine\nENV A=x\n${'ENV A=$A$A\n'.repeat(900)}RUN echo\n`);
  const r = cli(['plan', file, '--store', join(work, 'double.json')]);
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, /^layerlens: line 20: A variable here expands to more than 131,072 characters/);
  assert.doesNotMatch(r.err, NO_STACK);
});

test('20,000 RUN lines, a 200,000-character line, 10,000 ARGs, 300 KB: plan, check and fix exit 1 at once with the limit', () => {
  const files = {
    lines: dockerfile('lines', 'FROM alpine\n' + 'RUN echo hi\n'.repeat(20_000)),
    line: dockerfile('line', `FROM alpine\nRUN echo ${'x'.repeat(200_000)}\n`),
    args: dockerfile('args', 'FROM alpine\n' + Array.from({ length: 10_000 }, (_, i) => `ARG A${i}=${i}`).join('\n') + '\nRUN echo\n'),
    size: dockerfile('size', 'FROM alpine\n' + `RUN echo ${'y'.repeat(90)}\n`.repeat(3000)),
  };
  const expected = {
    lines: /^layerlens: This Dockerfile has 20,002 lines, more than Layer Lens analyses \(limit 20,000\)\. Layer Lens shows no verdicts for it\./,
    line: /^layerlens: Line 2 of this Dockerfile has 200,009 characters/,
    args: /^layerlens: This Dockerfile has 10,000 ARG and ENV instructions/,
    size: /^layerlens: .*(is 293 KB|has 300,012 characters), more than Layer Lens analyses/,
  };
  for (const [name, file] of Object.entries(files)) {
    for (const args of [
      ['plan', file, '--store', join(work, 'limits.json')],
      ['check', file],
      ['fix', file, '--dry-run'],
    ]) {
      const r = cli(args);
      assert.equal(r.code, 1, `${args[0]} ${name}: ${r.err}`);
      assert.match(r.err, expected[name as keyof typeof expected], `${args[0]} ${name}`);
      assert.equal(r.err.trim().split('\n').length, 1, `${args[0]} ${name}: one line`);
    }
  }
});

test('an error the CLI did not expect (here a stack overflow) is one line with a hint to report it, exit 1', () => {
  const file = dockerfile('ok', 'FROM alpine\nRUN true\n');
  // Make JSON.stringify of the plan overflow the stack, as a bug deep in the engine would.
  const preload = join(work, 'overflow.js');
  writeFileSync(
    preload,
    'const o = JSON.stringify; JSON.stringify = function (v, ...a) { if (v && v.steps) { const f = () => f() + 1; f(); } return o.call(this, v, ...a); };\n',
  );
  const r = cli(['plan', file, '--json', '--store', join(work, 'ok.json')], ['--require', preload]);
  assert.equal(r.code, 1, r.err);
  assert.match(
    r.err,
    /^layerlens: the input is nested too deeply to analyse \(the analysis ran out of stack\)\.\nThis is a bug in Layer Lens: please report it/,
  );
  assert.doesNotMatch(r.err, NO_STACK);
});
