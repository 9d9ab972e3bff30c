// Verdicts rule family by rule family (cache-rules Parts A, B, D; scenarios of Part F).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterBuilds, planState, reasonAt, statusAt, statuses } from '../helpers/plan';

const files = { 'app/a.txt': 'a', 'app/b.txt': 'b', 'package.json': '{}', 'src/app.js': 'v1' };

test('nothing recorded: every build step rebuilds, metadata instructions are none (R1)', () => {
  const r = planState({ dockerfile: 'FROM base\nLABEL v=1\nCOPY app /app\nRUN make\n', files }, 'buildkit');
  assert.deepEqual(statuses(r), ['1:rebuilds', '2:none', '3:rebuilds', '4:rebuilds']);
  assert.equal(r.steps[1].layer, 'metadata');
  assert.equal(reasonAt(r, 3), 'not built yet: no recorded build');
});

test('C1: LABEL edit rebuilds nothing in BuildKit, everything after it in classic', () => {
  const a = { dockerfile: 'FROM base\nLABEL v=1\nCOPY app /app\nRUN make\n', files };
  const b = { ...a, dockerfile: a.dockerfile.replace('v=1', 'v=2') };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, b)), ['1:cached', '2:none', '3:cached', '4:cached']);
  const cl = afterBuilds('classic', a, b);
  assert.deepEqual(statuses(cl), ['1:cached', '2:rebuilds', '3:rebuilds', '4:rebuilds']);
  assert.equal(reasonAt(cl, 2), 'instruction changed');
});

test('C2: ENV change: BuildKit COPY stays cached, the first RUN rebuilds and names the variable (R10)', () => {
  const a = { dockerfile: 'FROM base\nENV X=1\nCOPY app/a.txt /a\nRUN r1\nCOPY app/b.txt /b\n', files };
  const b = { ...a, dockerfile: a.dockerfile.replace('X=1', 'X=2') };
  const bk = afterBuilds('buildkit', a, b);
  assert.deepEqual(statuses(bk), ['1:cached', '2:none', '3:cached', '4:rebuilds', '5:rebuilds']);
  assert.equal(reasonAt(bk, 4), 'ENV X changed');
  assert.match(reasonAt(bk, 5) ?? '', /^parent step rebuilds: line 4 RUN \(ENV X changed\)$/);
  assert.deepEqual(statuses(afterBuilds('classic', a, b)), ['1:cached', '2:rebuilds', '3:rebuilds', '4:rebuilds', '5:rebuilds']);
});

test('C3: build args reach RUN only when declared; proxies and undeclared args change nothing (R11)', () => {
  const df = 'FROM base\nARG V\nCOPY app/a.txt /a\nRUN echo plain\nARG W=w1\nRUN echo other\n';
  const base = { dockerfile: df, files };
  const v1 = { ...base, buildArgs: { V: '1' } };
  const bk = afterBuilds('buildkit', base, v1);
  assert.deepEqual(statuses(bk), ['1:cached', '2:none', '3:cached', '4:rebuilds', '5:none', '6:rebuilds']);
  assert.equal(reasonAt(bk, 4), 'build arg V now has a value');
  const w2 = { ...base, buildArgs: { V: '1', W: 'w2' } };
  assert.deepEqual(statuses(afterBuilds('buildkit', v1, w2)), ['1:cached', '2:none', '3:cached', '4:cached', '5:none', '6:rebuilds']);
  const noops: Array<Record<string, string>> = [{ UNDECLARED: '1' }, { HTTP_PROXY: 'http://p:3128' }, { https_proxy: 'x' }];
  for (const noop of noops) {
    assert.deepEqual(statuses(afterBuilds('buildkit', base, { ...base, buildArgs: noop })), [
      '1:cached',
      '2:none',
      '3:cached',
      '4:cached',
      '5:none',
      '6:cached',
    ]);
  }
  assert.deepEqual(statuses(afterBuilds('buildkit', base, { ...base, buildArgs: { V: '' } })).slice(3, 4), ['4:rebuilds']);
  // Classic: the ARG step keys on the Dockerfile default, so it stays cached; the first RUN misses.
  assert.deepEqual(statuses(afterBuilds('classic', base, v1)), ['1:cached', '2:cached', '3:cached', '4:rebuilds', '5:rebuilds', '6:rebuilds']);
});

