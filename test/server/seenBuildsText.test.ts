// The client's side of watching the user's builds that needs no VS Code: which command lines go to the server,
// a task's command line rebuilt with its quoting, a task's variables, and "3 min ago".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recogniseCommandLine } from '../../server/src/commandLine';
import { ago, mayBuild, shellQuote, taskCommandLine, taskVariables } from '../../client/src/seenBuildsText';

test('mayBuild lets through every line the recogniser takes a build from, and not ordinary commands', () => {
  const builds = [
    'docker build .',
    'sudo docker buildx build -f docker/Dockerfile .',
    'env DOCKER_BUILDKIT=1 docker image build -t x .',
    'podman build .',
    'docker compose up --build',
    'docker-compose build api',
    'cd app && docker buildx bake web',
    'docker \\\n  build .',
  ];
  for (const line of builds) {
    assert.ok(recogniseCommandLine(line, '/w').length > 0, `the recogniser sees a build in ${line}`);
    assert.equal(mayBuild(line), true, line);
  }
  for (const line of ['ls -la', 'npm run build', 'git pull', 'docker ps', 'docker compose up', 'make build']) {
    assert.equal(mayBuild(line) && recogniseCommandLine(line, '/w').some((r) => r.kind !== 'unknown'), false, line);
  }
  assert.equal(mayBuild('npm run build'), false, 'no docker, no request');
  assert.equal(mayBuild('docker ps'), false);
});

test('a task command line keeps each argument one word, so the recogniser reads it as the task runs it', () => {
  assert.equal(shellQuote('plain-word_1.2/x'), 'plain-word_1.2/x');
  assert.equal(shellQuote('two words'), "'two words'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote(''), "''");
  const line = taskCommandLine('docker', ['build', '-f', 'my dir/Dockerfile', '--build-arg', { value: 'A=b c', quoting: 1 }, '.']);
  assert.equal(line, "docker build -f 'my dir/Dockerfile' --build-arg 'A=b c' .");
  const [r] = recogniseCommandLine(line ?? '', '/w');
  assert.equal(r.kind, 'dockerfile');
  if (r.kind === 'dockerfile') {
    assert.equal(r.dockerfile, '/w/my dir/Dockerfile');
    assert.deepEqual(r.buildArgs, { A: 'b c' });
  }
  assert.equal(taskCommandLine(undefined, ['x']), undefined);
});

test('task variables: the workspace folder is filled in; any other variable means the value is not known', () => {
  assert.equal(taskVariables('${workspaceFolder}/app', '/home/u/proj'), '/home/u/proj/app');
  assert.equal(taskVariables('${workspaceFolderBasename}:latest', '/home/u/proj/'), 'proj:latest');
  assert.equal(taskVariables('${input:tag}', '/home/u/proj'), undefined);
  assert.equal(taskVariables('${env:HOME}/x', '/home/u/proj'), undefined);
  assert.equal(taskVariables('${workspaceFolder}', undefined), undefined, 'no folder: not known');
  assert.equal(taskVariables('docker build .', undefined), 'docker build .');
});

test('ago: whole minutes, hours, days', () => {
  const now = Date.UTC(2026, 11, 6, 0, 0, 0);
  assert.equal(ago(now - 59_000, now), 'now');
  assert.deepEqual(ago(now - 3 * 60_000, now), [3, 'min']);
  assert.deepEqual(ago(now - 59 * 60_000 - 59_000, now), [59, 'min']);
  assert.deepEqual(ago(now - 60 * 60_000, now), [1, 'h']);
  assert.deepEqual(ago(now - 47 * 3600_000, now), [47, 'h']);
  assert.deepEqual(ago(now - 72 * 3600_000, now), [3, 'd']);
});
