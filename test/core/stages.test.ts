import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../server/src/core/dockerfile/parse';
import { buildStageGraph, selectStages } from '../../server/src/core/dockerfile/stages';

const file = `ARG BASE=alpine
FROM \${BASE} AS deps
RUN echo deps
FROM alpine AS unused
RUN echo unused
FROM deps AS build
RUN --mount=type=bind,from=tools,target=/t echo
FROM alpine AS tools
FROM alpine AS final
COPY --from=build /out /out
COPY --from=0 /x /x
`;

test('global ARGs expand in FROM; --build-arg overrides them', () => {
  assert.equal(buildStageGraph(parseDockerfile(file), {}).stages[0].image, 'alpine');
  assert.equal(buildStageGraph(parseDockerfile(file), { BASE: 'debian' }).stages[0].image, 'debian');
});

test('FROM <stage>, COPY --from by name and index, and mount from= are dependencies', () => {
  const g = buildStageGraph(parseDockerfile(file), {});
  assert.equal(g.stages[2].parent, 0);
  assert.deepEqual(g.stages[2].deps.sort(), [0, 3]); // BuildKit resolves names of later stages too
  assert.deepEqual(g.stages[4].deps.sort(), [0, 2]);
});

test('BuildKit builds only what the target reaches; classic builds every stage up to it (R23)', () => {
  const g = buildStageGraph(parseDockerfile(file), {});
  assert.deepEqual([...selectStages(g, 'buildkit', undefined).needed].sort(), [0, 2, 3, 4]);
  assert.deepEqual([...selectStages(g, 'classic', undefined).needed].sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual([...selectStages(g, 'buildkit', 'BUILD').needed].sort(), [0, 2, 3]);
  assert.deepEqual([...selectStages(g, 'classic', 'unused').needed].sort(), [0, 1]);
});

test('an unknown target is a clear error', () => {
  const g = buildStageGraph(parseDockerfile(file), {});
  const s = selectStages(g, 'buildkit', 'nope');
  assert.match(s.diagnostics[0].message, /Target stage "nope" is not in this Dockerfile \(stage names: deps, unused, build, tools, final\)/);
});
