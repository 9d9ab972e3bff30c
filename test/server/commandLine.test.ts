// The command-line recogniser on a table of command lines as people type them (and as READMEs and CI scripts
// write them): what each builds, or why it cannot be known.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recogniseCommandLine, type RecognisedBuild } from '../../server/src/commandLine';

const cwd = '/home/u/proj';
const home = '/home/u';

/** The fields a row checks, from the first build of the line. */
function summary(b: RecognisedBuild): Record<string, unknown> {
  if (b.kind === 'unknown') return { kind: b.kind, tool: b.tool, reason: b.reason };
  const common = {
    kind: b.kind,
    tool: b.tool,
    cwd: b.cwd,
    noCache: b.noCache,
    buildArgs: b.buildArgs,
    ...(b.buildxBuilder ? { buildxBuilder: b.buildxBuilder } : {}),
    ...(b.endpoint ? { endpoint: b.endpoint } : {}),
  };
  if (b.kind === 'dockerfile')
    return {
      ...common,
      context: b.context,
      dockerfile: b.dockerfile,
      builder: b.builder,
      ...(b.target ? { target: b.target } : {}),
      ...(b.platform ? { platform: b.platform } : {}),
    };
  if (b.kind === 'compose') return { ...common, files: b.files, projectDirectory: b.projectDirectory, services: b.services };
  return { ...common, files: b.files, targets: b.targets, sets: b.sets };
}

const df = (extra: Record<string, unknown> = {}) => ({
  kind: 'dockerfile',
  tool: 'docker build',
  cwd,
  noCache: false,
  buildArgs: {},
  context: cwd,
  dockerfile: `${cwd}/Dockerfile`,
  builder: 'buildkit',
  ...extra,
});

