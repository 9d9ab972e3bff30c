// The progress parsers on output captured from the real engines (test/fixtures/build-output, written by
// test/build/captureFixtures.ts): Docker 20.10 classic builder, BuildKit 26.1 with buildx 0.13 in rawjson and plain
// progress. The captured builds are: a two-stage Dockerfile built from an empty cache (`first`), built again after
// b.txt changed (`edited`), and a Dockerfile whose RUN exits 3 (`failing`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildkitOps, buildkitTwins, readInstructions } from '../../../server/src/build/dockerfileReader';
import { dockerProblemIn } from '../../../server/src/build/docker';
import { historyKeyword, layerSizes } from '../../../server/src/build/history';
import {
  buildkitFinished,
  buildkitSteps,
  classicFinished,
  classicSteps,
  ForeignBuildError,
  JsonObjectStream,
  plainVertices,
  rawjsonVertices,
  type ActualStep,
  type TimedLine,
} from '../../../server/src/build/progress';

interface Fixture {
  engine: string;
  progress: 'classic' | 'rawjson' | 'plain';
  dockerfile: string;
  code: number;
  ms: number;
  lines: TimedLine[];
  stderr?: string;
  history?: string;
}

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/build-output', `${name}.json`), 'utf8')) as Fixture;
}

function steps(f: Fixture, dockerfile = f.dockerfile): ActualStep[] {
  const df = readInstructions(dockerfile);
  if (f.progress === 'classic') return classicSteps(f.lines, df, { endMs: f.ms, failed: f.code !== 0 }).steps;
  return buildkitSteps(f.progress === 'rawjson' ? rawjsonVertices(f.stderr ?? '') : plainVertices(f.lines.map((l) => l.text).join('\n')), df);
}

/** line → outcome, FROM left out (no cache lookup). */
function outcomes(list: ActualStep[]): Record<number, string> {
  return Object.fromEntries(
    list
      .filter((s) => s.keyword !== 'FROM')
      .sort((a, b) => a.line - b.line)
      .map((s) => [s.line, s.outcome]),
  );
}

const RUNS = ['classic-classic', 'buildkit-rawjson', 'buildkit-plain'];
// Lines of the two-stage Dockerfile: 2 WORKDIR, 3 COPY a.txt, 4 RUN (sleep 1) | 7 ARG, 8 ENV, 9 COPY b.txt, 10 RUN (sleep 1), 11 RUN.
// The classic builder makes every instruction a step; BuildKit only FROM/RUN/COPY/ADD/WORKDIR.
const stepLines = (engine: string) => (engine === 'classic' ? [2, 3, 4, 7, 8, 9, 10, 11] : [2, 3, 4, 9, 10, 11]);

