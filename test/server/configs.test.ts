// Discovery of the builds a project really runs: one fixture project per format under
// test/fixtures/configs, each path rule asserted with the values docker compose / bake / the Dev Containers CLI /
// docker/build-push-action would use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { affectsDiscovery, configsFor, discoverConfigs } from '../../server/src/configs/discover';
import { interpolate, parseDotEnv } from '../../server/src/configs/interpolate';
import { combinations } from '../../server/src/configs/workflow';
import { bakePrintWith, findExecutable } from '../../server/src/configs/bakePrint';
import { configLabel, type BuildConfig } from '../../server/src/configs/types';
import { findArgLine } from '../../server/src/configs/common';

const fixtures = join(__dirname, '..', 'fixtures', 'configs');
const noEnv = () => undefined;

function byName(configs: BuildConfig[], name: string): BuildConfig {
  const c = configs.find((x) => x.source.name === name);
  assert.ok(c, `no configuration named ${name}: ${configs.map((x) => x.source.name).join(', ')}`);
  return c;
}

test('interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, $VAR, $$, nesting, unset variables are unresolved', () => {
  const env: Record<string, string> = { SET: 'v', EMPTY: '' };
  const lookup = (n: string) => (Object.hasOwn(env, n) ? env[n] : undefined);
  assert.deepEqual(interpolate('a-${SET}-$SET-$$SET', lookup), { value: 'a-v-v-$SET', unresolved: [], errors: [] });
  assert.equal(interpolate('${EMPTY:-d}', lookup).value, 'd');
  assert.equal(interpolate('${EMPTY-d}', lookup).value, '');
  assert.equal(interpolate('${UNSET-d}', lookup).value, 'd');
  assert.equal(interpolate('${UNSET:-${SET}x}', lookup).value, 'vx');
  assert.equal(interpolate('${SET:+alt}${UNSET:+no}', lookup).value, 'alt');
  assert.deepEqual(interpolate('${UNSET}/web', lookup).unresolved, ['UNSET']);
  assert.deepEqual(interpolate('${UNSET:-${ALSO}}', lookup).unresolved, ['ALSO']);
  const required = interpolate('${UNSET:?set it}', lookup);
  assert.deepEqual([required.unresolved, required.errors], [['UNSET'], ['UNSET: set it']]);
  assert.deepEqual(interpolate('${', lookup).value, '${');
});

test('.env: export, quotes, comments, interpolation from earlier lines; the environment wins', () => {
  const vars = parseDotEnv('# c\nA=1\nexport B="x\\ny" # c\nC=\'lit ${A}\'\nD=${A}-${OUTER}\nE=plain # comment\nOUTER=ignored\n', (n) =>
    n === 'OUTER' ? 'env' : undefined,
  );
  assert.deepEqual(vars, { A: '1', B: 'x\ny', C: 'lit ${A}', D: '1-env', E: 'plain', OUTER: 'ignored' });
});

test('compose: context . with dockerfile in another folder, target and args from .env, override merged, list and map args', async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'compose-app'), env: noEnv });
  const root = d.root;
  const api = byName(d.configs, 'api');
  assert.equal(api.kind, 'compose');
  assert.deepEqual(api.source, { file: 'compose.yaml', line: 10, name: 'api' });
  assert.equal(api.context, root);
  assert.equal(api.dockerfile, join(root, 'docker', 'api.Dockerfile'));
  // target: ${API_TARGET} from .env; NODE_VERSION through a YAML merge key and ${NODE_VERSION:-18} (.env has 20).
  assert.equal(api.target, 'prod');
  assert.deepEqual(api.args, { NODE_VERSION: '20', RELEASE: 'unreleased', PRICE: '$5', DEBUG: '1' });
  // `GIT_SHA:` with no value takes the environment's, and there is none: unresolved, never guessed.
  assert.deepEqual(api.unresolvedArgs, { GIT_SHA: 'not set in the environment or .env' });
  // platforms from compose.override.yaml; the plan uses the first.
  assert.equal(api.platform, 'linux/arm64');
  assert.deepEqual(api.platforms, ['linux/arm64', 'linux/amd64']);
  assert.deepEqual(api.namedContexts, { shared: join(root, 'common'), alpine: 'docker-image://alpine:3.20' });
  assert.equal(configLabel(api), 'compose:api (target prod)');
  assert.deepEqual(d.problems, []);
});

