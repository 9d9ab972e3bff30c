// `layerlens history` on the states the real-history tier builds: the same states (the same rewritten Dockerfile
// texts, ignore texts, files written as `blob <id>`, modes and symlink targets as applyState writes them) made into a
// git repository with git fast-import, one commit per state, then `layerlens history --exported-tree --json` on it.
// Its verdict of every step the tier compared must equal the plan the tier made before that build (and so, where
// the engine decided, what the engine did). No engine build: it reuses what the tier already has.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { CLI, cliEnv } from '../compare';
import type { Engine } from '../engine';
import type { HistoryRepo } from './data';
import type { RepoResult } from './replay';

export interface HistoryCliCheck {
  /** States whose steps were compared. */
  states: number;
  /** Compared steps equal to the tier's plan, and how many of them the engine decided (verdict right). */
  equal: number;
  decided: number;
  /** Differences, one line each. */
  differences: string[];
  /** Why the comparison stopped before the last state (a state the tier recorded and history could not plan). */
  stopped?: string;
}

interface HistoryJson {
  commits: Array<{ commit: string; subject: string; error?: string; steps: Array<{ line: number; keyword: string; status: string; reason: string }> }>;
}

/** Where the tier puts the Dockerfile and the ignore file, as repository paths (replay.ts layout()). */
function paths(repo: HistoryRepo): { dockerfile: string; ignore: string; dockerfileRel?: string; ignoreRel?: string } {
  const ctx = repo.context;
  const df = repo.dockerfile.replace(/^\/+/, '');
  const dockerfileRel = ctx === '' ? df : df.startsWith(ctx + '/') ? df.slice(ctx.length + 1) : undefined;
  const listed = (p: string) => repo.states.some((s) => Object.prototype.hasOwnProperty.call(s.files, p));
  let ignoreRel: string | undefined;
  if (dockerfileRel !== undefined && listed(`${dockerfileRel}.dockerignore`)) ignoreRel = `${dockerfileRel}.dockerignore`;
  else if (listed('.dockerignore') || dockerfileRel !== undefined) ignoreRel = '.dockerignore';
  const inRepo = (rel: string) => (ctx === '' ? rel : posix.join(ctx, rel));
  return {
    dockerfile: df,
    ignore: ignoreRel !== undefined ? inRepo(ignoreRel) : `${df}.dockerignore`,
    ...(dockerfileRel !== undefined ? { dockerfileRel } : {}),
    ...(ignoreRel !== undefined ? { ignoreRel } : {}),
  };
}

/**
 * A git repository with one commit per state (subject `state N`), made by git fast-import in `dir`. The states in
 * `folded` (those the tier wrote into the context but did not build and record) get no commit of their own: their
 * changes go into the next state's commit, so history records exactly the states the tier recorded.
 */
export function historyAsGit(repo: HistoryRepo, texts: readonly string[], dir: string, folded: ReadonlySet<number> = new Set()): void {
  const p = paths(repo);
  const special = new Set([p.dockerfileRel, p.ignoreRel].filter((x): x is string => x !== undefined));
  const inRepo = (rel: string) => (repo.context === '' ? rel : posix.join(repo.context, rel));
  const parts: Buffer[] = [];
  const data = (body: string | Buffer): void => {
    const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
    parts.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n'));
  };
  const put = (mode: string, path: string, body: string): void => {
    parts.push(Buffer.from(`M ${mode} inline ${path}\n`));
    data(body);
  };
  let pending: HistoryRepo['states'][number]['files'] = {};
  repo.states.forEach((state, i) => {
    // The later change of a path wins, as when the tier writes the states one after the other.
    pending = { ...pending, ...state.files };
    if (folded.has(i)) return;
    const files = pending;
    pending = {};
    parts.push(Buffer.from(`commit refs/heads/main\ncommitter oracle <oracle@example.invalid> ${1_700_000_000 + i * 100} +0000\n`));
    data(`state ${i}`);
    // Deletions first: a path that turns from folder into file (or back) is removed and added in one state.
    const entries = Object.entries(files).filter(([path]) => !special.has(path));
    for (const [path, change] of entries) if (change === null) parts.push(Buffer.from(`D ${inRepo(path)}\n`));
    for (const [path, change] of entries) {
      if (change === null) continue;
      const [mode, id] = change;
      put(mode === '120000' ? '120000' : mode === '100755' ? '100755' : '100644', inRepo(path), mode === '120000' ? id : `blob ${id}\n`);
    }
    const dfMode = p.dockerfileRel !== undefined && state.files[p.dockerfileRel]?.[0] === '100755' ? '100755' : '100644';
    put(dfMode, p.dockerfile, texts[i]);
    if (state.ignoreText === null) parts.push(Buffer.from(`D ${p.ignore}\n`));
    else put('100644', p.ignore, state.ignoreText);
  });
  const init = spawnSync('git', ['-c', 'init.defaultBranch=main', 'init', '-q', dir]);
  if (init.status !== 0) throw new Error(`git init: ${init.stderr.toString()}`);
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: Buffer.concat(parts), maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`git fast-import: ${r.stderr.toString()}`);
  // A working tree of the last commit, as a user's checkout has: the context folder (a subfolder of the repository
  // for many projects) must exist for `layerlens history --context` to find the repository from it.
  if (parts.length) {
    const co = spawnSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
    if (co.status !== 0) throw new Error(`git checkout: ${co.stderr.toString()}`);
  }
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * Compares `layerlens history` on the tier's states with the plans the tier made before each build. A state the tier
 * recorded that history cannot plan would make every later cache differ: the comparison stops there and says so.
 */
