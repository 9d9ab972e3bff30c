// globMatches (server/src/settings.ts) as it was before the linear-time matcher: the `layerLens.dockerfiles` key compiled to a
// backtracking JavaScript RegExp. Kept, test-only, as the reference the linear-time version is compared with
// (test/core/linearMatch.test.ts). Never use it on large input: it can hang.
export function regexGlobMatches(pattern: string, path: string): boolean {
  let re = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`).test(path);
  } catch {
    return pattern === path;
  }
}