test('compose: the environment wins over .env; a variable set there resolves what was unresolved', async () => {
  const env: Record<string, string> = { API_TARGET: 'dev', GIT_SHA: 'abc123', APP_DIR: '.' };
  const d = await discoverConfigs({ root: join(fixtures, 'compose-app'), env: (n) => env[n] });
  const api = byName(d.configs, 'api');
  assert.equal(api.target, 'dev');
  assert.equal(api.args.GIT_SHA, 'abc123');
  assert.deepEqual(api.unresolvedArgs, {});
  assert.equal(byName(d.configs, 'unset').context, join(d.root, 'web'));
});

test('compose: short form, extends from another file (its paths from its own folder), include with its own .env', async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'compose-app'), env: noEnv });
  const web = byName(d.configs, 'web');
  assert.equal(web.context, join(d.root, 'web'));
  assert.equal(web.dockerfile, join(d.root, 'web', 'Dockerfile'));
  const worker = byName(d.configs, 'worker');
  assert.equal(worker.context, join(d.root, 'common', 'worker'));
  assert.equal(worker.dockerfile, join(d.root, 'common', 'worker', 'Dockerfile.worker'));
  assert.equal(worker.target, 'runtime');
  // List-form args: KEY=VAL, and a bare KEY from .env.
  assert.deepEqual(worker.args, { QUEUE: 'jobs', FROM_DOTENV: 'from dotenv' });
  const tool = byName(d.configs, 'tool');
  assert.deepEqual(tool.source, { file: 'tools/compose.yaml', line: 3, name: 'tool' });
  assert.equal(tool.context, join(d.root, 'tools'));
  assert.deepEqual(tool.args, { TOOL_ENV: 'from-tools-dotenv' });
  assert.deepEqual(d.files, ['.env', 'common/base.yaml', 'compose.override.yaml', 'compose.yaml', 'tools/.env', 'tools/compose.yaml']);
  // A service without build is no configuration.
  assert.equal(
    d.configs.some((c) => c.source.name === 'db'),
    false,
  );
});

test('compose: inline Dockerfile, remote context and an unresolved context are said, not planned', async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'compose-app'), env: noEnv });
  const inline = byName(d.configs, 'inline');
  assert.equal(inline.inline, true);
  assert.equal(inline.dockerfile, undefined);
  const remote = byName(d.configs, 'remote');
  assert.equal(remote.remoteContext, 'https://github.com/example/app.git#main');
  assert.equal(remote.context, undefined);
  assert.match(remote.notes[0], /remote: not planned/);
  const unset = byName(d.configs, 'unset');
  assert.deepEqual(unset.unresolved, ['context: depends on APP_DIR']);
  assert.equal(unset.context, undefined);
  // Only plannable configurations build a Dockerfile.
  assert.deepEqual(
    configsFor(d, join(d.root, 'web', 'Dockerfile')).map((c) => c.source.name),
    ['web'],
  );
});

test("compose in a subfolder: context .. is the project directory's parent, dockerfile relative to it, service platform", async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'compose-parent'), env: noEnv });
  assert.equal(d.configs.length, 1);
  const api = d.configs[0];
  assert.deepEqual(api.source, { file: 'deploy/docker-compose.yml', line: 3, name: 'api' });
  assert.equal(api.context, d.root);
  assert.equal(api.dockerfile, join(d.root, 'services', 'api', 'Dockerfile'));
  assert.equal(api.platform, 'linux/arm64');
});

test('devcontainer: dockerfile and context relative to the devcontainer.json folder, args with ${localEnv:...}, legacy dockerFile', async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'devcontainer'), env: noEnv });
  const app = byName(d.configs, '.devcontainer');
  assert.deepEqual(app.source, { file: '.devcontainer/devcontainer.json', line: 5, name: '.devcontainer' });
  assert.equal(app.context, d.root);
  assert.equal(app.dockerfile, join(d.root, '.devcontainer', 'Dockerfile'));
  assert.equal(app.target, 'dev');
  assert.deepEqual(app.args, { VARIANT: 'bookworm', WITH_DEFAULT: 'fallback' });
  assert.deepEqual(app.unresolvedArgs, { USER_NAME: 'depends on DEVCONTAINER_USER' });
  const py = byName(d.configs, '.devcontainer/python');
  assert.equal(py.context, d.root);
  assert.equal(py.dockerfile, join(d.root, 'python.Dockerfile'));
  const withUser = await discoverConfigs({ root: join(fixtures, 'devcontainer'), env: (n) => (n === 'DEVCONTAINER_USER' ? 'me' : undefined) });
  assert.equal(byName(withUser.configs, '.devcontainer').args.USER_NAME, 'me');
});

