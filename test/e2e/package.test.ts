// The .vsix ships by allowlist (.vscodeignore): the bundles, media assets, README, LICENSE, CHANGELOG and
// package.json, nothing else. These tests build the bundles, ask `vsce ls` what would ship, and package a real
// .vsix to check its entries and size.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
const maxVsixBytes = 1024 * 1024;

// media: the icon, the webview script bundle, its stylesheet, and the codicon font with its stylesheet and licence (no sources);
// the walkthrough's pages (English and Korean) and the example Node project its first step copies.
const allowed = [
  /^media\/walkthrough\/(en|ko)\/[a-zA-Z]+\.md$/,
  /^examples\/node-app\/(Dockerfile|package\.json|src\/app\.js)$/,
  /^media\/icon\.png$/,
  /^dist\/[^/]+\.js$/,
  /^media\/dist\/[^/]+\.js$/,
  /^media\/[^/]+\.css$/,
  /^media\/codicons\/(codicon\.css|codicon\.ttf|LICENSE)$/,
  /^l10n\/bundle\.l10n\.[a-z-]+\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^package\.json$/,
  /^package\.nls(\.[a-z-]+)?\.json$/,
];

function run(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let shipped: string[] = [];

before(() => {
  run(['esbuild.mjs']);
  shipped = run([vsce, 'ls', '--no-dependencies'])
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
});

void test('vsce ls ships only the bundles, media, the walkthrough and its example, README, LICENSE, CHANGELOG, package.json and its translations', () => {
  const unexpected = shipped.filter((file) => !allowed.some((pattern) => pattern.test(file)));
  assert.deepEqual(unexpected, [], `files outside the allowlist would ship: ${unexpected.join(', ')}`);
});

void test('vsce ls ships the client and server bundles, the layer stack webview and the documents', () => {
  const required = [
    'package.json',
    'dist/client.js',
    'dist/server.js',
    'LICENSE',
    'CHANGELOG.md',
    'media/dist/main.js',
    'media/webview.css',
    'media/layerStack.css',
    'media/dist/history.js',
    'media/history.css',
    'media/codicons/codicon.css',
    'media/codicons/codicon.ttf',
    'media/codicons/LICENSE',
    'l10n/bundle.l10n.ko.json',
    'package.nls.json',
    'package.nls.ko.json',
    'examples/node-app/Dockerfile',
    'examples/node-app/package.json',
    'examples/node-app/src/app.js',
  ];
  if (existsSync(join(root, 'README.md'))) required.push('README.md');
  for (const file of required) assert.ok(shipped.includes(file), `${file} is missing from: ${shipped.join(', ')}`);
});

void test('package.json is ready for a marketplace: vsce packages it without any --allow-missing flag', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const flags = packageScriptFlags();
  assert.deepEqual(
    flags.filter((flag) => flag.startsWith('--allow-')),
    [],
    `npm run package bypasses a check: ${flags.join(' ')}`,
  );
  const icon = manifest.icon as string;
  assert.ok(shipped.includes(icon), `icon ${icon} is not shipped`);
  const png = readFileSync(join(root, icon));
  assert.equal(png.toString('latin1', 1, 4), 'PNG', `${icon} is not a PNG`);
  assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128, `${icon} is smaller than the 128x128 the marketplace asks for`);
  assert.match((manifest.galleryBanner as { color: string }).color, /^#[0-9a-f]{6}$/i);
  assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.length > 0 && manifest.keywords.length <= 30);
  assert.equal(manifest.license, 'MIT');
  // No public repository exists yet: the URL is a placeholder under the reserved .invalid domain (it can never
  // resolve or belong to anyone) until there is one.
  const url = new URL((manifest.repository as { url: string }).url);
  assert.ok(url.hostname.endsWith('.invalid'), `repository ${url.href}: replace the placeholder only with the real public URL`);
});

void test('every walkthrough page package.json names, in every language, ships', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    contributes: { walkthroughs: Array<{ steps: Array<{ id: string; media: { markdown: string } }> }> };
  };
  const steps = manifest.contributes.walkthroughs.flatMap((w) => w.steps);
  assert.ok(steps.length >= 6, `only ${steps.length} walkthrough steps`);
  for (const nls of ['package.nls.json', 'package.nls.ko.json']) {
    const strings = JSON.parse(readFileSync(join(root, nls), 'utf8')) as Record<string, string>;
    for (const step of steps) {
      // The page's path is a translated string (%key%): each language names its own page.
      const key = /^%(.+)%$/.exec(step.media.markdown)?.[1];
      assert.ok(key, `step ${step.id}: its markdown is not a %key% of package.nls*.json`);
      const page = strings[key];
      assert.ok(page, `${nls} has no ${key}`);
      assert.ok(shipped.includes(page), `${nls}: ${page} (step ${step.id}) does not ship`);
    }
  }
});

void test('package.json main points at a shipped bundle', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
  assert.ok(shipped.includes(manifest.main.replace(/^\.\//, '')), `main ${manifest.main} is not shipped`);
});

void test('the packaged .vsix holds exactly the listed files and stays small', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layer-lens-vsix-'));
  try {
    const vsix = join(dir, 'layer-lens.vsix');
    run([vsce, 'package', ...packageScriptFlags(), '--out', vsix]);
    const size = statSync(vsix).size;
    assert.ok(size < maxVsixBytes, `.vsix is ${size} bytes, over ${maxVsixBytes}`);
    const entries = zipEntryNames(readFileSync(vsix))
      .filter((name) => name.startsWith('extension/'))
      .map((name) => name.slice('extension/'.length))
      // vsce renames LICENSE to LICENSE.txt and CHANGELOG.md to changelog.md inside the package.
      .map((name) => (name === 'LICENSE.txt' ? 'LICENSE' : name === 'changelog.md' ? 'CHANGELOG.md' : name === 'readme.md' ? 'README.md' : name));
    assert.deepEqual([...entries].sort(), [...shipped].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The vsce flags of `npm run package` (the README's Install section), so this test packages the same way. */
function packageScriptFlags(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const vscePart = /(?:^|&&)\s*vsce package((?:\s+--[a-z-]+)*)\s*$/.exec(manifest.scripts.package);
  assert.ok(vscePart, `the package script does not end with a vsce package command: ${manifest.scripts.package}`);
  return vscePart[1].trim().split(/\s+/).filter(Boolean);
}

/** Names in a zip file's central directory (enough of the format for a .vsix). */
function zipEntryNames(zip: Buffer): string[] {
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(endOfDirectory >= 0, 'not a zip file');
  const count = zip.readUInt16LE(endOfDirectory + 10);
  let offset = zip.readUInt32LE(endOfDirectory + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, 'bad central directory entry');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}
