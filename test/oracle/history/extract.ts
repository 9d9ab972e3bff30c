// Extracts one repository's Dockerfile history into the real-history data format (test/oracle/history/README.md,
// format 1): the first-parent commits of a range that change the Dockerfile, its ignore file or anything under the
// build context, with the Dockerfile and ignore texts and the context's files (mode + blob id, symlink target).
//
//   node --import tsx test/oracle/history/extract.ts --git <bare git dir> --repo owner/name --license SPDX \
//     --dockerfile path --context path --from <commit> --to <commit> [--max-states N] [--why text] [--out file]
//
// Only git plumbing is run (execFile with argument arrays, -z output, literal pathspecs); nothing is checked out.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileChange, HistoryRepo, HistoryState } from './data';

/** The types of a data file live in data.ts (the replayer's loader); the extractor's names for them. */
export type FileEntry = FileChange;
export type HistoryFile = HistoryRepo;

export interface ExtractOptions {
  gitDir: string;
  repo: string;
  license: string;
  dockerfile: string;
  context: string;
  from: string;
  to: string;
  maxStates?: number;
  why?: string;
}

export class ExtractError extends Error {}

const GIT_MAX_BUFFER = 512 * 1024 * 1024;

function git(gitDir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['--git-dir', gitDir, '--literal-pathspecs', '-c', 'core.quotePath=false', ...args],
      { maxBuffer: GIT_MAX_BUFFER, encoding: 'buffer', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (err) {
          const msg = Buffer.isBuffer(stderr) ? stderr.toString('utf8').trim() : String(stderr);
          reject(new ExtractError(`git ${args.join(' ')} failed: ${msg || err.message}`));
          return;
        }
        resolve(stdout.toString('utf8'));
      },
    );
  });
}

/** Normalizes a repository-relative folder: no leading `./` or `/`, no trailing `/`, `""` for the root. */
export function normalizeDir(p: string): string {
  let s = p
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
  if (s === '.') s = '';
  if (s.split('/').some((part) => part === '..')) throw new ExtractError(`path "${p}" must stay inside the repository`);
  return s;
}

function normalizeFile(p: string): string {
  const s = normalizeDir(p);
  if (s === '') throw new ExtractError(`"${p}" is not a file path`);
  return s;
}

async function resolveCommit(gitDir: string, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new ExtractError(`"${rev}" is not a commit`);
  try {
    return (await git(gitDir, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).trim();
  } catch {
    throw new ExtractError(`"${rev}" is not a commit of ${gitDir}`);
  }
}

/** Text of `<commit>:<path>`, or null when that path is not a blob at that commit. */
async function readText(gitDir: string, commit: string, path: string): Promise<string | null> {
  const spec = `${commit}:${path}`;
  let type: string;
  try {
    type = (await git(gitDir, ['cat-file', '-t', spec])).trim();
  } catch {
    return null;
  }
  if (type !== 'blob') return null;
  return git(gitDir, ['cat-file', 'blob', spec]);
}

function relativeToContext(context: string, path: string): string | null {
  if (context === '') return path;
  return path.startsWith(`${context}/`) ? path.slice(context.length + 1) : null;
}

async function symlinkTarget(gitDir: string, blob: string): Promise<string> {
  return git(gitDir, ['cat-file', 'blob', blob]);
}

/** Every file under the context at `commit` (submodules left out). */
async function fullListing(gitDir: string, commit: string, context: string): Promise<Record<string, FileEntry>> {
  const args = ['ls-tree', '-r', '-z', '--full-tree', commit];
  if (context !== '') args.push('--', context);
  const out = await git(gitDir, args);
  const files: Record<string, FileEntry> = {};
  for (const rec of out.split('\0')) {
    if (rec === '') continue;
    const tab = rec.indexOf('\t');
    const [mode, type, id] = rec.slice(0, tab).split(' ');
    const rel = relativeToContext(context, rec.slice(tab + 1));
    if (rel === null || type !== 'blob') continue; // submodules (type commit, mode 160000) are left out
    files[rel] = [mode, mode === '120000' ? await symlinkTarget(gitDir, id) : id];
  }
  return files;
}

/** The changes under the context between two commits (renames as remove + add, submodules left out). */
async function changes(gitDir: string, prev: string, cur: string, context: string): Promise<Record<string, FileEntry>> {
  const args = ['diff-tree', '-r', '-z', '--raw', '--no-abbrev', '--no-renames', '--no-ext-diff', prev, cur];
  if (context !== '') args.push('--', context);
  const out = await git(gitDir, args);
  const parts = out.split('\0');
  const files: Record<string, FileEntry> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const head = parts[i];
    if (!head.startsWith(':')) throw new ExtractError(`unexpected git diff-tree output: ${JSON.stringify(head)}`);
    const [srcMode, dstMode, , dstId] = head.slice(1).split(' ');
    const rel = relativeToContext(context, parts[i + 1]);
    if (rel === null) continue;
    const wasFile = srcMode !== '000000' && srcMode !== '160000';
    if (dstMode === '000000' || dstMode === '160000') {
      if (wasFile) files[rel] = null; // removed, or replaced by a submodule
      continue;
    }
    files[rel] = [dstMode, dstMode === '120000' ? await symlinkTarget(gitDir, dstId) : dstId];
  }
  return files;
}

