// The advice corpus (test/fixtures/advice-corpus): real Dockerfiles of public repositories, each finding of every
// rule judged once by hand (judged.json: tp = right, fp = wrong, fn = a case the rule should report and misses).
// Fails on a finding nobody judged (a new false positive until judged), on a judged false positive that fires,
// and on a lost true positive. Prints precision and recall per rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { advise } from '../../server/src/core/advise/advise';
import { applyEdits } from '../../server/src/core/advise/text';
import { ADVICE_CODES } from '../../server/src/core/advise/types';
import { adviseCorpus, contextPaths, corpusFindings, loadCorpus, TEMPLATE } from '../fixtures/advice-corpus/corpus';

interface Judged {
  repo: string;
  path: string;
  line: number;
  code: string;
  instruction: string;
  verdict: 'tp' | 'fp' | 'fn';
  why: string;
}

const judged = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'advice-corpus', 'judged.json'), 'utf8')) as Judged[];
const key = (o: { repo: string; path: string; line: number; code: string }) => `${o.repo} ${o.path}:${o.line} ${o.code}`;
const corpus = loadCorpus();

test('the corpus: at least 100 Dockerfiles from at least 30 repositories, each with its commit and licence', () => {
  const dockerfiles = corpus.flatMap((r) => r.dockerfiles);
  assert.ok(corpus.length >= 30, `${corpus.length} repositories`);
  assert.ok(dockerfiles.length >= 100, `${dockerfiles.length} Dockerfiles`);
  for (const r of corpus) {
    assert.match(r.commit, /^[0-9a-f]{40}$/, r.repo);
    assert.ok(r.license.length > 0, r.repo);
    assert.ok(r.paths.length > 0, r.repo);
  }
  const lines = new Set(judged.map(key));
  assert.equal(lines.size, judged.length, 'each finding is judged once');
  for (const j of judged) assert.ok(j.why.trim().length > 10, `${key(j)} has a reason`);
});

test('every finding on the corpus is judged; no false positive fires; no true positive is lost; precision and recall per rule', () => {
  const findings = corpusFindings(corpus);
  const byKey = new Map(judged.map((j) => [key(j), j]));
  const found = new Set(findings.map(key));
  const unjudged = findings.filter((f) => !byKey.has(key(f))).map((f) => `${key(f)}  ${f.instruction}\n    ${f.advice.message}`);
  const falsePositives = findings.filter((f) => byKey.get(key(f))?.verdict === 'fp').map((f) => `${key(f)}: ${byKey.get(key(f))?.why}`);
  const lost = judged.filter((j) => j.verdict === 'tp' && !found.has(key(j))).map((j) => `${key(j)}: ${j.why}`);
  const lines: string[] = [];
  for (const code of ADVICE_CODES) {
    const tp = findings.filter((f) => f.code === code && byKey.get(key(f))?.verdict === 'tp').length;
    const fp = findings.filter((f) => f.code === code && byKey.get(key(f))?.verdict !== 'tp').length;
    const fn = judged.filter((j) => j.code === code && (j.verdict === 'fn' || j.verdict === 'tp') && !found.has(key(j))).length;
    const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
    lines.push(`${code}: ${tp + fp} findings, ${tp} true, ${fp} false, ${fn} missed; precision ${pct(tp, tp + fp)}, recall ${pct(tp, tp + fn)}`);
  }
  console.log(`advice corpus: ${corpus.length} repositories, ${corpus.reduce((n, r) => n + r.dockerfiles.length, 0)} Dockerfiles\n  ${lines.join('\n  ')}`);
  assert.deepEqual(unjudged, [], 'findings nobody judged: judge each in judged.json');
  assert.deepEqual(falsePositives, [], 'findings judged wrong fire again');
  assert.deepEqual(lost, [], 'true positives no longer found');
});

test('the broad-COPY fixes on the corpus: the fixed Dockerfile parses and the rule no longer fires on that COPY', () => {
  let checked = 0;
  for (const repo of corpus) {
    for (const df of repo.dockerfiles) {
      if (TEMPLATE.test(df.path)) continue;
      const before = adviseCorpus(repo, df).filter((x) => x.code === 'copy-before-install');
      for (const a of before) {
        const install = df.text.split('\n')[(a.related?.[0].line ?? a.line) - 1].trim();
        for (const fix of a.fixes) {
          const text = applyEdits(df.text, fix.edits);
          assert.notEqual(text, df.text, `${repo.repo} ${df.path}: ${fix.title} changes nothing`);
          const after = advise({ text, rules: ['copy-before-install'], context: { paths: contextPaths(repo, df) } });
          const lines = text.split('\n');
          // The same install, wherever the fix moved it, is no longer reported; the file's other findings stay.
          const same = after.filter((b) => lines[(b.related?.[0].line ?? b.line) - 1].trim() === install).map((b) => `line ${b.line}: ${b.message}`);
          assert.deepEqual(same, [], `${repo.repo} ${df.path} after "${fix.title}":\n${text}`);
          assert.equal(after.length, before.length - 1, `${repo.repo} ${df.path} after "${fix.title}"`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked >= 5, `${checked} fixes checked`);
});
