// Robustness: the real server over in-memory streams, fed random, truncated and binary Dockerfiles and huge
// lines, asked for lenses, hovers at random positions (inside and past the text), code actions on random
// ranges, and pushing diagnostics for every version. It must answer every request, never crash, and keep
// answering correctly afterwards. The seed is fixed, so a failure replays.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { clearSimulationRequest, simulateRequest, statusRequest } from '../../server/src/protocol';
import { diskProject } from '../helpers/diskProject';
import { seededRandom } from '../helpers/random';
import { TestServer } from './support/lspClient';

const SEED = 0x1a7e5;
const CASES = 160;

const LINES = [
  '# syntax=docker/dockerfile:1',
  '# escape=`',
  '# escape=\\',
  'ARG BASE=node:20',
  'FROM ${BASE} AS deps',
  'FROM scratch',
  'FROM',
  'FROM a AS',
  'FROM deps AS final',
  'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
  'WORKDIR /app',
  'WORKDIR /',
  'WORKDIR',
  'COPY package.json package-lock.json ./',
  'COPY . .',
  'COPY --chown=node:node --chmod=755 src/ /app/src/',
  'COPY --from=deps /app /app',
  'COPY --from=nowhere x y',
  'COPY --link --parents ./a/**/b.txt /x/',
  'COPY --exclude=*.md . /app',
  'COPY',
  'ADD https://example.invalid/x.tgz /x',
  'ADD --checksum=sha256:0 a.tar /',
  'RUN npm install',
  'RUN npm ci \\',
  '    --omit=dev',
  'RUN apt-get update',
  'RUN apt-get install -y curl',
  'RUN --mount=type=cache,target=/root/.npm npm ci',
  'RUN --mount=type=secret,id=s cat /run/secrets/s',
  'RUN --mount=from=deps,source=/x,target=/y ls',
  'RUN --network=none true',
  'RUN ["sh", "-c", "echo hi"]',
  'RUN node server.js',
  'RUN <<EOF',
  'echo heredoc',
  'EOF',
  'RUN <<-"END" cat',
  'RUN \\',
  'ENV A=1 B="two words"',
  'ENV',
  'ARG',
  'ARG X',
  'LABEL a=b',
  'EXPOSE 3000',
  'EXPOSE 8080/udp 9000',
  'EXPOSE',
  'USER node',
  'SHELL ["/bin/bash", "-c"]',
  'VOLUME /data',
  'STOPSIGNAL SIGTERM',
  'HEALTHCHECK CMD curl -f localhost || exit 1',
  'HEALTHCHECK NONE',
  'ONBUILD RUN echo',
  'MAINTAINER me',
  'CMD ["node", "server.js"]',
  'CMD node server.js',
  'CMD [',
  'ENTRYPOINT ["tini", "--"]',
  'NOTANINSTRUCTION foo',
  '',
  '   ',
  '#',
  '\\',
  '`',
  'RUN echo $((1+2)) ${X:-y} ${Y:+z} "unterminated',
  "RUN echo 'a",
  'COPY ["a b", "c"]',
  'COPY [',
  'FROM a\r',
  'RUN x\r\\\r',
  '\uFEFFFROM bom',
];

const ALPHABET = ' \t\n\r\\`$#{}[]"\'=-:/.,*?!<>|&;ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\u00e9\u4e00\ud83d\ude00\u0000\u200b';