test("devcontainer with dockerComposeFile: the files relative to the devcontainer.json, the service built by compose's path rules; an image service builds nothing; a missing service is a problem", async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'devcontainer-compose'), env: noEnv });
  const api = d.configs.filter((c) => c.kind === 'devcontainer');
  assert.equal(api.length, 1, JSON.stringify(api));
  assert.deepEqual(api[0].source, { file: '.devcontainer/devcontainer.json', line: 5, name: '.devcontainer' });
  // context relative to the compose project directory (the first file's folder), dockerfile to the context
  assert.equal(api[0].context, join(d.root, 'api'));
  assert.equal(api[0].dockerfile, join(d.root, 'api', 'Dockerfile.dev'));
  // the second file is merged over the first
  assert.equal(api[0].target, 'debug');
  assert.deepEqual(api[0].args, { NODE_VERSION: '20', EXTRA: '1' });
  // the same service is also a compose configuration of its own; the devcontainer comes first in the editor
  assert.deepEqual(
    d.configs.map((c) => `${c.kind}:${c.source.name}`),
    ['devcontainer:.devcontainer', 'compose:app'],
  );
  assert.deepEqual(
    d.problems.map((p) => `${p.file}:${p.line}: ${p.message}`),
    ['.devcontainer/missing/devcontainer.json:3: service "worker" is not in docker-compose.yml.'],
  );
});

test('workflow: file relative to the workspace, no context = the repository root, build-args with ${{ }} unresolved, platforms', async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'workflows'), env: noEnv });
  const build = byName(d.configs, 'ci.yml#build');
  assert.deepEqual(build.source, { file: '.github/workflows/ci.yml', line: 10, name: 'ci.yml#build' });
  assert.equal(build.context, d.root);
  assert.equal(build.dockerfile, join(d.root, 'docker', 'app.Dockerfile'));
  assert.equal(build.target, 'prod');
  assert.deepEqual(build.args, { REGISTRY: 'ghcr.io', PLAIN: '1' });
  assert.deepEqual(build.unresolvedArgs, { TOKEN: 'depends on ${{ secrets.NPM_TOKEN }}' });
  assert.equal(build.platform, 'linux/amd64');
  assert.match(build.notes[0], /git repository/);
});

test('workflow: a literal matrix gives one configuration per combination; an expression matrix is unknown', async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'workflows'), env: noEnv });
  const slim = byName(d.configs, 'ci.yml#variants[variant=slim]');
  assert.equal(slim.context, join(d.root, 'variants', 'slim'));
  assert.equal(slim.dockerfile, join(d.root, 'variants', 'slim', 'Dockerfile'));
  assert.equal(byName(d.configs, 'ci.yml#variants[variant=full]').dockerfile, join(d.root, 'variants', 'full', 'Dockerfile'));
  const dynamic = byName(d.configs, 'ci.yml#dynamic[matrix unknown]');
  assert.equal(dynamic.context, undefined);
  assert.deepEqual(dynamic.unresolved, [
    'context: depends on ${{ matrix.variant }}',
    'dockerfile: the default `{context}/Dockerfile`: context depends on ${{ matrix.variant }}',
  ]);
});

test('workflow: {{defaultContext}}:subdir is a folder of the repository', async () => {
  const root = mkdtempSync(join(tmpdir(), 'layerlens-configs-wf-'));
  mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
  mkdirSync(join(root, 'docker'));
  writeFileSync(
    join(root, '.github', 'workflows', 'build.yaml'),
    'jobs:\n  img:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: "{{defaultContext}}:docker"\n',
  );
  const d = await discoverConfigs({ root, env: noEnv });
  assert.equal(d.configs.length, 1);
  assert.equal(d.configs[0].context, join(root, 'docker'));
  assert.equal(d.configs[0].dockerfile, join(root, 'docker', 'Dockerfile'));
  assert.match(d.configs[0].notes[0], /defaultContext/);
});

