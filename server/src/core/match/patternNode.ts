// A parsed pattern as linearMatch.ts compiles it: its nodes, their constructors and the program's size bound.
// Split from linearMatch.ts.
/** A parsed pattern: the subset of regular expressions both front ends (goRegexp.ts, settings globs) produce. */
export type Node =
  | { readonly k: 'char'; readonly test: (c: number) => boolean; readonly lit?: number }
  | { readonly k: 'cat'; readonly xs: readonly Node[] }
  | { readonly k: 'alt'; readonly xs: readonly Node[] }
  | { readonly k: 'star' | 'plus' | 'quest'; readonly x: Node }
  | { readonly k: 'assert'; readonly a: Assertion }
  | { readonly k: 'empty' };

/** Empty-width tests: beginning/end of the text, ASCII word boundary (Go's \A \z \b \B; ^ $ in one-line mode). */
export type Assertion = 'begin' | 'end' | 'word' | 'notWord';

export const EMPTY: Node = { k: 'empty' };
export const literal = (c: number): Node => ({ k: 'char', test: (x) => x === c, lit: c });
export const charTest = (test: (c: number) => boolean): Node => ({ k: 'char', test });
export const cat = (xs: readonly Node[]): Node => (xs.length === 1 ? xs[0] : { k: 'cat', xs });
export const alt = (xs: readonly Node[]): Node => (xs.length === 1 ? xs[0] : { k: 'alt', xs });

/** Thrown for a pattern whose program would pass MAX_PROGRAM instructions (counted repetition can multiply). */
export class PatternTooLarge extends Error {
  constructor() {
    super('pattern too large');
  }
}

/**
 * The largest program compiled. Go allows 3.3 million instructions; the bound here keeps the worst case of one
 * match (text length × program size, when every symbol needs a new DFA state) within a fraction of a second.
 */
export const MAX_PROGRAM = 50_000;

/** True when every match must begin with a begin-of-text assertion, so matching need only start at 0. */
export function anchoredAtBegin(node: Node): boolean {
  if (node.k === 'assert') return node.a === 'begin';
  if (node.k === 'cat') return node.xs.length > 0 && anchoredAtBegin(node.xs[0]);
  if (node.k === 'alt') return node.xs.length > 0 && node.xs.every(anchoredAtBegin);
  return false;
}
