// The history replay (`layerlens history`, the editor's history panel): a synthetic repository of 10,000 tracked
// files and 501 commits (made once with git fast-import under BENCH_ROOT), replayed for its last 50 and its last 500
// commits in process, against what git alone takes to list the same history: `git log --first-parent --raw` of
// those commits plus `git ls-tree -r` of the oldest. Each replay's counts are checked (a wrong count fails the run):
// `COPY . /app` rebuilds in every state (each commit edits a source file), the install only in the first state and
// where the lock file changed, the last RUN also where the Dockerfile changed it. Not a test: run.ts prints it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replayHistory } from '../server/src/history/replay';
import { BENCH_ROOT } from './gen';
import { median, ms, now, ratio } from './stats';

export const HISTORY_FILES = 10_000;
/** Commits in the repository: the first adds every file, each later one edits one or two. */
const HISTORY_COMMITS = 501;
export const TARGETS_MS: Record<number, number> = { 50: 3_000, 500: 20_000 };
/** Every LOCK_EVERY-th commit edits package-lock.json; every DOCKERFILE_EVERY-th edits the Dockerfile's last RUN. */
const LOCK_EVERY = 25;
const DOCKERFILE_EVERY = 100;
const SPEC = `v1 files=${HISTORY_FILES} commits=${HISTORY_COMMITS} lock=${LOCK_EVERY} dockerfile=${DOCKERFILE_EVERY}`;

export interface HistoryRow {
  commits: number;
  /** git log --raw + git ls-tree of the same commits (wall, separate processes). */
  baseline: number[];
  replay: number[];
  /** CPU time of this process during each replay (user + system; git runs in processes of its own). */
  cpu: number[];
  /** heapUsed after the last replay, before its result is dropped (MB). */
  heapMb: number;
  ok: boolean;
  detail: string;
}

function dockerfile(version: number): string {
  return [
    'FROM localbase:1',
    'WORKDIR /app',
    'COPY package.json package-lock.json ./',
    'RUN npm ci',
    'COPY . /app',
    `RUN echo build ${version}`,
    'CMD ["node", "src/index.js"]',
    '',
  ].join('\n');
}

const sourcePath = (i: number): string => `src/d${Math.floor(i / 100)}/f${i % 100}.js`;
const SOURCES = HISTORY_FILES - 4; // Dockerfile, .dockerignore, package.json, package-lock.json

/** The repository (made once per spec): git fast-import of every commit, no work tree written. */
export function ensureHistoryRepo(): string {
  const dir = join(BENCH_ROOT, 'history-repo');
  const marker = join(BENCH_ROOT, 'history-repo.spec');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === SPEC) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['-c', 'init.defaultBranch=main', 'init', '-q', dir]);
  const parts: Buffer[] = [];
  const data = (text: string): void => {
    const b = Buffer.from(text);
    parts.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n'));
  };
  const file = (path: string, text: string): void => {
    parts.push(Buffer.from(`M 100644 inline ${path}\n`));
    data(text);
  };
  for (let c = 0; c < HISTORY_COMMITS; c++) {
    parts.push(Buffer.from(`commit refs/heads/main\ncommitter bench <bench@example.invalid> ${1_700_000_000 + c * 60} +0000\n`));
    if (c === 0) {
      data('everything');
      file('Dockerfile', dockerfile(0));
      file('.dockerignore', '.git\n');
      file('package.json', '{"name":"bench"}\n');
      file('package-lock.json', '{"lock":0}\n');
      for (let i = 0; i < SOURCES; i++) file(sourcePath(i), `export const v${i} = 0;\n`);
      continue;
    }
    // The message comes before the file commands.
    data(
      [`edit ${sourcePath((c * 7919) % SOURCES)}`, ...(c % LOCK_EVERY === 0 ? ['lock'] : []), ...(c % DOCKERFILE_EVERY === 0 ? ['Dockerfile'] : [])].join(', '),
    );
    file(sourcePath((c * 7919) % SOURCES), `export const v = ${c};\n`);
    if (c % LOCK_EVERY === 0) file('package-lock.json', `{"lock":${c}}\n`);
    if (c % DOCKERFILE_EVERY === 0) file('Dockerfile', dockerfile(c));
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: Buffer.concat(parts), maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git fast-import failed: ${r.stderr.toString()}`);
  writeFileSync(marker, SPEC);
  return dir;
}

function gitWall(dir: string, args: string[]): number {
  const t = now();
  const r = spawnSync('git', args, { cwd: dir, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString()}`);
  return now() - t;
}

