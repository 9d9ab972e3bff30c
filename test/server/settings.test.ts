// The settings shape, its defaults, and package.json's contributes.configuration agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings, normaliseSettings, settingsSection } from '../../server/src/settings';

interface ConfigurationProperty {
  default: unknown;
  enum?: unknown[];
}

const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ConfigurationProperty> } };
};
const properties = manifest.contributes.configuration.properties;
// Settings the language client reads for itself, not part of the server's shape.
const clientOnly = new Set([`${settingsSection}.trace.server`]);

void test('every contributed setting has the same default as the settings module, and back', () => {
  const contributed = Object.keys(properties).filter((key) => !clientOnly.has(key)).sort();
  assert.deepEqual(contributed, Object.keys(defaultSettings).map((key) => `${settingsSection}.${key}`).sort());
  for (const [key, value] of Object.entries(defaultSettings)) {
    const property = properties[`${settingsSection}.${key}`];
    assert.deepEqual(property.default, value, key);
    if (property.enum) assert.ok(property.enum.includes(value), `${key}: default ${String(value)} is one of its enum values`);
  }
});

void test('normaliseSettings keeps valid values and replaces missing or invalid ones with defaults', () => {
  assert.deepEqual(normaliseSettings({ builder: 'classic' }), { builder: 'classic' });
  assert.deepEqual(normaliseSettings({ builder: 'kaniko' }), defaultSettings);
  assert.deepEqual(normaliseSettings(undefined), defaultSettings);
  assert.deepEqual(normaliseSettings('nonsense'), defaultSettings);
});
