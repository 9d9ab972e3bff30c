// A real `docker compose build` (and `docker buildx bake`) of a tiny compose project on the BuildKit engine, compared step by step with the
// plan Layer Lens makes from the configuration it discovers (`layerlens plan --compose api`): the service's
// context (the project folder, not the Dockerfile's), its target (the `dev` stage after it is not built) and its
// build arg. The base image is the oracle's local stand-in (no network). Round 1 builds and records; round 2 changes
// a file only the target stage copies and compares each step's verdict with what compose's build did.
// A second service reads a named context (`additional_contexts: shared: ../shared`, outside the project folder) with
// `COPY --from=shared`, where the Dockerfile also has a stage named `shared`: the build succeeds only if the named
// context wins over the stage (cache-rules R27); a file the named folder's own .dockerignore excludes changes nothing,
// a copied file rebuilds the COPY that reads it and what follows.
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

// The same project built by `docker compose build api` and by `docker buildx bake api` (a docker-bake.json target with
// the same context, dockerfile, target and arg), each compared with the plan of its own discovered configuration.
const bake = JSON.stringify(
  {
    target: {
      api: { context: '.', dockerfile: 'docker/api.Dockerfile', target: 'prod', args: { GREETING: 'hello' }, tags: ['ll-bake-oracle:api'] },
    },
  },
  null,
  2,
);
const drivers = [
  {
    name: 'docker compose build of a service',
    plugin: 'docker-compose',
    cliArgs: ['--compose', 'api'],
    command: ['compose', '--progress', 'plain', 'build', 'api'],
  },
  {
    name: 'docker buildx bake of a target',
    plugin: 'docker-buildx',
    cliArgs: ['--bake', 'api'],
    command: ['buildx', 'bake', '--progress', 'plain', '-f', 'docker-bake.json', 'api'],
  },
];

