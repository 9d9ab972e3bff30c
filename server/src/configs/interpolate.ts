// Compose's variable interpolation (Compose Specification, "Interpolation") and its `.env` file format.
// A variable without a value is never guessed: the names it depends on come back as `unresolved`.
import { setOwn } from '../core/shared/own';

/** Looks a variable up: undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

export interface Interpolated {
  value: string;
  /** Variables the value depends on that have no value (and no default applies). */
  unresolved: string[];
  /** `${VAR:?message}` for an unset VAR: Compose stops with this message. */
  errors: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** Variables nest (`${A:-${B:-c}}`); past this depth the text is left as written. */
const MAX_DEPTH = 16;

/** `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, `$$`. */
export function interpolate(text: string, lookup: Lookup, depth = 0): Interpolated {
  const out: Interpolated = { value: '', unresolved: [], errors: [] };
  if (depth > MAX_DEPTH) return { ...out, value: text };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      const next = text.indexOf('$', i);
      const end = next < 0 ? text.length : next;
      out.value += text.slice(i, end);
      i = end;
      continue;
    }
    const after = text[i + 1];
    if (after === '$') {
      out.value += '$';
      i += 2;
      continue;
    }
    if (after === '{') {
      const close = matchingBrace(text, i + 2);
      if (close < 0) {
        out.value += text.slice(i);
        break;
      }
      expand(text.slice(i + 2, close), lookup, depth, out);
      i = close + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (!name) {
      out.value += '$';
      i++;
      continue;
    }
    const value = lookup(name);
    if (value === undefined) out.unresolved.push(name);
    else out.value += value;
    i += 1 + name.length;
  }
  out.unresolved = [...new Set(out.unresolved)];
  return out;
}

function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function expand(inner: string, lookup: Lookup, depth: number, out: Interpolated): void {
  const name = NAME.exec(inner)?.[0];
  if (!name) {
    out.value += '${' + inner + '}';
    return;
  }
  const rest = inner.slice(name.length);
  const value = lookup(name);
  const sub = (t: string): void => {
    const r = interpolate(t, lookup, depth + 1);
    out.value += r.value;
    out.unresolved.push(...r.unresolved);
    out.errors.push(...r.errors);
  };
  if (rest === '') {
    if (value === undefined) out.unresolved.push(name);
    else out.value += value;
    return;
  }
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (!op) {
    out.value += '${' + inner + '}';
    return;
  }
  const arg = rest.slice(op.length);
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (op) {
    case ':-':
      if (nonEmpty) out.value += value;
      else sub(arg);
      return;
    case '-':
      if (set) out.value += value;
      else sub(arg);
      return;
    case ':?':
    case '?':
      if (op === ':?' ? nonEmpty : set) out.value += value;
      else {
        out.unresolved.push(name);
        out.errors.push(`${name}: ${arg || 'required variable is missing a value'}`);
      }
      return;
    case ':+':
      if (nonEmpty) sub(arg);
      return;
    default:
      if (set) sub(arg);
  }
}

/**
 * A `.env` file as Compose reads it: `KEY=VALUE` lines, `export ` allowed, `#` comments; single quotes are
 * literal, double quotes take `\n`, `\t`, `\"`, `\\` escapes; unquoted and double-quoted values are interpolated
 * with the variables already defined (the environment first, as Compose's own lookup does).
 */
export function parseDotEnv(text: string, outer: Lookup): Record<string, string> {
  const vars: Record<string, string> = {};
  const lookup: Lookup = (n) => outer(n) ?? (Object.hasOwn(vars, n) ? vars[n] : undefined);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trim();
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) continue;
    let raw = line.slice(eq + 1).trimStart();
    let value: string;
    if (raw.startsWith("'") || raw.startsWith('"')) {
      const quote = raw[0];
      // A quoted value may span lines.
      let body = raw.slice(1);
      let end = closingQuote(body, quote);
      while (end < 0 && i + 1 < lines.length) {
        body += '\n' + lines[++i];
        end = closingQuote(body, quote);
      }
      body = end < 0 ? body : body.slice(0, end);
      value =
        quote === "'"
          ? body
          : interpolate(
              body.replace(/\\(["\\nrt])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t' })[ch] ?? ch),
              lookup,
            ).value;
    } else {
      const hash = raw.search(/\s#/);
      if (hash >= 0) raw = raw.slice(0, hash);
      value = interpolate(raw.trim(), lookup).value;
    }
    setOwn(vars, key, value);
  }
  return vars;
}

function closingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (quote === '"' && body[i] === '\\') i++;
    else if (body[i] === quote) return i;
  }
  return -1;
}