const rows: Array<[string, Array<Record<string, unknown>> | RegExp]> = [
  ['docker build .', [df()]],
  ['docker build -t myapp:latest .', [df()]],
  [
    'docker build -t app -f docker/Dockerfile.prod --target prod --build-arg NODE_ENV=production .',
    [df({ dockerfile: `${cwd}/docker/Dockerfile.prod`, target: 'prod', buildArgs: { NODE_ENV: 'production' } })],
  ],
  [
    'docker build --file=ci/Dockerfile --build-arg=A=1 --build-arg B=two\\ words ./app',
    [df({ context: `${cwd}/app`, dockerfile: `${cwd}/ci/Dockerfile`, buildArgs: { A: '1', B: 'two words' } })],
  ],
  ['docker build -fci/Dockerfile -tapp .', [df({ dockerfile: `${cwd}/ci/Dockerfile` })]],
  ['docker buildx build --platform linux/amd64 --load -t app .', [df({ tool: 'docker buildx build', platform: 'linux/amd64' })]],
  ['docker buildx build --builder mybuilder --push -t reg/app .', [df({ tool: 'docker buildx build', buildxBuilder: 'mybuilder' })]],
  ['docker buildx --builder kube build .', [df({ tool: 'docker buildx build', buildxBuilder: 'kube' })]],
  ['docker image build --no-cache .', [df({ tool: 'docker image build', noCache: true })]],
  ['docker build --no-cache=false .', [df()]],
  ['docker builder build .', [df({ tool: 'docker image build' })]],
  ['DOCKER_BUILDKIT=0 docker build .', [df({ builder: 'classic' })]],
  ['DOCKER_BUILDKIT=0 docker buildx build .', [df({ tool: 'docker buildx build' })]],
  ['sudo docker build -t app .', [df()]],
  ['sudo -E -u root docker build .', [df()]],
  ['env DOCKER_BUILDKIT=1 VERSION=3 docker build --build-arg VERSION .', [df({ buildArgs: { VERSION: '3' } })]],
  ['VERSION=1.2 docker build --build-arg VERSION -t "my app" .', [df({ buildArgs: { VERSION: '1.2' } })]],
  ['/usr/bin/docker build "./my dir"', [df({ context: `${cwd}/my dir`, dockerfile: `${cwd}/my dir/Dockerfile` })]],
  ["docker build -f 'docker files/Dockerfile' .", [df({ dockerfile: `${cwd}/docker files/Dockerfile` })]],
  ['docker build \\\n  -t app \\\n  --target test \\\n  .', [df({ target: 'test' })]],
  ['docker build \\\r\n  --target test \\\r\n  .', [df({ target: 'test' })]],
  ['npm ci && docker build -t app . && docker run --rm app', [df()]],
  [
    'cd services/api && docker build -t api .',
    [df({ cwd: `${cwd}/services/api`, context: `${cwd}/services/api`, dockerfile: `${cwd}/services/api/Dockerfile` })],
  ],
  ['docker build . 2>&1 | tee build.log', [df()]],
  ['docker build . > build.log 2>&1; echo done', [df()]],
  ['time docker build . # the slow one', [df()]],
  ['docker build ~/proj', [df()]],
  ['docker build /srv/app -f /srv/app/Dockerfile.dev', [df({ context: '/srv/app', dockerfile: '/srv/app/Dockerfile.dev' })]],
  ['docker -H tcp://10.0.0.5:2375 build .', [df({ endpoint: 'tcp://10.0.0.5:2375' })]],
  ['docker --context colima build .', [df({ endpoint: 'colima' })]],
  ['DOCKER_HOST=ssh://me@box docker build .', [df({ endpoint: 'ssh://me@box' })]],
  ['docker build -t app . && docker build -f Dockerfile.test -t app-test .', [df(), df({ dockerfile: `${cwd}/Dockerfile.test` })]],
  ['podman build -t app .', [df({ tool: 'podman build', dockerfile: `${cwd}/Containerfile` })]],
  ['podman build -f Dockerfile --layers .', [df({ tool: 'podman build' })]],
  [
    'docker compose build',
    [{ kind: 'compose', tool: 'docker compose build', cwd, noCache: false, buildArgs: {}, files: [], projectDirectory: cwd, services: [] }],
  ],
  [
    'docker compose -f compose.prod.yaml build --no-cache api worker',
    [
      {
        kind: 'compose',
        tool: 'docker compose build',
        cwd,
        noCache: true,
        buildArgs: {},
        files: [`${cwd}/compose.prod.yaml`],
        projectDirectory: cwd,
        services: ['api', 'worker'],
      },
    ],
  ],
  [
    'docker compose up --build -d',
    [{ kind: 'compose', tool: 'docker compose up --build', cwd, noCache: false, buildArgs: {}, files: [], projectDirectory: cwd, services: [] }],
  ],
  [
    'docker-compose up -d --build web',
    [{ kind: 'compose', tool: 'docker compose up --build', cwd, noCache: false, buildArgs: {}, files: [], projectDirectory: cwd, services: ['web'] }],
  ],
  ['docker compose up -d', []],
  ['docker buildx bake', [{ kind: 'bake', tool: 'docker buildx bake', cwd, noCache: false, buildArgs: {}, files: [], targets: [], sets: [] }]],
  [
    'docker buildx bake -f docker-bake.hcl --set app.platform=linux/arm64 app test',
    [
      {
        kind: 'bake',
        tool: 'docker buildx bake',
        cwd,
        noCache: false,
        buildArgs: {},
        files: [`${cwd}/docker-bake.hcl`],
        targets: ['app', 'test'],
        sets: ['app.platform=linux/arm64'],
      },
    ],
  ],
  ['docker buildx bake --print', []],
  ['docker run --rm -it alpine sh', []],
  ['docker ps', []],
  ['git commit -m "docker build ."', []],
  ['echo docker build .', []],
  ['make build', []],
  ['d build .', []],
  ['dbuild', []],
  // What it cannot know, said.
  ['docker build -t app $CTX', /the context \$CTX comes from a variable/],
  ['docker build --build-arg VERSION .', /VERSION takes its value from the terminal's environment/],
  ['docker build --build-arg "V=$(git rev-parse HEAD)" .', /the build arg V comes from a variable/],
  ['docker build - < Dockerfile', /standard input/],
  ['docker build -f - .', /standard input/],
  ['docker build https://github.com/docker/rootfs.git#container:docker', /is remote/],
  ['docker build --frobnicate x .', /does not know the option --frobnicate/],
  ['docker build', /no build context/],
  ['cd "$DIR" && docker build .', /the folder it runs in is not known/],
  ['docker build "unterminated .', /unterminated quote/],
];

for (const [line, expected] of rows) {
  test(`recognises: ${JSON.stringify(line)}`, () => {
    const found = recogniseCommandLine(line, cwd, { home });
    if (expected instanceof RegExp) {
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0].kind, 'unknown', JSON.stringify(found[0]));
      assert.match(summary(found[0]).reason as string, expected);
      return;
    }
    assert.deepEqual(found.map(summary), expected);
  });
}

test('the recognised command text is kept for the output channel', () => {
  const [b] = recogniseCommandLine('npm test && sudo docker build -t app .', cwd);
  assert.equal(b.text, 'sudo docker build -t app .');
});

test('a path under ~ is unknown without a home folder, and a bare cd goes home', () => {
  assert.equal(recogniseCommandLine('docker build ~/x', cwd)[0].kind, 'unknown');
  const [b] = recogniseCommandLine('cd && docker build proj', cwd, { home });
  assert.equal(b.kind === 'dockerfile' && b.context, '/home/u/proj');
});

test('hostile or huge lines end quickly without a crash', () => {
  const started = Date.now();
  for (const line of [
    '$('.repeat(10_000),
    '"$(' + '$('.repeat(20_000),
    '"'.repeat(10_001),
    'docker build ' + '-t x '.repeat(10_000) + '.',
    '\\'.repeat(100_000),
    'docker build ' + "'".repeat(3),
  ]) {
    assert.ok(Array.isArray(recogniseCommandLine(line, cwd)));
  }
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
});
