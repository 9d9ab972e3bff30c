// The oracle: Layer Lens's predictions checked against real Docker builds.
//
//   npm run test:oracle      (builds dist/cli.js, then runs this file)
//   node --import tsx --test test/oracle/oracle.test.ts
//
// Needs the private engines: scripts/engines/setup.sh && scripts/engines/start.sh
// Environment:
//   LAYERLENS_SKIP_ORACLE=1           skip (instead of failing) when an engine is not running
//   LAYERLENS_ORACLE_ENGINES="classic buildkit"   which engines to use (default both)
//   LAYERLENS_ORACLE_FILTER=regexp    only scenarios whose name matches
//   LAYERLENS_ORACLE_IGNORE_EXPECT=1  report, but do not fail on, engines disagreeing with a scenario's expectation
//
// For each scenario and engine: fresh context dir and store file, engine cache reset, `plan --json` with the empty
// store, initial build, compare every step, `record`; then per round: apply the change, `plan --json`, build,
// compare every step, `record`.
// Engine CACHED <=> our `cached`; engine ran <=> our `rebuilds`; our `maybe` is accepted but counted; a step the
// engine never reports must be `none` or `skipped` for us. FROM lines are not compared (BuildKit's FROM
// CACHED/DONE is unreliable, cache-rules R5; classic's FROM is never a cache lookup, R1).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CLI, cliEnv, compareSteps, planJson, recordBuild, runCli, textTable, type PlanStep } from './compare';
import {
  wantedEngines,
  engineProblem,
  ForeignBuildError,
  parseBuildkitOutput,
  parseClassicOutput,
  readDockerfile,
  type Engine,
  type EngineStep,
} from './engine';
import { roundCliArgs, runScenario, type RoundContext, type RoundReport } from './runner';
import { scenariosFor, type Scenario } from './scenarios';

const SKIP = process.env.LAYERLENS_SKIP_ORACLE === '1';
const IGNORE_EXPECT = process.env.LAYERLENS_ORACLE_IGNORE_EXPECT === '1';
const FILTER = process.env.LAYERLENS_ORACLE_FILTER ? new RegExp(process.env.LAYERLENS_ORACLE_FILTER) : undefined;
const WANTED: Engine[] = wantedEngines();

interface Disagreement {
  scenario: string;
  engine: Engine;
  round: number;
  line: number;
  instruction: string;
  engineSays: string;
  weSay: string;
  reason: string;
}

const tally = { compared: 0, wrong: 0, maybe: 0, rounds: 0 };
const disagreements: Disagreement[] = [];
const maybes: Disagreement[] = [];
const expectationMisses: string[] = [];
const scenarioErrors: string[] = [];
const timings: Partial<Record<Engine, number>> = {};

function cliArgs(ctx: RoundContext, store: string): string[] {
  return roundCliArgs(ctx.contextDir, ctx, store, ctx.engine);
}

/** The scenario's own digest cache, beside its store (compare.ts cliEnv). */
function env(ctx: RoundContext): NodeJS.ProcessEnv {
  return cliEnv(join(ctx.workDir, 'layerlens-digests.json'));
}

async function plan(ctx: RoundContext, store: string): Promise<PlanStep[]> {
  return (await planJson(cliArgs(ctx, store), env(ctx))).steps;
}

async function record(ctx: RoundContext, store: string): Promise<void> {
  await recordBuild(cliArgs(ctx, store), env(ctx));
}

/** After a build that failed as expected: record must refuse it (exit 1), there is nothing built to count. */
async function recordRefused(ctx: RoundContext, store: string): Promise<string | undefined> {
  const r = await runCli(['record', ...cliArgs(ctx, store)], env(ctx));
  return r.code === 1 ? undefined : `layerlens record of a build that fails exited ${r.code}, not 1: ${r.stderr.trim() || r.stdout.trim()}`;
}

