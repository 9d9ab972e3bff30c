// Every user-facing string of explain* and advise* goes through a `Translate` the caller injects:
// the language server passes @vscode/l10n's `t` (which looks the English text up in
// l10n/bundle.l10n.<locale>.json), the CLI and the tests pass `englishT`. Messages are English
// source strings with {0}-style placeholders, exactly as @vscode/l10n expects them, so the core
// never imports anything of VS Code.

export type Translate = (message: string, ...args: Array<string | number>) => string;

/** Fills {0}, {1}, ... like @vscode/l10n does when no bundle has the message. */
export function formatMessage(message: string, args: ReadonlyArray<string | number>): string {
  return message.replace(/\{(\d+)\}/g, (whole: string, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

export const englishT: Translate = (message, ...args) => formatMessage(message, args);