test('C28: a proxy build arg first passed to classic busts RUN once in a stage without ARG values', () => {
  const a = { dockerfile: 'FROM base\nRUN echo hi\n', files };
  const b = { ...a, buildArgs: { HTTP_PROXY: 'http://p' } };
  const c = { ...a, buildArgs: { HTTP_PROXY: 'http://other' } };
  assert.deepEqual(statuses(afterBuilds('classic', a, b)), ['1:cached', '2:rebuilds']);
  assert.deepEqual(statuses(afterBuilds('classic', b, c)), ['1:cached', '2:cached']);
  assert.deepEqual(statuses(afterBuilds('buildkit', a, b)), ['1:cached', '2:cached']);
});

test('C4: a global ARG not declared in the stage does not reach RUN; in FROM it picks the image', () => {
  const a = { dockerfile: 'ARG VER=1\nFROM base\nRUN echo hi\n', files };
  const b = { ...a, buildArgs: { VER: '2' } };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, b)), ['1:none', '2:cached', '3:cached']);
  const c = { dockerfile: 'ARG VER=1\nFROM base:${VER}\nRUN echo hi\n', files };
  const r = afterBuilds('buildkit', c, { ...c, buildArgs: { VER: '2' } });
  assert.deepEqual(statuses(r), ['1:none', '2:rebuilds', '3:rebuilds']);
  assert.equal(reasonAt(r, 2), 'base image changed: base:2 (was base:1)');
  const d = { dockerfile: 'ARG VER=1\nFROM base\nARG VER\nRUN echo hi\n', files };
  assert.deepEqual(statuses(afterBuilds('buildkit', d, { ...d, buildArgs: { VER: '2' } })), ['1:none', '2:cached', '3:none', '4:rebuilds']);
});

test('R9/C6/C8: content, mode, new empty folders and symlinks change a COPY; names the files', () => {
  const a = { dockerfile: 'FROM base\nCOPY app /app\nRUN make\n', files };
  const edit = (f: Record<string, unknown>) => afterBuilds('buildkit', a, { ...a, files: { ...files, ...f } as typeof files });
  const content = edit({ 'app/a.txt': 'changed' });
  assert.deepEqual(statuses(content), ['1:cached', '2:rebuilds', '3:rebuilds']);
  assert.equal(reasonAt(content, 2), 'app/a.txt changed');
  assert.equal(reasonAt(edit({ 'app/a.txt': { content: 'a', mode: 0o755 } }), 2), 'app/a.txt changed');
  assert.match(reasonAt(edit({ 'app/empty': { dir: true } }), 2) ?? '', /app\/empty added/);
  assert.match(reasonAt(edit({ 'app/link': { link: 'a.txt' } }), 2) ?? '', /app\/link added/);
  assert.deepEqual(statuses(edit({ 'src/app.js': 'unrelated' })), ['1:cached', '2:cached', '3:cached']);
  const gone = afterBuilds('buildkit', a, { ...a, files: { 'app/a.txt': 'a', 'package.json': '{}', 'src/app.js': 'v1' } });
  assert.equal(reasonAt(gone, 2), 'app/b.txt removed');
  const many = edit({ 'app/a.txt': '1', 'app/b.txt': '2', 'app/c.txt': '3', 'app/d.txt': '4', 'app/e.txt': '5' });
  assert.match(reasonAt(many, 2) ?? '', /app\/a.txt, app\/b.txt changed; app\/c.txt, app\/d.txt, app\/e.txt added/);
});

test('R9/C22: BuildKit keys a single-file source by its base name, classic by its path', () => {
  const a = { dockerfile: 'FROM base\nCOPY one/x.txt /x.txt\n', files: { 'one/x.txt': 'same', 'two/x.txt': 'same' } };
  const b = { ...a, dockerfile: 'FROM base\nCOPY two/x.txt /x.txt\n' };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, b)), ['1:cached', '2:cached']);
  assert.deepEqual(statuses(afterBuilds('classic', a, b)), ['1:cached', '2:rebuilds']);
});

test('C10/R20: COPY . reads the Dockerfile itself unless .dockerignore excludes it', () => {
  const a = { dockerfile: 'FROM base\nCOPY . /app\nRUN ls /app\n', files };
  const b = { ...a, dockerfile: a.dockerfile + '# a comment\n' };
  const r = afterBuilds('buildkit', a, b);
  assert.deepEqual(statuses(r), ['1:cached', '2:rebuilds', '3:rebuilds']);
  assert.equal(reasonAt(r, 2), 'Dockerfile changed');
  const ai = { ...a, ignore: 'Dockerfile\n.dockerignore\n' };
  assert.deepEqual(statuses(afterBuilds('buildkit', ai, { ...ai, dockerfile: ai.dockerfile + '# a comment\n' })), ['1:cached', '2:cached', '3:cached']);
});

