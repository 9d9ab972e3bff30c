// The globs of the `layerLens.dockerfiles` setting's keys (`*`, `?`, `**`, `{a,b}`), matched in linear time by
// linearMatch.ts. They keep the meaning they had as the JavaScript RegExp `^…$` they used to be compiled to
// (no u flag: `?` is one UTF-16 unit, `**` stops at line breaks as `.` does), without its backtracking: a key
// like `**/**/*a*a*a*a*b` froze the server on a long file name.
import { alt, cat, charTest, LinearMatcher, literal, type Node } from './linearMatch';

const SLASH = 0x2f;
const NOT_SLASH: Node = charTest((c) => c !== SLASH);
/** JavaScript's `.` without the s flag: any unit but a line terminator. */
const DOT: Node = charTest((c) => c !== 10 && c !== 13 && c !== 0x2028 && c !== 0x2029);
const ANY_RUN: Node = { k: 'star', x: DOT };
const ANY_DIRS: Node = { k: 'quest', x: cat([ANY_RUN, literal(SLASH)]) };
/** Deeper brace nesting is not compiled (no real key comes near): such a key then matches itself only. */
const MAX_DEPTH = 1000;

/** The key's pattern, or undefined when a `{` is never closed (the RegExp failed, so the key matches itself only). */
export function parseSettingsGlob(pattern: string): Node | undefined {
  const frames: Array<{ alts: Node[]; cur: Node[] }> = [{ alts: [], cur: [{ k: 'assert', a: 'begin' }] }];
  for (let i = 0; i < pattern.length; i++) {
    const frame = frames[frames.length - 1];
    const c = pattern.charCodeAt(i);
    if (c === 0x2a && pattern.charCodeAt(i + 1) === 0x2a) {
      const slash = pattern.charCodeAt(i + 2) === SLASH;
      frame.cur.push(slash ? ANY_DIRS : ANY_RUN);
      i += slash ? 2 : 1;
    } else if (c === 0x2a) frame.cur.push({ k: 'star', x: NOT_SLASH });
    else if (c === 0x3f) frame.cur.push(NOT_SLASH);
    else if (c === 0x7b) {
      if (frames.length > MAX_DEPTH) return undefined;
      frames.push({ alts: [], cur: [] });
    } else if (c === 0x7d && frames.length > 1) {
      frames.pop();
      frames[frames.length - 1].cur.push(alt([...frame.alts, cat(frame.cur)]));
    } else if (c === 0x2c && frames.length > 1) {
      frame.alts.push(cat(frame.cur));
      frame.cur = [];
    } else frame.cur.push(literal(c));
  }
  if (frames.length > 1) return undefined;
  return cat([...frames[0].cur, { k: 'assert', a: 'end' }]);
}

const cache = new Map<string, LinearMatcher | null>();

/** A matcher for the key (compiled once, kept for the next call), or null when the key matches itself only. */
export function settingsGlobMatcher(pattern: string): LinearMatcher | null {
  let m = cache.get(pattern);
  if (m === undefined) {
    const node = parseSettingsGlob(pattern);
    m = node ? new LinearMatcher(node, 'units') : null;
    if (cache.size >= 1000) cache.clear();
    cache.set(pattern, m);
  }
  return m;
}