for (const driver of drivers)
  void test(
    `${driver.name} equals the plan made with its discovered configuration (BuildKit)`,
    { skip: SKIP || !wantedEngines().includes('buildkit') ? 'the BuildKit engine is not wanted here' : false },
    async (t) => {
      if (!existsSync(join(toolsDir(), 'docker-config', 'cli-plugins', driver.plugin)))
        return t.skip(`the ${driver.plugin} plugin is not installed (scripts/engines/setup.sh)`);
      const problem = await engineProblem('buildkit');
      if (problem) return t.skip(problem);
      const dir = mkdtempSync(join(tmpdir(), 'll-config-build-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const project = join(dir, 'project');
      mkdirSync(join(project, 'docker'), { recursive: true });
      mkdirSync(join(project, 'src'));
      writeFileSync(join(project, 'docker', 'api.Dockerfile'), dockerfile);
      writeFileSync(join(project, 'compose.yaml'), compose);
      writeFileSync(join(project, 'docker-bake.json'), bake);
      writeFileSync(join(project, 'package.json'), `{"name":"api","nonce":"${Date.now()}"}\n`);
      writeFileSync(join(project, 'src', 'index.js'), 'console.log(1)\n');
      const store = join(dir, 'store.json');
      const env = cliEnv(join(dir, 'digests.json'));
      const cliArgs = [...driver.cliArgs, '--workspace', project, '--store', store, '--builder', 'buildkit'];
      const df = readDockerfile(readFileSync(join(project, 'docker', 'api.Dockerfile'), 'utf8'));
      const build = async () => {
        const r = await docker('buildkit', driver.command, {
          cwd: project,
          env: { COMPOSE_PROJECT_NAME: 'llcomposeoracle' },
          timeoutMs: 120_000,
        });
        assert.equal(r.code, 0, `docker ${driver.command.join(' ')} failed:\n${r.output.split('\n').slice(-30).join('\n')}`);
        // compose and bake name each vertex after the service or target too (`[api base 2/4]`): without it, it reads
        // as buildx's.
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
        writeFileSync(join(project, 'src', 'index.js'), `console.log(${Date.now()})\n`);
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
        t.diagnostic(`${driver.command.slice(0, 2).join(' ')} vs plan: ${verdicts.map((v) => `${v.line} ${v.keyword} ${v.engine}/${v.ours}`).join(', ')}`);
        assert.deepEqual(wrong, [], 'every step the build ran has the verdict the plan gave it');
        // COPY src and the RUN after it rebuild; the base stage is cached; dev (after the target) is neither built nor planned
        assert.deepEqual(
          verdicts.filter((v) => v.engine === 'rebuilds').map((v) => v.line),
          [8, 9],
        );
        assert.deepEqual(
          verdicts.map((v) => v.line).sort((x, y) => x - y),
          [2, 3, 4, 8, 9],
          'the steps the build ran: base and prod, not dev',
        );
        assert.deepEqual(
          plan.steps.filter((p) => p.line >= 11).map((p) => p.status),
          ['skipped', 'skipped'],
        );
      });
    },
  );

const webDockerfile = [
  'FROM localbase:1 AS shared',
  'RUN echo stage > /stage.txt',
  '',
  'FROM localbase:1',
  'WORKDIR /app',
  'COPY --from=shared util.js ./',
  'RUN cat util.js > /app/out',
  'COPY --from=shared lib ./lib',
  'RUN ls lib > /app/lib.txt',
  '',
].join('\n');
const webCompose = [
  'services:',
  '  web:',
  '    build:',
  '      context: .',
  '      additional_contexts:',
  '        shared: ../shared',
  '    image: ll-compose-oracle:web',
  '',
].join('\n');

void test(
  'docker compose build with additional_contexts equals the plan: COPY --from=NAME reads the named folder (BuildKit)',
  { skip: SKIP || !wantedEngines().includes('buildkit') ? 'the BuildKit engine is not wanted here' : false },
  async (t) => {
    if (!existsSync(join(toolsDir(), 'docker-config', 'cli-plugins', 'docker-compose')))
      return t.skip('the compose plugin is not installed (scripts/engines/setup.sh)');
    const problem = await engineProblem('buildkit');
    if (problem) return t.skip(problem);
    const dir = mkdtempSync(join(tmpdir(), 'll-compose-named-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const project = join(dir, 'project');
    const shared = join(dir, 'shared');
    mkdirSync(project, { recursive: true });
    mkdirSync(join(shared, 'lib'), { recursive: true });
    writeFileSync(join(project, 'Dockerfile'), webDockerfile);
    writeFileSync(join(project, 'compose.yaml'), webCompose);
    writeFileSync(join(shared, 'util.js'), `// ${Date.now()}\n`);
    writeFileSync(join(shared, 'lib', 'a.js'), 'a\n');
    writeFileSync(join(shared, 'debug.log'), 'one\n');
    writeFileSync(join(shared, '.dockerignore'), '*.log\n');
    const store = join(dir, 'store.json');
    const env = cliEnv(join(dir, 'digests.json'));
    const cliArgs = ['--compose', 'web', '--workspace', project, '--store', store, '--builder', 'buildkit'];
    const df = readDockerfile(webDockerfile);
    const build = async () => {
      const r = await docker('buildkit', ['compose', '--progress', 'plain', 'build', 'web'], {
        cwd: project,
        env: { COMPOSE_PROJECT_NAME: 'llcomposenamed' },
        timeoutMs: 120_000,
      });
      assert.equal(r.code, 0, `docker compose build failed:\n${r.output.split('\n').slice(-30).join('\n')}`);
      return { steps: parseBuildkitOutput(r.output.replace(/^(#\d+ \[)web (?=\S)/gm, '$1'), df), output: r.output };
    };
    const compare = async (round: string, change: () => void) => {
      change();
      const plan = await planJson(cliArgs, env);
      const { steps } = await build();
      const verdicts = steps
        .filter((s) => s.keyword !== 'FROM')
        .map((s) => {
          const ours = plan.steps.find((p) => p.line === s.line);
          return { line: s.line, keyword: s.keyword, engine: s.cached ? 'cached' : 'rebuilds', ours: ours?.status ?? 'missing', reason: ours?.reason ?? '' };
        });
      t.diagnostic(`${round}: compose build vs plan: ${verdicts.map((v) => `${v.line} ${v.keyword} ${v.engine}/${v.ours}`).join(', ')}`);
      assert.deepEqual(
        verdicts.filter((v) => v.ours !== v.engine),
        [],
        `${round}: every step compose built has the verdict the plan gave it`,
      );
      // The stage named like the context is neither built nor planned.
      assert.deepEqual(
        plan.steps.filter((p) => p.line <= 2).map((p) => p.status),
        ['skipped', 'skipped'],
      );
      return { verdicts, plan };
    };
    await withEngineLock('buildkit', async () => {
      const first = await build();
      assert.ok(
        first.steps.some((s) => !s.cached),
        'round 1 ran something',
      );
      assert.ok(!first.steps.some((s) => s.line === 2), 'the stage named shared is not built: the named context replaces it');
      await recordBuild(cliArgs, env);
      // Round 2: only a file the named folder's .dockerignore excludes changed: everything cached.
      const ignored = await compare('ignored file', () => writeFileSync(join(shared, 'debug.log'), 'two\n'));
      assert.deepEqual(
        ignored.verdicts.filter((v) => v.engine === 'rebuilds'),
        [],
      );
      assert.deepEqual(
        ignored.verdicts.map((v) => v.line).sort((x, y) => x - y),
        [5, 6, 7, 8, 9],
      );
      await recordBuild(cliArgs, env);
      // Round 3: a file of lib/ changed: its COPY and the RUN after it rebuild, the COPY of util.js stays cached.
      const lib = await compare('lib/a.js changed', () => writeFileSync(join(shared, 'lib', 'a.js'), 'b\n'));
      assert.deepEqual(
        lib.verdicts.filter((v) => v.engine === 'rebuilds').map((v) => v.line),
        [8, 9],
      );
      assert.equal(lib.plan.steps.find((p) => p.line === 8)?.reason, 'shared/lib/a.js changed');
    });
  },
);