function dockerfile(rand: () => number, n: number): string {
  const kind = n % 5;
  const pick = () => LINES[Math.floor(rand() * LINES.length)];
  const lines = Array.from({ length: 1 + Math.floor(rand() * 40) }, pick);
  let text = lines.join(rand() < 0.2 ? '\r\n' : '\n');
  if (kind === 1) text = text.slice(0, Math.floor(rand() * text.length)); // truncated anywhere, mid-word or mid-continuation
  if (kind === 2) text = Array.from({ length: Math.floor(rand() * 2000) }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join('');
  if (kind === 3) {
    // Random bytes decoded as the editor would (lone surrogates, NULs, invalid UTF-8 become U+FFFD).
    const bytes = Buffer.from(Array.from({ length: Math.floor(rand() * 4000) }, () => Math.floor(rand() * 256)));
    text = bytes.toString(rand() < 0.5 ? 'utf8' : 'latin1');
  }
  if (kind === 4) {
    const huge = 'x'.repeat(50_000 + Math.floor(rand() * 150_000));
    const at = Math.floor(rand() * lines.length);
    lines.splice(at, 0, rand() < 0.5 ? `RUN echo ${huge}` : `COPY ${huge} /x`, `ENV LONG=${huge}`, `# ${huge}`);
    text = lines.join('\n');
  }
  return text;
}

function position(rand: () => number, text: string): { line: number; character: number } {
  const lines = text.split('\n');
  const line = Math.floor(rand() * (lines.length + 3)); // sometimes past the end
  const length = lines[line]?.length ?? 0;
  return { line, character: Math.floor(rand() * (length + 5)) };
}

const roots: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

void test(`fuzz: ${CASES} random, truncated, binary and huge-line Dockerfiles never stop the server from answering (seed ${SEED})`, async () => {
  const root = diskProject(
    'll-fuzz-',
    { 'package.json': '{"name":"x"}', 'package-lock.json': '{}', 'src/app.js': 'a', '.git/HEAD': 'ref: refs/heads/main\n', 'node_modules/a/index.js': '' },
    roots,
  );
  roots.push(`${root}-store.json`);
  const s = await TestServer.start({ storePath: `${root}-store.json`, workspaceFolders: [root] });
  servers.push(s);
  const rand = seededRandom(SEED);
  const u = await s.open(join(root, 'Dockerfile'), 'FROM alpine\n');
  const counts = { lenses: 0, hovers: 0, hoverTexts: 0, actions: 0, diagnostics: 0 };
  for (let n = 0; n < CASES; n++) {
    const text = dockerfile(rand, n);
    await s.edit(u, text);
    const version = n + 2;
    const where = `case ${n} (kind ${n % 5}, ${text.length} chars)`;
    const lenses = await s.lenses(u);
    assert.ok(Array.isArray(lenses), where);
    assert.ok(!lenses.some((l) => /could not analyse/.test(l.title)), `${where}: ${lenses.map((l) => l.title).join(' | ')}`);
    counts.lenses += lenses.length;
    for (let h = 0; h < 4; h++) {
      const p = position(rand, text);
      const hover = await s.hover(u, p.line, p.character);
      counts.hovers++;
      if (hover !== null) {
        assert.equal(typeof hover, 'string', where);
        counts.hoverTexts++;
      }
    }
    const a = position(rand, text);
    const b = position(rand, text);
    const [start, end] = a.line <= b.line ? [a.line, b.line] : [b.line, a.line];
    const actions = await s.codeActions(u, start, end);
    counts.actions += actions.length;
    for (const action of actions) assert.ok(action.edit?.documentChanges?.length, `${where}: "${action.title}" carries an edit`);
    if (n % 7 === 0) await s.request(simulateRequest, { uri: u, changedFiles: ['src/app.js'], editedLines: [1 + Math.floor(rand() * 5)] });
    const diagnostics = await s.diagnosticsFor(u, version);
    counts.diagnostics += diagnostics.length;
    const broken = diagnostics.find((d) => /could not (check|analyse)/.test(String(d.message)));
    assert.equal(broken, undefined, `${where}: ${String(broken?.message)}`);
  }
  // Still alive and still right: a plain Dockerfile gets its usual answers.
  const plain = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD ["node", "src/app.js"]\n';
  await s.edit(u, plain);
  assert.equal((await s.request(statusRequest, { uri: u })).instructionCount, 5);
  await s.request(clearSimulationRequest, {});
  assert.deepEqual(await s.titles(u), {
    1: 'rebuilds: not built yet',
    2: 'rebuilds: not built yet',
    3: 'rebuilds: not built yet',
    4: 'rebuilds: not built yet',
    5: 'metadata only: no rebuild',
  });
  assert.match((await s.hover(u, 3, 1)) ?? '', /^\*\*RUN\*\*/);
  assert.ok((await s.diagnosticsFor(u, CASES + 2)).some((d) => d.code === 'copy-before-install'));
  // Every request was answered; what the answers held shows the inputs reached the features.
  assert.ok(counts.lenses > CASES && counts.hoverTexts > 100 && counts.diagnostics > 50, JSON.stringify(counts));
  console.log(`fuzz answers: ${JSON.stringify(counts)}`);
  const failures = s.logged.filter((m) => / failed: /.test(m.message));
  assert.deepEqual(
    failures.map((m) => m.message.split('\n')[0]),
    [],
    'no handler failed (each failure is logged, not thrown)',
  );
});
