// Docker's word lexer for instruction arguments (a port of the behaviour of moby/buildkit
// frontend/dockerfile/shell/lex.go): quotes are removed, `$VAR` / `${VAR}` and the
// `${VAR:-word}` family are expanded from build-time variables, and the escape character
// protects the next character. RUN, CMD and ENTRYPOINT text is never expanded by Docker;
// the cache keys use it verbatim.
//
// Docker's lexer recurses without a bound; here nesting past MAX_EXPANSION_DEPTH and a word longer than
// MAX_EXPANDED_LENGTH throw a LimitError (core/dockerfile/limits.ts) instead of exhausting the stack or the heap.
import { expansionDepthMessage, expansionLengthMessage, LimitError, MAX_EXPANDED_LENGTH, MAX_EXPANSION_DEPTH } from './limits';

export type Vars = ReadonlyMap<string, string>;

export interface LexResult {
  words: string[];
  /** Variables the text referred to (set or not); a changed value of these changes the result. */
  used: string[];
}

/** Splits `text` into words like Docker does for COPY, ADD, EXPOSE, VOLUME (shell form), with expansion. */
export function processWords(text: string, vars: Vars, escape = '\\'): LexResult {
  return lex(text, vars, escape, true, 0);
}

/** Expands one word (ENV/ARG values, WORKDIR, USER, FROM, ...); whitespace is kept. */
export function processWord(text: string, vars: Vars, escape = '\\'): { value: string; used: string[] } {
  return word(text, vars, escape, 0);
}

function word(text: string, vars: Vars, escape: string, depth: number): { value: string; used: string[] } {
  const r = lex(text, vars, escape, false, depth);
  return { value: r.words.join(''), used: r.used };
}

function lex(text: string, vars: Vars, escape: string, split: boolean, depth: number): LexResult {
  if (depth > MAX_EXPANSION_DEPTH) throw new LimitError(expansionDepthMessage());
  const words: string[] = [];
  const used = new Set<string>();
  let cur = '';
  let inWord = false;
  let i = 0;
  let total = 0;
  const flush = () => {
    total += cur.length;
    if (total > MAX_EXPANDED_LENGTH) throw new LimitError(expansionLengthMessage());
    if (inWord) words.push(cur);
    cur = '';
    inWord = false;
  };
  while (i < text.length) {
    const ch = text[i];
    if (split && /\s/.test(ch)) {
      flush();
      i++;
      continue;
    }
    inWord = true;
    if (ch === escape) {
      if (i + 1 < text.length) cur += text[i + 1];
      i += 2;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      cur += text.slice(i + 1, stop);
      i = stop + 1;
    } else if (ch === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === escape && i + 1 < text.length && ['"', '$', escape].includes(text[i + 1])) {
          cur += text[i + 1];
          i += 2;
        } else if (text[i] === '$') {
          const r = expandAt(text, i, vars, escape, used, depth);
          cur += r.value;
          if (cur.length > MAX_EXPANDED_LENGTH) throw new LimitError(expansionLengthMessage());
          i = r.next;
        } else {
          cur += text[i++];
        }
      }
      i++;
    } else if (ch === '$') {
      const r = expandAt(text, i, vars, escape, used, depth);
      cur += r.value;
      if (cur.length > MAX_EXPANDED_LENGTH) throw new LimitError(expansionLengthMessage());
      i = r.next;
    } else {
      cur += ch;
      i++;
    }
  }
  flush();
  if (!split && words.length === 0) words.push('');
  return { words, used: [...used] };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function expandAt(text: string, i: number, vars: Vars, escape: string, used: Set<string>, depth: number): { value: string; next: number } {
  const rest = text.slice(i + 1);
  if (rest.startsWith('{')) {
    const close = findClose(text, i + 2);
    const inner = text.slice(i + 2, close);
    const m = NAME.exec(inner);
    if (!m) return { value: '', next: close + 1 };
    const name = m[0];
    used.add(name);
    const op = inner.slice(name.length);
    const value = vars.get(name);
    const sub = (w: string) => expandWord(w, vars, escape, depth + 1);
    let out: string;
    if (op === '') out = value ?? '';
    else if (op.startsWith(':-')) out = value ? value : sub(op.slice(2));
    else if (op.startsWith('-')) out = value !== undefined ? value : sub(op.slice(1));
    else if (op.startsWith(':+')) out = value ? sub(op.slice(2)) : '';
    else if (op.startsWith('+')) out = value !== undefined ? sub(op.slice(1)) : '';
    else if (op.startsWith(':?') || op.startsWith('?')) out = value ?? '';
    else out = value ?? '';
    return { value: out, next: close + 1 };
  }
  const m = NAME.exec(rest);
  if (!m) return { value: '$', next: i + 1 };
  used.add(m[0]);
  return { value: vars.get(m[0]) ?? '', next: i + 1 + m[0].length };
}

function expandWord(text: string, vars: Vars, escape: string, depth: number): string {
  return word(text, vars, escape, depth).value;
}

function findClose(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return j;
  }
  return text.length;
}
