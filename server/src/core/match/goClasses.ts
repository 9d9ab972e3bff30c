// The character classes of Go's regexp/syntax (Perl \d \s \w, POSIX [[:alpha:]], Unicode \pL) and the escape
// helpers goRegexp.ts's parser uses. Split from goRegexp.ts.
/** A set of code points: ranges and named tests, `neg` inverting the union. */
export interface ClassItem {
  readonly test: (c: number) => boolean;
}

export const range = (lo: number, hi: number): ClassItem => ({ test: (c) => c >= lo && c <= hi });
const ranges = (...bounds: number[]): ClassItem => ({
  test: (c) => {
    for (let i = 0; i < bounds.length; i += 2) if (c >= bounds[i] && c <= bounds[i + 1]) return true;
    return false;
  },
});
export const negate = (item: ClassItem): ClassItem => ({ test: (c) => !item.test(c) });
export const ch = (s: string): number => s.charCodeAt(0);

// Go's perlGroup and posixGroup (regexp/syntax/perl_groups.go).
const DIGIT = ranges(ch('0'), ch('9'));
const SPACE = ranges(9, 10, 12, 13, 32, 32);
const WORD = ranges(ch('0'), ch('9'), ch('A'), ch('Z'), ch('_'), ch('_'), ch('a'), ch('z'));
export const PERL: Record<string, ClassItem> = { d: DIGIT, D: negate(DIGIT), s: SPACE, S: negate(SPACE), w: WORD, W: negate(WORD) };
export const POSIX: Record<string, ClassItem> = {
  alnum: ranges(48, 57, 65, 90, 97, 122),
  alpha: ranges(65, 90, 97, 122),
  ascii: ranges(0, 0x7f),
  blank: ranges(9, 9, 32, 32),
  cntrl: ranges(0, 0x1f, 0x7f, 0x7f),
  digit: ranges(48, 57),
  graph: ranges(0x21, 0x7e),
  lower: ranges(97, 122),
  print: ranges(0x20, 0x7e),
  punct: ranges(0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e),
  space: ranges(9, 13, 32, 32),
  upper: ranges(65, 90),
  word: ranges(48, 57, 65, 90, 97, 122, 95, 95),
  xdigit: ranges(48, 57, 65, 70, 97, 102),
};

// The one-letter Unicode categories `\pX` can name (Go's unicode.Categories; Go's C has no Cn).
const CATEGORY_SOURCE: Record<string, string> = {
  C: '[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}]',
  L: '\\p{L}',
  M: '\\p{M}',
  N: '\\p{N}',
  P: '\\p{P}',
  S: '\\p{S}',
  Z: '\\p{Z}',
};
const categories = new Map<string, ClassItem>();
export function category(name: string): ClassItem | undefined {
  const source = Object.hasOwn(CATEGORY_SOURCE, name) ? CATEGORY_SOURCE[name] : undefined;
  if (!source) return undefined;
  let item = categories.get(name);
  if (!item) {
    const re = new RegExp(`^${source}$`, 'u');
    const memo = new Map<number, boolean>();
    item = {
      test: (c) => {
        if (c >= 0xd800 && c <= 0xdfff) return name === 'C'; // Cs; a lone surrogate cannot go through the u flag
        let r = memo.get(c);
        if (r === undefined) memo.set(c, (r = re.test(String.fromCodePoint(c))));
        return r;
      },
    };
    categories.set(name, item);
  }
  return item;
}

export class GoSyntaxError extends Error {}

export const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
export const isOctal = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 55;
export function unhex(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
