// A project's history read from git objects only: the first-parent commits that touch a build's inputs, one
// listing of the oldest commit's tree, the changes between consecutive replayed commits, and the few blobs whose
// text is needed (Dockerfile, ignore file, symlink targets, manifests for the fixes). The work tree, the index
// and HEAD are never read or written, and every git process starts through gitRun.ts (hardened).
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { catFileBatchParser } from '../gitCatFile';
import { GitError, runGitAsync } from '../gitRun';

/** A path as git prints it in a tree: mode (octal text), object id, type. */
export interface TreeRecord {
  mode: string;
  oid: string;
  path: string;
}

/** One change between two trees (`git diff-tree -r --no-renames`): a deletion has mode '000000'. */
export interface TreeChange {
  oldMode: string;
  newMode: string;
  oid: string;
  path: string;
}

export interface CommitInfo {
  commit: string;
  subject: string;
}

/** A history that cannot be read: `message` says what and what to do. */
export class HistoryError extends Error {}

const ZERO = /^0+$/;

/** git from `cwd`, hardened; a failure becomes HistoryError with git's own first error line. */
async function git(cwd: string, args: readonly string[], input?: string, signal?: AbortSignal): Promise<Buffer> {
  if (signal?.aborted) throw abortError();
  try {
    return await runGitAsync(cwd, args, input === undefined ? {} : { input });
  } catch (e) {
    if (e instanceof GitError) throw new HistoryError(e.reason);
    throw e;
  }
}

export function abortError(): Error {
  return Object.assign(new Error('The history replay was cancelled.'), { name: 'AbortError' });
}

/**
 * The repository holding `dir`: its top folder, or a HistoryError saying it is not one. A folder that is gone from
 * the work tree (a context the history still holds) is looked up from its nearest existing parent.
 */
