// The work of test/hostile/ignorePatterns.test.ts, run in a child process so that a matcher that hangs again
// fails the test (the parent kills the child at its time limit) instead of hanging the suite.
// Usage: node --import tsx test/helpers/ignoreHostileWork.ts <scenario> <seed> [folder]; prints one JSON line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanContext } from '../../server/src/contextFs';
import { advise } from '../../server/src/core/advise/advise';
import { includedPaths, viewContext } from '../../server/src/core/context/view';
import { compileIgnore, MAX_IGNORE_PATTERNS, PatternMatcher } from '../../server/src/core/context/dockerignore';
import { dockerfileSettings, globMatches, type LayerLensSettings } from '../../server/src/settings';
import { snap } from './memoryContext';
import { seededRandom } from './random';
import { regexGlobMatches } from './regexGlob';
import { RegexPatternMatcher } from './regexIgnore';

const [scenario, seedText, folder] = process.argv.slice(2);
const rnd = seededRandom(Number(seedText));
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const failures: string[] = [];
const check = (ok: boolean, what: string): void => {
  if (!ok && failures.length < 20) failures.push(what);
};
let cases = 0;

function settingsWith(dockerfiles: Record<string, { target: string }>): LayerLensSettings {
  return { builder: 'buildkit', baseline: 'auto', buildArgs: {}, dockerfiles, hover: { cacheOnly: false } } as unknown as LayerLensSettings;
}

