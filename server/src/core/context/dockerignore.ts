// .dockerignore (R21), ported from moby/patternmatcher (ignorefile.ReadAll + PatternMatcher) rather
// than taken from @balena/dockerignore: that library follows the older fileutils semantics
// (node-ignore API, no MatchesUsingParentResults, different `**` and escape handling), while
// BuildKit's fsutil walker and contenthash use patternmatcher exactly as ported here.
import { cleanPath, goMatch } from './glob';
import { parseGoRegexp } from '../match/goRegexp';
import { LinearMatcher, MATCHED_STATE, PatternTooLarge } from '../match/linearMatch';
import type { Builder, ContextSnapshot } from '../shared/types';

/** What a folder's match passes to its children (see ParentMatches); undefined is Go's zero MatchInfo. */
export type MatchInfo = ParentMatches | undefined;

const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** Go's strings.TrimSpace (Unicode White_Space; unlike String.trim it keeps U+FEFF). */
export function goTrimSpace(s: string): string {
  return s.replace(GO_SPACE, '');
}

/**
 * ignorefile.ReadAll: BOM stripped from the first line, lines starting with '#' skipped (before
 * trimming), whitespace trimmed, `!` split off and trimmed, filepath.Clean, one leading '/' dropped.
 */
export function readIgnorePatterns(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop(); // bufio.Scanner: no final empty token
  const out: string[] = [];
  lines.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (i === 0 && line.startsWith('\ufeff')) line = line.slice(1);
    if (line.startsWith('#')) return;
    let pattern = goTrimSpace(line);
    if (pattern === '') return;
    const invert = pattern[0] === '!';
    if (invert) pattern = goTrimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern[0] === '/') pattern = pattern.slice(1);
    }
    out.push(invert ? '!' + pattern : pattern);
  });
  return out;
}

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
const NO_STATE = -1;

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

const SLASH = 0x2f;
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

export interface MatcherResult {
  matcher: PatternMatcher;
  /** One message per pattern Docker rejects (the build fails on it); such patterns are left out. */
  errors: string[];
  /** Patterns too large for Layer Lens to analyse (Docker accepts them); left out too. */
  tooLarge: string[];
}

/** moby/patternmatcher's PatternMatcher (Matches* with last-match-wins and `!` exclusions). */
export class PatternMatcher {
  readonly exclusions: boolean;
  private readonly regexps: boolean;
  private skip: { glob: boolean; prefixes: string[] } | undefined;
  private constructor(readonly patterns: readonly Pattern[]) {
    this.exclusions = patterns.some((p) => p.exclusion);
    this.regexps = patterns.some((p) => p.matchType === 'regexp');
  }

  static create(patterns: readonly string[]): MatcherResult {
    const out: Pattern[] = [];
    const errors: string[] = [];
    const tooLarge: string[] = [];
    for (const raw of patterns) {
      let p = goTrimSpace(raw);
      if (p === '') continue;
      p = cleanPath(p);
      let exclusion = false;
      if (p[0] === '!') {
        if (p.length === 1) {
          errors.push('illegal exclusion pattern: "!"');
          continue;
        }
        exclusion = true;
        p = p.slice(1);
      }
      const pattern = new Pattern(p, exclusion);
      if (goMatch(p, '.') === 'bad' || (pattern.bad && !pattern.tooLarge)) {
        errors.push(`syntax error in pattern: "${raw}"`);
        continue;
      }
      if (pattern.tooLarge) {
        tooLarge.push(raw);
        continue;
      }
      out.push(pattern);
    }
    return { matcher: new PatternMatcher(out), errors, tooLarge };
  }

