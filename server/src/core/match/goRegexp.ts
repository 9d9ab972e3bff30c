// Go's regexp/syntax parser (flags syntax.Perl, as regexp.Compile uses), ported for the regular expressions
// moby/patternmatcher builds from .dockerignore lines, to a pattern for linearMatch.ts. Those expressions can
// hold any of Go's syntax that a `\` escape or a `[` class lets through (`\d`, `\pL`, `\Q...\E`, `[[:alpha:]]`,
// `\b`, octal and hex escapes), so this follows Go's parser, not JavaScript's: a pattern means what it means to
// Docker, and is rejected where Go rejects it. patternmatcher escapes `.`, `+`, `(`, `)` and `$` but, through a bug
// in its escape bitmap, not `|`, `{` and `}`: alternation and counted repetition (`a{2,3}`) do reach Go's parser,
// and are handled here. Never reachable (patternmatcher writes no `(?`): flag groups, reported as errors.
import { alt, cat, charTest, EMPTY, literal, type Node } from './linearMatch';
import { category, ch, ClassItem, GoSyntaxError, isAlnum, isOctal, negate, PERL, POSIX, range, unhex } from './goClasses';

class Parser {
  private i = 0;
  constructor(private readonly t: readonly number[]) {}

  private at(k: number): number | undefined {
    return this.t[this.i + k];
  }

  private fail(): never {
    throw new GoSyntaxError();
  }

  /** parseEscape: the code point of a `\` escape outside the Perl and Unicode classes. */
  private escape(): number {
    this.i++; // the backslash
    const c = this.t[this.i++];
    if (c === undefined) this.fail(); // ErrTrailingBackslash
    if (c < 0x80 && !isAlnum(c)) return c;
    if (c >= 49 && c <= 55 && !isOctal(this.at(0))) this.fail(); // \1-\7 alone: a back reference
    if (c >= 48 && c <= 55) {
      let r = c - 48;
      for (let k = 1; k < 3 && isOctal(this.at(0)); k++) r = r * 8 + this.t[this.i++] - 48;
      return r;
    }
    if (c === ch('x')) {
      if (this.at(0) === undefined) this.fail();
      const c1 = this.t[this.i++];
      if (c1 === ch('{')) {
        let r = 0;
        let digits = 0;
        for (;;) {
          const d = this.t[this.i++];
          if (d === undefined) this.fail();
          if (d === ch('}')) break;
          const v = unhex(d);
          if (v < 0) this.fail();
          r = r * 16 + v;
          if (r > 0x10ffff) this.fail();
          digits++;
        }
        if (digits === 0) this.fail();
        return r;
      }
      const x = unhex(c1);
      const y = unhex(this.at(0));
      if (this.at(0) !== undefined) this.i++;
      if (x < 0 || y < 0) this.fail();
      return x * 16 + y;
    }
    const simple: Record<number, number> = { 97: 7, 102: 12, 110: 10, 114: 13, 116: 9, 118: 11 }; // \a \f \n \r \t \v
    if (Object.hasOwn(simple, c)) return simple[c];
    return this.fail(); // ErrInvalidEscape
  }

  /** parseUnicodeClass: `\pX` / `\PX` (one-letter names; the braced form needs a `{`, never written here). */
  private unicodeClass(): ClassItem | undefined {
    if (this.at(0) !== ch('\\') || (this.at(1) !== ch('p') && this.at(1) !== ch('P'))) return undefined;
    let negated = this.at(1) === ch('P');
    const c = this.at(2);
    if (c === ch('{')) this.fail();
    this.i += c === undefined ? 2 : 3;
    let name = c === undefined ? '' : String.fromCodePoint(c);
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const item = category(name);
    if (!item) this.fail(); // ErrInvalidCharRange
    return negated ? negate(item) : item;
  }

  /** parsePerlClassEscape: \d \D \s \S \w \W. */
  private perlClass(): ClassItem | undefined {
    if (this.at(0) !== ch('\\') || this.at(1) === undefined) return undefined;
    const name = String.fromCodePoint(this.at(1)!);
    if (!Object.hasOwn(PERL, name)) return undefined;
    this.i += 2;
    return PERL[name];
  }

