// .dockerignore (R21), ported from moby/patternmatcher (ignorefile.ReadAll + PatternMatcher) rather
// than taken from @balena/dockerignore: that library follows the older fileutils semantics
// (node-ignore API, no MatchesUsingParentResults, different `**` and escape handling), while
// BuildKit's fsutil walker and contenthash use patternmatcher exactly as ported here.
import { cleanPath, goMatch } from './contextGlob';
import { parseGoRegexp } from './goRegexp';
import { LinearMatcher } from './linearMatch';
import type { Builder, ContextSnapshot } from './types';

/** Per-pattern "matched a parent directory" flags; undefined is Go's zero MatchInfo. */
export type MatchInfo = readonly boolean[] | undefined;

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

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

const enum Kind { Exact, Prefix, Suffix, Regexp }

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

/**
 * One pattern. A regexp pattern is matched by linearMatch.ts (Go's regexp semantics, linear time), never by a
 * backtracking JavaScript RegExp: `**\/**\/*a*a*a*a*b` on a long name would never finish.
 */
export class Pattern {
  private readonly kind: Kind;
  private readonly matcher: LinearMatcher | undefined;
  readonly bad: boolean;
  constructor(readonly cleaned: string, readonly exclusion: boolean) {
    const { kind, source } = patternRegexp(cleaned);
    this.kind = KIND_NAMES.indexOf(kind);
    const node = this.kind === Kind.Regexp ? parseGoRegexp(source) : undefined;
    this.matcher = node && new LinearMatcher(node);
    this.bad = this.kind === Kind.Regexp && !node;
  }

  get matchType(): 'exact' | 'prefix' | 'suffix' | 'regexp' {
    return (['exact', 'prefix', 'suffix', 'regexp'] as const)[this.kind];
  }

  match(path: string): boolean {
    switch (this.kind) {
      case Kind.Exact:
        return path === this.cleaned;
      case Kind.Prefix:
        return path.startsWith(this.cleaned.slice(0, -2));
      case Kind.Suffix: {
        // Go slices off two bytes: after a byte order mark that leaves a broken UTF-8 byte no path ends with.
        if (this.cleaned.startsWith('\ufeff')) return false;
        const suffix = this.cleaned.slice(2);
        if (path.endsWith(suffix)) return true;
        return suffix[0] === '/' && path === suffix.slice(1);
      }
      default:
        return this.matcher ? this.matcher.matches(path) : false;
    }
  }

  /** fsutil's patternWithoutTrailingGlob. */
  withoutTrailingGlob(): string {
    return this.cleaned.replace(/\/\*\*$/, '').replace(/\/\*$/, '');
  }
}

export interface MatcherResult {
  matcher: PatternMatcher;
  /** One message per pattern Docker rejects (the build fails on it); such patterns are left out. */
  errors: string[];
}

/** moby/patternmatcher's PatternMatcher (Matches* with last-match-wins and `!` exclusions). */
export class PatternMatcher {
  readonly exclusions: boolean;
  private constructor(readonly patterns: readonly Pattern[]) {
    this.exclusions = patterns.some((p) => p.exclusion);
  }

  static create(patterns: readonly string[]): MatcherResult {
    const out: Pattern[] = [];
    const errors: string[] = [];
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
      if (goMatch(p, '.') === 'bad' || pattern.bad) {
        errors.push(`syntax error in pattern: "${raw}"`);
        continue;
      }
      out.push(pattern);
    }
    return { matcher: new PatternMatcher(out), errors };
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
    const dirs = parentDirs(file);
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      let match = p.match(file);
      for (let i = 0; !match && i < dirs.length; i++) match = p.match(dirs[i]);
      if (match) matched = !p.exclusion;
    }
    return matched;
  }

  /** MatchesUsingParentResults: what fsutil's walker and BuildKit's contenthash call. */
  matchesUsingParentResults(file: string, parent: MatchInfo): { matched: boolean; info: boolean[] } {
    let matched = false;
    const info = new Array<boolean>(this.patterns.length).fill(false);
    let dirs: string[] | undefined;
    this.patterns.forEach((p, i) => {
      let match = parent ? parent[i] : false;
      if (!match) {
        if (p.exclusion !== matched) return;
        match = p.match(file);
        if (!match && !parent) {
          dirs ??= parentDirs(file);
          for (let j = 0; !match && j < dirs.length; j++) match = p.match(dirs[j]);
        }
      }
      info[i] = match;
      if (match) matched = !p.exclusion;
    });
    return { matched, info };
  }

  /**
   * fsutil's SkipDir shortcut for an excluded directory: true when no `!` pattern can re-include
   * anything below it, so the walk need not descend.
   */
  canSkipExcludedDir(dir: string): boolean {
    if (!this.exclusions) return true;
    const globChars = /[*[\]?^\\]/;
    const exceptions = this.patterns.filter((p) => p.exclusion);
    if (exceptions.some((p) => globChars.test(p.withoutTrailingGlob()))) return false;
    return !exceptions.some((p) => (p.withoutTrailingGlob() + '/').startsWith(dir + '/'));
  }
}

/** "a/b/c" → ["a", "a/b"] (the parents MatchesOrParentMatches also tries). */
function parentDirs(file: string): string[] {
  const parts = file.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/** A parsed ignore file ready to filter a context. */
export interface IgnoreRules {
  readonly text: string;
  readonly patterns: readonly string[];
  readonly matcher: PatternMatcher;
  /** Patterns Docker rejects: the build fails while reading the context. */
  readonly problems: readonly string[];
}

export function compileIgnore(text: string | undefined, fileName = '.dockerignore'): IgnoreRules {
  const patterns = readIgnorePatterns(text ?? '');
  const { matcher, errors } = PatternMatcher.create(patterns);
  const problems = errors.map((e) => `${fileName}: ${e}. Docker stops the build on it; fix or remove that line.`);
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
