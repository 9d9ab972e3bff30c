// Checks `layerlens history` again on what a run of the real-history tier wrote with LAYERLENS_HISTORY_DUMP=dir,
// without building anything: node --import tsx test/oracle/history/recheck.ts DIR [FILTER]
// (build dist/cli.js first: node esbuild.mjs). Prints each repository's differences; exit 1 when any.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../engine';
import { checkHistoryCli } from './asGit';
import type { HistoryRepo } from './data';
import type { RepoResult } from './replay';

const [dir, filter] = process.argv.slice(2);
if (!dir) {
  console.error('usage: recheck.ts DIR [FILTER]  (DIR written by the history tier with LAYERLENS_HISTORY_DUMP=DIR)');
  process.exit(2);
}
async function main(): Promise<number> {
  let failed = 0;
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.json') && (!filter || x.includes(filter)))
    .sort()) {
    const d = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { repo: HistoryRepo; texts: string[]; engine: Engine; result: RepoResult };
    const check = await checkHistoryCli(d.repo, d.texts, d.engine, d.result);
    const line = `${f}: ${check.states} states, ${check.equal} steps equal (${check.decided} decided by the engine), ${check.differences.length} different`;
    console.log(check.stopped ? `${line}; stopped: ${check.stopped}` : line);
    for (const x of check.differences) console.log(`  ${x}`);
    if (check.differences.length) failed++;
  }
  return failed ? 1 : 0;
}

void main().then((code) => process.exit(code));