  matchesExact(file: string): boolean {
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      if (p.match(file)) matched = !p.exclusion;
    }
    return matched;
  }

  matchesOrParentMatches(file: string): boolean {
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      if (p.test(file, true, NO_STATE, 0)) matched = !p.exclusion;
    }
    return matched;
  }

  /** MatchesUsingParentResults: what fsutil's walker and BuildKit's contenthash call. */
  matchesUsingParentResults(file: string, parent: MatchInfo): { matched: boolean; info: MatchInfo } {
    const patterns = this.patterns;
    const hits = new Uint8Array(patterns.length);
    const states = this.regexps ? new Float64Array(patterns.length).fill(NO_STATE) : undefined;
    // A child of the parent's path: regexps go on from where they stood at its end.
    const resumeAt =
      parent?.states && file.length > parent.path.length && file.charCodeAt(parent.path.length) === SLASH && file.startsWith(parent.path)
        ? parent.path.length
        : -1;
    let matched = false;
    for (let i = 0; i < patterns.length; i++) {
      const p = patterns[i];
      let match = parent ? parent.hits[i] === 1 : false;
      if (!match) {
        if (p.exclusion !== matched) continue;
        // Without the parent's results, the parents are tried too (MatchesOrParentMatches).
        match = parent ? p.test(file, false, resumeAt >= 0 ? parent.states![i] : NO_STATE, resumeAt) : p.test(file, true, NO_STATE, 0);
        if (states) states[i] = p.lastState;
      }
      if (match) {
        hits[i] = 1;
        matched = !p.exclusion;
      }
    }
    return { matched, info: { path: file, hits, states } };
  }

  /**
   * fsutil's SkipDir shortcut for an excluded directory: true when no `!` pattern can re-include
   * anything below it, so the walk need not descend.
   */
  canSkipExcludedDir(dir: string): boolean {
    if (!this.exclusions) return true;
    // Computed once: whether an exception has glob characters, and the exceptions' folders, sorted.
    const skip = (this.skip ??= (() => {
      const globChars = /[*[\]?^\\]/;
      const exceptions = this.patterns.filter((p) => p.exclusion).map((p) => p.withoutTrailingGlob());
      return { glob: exceptions.some((e) => globChars.test(e)), prefixes: exceptions.map((e) => e + '/').sort() };
    })());
    if (skip.glob) return false;
    // Is some exception's folder + '/' under dir + '/'? Those sort right after dir + '/' itself.
    const key = dir + '/';
    const list = skip.prefixes;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return !(lo < list.length && list[lo].startsWith(key));
  }
}

/** A parsed ignore file ready to filter a context. */
export interface IgnoreRules {
  readonly text: string;
  readonly patterns: readonly string[];
  readonly matcher: PatternMatcher;
  /** Patterns Docker rejects: the build fails while reading the context. */
  readonly problems: readonly string[];
}

/**
 * The most patterns an ignore file may have for Layer Lens to analyse it: every path is tried against every
 * pattern (as Docker does, each pattern again at every depth), so 100,000 lines take minutes. Real files have hundreds.
 */
export const MAX_IGNORE_PATTERNS = 5_000;

export function compileIgnore(text: string | undefined, fileName = '.dockerignore'): IgnoreRules {
  const patterns = readIgnorePatterns(text ?? '');
  const over = patterns.length > MAX_IGNORE_PATTERNS;
  const { matcher, errors, tooLarge } = PatternMatcher.create(over ? patterns.slice(0, MAX_IGNORE_PATTERNS) : patterns);
  const problems = errors.map((e) => `${fileName}: ${e}. Docker stops the build on it; fix or remove that line.`);
  for (const raw of tooLarge) {
    const shown = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
    problems.push(
      `${fileName}: the pattern "${shown}" is too large for Layer Lens to analyse (${raw.length} characters); it is left out, so predictions for the files it names may be wrong. Split it into simpler lines.`,
    );
  }
  if (over) {
    problems.push(
      `${fileName} has ${patterns.length} patterns, more than Layer Lens analyses (limit ${MAX_IGNORE_PATTERNS}); only the first ${MAX_IGNORE_PATTERNS} are applied, so predictions for the files the rest name may be wrong. Merge lines with wildcards (for example dist/** instead of one line per file).`,
    );
  }
  return { text: text ?? '', patterns, matcher, problems };
}

/**
 * Ignore files the builder would read, best first, as paths relative to the context root
 * (a Dockerfile outside the context gives a '../' path). BuildKit reads `<Dockerfile>.dockerignore`
 * next to the Dockerfile and, when it exists (even empty), uses it instead of the root
 * `.dockerignore` (frontend/dockerui/config.go); classic only knows the root one.
 */
export function ignoreFileCandidates(dockerfilePath: string, builder: Builder): string[] {
  const df = cleanPath(dockerfilePath.replace(/\\/g, '/'));
  return builder === 'buildkit' && df !== '.' ? [df + '.dockerignore', '.dockerignore'] : ['.dockerignore'];
}

/**
 * The ignore file in effect, relative to the context root, or undefined when there is none.
 * `exists` answers for paths the snapshot cannot see (a Dockerfile outside the context).
 */
export function chooseIgnoreFile(
  snapshot: ContextSnapshot,
  dockerfilePath: string,
  builder: Builder,
  exists?: (relativePath: string) => boolean,
): string | undefined {
  for (const candidate of ignoreFileCandidates(dockerfilePath, builder)) {
    const entry = snapshot.entries.get(candidate);
    const found = entry ? entry.type !== 'dir' : (exists?.(candidate) ?? false);
    if (found) return candidate;
  }
  return undefined;
}
