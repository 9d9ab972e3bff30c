// The settings shape, its defaults, and package.json's contributes.configuration agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings, dockerfileSettings, globMatches, normaliseSettings, settingsSection } from '../../server/src/settings';
import { DEFAULT_COMMITS, MAX_COMMITS } from '../../server/src/history/commits';

interface ConfigurationProperty {
  default: unknown;
  enum?: unknown[];
}

const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ConfigurationProperty> } };
};
const properties = manifest.contributes.configuration.properties;
// Settings the language client reads for itself, not part of the server's shape.
// Settings the extension reads for itself (the terminal and task listeners), not part of the server's shape.
const clientOnly = new Set([`${settingsSection}.trace.server`, ...['terminal', 'tasks', 'dockerHistory'].map((s) => `${settingsSection}.record.${s}`)]);

void test('every contributed setting has the same default as the settings module, and back', () => {
  const contributed = Object.keys(properties)
    .filter((key) => !clientOnly.has(key))
    .sort();
  // `hover` and `history` are groups: VS Code hands `layerLens.hover.cacheOnly` over as hover: { cacheOnly }.
  const flat: Array<[string, unknown]> = Object.entries(defaultSettings).flatMap(([key, value]): Array<[string, unknown]> =>
    key === 'hover' || key === 'history' ? Object.entries(value as object).map(([k, v]): [string, unknown] => [`${key}.${k}`, v]) : [[key, value]],
  );
  assert.deepEqual(contributed, flat.map(([key]) => `${settingsSection}.${key}`).sort());
  for (const [key, value] of flat) {
    const property = properties[`${settingsSection}.${key}`];
    assert.deepEqual(property.default, value, key);
    if (property.enum) assert.ok(property.enum.includes(value), `${key}: default ${String(value)} is one of its enum values`);
  }
});

void test('layerLens.history: the suffix is off unless true; commits a whole number from 1 to MAX_COMMITS, as package.json declares', () => {
  const commits = properties[`${settingsSection}.history.commits`] as ConfigurationProperty & { minimum?: number; maximum?: number };
  assert.deepEqual([commits.minimum, commits.maximum], [1, MAX_COMMITS]);
  assert.deepEqual(normaliseSettings({ history: { lensSuffix: true, commits: 7 } }).history, { lensSuffix: true, commits: 7 });
  assert.deepEqual(normaliseSettings({ history: { commits: MAX_COMMITS } }).history, { lensSuffix: false, commits: MAX_COMMITS });
  for (const bad of [0, -3, 2.5, MAX_COMMITS + 1, '20', null, Number.NaN])
    assert.equal(normaliseSettings({ history: { lensSuffix: 'yes', commits: bad } }).history.commits, DEFAULT_COMMITS, String(bad));
  assert.equal(normaliseSettings({ history: { lensSuffix: 'yes' } }).history.lensSuffix, false);
  assert.deepEqual(normaliseSettings({ history: 'all' }).history, defaultSettings.history);
});

void test('normaliseSettings keeps valid values and replaces missing or invalid ones with defaults', () => {
  assert.deepEqual(normaliseSettings({ builder: 'classic' }), { ...defaultSettings, builder: 'classic' });
  assert.deepEqual(normaliseSettings({ builder: 'kaniko', baseline: 'yesterday', buildArgs: ['x'], dockerfiles: 'all' }), defaultSettings);
  assert.deepEqual(normaliseSettings(undefined), defaultSettings);
  assert.deepEqual(normaliseSettings('nonsense'), defaultSettings);
  assert.deepEqual(normaliseSettings({ baseline: 'gitHead' }).baseline, 'gitHead');
  assert.deepEqual(
    normaliseSettings({ buildArgs: { A: 'a', N: 3, B: true, O: {}, '': 'x' } }).buildArgs,
    { A: 'a', N: '3', B: 'true' },
    'docker takes text; objects and empty names are dropped',
  );
  assert.deepEqual(
    normaliseSettings({ dockerfiles: { ' api/Dockerfile ': { context: ' . ', target: '', builder: 'podman', buildArgs: { X: '1' }, extra: 1 }, bad: 'x' } })
      .dockerfiles,
    { 'api/Dockerfile': { context: '.', buildArgs: { X: '1' } }, bad: {} },
  );
  // A platform is kept normalised; one that is not a platform is dropped (the machine's applies).
  assert.deepEqual(normaliseSettings({ dockerfiles: { a: { platform: ' LINUX/aarch64 ' }, b: { platform: 'linux//x' }, c: { platform: 7 } } }).dockerfiles, {
    a: { platform: 'linux/arm64' },
    b: {},
    c: {},
  });
  assert.equal(
    dockerfileSettings(normaliseSettings({ dockerfiles: { Dockerfile: { platform: 'linux/arm/v7' } } }), '/w/Dockerfile', '/w').platform,
    'linux/arm/v7',
  );
  assert.equal(dockerfileSettings(normaliseSettings({}), '/w/Dockerfile', '/w').platform, undefined);
});