  /** parseClass, from the `[`. */
  private parseClass(): Node {
    this.i++;
    let negated = false;
    if (this.at(0) === ch('^')) {
      negated = true;
      this.i++;
    }
    const items: ClassItem[] = [];
    let first = true;
    while (this.at(0) !== ch(']') || first) {
      first = false;
      if (this.t.length - this.i > 2 && this.at(0) === ch('[') && this.at(1) === ch(':')) {
        const named = this.namedClass();
        if (named) {
          items.push(named);
          continue;
        }
      }
      const u = this.unicodeClass();
      if (u) {
        items.push(u);
        continue;
      }
      const p = this.perlClass();
      if (p) {
        items.push(p);
        continue;
      }
      const lo = this.classChar();
      let hi = lo;
      if (this.t.length - this.i >= 2 && this.at(0) === ch('-') && this.at(1) !== ch(']')) {
        this.i++;
        hi = this.classChar();
        if (hi < lo) this.fail(); // ErrInvalidCharRange
      }
      items.push(range(lo, hi));
    }
    this.i++; // the ]
    return charTest((c) => items.some((item) => item.test(c)) !== negated);
  }

  /** parseNamedClass: `[:alpha:]`, `[:^alpha:]`; looks for ":]" anywhere after, as Go does. */
  private namedClass(): ClassItem | undefined {
    let end = -1;
    for (let k = this.i + 2; k + 1 < this.t.length; k++) {
      if (this.t[k] === ch(':') && this.t[k + 1] === ch(']')) {
        end = k;
        break;
      }
    }
    if (end < 0) return undefined;
    let name = String.fromCodePoint(...this.t.slice(this.i + 2, end));
    this.i = end + 2;
    const negated = name.startsWith('^');
    if (negated) name = name.slice(1);
    const item = Object.hasOwn(POSIX, name) ? POSIX[name] : undefined;
    if (!item) this.fail(); // ErrInvalidCharRange
    return negated ? negate(item) : item;
  }

  /** parseClassChar. */
  private classChar(): number {
    const c = this.at(0);
    if (c === undefined) this.fail(); // ErrMissingBracket
    if (c === ch('\\')) return this.escape();
    this.i++;
    return c;
  }

  /** repeat: the operator after its operand (already consumed); Perl mode refuses `a**` and a missing operand. */
  private repeat(cur: Node[], lastRepeat: boolean, wrap: (x: Node) => Node): Node {
    if (this.at(0) === ch('?')) this.i++; // non-greedy: the same set of matches
    if (lastRepeat) this.fail(); // ErrInvalidRepeatOp
    const sub = cur.pop();
    if (!sub) this.fail(); // ErrMissingRepeatArgument
    return wrap(sub);
  }

  /** parseRepeat: `{n}`, `{n,}`, `{n,m}` consumed, or undefined (then `{` is a literal). -1: a number too big. */
  private countedRepeat(): [number, number] | undefined {
    const t = this.t;
    let k = this.i + 1;
    const int = (): number | undefined => {
      if (!(t[k] >= 48 && t[k] <= 57)) return undefined;
      if (t[k] === 48 && t[k + 1] >= 48 && t[k + 1] <= 57) return undefined; // no leading zeros
      let n = 0;
      for (; t[k] >= 48 && t[k] <= 57; k++) n = n < 0 || n >= 1e8 ? -1 : n * 10 + t[k] - 48;
      return n;
    };
    let min = int();
    if (min === undefined || k >= t.length) return undefined;
    let max = min;
    if (t[k] === ch(',')) {
      k++;
      if (k >= t.length) return undefined;
      if (t[k] === ch('}')) max = -1;
      else {
        const m = int();
        if (m === undefined) return undefined;
        max = m;
        if (max < 0) min = -1;
      }
    }
    if (t[k] !== ch('}')) return undefined;
    this.i = k + 1;
    return [min, max];
  }

