// `layerlens history` against the truth it claims: on fixture repositories made here (source, manifest, Dockerfile
// and .dockerignore edits, renames, mode changes, symlinks, a file becoming a folder and back), every replayed state
// equals, step by step, what `layerlens plan` says on a checkout of that commit after `record` of the earlier ones
// (all of them for --cache all, only the previous one for --cache previous). Through the real bundle, with a store
// and digest cache of the test's own.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runMain } from '../../server/src/cli';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-history-'));
  // A checkout's modes come from the umask (git keeps only the executable bit): the replay assumes 022.
  process.umask(0o022);
  process.env.LAYERLENS_DIGEST_CACHE = join(work, 'digests.json');
  process.env.LAYERLENS_STORE = join(work, 'unused-store.json');
  process.env.NO_COLOR = '1';
  // Each in-process run of the CLI adds an exit handler (it saves the digest cache).
  process.setMaxListeners(0);
});

/** The bundled CLI in a process of its own (for what the user sees: text, exit codes). */
function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, LAYERLENS_DIGEST_CACHE: join(work, 'digests.json'), LAYERLENS_STORE: join(work, 'unused-store.json'), NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * The CLI's main() in this process, its output captured: the same code as the bundle without starting a process
 * per command (the proofs run plan and record once per commit). cwd is changed for the call.
 */
async function inProcess(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  const was = process.cwd();
  process.chdir(cwd);
  // The CLI writes strings; the test runner's own reports (serialised Buffers) pass through.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (typeof chunk === 'string' ? (out.push(chunk), true) : stdout(chunk, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await runMain(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    process.chdir(was);
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'core.symlinks=true', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
  });
}

type Edit = (dir: string) => void;
const write = (path: string, text: string): Edit => (dir) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const remove = (path: string): Edit => (dir) => rmSync(join(dir, path), { recursive: true, force: true });
const move = (from: string, to: string): Edit => (dir) => {
  mkdirSync(dirname(join(dir, to)), { recursive: true });
  renameSync(join(dir, from), join(dir, to));
};
const chmod = (path: string, mode: number): Edit => (dir) => chmodSync(join(dir, path), mode);
const link = (path: string, target: string): Edit => (dir) => {
  try {
    unlinkSync(join(dir, path));
  } catch {
    // not there yet
  }
  symlinkSync(target, join(dir, path));
};

/** A repository with one commit per step (each a list of edits and a subject). */
function repository(name: string, commits: Array<[string, Edit[]]>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  for (const [subject, edits] of commits) {
    for (const e of edits) e(dir);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', subject);
  }
  return dir;
}

interface Step {
  line: number;
  keyword: string;
  stage: string;
  status: string;
  reason: string;
  cause?: string | null;
}
interface Replayed {
  commits: Array<{ commit: string; subject: string; steps: Step[]; error?: string }>;
  summary: Array<{ line: number; keyword: string; rebuilds: number; maybe: number; cached: number; causes: Array<{ cause: string; count: number }> }>;
  notes: string[];
  states: number;
}

async function history(repo: string, args: string[]): Promise<Replayed> {
  const r = await inProcess(['history', '--json', ...args], repo);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Replayed;
}

/**
 * Plans every replayed commit on a checkout (a clone, `checkout -f` and `clean -fdx` per commit), recording each
 * state after planning it, and compares each plan with the replay's state.
 */
async function compareWithCheckouts(repo: string, replay: Replayed, cache: 'all' | 'previous', planArgs: (checkout: string) => string[]): Promise<number> {
  const checkout = mkdtempSync(join(work, 'checkout-'));
  git(work, 'clone', '-q', repo, checkout);
  const store = join(checkout, '..', `${checkout.split('/').pop()}-store.json`);
  let compared = 0;
  for (const state of replay.commits) {
    if (state.error) continue;
    git(checkout, 'checkout', '-q', '-f', state.commit);
    git(checkout, 'clean', '-q', '-f', '-d', '-x');
    const planned = await inProcess(['plan', '--json', '--store', store, ...planArgs(checkout)], checkout);
    assert.equal(planned.code, 0, planned.err);
    const steps = (JSON.parse(planned.out) as { steps: Step[] }).steps.map(({ line, keyword, stage, status, reason }) => ({ line, keyword, stage, status, reason }));
    const replayed = state.steps.map(({ line, keyword, stage, status, reason }) => ({ line, keyword, stage, status, reason }));
    assert.deepEqual(replayed, steps, `commit ${state.commit.slice(0, 7)} "${state.subject}" (--cache ${cache})`);
    compared += steps.length;
    if (cache === 'previous') rmSync(store, { force: true });
    const recorded = await inProcess(['record', '--store', store, ...planArgs(checkout)], checkout);
    assert.equal(recorded.code, 0, recorded.err);
  }
  return compared;
}

const appDockerfile = [
  'FROM node:20-alpine',
  'WORKDIR /app',
  'COPY package.json package-lock.json ./',
  'RUN npm ci',
  'COPY . .',
  'RUN npm run build',
  'CMD ["node", "src/a.js"]',
  '',
].join('\n');

const appHistory: Array<[string, Edit[]]> = [
  ['first', [write('README.md', 'hello\n'), write('app/Dockerfile', appDockerfile), write('app/package.json', '{"name":"a"}\n'), write('app/package-lock.json', '{"v":1}\n'), write('app/src/a.js', 'a1\n'), write('app/src/b.js', 'b1\n'), write('app/.dockerignore', 'node_modules\n*.log\n'), write('app/docs', 'docs as a file\n')]],
  ['source edit', [write('app/src/a.js', 'a2\n')]],
  ['manifest edit', [write('app/package-lock.json', '{"v":2}\n')]],
  ['outside the context', [write('README.md', 'hello again\n')]],
  ['rename', [move('app/src/b.js', 'app/lib/b.js')]],
  ['mode change', [chmod('app/src/a.js', 0o755)]],
  ['symlink', [link('app/current', 'src/a.js')]],
  ['file becomes a folder', [remove('app/docs'), write('app/docs/readme.md', 'docs\n')]],
  ['ignore edit', [write('app/.dockerignore', 'node_modules\n*.log\ndocs\n')]],
  ['dockerfile edit', [write('app/Dockerfile', appDockerfile.replace('RUN npm run build', 'RUN npm run build -- --prod'))]],
  ['revert the source', [write('app/src/a.js', 'a1\n'), chmod('app/src/a.js', 0o644)]],
  ['symlink retargeted', [link('app/current', 'lib/b.js')]],
  ['folder becomes a file', [remove('app/lib'), write('app/lib', 'lib as a file\n')]],
  ['ignored file only', [write('app/debug.log', 'x\n')]],
  ['ignore file removed', [remove('app/.dockerignore')]],
];

test('history equals plan on a checkout of each commit after record of every earlier one (--cache all)', async () => {
  const repo = repository('app-all', appHistory);
  const replay = await history(repo, ['app/Dockerfile']);
  // The commit outside the context is not replayed; every other one is.
  assert.deepEqual(replay.commits.map((c) => c.subject), appHistory.map(([s]) => s).filter((s) => s !== 'outside the context'));
  assert.equal(replay.states, appHistory.length - 1);
  const compared = await compareWithCheckouts(repo, replay, 'all', (co) => [join(co, 'app/Dockerfile')]);
  assert.ok(compared >= 14 * 7, `compared ${compared} steps`);
});