test('workflow matrix: include adds keys or combinations, exclude removes', () => {
  assert.deepEqual(
    combinations({
      os: ['a', 'b'],
      v: [1, 2],
      exclude: [{ os: 'b', v: 2 }],
      include: [
        { os: 'a', extra: 'x' },
        { os: 'c', v: 3 },
      ],
    }),
    [
      { os: 'a', v: '1', extra: 'x' },
      { os: 'a', v: '2', extra: 'x' },
      { os: 'b', v: '1' },
      { os: 'c', v: '3' },
    ],
  );
  assert.deepEqual(combinations('${{ fromJSON(x) }}'), ['unknown']);
  assert.deepEqual(combinations(undefined), [{}]);
});

test('Bake JSON: inherits merged in order, variables from defaults or the environment, context from the Bake folder, groups', async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'bake-json'), env: noEnv });
  const app = byName(d.configs, 'app');
  assert.deepEqual(app.source, { file: 'docker-bake.json', line: 16, name: 'app' });
  assert.equal(app.context, join(d.root, 'app'));
  assert.equal(app.dockerfile, join(d.root, 'app', 'app.Dockerfile'));
  assert.equal(app.target, 'runtime');
  assert.deepEqual(app.args, { BASE_IMAGE: 'node:20', TAG: 'latest', MODE: 'production' });
  assert.equal(app.platform, 'linux/amd64');
  const tests = byName(d.configs, 'tests');
  assert.equal(tests.target, 'test');
  assert.equal(tests.dockerfile, join(d.root, 'app', 'app.Dockerfile'));
  assert.deepEqual(tests.unresolvedArgs, { SECRET_FLAG: 'depends on NO_DEFAULT (no default)' });
  assert.equal(byName(d.configs, 'base').dockerfile, join(d.root, 'app', 'Dockerfile'));
  assert.deepEqual(d.groups, [{ file: 'docker-bake.json', name: 'default', targets: ['app', 'tests'] }]);
  const withTag = await discoverConfigs({ root: join(fixtures, 'bake-json'), env: (n) => (n === 'TAG' ? 'v2' : undefined) });
  assert.equal(byName(withTag.configs, 'app').args.TAG, 'v2');
});

test("argSources: where each arg is declared, after override files, extends, Bake inherits; found in a workflow's build-args block", async () => {
  const at = (c: BuildConfig) => Object.fromEntries(Object.entries(c.argSources ?? {}).map(([k, v]) => [k, `${v.file}:${v.line}`]));
  const compose = await discoverConfigs({ root: join(fixtures, 'compose-app'), env: noEnv });
  // a list item, a map entry and an arg the override file adds
  assert.deepEqual(at(byName(compose.configs, 'api')), {
    NODE_VERSION: 'compose.yaml:14',
    GIT_SHA: 'compose.yaml:16',
    RELEASE: 'compose.yaml:17',
    PRICE: 'compose.yaml:18',
    DEBUG: 'compose.override.yaml:5',
  });
  const bake = await discoverConfigs({ root: join(fixtures, 'bake-json'), env: noEnv });
  // args inherited from `base` point into base's block
  assert.deepEqual(at(byName(bake.configs, 'app')), { BASE_IMAGE: 'docker-bake.json:13', TAG: 'docker-bake.json:13', MODE: 'docker-bake.json:20' });
  const wf = await discoverConfigs({ root: join(fixtures, 'workflows'), env: noEnv });
  assert.deepEqual(at(byName(wf.configs, 'ci.yml#build')), {
    REGISTRY: '.github/workflows/ci.yml:16',
    TOKEN: '.github/workflows/ci.yml:17',
    PLAIN: '.github/workflows/ci.yml:18',
  });
  const dc = await discoverConfigs({ root: join(fixtures, 'devcontainer-compose'), env: noEnv });
  assert.deepEqual(at(byName(dc.configs, '.devcontainer')), { NODE_VERSION: 'docker-compose.yml:8', EXTRA: '.devcontainer/docker-compose.extend.yml:8' });
});

