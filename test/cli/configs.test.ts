// `layerlens configs` and `plan --compose/--bake/--devcontainer`, through the real bundle, on the
// fixture projects of test/fixtures/configs.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
const fixtures = join(root, 'test', 'fixtures', 'configs');
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-cli-configs-'));
});

function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  // No variable of the test's own environment leaks into ${VAR}: only PATH and what the test sets.
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), LAYERLENS_STORE: join(work, 'store.json'), NO_COLOR: '1', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('configs: a table of every configuration with its source, the unresolved values and the problems', () => {
  const r = cli(['configs'], join(fixtures, 'compose-app'));
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0], /^KIND\s+NAME\s+DOCKERFILE\s+CONTEXT\s+TARGET\s+PLATFORM\s+SOURCE$/);
  assert.match(lines[1], /^compose\s+api\s+docker\/api\.Dockerfile\s+\.\s+prod\s+linux\/arm64\s+compose\.yaml:10$/);
  assert.match(r.out, /^compose\s+worker\s+common\/worker\/Dockerfile\.worker\s+common\/worker\s+runtime\s+-\s+compose\.yaml:31$/m);
  assert.match(r.out, /^compose\s+tool\s+tools\/Dockerfile\s+tools\s+-\s+-\s+tools\/compose\.yaml:3$/m);
  assert.match(r.out, /compose:api \(target prod\): arg GIT_SHA unresolved: not set in the environment or \.env/);
  assert.match(r.out, /compose:unset: unresolved context: depends on APP_DIR/);
  const hcl = cli(['configs', join(fixtures, 'bake-hcl')], work, { LAYERLENS_NO_BAKE_PRINT: '1' });
  assert.equal(hcl.code, 0, hcl.err);
  assert.match(hcl.out, /No compose, Bake, devcontainer or workflow configuration builds a Dockerfile here\./);
  assert.match(hcl.out, /docker-bake\.hcl: unresolved: needs docker buildx/);
});

test('configs --json: the discovered values, absolute paths, groups and problems', () => {
  const dir = join(fixtures, 'bake-json');
  const r = cli(['configs', '--json', dir], work);
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.deepEqual(Object.keys(out), ['root', 'configs', 'groups', 'problems']);
  const app = out.configs.find((c: { source: { name: string } }) => c.source.name === 'app');
  assert.equal(app.dockerfile, join(dir, 'app', 'app.Dockerfile'));
  assert.equal(app.context, join(dir, 'app'));
  assert.deepEqual(app.args, { BASE_IMAGE: 'node:20', TAG: 'latest', MODE: 'production' });
  assert.deepEqual(out.groups, [{ file: 'docker-bake.json', name: 'default', targets: ['app', 'tests'] }]);
  // The environment overrides a Bake variable, as with docker buildx bake.
  const tagged = JSON.parse(cli(['configs', '--json', dir], work, { TAG: 'v9' }).out);
  assert.equal(tagged.configs.find((c: { source: { name: string } }) => c.source.name === 'app').args.TAG, 'v9');
});

test("plan --compose SERVICE: the service's Dockerfile, context, target and args; --json carries the configuration", () => {
  const r = cli(['plan', '--compose', 'api', '--json'], join(fixtures, 'compose-app'));
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.deepEqual(
    out.steps.map((s: { line: number; stage: string }) => [s.line, s.stage]),
    [
      [1, 'prod'],
      [2, 'prod'],
      [3, 'prod'],
    ],
  );
  assert.equal(out.config.source.name, 'api');
  assert.equal(out.config.target, 'prod');
  assert.match(
    r.err,
    /Configuration compose:api \(target prod\) from compose\.yaml:10: Dockerfile docker\/api\.Dockerfile, context \., platform linux\/arm64\./,
  );
  assert.match(r.err, /build arg GIT_SHA is unresolved/);
});