/**
 * The expected counts for the last `n` commits: `COPY . /app` and the RUN after it rebuild in every state (each
 * commit edits a source file); the install in the first state and in each later one that edits the lock file.
 */
function expected(n: number): { copy: number; install: number; last: number } {
  let install = 1;
  for (let c = HISTORY_COMMITS - n + 1; c < HISTORY_COMMITS; c++) if (c % LOCK_EVERY === 0) install++;
  return { copy: n, install, last: n };
}

export async function historyPhase(runs: Record<number, number>, note: (s: string) => void): Promise<HistoryRow[]> {
  note(`history: repository of ${HISTORY_FILES} files, ${HISTORY_COMMITS} commits`);
  const dir = ensureHistoryRepo();
  const rows: HistoryRow[] = [];
  for (const [nText, count] of Object.entries(runs)) {
    const n = Number(nText);
    note(`history: replay of ${n} commits (${count} runs)`);
    const row: HistoryRow = { commits: n, baseline: [], replay: [], cpu: [], heapMb: 0, ok: true, detail: '' };
    const oldest = execFileSync('git', ['rev-list', '--first-parent', '--skip', String(n - 1), '-n', '1', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    for (let k = 0; k < count; k++) {
      row.baseline.push(
        gitWall(dir, ['log', '--first-parent', '--raw', '-z', '--no-abbrev', '--format=%H%x00%s', '-n', String(n), 'HEAD']) +
          gitWall(dir, ['ls-tree', '-r', '-z', oldest]),
      );
      (globalThis as { gc?: () => void }).gc?.();
      const t = now();
      const cpu0 = process.cpuUsage();
      const result = await replayHistory({ dockerfile: join(dir, 'Dockerfile'), builder: 'buildkit', buildArgs: {}, commits: n, cache: 'all' });
      row.replay.push(now() - t);
      const cpu = process.cpuUsage(cpu0);
      row.cpu.push((cpu.user + cpu.system) / 1000);
      row.heapMb = process.memoryUsage().heapUsed / 1e6;
      const at = (text: string) => result.summary.find((s) => s.text === text);
      const want = expected(n);
      const got = {
        copy: at('COPY . /app')?.rebuilds,
        install: at('RUN npm ci')?.rebuilds,
        last: at(`RUN echo build ${Math.floor((HISTORY_COMMITS - 1) / DOCKERFILE_EVERY) * DOCKERFILE_EVERY}`)?.rebuilds,
      };
      const ok = result.states === n && got.copy === want.copy && got.install === want.install && got.last === want.last;
      if (!ok) {
        row.ok = false;
        row.detail = `states ${result.states}/${n}, COPY . /app ${got.copy}/${want.copy}, RUN npm ci ${got.install}/${want.install}, last RUN ${got.last}/${want.last}`;
      } else row.detail = `RUN npm ci rebuilt ${got.install} of ${n}, COPY . /app ${got.copy} of ${n}`;
    }
    rows.push(row);
  }
  return rows;
}

export function historyTable(rows: HistoryRow[]): string[][] {
  const out = [['commits', 'files', 'git log --raw + ls-tree', 'replay', '(its CPU)', 'replay / git', 'target', 'heap after', 'runs', 'counts right']];
  for (const r of rows) {
    const target = TARGETS_MS[r.commits];
    out.push([
      String(r.commits),
      String(HISTORY_FILES),
      ms(median(r.baseline)),
      ms(median(r.replay)),
      ms(median(r.cpu)),
      ratio(median(r.replay) / median(r.baseline)),
      target ? `< ${ms(target)}: ${median(r.replay) < target ? 'MET' : 'MISSED'}` : '-',
      `${r.heapMb.toFixed(0)} MB`,
      String(r.replay.length),
      r.ok ? `yes (${r.detail})` : `NO: ${r.detail}`,
    ]);
  }
  return out;
}
