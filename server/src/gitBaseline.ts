// The build context as it was at git HEAD, read from git objects only (`git ls-tree` and `git cat-file
// --batch`): the work tree and the index are never written, so a user's checkout is never disturbed. Planning
// this state gives the keys a build at HEAD would have left in the cache: the "git HEAD" baseline.
// git runs hardened (gitRun.ts), and only in a trusted workspace (documents.ts asks the host first).
import { createHash, type Hash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { ignoreFileCandidates } from './core/context/dockerignore';
import { yieldToEventLoop } from './core/dockerfile/limits';
import type { Builder, ContextEntry, ContextSnapshot } from './core/shared/types';
import { catFileBatchParser } from './gitCatFile';
import { GitError, runGitAsync } from './gitRun';
import { msg, type Message } from './core/shared/message';

/** sha256 of blob contents by object id. Blobs never change, so this outlives HEAD moving. */
export type BlobDigests = Map<string, string>;

export interface GitHeadOptions {
  contextDir: string;
  dockerfileAbs: string;
  /** The Dockerfile relative to the context (for `<Dockerfile>.dockerignore`). */
  dockerfilePath: string;
  builder: Builder;
  /** The context on disk: its permission bits are used where git's executable bit agrees (git keeps no others). */
  worktree?: ContextSnapshot;
  blobDigests: BlobDigests;
}

export interface GitHead {
  commit: string;
  repoRoot: string;
  snapshot: ContextSnapshot;
  /** The Dockerfile at HEAD; undefined when it was not committed. */
  dockerfileText?: string;
  ignoreText?: string;
}

export type GitHeadResult = { ok: true; head: GitHead } | { ok: false; reason: Message };

/** Blobs are hashed in batches of this many, one `git cat-file` process (and one timeout) per batch. */
const BATCH = 2000;
/** Records of the listing read between two turns of the event loop. */
const LISTING_SLICE = 2000;

const git = (cwd: string, args: readonly string[], input?: string): Promise<Buffer> => runGitAsync(cwd, args, input === undefined ? {} : { input });

/** The repository holding `dir` and its HEAD commit, or why there is none (git runs off the event loop). */
export async function headCommitAsync(dir: string): Promise<{ repoRoot: string; commit: string } | { reason: Message }> {
  let repoRoot: string;
  try {
    repoRoot = (await git(dir, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  } catch (e) {
    const stderr = e instanceof GitError ? e.stderr : '';
    if (/dubious ownership/.test(stderr)) return { reason: msg('gitOtherOwner', dir) };
    if (/not a git repository/i.test(stderr) || !(e instanceof GitError)) return { reason: msg('gitNoRepository', dir) };
    return { reason: e.text };
  }
  try {
    return { repoRoot, commit: (await git(repoRoot, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'])).toString('utf8').trim() };
  } catch (e) {
    return { reason: e instanceof GitError && e.status !== 1 ? e.text : msg('gitNoCommit') };
  }
}

/**
 * The build context at HEAD, with everything a plan asks of it read up front: the listing, symlink targets,
 * the ignore file, the Dockerfile, and the sha256 of every file blob (streamed from `git cat-file --batch` and
 * hashed as it arrives, never held whole). So the snapshot's `contentDigest` is a lookup, and planning it
 * starts no git. `found` is HEAD as `headCommitAsync` just read it (read again when absent).
 */
export async function readGitHeadAsync(options: GitHeadOptions, found?: { repoRoot: string; commit: string }): Promise<GitHeadResult> {
  const head = found ?? (await headCommitAsync(options.contextDir));
  if ('reason' in head) return { ok: false, reason: head.reason };
  try {
    return await readHead(options, head.repoRoot, head.commit);
  } catch (e) {
    if (e instanceof GitError) return { ok: false, reason: e.text };
    throw e;
  }
}

/**
 * The objects HEAD's tree names that are not in this repository, when it is a partial clone (empty otherwise).
 * `rev-list --missing=print` lists them without fetching: Layer Lens never downloads anything.
 */
async function missingObjects(repoRoot: string, commit: string): Promise<Set<string>> {
  try {
    // A promisor remote (named by extensions.partialClone, or any remote.<name>.promisor) is what git fetches from.
    if (!(await git(repoRoot, ['config', '--get-regexp', '^(extensions\\.partialclone|remote\\..*\\.promisor)$'])).toString('utf8').trim()) return new Set();
  } catch (e) {
    if (e instanceof GitError && e.status === 1) return new Set(); // neither is set: not a partial clone
    throw e;
  }
  const listed = (await git(repoRoot, ['rev-list', '--objects', '--no-walk', '--missing=print', commit])).toString('utf8');
  return new Set(
    listed
      .split('\n')
      .filter((l) => l.startsWith('?'))
      .map((l) => l.slice(1).trim()),
  );
}

async function readHead(options: GitHeadOptions, repoRoot: string, commit: string): Promise<GitHeadResult> {
  const missing = await missingObjects(repoRoot, commit);
  const prefix = relative(realpathSync(repoRoot), realpathSync(options.contextDir)).split(sep).join('/');
  if (prefix.startsWith('..')) return { ok: false, reason: msg('gitContextOutside', options.contextDir, repoRoot) };

  const listing = await git(repoRoot, ['ls-tree', '-r', '-l', '-z', '--full-tree', commit, ...(prefix ? ['--', `:(literal)${prefix}`] : [])]);
  const entries = new Map<string, ContextEntry>();
  const blobs = new Map<string, string>();
  const links: string[] = [];
  const records = listing.toString('utf8').split('\0');
  for (let r = 0; r < records.length; r++) {
    // A listing of many thousands of files is read in slices, with a turn of the event loop between them.
    if (r > 0 && r % LISTING_SLICE === 0) await yieldToEventLoop();
    const record = records[r];
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/);
    const full = record.slice(tab + 1);
    const path = prefix ? full.slice(prefix.length + 1) : full;
    if (!path || (prefix && !full.startsWith(`${prefix}/`))) continue;
    addParents(entries, path, options.worktree);
    if (type === 'commit') {
      // A submodule: its files are not in this repository's objects; the folder is all we know.
      entries.set(path, { path, type: 'dir', mode: worktreeMode(options.worktree, path, 'dir', 0o755), size: 0 });
    } else if (mode === '120000') {
      entries.set(path, { path, type: 'symlink', mode: 0o777, size: Number(size) || 0 });
      blobs.set(path, oid);
      links.push(path);
    } else if (type === 'blob') {
      entries.set(path, { path, type: 'file', mode: worktreeMode(options.worktree, path, 'file', mode === '100755' ? 0o755 : 0o644), size: Number(size) || 0 });
      blobs.set(path, oid);
    }
  }

  const ignorePath = ignoreFileCandidates(options.dockerfilePath, options.builder).find((p) => entries.get(p)?.type === 'file');
  const dockerfileFromRoot = relative(realpathSync(repoRoot), realpathSync(options.dockerfileAbs)).split(sep).join('/');
  let dockerfileName = dockerfileFromRoot.startsWith('..') || /[\n\r]/.test(dockerfileFromRoot) ? '' : `${commit}:${dockerfileFromRoot}`;
  if (missing.size > 0) {
    // A partial clone: every object read below must be here already (asking git for a missing one starts a fetch).
    if (dockerfileName) dockerfileName = await objectId(repoRoot, dockerfileName);
    const absent = [...new Set([...blobs.values(), dockerfileName])].filter((oid) => missing.has(oid));
    if (absent.length > 0) {
      return {
        ok: false,
        reason: absent.length === 1 ? msg('gitPartialOne') : msg('gitPartialMany', absent.length),
      };
    }
  }
  const named = await catFile(repoRoot, [
    ...links.map((p) => blobs.get(p) as string),
    ...(ignorePath ? [blobs.get(ignorePath) as string] : []),
    dockerfileName,
  ]);
  links.forEach((p, i) => {
    const target = named[i];
    (entries.get(p) as ContextEntry).linkTarget = target ? target.toString('utf8') : '';
  });
  const ignoreText = ignorePath ? named[links.length]?.toString('utf8') : undefined;
  const dockerfileText = named[named.length - 1]?.toString('utf8');

  const digests = options.blobDigests;
  // Only blobs not hashed before (a HEAD move hashes what is new at the new HEAD).
  const fileOids = new Set([...blobs].filter(([p]) => entries.get(p)?.type === 'file').map(([, o]) => o));
  await fillDigests(
    repoRoot,
    [...fileOids].filter((o) => !digests.has(o)),
    digests,
  );
  const snapshot: ContextSnapshot = {
    entries,
    problems: [],
    contentDigest(path) {
      const oid = blobs.get(path);
      if (!oid || entries.get(path)?.type !== 'file') throw new Error(`${path} is not a file at git HEAD.`);
      const digest = digests.get(oid);
      if (!digest) throw new Error(`Cannot read ${path} from git object ${oid}.`);
      return digest;
    },
  };
  return {
    ok: true,
    head: { commit, repoRoot, snapshot, ...(dockerfileText !== undefined ? { dockerfileText } : {}), ...(ignoreText !== undefined ? { ignoreText } : {}) },
  };
}

/** The object id `<commit>:<path>` names (read from trees, no blob), or '' when HEAD has no such path. */
async function objectId(repoRoot: string, name: string): Promise<string> {
  try {
    return (await git(repoRoot, ['rev-parse', '--verify', '-q', name])).toString('utf8').trim();
  } catch (e) {
    if (e instanceof GitError && e.status === 1) return '';
    throw e;
  }
}

/**
 * Hashes the given blobs: one `git cat-file --batch` per batch, its answer parsed as it streams in (a header
 * line `<oid> blob <size>`, the contents, a newline), each blob's bytes fed to its hash and dropped.
 */
async function fillDigests(repoRoot: string, oids: string[], digests: BlobDigests): Promise<void> {
  for (let i = 0; i < oids.length; i += BATCH) {
    const batch = oids.slice(i, i + BATCH);
    let hash: Hash | undefined;
    const onStdout = catFileBatchParser({
      missing: () => undefined,
      start: () => (hash = createHash('sha256')),
      data: (chunk) => hash?.update(chunk),
      end: (k) => {
        if (hash && k < batch.length) digests.set(batch[k], hash.digest('hex'));
        hash = undefined;
      },
    });
    await runGitAsync(repoRoot, ['cat-file', '--batch'], { input: batch.join('\n') + '\n', onStdout });
  }
}

/** Contents of objects named by id or `<commit>:<path>`; undefined for missing ones (and for empty names). */
async function catFile(repoRoot: string, names: string[]): Promise<Array<Buffer | undefined>> {
  const asked = names.filter(Boolean);
  const out: Array<Buffer | undefined> = [];
  if (asked.length === 0) return names.map(() => undefined);
  const data = await git(repoRoot, ['cat-file', '--batch'], asked.join('\n') + '\n');
  let pos = 0;
  const answers = asked.map(() => {
    const nl = data.indexOf(10, pos);
    const header = data.toString('utf8', pos, nl);
    pos = nl + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) return undefined;
    const size = Number(header.slice(header.lastIndexOf(' ') + 1));
    const content = data.subarray(pos, pos + size);
    pos += size + 1;
    return content;
  });
  let k = 0;
  for (const name of names) out.push(name ? answers[k++] : undefined);
  return out;
}

function addParents(entries: Map<string, ContextEntry>, path: string, worktree: ContextSnapshot | undefined): void {
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const dir = path.slice(0, i);
    if (!entries.has(dir)) entries.set(dir, { path: dir, type: 'dir', mode: worktreeMode(worktree, dir, 'dir', 0o755), size: 0 });
  }
}

/** The work tree's permission bits when the same path has the same type (and executable bit) on disk. */
function worktreeMode(worktree: ContextSnapshot | undefined, path: string, type: 'file' | 'dir', fromGit: number): number {
  const entry = worktree?.entries.get(path);
  if (!entry || entry.type !== type) return fromGit;
  if (type === 'file' && (entry.mode & 0o100) !== (fromGit & 0o100)) return fromGit;
  return entry.mode;
}