function isoUtc(unixSeconds: string): string {
  return new Date(Number(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface CommitInfo {
  commit: string;
  date: string;
  subject: string;
}

async function commitInfo(gitDir: string, commit: string): Promise<CommitInfo> {
  const out = await git(gitDir, ['show', '-s', '-z', '--format=%H%x00%ct%x00%s', commit]);
  const [h, ct, subject] = out.split('\0');
  return { commit: h, date: isoUtc(ct), subject };
}

export async function extractHistory(opts: ExtractOptions): Promise<HistoryFile> {
  const { gitDir, repo } = opts;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(repo)) {
    throw new ExtractError(`--repo must be owner/name, got "${repo}"`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9.+-]*( (OR|AND|WITH) [A-Za-z0-9][A-Za-z0-9.+-]*)*$/.test(opts.license)) {
    throw new ExtractError(`--license must be an SPDX id or expression (MIT, Apache-2.0, MIT OR Apache-2.0), got "${opts.license}"`);
  }
  const context = normalizeDir(opts.context);
  const dockerfile = normalizeFile(opts.dockerfile);
  const maxStates = opts.maxStates ?? Infinity;
  if (!(maxStates >= 1)) throw new ExtractError('--max-states must be at least 1');
  const from = await resolveCommit(gitDir, opts.from);
  const to = await resolveCommit(gitDir, opts.to);

  const chain = (await git(gitDir, ['rev-list', '--first-parent', to])).split('\n').filter(Boolean);
  const fromIndex = chain.indexOf(from);
  if (fromIndex < 0) throw new ExtractError(`--from ${opts.from} is not on the first-parent history of --to ${opts.to}`);
  const inRange = new Set(chain.slice(0, fromIndex + 1));

  const dfIgnore = `${dockerfile}.dockerignore`;
  const ctxIgnore = context === '' ? '.dockerignore' : `${context}/.dockerignore`;
  const pathspecs = [context === '' ? '.' : context, dockerfile, dfIgnore, ctxIgnore];
  const logOut = await git(gitDir, ['log', '--first-parent', '-z', '--format=%H', `${from}..${to}`, '--', ...pathspecs]);
  const later = logOut
    .split('\0')
    .map((s) => s.trim())
    .filter(Boolean)
    .reverse();
  for (const c of later) if (!inRange.has(c)) throw new ExtractError(`git log listed ${c}, which is not on the first-parent range`);
  const commits = [from, ...later].slice(0, maxStates);

  const states: HistoryState[] = [];
  let prev: string | null = null;
  for (const commit of commits) {
    const info = await commitInfo(gitDir, commit);
    const dockerfileText = await readText(gitDir, commit, dockerfile);
    if (dockerfileText === null) throw new ExtractError(`${dockerfile} does not exist at ${commit} ("${info.subject}"): choose a later --from`);
    const ignoreText = (await readText(gitDir, commit, dfIgnore)) ?? (await readText(gitDir, commit, ctxIgnore));
    const files = prev === null ? await fullListing(gitDir, commit, context) : await changes(gitDir, prev, commit, context);
    states.push({ ...info, dockerfileText, ignoreText, files });
    prev = commit;
  }
  return {
    format: 1,
    repo,
    url: `https://github.com/${repo}`,
    license: opts.license,
    dockerfile,
    context,
    why: opts.why ?? '',
    states,
  };
}

/** The data file's text: the header fields one per line, then one line per state. */
export function serializeHistory(h: HistoryFile): string {
  const { states, ...header } = h;
  const head = Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const lines = states.map((s, i) => `    ${JSON.stringify(s)}${i < states.length - 1 ? ',' : ''}`);
  return ['{', ...head, '  "states": [', ...lines, '  ]', '}', ''].join('\n');
}

export function dataFileName(repo: string): string {
  return `${repo.replace('/', '__')}.json`;
}

const USAGE =
  'usage: node --import tsx test/oracle/history/extract.ts --git <bare git dir> --repo owner/name --license SPDX ' +
  '--dockerfile path --context path --from <commit> --to <commit> [--max-states N] [--why text] [--out file]';

export function parseArgs(argv: string[]): ExtractOptions & { out?: string } {
  const v: Record<string, string> = {};
  const known = new Set(['git', 'repo', 'license', 'dockerfile', 'context', 'from', 'to', 'max-states', 'why', 'out']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || !known.has(a.slice(2))) throw new ExtractError(`unknown argument "${a}"\n${USAGE}`);
    if (i + 1 >= argv.length) throw new ExtractError(`${a} needs a value\n${USAGE}`);
    v[a.slice(2)] = argv[++i];
  }
  for (const k of ['git', 'repo', 'license', 'dockerfile', 'context', 'from', 'to']) {
    if (v[k] === undefined) throw new ExtractError(`--${k} is required\n${USAGE}`);
  }
  const maxStates = v['max-states'] === undefined ? undefined : Number(v['max-states']);
  if (maxStates !== undefined && !(Number.isInteger(maxStates) && maxStates >= 1)) {
    throw new ExtractError(`--max-states must be a positive integer, got "${v['max-states']}"`);
  }
  return {
    gitDir: v.git,
    repo: v.repo,
    license: v.license,
    dockerfile: v.dockerfile,
    context: v.context,
    from: v.from,
    to: v.to,
    maxStates,
    why: v.why,
    out: v.out,
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const history = await extractHistory(opts);
  const out = opts.out ?? join(__dirname, 'data', dataFileName(opts.repo));
  mkdirSync(dirname(out), { recursive: true });
  const text = serializeHistory(history);
  writeFileSync(out, text);
  const last = history.states[history.states.length - 1];
  const counts = history.states.map((s) => Object.keys(s.files).length);
  console.log(
    `${out}: ${history.states.length} states, ${history.states[0].commit.slice(0, 8)}..${last.commit.slice(0, 8)}, ` +
      `${counts[0]} files at state 0, ${counts.slice(1).reduce((a, b) => a + b, 0)} changes after, ${(text.length / 1024).toFixed(0)} KB`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof ExtractError ? err.message : err);
    process.exit(1);
  });
}