export async function checkHistoryCli(repo: HistoryRepo, texts: readonly string[], engine: Engine, result: RepoResult): Promise<HistoryCliCheck> {
  const dir = mkdtempSync(join(tmpdir(), `ll-history-git-${engine}-`));
  try {
    // The states the tier did not record (skipped, or the build failed) are folded into the next one.
    const folded = new Set(result.outcomes.filter((o) => o.kind !== 'compared').map((o) => o.index));
    // No state was built and recorded (every one failed or was skipped): history has nothing to replay.
    if (result.outcomes.every((o) => folded.has(o.index))) return { states: 0, equal: 0, decided: 0, differences: [] };
    historyAsGit(repo, texts, join(dir, 'repo'), folded);
    const r = await run(
      [
        'history',
        join(dir, 'repo', paths(repo).dockerfile),
        '--context',
        join(dir, 'repo', repo.context),
        '--builder',
        engine,
        '--exported-tree',
        '--commits',
        String(repo.states.length),
        '--store',
        join(dir, 'no-store.json'),
        '--json',
      ],
      cliEnv(join(dir, 'digests.json')),
    );
    if (r.code !== 0) return { states: 0, equal: 0, decided: 0, differences: [`layerlens history exited ${r.code}: ${r.stderr.trim()}`] };
    const json = JSON.parse(r.stdout) as HistoryJson;
    const byState = new Map(json.commits.map((c) => [Number(/^state (\d+)$/.exec(c.subject)?.[1] ?? -1), c]));
    const out: HistoryCliCheck = { states: 0, equal: 0, decided: 0, differences: [] };
    for (const o of result.outcomes) {
      if (folded.has(o.index)) continue;
      const mine = byState.get(o.index);
      // A state without a change of the build's inputs is not replayed: the tier built it fully cached.
      if (!mine) {
        if (o.kind !== 'compared' || o.rows.some((row) => row.weSay !== 'cached' && row.weSay !== 'none' && row.weSay !== 'skipped'))
          out.differences.push(`state ${o.index}: not replayed by history, but the tier's plan was not all cached (${o.kind})`);
        continue;
      }
      out.states++;
      {
        const steps = new Map(mine.steps.map((s) => [s.line, s]));
        for (const row of o.rows) {
          const s = steps.get(row.line);
          if (s && s.status === row.weSay && s.reason === row.reason) {
            out.equal++;
            if (row.verdict === 'right') out.decided++;
          } else
            out.differences.push(
              `state ${o.index} line ${row.line} ${row.keyword}: history says ${s ? `${s.status} (${s.reason})` : 'nothing'}, the plan before the build ${row.weSay} (${row.reason})`,
            );
        }
      }
      if (mine.error) {
        out.stopped = `state ${o.index}: built and recorded by the tier, not by history (${mine.error})`;
        break;
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
