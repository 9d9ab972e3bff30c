// Go's path semantics, ported because Docker applies them to COPY sources and .dockerignore:
// path.Clean / path.Base, path.Match (== filepath.Match on Linux), and the byte order Go sorts
// names in. Matching works on code points, which equals Go's byte-wise matching for valid UTF-8.

/** Go's path.Clean: shortest equivalent path; '' becomes '.', '..' above a rooted path is dropped. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}

/** Go's path.Base: last element; '' gives '.', '/' gives '/'. */
export function basePath(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** True when `name` has an unescaped '*', '?' or '[' (BuildKit's and classic's containsWildcards). */
export function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

/** Compare names in UTF-8 byte order (Go's string order), not UTF-16 order. */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after U+E000..U+FFFF in code point order.
    if (x >= 0xd800) x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

const FAIL = -1;
const BAD = -2;
type Chars = readonly string[];

function scanChunk(pat: Chars, i: number): { star: boolean; start: number; end: number } {
  let star = false;
  while (i < pat.length && pat[i] === '*') {
    i++;
    star = true;
  }
  const start = i;
  let inrange = false;
  for (; i < pat.length; i++) {
    const c = pat[i];
    if (c === '\\') {
      if (i + 1 < pat.length) i++;
    } else if (c === '[') inrange = true;
    else if (c === ']') inrange = false;
    else if (c === '*' && !inrange) break;
  }
  return { star, start, end: i };
}

function getEsc(pat: Chars, i: number, end: number): { r: number; next: number } | undefined {
  if (i >= end || pat[i] === '-' || pat[i] === ']') return undefined;
  if (pat[i] === '\\') {
    i++;
    if (i >= end) return undefined;
  }
  const r = pat[i].codePointAt(0) ?? 0;
  if (i + 1 >= end) return undefined; // a class must be closed
  return { r, next: i + 1 };
}

/** Go's matchChunk: index in s after the chunk, FAIL, or BAD (malformed pattern). */
function matchChunk(pat: Chars, start: number, end: number, s: Chars, si: number): number {
  let failed = false;
  let ci = start;
  while (ci < end) {
    if (!failed && si >= s.length) failed = true;
    const c = pat[ci];
    if (c === '[') {
      let r = 0;
      if (!failed) r = s[si++].codePointAt(0) ?? 0;
      ci++;
      let negated = false;
      if (ci < end && pat[ci] === '^') {
        negated = true;
        ci++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (ci < end && pat[ci] === ']' && nrange > 0) {
          ci++;
          break;
        }
        const lo = getEsc(pat, ci, end);
        if (!lo) return BAD;
        ci = lo.next;
        let hi = lo.r;
        if (pat[ci] === '-') {
          const h = getEsc(pat, ci + 1, end);
          if (!h) return BAD;
          hi = h.r;
          ci = h.next;
        }
        if (lo.r <= r && r <= hi) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === '?') {
      if (!failed) {
        if (s[si] === '/') failed = true;
        si++;
      }
      ci++;
    } else {
      let lit = c;
      if (c === '\\') {
        ci++;
        if (ci >= end) return BAD;
        lit = pat[ci];
      }
      if (!failed) {
        if (lit !== s[si]) failed = true;
        si++;
      }
      ci++;
    }
  }
  return failed ? FAIL : si;
}

/**
 * Go's path.Match: `*` and `?` never match '/', `[...]` classes (with `^` negation and ranges),
 * `\` escapes. Returns 'bad' for a malformed pattern, like Go's ErrBadPattern (the whole pattern
 * is validated even after a mismatch, as Go 1.16+ does).
 */
export function goMatch(pattern: string, name: string): boolean | 'bad' {
  return goMatcher(pattern)(name);
}

/** goMatch with the pattern split into code points once, for matching many names. */
export function goMatcher(pattern: string): (name: string) => boolean | 'bad' {
  const pat = Array.from(pattern);
  return (name: string) => {
    const s = Array.from(name);
    let pi = 0;
    let si = 0;
    outer: while (pi < pat.length) {
      const { star, start, end } = scanChunk(pat, pi);
      pi = end;
      if (star && start === end) return !s.slice(si).includes('/');
      const t = matchChunk(pat, start, end, s, si);
      if (t >= 0 && (t === s.length || pi < pat.length)) {
        si = t;
        continue;
      }
      if (t === BAD) return 'bad';
      if (star) {
        for (let i = si; i < s.length && s[i] !== '/'; i++) {
          const t2 = matchChunk(pat, start, end, s, i + 1);
          if (t2 >= 0) {
            if (pi === pat.length && t2 < s.length) continue;
            si = t2;
            continue outer;
          }
          if (t2 === BAD) return 'bad';
        }
      }
      while (pi < pat.length) {
        const rest = scanChunk(pat, pi);
        pi = rest.end;
        if (matchChunk(pat, rest.start, rest.end, [], 0) === BAD) return 'bad';
      }
      return false;
    }
    return si === s.length;
  };
}

/** True when a '/' sits inside a [...] class, so the pattern cannot be matched segment by segment. */
export function classSpansSlash(pattern: string): boolean {
  let inrange = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') inrange = true;
    else if (c === ']') inrange = false;
    else if (c === '/' && inrange) return true;
  }
  return false;
}