test('plan --compose: an unknown service lists the known ones (exit 2); one that cannot be planned says why (exit 1)', () => {
  const dir = join(fixtures, 'compose-app');
  const unknown = cli(['plan', '--compose', 'nope'], dir);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /No compose service "nope" builds a Dockerfile in .*compose-app\. Known: api, web, worker, inline, remote, unset, tool\./);
  const inline = cli(['plan', '--compose', 'inline'], dir);
  assert.equal(inline.code, 1);
  assert.match(inline.err, /compose:inline \(compose\.yaml:37\) cannot be planned: the Dockerfile is written inline/);
  const remote = cli(['plan', '--compose', 'remote'], dir);
  assert.equal(remote.code, 1);
  assert.match(remote.err, /remote: not planned/);
  const both = cli(['plan', 'Dockerfile', '--compose', 'api'], dir);
  assert.equal(both.code, 2);
  assert.match(both.err, /"Dockerfile" is not the Dockerfile compose:api .* builds .*: leave it out, --compose, --bake and --devcontainer name the Dockerfile/);
  // naming the very Dockerfile the service builds is fine: the same plan as without it
  const same = cli(['plan', 'docker/api.Dockerfile', '--compose', 'api', '--json'], dir);
  const without = cli(['plan', '--compose', 'api', '--json'], dir);
  assert.equal(same.code, without.code);
  assert.equal(same.out, without.out);
  assert.ok(same.out.includes('"steps"'), same.err);
  const two = cli(['plan', '--compose', 'api', '--bake', 'app'], dir);
  assert.equal(two.code, 2);
  assert.match(two.err, /Give one of --compose, --bake and --devcontainer/);
});

test('plan --bake TARGET with --workspace; a group of several targets is refused with their names', () => {
  const dir = join(fixtures, 'bake-json');
  const r = cli(['plan', '--bake', 'app', '--workspace', dir, '--json'], work);
  assert.equal(r.code, 0, r.err);
  const steps = JSON.parse(r.out).steps;
  // target runtime: the test stage is not built.
  assert.deepEqual(
    steps.map((s: { stage: string; status: string }) => [s.stage, s.status]),
    [
      ['runtime', 'rebuilds'],
      ['test', 'skipped'],
    ],
  );
  const group = cli(['plan', '--bake', 'default', '--workspace', dir], work);
  assert.equal(group.code, 2);
  assert.match(group.err, /Bake group "default" builds 2 targets \(app, tests\): name one of them\./);
});

test('plan --devcontainer: the only one, or the one named; several without a path is a usage error', () => {
  const dir = join(fixtures, 'devcontainer');
  const several = cli(['plan', '--devcontainer'], dir);
  assert.equal(several.code, 2);
  assert.match(
    several.err,
    /Several devcontainer\.json files build a Dockerfile: name one with --devcontainer PATH\. Known: \.devcontainer\/devcontainer\.json, \.devcontainer\/python\/devcontainer\.json\./,
  );
  const named = cli(['plan', '--devcontainer', '.devcontainer/devcontainer.json', '--json'], dir);
  assert.equal(named.code, 0, named.err);
  const out = JSON.parse(named.out);
  assert.equal(out.config.target, 'dev');
  assert.equal(out.config.context, dir);
  const py = cli(['plan', '--devcontainer', '.devcontainer/python'], dir);
  assert.equal(py.code, 0, py.err);
  assert.match(py.out, /FROM python:3\.12/);
});

