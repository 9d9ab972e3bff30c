// Engine-only check: runs every oracle scenario on the real engines (no Layer Lens involved) and compares what the
// engines report with the scenarios' expectations (written from docs/cache-rules.md).
//   node --import tsx test/oracle/check-engines.ts [--engine classic|buildkit] [--verbose] [name-regexp]
// Exit 1 when an engine disagrees with an expectation or a build fails.
import { ENGINES, engineProblem, type Engine } from './engine';
import { runScenario, type RoundReport } from './runner';
import { scenariosFor } from './scenarios';

const argv = process.argv.slice(2);
let engines: Engine[] = [...ENGINES];
let filter: RegExp | undefined;
let verbose = false;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--engine') engines = [argv[++i] as Engine];
  else if (argv[i] === '--verbose') verbose = true;
  else filter = new RegExp(argv[i]);
}

async function runEngine(engine: Engine): Promise<{ lines: string[]; bad: number; rounds: number; ms: number }> {
  const started = Date.now();
  const lines: string[] = [];
  let bad = 0;
  let rounds = 0;
  const problem = await engineProblem(engine);
  if (problem) return { lines: [`${engine}: not usable: ${problem} (run scripts/engines/setup.sh and start.sh)`], bad: 1, rounds: 0, ms: 0 };
  for (const s of scenariosFor(engine, filter)) {
    const t0 = Date.now();
    let reports: RoundReport[] = [];
    try {
      reports = await runScenario(s, engine);
    } catch (err) {
      bad++;
      lines.push(`${engine} ${s.name}: ERROR ${(err as Error).message}`);
      continue;
    }
    for (const r of reports) {
      rounds++;
      const ok = r.mismatches.length === 0;
      if (!ok) bad++;
      if (!ok || verbose) {
        lines.push(
          `${engine} ${s.name} #${r.round} (${r.does}): engine ${r.engineString}${r.expected ? `  expected ${r.expected}` : ''}${ok ? '' : '  MISMATCH'}`,
        );
        for (const m of r.mismatches) lines.push(`    line ${m.line} ${m.instruction}: expected ${m.expected}, engine ${m.engineSays}`);
      }
    }
    lines.push(`${engine} ${s.name}: ${reports.length} builds, ${Date.now() - t0} ms`);
    if (verbose) console.log(lines.splice(0).join('\n'));
  }
  return { lines, bad, rounds, ms: Date.now() - started };
}

async function main(): Promise<void> {
  const results = await Promise.all(engines.map((e) => runEngine(e)));
  let total = 0;
  for (const [i, r] of results.entries()) {
    if (r.lines.length) console.log(r.lines.join('\n'));
    console.log(`${engines[i]}: ${r.rounds} builds, ${r.bad} problems, ${(r.ms / 1000).toFixed(1)} s`);
    total += r.bad;
  }
  process.exit(total ? 1 : 0);
}
void main();
