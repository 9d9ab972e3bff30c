// Every fix changes only what it means to: a generator writes many varied Dockerfiles (comments,
// continuations, heredocs, flags, several stages, CRLF, missing final newline, directives), every
// fix of every advice is applied, and the result must still parse, keep every instruction the fix
// does not rewrite byte for byte (in its stage), keep every comment and the directives on top, and
// keep the line endings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advise } from '../../server/src/core/advise/advise';
import { fixAll } from '../../server/src/core/advise/apply';
import { applyEdits, textModel } from '../../server/src/core/advise/text';
import { parseDockerfile } from '../../server/src/core/dockerfile/parse';
import type { AdviceCode, Fix } from '../../server/src/core/advise/types';
import { generate } from './adviseGenerator.test';

function rawBlocks(text: string): Array<{ stage: number; raw: string; line: number }> {
  const model = textModel(text);
  let stage = -1;
  return parseDockerfile(text).instructions.map((ins) => {
    if (ins.keyword === 'FROM') stage++;
    return { stage, raw: model.lines.slice(ins.line - 1, ins.endLine).join('\n'), line: ins.line };
  });
}

function counts<T>(xs: T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

function commentLines(text: string): string[] {
  const model = textModel(text);
  const inside = new Set<number>();
  for (const ins of parseDockerfile(text).instructions) for (let l = ins.line; l < ins.endLine; l++) inside.add(l);
  return model.lines.filter((l, i) => /^\s*#/.test(l) && !inside.has(i));
}

function checkFix(text: string, fix: Fix, label: string): void {
  const after = applyEdits(text, fix.edits);
  const before = parseDockerfile(text);
  const parsed = parseDockerfile(after);
  assert.deepEqual(parsed.diagnostics.map((d) => d.message).sort(), before.diagnostics.map((d) => d.message).sort(), `${label}: parse diagnostics changed`);
  const rewritten = new Set(fix.rewrites);
  const keep = rawBlocks(text).filter((b) => !rewritten.has(b.line));
  const have = counts(rawBlocks(after).map((b) => `${b.stage}\u0000${b.raw}`));
  for (const [key, n] of counts(keep.map((b) => `${b.stage}\u0000${b.raw}`))) {
    assert.ok((have.get(key) ?? 0) >= n, `${label}: lost or moved across stages: ${JSON.stringify(key)}\n--- before\n${text}\n--- after\n${after}`);
  }
  const comments = counts(commentLines(text));
  const afterComments = counts(textModel(after).lines.filter((l) => /^\s*#/.test(l)));
  for (const [c, n] of comments) assert.ok((afterComments.get(c) ?? 0) >= n, `${label}: comment lost: ${c}\n--- after\n${after}`);
  const directives = textModel(text).lines.filter((_, i, all) => all.slice(0, i + 1).every((x) => /^#\s*[a-z]+=/.test(x)));
  assert.deepEqual(textModel(after).lines.slice(0, directives.length), directives, `${label}: directives moved`);
  const endings = new Set(textModel(text).endings.filter(Boolean));
  if (endings.size === 1)
    for (const e of textModel(after).endings)
      assert.ok(e === '' || endings.has(e), `${label}: line ending ${JSON.stringify(e)} added to a ${JSON.stringify([...endings][0])} file`);
}

test('every fix on 400 generated Dockerfiles keeps everything else byte for byte and still parses', () => {
  const seen = new Map<AdviceCode, number>();
  for (let seed = 1; seed <= 400; seed++) {
    const { text, context } = generate(seed);
    const advice = advise({ text, context });
    for (const a of advice) {
      assert.ok(!a.message.startsWith('Layer Lens could not check'), `seed ${seed}: rule ${a.code} threw: ${a.message}`);
      for (const fix of a.fixes) {
        seen.set(a.code, (seen.get(a.code) ?? 0) + 1);
        checkFix(text, fix, `seed ${seed} ${a.code} "${fix.title}"`);
      }
    }
  }
  for (const code of [
    'copy-before-install',
    'arg-declared-early',
    'apt-update-alone',
    'run-starts-app',
    'cmd-overridden',
    'missing-dockerignore',
  ] as AdviceCode[]) {
    assert.ok((seen.get(code) ?? 0) >= 10, `the generator should exercise ${code} (seen ${seen.get(code) ?? 0} fixes)`);
  }
});

test('applying all fixes one after another terminates and the result still parses', () => {
  for (let seed = 401; seed <= 600; seed++) {
    const { text, context } = generate(seed);
    const result = fixAll({ text, context });
    assert.deepEqual(
      parseDockerfile(result.text)
        .diagnostics.map((d) => d.message)
        .sort(),
      parseDockerfile(text)
        .diagnostics.map((d) => d.message)
        .sort(),
      `seed ${seed}`,
    );
    assert.ok(result.applied.length <= 100);
    assert.ok(
      result.remaining.every((a) => !a.fixes.length || result.applied.some((x) => x.code === a.code) || a.code === 'missing-dockerignore'),
      `seed ${seed}: a fix was left unapplied`,
    );
  }
});
