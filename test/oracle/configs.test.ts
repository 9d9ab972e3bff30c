// Discovery against Docker's own tools: for every compose fixture, what `docker compose config --format json`
// resolves (context, dockerfile, target, args, platforms, additional contexts) equals what discovery found; for the
// Bake JSON fixture, the same against `docker buildx bake --print`. Neither needs a daemon: only the compose and
// buildx plugins that scripts/engines/setup.sh downloads. Where discovery says "unknown" (an unset variable), it
// never guesses, while the tools use an empty value: those are checked to be exactly the ones the tools left empty
// or dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { discoverConfigs } from '../../server/src/configs/discover';
import type { BuildConfig } from '../../server/src/configs/types';
import { engineDockerCli, toolsDir } from './engine';

const fixtures = join(__dirname, '..', 'fixtures', 'configs');
const dockerCli = engineDockerCli('buildkit');
const plugins = join(toolsDir(), 'docker-config', 'cli-plugins');

/** The tool's JSON, run with no variables from this process (as discovery is given none). */
function tool(args: string[], cwd: string, extra: Record<string, string> = {}): unknown {
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    DOCKER_CONFIG: join(toolsDir(), 'docker-config'),
    DOCKER_CLI_HINTS: 'false',
    ...extra,
  };
  const r = spawnSync(dockerCli, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `docker ${args.join(' ')} in ${cwd}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function missing(plugin: string): string | undefined {
  if (!existsSync(dockerCli)) return `${dockerCli} is not installed (scripts/engines/setup.sh)`;
  if (!existsSync(join(plugins, `docker-${plugin}`))) return `the ${plugin} plugin is not in ${plugins} (scripts/engines/setup.sh)`;
  return undefined;
}

interface ToolBuild {
  context?: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  target?: string;
  args?: Record<string, string | null>;
  platforms?: string[];
  additional_contexts?: Record<string, string>;
}

/** Compose's JSON writes a `$` of a value as `$$`. */
const unescape = (v: string): string => v.replace(/\$\$/g, '$');

function compareCompose(ours: BuildConfig, build: ToolBuild, where: string): void {
  if (ours.remoteContext !== undefined) {
    assert.equal(ours.remoteContext, build.context, `${where}: remote context`);
    return;
  }
  if (ours.unresolved.some((u) => u.startsWith('context:'))) {
    // compose used an empty value for the unset variable; discovery refuses to guess
    assert.ok(build.context !== undefined, `${where}: the tool resolved some context`);
    return;
  }
  assert.equal(ours.context, build.context, `${where}: context`);
  if (build.dockerfile_inline !== undefined) assert.equal(ours.inline, true, `${where}: inline Dockerfile`);
  else assert.equal(ours.dockerfile, resolve(build.context as string, build.dockerfile ?? 'Dockerfile'), `${where}: dockerfile`);
  assert.equal(ours.target, build.target, `${where}: target`);
  const theirs: Record<string, string> = {};
  for (const [k, v] of Object.entries(build.args ?? {})) if (v !== null) theirs[k] = unescape(v);
  const known = { ...ours.args };
  for (const k of Object.keys(ours.unresolvedArgs)) {
    // unknown to discovery: compose dropped it (a bare name not set anywhere) or left it empty
    assert.ok(!(k in theirs) || theirs[k] === '', `${where}: arg ${k} is unresolved here but compose has "${theirs[k]}"`);
    delete theirs[k];
  }
  assert.deepEqual(known, theirs, `${where}: args`);
  assert.deepEqual(ours.platforms ?? (ours.platform ? [ours.platform] : []), build.platforms ?? [], `${where}: platforms`);
  assert.deepEqual(ours.namedContexts, build.additional_contexts ?? {}, `${where}: additional contexts`);
}

// compose-env: COMPOSE_FILE, COMPOSE_PROFILES and a `${COMPOSE_PROJECT_NAME}` arg from .env and `name`, then from the
// environment (which wins), then COMPOSE_FILE with another COMPOSE_PATH_SEPARATOR.
const composeRuns: Array<[string, string, Record<string, string>, string[]?]> = [
  ['compose-app', '.', {}],
  ['compose-parent', 'deploy', {}],
  ['devcontainer-compose', '.', {}],
  ['compose-env', '.', {}],
  ['compose-env', '.', { COMPOSE_PROFILES: 'debug,tools', COMPOSE_PROJECT_NAME: 'other_name' }],
  ['compose-env', '.', { COMPOSE_FILE: 'compose.yaml;deploy/extra.yaml', COMPOSE_PATH_SEPARATOR: ';' }],
  ['compose-env', '.', {}, ['release.env']],
  // real projects' files, copied unchanged (test/fixtures/configs/REAL.md says from where)
  ['real-otel-demo', '.', {}],
  ['real-otel-demo', '.', { COMPOSE_FILE: 'compose.yaml:compose.full.yaml:compose.observability.yaml:compose.extras.yaml' }],
  ['real-voting-app', '.', {}],
  ['real-voting-app', '.', { COMPOSE_PROFILES: 'seed' }],
];
for (const [fixture, projectDir, env, envFiles] of composeRuns) {
  const how = [...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...(envFiles ?? []).map((f) => `--env-file ${f}`)].join(' ');
  test(`compose fixture ${fixture}${how ? ` with ${how}` : ''}: discovery equals docker compose config`, async (t) => {
    const why = missing('compose');
    if (why) return t.skip(why);
    const root = join(fixtures, fixture);
    const config = tool(['compose', ...(envFiles ?? []).flatMap((f) => ['--env-file', f]), 'config', '--format', 'json'], join(root, projectDir), env) as {
      services: Record<string, { build?: ToolBuild; platform?: string }>;
    };
    const d = await discoverConfigs({
      root,
      env: (n) => (Object.hasOwn(env, n) ? env[n] : undefined),
      ...(envFiles ? { composeEnvFiles: envFiles.map((f) => join(root, f)) } : {}),
    });
    // a service whose profiles are all inactive is listed by discovery (said to be inactive), left out by compose
    const compose = d.configs.filter((c) => c.kind === 'compose' && !c.inactive);
    const built = Object.entries(config.services).filter(([, s]) => s.build);
    // compose's own file only: an included project's services are in its output too
    assert.deepEqual(compose.map((c) => c.source.name).sort(), built.map(([n]) => n).sort(), 'the services that build');
    for (const [name, s] of built) {
      const ours = compose.find((c) => c.source.name === name) as BuildConfig;
      // a service-level `platform` is the build's platform when `build.platforms` is not given
      const build = { ...s.build, ...(!s.build?.platforms && s.platform ? { platforms: [s.platform] } : {}) };
      compareCompose(ours, build, `${fixture}/${name}`);
    }
    t.diagnostic(`${built.length} services that build compared: ${built.map(([n]) => n).join(', ')}`);
  });
}

test('Bake JSON fixture: discovery equals docker buildx bake --print (context, dockerfile, target, args through inherits, platforms)', async (t) => {
  const why = missing('buildx');
  if (why) return t.skip(why);
  const root = join(fixtures, 'bake-json');
  const printed = tool(['buildx', 'bake', '--print', 'app', 'tests', 'base'], root) as { target: Record<string, ToolBuild & { dockerfile?: string }> };
  const d = await discoverConfigs({ root, env: () => undefined });
  for (const [name, b] of Object.entries(printed.target)) {
    const ours = d.configs.find((c) => c.kind === 'bake' && c.source.name === name) as BuildConfig;
    assert.ok(ours, `target ${name} discovered`);
    const context = resolve(root, b.context ?? '.');
    assert.equal(ours.context, context, `${name}: context`);
    assert.equal(ours.dockerfile, resolve(context, b.dockerfile ?? 'Dockerfile'), `${name}: dockerfile`);
    assert.equal(ours.target, b.target, `${name}: target`);
    const theirs: Record<string, string> = {};
    for (const [k, v] of Object.entries(b.args ?? {})) if (v !== null) theirs[k] = v;
    for (const k of Object.keys(ours.unresolvedArgs)) {
      assert.equal(theirs[k], '', `${name}: ${k} is unresolved here (a variable with no default); buildx makes it empty`);
      delete theirs[k];
    }
    assert.deepEqual(ours.args, theirs, `${name}: args`);
    assert.deepEqual(ours.platforms ?? (ours.platform ? [ours.platform] : []), b.platforms ?? [], `${name}: platforms`);
  }
});