for (const run of RUNS) {
  const engine = run.split('-')[0];
  test(`${run}: a build from an empty cache runs every step, and each sleep-1 RUN takes about a second`, () => {
    const f = fixture(`${run}-first`);
    const got = steps(f);
    assert.deepEqual(outcomes(got), Object.fromEntries(stepLines(engine).map((l) => [l, 'ran'])));
    for (const line of [4, 10]) {
      const d = got.find((s) => s.line === line)?.durationMs;
      assert.ok(d !== undefined && d >= 900 && d < 10_000, `line ${line} took ${d} ms`);
    }
    const echo = got.find((s) => s.line === 11)?.durationMs;
    assert.ok(echo !== undefined && echo < 900, `line 11 (no sleep) took ${echo} ms`);
  });

  test(`${run}: after b.txt changed, the first stage is cached and the steps from COPY b.txt on run`, () => {
    const got = steps(fixture(`${run}-edited`));
    const want: Record<number, string> = {};
    for (const l of stepLines(engine)) want[l] = l < 9 ? 'cached' : 'ran';
    assert.deepEqual(outcomes(got), want);
    for (const s of got) if (s.outcome === 'cached') assert.equal(s.durationMs, undefined, `cached line ${s.line} has no duration`);
  });

  test(`${run}: a failing RUN is the step that failed, the COPY before it ran`, () => {
    const f = fixture(`${run}-failing`);
    assert.notEqual(f.code, 0);
    assert.deepEqual(outcomes(steps(f)), { 2: 'ran', 3: 'error' });
  });

  test(`${run}: layer sizes from the image history map to the instructions that made them`, () => {
    for (const [name, bSize] of [
      ['first', 2],
      ['edited', 10],
    ] as const) {
      const f = fixture(`${run}-${name}`);
      const df = readInstructions(f.dockerfile);
      const sizes = Object.fromEntries(layerSizes(f.history ?? '', df, 1).map((l) => [l.line, l.sizeBytes]));
      // a.txt "a\n", b.txt "b\n" then "b changed\n", /app/greeting "hello\n"; WORKDIR /app and the ENV/ARG add no bytes.
      assert.equal(sizes[3], 2, `${name}: COPY a.txt`);
      assert.equal(sizes[9], bSize, `${name}: COPY b.txt`);
      assert.equal(sizes[10], 6, `${name}: RUN writing the greeting`);
      assert.equal(sizes[8], 0, `${name}: ENV`);
      assert.equal(sizes[1], undefined, `${name}: the base image's own layer is not ours`);
    }
  });
}

test('rawjson and plain progress of the same builds agree on every step', () => {
  for (const name of ['first', 'edited', 'failing']) {
    assert.deepEqual(outcomes(steps(fixture(`buildkit-rawjson-${name}`))), outcomes(steps(fixture(`buildkit-plain-${name}`))), name);
  }
});

test('rawjson: objects split across chunks anywhere parse the same as the whole output; text between objects is kept', () => {
  const f = fixture('buildkit-rawjson-failing');
  const whole = rawjsonVertices(f.stderr ?? '');
  for (const size of [1, 7, 64, 4096]) {
    const objects: unknown[] = [];
    const text: string[] = [];
    const stream = new JsonObjectStream(
      (v) => objects.push(v),
      (t) => text.push(t),
    );
    for (let i = 0; i < (f.stderr ?? '').length; i += size) stream.push((f.stderr ?? '').slice(i, i + size));
    stream.end();
    assert.ok(objects.length > 10, `chunk ${size}: ${objects.length} objects`);
    assert.ok(
      text.some((t) => /^ERROR: failed to solve: process .*exit code: 3/.test(t)),
      `chunk ${size}: buildx's own error line is passed on as text`,
    );
  }
  assert.equal(whole.find((v) => v.outcome === 'error')?.name, '[3/3] RUN echo about to fail && exit 3');
});

test('output of a different Dockerfile is refused, not mapped to the wrong lines', () => {
  const f = fixture('buildkit-plain-first');
  assert.throws(
    () => steps(f, 'FROM localbase:1\nRUN true\n'),
    (e: Error) => e instanceof ForeignBuildError || /stage|op/.test(e.message),
  );
  const c = fixture('classic-classic-first');
  assert.throws(() => steps(c, 'FROM localbase:1\nRUN true\nRUN true\n'), /classic: /);
});

test('history CreatedBy texts of both engines give the instruction keyword', () => {
  assert.equal(historyKeyword('/bin/sh -c #(nop)  ENV X=1'), 'ENV');
  assert.equal(historyKeyword('/bin/sh -c #(nop) COPY file:7a37 in /app/ '), 'COPY');
  assert.equal(historyKeyword('|1 GREETING=hello /bin/sh -c echo two'), 'RUN');
  assert.equal(historyKeyword('/bin/sh -c echo hi && sleep 1'), 'RUN');
  assert.equal(historyKeyword('RUN /bin/sh -c echo two # buildkit'), 'RUN');
  assert.equal(historyKeyword('COPY a.txt /app/ # buildkit'), 'COPY');
  assert.equal(historyKeyword('WORKDIR /app'), 'WORKDIR');
});