test('findArgLine: the forms each format writes, stops at the next top-level block', () => {
  const text = ['target "a" {', '  args = {', '    ONE = "1"', '    "TWO": 2,', '  }', '}', 'target "b" {', '  args = { THREE = "3" }', '}'].join('\n');
  assert.equal(findArgLine(text, 1, 'ONE'), 3);
  assert.equal(findArgLine(text, 1, 'TWO'), 4);
  assert.equal(findArgLine(text, 1, 'THREE'), undefined, 'another block');
  assert.equal(findArgLine(text, 7, 'THREE'), 8);
  assert.equal(findArgLine('build:\n  args:\n    - GIT_SHA\n    - X=1\n', 1, 'GIT_SHA'), 3);
  assert.equal(findArgLine('build:\n  args:\n    - GIT_SHA_LONG\n', 1, 'GIT_SHA'), undefined, 'a longer name is another arg');
  assert.equal(findArgLine('a:\n  b: 1\n', 1, 'A.B'), undefined, 'regex characters are literal');
});

test('Bake HCL without buildx: a clear unresolved message, no configuration, no crash', async () => {
  const d = await discoverConfigs({ root: join(fixtures, 'bake-hcl'), env: noEnv });
  assert.deepEqual(d.configs, []);
  assert.equal(d.problems.length, 1);
  assert.equal(d.problems[0].file, 'docker-bake.hcl');
  assert.match(d.problems[0].message, /^unresolved: needs docker buildx/);
});

test('Bake HCL with a docker that prints: the printed targets are used; a docker without buildx is said', async () => {
  const bin = mkdtempSync(join(tmpdir(), 'layerlens-fake-docker-'));
  const printed = { target: { app: { context: '.', dockerfile: 'Dockerfile', args: { TAG: 'latest' } } } };
  writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "$@" > "${join(bin, 'argv')}"\necho '${JSON.stringify(printed)}'\n`);
  chmodSync(join(bin, 'docker'), 0o755);
  const d = await discoverConfigs({ root: join(fixtures, 'bake-hcl'), env: noEnv, bakePrint: bakePrintWith(join(bin, 'docker')) });
  assert.deepEqual(d.problems, []);
  const app = byName(d.configs, 'app');
  assert.deepEqual(app.source, { file: 'docker-bake.hcl', line: 5, name: 'app' });
  assert.equal(app.dockerfile, join(d.root, 'Dockerfile'));
  assert.deepEqual(app.args, { TAG: 'latest' });
  writeFileSync(join(bin, 'nobuildx'), '#!/bin/sh\necho "docker: \'buildx\' is not a docker command." >&2\nexit 1\n');
  chmodSync(join(bin, 'nobuildx'), 0o755);
  const without = await discoverConfigs({ root: join(fixtures, 'bake-hcl'), env: noEnv, bakePrint: bakePrintWith(join(bin, 'nobuildx')) });
  assert.match(without.problems[0].message, /docker buildx bake --print failed: docker buildx is not installed/);
  const missing = await discoverConfigs({ root: join(fixtures, 'bake-hcl'), env: noEnv, bakePrint: bakePrintWith(join(bin, 'absent')) });
  assert.match(missing.problems[0].message, /docker is not installed/);
  writeFileSync(join(bin, 'slow'), '#!/bin/sh\nexec sleep 5\n');
  chmodSync(join(bin, 'slow'), 0o755);
  const slow = await discoverConfigs({ root: join(fixtures, 'bake-hcl'), env: noEnv, bakePrint: bakePrintWith(join(bin, 'slow'), 200) });
  assert.match(slow.problems[0].message, /did not answer within 0.2 s/);
});

test('hostile: a docker shipped inside the workspace is never the one run, nor one found through a relative PATH entry', () => {
  const ws = mkdtempSync(join(tmpdir(), 'layerlens-ws-docker-'));
  const bin = mkdtempSync(join(tmpdir(), 'layerlens-bin-'));
  for (const d of [ws, bin]) {
    writeFileSync(join(d, 'docker'), '#!/bin/sh\n');
    chmodSync(join(d, 'docker'), 0o755);
  }
  assert.equal(findExecutable('docker', ws, ['.', '', 'relative/bin', ws].join(delimiter)), undefined);
  assert.equal(findExecutable('docker', ws, [ws, bin].join(delimiter)), join(bin, 'docker'));
  assert.equal(findExecutable('./docker', ws, bin), undefined);
  assert.equal(findExecutable(join(ws, 'docker'), ws, bin), undefined);
});

test('hostile: links out of the workspace are not followed, contexts outside it are not read, big files and alias bombs are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-configs-'));
  const outside = join(dir, 'outside');
  const root = join(dir, 'ws');
  mkdirSync(outside);
  mkdirSync(join(root, 'linked-dir'), { recursive: true });
  writeFileSync(join(outside, 'compose.yaml'), 'services:\n  secret:\n    build: .\n');
  // A compose file that is a link out, and a folder behind a link.
  mkdirSync(join(root, 'a'));
  symlinkSync(join(outside, 'compose.yaml'), join(root, 'a', 'compose.yaml'));
  symlinkSync(outside, join(root, 'b'));
  mkdirSync(join(root, '.devcontainer'));
  symlinkSync(join(outside, 'compose.yaml'), join(root, '.devcontainer', 'devcontainer.json'));
  writeFileSync(join(root, 'compose.yaml'), 'services:\n  out:\n    build: ../outside\n  abs:\n    build:\n      context: /\n');
  mkdirSync(join(root, 'big'));
  writeFileSync(join(root, 'big', 'compose.yaml'), 'services:\n' + '  x:\n    image: a\n'.repeat(100_000));
  mkdirSync(join(root, 'bomb'));
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 9; i++)
    bomb.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
        .fill('*' + String.fromCharCode(97 + i))
        .join(',')}]`,
    );
  writeFileSync(join(root, 'bomb', 'compose.yaml'), bomb.join('\n') + '\nservices: {}\n');
  const d = await discoverConfigs({ root, env: noEnv });
  assert.equal(
    d.configs.some((c) => c.source.name === 'secret'),
    false,
  );
  assert.deepEqual(
    d.configs.map((c) => [c.source.name, c.context, c.unresolved]),
    [
      ['out', undefined, ['context: ../outside is outside the workspace: not read.']],
      ['abs', undefined, ['context: / is outside the workspace: not read.']],
    ],
  );
  const messages = d.problems.map((p) => `${p.file}: ${p.message}`);
  assert.ok(
    messages.some((m) => m.startsWith('.devcontainer/devcontainer.json: is a symlink')),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => m.startsWith('a/compose.yaml: is a symlink')),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => m.startsWith('big/compose.yaml: is larger than 1 MiB')),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => m.startsWith('bomb/compose.yaml: cannot be read as YAML')),
    messages.join('\n'),
  );
  assert.equal(
    messages.some((m) => m.includes('secret')),
    false,
  );
});

