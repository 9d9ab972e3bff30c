// One .dockerignore pattern as moby/patternmatcher compiles and matches it (Pattern.compile, Pattern.match with
// MatchesUsingParentResults' state per folder); dockerignore.ts reads the file and runs the patterns in order.
import { parseGoRegexp } from '../match/goRegexp';
import { LinearMatcher, MATCHED_STATE, PatternTooLarge } from '../match/linearMatch';

const enum Kind {
  Exact,
  Prefix,
  Suffix,
  Regexp,
}

// patternmatcher means to escape `.+()|{}$`, but its bitmap (escapeBytes[b%8] |= 1<<(b/8), in bytes) loses every
// character from 64 up: `|`, `{` and `}` reach Go's regexp unescaped, as alternation and counted repetition.
const SHOULD_ESCAPE = '.+()$';

/**
 * patternmatcher's Pattern.compile on Linux: the Go regular expression a pattern stands for (when it is not a plain
 * exact, prefix or suffix match), and its kind. text/scanner skips a byte order mark at the very start.
 */
export function patternRegexp(cleaned: string): { kind: 'exact' | 'prefix' | 'suffix' | 'regexp'; source: string } {
  const chars = Array.from(cleaned);
  let k = chars[0] === '\ufeff' ? 1 : 0;
  let re = '^';
  let kind = Kind.Exact;
  for (let i = 0; k < chars.length; i++) {
    const ch = chars[k++];
    if (ch === '*') {
      if (chars[k] === '*') {
        k++;
        if (chars[k] === '/') k++;
        if (k >= chars.length) {
          if (kind === Kind.Exact) kind = Kind.Prefix;
          else {
            re += '.*';
            kind = Kind.Regexp;
          }
        } else {
          re += '(.*/)?';
          kind = Kind.Regexp;
        }
        if (i === 0) kind = Kind.Suffix;
      } else {
        re += '[^/]*';
        kind = Kind.Regexp;
      }
    } else if (ch === '?') {
      re += '[^/]';
      kind = Kind.Regexp;
    } else if (SHOULD_ESCAPE.includes(ch)) {
      re += '\\' + ch;
    } else if (ch === '\\') {
      if (k < chars.length) {
        re += '\\' + chars[k++];
        kind = Kind.Regexp;
      } else re += '\\';
    } else if (ch === '[' || ch === ']') {
      re += ch;
      kind = Kind.Regexp;
    } else re += ch;
  }
  return { kind: KIND_NAMES[kind], source: kind === Kind.Regexp ? re + '$' : re };
}

const KIND_NAMES = ['exact', 'prefix', 'suffix', 'regexp'] as const;

/** What `Pattern.test` leaves for a path's children: no state (not a regexp, or not read to the end). */
export const NO_STATE = -1;

/**
 * One pattern. A regexp pattern is matched by linearMatch.ts (Go's regexp semantics, linear time), never by a
 * backtracking JavaScript RegExp: `**\/**\/*a*a*a*a*b` on a long name would never finish.
 */
export class Pattern {
  private readonly kind: Kind;
  private readonly matcher: LinearMatcher | undefined;
  private readonly prefix: string;
  private readonly suffix: string | undefined;
  readonly bad: boolean;
  /** The regexp's program would be larger than Layer Lens compiles (linearMatch.MAX_PROGRAM); also `bad`. */
  readonly tooLarge: boolean = false;
  /** After `test` read a whole path: its matcher state, a token `test` can resume from for a child path. */
  lastState = NO_STATE;

  constructor(
    readonly cleaned: string,
    readonly exclusion: boolean,
  ) {
    const { kind, source } = patternRegexp(cleaned);
    this.kind = KIND_NAMES.indexOf(kind);
    let matcher: LinearMatcher | undefined;
    if (this.kind === Kind.Regexp) {
      const node = parseGoRegexp(source);
      try {
        matcher = node && new LinearMatcher(node);
      } catch (err) {
        if (!(err instanceof PatternTooLarge)) throw err;
        this.tooLarge = true;
      }
    }
    this.matcher = matcher;
    this.bad = this.kind === Kind.Regexp && !matcher;
    this.prefix = cleaned.slice(0, -2);
    // Go slices off two bytes: after a byte order mark that leaves a broken UTF-8 byte no path ends with.
    this.suffix = cleaned.startsWith('\ufeff') ? undefined : cleaned.slice(2);
  }

  get matchType(): 'exact' | 'prefix' | 'suffix' | 'regexp' {
    return KIND_NAMES[this.kind];
  }

  match(path: string): boolean {
    return this.test(path, false, NO_STATE, 0);
  }

  /**
   * Whether `path` matches or, with `parents`, one of its parent folders (every prefix before a '/', as
   * MatchesOrParentMatches splits it), in one pass. A regexp can resume from `state`, the `lastState` it left
   * after reading path[0, resumeAt) (the parent folder), so a deep tree costs each name once, not each path.
   * Sets `lastState` for `path`'s children.
   */
  test(path: string, parents: boolean, state: number, resumeAt: number): boolean {
    this.lastState = NO_STATE;
    switch (this.kind) {
      case Kind.Exact:
        if (path === this.cleaned) return true;
        return parents && path.length > this.cleaned.length && path.charCodeAt(this.cleaned.length) === SLASH && path.startsWith(this.cleaned);
      case Kind.Prefix:
        return path.startsWith(this.prefix); // a parent starting with it means the path does too
      case Kind.Suffix: {
        const suffix = this.suffix;
        if (suffix === undefined) return false;
        const bare = suffix.charCodeAt(0) === SLASH;
        if (path.endsWith(suffix) || (bare && path.length === suffix.length - 1 && suffix.endsWith(path))) return true;
        if (!parents) return false;
        for (let k = path.indexOf('/'); k >= 0; k = path.indexOf('/', k + 1)) {
          if (k >= suffix.length && path.startsWith(suffix, k - suffix.length)) return true;
          if (bare && k === suffix.length - 1 && path.startsWith(suffix.slice(1))) return true;
        }
        return false;
      }
      default: {
        const m = this.matcher;
        if (!m) return false;
        let id = m.startState();
        let from = 0;
        if (state !== NO_STATE && (state === MATCHED_STATE || Math.floor(state / STATE_SPAN) === m.epoch)) {
          id = state === MATCHED_STATE ? state : state % STATE_SPAN;
          from = resumeAt;
        }
        if (parents) {
          for (let k = path.indexOf('/', from); k >= 0; k = path.indexOf('/', k + 1)) {
            id = m.advance(path, id, from, k);
            from = k;
            if (m.accepts(id)) return true;
          }
        }
        id = m.advance(path, id, from, path.length);
        this.lastState = id === MATCHED_STATE ? id : m.epoch * STATE_SPAN + id;
        return m.accepts(id);
      }
    }
  }

  /** fsutil's patternWithoutTrailingGlob. */
  withoutTrailingGlob(): string {
    return this.cleaned.replace(/\/\*\*$/, '').replace(/\/\*$/, '');
  }
}

export const SLASH = 0x2f;
/** States are stored as epoch × STATE_SPAN + state (MAX_STATES < STATE_SPAN). */
const STATE_SPAN = 4096;

/**
 * What MatchesUsingParentResults passes from a folder to its children: which patterns matched it (Go's
 * parentMatched), and, for regexp patterns, where their matcher stood at the end of the folder's path.
 */
export interface ParentMatches {
  readonly path: string;
  readonly hits: Uint8Array;
  readonly states: Float64Array | undefined;
}