test('an unresolved build arg: the steps whose key depends on it are maybe, the others keep their verdict', () => {
  const dir = join(work, 'unresolved');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  app:\n    build:\n      context: .\n      args:\n        - GIT_SHA\n');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM alpine\nRUN echo one\nARG GIT_SHA\nRUN echo $GIT_SHA\nRUN echo two\n');
  const store = join(work, 'unresolved-store.json');
  // Recorded with the value set, as a build in a shell that has it would be.
  const rec = cli(['record', '--compose', 'app', '--store', store], dir, { GIT_SHA: 'abc' });
  assert.equal(rec.code, 0, rec.err);
  const known = JSON.parse(cli(['plan', '--compose', 'app', '--store', store, '--json'], dir, { GIT_SHA: 'abc' }).out);
  assert.deepEqual(
    known.steps.map((s: { status: string }) => s.status),
    ['cached', 'cached', 'none', 'cached', 'cached'],
  );
  const r = cli(['plan', '--compose', 'app', '--store', store, '--json'], dir);
  assert.equal(r.code, 0, r.err);
  const steps = JSON.parse(r.out).steps;
  assert.deepEqual(
    steps.map((s: { status: string }) => s.status),
    ['cached', 'cached', 'none', 'maybe', 'maybe'],
  );
  assert.equal(steps[3].reason, 'depends on build arg GIT_SHA, unknown here (not set in the environment or .env)');
  // A value given on the command line resolves it.
  const given = JSON.parse(cli(['plan', '--compose', 'app', '--store', store, '--json', '--build-arg', 'GIT_SHA=abc'], dir).out);
  assert.deepEqual(
    given.steps.map((s: { status: string }) => s.status),
    ['cached', 'cached', 'none', 'cached', 'cached'],
  );
});

test("check --compose SERVICE: the service's Dockerfile over its context (here the folder above the compose file)", () => {
  const dir = join(work, 'check');
  mkdirSync(join(dir, 'deploy'), { recursive: true });
  mkdirSync(join(dir, 'docker'), { recursive: true });
  writeFileSync(join(dir, 'deploy', 'compose.yaml'), 'services:\n  web:\n    build:\n      context: ..\n      dockerfile: docker/web.Dockerfile\n');
  writeFileSync(join(dir, 'docker', 'web.Dockerfile'), 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\n');
  writeFileSync(join(dir, 'package.json'), '{}');
  const r = cli(['check', '--compose', 'web', '--format', 'json', '--fail-on', 'none'], dir);
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.dockerfile, 'docker/web.Dockerfile');
  // package.json is in the context (the workspace root), so the broad COPY before npm install is found.
  assert.ok(
    out.findings.some((f: { code: string }) => f.code === 'copy-before-install'),
    JSON.stringify(out.findings.map((f: { code: string }) => f.code)),
  );
  const refused = cli(['check', '--compose', 'web', '--context', '.'], dir);
  assert.equal(refused.code, 2);
  assert.match(refused.err, /leave out --context/);
  assert.equal(cli(['fix', '--compose', 'nope'], dir).code, 2);
});

test("--env-file replaces the workspace's .env (COMPOSE_FILE, variables), as docker compose --env-file; one outside the workspace is refused", () => {
  const dir = join(fixtures, 'compose-env');
  const plain = cli(['configs'], dir);
  assert.equal(plain.code, 0, plain.err);
  assert.match(plain.out, /^compose\s+api\s+src\/Dockerfile\s+src\s+prod\s+-\s+deploy\/app\.yaml:4$/m);
  const release = cli(['configs', '--env-file', 'release.env'], dir);
  assert.equal(release.code, 0, release.err);
  assert.match(release.out, /^compose\s+api\s+src\/Dockerfile\s+src\s+release\s+-\s+deploy\/app\.yaml:4$/m);
  assert.match(release.out, /only with profile tools, not active here/);
  const plan = cli(['plan', '--compose', 'api', '--env-file', 'release.env'], dir);
  assert.equal(plan.code, 0, plan.err);
  assert.match(plan.err, /compose:api \(target release\)/);
  const outside = cli(['configs', '--env-file', '/etc/hostname'], dir);
  assert.match(outside.out, /\/etc\/hostname: the --env-file is outside the workspace: not read\./);
  const alone = cli(['plan', '--env-file', 'release.env'], dir);
  assert.equal(alone.code, 2);
  assert.match(alone.err, /--env-file goes with --compose, --bake or --devcontainer/);
});
