// A language pack for VS Code's display language, made at test time. code-server only switches its display
// language (`--locale`) to a language that an installed language pack contributes; the Marketplace's packs
// cannot be fetched here. This pack contributes the language with no translations of VS Code's own strings
// (its UI stays English), which is enough for VS Code to run in that language: vscode.env.language is the
// locale, and extensions get their l10n bundle for it (l10n/bundle.l10n.<locale>.json), as with a real pack.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './session';

const PUBLISHER = 'layer-lens-tests';
const VERSION = '0.0.1';
const packName = (locale: string) => `test-language-pack-${locale}`;

/** Packages the language pack for `locale` as a .vsix at `out`. */
export function packageLanguagePack(locale: string, languageName: string, out: string): string {
  const dir = mkdtempSync(join(tmpdir(), `layer-lens-language-pack-${locale}-`));
  try {
    const manifest = {
      name: packName(locale),
      displayName: `Test language pack (${languageName})`,
      description: `Makes ${languageName} available as the display language in the Layer Lens e2e tests; translates nothing of VS Code itself.`,
      publisher: PUBLISHER,
      version: VERSION,
      license: 'MIT',
      engines: { vscode: '^1.91.0' },
      categories: ['Language Packs'],
      contributes: {
        localizations: [
          { languageId: locale, languageName, localizedLanguageName: languageName, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] },
        ],
      },
    };
    mkdirSync(join(dir, 'translations'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(dir, 'README.md'), `${manifest.description}\n`);
    writeFileSync(join(dir, 'translations/main.i18n.json'), JSON.stringify({ version: '1.0.0', contents: {} }));
    execFileSync(
      process.execPath,
      [join(repoRoot, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Registers the installed pack in <user-data>/languagepacks.json, in the shape VS Code's language pack service
 * writes when a pack is installed through a running server (code-server's `--install-extension` does not run
 * that service). code-server reads this file to resolve `--locale`.
 */
export function registerLanguagePack(dirs: { userDataDir: string; extensionsDir: string }, locale: string, languageName: string): void {
  const id = `${PUBLISHER}.${packName(locale)}`;
  const translations = join(dirs.extensionsDir, `${id}-${VERSION}`, 'translations/main.i18n.json');
  if (!existsSync(translations)) throw new Error(`the ${languageName} language pack is not installed: no ${translations}`);
  const hash = createHash('md5').update(id).update(VERSION).digest('hex');
  const packs = {
    [locale]: { hash, extensions: [{ extensionIdentifier: { id }, version: VERSION }], translations: { vscode: translations }, label: languageName },
  };
  writeFileSync(join(dirs.userDataDir, 'languagepacks.json'), JSON.stringify(packs));
}
