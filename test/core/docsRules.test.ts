// The code cites cache rules by id (R4a, C24, ...) and the oracle scenarios list the rules they prove: every id must
// be a rule or case of this repository's docs/cache-rules.md, so a comment never points at a rule that is not there.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SCENARIOS } from '../oracle/scenarios';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|mjs)$/.test(n) ? [p] : [];
  });
}

const docs = readFileSync(join(ROOT, 'docs', 'cache-rules.md'), 'utf8');
/** Ids the document defines: headings `### R4a. ...` and cases `**C31. ...**`. */
const defined = new Set([...docs.matchAll(/^#+ *(R\d+[a-z]?)\.|^\*\*(C\d+)\./gm)].map((m) => m[1] ?? m[2]));

void test('docs/cache-rules.md defines the rules and cases it is known for', () => {
  for (const id of ['R1', 'R3', 'R4a', 'R9', 'R11a', 'C24', 'C31']) assert.ok(defined.has(id), `${id} is not defined in docs/cache-rules.md`);
});

void test('every rule id cited in the product code and every scenario rule is defined in docs/cache-rules.md', () => {
  const missing: string[] = [];
  for (const file of ['server/src', 'client/src', 'media/src'].flatMap((d) => sources(join(ROOT, d)))) {
    // only ids said to be cache rules: "cache-rules R12", "(R4a)", "R11a:" in a comment or a message
    for (const m of readFileSync(file, 'utf8').matchAll(/\b(R\d+[a-z]?|C\d+)\b/g)) {
      if (!defined.has(m[1])) missing.push(`${file.slice(ROOT.length + 1)}: ${m[1]}`);
    }
  }
  for (const s of SCENARIOS) for (const r of s.rules) if (/^[RC]\d/.test(r) && !defined.has(r)) missing.push(`scenario ${s.name}: ${r}`);
  assert.deepEqual(missing, []);
});