test('compose: an include loop and an extends loop are refused with a problem, not followed forever', async () => {
  const root = mkdtempSync(join(tmpdir(), 'layerlens-configs-loop-'));
  mkdirSync(join(root, 'b'));
  writeFileSync(join(root, 'compose.yaml'), 'include:\n  - b/compose.yaml\nservices:\n  a:\n    extends: c\n    build: .\n  c:\n    extends: a\n');
  writeFileSync(join(root, 'b', 'compose.yaml'), 'include:\n  - ../compose.yaml\nservices:\n  b:\n    build: .\n');
  const d = await discoverConfigs({ root, env: noEnv });
  assert.deepEqual(d.configs.map((c) => [c.source.file, c.source.name, c.context]).sort(), [
    ['b/compose.yaml', 'b', join(root, 'b')],
    ['compose.yaml', 'a', root],
    ['compose.yaml', 'c', root],
  ]);
  const messages = d.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  assert.ok(
    messages.includes('b/compose.yaml:2: include compose.yaml: already loaded (an include loop, or a file included twice): not read again.'),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => /extends loops or nests too deep/.test(m)),
    messages.join('\n'),
  );
});

test('affectsDiscovery: the files discovery reads and the names it looks for', () => {
  for (const rel of [
    'compose.yaml',
    'deploy/docker-compose.override.yml',
    'x/.env',
    'docker-bake.hcl',
    '.devcontainer/devcontainer.json',
    '.github/workflows/ci.yaml',
  ])
    assert.equal(affectsDiscovery(rel, undefined), true, rel);
  for (const rel of ['src/app.js', 'Dockerfile', '.github/workflows/sub/x.yml']) assert.equal(affectsDiscovery(rel, undefined), false, rel);
  assert.equal(affectsDiscovery('common/base.yaml', { files: ['common/base.yaml'] }), true);
});