test('R21: ignored files never matter; a ! re-include brings one back', () => {
  const a = {
    dockerfile: 'FROM base\nCOPY . /app\n',
    files: { ...files, 'logs/x.log': '1', 'logs/keep.log': '1' },
    ignore: 'logs\n!logs/keep.log\nDockerfile\n.dockerignore\n',
  };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, { ...a, files: { ...a.files, 'logs/x.log': '2' } })), ['1:cached', '2:cached']);
  const r = afterBuilds('buildkit', a, { ...a, files: { ...a.files, 'logs/keep.log': '2' } });
  assert.equal(reasonAt(r, 2), 'logs/keep.log changed');
});

test('C11/R15: COPY --from after the source stage rebuilds is maybe, and so is what follows', () => {
  const df = 'FROM base AS builder\nRUN echo v1 > /out\nRUN echo extra\nFROM base\nRUN ff\nCOPY --from=builder /out /out\nRUN cat /out\n';
  const a = { dockerfile: df, files };
  const r = afterBuilds('buildkit', a, { ...a, dockerfile: df.replace('echo extra', 'echo extra2') });
  assert.deepEqual(statuses(r), ['1:cached', '2:cached', '3:rebuilds', '4:cached', '5:cached', '6:maybe', '7:maybe']);
  assert.match(reasonAt(r, 6) ?? '', /^depends on stage builder's output \(line 3 RUN rebuilds\)/);
  assert.deepEqual(statuses(afterBuilds('buildkit', a, a)).slice(5), ['6:cached', '7:cached']);
});

test('C11/R15: after a maybe step, a step whose own files changed rebuilds (it misses even if the copy comes out identical)', () => {
  const df = 'FROM base AS b\nCOPY package.json /p\nRUN echo hi\nFROM base\nCOPY --from=b /p /p\nCOPY app /app\nRUN ls\n';
  const a = { dockerfile: df, files };
  const both = { ...a, files: { ...files, 'package.json': '{"a":1}', 'app/a.txt': 'a2' } };
  const r = afterBuilds('buildkit', a, both);
  assert.deepEqual(statuses(r), ['1:cached', '2:rebuilds', '3:rebuilds', '4:cached', '5:maybe', '6:rebuilds', '7:rebuilds']);
  assert.equal(reasonAt(r, 6), 'app/a.txt changed');
  assert.match(reasonAt(r, 7) ?? '', /^parent step rebuilds: line 6 COPY \(app\/a\.txt changed\)$/);
  assert.equal(afterBuilds('classic', a, both).steps.find((s) => s.line === 6)?.status, 'rebuilds');
  // Only stage b's input changed: the later COPY's own files are unchanged, so it stays maybe.
  const onlyStage = afterBuilds('buildkit', a, { ...a, files: { ...files, 'package.json': '{"a":1}' } });
  assert.deepEqual(statuses(onlyStage).slice(4), ['5:maybe', '6:maybe', '7:maybe']);
  // An edited later RUN rebuilds in every case, and says why.
  const runEdit = afterBuilds('buildkit', a, { ...a, dockerfile: df.replace('echo hi', 'echo ho').replace('RUN ls', 'RUN ls -l') });
  assert.deepEqual(statuses(runEdit).slice(4), ['5:maybe', '6:maybe', '7:rebuilds']);
  assert.equal(reasonAt(runEdit, 7), 'command changed');
});

test('a COPY --from naming a later stage works (BuildKit orders stages by dependency)', () => {
  const df = 'FROM base AS final\nCOPY --from=gen /out /out\nFROM base AS gen\nRUN echo v1 > /out\n';
  const a = { dockerfile: df, files, target: 'final' };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, a)), ['1:cached', '2:cached', '3:cached', '4:cached']);
  const r = afterBuilds('buildkit', a, { ...a, dockerfile: df.replace('v1', 'v2') });
  assert.deepEqual(statuses(r), ['1:cached', '2:maybe', '3:cached', '4:rebuilds']);
  const cyc = planState({ dockerfile: 'FROM base AS a\nCOPY --from=b /x /x\nFROM base AS b\nCOPY --from=a /y /y\n', files }, 'buildkit');
  assert.match(cyc.diagnostics.map((d) => d.message).join('\n'), /circular/);
});

