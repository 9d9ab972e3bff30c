// Hostile Dockerfile TEXT: huge, deep, long, many-of-everything. Seeded generators make Dockerfiles past each
// limit of core/dockerfile/limits.ts and right at them, plus deep and exponential variable expansion, heredocs never closed,
// escape directives, NUL bytes, invalid UTF-8 and CRLF mixes. Each goes to the CLI (the real bundle, with its
// peak memory from /usr/bin/time) and to the real language server (over in-memory streams), which must keep
// answering `layerLens/status` meanwhile. Every case must end in a clear answer: a plan, or the limit's one
// message. Times are hang guards only; the measured figures are printed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { advise } from '../../server/src/core/advise/advise';
import {
  MAX_DOCKERFILE_CHARS,
  MAX_EXPANSION_DEPTH,
  MAX_INSTRUCTIONS,
  MAX_LINE_LENGTH,
  MAX_LINES,
  MAX_STAGES,
  MAX_VARIABLE_RUNS,
  MAX_VARIABLES,
} from '../../server/src/core/dockerfile/limits';
import { recordRequest, statusRequest } from '../../server/src/protocol';
import { diskProject } from '../helpers/diskProject';
import { seededRandom } from '../helpers/random';
import { TestServer } from '../server/support/lspClient';
import { renderMessage } from '../../server/src/core/shared/message';

const SEED = 0x11d0c;
const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
const roots: string[] = [];
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = diskProject('ll-hostile-text-', { 'package.json': '{}', 'src/app.js': 'x' }, roots);
});
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

