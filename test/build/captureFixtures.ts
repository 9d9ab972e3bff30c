// Captures real engine output for the progress parser tests (test/server/build/progress.test.ts):
//   node --import tsx test/build/captureFixtures.ts
// Needs the engines of scripts/engines (start.sh). Each fixture holds the Dockerfile, the raw output lines with
// their arrival times, the exit code and the image history, exactly as runBuild saw them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resetEngineCache, withEngineLock, type Engine } from '../oracle/engine';
import { runBuild, type CapturedBuild } from '../../server/src/build/runBuild';
import { engineRun } from './engines';

const DOCKERFILE = `FROM localbase:1 AS base
WORKDIR /app
COPY a.txt /app/
RUN echo hi && sleep 1

FROM base
ARG GREETING=hello
ENV X=1
COPY b.txt /app/
RUN echo "$GREETING" > /app/greeting && sleep 1
RUN echo two
`;
const FAILING = `FROM localbase:1
COPY a.txt /
RUN echo about to fail && exit 3
`;

async function capture(engine: Engine, progress: 'rawjson' | 'plain' | undefined, name: string, dir: string, dockerfile = 'Dockerfile'): Promise<void> {
  let raw: CapturedBuild | undefined;
  await runBuild(
    { builder: engine, dockerfile: join(dir, dockerfile), contextDir: dir, buildArgs: {} },
    { ...engineRun(engine), ...(progress ? { progress } : {}), capture: (c) => (raw = c) },
  );
  if (!raw) throw new Error(`${name}: nothing captured`);
  const { command, lines, stderr, code, ms, history } = raw;
  const fixture = {
    engine,
    progress: progress ?? 'classic',
    dockerfile: DOCKERFILE_TEXT.get(dockerfile),
    code,
    ms,
    lines: progress === 'rawjson' ? [] : lines,
    ...(progress === 'rawjson' ? { stderr } : {}),
    ...(history !== undefined ? { history } : {}),
    command: command.map((a) => a.replace(dir, '<context>')),
  };
  writeFileSync(join(__dirname, '..', 'fixtures', 'build-output', `${name}.json`), JSON.stringify(fixture, null, 1) + '\n');
  console.log(`${name}: exit ${code}, ${lines.length} lines, ${ms} ms`);
}

const DOCKERFILE_TEXT = new Map([
  ['Dockerfile', DOCKERFILE],
  ['Failing.Dockerfile', FAILING],
]);

async function main(): Promise<void> {
  mkdirSync(join(__dirname, '..', 'fixtures', 'build-output'), { recursive: true });
  for (const engine of ['classic', 'buildkit'] as const) {
    await withEngineLock(engine, async () => {
      for (const progress of engine === 'classic' ? [undefined] : (['rawjson', 'plain'] as const)) {
        await resetEngineCache(engine);
        const dir = mkdtempSync(join(tmpdir(), `ll-capture-${engine}-`));
        try {
          for (const [f, t] of DOCKERFILE_TEXT) writeFileSync(join(dir, f), t);
          writeFileSync(join(dir, 'a.txt'), 'a\n');
          writeFileSync(join(dir, 'b.txt'), 'b\n');
          const tag = `${engine}-${progress ?? 'classic'}`;
          await capture(engine, progress, `${tag}-first`, dir);
          writeFileSync(join(dir, 'b.txt'), 'b changed\n');
          await capture(engine, progress, `${tag}-edited`, dir);
          await capture(engine, progress, `${tag}-failing`, dir, 'Failing.Dockerfile');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  }
}

void main();