/** Compares one round; returns the number of wrong verdicts. */
function compare(report: RoundReport, steps: PlanStep[]): number {
  let wrong = 0;
  for (const c of compareSteps(report.dfile, report.result, steps, { failed: report.failed })) {
    const row: Disagreement = {
      scenario: report.scenario.name,
      engine: report.engine,
      round: report.round,
      line: c.line,
      instruction: c.instruction,
      engineSays: c.engineSays,
      weSay: c.weSay,
      reason: c.reason,
    };
    tally.compared++;
    if (c.verdict === 'maybe') {
      tally.maybe++;
      maybes.push(row);
    }
    if (c.verdict === 'wrong') {
      wrong++;
      tally.wrong++;
      disagreements.push(row);
    }
  }
  return wrong;
}

async function oracleScenario(s: Scenario, engine: Engine): Promise<string[]> {
  const problems: string[] = [];
  let ourPlan: PlanStep[] = [];
  // the store lives next to (not inside) the build context, in the scenario's scratch dir
  const storeOf = (ctx: RoundContext) => join(ctx.workDir, 'layerlens-store.json');
  await runScenario(s, engine, {
    beforeBuild: async (ctx) => {
      ourPlan = await plan(ctx, storeOf(ctx));
    },
    afterBuild: async (report) => {
      const store = storeOf(report);
      // Round 0 too: planned with nothing recorded, right after the engine's cache was emptied, so every step
      // rebuilds except what this build itself makes twice (same-build reuse, cache-rules R4).
      tally.rounds++;
      const wrong = compare(report, ourPlan);
      if (wrong) problems.push(`round ${report.round} (${report.does}): ${wrong} wrong verdict(s)`);
      if (report.failed) {
        const refused = await recordRefused(report, store);
        if (refused) problems.push(`round ${report.round} (${report.does}): ${refused}`);
      }
      if (report.mismatches.length) {
        const msg = `${engine} ${s.name} round ${report.round} (${report.does}): engine reported ${report.engineString}, scenario expects ${report.expected}`;
        expectationMisses.push(msg);
        if (!IGNORE_EXPECT) problems.push(`engine disagrees with the scenario expectation: ${msg}`);
      }
      if (!report.failed) await record(report, store);
    },
  });
  return problems;
}

function table(rows: Disagreement[]): string {
  const head = ['scenario', 'engine', 'round', 'line', 'instruction', 'engine says', 'we say', 'our reason'];
  return textTable(
    head,
    rows.map((r) => [r.scenario, r.engine, String(r.round), String(r.line), r.instruction, r.engineSays, r.weSay, r.reason]),
  );
}

