// A real `docker compose build` of a tiny compose project on the BuildKit engine, compared step by step with the
// plan Layer Lens makes from the configuration it discovers (`layerlens plan --compose api`): the service's
// context (the project folder, not the Dockerfile's), its target (the `dev` stage after it is not built) and its
// build arg. The base image is the oracle's local stand-in (no network). Round 1 builds and records; round 2 changes
// a file only the target stage copies and compares each step's verdict with what compose's build did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, planJson, recordBuild } from './compare';
import { docker, engineProblem, parseBuildkitOutput, readDockerfile, toolsDir, wantedEngines, withEngineLock } from './engine';

const SKIP = process.env.LAYERLENS_SKIP_ORACLE === '1';

const dockerfile = [
  'FROM localbase:1 AS base',
  'WORKDIR /app',
  'COPY package.json ./',
  'RUN cat package.json > /app/installed',
  '',
  'FROM base AS prod',
  'ARG GREETING',
  'COPY src ./src',
  'RUN echo "$GREETING" > /app/greeting && cat src/index.js >> /app/greeting',
  '',
  'FROM base AS dev',
  'RUN echo dev > /app/dev',
  '',
].join('\n');
const compose = [
  'services:',
  '  api:',
  '    build:',
  '      context: .',
  '      dockerfile: docker/api.Dockerfile',
  '      target: prod',
  '      args:',
  '        GREETING: hello',
  '    image: ll-compose-oracle:api',
  '',
].join('\n');

void test(
  'docker compose build of a service equals the plan made with its discovered configuration (BuildKit)',
  { skip: SKIP || !wantedEngines().includes('buildkit') ? 'the BuildKit engine is not wanted here' : false },
  async (t) => {
    if (!existsSync(join(toolsDir(), 'docker-config', 'cli-plugins', 'docker-compose')))
      return t.skip('the compose plugin is not installed (scripts/engines/setup.sh)');
    const problem = await engineProblem('buildkit');
    if (problem) return t.skip(problem);
    const dir = mkdtempSync(join(tmpdir(), 'll-compose-build-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const project = join(dir, 'project');
    mkdirSync(join(project, 'docker'), { recursive: true });
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'docker', 'api.Dockerfile'), dockerfile);
    writeFileSync(join(project, 'compose.yaml'), compose);
    writeFileSync(join(project, 'package.json'), `{"name":"api","nonce":"${Date.now()}"}\n`);
    writeFileSync(join(project, 'src', 'index.js'), 'console.log(1)\n');
    const store = join(dir, 'store.json');
    const env = cliEnv(join(dir, 'digests.json'));
    const cliArgs = ['--compose', 'api', '--workspace', project, '--store', store, '--builder', 'buildkit'];
    const df = readDockerfile(readFileSync(join(project, 'docker', 'api.Dockerfile'), 'utf8'));
    const build = async () => {
      const r = await docker('buildkit', ['compose', '--progress', 'plain', 'build', 'api'], {
        cwd: project,
        env: { COMPOSE_PROJECT_NAME: 'llcomposeoracle' },
        timeoutMs: 120_000,
      });
      assert.equal(r.code, 0, `docker compose build failed:\n${r.output.split('\n').slice(-30).join('\n')}`);
      // compose names each vertex after the service too (`[api base 2/4]`): without it, it reads as buildx's.
      return parseBuildkitOutput(r.output.replace(/^(#\d+ \[)api (?=\S)/gm, '$1'), df, 'prod');
    };
    await withEngineLock('buildkit', async () => {
      const first = await build();
      // the nonce in package.json makes round 1 run the steps that read the context
      assert.ok(
        first.some((s) => !s.cached),
        'round 1 ran something',
      );
      await recordBuild(cliArgs, env);
      writeFileSync(join(project, 'src', 'index.js'), 'console.log(2)\n');
      const plan = await planJson(cliArgs, env);
      const second = await build();
      // FROM lines are not compared, as in the scenario oracle: BuildKit's FROM CACHED/DONE is unreliable (R5).
      const verdicts = second
        .filter((s) => s.keyword !== 'FROM')
        .map((s) => {
          const ours = plan.steps.find((p) => p.line === s.line);
          return { line: s.line, keyword: s.keyword, engine: s.cached ? 'cached' : 'rebuilds', ours: ours?.status ?? 'missing' };
        });
      const wrong = verdicts.filter((v) => v.ours !== v.engine);
      t.diagnostic(`compose build vs plan: ${verdicts.map((v) => `${v.line} ${v.keyword} ${v.engine}/${v.ours}`).join(', ')}`);
      assert.deepEqual(wrong, [], 'every step compose built has the verdict the plan gave it');
      // COPY src and the RUN after it rebuild; the base stage is cached; dev (after the target) is neither built nor planned
      assert.deepEqual(
        verdicts.filter((v) => v.engine === 'rebuilds').map((v) => v.line),
        [8, 9],
      );
      assert.deepEqual(
        verdicts.map((v) => v.line).sort((x, y) => x - y),
        [2, 3, 4, 8, 9],
        'the steps compose built: base and prod, not dev',
      );
      assert.deepEqual(
        plan.steps.filter((p) => p.line >= 11).map((p) => p.status),
        ['skipped', 'skipped'],
      );
    });
  },
);
