// Server strings in the editor's display language. The client passes VS Code's l10n bundle for this
// extension (vscode.l10n.bundle: l10n/bundle.l10n.<locale>.json, or nothing for English) at initialize;
// @vscode/l10n looks every English source string up in it. The core takes the result as its `Translate`.
import * as l10n from '@vscode/l10n';
import { englishT, type Translate } from '../core/shared/translate';
import type { InitializationOptions } from '../protocol';

/** Configures @vscode/l10n for this server (it holds one bundle per process) and returns its `t`. */
export function serverTranslate(options: InitializationOptions['l10n'], log: (message: string) => void): Translate {
  const bundle = options?.bundle;
  const usable = typeof bundle === 'object' && bundle !== null && !Array.isArray(bundle);
  if (bundle !== undefined && !usable) log(`Ignoring the l10n bundle for ${options?.locale ?? 'an unknown locale'}: it is not a JSON object.`);
  // Always configure, so a server started after another one in the same process (tests) never keeps its bundle.
  l10n.config({ contents: usable ? bundle : {} });
  log(`Display language ${options?.locale ?? 'not given'}: ${usable ? `${Object.keys(bundle).length} translated messages` : 'English (no l10n bundle)'}.`);
  // English: the source strings as they are (renderReason and renderMessage fill the templates themselves).
  return usable && Object.keys(bundle).length > 0 ? (message, ...args) => l10n.t(message, ...args) : englishT;
}
