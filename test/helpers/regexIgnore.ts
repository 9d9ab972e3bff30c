// The .dockerignore matcher as it was before the linear-time matcher: patternmatcher's pattern compiled to a backtracking
// JavaScript RegExp. Kept, test-only, as the reference the linear-time matcher (server/src/core/context/dockerignore.ts)
// is compared with on generated input (test/core/linearMatch.test.ts). Never use it on large input: it can hang.
import { cleanPath, goMatch } from '../../server/src/core/context/glob';
import { goTrimSpace } from '../../server/src/core/context/dockerignore';

export type MatchInfo = readonly boolean[] | undefined;

enum Kind {
  Exact,
  Prefix,
  Suffix,
  Regexp,
}
const ANY = '[^\\n]'; // Go's '.' (no s flag): anything but newline
// Go's [^/] is one code point; without the u flag a JS class is one UTF-16 unit, so pair surrogates.
const ONE = '(?:[^/\\ud800-\\udbff]|[\\ud800-\\udbff][\\udc00-\\udfff]?)';

export class RegexPattern {
  private kind: Kind = Kind.Exact;
  private regexp: RegExp | undefined;
  readonly bad: boolean;
  constructor(
    readonly cleaned: string,
    readonly exclusion: boolean,
  ) {
    this.bad = !this.compile();
  }

  /** patternmatcher's Pattern.compile: exact, prefix (`dir/**`), suffix (`**\/name`) or regexp. */
  private compile(): boolean {
    const chars = Array.from(this.cleaned);
    let re = '^';
    let kind = Kind.Exact;
    let k = 0;
    for (let i = 0; k < chars.length; i++) {
      const ch = chars[k++];
      if (ch === '*') {
        if (chars[k] === '*') {
          k++;
          if (chars[k] === '/') k++;
          if (k >= chars.length) {
            if (kind === Kind.Exact) kind = Kind.Prefix;
            else {
              re += ANY + '*';
              kind = Kind.Regexp;
            }
          } else {
            re += '(' + ANY + '*/)?';
            kind = Kind.Regexp;
          }
          if (i === 0) kind = Kind.Suffix;
        } else {
          re += '[^/]*';
          kind = Kind.Regexp;
        }
      } else if (ch === '?') {
        re += ONE;
        kind = Kind.Regexp;
      } else if ('.+()|{}$'.includes(ch)) {
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
    this.kind = kind;
    if (kind !== Kind.Regexp) return true;
    try {
      this.regexp = new RegExp(re + '$');
      return true;
    } catch {
      return false;
    }
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
        const suffix = this.cleaned.slice(2);
        if (path.endsWith(suffix)) return true;
        return suffix[0] === '/' && path === suffix.slice(1);
      }
      default:
        return this.regexp ? this.regexp.test(path) : false;
    }
  }

  /** fsutil's patternWithoutTrailingGlob. */
  withoutTrailingGlob(): string {
    return this.cleaned.replace(/\/\*\*$/, '').replace(/\/\*$/, '');
  }
}

export interface RegexMatcherResult {
  matcher: RegexPatternMatcher;
  /** One message per pattern Docker rejects (the build fails on it); such patterns are left out. */
  errors: string[];
}

/** moby/patternmatcher's PatternMatcher (Matches* with last-match-wins and `!` exclusions). */
export class RegexPatternMatcher {
  readonly exclusions: boolean;
  private constructor(readonly patterns: readonly RegexPattern[]) {
    this.exclusions = patterns.some((p) => p.exclusion);
  }

  static create(patterns: readonly string[]): RegexMatcherResult {
    const out: RegexPattern[] = [];
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
      const pattern = new RegexPattern(p, exclusion);
      if (goMatch(p, '.') === 'bad' || pattern.bad) {
        errors.push(`syntax error in pattern: "${raw}"`);
        continue;
      }
      out.push(pattern);
    }
    return { matcher: new RegexPatternMatcher(out), errors };
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