if (scenario === 'backtracking') {
  // (**/)^k (*a)^m *b against long names of a's (and b's) deep down: exponential for a backtracking RegExp.
  // Expected, worked out by hand: the last segment ends in 'b' with at least m a's before that final b.
  for (let n = 0; n < 40; n++) {
    const k = int(1, 8);
    const m = int(3, 12);
    const pattern = '**/'.repeat(k) + '*a'.repeat(m) + '*b';
    const depth = int(1, 40);
    const dirs = Array.from({ length: depth }, (_, i) => `d${i}`).join('/');
    let name = 'a'.repeat(int(20, 250));
    if (rnd() < 0.5) name = name.slice(0, int(0, name.length)) + 'b' + name.slice(int(0, name.length));
    if (rnd() < 0.5) name += 'b';
    const path = `${dirs}/${name}`;
    const as = (name.slice(0, -1).match(/a/g) ?? []).length;
    const want = name.endsWith('b') && as >= m;
    const rules = compileIgnore(pattern + '\n');
    check(rules.problems.length === 0, `problems for ${pattern}`);
    check(rules.matcher.matchesOrParentMatches(path) === want, `matchesOrParentMatches ${pattern} on ${path}`);
    const view = viewContext(snap({ [path]: 'x', 'keep.txt': 'k' }), pattern + '\n');
    check(includedPaths(view).includes(path) === !want, `view ${pattern} on ${path}`);
    // The same shape as a layerLens.dockerfiles key, on a Dockerfile with a long name.
    const key = '**/'.repeat(k) + '*a'.repeat(m) + '*b';
    const df = `/ws/${dirs}/Dockerfile.${name}`;
    const wantKey = `Dockerfile.${name}`.endsWith('b') && (`Dockerfile.${name}`.slice(0, -1).match(/a/g) ?? []).length >= m;
    check((dockerfileSettings(settingsWith({ [key]: { target: 't' } }), df, '/ws').target === 't') === wantKey, `setting key ${key} on ${df}`);
    cases++;
  }
} else if (scenario === 'reference') {
  // Small pathological patterns, where the old RegExp matchers still answer quickly: the same verdicts.
  const TOKENS = ['*', '**', '**/', '?', 'a', 'b', 'a', '/', '[a-c]', '[^x]', '[z-a]', '.', '\\*', '!'];
  for (let n = 0; n < 2000; n++) {
    let pattern = '';
    for (let i = int(1, 10); i > 0; i--) pattern += pick(TOKENS);
    const segs = Array.from({ length: int(1, 4) }, () => pick(['a', 'b', 'ab', 'aab', 'x', '.a', 'a*', 'ba?']));
    const path = segs.join('/');
    const fresh = PatternMatcher.create([pattern]);
    const old = RegexPatternMatcher.create([pattern]);
    check(fresh.errors.length === old.errors.length, `verdict ${pattern}`);
    if (!fresh.errors.length) check(fresh.matcher.matchesOrParentMatches(path) === old.matcher.matchesOrParentMatches(path), `${pattern} on ${path}`);
    const key = pattern.replace(/[[\]\\!]/g, '');
    check(globMatches(key, path) === regexGlobMatches(key, path), `key ${key} on ${path}`);
    cases++;
  }
} else if (scenario === 'counts') {
  // 100,000 lines: the first MAX_IGNORE_PATTERNS apply, one problem says so, the analysis finishes.
  const files: Record<string, string> = {};
  for (let d = 0; d < 10; d++) for (let f = 0; f < 20; f++) files[`src${d}/f${f}.ts`] = 'x';
  const lines = Array.from({ length: 100_000 }, (_, i) =>
    i % 7 === 3 ? `!src${i % 10}/f${i % 20}.ts` : i % 2 ? `src${i % 10}/f${i % 20}.ts` : `**/*.ext${i}`,
  );
  const view = viewContext(snap(files), lines.join('\n'));
  const over = view.problems.filter((p) => p.includes('more than Layer Lens analyses'));
  check(
    over.length === 1 && over[0].includes('has 100000 patterns') && over[0].includes(`limit ${MAX_IGNORE_PATTERNS}`),
    `limit problem: ${view.problems.join(' / ')}`,
  );
  // The verdict of the first MAX_IGNORE_PATTERNS lines, from the old matcher (fast enough on 500 paths here).
  const old = RegexPatternMatcher.create(lines.slice(0, MAX_IGNORE_PATTERNS)).matcher;
  const included = new Set(includedPaths(view));
  for (const p of Object.keys(files)) check(included.has(p) === !old.matchesOrParentMatches(p), `count verdict on ${p}`);
  cases += Object.keys(files).length;
} else if (scenario === 'negations-deep') {
  // `*`, then thousands of `!**/keepN.*` lines (glob exceptions: the walk must go down) over a deep chain of folders;
  // through the in-memory view and the disk scan with pruning.
  const negations = Number(process.argv[5]);
  const depth = Number(process.argv[6]);
  const chain = Array.from({ length: depth }, () => 'd').join('/');
  const lines = ['*', ...Array.from({ length: negations }, (_, i) => `!**/keep${i}.*`)];
  const text = lines.join('\n');
  const keep = `${chain}/keep7.txt`;
  const drop = `${chain}/other.txt`;
  const shallow = `d/keep${negations - 1}.md`;
  const view = viewContext(snap({ [keep]: 'k', [drop]: 'o', [shallow]: 's', 'top.txt': 't' }), text);
  const included = new Set(includedPaths(view));
  const limited = negations + 1 > MAX_IGNORE_PATTERNS;
  check(included.has(keep) && !included.has(drop) && !included.has('top.txt'), 'deep verdicts (view)');
  // Past the limit the last lines are not applied: that file stays excluded, and a problem says why.
  check(included.has(shallow) === !limited, `shallow verdict (view), limited ${limited}`);
  check(view.problems.some((p) => p.includes('more than Layer Lens analyses')) === limited, 'limit problem');
  if (folder) {
    mkdirSync(join(folder, chain), { recursive: true });
    writeFileSync(join(folder, keep), 'k');
    writeFileSync(join(folder, drop), 'o');
    const scanned = scanContext(folder, { pruneWith: text });
    check(scanned.entries.has(keep) && scanned.entries.has(drop), 'scan keeps what may be re-included');
    const fromDisk = new Set(includedPaths(viewContext(scanned, text)));
    check(fromDisk.has(keep) && !fromDisk.has(drop), 'deep verdicts (disk)');
  }
  cases += 4;
} else if (scenario === 'invalid') {
  // Broken classes, stray escapes, Go-only syntax and oversized repetitions: a problem each, never a throw.
  const BAD = ['[', '[z-a]', 'a[', '[^', '\\', 'x\\8', '*[[:foo:]]', '*a{1001}', '*\\pQ', '*\\C', '*\\E', '[a-b-c]', '!'];
  for (let n = 0; n < 200; n++) {
    const bad = pick(BAD);
    const text = `ok.txt\n${bad === '!' ? '' : '**/'.repeat(int(0, 5))}${bad}\n*.log`;
    const view = viewContext(snap({ 'a.log': 'x', 'b.txt': 'y' }), text);
    check(
      view.problems.length === 1 && /syntax error|illegal exclusion/.test(view.problems[0]),
      `problem for ${JSON.stringify(bad)}: ${view.problems.join(' / ')}`,
    );
    check(!includedPaths(view).includes('a.log') && includedPaths(view).includes('b.txt'), `other lines still apply (${bad})`);
    cases++;
  }
  // A pattern whose program is too large for Layer Lens (Go accepts it): left out with its own problem.
  const huge = '*' + 'a{1000}'.repeat(60);
  const rules = compileIgnore(`${huge}\nx`);
  check(rules.problems.length === 1 && rules.problems[0].includes('too large for Layer Lens'), `too large: ${rules.problems.join(' / ')}`);
  check(rules.matcher.matchesOrParentMatches('x'), 'the other line applies');
  cases++;
} else if (scenario === 'copy-sources') {
  // A COPY source with many `*` before a RUN install: the copy-before-install rule tests it against manifest names
  // (it used to build a backtracking RegExp from it). Go path.Match semantics: `package*.json` names the manifest.
  for (let n = 0; n < 20; n++) {
    const stars = '*'.repeat(int(10, 40)) + pick(['x', 'a*a*a*a*a*a*b', '*a'.repeat(int(5, 20))]);
    const text = `FROM node:20\nWORKDIR /app\nCOPY ${stars} ./\nCOPY . .\nRUN npm ci\n`;
    const advice = advise({ text, context: { paths: ['package.json', 'package-lock.json', 'src/a.js'] }, rules: ['copy-before-install'] });
    check(advice.length === 1, `advice for ${stars}: ${advice.length}`);
    cases++;
  }
  const named = advise({
    text: 'FROM node:20\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\n',
    context: { paths: ['package.json'] },
    rules: ['copy-before-install'],
  });
  check(named.length === 0, 'package*.json brings the manifest before the install');
  cases++;
} else {
  failures.push(`unknown scenario ${scenario}`);
}
process.stdout.write(JSON.stringify({ cases, failures }) + '\n');