test('C12/R23: an unneeded stage is skipped by BuildKit and built by classic', () => {
  const df = 'FROM base AS unused\nRUN echo u1\nFROM base AS final\nRUN echo f\n';
  const a = { dockerfile: df, files };
  const b = { ...a, dockerfile: df.replace('u1', 'u2') };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, b)), ['1:skipped', '2:skipped', '3:cached', '4:cached']);
  assert.deepEqual(statuses(afterBuilds('classic', a, b)), ['1:cached', '2:rebuilds', '3:cached', '4:cached']);
  const t = afterBuilds('buildkit', { ...a, target: 'unused' }, { ...a, target: 'unused' });
  assert.deepEqual(statuses(t), ['1:cached', '2:cached', '3:skipped', '4:skipped']);
  assert.match(reasonAt(t, 3) ?? '', /after the target stage/);
});

test('C13/C29: shell and exec form are one key; continuation indentation counts, comments inside do not', () => {
  const a = { dockerfile: 'FROM base\nRUN echo hi\nRUN a && \\\n    b\n', files };
  const exec = { ...a, dockerfile: 'FROM base\nRUN ["/bin/sh","-c","echo hi"]\nRUN a && \\\n    b\n' };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, exec)), ['1:cached', '2:cached', '3:cached']);
  const comment = { ...a, dockerfile: 'FROM base\nRUN echo hi\nRUN a && \\\n# note\n    b\n' };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, comment)), ['1:cached', '2:cached', '3:cached']);
  const indent = { ...a, dockerfile: 'FROM base\nRUN echo hi\nRUN a && \\\n  b\n' };
  const r = afterBuilds('buildkit', a, indent);
  assert.deepEqual(statuses(r), ['1:cached', '2:cached', '3:rebuilds']);
  assert.equal(reasonAt(r, 3), 'command changed');
});

test('C14/R8: a bind mount keys its source only; without a source the whole context', () => {
  const df = 'FROM base\nRUN --mount=type=bind,source=app/a.txt,target=/m/a.txt cat /m/a.txt\nRUN --mount=type=bind,target=/ctx ls /ctx\n';
  const a = { dockerfile: df, files, ignore: 'Dockerfile\n.dockerignore\n' };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, { ...a, files: { ...files, 'app/b.txt': 'new' } })), ['1:cached', '2:cached', '3:rebuilds']);
  assert.deepEqual(statuses(afterBuilds('buildkit', a, { ...a, files: { ...files, 'app/a.txt': 'new' } })), ['1:cached', '2:rebuilds', '3:rebuilds']);
});

test('C16: a cache mount ignores id and sharing but not target', () => {
  const a = { dockerfile: 'FROM base\nRUN --mount=type=cache,target=/c,id=one npm ci\n', files };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, { ...a, dockerfile: 'FROM base\nRUN --mount=type=cache,target=/c,id=two,sharing=locked npm ci\n' })), [
    '1:cached',
    '2:cached',
  ]);
  assert.deepEqual(statuses(afterBuilds('buildkit', a, { ...a, dockerfile: 'FROM base\nRUN --mount=type=cache,target=/d,id=one npm ci\n' })), [
    '1:cached',
    '2:rebuilds',
  ]);
});

test('C17/R13: USER changes RUN and WORKDIR keys, not COPY', () => {
  const a = { dockerfile: 'FROM base\nUSER app\nCOPY app/a.txt /a\nRUN r\nWORKDIR /w\n', files };
  const r = afterBuilds('buildkit', a, { ...a, dockerfile: a.dockerfile.replace('USER app', 'USER root') });
  assert.deepEqual(statuses(r), ['1:cached', '2:none', '3:cached', '4:rebuilds', '5:rebuilds']);
  assert.equal(reasonAt(r, 4), 'USER changed');
});

test('C19/C21: a wildcard gaining a match and a heredoc edit rebuild', () => {
  const a = { dockerfile: 'FROM base\nCOPY *.json /j/\nCOPY <<EOF /h.txt\nhello\nEOF\n', files };
  const r = afterBuilds('buildkit', a, { ...a, files: { ...files, 'two.json': '[]' } });
  assert.deepEqual(statuses(r), ['1:cached', '2:rebuilds', '3:rebuilds']);
  assert.equal(reasonAt(r, 2), 'two.json added');
  const h = afterBuilds('buildkit', a, { ...a, dockerfile: a.dockerfile.replace('hello', 'bye') });
  assert.deepEqual(statuses(h), ['1:cached', '2:cached', '3:rebuilds']);
  assert.equal(reasonAt(h, 3), 'heredoc text changed');
});

