// Golden output of the CLI: `plan` (text and --json), `record`, `simulate` and `check` (text and json) on a fixed corpus, compared
// byte for byte with test/cli/golden/*.txt. It holds the CLI's behaviour still while the code under it is
// reorganised: any change of a verdict, a reason's words, a diagnostic or the table's layout shows here as a diff.
//
// Corpus: every Dockerfile under examples/ and test/fixtures/e2e-workspace/ (context = its folder); every oracle
// scenario (test/oracle/scenarios.ts) with both builders, round by round as the oracle runs it but without an
// engine (plan, record, apply the round's changes, plan ...); `check` on every scenario's first Dockerfile and on
// the real Dockerfiles of the history data (test/oracle/history/data, each distinct text once).
//
// After a change that is meant to alter the output: LAYERLENS_GOLDEN_UPDATE=1 node --import tsx --test
// test/cli/golden.test.ts, then read the diff of test/cli/golden/ before committing it.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { runMain } from '../../server/src/cli';
import { loadHistory } from '../oracle/history/data';
import { applyOps, initialSettings, nextSettings, roundCliArgs, writeFiles } from '../oracle/runner';
import { SCENARIOS, type Scenario } from '../oracle/scenarios';

const ROOT = join(__dirname, '..', '..');
const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.LAYERLENS_GOLDEN_UPDATE === '1';
let work: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'layerlens-golden-'));
  process.env.LAYERLENS_DIGEST_CACHE = join(work, 'digests.json');
  process.env.NO_COLOR = '1';
  // each in-process run registers an exit handler (the digest cache); many runs are expected here
  process.setMaxListeners(0);
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI in this process; its stdout and stderr, with the scratch folder's path replaced by `<work>`. */
async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const capture = (tag: string) =>
    ((chunk: string | Uint8Array) => {
      out.push(tag + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')));
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture('');
  process.stderr.write = capture('stderr: ');
  let code: number;
  try {
    code = await runMain(args);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  return `$ layerlens ${args.map((a) => a.split(work).join('<work>')).join(' ')}\n${out.join('').split(work).join('<work>')}exit ${code}\n`;
}

function compareGolden(name: string, raw: string): void {
  const file = join(GOLDEN, name);
  // as the file holds it: a lone surrogate (a name that is not UTF-8, printed as it is) becomes U+FFFD
  const text = Buffer.from(raw, 'utf8').toString('utf8');
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) assert.fail(`${file} is missing: run LAYERLENS_GOLDEN_UPDATE=1 node --import tsx --test test/cli/golden.test.ts and commit it`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  const want = readFileSync(file, 'utf8');
  if (want === text) return;
  const a = want.split('\n');
  const b = text.split('\n');
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const lines = (l: string[]) =>
    l
      .slice(Math.max(0, i - 3), i + 4)
      .map((x, k) => `  ${Math.max(0, i - 3) + k + 1}: ${x}`)
      .join('\n');
  assert.fail(
    `CLI output differs from ${relative(ROOT, file)} first at line ${i + 1}\nexpected:\n${lines(a)}\nactual:\n${lines(b)}\n` +
      'If the change is meant: LAYERLENS_GOLDEN_UPDATE=1 node --import tsx --test test/cli/golden.test.ts, and read the diff.',
  );
}

function dockerfilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : dockerfilesUnder(p);
      return /(^|\.)Dockerfile(\.|$)|^Containerfile$/.test(name) ? [p] : [];
    });
}

