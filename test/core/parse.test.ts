import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../server/src/core/dockerfile/parse';

test('continuations keep leading whitespace and drop comment and blank lines (R7, C29)', () => {
  const a = parseDockerfile('FROM x\nRUN a && \\\n    b\n').instructions[1];
  const b = parseDockerfile('FROM x\nRUN a && \\\n  b\n').instructions[1];
  const c = parseDockerfile('FROM x\nRUN a && \\\n# note\n\n    b\n').instructions[1];
  assert.equal(a.args, 'a &&     b');
  assert.notEqual(a.args, b.args);
  assert.equal(c.args, a.args);
  assert.equal(c.line, 2);
  assert.equal(c.endLine, 5);
});

test('keyword case and spacing after the keyword do not matter', () => {
  const [, a] = parseDockerfile('FROM x\nrun   echo hi  \n').instructions;
  assert.equal(a.keyword, 'RUN');
  assert.equal(a.args, 'echo hi');
});

test('flags are split from arguments, quotes allowed in values', () => {
  const ins = parseDockerfile('FROM x\nCOPY --chown=1:1 --from=build --exclude="*.md" a b /c/\n').instructions[1];
  assert.deepEqual(ins.flags, [
    { name: 'chown', value: '1:1' },
    { name: 'from', value: 'build' },
    { name: 'exclude', value: '*.md' },
  ]);
  assert.equal(ins.args, 'a b /c/');
});

test('exec form is recognised; broken JSON is shell form', () => {
  const [, a, b] = parseDockerfile('FROM x\nCMD ["node", "a.js"]\nCMD [node a.js]\n').instructions;
  assert.deepEqual(a.json, ['node', 'a.js']);
  assert.equal(b.json, undefined);
});

test('heredocs: bodies, chomp, quoted names, and unterminated ones', () => {
  const p = parseDockerfile('FROM x\nRUN <<EOF\necho hi\nEOF\nCOPY <<-"END" /f\n\thello $X\n\tEND\nRUN echo after\n');
  const [, run, copy, after] = p.instructions;
  assert.deepEqual(run.heredocs, [{ name: 'EOF', content: 'echo hi\n', chomp: false, expand: true }]);
  assert.equal(copy.heredocs[0].content, '\thello $X\n');
  assert.equal(copy.heredocs[0].expand, false);
  assert.equal(after.line, 8);
  const bad = parseDockerfile('FROM x\nRUN <<EOF\necho hi\n');
  assert.match(bad.diagnostics.map((d) => d.message).join('\n'), /Unterminated heredoc/);
});

test('escape directive changes the continuation character', () => {
  const ins = parseDockerfile('# escape=`\nFROM x\nRUN a `\n  b\n').instructions[1];
  assert.equal(ins.args, 'a   b');
});

test('bad input gives diagnostics, never a throw', () => {
  assert.match(parseDockerfile('RUN x\n').diagnostics[0].message, /No FROM/);
  assert.match(parseDockerfile('FROM x\nBOGUS y\n').diagnostics[0].message, /Unknown instruction "BOGUS"/);
  assert.match(parseDockerfile('ENV a=1\nFROM x\n').diagnostics[0].message, /before the first FROM/);
  assert.match(parseDockerfile('FROM x\0\u0001').diagnostics[0].message, /binary/);
  assert.deepEqual(parseDockerfile('').instructions, []);
  for (const junk of ['\\', 'FROM', 'RUN <<', '<<EOF', '"[', 'FROM x AS', 'COPY --', '\n\n\\\n']) assert.doesNotThrow(() => parseDockerfile(junk));
});

test('line breaks are LF or CRLF as for Docker; a lone CR stays inside its line and never throws', () => {
  for (const text of ['FROM a\r\nRUN b\r\n', 'FROM a\nRUN b\\\r\n  c\r\n']) {
    assert.deepEqual(
      parseDockerfile(text).instructions.map((i) => i.keyword),
      ['FROM', 'RUN'],
    );
  }
  assert.equal(parseDockerfile('FROM a\r\nRUN b\r\n').instructions[1].args, 'b');
  assert.deepEqual(
    parseDockerfile('FROM a\rRUN b').instructions.map((i) => i.keyword),
    ['FROM'],
  );
  assert.doesNotThrow(() => parseDockerfile('FROM a\r\rRUN b\\\r  c\r'));
});