void test('dockerfileSettings: globs and exact paths relative to the workspace folder; exact paths win; args merge', () => {
  const settings = normaliseSettings({
    builder: 'buildkit',
    buildArgs: { NODE_ENV: 'production', A: 'global' },
    dockerfiles: {
      'services/*/Dockerfile': { context: 'services', target: 'runtime', buildArgs: { A: 'glob' } },
      'services/api/Dockerfile': { builder: 'classic', buildArgs: { A: 'exact' } },
      '*.Dockerfile': { context: '/abs/ctx' },
      '**/{dev,test}.Dockerfile': { target: 'dev' },
    },
  });
  const ws = '/ws';
  assert.deepEqual(dockerfileSettings(settings, '/ws/services/api/Dockerfile', ws), {
    builder: 'classic',
    baseline: 'auto',
    buildArgs: { NODE_ENV: 'production', A: 'exact' },
    target: 'runtime',
    context: '/ws/services',
    fromSetting: true,
  });
  assert.deepEqual(dockerfileSettings(settings, '/ws/services/web/Dockerfile', ws).buildArgs, { NODE_ENV: 'production', A: 'glob' });
  assert.deepEqual(dockerfileSettings(settings, '/ws/Dockerfile', ws), {
    builder: 'buildkit',
    baseline: 'auto',
    buildArgs: { NODE_ENV: 'production', A: 'global' },
  });
  assert.equal(dockerfileSettings(settings, '/ws/deep/down/worker.Dockerfile', ws).context, '/abs/ctx', 'a key without a slash matches the file name anywhere');
  assert.equal(dockerfileSettings(settings, '/ws/a/b/dev.Dockerfile', ws).target, 'dev');
  assert.equal(dockerfileSettings(settings, '/ws/a/b/prod.Dockerfile', ws).target, undefined);
  assert.equal(
    dockerfileSettings(settings, '/elsewhere/services/api/Dockerfile', undefined).context,
    undefined,
    "outside any workspace folder: paths are relative to the Dockerfile's folder",
  );
});

void test('globMatches: * and ? stay in a segment, ** spans segments, braces pick, regex characters are literal', () => {
  assert.equal(globMatches('*.Dockerfile', 'api.Dockerfile'), true);
  assert.equal(globMatches('*.Dockerfile', 'a/api.Dockerfile'), false);
  assert.equal(globMatches('**/Dockerfile', 'Dockerfile'), true);
  assert.equal(globMatches('**/Dockerfile', 'a/b/Dockerfile'), true);
  assert.equal(globMatches('a/**', 'a/b/c'), true);
  assert.equal(globMatches('Dockerfile.?', 'Dockerfile.x'), true);
  assert.equal(globMatches('{api,web}/Dockerfile', 'web/Dockerfile'), true);
  assert.equal(globMatches('{api,web}/Dockerfile', 'db/Dockerfile'), false);
  assert.equal(globMatches('a+b(1).Dockerfile', 'a+b(1).Dockerfile'), true);
  assert.equal(globMatches('a,b', 'a,b'), true);
});

void test('a build arg named __proto__ or constructor is kept as an argument, from settings and per-Dockerfile overrides', () => {
  const raw = JSON.parse('{"buildArgs":{"__proto__":"p","constructor":"c"},"dockerfiles":{"Dockerfile":{"buildArgs":{"__proto__":"q"}}}}') as unknown;
  const settings = normaliseSettings(raw);
  assert.deepEqual(Object.entries(settings.buildArgs), [
    ['__proto__', 'p'],
    ['constructor', 'c'],
  ]);
  const merged = dockerfileSettings(settings, '/w/Dockerfile', '/w').buildArgs;
  assert.deepEqual(Object.entries(merged), [
    ['__proto__', 'q'],
    ['constructor', 'c'],
  ]);
  assert.equal(Object.getPrototypeOf(merged), Object.prototype);
});