void test('golden: plan, record and check on examples/ and the e2e workspace', async () => {
  const out: string[] = [];
  for (const folder of ['examples', 'test/fixtures/e2e-workspace']) {
    // a copy, so the run never writes next to the repository's files
    const copy = join(work, folder.replace(/\//g, '_'));
    cpSync(join(ROOT, folder), copy, { recursive: true });
    for (const df of dockerfilesUnder(copy)) {
      const store = join(work, 'examples-store.json');
      rmSync(store, { force: true });
      const ctx = join(df, '..');
      for (const builder of ['buildkit', 'classic']) {
        const base = [df, '--context', ctx, '--store', store, '--builder', builder];
        out.push(await cli(['plan', ...base]), await cli(['plan', ...base, '--json']), await cli(['record', ...base]), await cli(['plan', ...base]));
        const someFile = readdirSync(ctx)
          .sort()
          .find((n) => !n.includes('Dockerfile') && statSync(join(ctx, n)).isFile());
        out.push(await cli(['simulate', ...base, '--edit-line', '3']));
        if (someFile) out.push(await cli(['simulate', ...base, '--change', someFile, '--json']));
      }
      out.push(await cli(['check', df, '--context', ctx, '--format', 'json']), await cli(['check', df, '--context', ctx]));
    }
  }
  compareGolden('examples.txt', out.join('\n'));
});

/** A scenario whose rounds need root (chown) or are otherwise tied to this machine stays out. */
const portable = (s: Scenario) => !s.rounds.some((r) => (r.ops ?? []).some((o) => o.op === 'chown'));

void test('golden: every oracle scenario, round by round, both builders (no engine)', async () => {
  const out: string[] = [];
  for (const s of SCENARIOS.filter(portable)) {
    for (const builder of ['buildkit', 'classic'] as const) {
      if (s.only && s.only !== builder) continue;
      const ctx = join(work, `${s.name}-${builder}`);
      mkdirSync(ctx);
      writeFiles(ctx, s.files);
      const store = join(work, `${s.name}-${builder}.json`);
      let settings = initialSettings(s);
      out.push(`### scenario ${s.name} (${builder})\n`);
      for (let r = 0; r <= s.rounds.length; r++) {
        if (r > 0) {
          const rr = s.rounds[r - 1];
          applyOps(ctx, rr.ops ?? []);
          settings = nextSettings(settings, rr);
          out.push(`## round ${r}: ${rr.does}\n`);
        }
        const args = roundCliArgs(ctx, settings, store, builder);
        out.push(await cli(['plan', ...args]));
        // --json (the same verdicts and reasons, plus layers) for the first and the last round: keeps the file small
        if (r === 0 || r === s.rounds.length) out.push(await cli(['plan', ...args, '--json']));
        out.push(await cli(['record', ...args]));
      }
      rmSync(ctx, { recursive: true, force: true });
    }
  }
  compareGolden('scenarios.txt', out.join('\n'));
});

void test('golden: check on every scenario and on the real Dockerfiles of the history data', async () => {
  const out: string[] = [];
  for (const s of SCENARIOS.filter(portable)) {
    const ctx = join(work, `check-${s.name}`);
    mkdirSync(ctx);
    writeFiles(ctx, s.files);
    out.push(await cli(['check', join(ctx, s.dockerfile ?? 'Dockerfile'), '--context', ctx, '--format', 'json']));
    rmSync(ctx, { recursive: true, force: true });
  }
  const dataDir = join(ROOT, 'test', 'oracle', 'history', 'data');
  for (const f of readdirSync(dataDir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const h = loadHistory(join(dataDir, f));
    const seen = new Set<string>();
    for (const [i, st] of h.states.entries()) {
      const key = `${st.dockerfileText}\0${st.ignoreText}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const ctx = join(work, `history-${f}-${i}`);
      mkdirSync(ctx);
      writeFileSync(join(ctx, 'Dockerfile'), st.dockerfileText);
      if (st.ignoreText !== null) writeFileSync(join(ctx, '.dockerignore'), st.ignoreText);
      out.push(`### ${h.repo} state ${i} ${st.commit.slice(0, 12)}\n`, await cli(['check', join(ctx, 'Dockerfile'), '--context', ctx, '--format', 'json']));
    }
  }
  compareGolden('check.txt', out.join('\n'));
});
