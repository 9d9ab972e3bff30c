// Words of an instruction's arguments: splitting on unquoted whitespace, ARG declarations, --mount options.
// Split from stages.ts.
import type { Instruction } from './parse';
import { processWord, type Vars } from './words';

/** `ARG a=1 b` → [['a','1'],['b',undefined]] with defaults expanded. */
export function argDeclarations(ins: Instruction, vars: Vars, escape: string): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  for (const word of splitKeepingQuotes(ins.args)) {
    const eq = word.indexOf('=');
    if (eq < 0) out.push([word, undefined]);
    else out.push([word.slice(0, eq), processWord(word.slice(eq + 1), vars, escape).value]);
  }
  return out;
}

/** Splits on unquoted whitespace, keeping quotes and escapes for later processing. */
export function splitKeepingQuotes(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      cur += c;
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += c + text[++i];
    } else if (/\s/.test(c)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/** `type=cache,target=/c` → its options by lower-case name (a bare word is "true"). */
export function mountOptions(value: string): Map<string, string> {
  const opts = new Map<string, string>();
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) opts.set(part.trim().toLowerCase(), 'true');
    else opts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return opts;
}