test('C30/R12: WORKDIR / is no step; inserting a WORKDIR rebuilds what follows', () => {
  const a = { dockerfile: 'FROM base\nWORKDIR /\nCOPY app /app\n', files };
  assert.deepEqual(statuses(planState(a, 'buildkit')).slice(1, 2), ['2:none']);
  const r = afterBuilds('buildkit', a, { ...a, dockerfile: 'FROM base\nWORKDIR /srv\nCOPY app /app\n' });
  assert.deepEqual(statuses(r), ['1:cached', '2:rebuilds', '3:rebuilds']);
});

test('C24: an unchanged secret-mount RUN after a re-run RUN is maybe (BuildKit only), and so is what follows', () => {
  const df = 'FROM base\nRUN echo A-1\nRUN --mount=type=secret,id=tok true\nRUN echo n3\n';
  const a = { dockerfile: df, files };
  const b = { ...a, dockerfile: df.replace('A-1', 'A-2') };
  const r = afterBuilds('buildkit', a, b);
  assert.deepEqual(statuses(r), ['1:cached', '2:rebuilds', '3:maybe', '4:maybe']);
  assert.match(reasonAt(r, 3) ?? '', /cached only if line 2 RUN changes no files/);
  const plain = { dockerfile: 'FROM base\nRUN echo A-1\nRUN true\nRUN echo n3\n', files };
  assert.deepEqual(statuses(afterBuilds('buildkit', plain, { ...plain, dockerfile: plain.dockerfile.replace('A-1', 'A-2') })), [
    '1:cached',
    '2:rebuilds',
    '3:rebuilds',
    '4:rebuilds',
  ]);
  const edited = { ...b, dockerfile: b.dockerfile.replace('id=tok', 'id=other') };
  assert.equal(statusAt(afterBuilds('buildkit', a, edited), 3), 'rebuilds');
});

test('R4: the cache is a set of keys: going back to an older state is cached again', () => {
  const a = { dockerfile: 'FROM base\nCOPY src /src\nRUN build\n', files };
  const b = { ...a, files: { ...files, 'src/app.js': 'v2' } };
  assert.deepEqual(statuses(afterBuilds('buildkit', a, b, a)), ['1:cached', '2:cached', '3:cached']);
  assert.deepEqual(statuses(afterBuilds('classic', a, b, a)), ['1:cached', '2:cached', '3:cached']);
});

test('R14: classic makes every instruction a step; EXPOSE/CMD whitespace-only edits keep the key', () => {
  const a = { dockerfile: 'FROM base\nEXPOSE 80\nCMD ["node", "a.js"]\n', files };
  const b = { ...a, dockerfile: 'FROM base\nEXPOSE   80\nCMD ["node","a.js"]\n' };
  assert.deepEqual(statuses(afterBuilds('classic', a, b)), ['1:cached', '2:cached', '3:cached']);
  assert.equal(planState(a, 'classic').steps[1].layer, 'metadata');
});

test('R16/R17: --chown and --chmod are in the key; ADD of a URL is maybe unless pinned', () => {
  const a = { dockerfile: 'FROM base\nCOPY --chown=1:1 app /app\n', files };
  assert.equal(reasonAt(afterBuilds('buildkit', a, { ...a, dockerfile: 'FROM base\nCOPY --chown=2:2 app /app\n' }), 2), '--chown changed');
  const url = { dockerfile: 'FROM base\nADD https://example.invalid/x.tgz /x\n', files };
  assert.equal(afterBuilds('buildkit', url, url).steps[1].status, 'maybe');
  const pinned = { dockerfile: 'FROM base\nADD --checksum=sha256:abc https://example.invalid/x.tgz /x\n', files };
  assert.equal(afterBuilds('buildkit', pinned, pinned).steps[1].status, 'cached');
});

test('bad input: verdicts for what can be known, diagnostics for the rest', () => {
  const r = planState({ dockerfile: 'FROM base\nBOGUS x\nRUN <<EOF\necho\n', files }, 'buildkit');
  assert.deepEqual(
    r.steps.map((s) => s.keyword),
    ['FROM', 'BOGUS', 'RUN'],
  );
  assert.match(r.diagnostics.map((d) => d.message).join('\n'), /Unknown instruction "BOGUS"[\s\S]*Unterminated heredoc/);
  const noFrom = planState({ dockerfile: 'RUN x\nCOPY . .\n', files }, 'buildkit');
  assert.equal(noFrom.steps.length, 0);
  assert.match(noFrom.diagnostics[0].message, /No FROM/);
  const escape = planState({ dockerfile: 'FROM base\nCOPY ../secret /s\n', files }, 'classic');
  assert.match(escape.diagnostics.map((d) => d.message).join('\n'), /outside the build context/);
});
