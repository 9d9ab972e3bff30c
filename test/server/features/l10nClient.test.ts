// The client's own words are translatable like the server's: every vscode.l10n.t('...') of client/src, every
// string of the layer stack webview (WEBVIEW_STRINGS) and every t('...') of server/src/features has a Korean
// translation in l10n/bundle.l10n.ko.json; package.json's %key% strings have English and Korean in package.nls*.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEBVIEW_STRINGS } from '../../../client/src/layerStack/messages';

const root = join(__dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const bundle = JSON.parse(read('l10n/bundle.l10n.ko.json')) as Record<string, string>;
const hangul = /[\uac00-\ud7a3]/;
const placeholders = (s: string) => [...new Set(s.match(/\{\d+\}/g) ?? [])].sort();

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));
}

/** The first argument of every `<call>('literal'` in the files (single-quoted literals, as the code writes them). */
function literals(files: string[], call: RegExp): string[] {
  const found = new Set<string>();
  for (const file of files) {
    for (const m of read(file).matchAll(new RegExp(`${call.source}\\(\\s*'((?:[^'\\\\]|\\\\.)*)'`, 'g'))) found.add(m[1].replace(/\\'/g, "'"));
  }
  return [...found];
}

function assertTranslated(messages: string[], where: string): void {
  const missing = messages.filter((m) => bundle[m] === undefined);
  assert.deepEqual(missing, [], `${where}: no Korean for these`);
  for (const m of messages) {
    assert.deepEqual(placeholders(bundle[m]), placeholders(m), m);
    // Words to translate (not only the product name, placeholders and punctuation): the Korean has Hangul.
    if (/[a-z]{3,}/.test(m.replace(/Layer Lens|\{\d+\}/g, ''))) assert.match(bundle[m], hangul, m);
  }
}

void test('every vscode.l10n.t message of the client has a Korean translation', () => {
  const messages = literals(sources('client/src'), /vscode\.l10n\.t/);
  assert.ok(messages.length > 40, `only ${messages.length} messages found`);
  assertTranslated(messages, 'client/src');
});

void test('every string of the layer stack webview has a Korean translation, and the page uses no other', () => {
  assertTranslated([...WEBVIEW_STRINGS], 'WEBVIEW_STRINGS');
  const used = literals(['media/src/main.ts'], /\bt/);
  assert.ok(used.length > 15);
  assert.deepEqual(
    used.filter((m) => !(WEBVIEW_STRINGS as readonly string[]).includes(m)),
    [],
  );
});

void test('every t() message of the language server features has a Korean translation', () => {
  const messages = literals(
    [
      ...['server/src/features', 'server/src/document', 'server/src/store', 'server/src/lsp'].flatMap(sources),
      'server/src/core/stack/layerStack.ts',
      'server/src/core/plan/cost.ts',
    ],
    /\bt/,
  );
  assert.ok(messages.length > 20);
  assertTranslated(messages, 'server/src/features');
});

void test('package.json: every %key% has English in package.nls.json and Korean in package.nls.ko.json', () => {
  const manifest = read('package.json');
  const en = JSON.parse(read('package.nls.json')) as Record<string, string>;
  const ko = JSON.parse(read('package.nls.ko.json')) as Record<string, string>;
  const keys = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
  assert.ok(keys.length >= 20);
  assert.deepEqual(
    keys.filter((k) => en[k] === undefined),
    [],
    'no English',
  );
  assert.deepEqual(Object.keys(ko).sort(), Object.keys(en).sort());
  for (const k of keys) {
    // A walkthrough page is named by its path: the Korean one is another file, and that file is Korean.
    if (k.endsWith('.media')) {
      assert.notEqual(ko[k], en[k], k);
      assert.match(read(ko[k]), hangul, ko[k]);
    } else {
      assert.match(ko[k], hangul, k);
    }
  }
  // Command titles and setting descriptions are all translated: no English text left in their fields.
  const contributes = (JSON.parse(manifest) as { contributes: { commands: Array<{ title: string }> } }).contributes;
  for (const command of contributes.commands) assert.match(command.title, /^%.+%$/);
});
