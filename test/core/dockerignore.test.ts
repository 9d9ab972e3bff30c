// .dockerignore semantics, proven against moby/patternmatcher's own test tables (patternmatcher_test.go,
// ignorefile_test.go), ported case by case, plus Go's filepath.Match table they embed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseIgnoreFile,
  compileIgnore,
  ignoreFileCandidates,
  PatternMatcher,
  readIgnorePatterns,
  type MatchInfo,
} from '../../server/src/core/context/dockerignore';
import { goMatch } from '../../server/src/core/context/glob';
import type { ContextEntry, ContextSnapshot } from '../../server/src/core/shared/types';

function pm(patterns: string[]): PatternMatcher {
  const r = PatternMatcher.create(patterns);
  assert.deepEqual(r.errors, [], `patterns ${JSON.stringify(patterns)} should be valid`);
  return r.matcher;
}

/** patternmatcher.Matches/MatchesOrParentMatches: "." never matches, bad patterns error. */
function matches(file: string, patterns: string[]): boolean | 'error' {
  const r = PatternMatcher.create(patterns);
  if (r.errors.length) return 'error';
  if (file === '.') return false;
  return r.matcher.matchesOrParentMatches(file);
}

/** MatchesUsingParentResults fed with the results of each parent, as the Go test does. */
function withParents(m: PatternMatcher, text: string): boolean {
  const dirs = text.split('/').slice(0, -1);
  let info: MatchInfo;
  for (let i = 0; i < dirs.length && text.includes('/'); i++) info = m.matchesUsingParentResults(dirs.slice(0, i + 1).join('/'), info).info;
  return m.matchesUsingParentResults(text, info).matched;
}

void test('single-pattern behaviour (TestWildcardMatches ... TestMatchesWithMalformedPatterns)', () => {
  assert.equal(matches('fileutils.go', ['*']), true);
  assert.equal(matches('fileutils.go', ['*.go']), true);
  assert.equal(matches('fileutils.go', ['!fileutils.go', '*.go']), true);
  assert.equal(matches('docs/README.md', ['docs', '!docs/README.md']), false);
  assert.equal(matches('docs/README.md', ['docs/', '!docs/README.md']), false);
  assert.equal(matches('docs/README.md', ['docs/*', '!docs/README.md']), false);
  assert.equal(matches('fileutils.go', ['*.go', '!fileutils.go']), false);
  assert.equal(matches('.', ['*.go']), false);
  assert.equal(matches('fileutils.go', ['!']), 'error');
  assert.equal(matches('/any/path/there', []), false);
  assert.equal(matches('/any/path/there', ['[']), 'error');
});

