// The linear-time matchers (server/src/core/match/linearMatch.ts) against what they replace and what they follow:
// .dockerignore patterns against the backtracking RegExp port kept in test/helpers/regexIgnore.ts and against the
// real Go patternmatcher (cases recorded from it in test/fixtures/patternmatcher-go/), and `layerLens.dockerfiles`
// keys against the RegExp globMatches used to build (test/helpers/regexGlob.ts). Inputs are generated from fixed
// seeds and kept small, where the old matchers answer quickly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PatternMatcher } from '../../server/src/core/context/dockerignore';
import { parseGoRegexp } from '../../server/src/core/match/goRegexp';
import { LinearMatcher } from '../../server/src/core/match/linearMatch';
import { globMatches } from '../../server/src/settings';
import { seededRandom } from '../helpers/random';
import { regexGlobMatches } from '../helpers/regexGlob';
import { RegexPatternMatcher } from '../helpers/regexIgnore';

function generator(seed: number) {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const word = (tokens: readonly string[], max: number): string => {
    let s = '';
    const n = Math.floor(rnd() * (max + 1));
    for (let i = 0; i < n; i++) s += pick(tokens);
    return s;
  };
  return { rnd, pick, word };
}

/** One pattern's verdict: Docker's error, or its match type and result on `path`. */
function verdict(
  create: (p: string[]) => { errors: string[]; matcher: { patterns: readonly { matchType: string; match(s: string): boolean }[] } },
  pattern: string,
  path: string,
): string {
  const r = create([pattern]);
  if (r.errors.length) return 'bad';
  const p = r.matcher.patterns[0];
  return p ? `${p.matchType} ${p.match(path)}` : 'none';
}
const NEW = (p: string[]) => PatternMatcher.create(p);
const OLD = (p: string[]) => RegexPatternMatcher.create(p);

/**
 * Where the RegExp port was not Go: `|{}` were escaped (patternmatcher's escape bitmap lets them through), escapes
 * of letters, digits and non-ASCII followed JavaScript, a byte order mark was kept, and classes and `?` read UTF-16
 * units (astral characters, a `?` or `**` inside `[...]`, POSIX `[:name:]`). Those cases are proven against Go below.
 */
function oldDiverges(pattern: string, path: string): boolean {
  if (/[|{}\ufeff]|\[:/.test(pattern)) return true;
  if (/\\([A-Za-z0-9]|[^ -~])/.test(pattern)) return true; // a letter, digit, non-ASCII or control character
  const astral = (s: string): boolean => /[\ud800-\udfff]/.test(s);
  if ((astral(path) || astral(pattern)) && /[[?]/.test(pattern)) return true;
  // The port wrote `?` and `**` with brackets of their own, which an open `[` class swallowed.
  const bracket = pattern.indexOf('[');
  return bracket >= 0 && (pattern.indexOf('?', bracket) >= 0 || pattern.indexOf('**', bracket) >= 0);
}

void test('differential: .dockerignore patterns give the RegExp port\'s match, match type and "bad" verdict', () => {
  const { rnd, pick, word } = generator(11);
  const PATTERN = ['*', '**', '**/', '?', '[a-c]', '[^x]', '\\', '/', '.', 'a', 'b', 'x', 'é', '😀', '\n', '[', ']', '-', '^', '!', 'a', '/'];
  const PATH = ['a', 'b', 'c', 'x', '/', '.', 'é', '😀', '\n', '-', '^', '[', ']', '*', '\\'];
  let compared = 0;
  let matched = 0;
  for (let n = 0; n < 6000; n++) {
    const pattern = word(PATTERN, 9);
    // Half the paths are made from the pattern so that matches are common, not just misses.
    const path =
      rnd() < 0.5 ? word(PATH, 12) : pattern.replace(/\*\*\/?/g, () => pick(['', 'a/', 'a/b/'])).replace(/[*?\\]/g, () => pick(['', 'a', 'xx', '/']));
    if (oldDiverges(pattern, path)) continue;
    const want = verdict(OLD, pattern, path);
    assert.equal(verdict(NEW, pattern, path), want, `${JSON.stringify(pattern)} on ${JSON.stringify(path)}`);
    compared++;
    if (want.endsWith('true')) matched++;
  }
  assert.ok(compared > 3000 && matched > 300, `compared ${compared}, matched ${matched}`);
});

void test('differential: MatchesOrParentMatches and MatchesUsingParentResults over generated ignore files equal the RegExp port', () => {
  const { pick, word, rnd } = generator(12);
  const PATTERN = ['*', '**', '?', '[a-c]', '[^x]', 'a', 'b', '/', '.', 'x'];
  const SEG = ['a', 'b', 'c', 'x', '.', 'ab', 'a.b'];
  let checked = 0;
  for (let n = 0; n < 300; n++) {
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => (rnd() < 0.3 ? '!' : '') + (word(PATTERN, 6) || 'a'));
    const fresh = NEW(lines);
    const old = OLD(lines);
    assert.deepEqual(fresh.errors, old.errors, lines.join(' | '));
    for (let k = 0; k < 20; k++) {
      const segs = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(SEG));
      const path = segs.join('/');
      assert.equal(fresh.matcher.matchesOrParentMatches(path), old.matcher.matchesOrParentMatches(path), `${lines.join(' | ')} on ${path}`);
      let infoNew: ReturnType<PatternMatcher['matchesUsingParentResults']>['info'] | undefined;
      let infoOld: readonly boolean[] | undefined;
      for (let i = 1; i <= segs.length; i++) {
        const p = segs.slice(0, i).join('/');
        const a = fresh.matcher.matchesUsingParentResults(p, infoNew);
        const b = old.matcher.matchesUsingParentResults(p, infoOld);
        assert.equal(a.matched, b.matched, `${lines.join(' | ')} on ${p}`);
        infoNew = a.info;
        infoOld = b.info;
        checked++;
      }
    }
  }
  assert.ok(checked > 5000);
});

