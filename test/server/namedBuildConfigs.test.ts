// Which build a `target:NAME` named context names (server/src/configs/namedBuilds.ts): the Bake target of that name
// in the same folder, plannable; not compose's `service:` (compose 2.26.1 refuses it); a chain as deep as
// MAX_NAMED_BUILD_DEPTH, a cycle cut where it closes; hostile names stay plain names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_NAMED_BUILD_DEPTH, namedBuildConfigs, namedBuildOptions, type NamedBuildConfig } from '../../server/src/configs/namedBuilds';
import type { BuildConfig } from '../../server/src/configs/types';

function target(name: string, named: Record<string, string> = {}, file = 'docker-bake.json', over: Partial<BuildConfig> = {}): BuildConfig {
  return {
    kind: 'bake',
    source: { file, line: 1, name },
    dockerfile: `/w/${name}/Dockerfile`,
    context: `/w/${name}`,
    args: { A: name },
    unresolvedArgs: {},
    namedContexts: named,
    unresolved: [],
    notes: [],
    ...over,
  };
}

const depth = (b: Record<string, NamedBuildConfig>): number => Math.max(0, ...Object.values(b).map((x) => 1 + depth(x.builds)));

void test('target:NAME is the Bake target of that name in a Bake file of the same folder, with its own configuration', () => {
  const app = target('app', { base: 'target:base', img: 'docker-image://alpine', dir: '/w/shared' });
  const all = [app, target('base'), target('base', {}, 'other/docker-bake.json')];
  const builds = namedBuildConfigs(app, all);
  assert.deepEqual(Object.keys(builds), ['base']);
  assert.equal(builds.base.config.source.file, 'docker-bake.json');
  assert.deepEqual(namedBuildOptions(builds), { base: { dockerfile: '/w/base/Dockerfile', context: '/w/base', buildArgs: { A: 'base' } } });
  // the override file of the same folder declares it last: bake reads it last, so its values win
  const over = target('base', {}, 'docker-bake.override.json', { context: '/w/over' });
  assert.equal(namedBuildConfigs(app, [...all, over]).base.config.context, '/w/over');
});

void test("not resolved: a target not declared, one that cannot be planned, compose's service:, another kind's target:", () => {
  const app = target('app', { a: 'target:missing', b: 'target:inline', c: 'service:base' });
  const inline = target('inline', {}, 'docker-bake.json', { inline: true });
  assert.deepEqual(namedBuildConfigs(app, [app, inline, target('base')]), {});
  const svc: BuildConfig = { ...target('web', { base: 'service:base' }), kind: 'compose' };
  assert.deepEqual(namedBuildConfigs(svc, [svc, { ...target('base'), kind: 'compose' }]), {});
});

void test('a chain stops at MAX_NAMED_BUILD_DEPTH; a cycle is cut where it closes; __proto__ is a plain name', () => {
  const chain = Array.from({ length: 8 }, (_, i) => target(`t${i}`, i < 7 ? { up: `target:t${i + 1}` } : {}));
  assert.equal(depth(namedBuildConfigs(chain[0], chain)), MAX_NAMED_BUILD_DEPTH);
  const a = target('a', { b: 'target:b' });
  const b = target('b', { a: 'target:a', self: 'target:b' });
  const cut = namedBuildConfigs(a, [a, b]);
  assert.deepEqual(Object.keys(cut.b.builds), []);
  const hostile = target('app', JSON.parse('{"__proto__": "target:base"}') as Record<string, string>);
  const builds = namedBuildConfigs(hostile, [hostile, target('base')]);
  assert.ok(Object.hasOwn(builds, '__proto__'));
  assert.equal(Object.getPrototypeOf(builds), Object.prototype);
});