interface Expect {
  /** The one limit message (CLI exit 1; one diagnostic in the editor). */
  limit?: RegExp;
  plan?: true;
  /** A diagnostic the plan must have. */
  diagnostic?: RegExp;
  /** The CLI refuses the file with this message (exit 1); the editor says so in a diagnostic. */
  unreadable?: RegExp;
}
interface Case {
  name: string;
  text: string | Buffer;
  expect: Expect;
}

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const between = (rand: () => number, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
const word = (rand: () => number) => Array.from({ length: between(rand, 1, 12) }, () => pick(rand, [...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('');
const runLine = (rand: () => number) => `RUN ${pick(rand, ['echo', 'apt-get install -y', 'npm ci', 'make'])} ${word(rand)}`;

/** One generator per class of hostile text; each takes the seeded generator, so a failure replays. */
const GENERATORS: Array<(rand: () => number) => Case> = [
  (rand) => ({
    name: 'one line past the line limit',
    text: `FROM alpine\nRUN echo ${'x'.repeat(MAX_LINE_LENGTH + between(rand, 1, 4 * MAX_LINE_LENGTH))}\n`,
    expect: { limit: /^Line 2 of this Dockerfile has [\d,]+ characters/ },
  }),
  (rand) => ({
    name: 'more lines than the limit',
    text: 'FROM alpine\n' + '\n'.repeat(MAX_LINES + between(rand, 0, 50_000)),
    expect: { limit: /lines, more than Layer Lens analyses \(limit 20,000\)/ },
  }),
  (rand) => ({
    name: 'larger than the size limit',
    text: `FROM alpine\n${`RUN echo ${word(rand)} ${'y'.repeat(200)}\n`.repeat(Math.ceil(MAX_DOCKERFILE_CHARS / 200) + between(rand, 0, 2000))}`,
    expect: { limit: /(characters|KB), more than Layer Lens analyses/ },
  }),
  (rand) => ({
    name: 'more instructions than the limit',
    text:
      'FROM alpine\n' +
      Array.from({ length: MAX_INSTRUCTIONS + between(rand, 1, 3000) }, () => pick(rand, ['RUN a', 'EXPOSE 1', 'USER u', 'LABEL a=b'])).join('\n'),
    expect: { limit: /instructions, more than Layer Lens analyses/ },
  }),
  (rand) => ({
    name: 'more stages than the limit',
    text: Array.from({ length: MAX_STAGES + between(rand, 1, 500) }, (_, i) => `FROM alpine AS s${i}`).join('\n'),
    expect: { limit: /build stages \(FROM lines\)/ },
  }),
  (rand) => ({
    name: 'more variables than the limit, on continuation lines',
    text: `FROM alpine\nENV \\\n${Array.from({ length: MAX_VARIABLES + between(rand, 1, 3000) }, (_, i) => `  V${i}=${word(rand)} \\`).join('\n')}\n  END=1\nRUN true\n`,
    expect: { limit: /variables, more than Layer Lens analyses/ },
  }),
  (rand) => {
    const vars = between(rand, 300, 600);
    const runs = Math.ceil(MAX_VARIABLE_RUNS / vars) + between(rand, 1, 200);
    return {
      name: 'variables times RUNs past the limit',
      text: `FROM alpine\nENV ${Array.from({ length: vars }, (_, i) => `V${i}=1`).join(' ')}\n${Array.from({ length: runs }, () => runLine(rand)).join('\n')}\n`,
      expect: { limit: /every RUN's cache key carries every variable/ },
    };
  },
  (rand) => {
    const depth = between(rand, MAX_EXPANSION_DEPTH + 1, 6000);
    return {
      name: `variables nested ${depth} deep`,
      text: `FROM alpine\nENV B=${'${A:-'.repeat(depth)}x${'}'.repeat(depth)}\nRUN echo $B\n`,
      expect: { limit: /^line 2: Variables are nested more than 64 deep/ },
    };
  },
  (rand) => {
    const n = between(rand, 18, 60);
    return {
      name: `ENV doubling its value ${n} times`,
      text: `FROM alpine\nENV A=${word(rand)}xxxxxxxxxxxx\n${'ENV A=$A$A\n'.repeat(n)}RUN echo\n`,
      expect: { limit: /^line \d+: A variable here expands to more than 131,072 characters/ },
    };
  },
  (rand) => ({
    name: 'global ARG doubling into FROM',
    text: `ARG A=xxxxxxxxxxxxxxxx\n${'ARG A=$A$A\n'.repeat(between(rand, 14, 40))}FROM $A\nRUN true\n`,
    expect: { limit: /^line \d+: A variable here expands/ },
  }),
  (rand) => ({
    name: 'heredocs never closed',
    text: `FROM alpine\n${Array.from({ length: between(rand, 1, 400) }, () => `RUN <<EOF${between(rand, 0, 9)} cat\n${word(rand)}`).join('\n')}\n`,
    expect: { plan: true, diagnostic: /Unterminated heredoc/ },
  }),
  (rand) => {
    const e = pick(rand, ['`', '\\']);
    const lines = Array.from({ length: between(rand, 10, 400) }, () => (rand() < 0.5 ? `${runLine(rand)} ${e}` : `  ${word(rand)} ${e}${e}`));
    return { name: `escape directive ${e} and dangling escapes`, text: `# escape=${e}\nFROM alpine\n${lines.join('\n')}\n${e}`, expect: { plan: true } };
  },
  (rand) => ({
    name: 'NUL and binary bytes',
    text: Buffer.concat([
      Buffer.from('FROM alpine\nRUN echo '),
      Buffer.from(Array.from({ length: between(rand, 10, 5000) }, () => Math.floor(rand() * 256))),
      Buffer.from([0]),
    ]),
    expect: { unreadable: /NUL bytes/ },
  }),
  (rand) => ({
    name: 'invalid UTF-8 bytes',
    text: Buffer.concat([
      Buffer.from('FROM alpine\nCOPY '),
      Buffer.from(Array.from({ length: between(rand, 10, 3000) }, () => 0x80 + Math.floor(rand() * 0x7f))),
      Buffer.from(' /app\nRUN true\n'),
    ]),
    expect: { plan: true },
  }),
  (rand) => ({
    name: 'CRLF, lone CR and LF mixed',
    text: Array.from({ length: between(rand, 5, 2000) }, (_, i) => (i === 0 ? 'FROM alpine' : runLine(rand)))
      .map((l) => l + pick(rand, ['\n', '\r\n', '\r', ' \\\r\n']))
      .join(''),
    expect: { plan: true },
  }),
  (rand) => {
    // At the size and line-length limits with the most words the parser makes objects for (its slowest text).
    const line = () => `RUN echo ${'x '.repeat(Math.floor((MAX_LINE_LENGTH - 20) / 2) - between(rand, 0, 100))}`;
    const count = Math.floor((MAX_DOCKERFILE_CHARS - 100) / MAX_LINE_LENGTH);
    return {
      name: `at the size limit: ${count} lines of ${MAX_LINE_LENGTH / 1024} Ki characters of short words`,
      text: `FROM alpine\n${Array.from({ length: count }, line).join('\n')}\n`,
      expect: { plan: true },
    };
  },
  (rand) => {
    // Right at the limits: as many variables times RUNs, stages and characters as allowed.
    const vars = between(rand, 200, 400);
    const runs = Math.floor(MAX_VARIABLE_RUNS / (vars + 1)) - 1; // + ARG BASE
    return {
      name: `at the limits: ${vars} variables, ${runs} RUNs`,
      text: `ARG BASE=alpine\nFROM $BASE AS s0\nENV ${Array.from({ length: vars }, (_, i) => `V${i}=${word(rand)}`).join(' ')}\n${Array.from({ length: runs }, () => runLine(rand) + ' $V1').join('\n')}\n${Array.from({ length: MAX_STAGES - 2 }, (_, i) => `FROM s${i} AS s${i + 1}\nCOPY . /app`).join('\n')}\n`,
      expect: { plan: true },
    };
  },
];

function cases(): Case[] {
  const rand = seededRandom(SEED);
  return GENERATORS.map((g) => g(rand));
}

function writeCase(c: Case, i: number): string {
  const dir = join(work, `case-${i}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), c.text);
  writeFileSync(join(dir, 'package.json'), '{}');
  return join(dir, 'Dockerfile');
}

void test(`CLI: every hostile Dockerfile gets a plan or one clear message, exit 1, no stack trace, bounded memory (seed ${SEED})`, { timeout: 120_000 }, () => {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const figures: string[] = [];
  cases().forEach((c, i) => {
    const file = writeCase(c, i);
    const args = [cliPath, 'plan', file, '--json', '--store', join(work, `store-${i}.json`)];
    const started = Date.now();
    const r = timeBin
      ? spawnSync(timeBin, ['-f', 'maxrss=%M', process.execPath, ...args], {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), NO_COLOR: '1' },
        })
      : spawnSync(process.execPath, args, {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), NO_COLOR: '1' },
        });
    const ms = Date.now() - started;
    const rss = /maxrss=(\d+)/.exec(r.stderr ?? '');
    const stderr = (r.stderr ?? '').replace(/^maxrss=\d+\n?/m, '').replace(/^Command exited with non-zero status \d+\n?/m, '');
    const where = `${c.name}: exit ${r.status} ${r.signal ?? ''}, stderr ${JSON.stringify(stderr.slice(0, 300))}`;
    assert.equal(r.error, undefined, `${where} (hung past the 60 s guard?)`);
    assert.doesNotMatch(stderr, /\n\s+at |RangeError|Invalid string length/, `${where}: no stack trace`);
    if (c.expect.limit) {
      assert.equal(r.status, 1, where);
      assert.match(stderr, /^layerlens: /, where);
      assert.match(stderr.replace(/^layerlens: /, ''), c.expect.limit, where);
      assert.match(stderr, /Layer Lens shows no verdicts/, where);
      assert.equal(stderr.trim().split('\n').length, 1, `${where}: one message`);
    } else if (c.expect.unreadable) {
      assert.equal(r.status, 1, where);
      assert.match(stderr, c.expect.unreadable, where);
    } else {
      assert.equal(r.status, 0, where);
      const plan = JSON.parse(r.stdout) as { steps: unknown[]; diagnostics: Array<{ message: string }> };
      assert.ok(plan.steps.length > 0, where);
      const wanted = c.expect.diagnostic;
      if (wanted)
        assert.ok(
          plan.diagnostics.some((d) => wanted.test(d.message)),
          where,
        );
    }
    if (rss) assert.ok(Number(rss[1]) < 1024 * 1024, `${where}: peak memory ${rss[1]} KB`);
    figures.push(`${c.name}: ${ms} ms${rss ? `, ${Math.round(Number(rss[1]) / 1024)} MB` : ''}`);
  });
  console.log(`CLI on hostile text:\n  ${figures.join('\n  ')}`);
});

void test(
  `server: every hostile Dockerfile gets lenses and diagnostics (or the one limit diagnostic) while layerLens/status keeps answering (seed ${SEED})`,
  { timeout: 120_000 },
  async () => {
    const s = await TestServer.start({ storePath: join(work, 'server-store.json'), workspaceFolders: [work] });
    try {
      // Warm up (modules load and compile on first use), so the stalls measured are the analysis's.
      const warm = await s.open(join(work, 'Dockerfile'), 'FROM alpine\nRUN true\n');
      await s.lenses(warm);
      await s.diagnosticsFor(warm, 1);
      await s.close(warm);
      const figures: string[] = [];
      let worst = 0;
      const all = cases();
      for (const [i, c] of all.entries()) {
        const text = typeof c.text === 'string' ? c.text : c.text.toString('utf8');
        const u = await s.open(writeCase(c, i), text);
        let done = false;
        let stall = 0;
        const pinger = (async () => {
          while (!done) {
            const t = Date.now();
            await s.request(statusRequest, {});
            stall = Math.max(stall, Date.now() - t);
            await new Promise((r) => setTimeout(r, 5));
          }
        })();
        const started = Date.now();
        const lenses = await s.lenses(u);
        const diagnostics = await s.diagnosticsFor(u, 1, 60_000);
        const ms = Date.now() - started;
        done = true;
        await pinger;
        const where = `${c.name}: ${lenses.length} lenses, diagnostics ${diagnostics
          .map((d) => String(d.message).slice(0, 100))
          .join(' | ')
          .slice(0, 400)}`;
        if (c.expect.limit) {
          assert.equal(diagnostics.length, 1, `${where}: one diagnostic`);
          assert.match(String(diagnostics[0].message), /Layer Lens shows no verdicts/, where);
          assert.equal(diagnostics[0].code, 'limit', where);
          assert.equal(lenses.length, 1, where);
          assert.match(lenses[0].title, /^Layer Lens: /, where);
          // No verdicts in a hover: none at all past a text limit, the instruction's help and the problem past an expansion limit.
          const hover = await s.hover(u, 1, 1);
          assert.ok(hover === null || (/Layer Lens shows no verdicts/.test(hover) && !/\*\*Verdict/.test(hover)), `${where}: hover ${hover}`);
          // "Mark as built" records nothing and says why (it would otherwise plan the text after all).
          const recorded = await s.request(recordRequest, { uri: u });
          assert.deepEqual(
            { keys: recorded?.keys, warning: recorded?.warning ? renderMessage(recorded.warning) : null },
            { keys: 0, warning: String(diagnostics[0].message) },
            where,
          );
        } else {
          if (c.expect.plan) assert.ok(lenses.length >= 1, where);
          assert.ok(!diagnostics.some((d) => d.code === 'limit'), where);
          for (const wanted of [c.expect.diagnostic, c.expect.unreadable])
            if (wanted)
              assert.ok(
                diagnostics.some((d) => wanted.test(String(d.message))),
                where,
              );
        }
        // A hang guard, not a speed test (a 20 MB text held the server 90 s before the limits); the real figures are printed below.
        assert.ok(stall < 5000, `${where}: layerLens/status waited ${stall} ms`);
        worst = Math.max(worst, stall);
        figures.push(`${c.name}: answered in ${ms} ms, status waited at most ${stall} ms`);
        await s.close(u);
      }
      const failures = s.logged.filter((m) => / failed: |Cannot analyse/.test(m.message));
      assert.deepEqual(
        failures.map((m) => m.message.split('\n')[0]),
        [],
        'no handler failed',
      );
      console.log(
        `server on hostile text (longest status wait ${worst} ms, rss ${Math.round(process.memoryUsage().rss / 1048576)} MB):\n  ${figures.join('\n  ')}`,
      );
    } finally {
      await s.stop();
    }
  },
);

void test('arg-declared-early over 10,000 ARGs that are never used: one pass, not one scan per ARG (hang guard)', () => {
  // Below the limits only 2,000 variables get here; the rule itself must still not be quadratic (10,000 took minutes).
  // A child process, so the 30 s hang guard can stop synchronous work.
  const script = `const { advise } = require(${JSON.stringify(join(root, 'server', 'src', 'core', 'advise', 'advise.ts'))});
    const text = 'FROM alpine\\n' + Array.from({ length: 10000 }, (_, i) => 'ARG A' + i + '=' + i).join('\\n') + '\\nRUN true\\n';
    process.stdout.write(JSON.stringify(advise({ text, rules: ['arg-declared-early'] })));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.error, undefined, 'finished within the 30 s hang guard');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '[]');
  const used = 'FROM alpine\nARG A=1\nRUN a\nARG B=2\nRUN b\nRUN echo $B $A\nONBUILD RUN echo B\n';
  assert.deepEqual(
    advise({ text: used, rules: ['arg-declared-early'] }).map((a) => [a.line, a.related?.[0]?.line]),
    [
      [2, 6],
      [4, 6],
    ],
  );
});
