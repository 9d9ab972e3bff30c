// .dockerignore (R21), ported from moby/patternmatcher (ignorefile.ReadAll + PatternMatcher) rather
// than taken from @balena/dockerignore: that library follows the older fileutils semantics
// (node-ignore API, no MatchesUsingParentResults, different `**` and escape handling), while
// BuildKit's fsutil walker and contenthash use patternmatcher exactly as ported here.
import { cleanPath, goMatch } from './glob';
import { NO_STATE, Pattern, SLASH, type ParentMatches } from './ignorePattern';
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