  parse(): Node {
    const t = this.t;
    // One frame per open group: finished alternatives and the concatenation being built.
    const frames: Array<{ alts: Node[]; cur: Node[] }> = [{ alts: [], cur: [] }];
    let lastRepeat = false;
    while (this.i < t.length) {
      const frame = frames[frames.length - 1];
      const c = t[this.i];
      let repeat = false;
      if (c === ch('(')) {
        if (this.at(1) === ch('?')) this.fail(); // flags and named groups: never written by patternmatcher
        frames.push({ alts: [], cur: [] });
        this.i++;
      } else if (c === ch('|')) {
        frame.alts.push(cat(frame.cur));
        frame.cur = [];
        this.i++;
      } else if (c === ch(')')) {
        if (frames.length === 1) this.fail(); // ErrUnexpectedParen
        frames.pop();
        frames[frames.length - 1].cur.push(alt([...frame.alts, cat(frame.cur)]));
        this.i++;
      } else if (c === ch('^')) {
        frame.cur.push({ k: 'assert', a: 'begin' });
        this.i++;
      } else if (c === ch('$')) {
        frame.cur.push({ k: 'assert', a: 'end' });
        this.i++;
      } else if (c === ch('.')) {
        frame.cur.push(charTest((x) => x !== 10));
        this.i++;
      } else if (c === ch('[')) {
        frame.cur.push(this.parseClass());
      } else if (c === ch('*') || c === ch('+') || c === ch('?')) {
        this.i++;
        frame.cur.push(this.repeat(frame.cur, lastRepeat, (x) => ({ k: c === ch('*') ? 'star' : c === ch('+') ? 'plus' : 'quest', x })));
        repeat = true;
      } else if (c === ch('{')) {
        const counted = this.countedRepeat();
        if (!counted) {
          frame.cur.push(literal(c)); // not a repetition: a literal '{'
          this.i++;
        } else {
          const [min, max] = counted;
          if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max)) this.fail(); // ErrInvalidRepeatSize
          frame.cur.push(this.repeat(frame.cur, lastRepeat, (x) => expand(x, min, max)));
          repeat = true;
        }
      } else if (c === ch('\\')) {
        const n = this.at(1);
        const assertion = n === ch('A') ? 'begin' : n === ch('z') ? 'end' : n === ch('b') ? 'word' : n === ch('B') ? 'notWord' : undefined;
        if (assertion) {
          frame.cur.push({ k: 'assert', a: assertion });
          this.i += 2;
        } else if (n === ch('C')) {
          this.fail(); // \C (any byte) is not supported
        } else if (n === ch('Q')) {
          // \Q...\E: literal text up to \E or the end.
          let k = this.i + 2;
          while (k < t.length && !(t[k] === ch('\\') && t[k + 1] === ch('E'))) frame.cur.push(literal(t[k++]));
          this.i = k < t.length ? k + 2 : k;
        } else {
          const cls = this.unicodeClass() ?? this.perlClass();
          if (cls) frame.cur.push(charTest(cls.test));
          else frame.cur.push(literal(this.escape()));
        }
      } else {
        frame.cur.push(literal(c));
        this.i++;
      }
      lastRepeat = repeat;
    }
    if (frames.length > 1) this.fail(); // ErrMissingParen
    const top = frames[0];
    return top.alts.length ? alt([...top.alts, cat(top.cur)]) : top.cur.length ? cat(top.cur) : EMPTY;
  }
}

/** x{min,max} (max -1: no upper bound) as copies: xx(x(x)?)? or xxx+. */
function expand(x: Node, min: number, max: number): Node {
  if (max === -1) return min === 0 ? { k: 'star', x } : cat([...new Array<Node>(min - 1).fill(x), { k: 'plus', x }]);
  let tail: Node = EMPTY;
  for (let k = min; k < max; k++) tail = { k: 'quest', x: cat([x, tail]) };
  return cat([...new Array<Node>(min).fill(x), tail]);
}

/** Parses `source` as Go's regexp.Compile would; undefined where Go returns an error. */
export function parseGoRegexp(source: string): Node | undefined {
  const points = Array.from(source, (s) => s.codePointAt(0)!);
  try {
    return new Parser(points).parse();
  } catch (err) {
    if (err instanceof GoSyntaxError) return undefined;
    throw err;
  }
}