void test('Go patternmatcher: 3,979 generated cases recorded from the real Go code give the same verdict', () => {
  const file = join(__dirname, '..', 'fixtures', 'patternmatcher-go', 'cases.json');
  const cases = JSON.parse(readFileSync(file, 'utf8')) as Array<[string, string, string]>;
  assert.ok(cases.length > 3000);
  for (const [pattern, path, want] of cases) assert.equal(verdict(NEW, pattern, path), want, `${JSON.stringify(pattern)} on ${JSON.stringify(path)}`);
});

void test('Go semantics where the RegExp port differed (each checked against Go 1.19 regexp + patternmatcher)', () => {
  const cases: Array<[string, string, string]> = [
    // '|' is not escaped: alternation, and the right-hand side is not anchored at the start.
    ['*.go|*.js', 'src/a.js', 'regexp true'],
    ['*.go|x', 'anything/ending/in/x', 'regexp true'],
    // '{n,m}' is counted repetition; '{' that does not start one is a literal; sizes over 1000 are errors.
    ['*a{2}', 'baa', 'regexp true'],
    ['*a{2}', 'ba', 'regexp false'],
    ['*.{js,ts}', 'x.{js,ts}', 'regexp true'],
    ['*a{1001}', 'a', 'bad'],
    ['*a{2,1}', 'a', 'bad'],
    ['[a]*{2}', 'a', 'bad'], // a repeated repetition
    // Escapes of letters and digits follow Go: \a is BEL, \d a digit class, \8 and \é errors.
    ['*\\a', 'x\x07', 'regexp true'],
    ['x\\d', 'x7', 'regexp true'],
    ['x\\8', 'x8', 'bad'],
    ['x\\é', 'xé', 'bad'],
    ['x\\x41', 'xA', 'regexp true'],
    ['x\\101', 'xA', 'regexp true'],
    ['x\\pL', 'xé', 'regexp true'],
    ['x\\Qa*b', 'xa[^/]*b$', 'regexp true'], // \Q...: the rest, `$` included, is literal text
    ['[[:alpha:]]', 'q', 'regexp true'],
    ['[[:foo:]]', 'q', 'bad'],
    ['\\bab', 'ab', 'regexp true'],
    // A class or '?' is one code point, astral or not.
    ['[^x]', '😀', 'regexp true'],
    ['??', '😀', 'regexp false'],
    ['[?]', '/', 'regexp false'],
    ['a[**]', 'a*', 'regexp true'], // a class of `(.*/)?`
    // text/scanner skips a byte order mark at the start of a pattern.
    ['\ufeff*.log', 'a.log', 'regexp true'],
  ];
  for (const [pattern, path, want] of cases) assert.equal(verdict(NEW, pattern, path), want, `${JSON.stringify(pattern)} on ${JSON.stringify(path)}`);
});

