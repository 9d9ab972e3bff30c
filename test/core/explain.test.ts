import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainFlag, explainInstruction } from '../../server/src/core/explain/explain';
import { hoverAt } from '../../server/src/core/explain/locate';
import { formatMessage, type Translate } from '../../server/src/core/shared/translate';
import { KNOWN_KEYWORDS, parseDockerfile } from '../../server/src/core/dockerfile/parse';
import type { StepPrediction } from '../../server/src/core/shared/types';

const ko = JSON.parse(readFileSync(join(__dirname, '../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
const koT: Translate = (m, ...args) => formatMessage(ko[m] ?? m, args);

function ins(text: string, n = 0) {
  const parsed = parseDockerfile(text);
  return { ins: parsed.instructions[n], all: parsed.instructions };
}

const step = (over: Partial<StepPrediction>): StepPrediction => ({
  line: 2,
  endLine: 2,
  keyword: 'RUN',
  stage: '0',
  layer: 'filesystem',
  status: 'rebuilds',
  reason: 'src/app.js changed',
  cause: { code: 'filesChanged', changed: { files: ['src/app.js'], more: 0 } },
  ...over,
});

test('RUN: build time, one layer, keyed by its text so apt-get update never refreshes, and the verdict', () => {
  const { ins: run, all } = ins('FROM debian\nRUN apt-get update && apt-get install -y curl\n', 1);
  const md = explainInstruction(run, step({}), { builder: 'buildkit', instructions: all });
  assert.match(md, /^\*\*RUN\*\* · \[Dockerfile reference\]\(https:\/\/docs\.docker\.com\/reference\/dockerfile\/#run\)/);
  assert.match(md, /\*\*When:\*\* At build time/);
  assert.match(md, /- BuildKit \(in use\): adds one filesystem layer\./);
  assert.match(md, /the command text exactly as written/);
  assert.match(md, /`apt-get update` never refreshes by itself/);
  assert.match(md, /`apt-get update` on this line never refreshes the package index by itself/);
  assert.match(md, /\*\*This step:\*\* rebuilds — src\/app\.js changed$/);
});

test('CMD: container start, only the last counts, exec or shell form of this line, docker run arguments', () => {
  const text = 'FROM node:20\nCMD npm start\nENTRYPOINT ["/tini", "--"]\nCMD ["node", "server.js"]\n';
  const { all } = ins(text);
  const shell = explainInstruction(all[1], undefined, { builder: 'buildkit', instructions: all });
  assert.match(shell, /When a container starts \(`docker run`\), not during the build/);
  assert.match(shell, /This line uses the shell form/);
  assert.match(shell, /Only the last CMD counts, and arguments after the image name in `docker run <image> \.\.\.` replace it\./);
  assert.match(shell, /The CMD on line 4 replaces this one\./);
  const exec = explainInstruction(all[3], undefined, { builder: 'buildkit', instructions: all });
  assert.match(exec, /This line uses the exec form \(a JSON array\)/);
  assert.match(exec, /With the ENTRYPOINT on line 3, this CMD only supplies its default arguments\./);
  assert.doesNotMatch(exec, /replaces this one/);
  assert.match(exec, /no layer and no build step/);
});

test('EXPOSE: documents only; publish with docker run -p using the ports on that line', () => {
  const md = explainInstruction(ins('FROM a\nEXPOSE 3000 8080/udp\n', 1).ins, undefined, { builder: 'buildkit' });
  assert.match(md, /Documents the port\(s\)/);
  assert.match(md, /`docker run -p 3000:3000 -p 8080:8080\/udp <image>`/);
  assert.match(md, /#expose\)/);
});

test('every instruction has a reference link, what it does, when it runs, layers and cache key', () => {
  for (const keyword of KNOWN_KEYWORDS) {
    const text = keyword === 'FROM' ? 'FROM alpine\n' : `FROM alpine\n${keyword} x\n`;
    const parsed = parseDockerfile(text);
    const i = parsed.instructions[parsed.instructions.length - 1];
    const md = explainInstruction(i, undefined, { builder: 'classic', instructions: parsed.instructions });
    assert.match(md, new RegExp(`reference/dockerfile/#${keyword === 'MAINTAINER' ? 'maintainer-deprecated' : keyword.toLowerCase()}\\)`), keyword);
    assert.match(md, /\*\*When:\*\*/, keyword);
    assert.match(md, /- Classic builder \(in use\): /, keyword);
    assert.match(md, /\*\*Cache key:\*\* /, keyword);
  }
});

test('layers per builder: metadata is no step with BuildKit, a cached step with the classic builder', () => {
  const env = ins('FROM a\nENV A=1\n', 1).ins;
  const bk = explainInstruction(env, undefined, { builder: 'buildkit' });
  assert.match(bk, /- BuildKit \(in use\): no layer and no build step/);
  assert.match(bk, /\*\*Cache key:\*\* none of its own\. The values join the key of every later RUN/);
  const cl = explainInstruction(env, undefined, { builder: 'classic' });
  assert.match(cl, /- Classic builder \(in use\): a cached step of its own that commits an empty layer/);
  assert.match(cl, /\*\*Cache key:\*\* its own text: changing it rebuilds it and every later step/);
  assert.match(explainInstruction(ins('FROM a\nWORKDIR /\n', 1).ins, undefined, { builder: 'buildkit' }), /`WORKDIR \/` adds no layer/);
});

test('cacheOnly keeps only the layer and cache part (and the verdict)', () => {
  const { ins: cmd } = ins('FROM a\nCMD ["x"]\n', 1);
  const md = explainInstruction(cmd, step({ keyword: 'CMD', layer: 'metadata', status: 'none', reason: 'metadata only: no rebuild' }), {
    builder: 'buildkit',
    cacheOnly: true,
  });
  assert.doesNotMatch(md, /When|default command|exec form/);
  assert.match(md, /\*\*Layer:\*\*/);
  assert.match(md, /\*\*Cache key:\*\*/);
  assert.match(md, /not a build step — metadata only: no rebuild/);
});

test('flags: mount types, --from, --chown, --chmod, --link, --platform, --network, --exclude, --parents', () => {
  const expect: Array<[string, number, RegExp, RegExp]> = [
    ['RUN --mount=type=cache,target=/root/.npm npm ci', 0, /type=cache/, /never part of the cache key/],
    ['RUN --mount=type=secret,id=tok cat /run/secrets/tok', 0, /type=secret/, /value is never part of the cache key/],
    ['RUN --mount=type=ssh git clone x', 0, /forwards your SSH agent/, /Keys never affect/],
    ['RUN --mount=type=tmpfs,target=/t true', 0, /in-memory/, /target and size/],
    ['RUN --mount=target=/ctx ls', 0, /type=bind/, /whole context is mounted and hashed/],
    ['RUN --mount=type=bind,source=a.txt,target=/a cat /a', 0, /type=bind/, /content of the mounted source/],
    ['RUN --network=none make', 0, /`--network`/, /network mode is part of the cache key/],
    ['COPY --from=build /out /out', 0, /from an earlier stage/, /content of the copied files/],
    ['COPY --chown=app:app . .', 0, /owner of the copied files/, /`app:app` to `1000:1000`/],
    ['COPY --chmod=755 run.sh /', 0, /permissions of the copied files/, /mode is part of the cache key/],
    ['COPY --link . /app', 0, /independent layer/, /graphdriver image store treats it as a plain COPY/],
    ['COPY --exclude=*.md . .', 0, /leaves matching paths out/, /excluded files never affect it/],
    ['COPY --parents src/*/pkg.json ./', 0, /parent folders/, /part of the cache key/],
  ];
  for (const [line, n, what, cache] of expect) {
    const i = ins(`FROM a AS build\n${line}\n`, 1).ins;
    const md = explainFlag(i, i.flags[n], undefined, { builder: 'buildkit' });
    assert.match(md, what, line);
    assert.match(md, cache, line);
    assert.match(md, /https:\/\/docs\.docker\.com\/reference\/dockerfile\/#/, line);
    assert.doesNotMatch(explainFlag(i, i.flags[n], undefined, { builder: 'buildkit', cacheOnly: true }), what, `${line} cacheOnly`);
  }
  const from = ins('FROM --platform=linux/amd64 alpine\n').ins;
  assert.match(explainFlag(from, from.flags[0], undefined, { builder: 'buildkit' }), /which platform of the base image/);
});

test('hoverAt: a flag under the cursor (also on a continuation line), the instruction elsewhere, nothing on comments', () => {
  const text = 'FROM node:20\n# comment\nRUN --network=none \\\n    --mount=type=cache,target=/x \\\n    # inside\n    npm ci\nCOPY <<EOF /a\nbody\nEOF\n\n';
  const steps = [step({ line: 3, endLine: 6, status: 'cached', reason: 'unchanged since a recorded build' })];
  const onFlag = hoverAt(text, { line: 3, character: 10 }, { builder: 'buildkit', steps });
  assert.ok(onFlag);
  assert.match(onFlag.contents, /^\*\*RUN --mount\*\*/);
  assert.deepEqual(onFlag.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 32 } });
  assert.match(onFlag.contents, /cached — unchanged since a recorded build/);
  const first = hoverAt(text, { line: 2, character: 6 }, { builder: 'buildkit', steps });
  assert.match(first?.contents ?? '', /^\*\*RUN --network\*\*/);
  const keyword = hoverAt(text, { line: 2, character: 1 }, { builder: 'buildkit', steps });
  assert.match(keyword?.contents ?? '', /^\*\*RUN\*\* /);
  assert.deepEqual(keyword?.range, { start: { line: 2, character: 0 }, end: { line: 5, character: 10 } });
  assert.equal(hoverAt(text, { line: 1, character: 3 }, { builder: 'buildkit' }), undefined);
  assert.equal(hoverAt(text, { line: 4, character: 6 }, { builder: 'buildkit' }), undefined);
  assert.equal(hoverAt(text, { line: 9, character: 0 }, { builder: 'buildkit' }), undefined);
  assert.match(hoverAt(text, { line: 7, character: 1 }, { builder: 'buildkit' })?.contents ?? '', /^\*\*COPY\*\*/);
  assert.match(hoverAt(text.replace(/\n/g, '\r\n'), { line: 3, character: 10 }, { builder: 'buildkit' })?.contents ?? '', /^\*\*RUN --mount\*\*/);
});

test('Korean hovers come from the bundle, with placeholders filled', () => {
  const { ins: expose } = ins('FROM a\nEXPOSE 3000\n', 1);
  const md = explainInstruction(expose, undefined, { builder: 'buildkit', t: koT });
  assert.match(md, /Dockerfile 참조 문서/);
  assert.match(md, /`docker run -p 3000:3000 <image>`/);
  assert.match(md, /\*\*실행 시점:\*\* 실행되는 것은 없습니다/);
  assert.doesNotMatch(md, /Documents the port/);
  const run = ins('FROM a\nRUN apt-get update\n', 1).ins;
  assert.match(explainInstruction(run, step({}), { builder: 'buildkit', t: koT }), /\*\*이 단계:\*\* 다시 빌드됨 — src\/app\.js changed/);
});