// Needs no engine: the step-to-line mapping on outputs captured from the real engines (test/oracle/fixtures).
void test('engine output mapping: captured classic and BuildKit outputs map to the right Dockerfile lines', () => {
  const fx = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
  const brief = (steps: EngineStep[]) => steps.map((st) => `${st.line}${st.cached ? '=' : 'R'}`).join(' ');
  const multi = readDockerfile(fx('multistage.Dockerfile'));
  assert.equal(
    multi.instructions.map((i) => `${i.line}:${i.keyword}:${i.stage}`).join(' '),
    '2:ARG:-1 3:FROM:0 4:RUN:0 5:WORKDIR:0 6:RUN:0 9:FROM:1 10:RUN:1 11:COPY:1 12:WORKDIR:1 13:RUN:1 15:FROM:2 16:RUN:2 17:COPY:2 19:FROM:3 20:COPY:3 21:COPY:3',
  );
  // named + `stage-N` prefixes, `WORKDIR /` counted in n but not a vertex, FROM <stage> / FROM scratch not counted,
  // the second `FROM localbase:1` deduplicated into the first stage's vertex
  // (the rebuild outputs were captured after editing `echo child` to `echo child2`)
  const multi2 = readDockerfile(fx('multistage.Dockerfile').replace('echo child', 'echo child2'));
  assert.equal(brief(parseBuildkitOutput(fx('multistage.buildkit-rebuild.txt'), multi2)), '4= 6= 3= 10R 16R 11R 17R 12R 20R 13R 21R');
  // the same output against the unedited file: an instruction text differs, so it is not our build
  assert.throws(() => parseBuildkitOutput(fx('multistage.buildkit-rebuild.txt'), multi), ForeignBuildError);
  assert.equal(brief(parseBuildkitOutput(fx('multistage.buildkit-target-child.txt'), multi)), '3R 4R 6R 16R 17R');
  const classic = parseClassicOutput(fx('multistage.classic-rebuild.txt'), multi2);
  assert.equal(brief(classic.steps), '4= 5= 6= 10= 11= 12= 13= 16R 17R 20= 21=');
  assert.deepEqual(classic.unprobed, [2, 3, 9, 15, 19]);
  // heredocs, RUN --mount, lower-case keyword, a comment inside a continuation, single stage shown as `stage-0`
  const syntax = readDockerfile(fx('syntax.Dockerfile'));
  assert.equal(syntax.instructions.map((i) => `${i.line}:${i.keyword}`).join(' '), '1:FROM 2:RUN 6:COPY 9:RUN 10:WORKDIR 11:RUN');
  assert.equal(brief(parseBuildkitOutput(fx('syntax.buildkit.txt'), syntax)), '1= 2R 6R 9R 11R');
  // escape directive
  const bt = readDockerfile('# escape=`\nFROM localbase:1\nRUN echo a `\n  b\nRUN echo c\\\n');
  assert.deepEqual(
    bt.instructions.map((i) => i.line),
    [2, 3, 5],
  );
  // a mapping that does not fit the Dockerfile is an error, never a silent guess
  assert.throws(() => parseBuildkitOutput('#5 [stage-1 2/9] RUN echo ff\n#5 DONE 0.1s\n', multi), /counted instructions/);
});

void describe('oracle: predictions vs real Docker builds', { concurrency: true }, () => {
  after(() => {
    const out: string[] = [];
    if (disagreements.length) out.push(`\nDisagreements (${disagreements.length}):\n${table(disagreements)}`);
    if (maybes.length) out.push(`\n"maybe" verdicts (${maybes.length}, accepted):\n${table(maybes)}`);
    if (expectationMisses.length)
      out.push(`\nEngines disagreeing with scenario expectations (${expectationMisses.length}):\n  ${expectationMisses.join('\n  ')}`);
    if (scenarioErrors.length) out.push(`\nScenario errors (${scenarioErrors.length}):\n  ${scenarioErrors.join('\n  ')}`);
    const times = Object.entries(timings)
      .map(([e, ms]) => `${e} ${(ms! / 1000).toFixed(0)} s`)
      .join(', ');
    out.push(`oracle: ${tally.compared} steps compared, ${tally.wrong} wrong, ${tally.maybe} maybe (${tally.rounds} rounds${times ? `; ${times}` : ''})`);
    console.log(out.join('\n'));
  });

  for (const engine of WANTED) {
    void test(engine, async (t) => {
      const problem = await engineProblem(engine);
      if (problem) {
        const msg =
          `${engine} engine not running (${problem}). Run scripts/engines/setup.sh and then scripts/engines/start.sh` +
          ' (or set LAYERLENS_SKIP_ORACLE=1 to skip the oracle).';
        if (SKIP) {
          t.skip(`LAYERLENS_SKIP_ORACLE=1: skipping the ${engine} oracle: ${problem}`);
          return;
        }
        throw new Error(msg);
      }
      if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run test:oracle does).`);
      const started = Date.now();
      try {
        for (const s of scenariosFor(engine, FILTER)) {
          await t.test(s.name, async () => {
            let problems: string[];
            try {
              problems = await oracleScenario(s, engine);
            } catch (err) {
              scenarioErrors.push(`${engine} ${s.name}: ${(err as Error).message.split('\n')[0]}`);
              throw err;
            }
            if (problems.length) throw new Error(`${engine} ${s.name}:\n  ${problems.join('\n  ')}`);
          });
        }
      } finally {
        timings[engine] = Date.now() - started;
      }
    });
  }
});