void test('the matcher is linear: a DFA cache that overflows its budget is rebuilt and keeps answering right', () => {
  // (a|b)*a(a|b){12}: the classic pattern whose DFA has 2^13 states, more than the cache keeps.
  const node = parseGoRegexp('^[ab]*a[ab]{12}$');
  assert.ok(node);
  const m = new LinearMatcher(node);
  const { rnd } = generator(13);
  for (let n = 0; n < 200; n++) {
    let s = '';
    for (let i = 0; i < 200; i++) s += rnd() < 0.5 ? 'a' : 'b';
    assert.equal(m.matches(s), s[s.length - 13] === 'a', s);
  }
});

void test("differential: layerLens.dockerfiles keys give the RegExp globMatches' answer", () => {
  const { rnd, pick, word } = generator(14);
  const PATTERN = [
    '*',
    '**',
    '**/',
    '?',
    '{',
    '}',
    ',',
    '/',
    '.',
    'a',
    'b',
    'D',
    'é',
    '😀',
    '\n',
    '\r',
    '\u2028',
    '[',
    ']',
    '\\',
    '$',
    '^',
    '(',
    ')',
    '|',
    '+',
  ];
  const PATH = ['a', 'b', 'D', '/', '.', 'é', '😀', '\n', '\r', '\u2028', ',', '{', '}', '*', '?'];
  let matched = 0;
  for (let n = 0; n < 6000; n++) {
    const pattern = word(PATTERN, 10);
    const path =
      rnd() < 0.5 ? word(PATH, 10) : pattern.replace(/\*\*\/?/g, () => pick(['', 'a/', 'a/b/'])).replace(/[*?{},]/g, () => pick(['', 'a', 'D', ',']));
    const want = regexGlobMatches(pattern, path);
    assert.equal(globMatches(pattern, path), want, `${JSON.stringify(pattern)} on ${JSON.stringify(path)}`);
    if (want) matched++;
  }
  assert.ok(matched > 500, `matched ${matched}`);
});

void test('MatchesUsingParentResults resumes each regexp from the parent folder, also across DFA cache rebuilds', () => {
  // a[ab]{12} after any run needs 2^13 DFA states, more than the cache keeps (linearMatch.MAX_STATES): on these
  // long names the cache is rebuilt at least once between a parent's match and its child's (checked for this seed).
  const { rnd } = generator(15);
  const lines = ['**/x*', '!**/*a[ab]{12}', '*a[ab]{12}/**'];
  const m = PatternMatcher.create(lines).matcher;
  const other = PatternMatcher.create(lines).matcher;
  for (let n = 0; n < 20; n++) {
    const segs = ['x'];
    for (let d = 0; d < 40; d++) segs.push(Array.from({ length: 2 + Math.floor(rnd() * 200) }, () => (rnd() < 0.5 ? 'a' : 'b')).join(''));
    let info: ReturnType<PatternMatcher['matchesUsingParentResults']>['info'];
    for (let i = 1; i <= segs.length; i++) {
      const path = segs.slice(0, i).join('/');
      const chained = m.matchesUsingParentResults(path, info);
      info = chained.info;
      // Without parent results every pattern reads the whole path again: the same answer.
      const fresh = other.matchesUsingParentResults(path, undefined);
      assert.equal(chained.matched, fresh.matched, path);
      // By hand: excluded once a folder on the way (or the name) has an 'a' 13th from its end; matches stick.
      const hit = segs.slice(1, i).some((name) => name.length >= 13 && name[name.length - 13] === 'a');
      assert.equal(chained.matched, !hit, path);
    }
  }
});