// [pattern, text, 'exact' | 'inexact' | 'fail'] from TestMatches.
const TABLE: Array<[string, string, 'exact' | 'inexact' | 'fail']> = [
  ['**', 'file', 'exact'],
  ['**', 'file/', 'exact'],
  ['**/', 'file', 'exact'],
  ['**/', 'file/', 'exact'],
  ['**', '/', 'exact'],
  ['**/', '/', 'exact'],
  ['**', 'dir/file', 'exact'],
  ['**/', 'dir/file', 'exact'],
  ['**', 'dir/file/', 'exact'],
  ['**/', 'dir/file/', 'exact'],
  ['**/**', 'dir/file', 'exact'],
  ['**/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/file', 'exact'],
  ['dir/**', 'dir/file/', 'exact'],
  ['dir/**', 'dir/dir2/file', 'exact'],
  ['dir/**', 'dir/dir2/file/', 'exact'],
  ['**/dir', 'dir', 'exact'],
  ['**/dir', 'dir/file', 'inexact'],
  ['**/dir2/*', 'dir/dir2/file', 'exact'],
  ['**/dir2/*', 'dir/dir2/file/', 'inexact'],
  ['**/dir2/**', 'dir/dir2/dir3/file', 'exact'],
  ['**/dir2/**', 'dir/dir2/dir3/file/', 'exact'],
  ['**file', 'file', 'exact'],
  ['**file', 'dir/file', 'exact'],
  ['**/file', 'dir/file', 'exact'],
  ['**file', 'dir/dir/file', 'exact'],
  ['**/file', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file', 'exact'],
  ['**/file*', 'dir/dir/file.txt', 'exact'],
  ['**/file*txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/file*.txt*', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt', 'dir/dir/file.txt', 'exact'],
  ['**/**/*.txt2', 'dir/dir/file.txt', 'fail'],
  ['**/*.txt', 'file.txt', 'exact'],
  ['**/**/*.txt', 'file.txt', 'exact'],
  ['a**/*.txt', 'a/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/file.txt', 'exact'],
  ['a**/*.txt', 'a/dir/dir/file.txt', 'exact'],
  ['a/*.txt', 'a/dir/file.txt', 'fail'],
  ['a/*.txt', 'a/file.txt', 'exact'],
  ['a/*.txt**', 'a/file.txt', 'exact'],
  ['a[b-d]e', 'ae', 'fail'],
  ['a[b-d]e', 'ace', 'exact'],
  ['a[b-d]e', 'aae', 'fail'],
  ['a[^b-d]e', 'aze', 'exact'],
  ['.*', '.foo', 'exact'],
  ['.*', 'foo', 'fail'],
  ['abc.def', 'abcdef', 'fail'],
  ['abc.def', 'abc.def', 'exact'],
  ['abc.def', 'abcZdef', 'fail'],
  ['abc?def', 'abcZdef', 'exact'],
  ['abc?def', 'abcdef', 'fail'],
  ['**/foo/bar', 'foo/bar', 'exact'],
  ['**/foo/bar', 'dir/foo/bar', 'exact'],
  ['**/foo/bar', 'dir/dir2/foo/bar', 'exact'],
  ['abc/**', 'abc', 'fail'],
  ['abc/**', 'abc/def', 'exact'],
  ['abc/**', 'abc/def/ghi', 'exact'],
  ['**/.foo', '.foo', 'exact'],
  ['**/.foo', 'bar.foo', 'fail'],
  ['a(b)c/def', 'a(b)c/def', 'exact'],
  ['a(b)c/def', 'a(b)c/xyz', 'fail'],
  ['a.|)$(}+{bc', 'a.|)$(}+{bc', 'exact'],
  ['dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
  ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', 'exact'],
  ['a\\\\', 'a\\', 'exact'],
  ['a\\*b', 'a*b', 'exact'],
];

const MULTI: Array<[string[], string, boolean]> = [
  [['**', '!util/docker/web'], 'util/docker/web/foo', false],
  [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
  [['**', '!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
  [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
];

void test('TestMatches/MatchesExact', () => {
  for (const [pattern, text, pass] of TABLE) assert.equal(pm([pattern]).matchesExact(text), pass === 'exact', `${pattern} vs ${text}`);
});

void test('TestMatches/MatchesOrParentMatches', () => {
  for (const [pattern, text, pass] of TABLE) assert.equal(pm([pattern]).matchesOrParentMatches(text), pass !== 'fail', `${pattern} vs ${text}`);
  for (const [patterns, text, pass] of MULTI) assert.equal(pm(patterns).matchesOrParentMatches(text), pass, `${patterns.join(',')} vs ${text}`);
});

void test('TestMatches/MatchesUsingParentResults (with and without parent context)', () => {
  for (const [pattern, text, pass] of TABLE) {
    assert.equal(withParents(pm([pattern]), text), pass !== 'fail', `${pattern} vs ${text}`);
    assert.equal(pm([pattern]).matchesUsingParentResults(text, undefined).matched, pass !== 'fail', `no context: ${pattern} vs ${text}`);
  }
  for (const [patterns, text, pass] of MULTI) {
    assert.equal(withParents(pm(patterns), text), pass, `${patterns.join(',')} vs ${text}`);
    assert.equal(pm(patterns).matchesUsingParentResults(text, undefined).matched, pass);
  }
});

void test('TestCleanPatterns*: empty lines dropped, "!" flagged, surrounding spaces trimmed, lone "!" rejected', () => {
  assert.equal(pm(['docs', 'config']).patterns.length, 2);
  assert.equal(pm(['docs', 'config', '']).patterns.length, 2);
  assert.equal(pm(['docs', '!docs/README.md']).exclusions, true);
  assert.equal(pm(['docs', '  !docs/README.md']).exclusions, true);
  assert.equal(pm(['docs', '!docs/README.md  ']).exclusions, true);
  assert.match(PatternMatcher.create(['!']).errors[0], /illegal exclusion pattern/);
});

// Go's filepath.Match table as run through patternmatcher.Matches (TestMatch).
const GO_MATCH: Array<[string, string, boolean, boolean?]> = [
  ['abc', 'abc', true],
  ['*', 'abc', true],
  ['*c', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ab/c', true],
  ['a*/b', 'abc/b', true],
  ['a*/b', 'a/c/b', false],
  ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
  ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false],
  ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
  ['a*b?c*x', 'abxbbxdbxebxczzx', true],
  ['a*b?c*x', 'abxbbxdbxebxczzy', false],
  ['ab[c]', 'abc', true],
  ['ab[b-d]', 'abc', true],
  ['ab[e-g]', 'abc', false],
  ['ab[^c]', 'abc', false],
  ['ab[^b-d]', 'abc', false],
  ['ab[^e-g]', 'abc', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'ab', false],
  ['a?b', 'a☺b', true],
  ['a[^a]b', 'a☺b', true],
  ['a???b', 'a☺b', false],
  ['a[^a][^a][^a]b', 'a☺b', false],
  ['[a-ζ]*', 'α', true],
  ['*[a-ζ]', 'A', false],
  ['a?b', 'a/b', false],
  ['a*b', 'a/b', false],
  ['[\\]a]', ']', true],
  ['[\\-]', '-', true],
  ['[x\\-]', 'x', true],
  ['[x\\-]', '-', true],
  ['[x\\-]', 'z', false],
  ['[\\-x]', 'x', true],
  ['[\\-x]', '-', true],
  ['[\\-x]', 'a', false],
  ['[]a]', ']', false, true],
  ['[-]', '-', false, true],
  ['[x-]', 'x', false, true],
  ['[x-]', '-', false, true],
  ['[x-]', 'z', false, true],
  ['[-x]', 'x', false, true],
  ['[-x]', '-', false, true],
  ['[-x]', 'a', false, true],
  ['\\', 'a', false, true],
  ['[a-b-c]', 'a', false, true],
  ['[', 'a', false, true],
  ['[^', 'a', false, true],
  ['[^bc', 'a', false, true],
  ['a[', 'a', false, true],
  ['a[', 'ab', false, true],
  ['*x', 'xxx', true],
];

void test('TestMatch (Go filepath.Match cases through patternmatcher)', () => {
  for (const [pattern, s, match, bad] of GO_MATCH) assert.equal(matches(s, [pattern]), bad ? 'error' : match, `Match(${pattern}, ${s})`);
});

void test('goMatch is Go path.Match: the same table straight, plus "*" never crossing "/"', () => {
  for (const [pattern, s, match, bad] of GO_MATCH) {
    if (pattern === 'a*' && s === 'ab/c') continue; // only true through the parent-dir check
    assert.equal(goMatch(pattern, s), bad ? 'bad' : match, `Match(${pattern}, ${s})`);
  }
  assert.equal(goMatch('a*', 'ab/c'), false);
  assert.equal(goMatch('*.json', 'a/b.json'), false);
});

void test('TestCompile match types (exact / prefix / suffix / regexp)', () => {
  const cases: Array<[string, string]> = [
    ['*', 'regexp'],
    ['file*', 'regexp'],
    ['*file', 'regexp'],
    ['a*/b', 'regexp'],
    ['**', 'suffix'],
    ['**/**', 'regexp'],
    ['dir/**', 'prefix'],
    ['**/dir', 'suffix'],
    ['**/dir2/*', 'regexp'],
    ['**/dir2/**', 'regexp'],
    ['**file', 'suffix'],
    ['**/file*txt', 'regexp'],
    ['**/**/*.txt', 'regexp'],
    ['a[b-d]e', 'regexp'],
    ['.*', 'regexp'],
    ['abc.def', 'exact'],
    ['abc?def', 'regexp'],
    ['**/foo/bar', 'suffix'],
    ['a(b)c/def', 'exact'],
    ['a.|)$(}+{bc', 'exact'],
  ];
  for (const [pattern, kind] of cases) assert.equal(pm([pattern]).patterns[0].matchType, kind, pattern);
});

void test('regression moby/moby#52203: "[Local-Only]/" passes Match validation but cannot compile; reported, never thrown', () => {
  const r = PatternMatcher.create(['[Local-Only]/']);
  assert.equal(r.errors.length, 1);
  assert.equal(r.matcher.matchesOrParentMatches('x'), false);
});

void test('ignorefile.ReadAll (TestReadAll)', () => {
  const content = 'test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ';
  assert.deepEqual(readIgnorePatterns(content), ['test1', 'test2', 'a/file/here', 'lastfile', '!inverted/abs/path', '!', '!']);
  assert.deepEqual(readIgnorePatterns(''), []);
});

void test('ReadAll details: BOM only on line 1, CRLF, "#" only at column 0, filepath.Clean, "." kept but matches nothing', () => {
  assert.deepEqual(readIgnorePatterns('\ufeffa\r\n\ufeffb\r\n  # not a comment\n./x/../y//z/\n/\n.\n'), ['a', '\ufeffb', '# not a comment', 'y/z', '/', '.']);
  const rules = compileIgnore('.\n');
  assert.equal(rules.matcher.matchesOrParentMatches('anything'), false);
  assert.deepEqual(rules.problems, []);
  assert.match(compileIgnore('ok\n!\n').problems[0], /illegal exclusion pattern/);
});

void test('ignore file choice: BuildKit prefers <Dockerfile>.dockerignore, classic reads only the root one', () => {
  const snap = (paths: string[]): ContextSnapshot => ({
    entries: new Map<string, ContextEntry>(paths.map((p) => [p, { path: p, type: p.endsWith('/') ? 'dir' : 'file', mode: 0o644, size: 0 }])),
    problems: [],
    contentDigest: () => '',
  });
  assert.deepEqual(ignoreFileCandidates('docker/app.Dockerfile', 'buildkit'), ['docker/app.Dockerfile.dockerignore', '.dockerignore']);
  assert.deepEqual(ignoreFileCandidates('docker/app.Dockerfile', 'classic'), ['.dockerignore']);
  const both = snap(['.dockerignore', 'docker/app.Dockerfile', 'docker/app.Dockerfile.dockerignore']);
  assert.equal(chooseIgnoreFile(both, 'docker/app.Dockerfile', 'buildkit'), 'docker/app.Dockerfile.dockerignore');
  assert.equal(chooseIgnoreFile(both, 'docker/app.Dockerfile', 'classic'), '.dockerignore');
  assert.equal(chooseIgnoreFile(snap(['.dockerignore']), 'Dockerfile', 'buildkit'), '.dockerignore');
  assert.equal(chooseIgnoreFile(snap([]), 'Dockerfile', 'buildkit'), undefined);
  // A Dockerfile outside the context: only the caller can tell whether its ignore file exists.
  assert.equal(
    chooseIgnoreFile(snap(['.dockerignore']), '../df/Dockerfile', 'buildkit', (p) => p === '../df/Dockerfile.dockerignore'),
    '../df/Dockerfile.dockerignore',
  );
});