test('docker problems are told apart from build failures, with what to do', () => {
  // Printed by the engines' CLIs here with the daemon stopped.
  const down = dockerProblemIn('ERROR: Cannot connect to the Docker daemon at unix:///tmp/ll-buildkit.sock. Is the docker daemon running?', {
    DOCKER_HOST: 'unix:///tmp/ll-buildkit.sock',
  });
  assert.equal(down?.kind, 'daemon');
  assert.match(down?.message ?? '', /DOCKER_HOST=unix:\/\/\/tmp\/ll-buildkit.sock/);
  assert.match(down?.message ?? '', /Start Docker/);
  const denied = dockerProblemIn(
    'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/_ping": dial unix /var/run/docker.sock: connect: permission denied',
    {},
  );
  assert.equal(denied?.kind, 'permission');
  assert.match(denied?.message ?? '', /docker" group/);
  assert.equal(
    dockerProblemIn(
      fixture('buildkit-plain-failing')
        .lines.map((l) => l.text)
        .join('\n'),
      {},
    ),
    undefined,
  );
  assert.equal(
    dockerProblemIn(
      fixture('classic-classic-failing')
        .lines.map((l) => l.text)
        .join('\n'),
      {},
    ),
    undefined,
  );
});

test('a FROM vertex named by another build (BuildKit shares vertices with the same digest) is left out, strict or not; any other misfit throws when strict', () => {
  // Seen in CI: the progress of this 4-instruction Dockerfile carried `[1/2] FROM ...`, the name a 2-instruction
  // Dockerfile with the same base had given the shared FROM vertex, on every retry of the build.
  const df = readInstructions('FROM localbase:1\nWORKDIR /demo\nCOPY app.txt ./\nRUN sleep 2 && cat app.txt > copy.txt\n');
  const vertices = [
    { name: '[1/2] FROM docker.io/library/localbase:1', outcome: 'cached' as const },
    { name: '[2/4] WORKDIR /demo', outcome: 'ran' as const, durationMs: 10 },
    { name: '[3/4] COPY app.txt ./', outcome: 'ran' as const, durationMs: 20 },
    { name: '[4/4] RUN sleep 2 && cat app.txt > copy.txt', outcome: 'ran' as const, durationMs: 2200 },
  ];
  const want = [
    [2, 'WORKDIR', 'ran', 10],
    [3, 'COPY', 'ran', 20],
    [4, 'RUN', 'ran', 2200],
  ];
  assert.deepEqual(
    buildkitSteps(vertices, df).map((s) => [s.line, s.keyword, s.outcome, s.durationMs]),
    want,
  );
  const foreign: string[] = [];
  const got = buildkitSteps(vertices, df, { strict: false, foreign });
  assert.deepEqual(
    got.map((s) => [s.line, s.keyword, s.outcome, s.durationMs]),
    want,
  );
  assert.equal(foreign.length, 1);
  assert.match(foreign[0], /FROM reported under another build's name: \[1\/2\] FROM docker\.io\/library\/localbase:1/);
  // A later step under another build's count is another build's step: strict throws (the oracle builds again).
  const later = [vertices[0], { name: '[2/2] WORKDIR /demo', outcome: 'ran' as const, durationMs: 10 }, ...vertices.slice(2)];
  assert.throws(() => buildkitSteps(later, df), ForeignBuildError);
  const left: string[] = [];
  assert.equal(buildkitSteps(later, df, { strict: false, foreign: left }).length, 2);
  assert.match(left[1], /engine says 2: \[2\/2\] WORKDIR \/demo/);
});

// ---------------------------------------------------------------------------------------------------------------
// What the engine finished (and keeps in its cache) when a build stops: recorded after a failed or cancelled build.

function finished(f: Fixture): number[] {
  const df = readInstructions(f.dockerfile);
  return f.progress === 'classic' ? classicFinished(f.lines, df) : buildkitFinished(steps(f), df);
}

for (const run of RUNS) {
  const engine = run.split('-')[0];
  test(`${run}: a failing RUN: FROM and the COPY before it finished, the RUN did not`, () => {
    assert.deepEqual(finished(fixture(`${run}-failing`)), [1, 2]);
  });

  test(`${run}: a build that succeeded finished every step it has`, () => {
    // Two-stage file: classic makes every instruction a step (FROM base at line 6 included); BuildKit's `FROM base`
    // continues stage 0 and is no op of its own.
    const want = engine === 'classic' ? [1, 2, 3, 4, 6, 7, 8, 9, 10, 11] : [1, 2, 3, 4, 9, 10, 11];
    for (const name of ['first', 'edited']) assert.deepEqual(finished(fixture(`${run}-${name}`)), want, name);
  });
}

/** Classic output as the engine prints it (see the classic fixtures), for the cases no fixture has. */
function classicLines(text: string): TimedLine[] {
  return text.split('\n').map((l, i) => ({ t: i * 10, text: l }));
}

const CLASSIC_DF = readInstructions('FROM localbase:1\nCOPY a.txt /\nRUN make\nRUN make install\n');

test('classic: a step is finished when its result image ID is printed; a cancelled RUN is not', () => {
  const head =
    'Step 1/4 : FROM localbase:1\n ---> 621f91b80114\nStep 2/4 : COPY a.txt /\n ---> 93046aff3b04\nStep 3/4 : RUN make\n ---> Running in 4d77172f279f\nbuilding';
  assert.deepEqual(classicFinished(classicLines(head), CLASSIC_DF), [1, 2], 'killed while the RUN ran');
  assert.deepEqual(
    classicFinished(classicLines(`${head}\nRemoving intermediate container 4d77172f279f\n ---> 1a2b3c4d5e6f`), CLASSIC_DF),
    [1, 2, 3],
    'killed after the RUN was committed, before step 4 started',
  );
  assert.deepEqual(
    classicFinished(classicLines(`${head}\nRemoving intermediate container 4d77172f279f`), CLASSIC_DF),
    [1, 2],
    'killed before the result was printed',
  );
  assert.deepEqual(
    classicFinished(classicLines(`${head}\n ---> 0123456789ab\nThe command '/bin/sh -c make' returned a non-zero code: 2`), CLASSIC_DF),
    [1, 2],
    'a RUN that prints an ID-like line and fails',
  );
  assert.deepEqual(
    classicFinished(
      classicLines('Step 1/4 : FROM localbase:1\n ---> 621f91b80114\nStep 2/4 : COPY a.txt /\n ---> Using cache\n ---> 93046aff3b04'),
      CLASSIC_DF,
    ),
    [1, 2],
    'a cached last step',
  );
  assert.deepEqual(
    classicFinished(classicLines('Step 1/4 : FROM nothing:here\npull access denied for nothing'), CLASSIC_DF),
    [],
    'the base image could not be had',
  );
  // The step outcomes agree: the committed RUN is no failure, the one that was running is.
  const killed = classicLines(`${head}\nRemoving intermediate container 4d77172f279f\n ---> 1a2b3c4d5e6f`);
  assert.equal(classicSteps(killed, CLASSIC_DF, { endMs: 1000, failed: true }).steps.find((s) => s.line === 3)?.outcome, 'ran');
  assert.equal(classicSteps(classicLines(head), CLASSIC_DF, { endMs: 1000, failed: true }).steps.find((s) => s.line === 3)?.outcome, 'error');
});

// Stage 0 `tools` (lines 1-3), stage 1 (lines 5-8) copies from it, stage 2 continues stage 1 (lines 10-11).
const BK_DF = readInstructions(
  'FROM localbase:1 AS tools\nCOPY b.txt /b\nRUN make tool\n\nFROM localbase:1 AS main\nCOPY a.txt /a\nRUN make\nCOPY --from=tools /tool /tool\n\nFROM main\nRUN make test\n',
);
const bk = (line: number, stage: number, keyword: string, outcome: ActualStep['outcome']): ActualStep => ({ line, stage, keyword, outcome, text: keyword });

test('BuildKit: steps of another stage that finished in parallel are kept; nothing at or after the failed step in its chain', () => {
  const got = buildkitFinished(
    [
      bk(1, 0, 'FROM', 'cached'),
      bk(2, 0, 'COPY', 'ran'),
      bk(3, 0, 'RUN', 'ran'),
      bk(6, 1, 'COPY', 'ran'),
      bk(7, 1, 'RUN', 'error'),
      bk(8, 1, 'COPY', 'incomplete'),
      bk(11, 2, 'RUN', 'incomplete'),
    ],
    BK_DF,
  );
  assert.deepEqual(got, [1, 2, 3, 5, 6], 'line 5 (FROM of stage main, one vertex shared with line 1) finished before line 6 could');
});

test('BuildKit: a step reported done after an unfinished one in its chain is not taken (not even in a stage built on it)', () => {
  const got = buildkitFinished(
    [
      bk(1, 0, 'FROM', 'ran'),
      bk(2, 0, 'COPY', 'canceled'),
      bk(3, 0, 'RUN', 'ran'),
      bk(5, 1, 'FROM', 'ran'),
      bk(6, 1, 'COPY', 'ran'),
      bk(7, 1, 'RUN', 'error'),
      bk(11, 2, 'RUN', 'cached'),
    ],
    BK_DF,
  );
  assert.deepEqual(got, [1, 5, 6]);
});

test('BuildKit: a cached step implies the steps it was built on, even those the engine did not report', () => {
  assert.deepEqual(buildkitFinished([bk(11, 2, 'RUN', 'cached')], BK_DF), [5, 6, 7, 8, 11], 'stage 2 continues stage main: all of it finished');
  assert.deepEqual(buildkitFinished([bk(7, 1, 'RUN', 'error')], BK_DF), []);
});

// ---------------------------------------------------------------------------------------------------------------
// Same-build reuse: BuildKit runs identical operations once per build and reports the vertex under one stage.

test('BuildKit: one vertex for the same step in several stages counts for each built stage, not for unbuilt ones', () => {
  // Captured on Engine 26.1.5 (test/oracle/fixtures/samebuild.*): stages a and b start FROM localbase:1 with the same
  // ENV/WORKDIR/RUN/COPY (b has an extra LABEL), c and d repeat `RUN echo fromA` on a; `unused` (FROM localbase:1,
  // WORKDIR /app) is not needed by the target d. The shared vertices were named `[b k/5]` and, for `RUN echo fromA`,
  // `[c 1/1]` in one build and `[d 1/3]` in the next.
  const fx = (n: string) => readFileSync(join(__dirname, '../../oracle/fixtures', n), 'utf8');
  const df = readInstructions(fx('samebuild.Dockerfile'));
  const brief = (list: ActualStep[]) =>
    list
      .slice()
      .sort((a, b) => a.line - b.line)
      .map((s) => `${s.line}${s.outcome === 'cached' ? '=' : 'R'}`)
      .join(' ');
  const cold = buildkitSteps(plainVertices(fx('samebuild.buildkit-cold.txt')), df);
  assert.equal(brief(cold), '1R 3R 4R 5R 6R 7R 10R 11R 12R 13R 17R 19R 20R 21R');
  // the time was spent once: only the line the vertex is reported for has it
  assert.equal(cold.find((s) => s.line === 4)?.durationMs, undefined);
  assert.ok((cold.find((s) => s.line === 11)?.durationMs ?? 0) > 0);
  // f.txt edited: a's WORKDIR and RUN stay cached with b's, the COPY of both ran
  const edit = buildkitSteps(plainVertices(fx('samebuild.buildkit-edit.txt')), df);
  assert.equal(brief(edit), '1R 3= 4= 5R 6R 7R 10= 11= 12R 13R 17R 19R 20R 21R');
  // Target `unused`: only it is built; a vertex named for it is not copied to the stages that are not built.
  const onlyUnused = buildkitSteps(
    [
      { name: '[unused 1/2] FROM docker.io/library/localbase:1', outcome: 'cached' },
      { name: '[unused 2/2] WORKDIR /app', outcome: 'cached' },
    ],
    df,
    { target: 'unused' },
  );
  assert.equal(brief(onlyUnused), '14= 15=');
});

test('BuildKit twins: the same text from the same start only; heredoc bodies, ENV and the base count, LABEL does not', () => {
  const twinsOf = (text: string, line: number, target?: string) => (buildkitTwins(readInstructions(text), target).get(line) ?? []).map((i) => i.line);
  // different ENV before the same RUN: two vertices (seen on Engine 26.1.5), not twins
  assert.deepEqual(twinsOf('FROM b AS a\nENV X=1\nRUN same\nFROM b AS c\nENV X=2\nRUN same\nCOPY --from=a /x /x\n', 3), []);
  // same ENV, a LABEL only in one stage (image config only): twins, and so are the FROM vertices
  assert.deepEqual(twinsOf('FROM b AS a\nENV X=1\nRUN same\nFROM b AS c\nLABEL l=1\nENV X=1\nRUN same\nCOPY --from=a /x /x\n', 3), [7]);
  assert.deepEqual(twinsOf('FROM b AS a\nRUN same\nFROM b AS c\nRUN same\nCOPY --from=a /x /x\n', 1), [3]);
  // another base image, or a FROM --platform: not twins
  assert.deepEqual(twinsOf('FROM b AS a\nRUN same\nFROM b2 AS c\nRUN same\nCOPY --from=a /x /x\n', 2), []);
  assert.deepEqual(twinsOf('FROM b AS a\nRUN same\nFROM --platform=linux/arm64 b AS c\nRUN same\nCOPY --from=a /x /x\n', 2), []);
  // two stages FROM the same stage
  assert.deepEqual(twinsOf('FROM b AS a\nRUN one\nFROM a AS c\nRUN two\nFROM a AS d\nRUN two\nCOPY --from=c /x /x\n', 6), [4]);
  // heredoc bodies differ: not twins; equal: twins
  const here = (x: string, y: string) => `FROM b AS a\nRUN <<EOF\necho ${x}\nEOF\nFROM b AS c\nRUN <<EOF\necho ${y}\nEOF\nCOPY --from=a /x /x\n`;
  assert.deepEqual(twinsOf(here('1', '2'), 2), []);
  assert.deepEqual(twinsOf(here('1', '1'), 2), [6]);
  // a stage the target does not need is not built: no twin there
  assert.deepEqual(twinsOf('FROM b AS a\nRUN same\nFROM b AS c\nRUN same\n', 2), []);
  assert.deepEqual(twinsOf('FROM b AS a\nRUN same\nFROM b AS c\nRUN same\nRUN --mount=from=a,target=/m true\n', 2), [4]);
  assert.deepEqual(twinsOf('FROM b AS a\nRUN same\nFROM b AS c\nRUN same\nCOPY --from=a /x /x\n', 2, 'a'), []);
});

test('BuildKit prints a JSON-form COPY as a Go string list: `COPY [a, b, ./]` is that COPY, a different list is not', () => {
  const df = readInstructions('FROM localbase:1 AS builder\nWORKDIR /app\nCOPY ["build.gradle", "gradlew", "./"]\nRUN ["echo", "x"]\n');
  // as Engine 26.1.5 printed GoogleCloudPlatform/microservices-demo's adservice COPY (the exec-form RUN keeps its JSON)
  const out = (copy: string) => `#5 [builder 3/4] ${copy}\n#5 DONE 0.1s\n\n#6 [builder 4/4] RUN ["echo", "x"]\n#6 CACHED\n`;
  assert.deepEqual(
    buildkitSteps(plainVertices(out('COPY [build.gradle, gradlew, ./]')), df).map((s) => `${s.line}${s.outcome}`),
    ['3ran', '4cached'],
  );
  assert.throws(() => buildkitSteps(plainVertices(out('COPY [build.gradle, other, ./]')), df), ForeignBuildError);
});

test('BuildKit pads the op number to the width of the total: `[build  4/13]` and `[ 4/13]` are op 4', () => {
  const body = Array.from({ length: 12 }, (_, i) => `RUN echo ${i + 2}`).join('\n');
  const named = readInstructions(`FROM localbase:1 AS build\n${body}\n`);
  const out = (prefix: string) =>
    `#9 [${prefix} 1/13] FROM docker.io/library/localbase:1\n#9 CACHED\n\n#12 [${prefix} 4/13] RUN echo 4\n#12 DONE 0.2s\n\n#13 [${prefix}10/13] RUN echo 10\n#13 CACHED\n`;
  // as Engine 26.1.5 printed vaultwarden's 13-op build stage
  assert.deepEqual(
    buildkitSteps(plainVertices(out('build ')), named).map((s) => `${s.line}${s.outcome}`),
    ['1cached', '4ran', '10cached'],
  );
  const single = readInstructions(`FROM localbase:1\n${body}\n`);
  assert.deepEqual(
    buildkitSteps(plainVertices(out('').replace(/\[ /g, '[ ')), single).map((s) => `${s.line}${s.outcome}`),
    ['1cached', '4ran', '10cached'],
  );
});

test('a FROM that names a stage through a global ARG default or an automatic platform ARG continues that stage (not counted as an op)', () => {
  // as in fluxcd/source-controller: `FROM go-${TARGETOS} AS build-base`, which BuildKit printed as [build-base 1/2] RUN ...
  const df = readInstructions(
    'ARG BASE=gostable\nFROM localbase:1 AS gostable\nFROM gostable AS go-linux\nFROM go-${TARGETOS} AS build-base\nRUN echo a\nCOPY a /\nFROM ${BASE}\nRUN echo b\nFROM other-$TARGETOS\nRUN echo c\n',
  );
  assert.deepEqual(
    df.stages.map((s) => s.base),
    ['localbase:1', 'gostable', 'go-linux', 'gostable', 'other-$targetos'],
  );
  assert.equal(buildkitOps(df, 2).total, 2);
  assert.equal(buildkitOps(df, 3).total, 1);
  assert.equal(buildkitOps(df, 4).total, 2); // an image, not a stage: its FROM counts
  const out = '#7 [build-base 1/2] RUN echo a\n#7 CACHED\n\n#8 [build-base 2/2] COPY a /\n#8 DONE 0.1s\n';
  assert.deepEqual(
    buildkitSteps(plainVertices(out), df).map((s) => `${s.line}${s.outcome}`),
    ['5cached', '6ran'],
  );
});

test("with --platform, a FROM through $TARGETARCH names the stage of the chosen platform, not the machine's", () => {
  const text = 'FROM localbase:1 AS base-amd64\nRUN echo amd\nFROM localbase:1 AS base-arm64\nRUN echo arm\nFROM base-${TARGETARCH}\nRUN echo c\n';
  const machine = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const other = machine === 'arm64' ? 'amd64' : 'arm64';
  assert.equal(readInstructions(text).stages[2].base, `base-${machine}`);
  assert.equal(readInstructions(text, `linux/${other}`).stages[2].base, `base-${other}`);
  assert.equal(readInstructions(text, `linux/${other}/v8`).stages[2].base, `base-${other}`);
});
