// A message other than a step's reason as a value: a code and its arguments (text, numbers, or a nested message).
// The module that has something to say builds the value where it says it (the limits, the store, git, the status
// bar's baseline, the plan's diagnostics, the layer stack's sizes); renderMessage() turns it into text with a
// `Translate`: englishT for the CLI and the logs, the editor's l10n `t` for its display language (the translations
// are keyed by the English templates of MESSAGES, in l10n/bundle.l10n.*.json). Nothing matches text back into a value.
import { MESSAGES, type MessageCode } from './messages';
import { englishT, type Translate } from './translate';

export { MESSAGES, type MessageCode } from './messages';

export type MessageArg = string | number | Message;

export interface Message {
  code: MessageCode;
  args: MessageArg[];
}

export function msg(code: MessageCode, ...args: MessageArg[]): Message {
  return { code, args };
}

/** Text that has no template (an engine's or the system's own words, a file name): shown as it is in every language. */
export function verbatim(text: string): Message {
  return { code: 'verbatim', args: [text] };
}

export function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as Message).code === 'string' && Array.isArray((value as Message).args);
}

/** The text of `message` in the language `t` stands for; nested messages are rendered with the same `t`. */
export function renderMessage(message: Message, t: Translate = englishT): string {
  const args = message.args.map((a) => (typeof a === 'object' ? renderMessage(a, t) : a));
  // Never look a verbatim text up in a bundle: it is not a template.
  if (message.code === 'verbatim') return String(args[0] ?? '');
  const template = (MESSAGES as Record<string, string>)[message.code];
  return template === undefined ? String(message.code) : t(template, ...args);
}

/** An error whose message is a value: `message` is its English text (the CLI's and the logs'), `text` the value. */
export class MessageError extends Error {
  constructor(readonly text: Message) {
    super(renderMessage(text));
  }
}

/** What went wrong, as a value: a MessageError's own, any other error's text verbatim. */
export function messageOf(e: unknown): Message {
  if (e instanceof MessageError) return e.text;
  return verbatim(e instanceof Error ? e.message : String(e));
}

/** A diagnostic whose message is a value (core/shared/types.ts Diagnostic): the English text and the value. */
export function diagnosticOf<S extends 'error' | 'warning' | 'info'>(
  line: number,
  severity: S,
  text: Message,
): { line: number; severity: S; message: string; text: Message } {
  return { line, severity, message: renderMessage(text), text };
}