test("compose: COMPOSE_FILE in .env picks the files (the folder's compose.yaml is not read), COMPOSE_PROJECT_NAME is a variable, profiles", async () => {
  const root = join(fixtures, 'compose-env');
  const d = await discoverConfigs({ root, env: noEnv });
  const compose = d.configs.filter((c) => c.kind === 'compose');
  // compose.yaml's `ignored` service is not part of the project COMPOSE_FILE names; deploy/extra.yaml is merged.
  assert.deepEqual(
    compose.map((c) => c.source.name),
    ['api', 'debug', 'tools'],
  );
  const api = byName(compose, 'api');
  assert.equal(api.context, join(root, 'src'), "relative to the first file's folder, deploy/");
  assert.equal(api.target, 'prod');
  // the top-level `name: My_Shop`, normalised as compose does
  assert.deepEqual(api.args, { PROJECT: 'my_shop', EXTRA: '1' });
  assert.equal(api.source.file, 'deploy/app.yaml');
  // COMPOSE_PROFILES=tools in .env: debug is listed but said to be inactive; tools is active.
  assert.equal(byName(compose, 'debug').inactive, true);
  assert.deepEqual(byName(compose, 'debug').profiles, ['debug']);
  assert.match(byName(compose, 'debug').notes.join(' '), /only with profile debug, not active here/);
  assert.equal(byName(compose, 'tools').inactive, undefined);
  // The editor plans src/Dockerfile with api (active) before debug (inactive), which stays a choice.
  assert.deepEqual(
    configsFor(d, join(root, 'src', 'Dockerfile')).map((c) => c.source.name),
    ['api', 'debug'],
  );
  // Were debug first in the file, it would still come after the active one.
  assert.deepEqual(
    configsFor({ ...d, configs: [byName(compose, 'debug'), api] }, join(root, 'src', 'Dockerfile')).map((c) => c.source.name),
    ['api', 'debug'],
  );
  // The environment wins over .env and over `name`: another project name, other profiles.
  const env: Record<string, string> = { COMPOSE_PROFILES: 'debug', COMPOSE_PROJECT_NAME: 'other_name' };
  const d2 = await discoverConfigs({ root, env: (n) => env[n] });
  assert.equal(byName(d2.configs, 'api').args.PROJECT, 'other_name');
  // a name compose refuses (capitals, a dot): said, and the arg that uses it is unknown rather than guessed
  const bad = await discoverConfigs({ root, env: (n) => ({ COMPOSE_PROJECT_NAME: 'Other.Name' })[n] });
  assert.match(bad.problems.map((p) => p.message).join(' '), /COMPOSE_PROJECT_NAME "Other\.Name" is not a valid project name/);
  assert.deepEqual(Object.keys(byName(bad.configs, 'api').unresolvedArgs), ['PROJECT']);
  assert.equal(byName(d2.configs, 'debug').inactive, undefined);
  assert.equal(byName(d2.configs, 'tools').inactive, true);
  // COMPOSE_FILE from the environment (the workspace root's), with COMPOSE_PATH_SEPARATOR; a file outside is refused.
  const env3: Record<string, string> = { COMPOSE_FILE: 'compose.yaml;deploy/extra.yaml', COMPOSE_PATH_SEPARATOR: ';' };
  const d3 = await discoverConfigs({ root, env: (n) => env3[n] });
  const d3compose = d3.configs.filter((c) => c.kind === 'compose');
  assert.deepEqual(
    d3compose.map((c) => c.source.name),
    ['ignored', 'api'],
  );
  // extra.yaml's api has only args: its context is the project directory (the root, compose.yaml's folder), as compose says.
  assert.equal(byName(d3compose, 'api').context, root);
  assert.deepEqual(byName(d3compose, 'api').args, { EXTRA: '1' });
  const env4: Record<string, string> = { COMPOSE_FILE: '../elsewhere/compose.yaml' };
  const d4 = await discoverConfigs({ root, env: (n) => env4[n] });
  assert.deepEqual(
    d4.configs.filter((c) => c.kind === 'compose'),
    [],
  );
  assert.match(d4.problems.map((p) => p.message).join(' '), /COMPOSE_FILE names \.\.\/elsewhere\/compose\.yaml, outside the workspace: not read\./);
});