export async function repositoryOf(dir: string): Promise<string> {
  let from = resolve(dir);
  while (!isFolder(from) && dirname(from) !== from) from = dirname(from);
  try {
    return (await runGitAsync(from, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  } catch (e) {
    const stderr = e instanceof GitError ? e.stderr : '';
    if (/dubious ownership/.test(stderr))
      throw new HistoryError(`git refuses to read the repository of ${dir}: it belongs to another user (see git's safe.directory setting)`);
    if (/not a git repository/i.test(stderr)) throw new HistoryError(`${dir} is not in a git repository: history replays git commits.`);
    throw new HistoryError(e instanceof GitError ? e.reason : String(e));
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The commit `rev` names, or HistoryError. */
export async function resolveCommit(repoRoot: string, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new HistoryError(`--rev takes a commit, a branch or a tag, not "${rev}".`);
  try {
    return (await runGitAsync(repoRoot, ['rev-parse', '--verify', '-q', '--end-of-options', `${rev}^{commit}`])).toString('utf8').trim();
  } catch (e) {
    if (e instanceof GitError && e.status === 1)
      throw new HistoryError(rev === 'HEAD' ? 'the git repository has no commit yet' : `"${rev}" does not name a commit in this repository.`);
    throw new HistoryError(e instanceof GitError ? e.reason : String(e));
  }
}

export async function isShallow(repoRoot: string): Promise<boolean> {
  return (await git(repoRoot, ['rev-parse', '--is-shallow-repository'])).toString('utf8').trim() === 'true';
}

/** `:(literal)` pathspecs for repository-relative paths; none for the whole repository (''). */
export function pathspecs(paths: readonly string[]): string[] {
  if (paths.some((p) => p === '')) return [];
  return [...new Set(paths)].map((p) => `:(literal)${p}`);
}

/**
 * The last `count` first-parent commits up to `commit` that change one of `paths` (all commits when a path is
 * the repository root), oldest first.
 */
export async function listCommits(repoRoot: string, commit: string, paths: readonly string[], count: number, signal?: AbortSignal): Promise<CommitInfo[]> {
  const specs = pathspecs(paths);
  const out = await git(
    repoRoot,
    ['log', '--first-parent', '--no-show-signature', '-z', `--max-count=${count}`, '--format=%H%x1f%s', commit, '--', ...specs],
    undefined,
    signal,
  );
  const commits: CommitInfo[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    const sep = record.indexOf('\x1f');
    if (sep < 0) continue;
    commits.push({ commit: record.slice(0, sep).trim(), subject: record.slice(sep + 1) });
  }
  return commits.reverse();
}

/** Every blob, symlink and submodule under `paths` in `commit`'s tree (`git ls-tree -r -z --full-tree`). */
export async function listTree(repoRoot: string, commit: string, paths: readonly string[], signal?: AbortSignal): Promise<TreeRecord[]> {
  const out = await git(repoRoot, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...pathspecs(paths)], undefined, signal);
  const records: TreeRecord[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, , oid] = record.slice(0, tab).split(/ +/);
    records.push({ mode, oid, path: record.slice(tab + 1) });
  }
  return records;
}

/**
 * The changes under `paths` from each commit to the next (`git diff-tree -r -z --no-renames --stdin`, one process
 * for all pairs): element i holds the changes from commits[i] to commits[i + 1].
 */
export async function listChanges(repoRoot: string, commits: readonly string[], paths: readonly string[], signal?: AbortSignal): Promise<TreeChange[][]> {
  if (commits.length < 2) return [];
  const input =
    commits
      .slice(1)
      .map((c, i) => `${c} ${commits[i]}`)
      .join('\n') + '\n';
  const out = await git(
    repoRoot,
    ['diff-tree', '-r', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', '--always', '--stdin', '--', ...pathspecs(paths)],
    input,
    signal,
  );
  const fields = out.toString('utf8').split('\0');
  const result: TreeChange[][] = [];
  let current: TreeChange[] | undefined;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (!f) continue;
    if (f.startsWith(':')) {
      const [oldMode, newMode, , oid] = f.slice(1).split(' ');
      const path = fields[++i] ?? '';
      current?.push({ oldMode, newMode, oid: ZERO.test(oid) ? '' : oid, path });
    } else if (/^[0-9a-f]{40,64}$/.test(f.trim())) {
      current = [];
      result.push(current);
    }
  }
  if (result.length !== commits.length - 1) throw new HistoryError(`git diff-tree answered for ${result.length} of ${commits.length - 1} commits`);
  return result;
}

/** What `readBlobs` answers per object: its bytes, or why there are none. */
export type BlobRead = { bytes: Buffer } | { missing: true } | { tooLarge: number };

/**
 * The contents of these blobs (one `git cat-file --batch`), streamed: a blob larger than `maxBytes` is skipped
 * (its size is answered), so one huge file cannot fill memory.
 */
export async function readBlobs(repoRoot: string, oids: readonly string[], maxBytes: number, signal?: AbortSignal): Promise<Map<string, BlobRead>> {
  const asked = [...new Set(oids.filter(Boolean))];
  const answers = new Map<string, BlobRead>();
  if (!asked.length) return answers;
  if (signal?.aborted) throw abortError();
  let body: Buffer[] | undefined;
  let size = 0;
  const onStdout = catFileBatchParser({
    missing: (k) => answers.set(asked[k], { missing: true }),
    start: (_k, n) => {
      size = n;
      body = n <= maxBytes ? [] : undefined;
    },
    data: (chunk) => body?.push(chunk),
    end: (k) => {
      answers.set(asked[k], body ? { bytes: Buffer.concat(body) } : { tooLarge: size });
      body = undefined;
    },
  });
  try {
    await runGitAsync(repoRoot, ['cat-file', '--batch'], { input: asked.join('\n') + '\n', onStdout });
  } catch (e) {
    if (e instanceof GitError) throw new HistoryError(e.reason);
    throw e;
  }
  return answers;
}
