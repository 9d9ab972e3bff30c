// Reads a build context folder into a ContextSnapshot (core/shared/types.ts) for the pure core.
// The walk uses lstat only (symlinks are recorded, never followed, so loops cannot hang it) and
// never throws for a bad file: unreadable entries carry `error` and a problem saying what to do.
// File digests are lazy (a small file in one read, larger ones in 1 MiB chunks), and kept in a DigestCache keyed by
// (dev, ino, size, mtime, ctime, mode), which can outlive a snapshot and be saved to disk.
//
// Nothing outside the context is read, even when a folder is swapped for a symlink while we read (Node has no
// openat). Every folder is opened with O_DIRECTORY|O_NOFOLLOW and its fd's (dev, ino) compared with what the
// walk recorded for it (the root: what it opened first); a folder that is no longer that folder is read again as
// what it now is. On Linux its entries are then listed and lstat'ed through /proc/self/fd/N, which names the
// folder the fd holds whatever happens to its path, so the recorded (dev, ino) of every entry are those of the
// real entry inside the context; files are opened (O_NOFOLLOW|O_NONBLOCK) through their verified folder the
// same way. Elsewhere (no /proc) paths are used, and a file's fd is checked against its recorded (dev, ino) before
// it is read; a swap there can only go unnoticed inside the few microseconds between a folder's checks.
//
// Names are read as bytes: one that is not UTF-8 is kept lossless (core/context/names.ts) and given to the fs as a
// Buffer path. scanContextAsync does the same walk in slices of ~50 ms for the language server.
import * as nodeFs from 'node:fs';
import * as nodeCrypto from 'node:crypto';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { compileIgnore, ignoreFileCandidates, type IgnoreRules, type MatchInfo } from './core/context/dockerignore';
import { decodeName, displayName, hasEscapes, nameBytes } from './core/context/names';
import { DigestCache, LayeredMap } from './core/context/store';
import { replaceAtomically, resolveLink } from './safeWrite';
import type { Builder, ContextEntry, ContextProblem, ContextSnapshot } from './core/shared/types';

export { DigestCache } from './core/context/store';

/** The fs calls used, replaceable in tests to simulate failing reads. */
export type FsOps = Pick<typeof nodeFs, 'lstatSync' | 'readdirSync' | 'readlinkSync' | 'openSync' | 'readSync' | 'readFileSync' | 'fstatSync' | 'closeSync'>;

export interface ScanOptions {
  /** Digests from earlier scans; unchanged files are never read again. */
  digestCache?: DigestCache;
  /**
   * Skip the inside of folders this ignore text excludes when no `!` line can re-include anything
   * in them (as BuildKit's walker does). Such folders' contents are then absent from `entries`;
   * rescan when the ignore file changes.
   */
  pruneWith?: string;
  fs?: Partial<FsOps>;
  /** scanContextAsync: stop (rejecting with an AbortError) when this aborts. */
  signal?: AbortSignal;
}

export interface FsContextSnapshot extends ContextSnapshot {
  readonly root: string;
  readonly digestCache: DigestCache;
  readonly prunedWith: string | undefined;
}

export interface SnapshotUpdate {
  snapshot: FsContextSnapshot;
  /** Paths added, modified or removed (a removed folder once, not its contents): feed to core updateView. */
  changed: string[];
}

const CACHE_VERSION = 1;
const MAX_CACHE_FILE = 64 * 1024 * 1024;

/** How every digest cache this module writes begins: a file that begins otherwise is not ours and is never replaced. */
const CACHE_PREFIX = `{"version":${CACHE_VERSION},"entries":`;

/**
 * The bytes of a regular file at `file` (symlinks followed: the user named the path), at most `max`; undefined
 * when it is missing, not a regular file (a FIFO or device is never read: opened non-blocking, checked on the
 * descriptor) or larger. Never throws.
 */
function readCacheFile(file: string, max: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = nodeFs.openSync(file, nodeFs.constants.O_RDONLY | nodeFs.constants.O_NONBLOCK);
    const st = nodeFs.fstatSync(fd);
    if (!st.isFile() || st.size > max) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < buf.length) {
      const got = nodeFs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) nodeFs.closeSync(fd);
  }
}

/** A cache saved by saveDigestCache; a missing, corrupt or foreign file (or a FIFO, folder, device) gives an empty cache. */
export function loadDigestCache(file: string, maxEntries?: number): DigestCache {
  const cache = new DigestCache(maxEntries);
  try {
    const bytes = readCacheFile(file, MAX_CACHE_FILE);
    if (!bytes) return cache;
    const data = JSON.parse(bytes.toString('utf8')) as { version?: unknown; entries?: unknown };
    if (data.version !== CACHE_VERSION || !Array.isArray(data.entries)) return cache;
    for (const e of data.entries as unknown[]) {
      if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string' && /^[0-9a-f]{64}$/.test(e[1])) cache.add(e[0], e[1]);
    }
    cache.dirty = false;
  } catch {
    // Missing or unreadable: start afresh; the cache only saves time.
  }
  return cache;
}

/**
 * Whether a save may replace what is at `target` (a resolved path): nothing there, an empty regular file, or a
 * regular file that begins as this module's caches do. A foreign file, a folder, a FIFO or a device is left alone.
 */
function replaceable(target: string): boolean {
  let st: nodeFs.Stats;
  try {
    st = nodeFs.lstatSync(target);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
  if (!st.isFile()) return false;
  if (st.size === 0) return true;
  let fd: number | undefined;
  try {
    fd = nodeFs.openSync(target, nodeFs.constants.O_RDONLY | nodeFs.constants.O_NONBLOCK | nodeFs.constants.O_NOFOLLOW);
    const head = Buffer.alloc(CACHE_PREFIX.length);
    const n = nodeFs.readSync(fd, head, 0, head.length, 0);
    return head.toString('utf8', 0, n) === CACHE_PREFIX;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) nodeFs.closeSync(fd);
  }
}

/**
 * Write the cache atomically (temp file in the same folder + rename, safeWrite.ts), through a symlink if the path
 * is one; a file that is not a digest cache is never replaced, and a temporary file left by a killed run is removed.
 * Returns false instead of throwing on failure (the cache only saves time).
 */
export function saveDigestCache(file: string, cache: DigestCache): boolean {
  try {
    const target = resolveLink(file);
    if (!replaceable(target)) return false;
    nodeFs.mkdirSync(dirname(target), { recursive: true });
    return replaceAtomically(target, JSON.stringify({ version: CACHE_VERSION, entries: [...cache.entries()] }), undefined);
  } catch {
    return false;
  }
}

/** The name of a per-context digest cache (storeFile.ts defaultDigestCachePath). */
const CONTEXT_CACHE_NAME = /^[0-9a-f]{24}\.json$/;

/**
 * Keeps the `keep` most recently written per-context digest caches in `folder` and removes the others (and the one
 * shared digest-cache.json of earlier versions beside the folder, when it is ours). Only files named and begun as this
 * module writes them are removed. Returns how many were removed; never throws (the caches only save time).
 */
export function pruneDigestCaches(folder: string, keep: number): number {
  let removed = 0;
  const drop = (file: string): void => {
    try {
      if (!replaceable(file)) return;
      nodeFs.unlinkSync(file);
      removed++;
    } catch {
      // gone meanwhile, or not ours to remove
    }
  };
  drop(resolve(folder, '..', 'digest-cache.json'));
  let names: string[];
  try {
    names = nodeFs.readdirSync(folder).filter((n) => CONTEXT_CACHE_NAME.test(n));
  } catch {
    return removed;
  }
  if (names.length <= keep) return removed;
  const dated: Array<[string, number]> = [];
  for (const n of names) {
    try {
      dated.push([n, nodeFs.lstatSync(resolve(folder, n)).mtimeMs]);
    } catch {
      // removed meanwhile
    }
  }
  dated.sort((a, b) => b[1] - a[1]);
  for (const [n] of dated.slice(keep)) drop(resolve(folder, n));
  return removed;
}

/** What a walk writes to: plain Maps for a first scan, copy-on-write LayeredMaps for an update. */
interface Writable<V> {
  get(k: string): V | undefined;
  has(k: string): boolean;
  set(k: string, v: V): unknown;
  delete(k: string): unknown;
}

interface Walk {
  root: string;
  /** (dev, ino) of the root folder as first opened: every later open of the root must find that folder. */
  rootId: Identity;
  fs: FsOps;
  cache: DigestCache;
  ignore: IgnoreRules | undefined;
  entries: Writable<ContextEntry>;
  /** Child names of each walked folder (absent: not walked, e.g. pruned). */
  kids: Writable<readonly string[]>;
  problems: Writable<string>;
  /** Entries examined since the last yield (see YIELD_EVERY). */
  work: number;
}

interface State extends Walk {
  entries: LayeredMap<ContextEntry>;
  kids: LayeredMap<readonly string[]>;
  problems: LayeredMap<string>;
}

interface Identity {
  dev: number;
  ino: number;
}

const CHUNK = 1024 * 1024;
const C = nodeFs.constants;
/** Windows has neither flag; there O_NOFOLLOW's job is done by the (dev, ino) checks. */
const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const O_DIRECTORY = C.O_DIRECTORY ?? 0;
const O_NONBLOCK = C.O_NONBLOCK ?? 0;
/** A folder inside the context: never through a symlink. The root may be reached through one (the user named it). */
const DIR_FLAGS = C.O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
const ROOT_FLAGS = C.O_RDONLY | O_DIRECTORY;
/** O_NONBLOCK: a FIFO (or a file swapped for one) must not block the open; O_NOFOLLOW: nor a symlink be followed. */
const FILE_FLAGS = C.O_RDONLY | O_NOFOLLOW | O_NONBLOCK;
/** How many entries the walk examines between checks of the clock (scanContextAsync yields every SLICE_MS). */
const YIELD_EVERY = 128;
const SLICE_MS = 50;

let procFd: boolean | undefined;
/**
 * Whether /proc/self/fd/N/name resolves from the folder fd N holds (Linux): openat for Node. Paths use
 * /proc/<pid>/fd/N, which saves resolving the "self" link on every call (a fifth of the cost of a lookup).
 */
function hasProcFd(): boolean {
  if (procFd === undefined) {
    try {
      procFd = process.platform === 'linux' && nodeFs.statSync('/proc/self/fd').isDirectory();
    } catch {
      procFd = false;
    }
  }
  return procFd;
}

/** Tests: force the path-based walk used where /proc is missing (false), or detect again (undefined). */
export function useProcFdForTests(value: boolean | undefined): void {
  procFd = value;
}

/** `dir` + '/' + `name` for the fs: a Buffer when the name holds bytes that are not UTF-8. */
function join(dir: string, name: string): string | Buffer {
  if (!hasEscapes(name)) return dir ? `${dir}/${name}` : name;
  return Buffer.concat([Buffer.from(dir ? `${dir}/` : ''), nameBytes(name)]);
}

/** The error a folder or file gets when it is not what the walk recorded any more. */
function changedError(): Error {
  return Object.assign(new Error('changed while it was read'), { code: 'ECHANGED' });
}

/** Windows cannot open a folder as a file: there a folder is checked by its path's stat, and `fd` is -1. */
const NO_DIR_FDS = process.platform === 'win32';

/** Open a context folder (rel '' is the root) and check that it is the folder recorded there. */
function openDir(s: Walk, rel: string, id: Identity): number {
  if (NO_DIR_FDS) {
    const st = rel === '' ? nodeFs.statSync(s.root) : s.fs.lstatSync(abs(s, rel));
    if (!st.isDirectory() || st.dev !== id.dev || st.ino !== id.ino) throw changedError();
    return -1;
  }
  const fd = s.fs.openSync(abs(s, rel), rel === '' ? ROOT_FLAGS : DIR_FLAGS);
  let ok = false;
  try {
    const st = s.fs.fstatSync(fd);
    if (!st.isDirectory() || st.dev !== id.dev || st.ino !== id.ino) throw changedError();
    ok = true;
    return fd;
  } finally {
    if (!ok) s.fs.closeSync(fd);
  }
}

/** An opened, verified folder: `at` names it for fs calls (through /proc/self/fd on Linux, else its path). */
interface OpenDir {
  fd: number;
  at: string;
}

function closeDir(s: Walk, dir: OpenDir): void {
  if (dir.fd >= 0) s.fs.closeSync(dir.fd);
}

function openVerified(s: Walk, rel: string, id: Identity): OpenDir {
  const fd = openDir(s, rel, id);
  return { fd, at: hasProcFd() ? `/proc/${process.pid}/fd/${fd}` : rel ? `${s.root}/${rel}` : s.root };
}

/** The names in an opened folder, read as bytes when one is not UTF-8. */
function listNames(s: Walk, dir: OpenDir, rel: string): string[] {
  const at = hasProcFd() ? dir.at : abs(s, rel);
  const names = s.fs.readdirSync(at, { encoding: 'utf8' });
  if (!names.some((n) => n.includes('\ufffd'))) return names;
  return s.fs.readdirSync(at, { encoding: 'buffer' }).map(decodeName);
}

function identityOf(e: ContextEntry | undefined): Identity | undefined {
  const x = e as Partial<Identity> | undefined;
  return x && x.dev !== undefined && x.ino !== undefined ? (x as Identity) : undefined;
}

/** sha256 of a buffer in one call: crypto.hash (Node 20.12+, no Hash object per file) where the runtime has it. */
const sha256Hex: (data: Buffer) => string =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha256', data, 'hex')
    : (data) => nodeCrypto.createHash('sha256').update(data).digest('hex');
let chunk: Buffer | undefined;

/**
 * A regular file as read here: with the stat fields its digest-cache key is made of (only this module
 * reads them). Numbers, not the key string: formatting 100k keys during a scan costs more than the lstat.
 */
interface FileEntry extends ContextEntry {
  type: 'file';
  mtimeMs: number;
  dev: number;
  ino: number;
  ctimeMs: number;
}

/**
 * The digest-cache key of a regular file, from its entry or from a Stats of it: dev:ino:size:mtimeMs:ctimeMs:st_mode
 * (a regular file's st_mode is S_IFREG | its permission bits; an entry keeps only the bits).
 */
function fileKey(f: Pick<FileEntry, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'ctimeMs' | 'mode'>): string {
  return `${f.dev}:${f.ino}:${f.size}:${f.mtimeMs}:${f.ctimeMs}:${f.mode | nodeFs.constants.S_IFREG}`;
}

/** Whether two entries of one path come from the same lstat result (files: the same digest-cache key; folders: the same folder). */
function sameStat(a: ContextEntry, b: ContextEntry): boolean {
  if (a.type === 'dir' && b.type === 'dir') {
    const x = identityOf(a);
    const y = identityOf(b);
    return !x || !y || (x.dev === y.dev && x.ino === y.ino);
  }
  if (a.type !== 'file' || b.type !== 'file') return true;
  const x = a as FileEntry;
  const y = b as FileEntry;
  return x.dev === y.dev && x.ino === y.ino && x.mtimeMs === y.mtimeMs && x.ctimeMs === y.ctimeMs;
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

function advice(c: string, what: 'file' | 'folder'): string {
  if (c === 'EACCES' || c === 'EPERM')
    return `Make it readable (chmod a+r${what === 'folder' ? 'x' : ''}) or add it to .dockerignore: docker build fails on it too.`;
  if (c === 'ENOENT') return 'It disappeared after the context was read; read the context again.';
  if (c === 'ECHANGED' || c === 'ELOOP' || c === 'ENOTDIR')
    return 'It was replaced (by a symlink, a file or another folder) after the context was read; read the context again.';
  return `Check the ${what}, or add it to .dockerignore if the build does not need it.`;
}

const UID = process.getuid?.();
const GIDS = new Set([process.getgid?.(), ...(process.getgroups?.() ?? [])]);

/** Whether this process may read a file, from its mode bits (root reads everything). */
function readable(st: nodeFs.Stats): boolean {
  if (UID === undefined || UID === 0) return true;
  if (st.uid === UID) return (st.mode & 0o400) !== 0;
  if (GIDS.has(st.gid)) return (st.mode & 0o040) !== 0;
  return (st.mode & 0o004) !== 0;
}

/** A context path for the fs (a Buffer when a name in it is not UTF-8). */
function abs(s: { root: string }, rel: string): string | Buffer {
  return rel ? join(s.root, rel) : s.root;
}

const states = new WeakMap<object, State>();

function makeSnapshot(s: State): FsContextSnapshot {
  let problems: ContextProblem[] | undefined;
  const snapshot: FsContextSnapshot = {
    root: s.root,
    digestCache: s.cache,
    prunedWith: s.ignore?.text,
    entries: s.entries,
    get problems() {
      return (problems ??= [...s.problems.entries()].map(([path, message]) => ({ path, message })).sort((a, b) => (a.path < b.path ? -1 : 1)));
    },
    contentDigest: (path: string, entry?: ContextEntry) => contentDigest(s, path, entry),
    children: (dir: string) => s.kids.get(dir),
  };
  states.set(snapshot, s);
  return snapshot;
}

/**
 * The folder a file digest opens files in: kept open between calls while they stay in one folder (a plan hashes
 * a folder's files one after another), closed when the next folder is opened or at the end of this tick.
 */
let digestDir: { key: string; dir: OpenDir; close: () => void } | undefined;

function closeDigestDir(): void {
  const d = digestDir;
  digestDir = undefined;
  d?.close();
}

/** The verified folder `rel` of a snapshot, for opening its files through /proc/self/fd. */
function digestDirOf(s: State, rel: string): OpenDir {
  const id = rel === '' ? s.rootId : identityOf(s.entries.get(rel));
  if (!id) throw changedError();
  const key = `${s.root}\0${rel}\0${id.dev}:${id.ino}`;
  if (digestDir?.key === key) return digestDir.dir;
  closeDigestDir();
  const dir = openVerified(s, rel, id);
  const fs = s.fs;
  digestDir = { key, dir, close: () => dir.fd >= 0 && fs.closeSync(dir.fd) };
  setImmediate(() => {
    if (digestDir?.dir === dir) closeDigestDir();
  });
  return dir;
}

function openFile(s: State, path: string): number {
  if (!hasProcFd()) return s.fs.openSync(abs(s, path), FILE_FLAGS);
  const slash = path.lastIndexOf('/');
  const dir = digestDirOf(s, slash < 0 ? '' : path.slice(0, slash));
  return s.fs.openSync(join(dir.at, path.slice(slash + 1)), FILE_FLAGS);
}

function contentDigest(s: State, path: string, hint: ContextEntry | undefined): string {
  const e = hint?.path === path ? hint : s.entries.get(path);
  if (!e) throw new Error(`${path} is not in the build context snapshot.`);
  if (e.type !== 'file') throw new Error(`${path} is not a regular file.`);
  if (e.error) throw new Error(e.error);
  const key = fileKey(e as FileEntry);
  const hit = s.cache.get(key);
  if (hit) return hit;
  let fd: number | undefined;
  try {
    fd = openFile(s, path);
    // A small file (by the scan) opened in its verified folder needs no Stats object: its digest goes under the
    // scan's key (if the file changed since, its ctime did too, so that key never comes back). Nor a buffer of
    // its own, nor the fstat readFileSync makes for its size: it is read into the shared chunk. Without /proc
    // the file itself is checked: it must be the file the scan recorded.
    const small = e.size < CHUNK && hasProcFd();
    const st = small ? undefined : s.fs.fstatSync(fd);
    if (st && !st.isFile()) throw Object.assign(new Error('not a regular file any more'), { code: 'EINVAL' });
    if (st && !hasProcFd() && (st.dev !== (e as FileEntry).dev || st.ino !== (e as FileEntry).ino)) throw changedError();
    chunk ??= Buffer.allocUnsafe(CHUNK);
    // A short read of a regular file is its end: no second read() per small file just to see 0.
    let n = s.fs.readSync(fd, chunk, 0, CHUNK, null);
    let digest: string;
    if (n < CHUNK) digest = sha256Hex(chunk.subarray(0, n));
    else {
      const h = nodeCrypto.createHash('sha256').update(chunk);
      while (n === CHUNK) {
        n = s.fs.readSync(fd, chunk, 0, CHUNK, null);
        if (n > 0) h.update(chunk.subarray(0, n));
      }
      digest = h.digest('hex');
    }
    if (st) s.cache.set(fileKey(st), digest);
    else s.cache.add(key, digest);
    return digest;
  } catch (err) {
    throw new Error(`Cannot read ${displayName(path)}: ${code(err)}. ${advice(code(err), 'file')}`);
  } finally {
    if (fd !== undefined) s.fs.closeSync(fd);
  }
}

/** lstat one path (`at`: how the fs reaches it) into an entry (undefined when it vanished); records problems. */
function readEntry(s: Walk, rel: string, at: string | Buffer): ContextEntry | undefined {
  let st: nodeFs.Stats;
  try {
    st = s.fs.lstatSync(at);
  } catch (err) {
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') s.problems.set(rel, `Cannot inspect: ${code(err)}. ${advice(code(err), 'file')}`);
    return undefined;
  }
  const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  const entry: ContextEntry =
    type === 'file'
      ? ({
          path: rel,
          type,
          mode: st.mode & 0o7777,
          size: st.size,
          mtimeMs: st.mtimeMs,
          dev: st.dev,
          ino: st.ino,
          ctimeMs: st.ctimeMs,
        } satisfies FileEntry as ContextEntry)
      : type === 'dir'
        ? ({ path: rel, type, mode: st.mode & 0o7777, size: 0, dev: st.dev, ino: st.ino } as ContextEntry)
        : { path: rel, type, mode: st.mode & 0o7777, size: st.size };
  s.problems.delete(rel);
  if (type === 'symlink') {
    try {
      entry.linkTarget = decodeName(s.fs.readlinkSync(at, { encoding: 'buffer' }));
    } catch (err) {
      entry.error = `Cannot read the symlink: ${code(err)}. ${advice(code(err), 'file')}`;
    }
  } else if (type === 'file' && !readable(st)) {
    entry.error = `Cannot read: EACCES. ${advice('EACCES', 'file')}`;
  }
  if (entry.error) s.problems.set(rel, entry.error);
  return entry;
}

const PARENT_CHANGED = Symbol('parent changed');

/** readEntry through the verified parent folder (for paths met outside a walk of their parent). */
function readEntryIn(s: Walk, rel: string): ContextEntry | undefined | typeof PARENT_CHANGED {
  const slash = rel.lastIndexOf('/');
  const parent = slash < 0 ? '' : rel.slice(0, slash);
  const id = parent === '' ? s.rootId : identityOf(s.entries.get(parent));
  if (!id) return PARENT_CHANGED;
  let dir: OpenDir;
  try {
    dir = openVerified(s, parent, id);
  } catch (err) {
    if (parent === '') {
      s.problems.set('', `Cannot open the build context: ${code(err)}. ${advice(code(err), 'folder')}`);
      return undefined;
    }
    return PARENT_CHANGED;
  }
  try {
    return readEntry(s, rel, hasProcFd() ? join(dir.at, rel.slice(slash + 1)) : abs(s, rel));
  } finally {
    closeDir(s, dir);
  }
}

/**
 * List folder `rel` (recorded as `found`) into `present` and return its children's entries, or an error code.
 * The folder is opened and checked first; its children are lstat'ed through it. Yields now and then.
 */
function* listFolder(s: Walk, rel: string, found: ContextEntry, present: string[], out: ContextEntry[]): Generator<void, string | undefined> {
  const id = rel === '' ? s.rootId : identityOf(found);
  if (!id) return 'ECHANGED';
  let dir: OpenDir;
  try {
    dir = openVerified(s, rel, id);
  } catch (err) {
    return code(err);
  }
  try {
    let names: string[];
    try {
      names = listNames(s, dir, rel);
    } catch (err) {
      return code(err);
    }
    const proc = hasProcFd();
    for (const name of names) {
      const child = rel ? `${rel}/${name}` : name;
      const c = readEntry(s, child, proc ? join(dir.at, name) : abs(s, child));
      if (++s.work >= YIELD_EVERY) {
        s.work = 0;
        yield;
      }
      if (!c) continue;
      present.push(name);
      out.push(c);
    }
    // Without /proc, the children were reached by path: the folder must still be the one checked above (the root
    // may be reached through a symlink the user named: it was checked when opened).
    if (!proc && rel !== '') {
      const st = s.fs.lstatSync(abs(s, rel));
      if (!st.isDirectory() || st.dev !== id.dev || st.ino !== id.ino) return 'ECHANGED';
    }
    return undefined;
  } finally {
    closeDir(s, dir);
  }
}

/** Add `rel` (already lstat'ed) and, for a folder, everything below it. Returns paths added. */
function* addTree(s: Walk, rel: string, first: ContextEntry, parentInfo: MatchInfo, added: string[]): Generator<void> {
  const stack: Array<{ rel: string; found: ContextEntry; info: MatchInfo; tries: number }> = [{ rel, found: first, info: parentInfo, tries: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    const { rel: p, found, info } = item;
    s.entries.set(p, found);
    if (item.tries === 0) added.push(p);
    if (found.type !== 'dir') continue;
    let childInfo = info;
    if (p !== '' && s.ignore?.matcher.patterns.length) {
      const r = s.ignore.matcher.matchesUsingParentResults(p, info);
      childInfo = r.info;
      if (r.matched && s.ignore.matcher.canSkipExcludedDir(p)) continue;
    }
    const present: string[] = [];
    const kids: ContextEntry[] = [];
    const failed = yield* listFolder(s, p, found, present, kids);
    if (failed && p !== '' && (failed === 'ECHANGED' || failed === 'ELOOP' || failed === 'ENOTDIR' || failed === 'ENOENT') && item.tries < 3) {
      // The folder was swapped (for a symlink, a file, another folder) or removed since its lstat: record what is
      // there now, through its verified parent, never through the swapped path.
      const now = readEntryIn(s, p);
      if (now === PARENT_CHANGED || now === undefined) {
        if (now === undefined) forget(s, p);
        else markChanged(s, p, found);
        continue;
      }
      stack.push({ rel: p, found: now, info, tries: item.tries + 1 });
      continue;
    }
    if (failed) {
      found.error = `Cannot list the folder: ${failed}. ${advice(failed, 'folder')}`;
      s.problems.set(p, found.error);
      s.kids.set(p, []);
      continue;
    }
    for (const c of kids) stack.push({ rel: c.path, found: c, info: childInfo, tries: 0 });
    s.kids.set(p, present);
  }
}

/** A folder that vanished while the walk listed it: drop it and its name from its parent's listing. */
function forget(s: Walk, rel: string): void {
  s.entries.delete(rel);
  const slash = rel.lastIndexOf('/');
  const parent = slash < 0 ? '' : rel.slice(0, slash);
  const name = rel.slice(slash + 1);
  const kids = s.kids.get(parent);
  if (kids)
    s.kids.set(
      parent,
      kids.filter((n) => n !== name),
    );
}

function markChanged(s: Walk, rel: string, found: ContextEntry): void {
  found.error = `Changed while the context was read. ${advice('ECHANGED', 'folder')}`;
  s.problems.set(rel, found.error);
  s.kids.set(rel, []);
}

function removeTree(s: State, rel: string): void {
  const stack = [rel];
  while (stack.length) {
    const p = stack.pop()!;
    for (const name of s.kids.get(p) ?? []) stack.push(p ? `${p}/${name}` : name);
    s.entries.delete(p);
    s.kids.delete(p);
    s.problems.delete(p);
  }
}

/** Run a walk to its end. */
function drain(g: Generator<void>): void {
  for (let r = g.next(); !r.done; r = g.next());
}

function abortError(): Error {
  return Object.assign(new Error('The build context scan was cancelled.'), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** Run a walk to its end, giving the event loop a turn every SLICE_MS; stops (rejects) when `signal` aborts. */
async function drainAsync(g: Generator<void>, signal: AbortSignal | undefined): Promise<void> {
  let slice = performance.now();
  try {
    for (let r = g.next(); !r.done; r = g.next()) {
      if (performance.now() - slice < SLICE_MS) continue;
      await new Promise<void>((done) => setImmediate(done));
      if (signal?.aborted) throw abortError();
      slice = performance.now();
    }
  } finally {
    g.return(undefined);
  }
}

type Scan = Walk & { entries: Map<string, ContextEntry>; kids: Map<string, readonly string[]>; problems: Map<string, string> };

function* scanSteps(root: string, options: ScanOptions, out: { state?: State }): Generator<void> {
  // Plain Maps while walking (a LayeredMap's overlay check per call adds up over 100k entries).
  const s: Scan = {
    root: resolve(root),
    rootId: { dev: -1, ino: -1 },
    fs: { ...nodeFs, ...options.fs } as FsOps,
    cache: options.digestCache ?? new DigestCache(),
    ignore: options.pruneWith === undefined ? undefined : compileIgnore(options.pruneWith),
    entries: new Map(),
    kids: new Map(),
    problems: new Map(),
    work: 0,
  };
  const sealed = (): State => ({ ...s, entries: new LayeredMap(s.entries), kids: new LayeredMap(s.kids), problems: new LayeredMap(s.problems) });
  try {
    if (NO_DIR_FDS) {
      const st = nodeFs.statSync(s.root);
      if (st.isDirectory()) s.rootId = { dev: st.dev, ino: st.ino };
    } else {
      const fd = s.fs.openSync(s.root, ROOT_FLAGS);
      try {
        const st = s.fs.fstatSync(fd);
        if (st.isDirectory()) s.rootId = { dev: st.dev, ino: st.ino };
      } finally {
        s.fs.closeSync(fd);
      }
    }
  } catch {
    // not a readable folder: below
  }
  if (s.rootId.ino === -1) {
    s.problems.set('', `The build context ${s.root} is not a readable folder. Pass the folder docker build would get.`);
    out.state = sealed();
    return;
  }
  const added: string[] = [];
  yield* addTree(s, '', { path: '', type: 'dir', mode: 0o755, size: 0 }, undefined, added);
  s.entries.delete(''); // the root is not an entry (types.ts)
  out.state = sealed();
}

/** Walk `root` with lstat. Never throws for bad entries; a missing root gives an empty snapshot and a problem. */
export function scanContext(root: string, options: ScanOptions = {}): FsContextSnapshot {
  const out: { state?: State } = {};
  drain(scanSteps(root, options, out));
  return makeSnapshot(out.state!);
}

/**
 * scanContext without blocking the event loop for more than ~SLICE_MS at a time: the same walk and the same
 * snapshot. Rejects with an AbortError when `options.signal` aborts.
 */
export async function scanContextAsync(root: string, options: ScanOptions = {}): Promise<FsContextSnapshot> {
  const out: { state?: State } = {};
  if (options.signal?.aborted) throw abortError();
  await drainAsync(scanSteps(root, options, out), options.signal);
  return makeSnapshot(out.state!);
}

/**
 * Compute the digests of these files of a snapshot ahead of a plan, in slices of ~SLICE_MS (a large file between
 * its 1 MiB reads too), so the plan that follows finds them in the digest cache instead of blocking on them.
 * Files that cannot be read are skipped: the plan reports them. Rejects with an AbortError when `signal` aborts.
 */
export async function warmDigests(snapshot: FsContextSnapshot, entries: Iterable<ContextEntry>, signal?: AbortSignal): Promise<number> {
  const s = states.get(snapshot);
  if (!s) return 0;
  let slice = performance.now();
  let hashed = 0;
  const pause = async () => {
    if (performance.now() - slice < SLICE_MS) return;
    await new Promise<void>((done) => setImmediate(done));
    if (signal?.aborted) throw abortError();
    slice = performance.now();
  };
  for (const given of entries) {
    // The snapshot's own entry: a view of another snapshot (BuildKit's synced context) may hold other metadata.
    const e = s.entries.get(given.path);
    if (!e || e.type !== 'file' || e.error || s.cache.get(fileKey(e as FileEntry)) !== undefined) continue;
    await pause();
    try {
      if (e.size < 8 * CHUNK) contentDigest(s, e.path, e);
      else await largeDigest(s, e as FileEntry, pause);
      hashed++;
    } catch {
      // reported by the plan
    }
  }
  return hashed;
}

/** contentDigest of a large file, pausing between reads. */
async function largeDigest(s: State, e: FileEntry, pause: () => Promise<void>): Promise<void> {
  const fd = openFile(s, e.path);
  try {
    const st = s.fs.fstatSync(fd);
    if (!st.isFile() || st.dev !== e.dev || st.ino !== e.ino) return;
    const buf = Buffer.allocUnsafe(CHUNK);
    const h = nodeCrypto.createHash('sha256');
    for (let n = s.fs.readSync(fd, buf, 0, CHUNK, null); n > 0; n = s.fs.readSync(fd, buf, 0, CHUNK, null)) {
      h.update(buf.subarray(0, n));
      await pause();
    }
    s.cache.set(fileKey(st), h.digest('hex'));
  } finally {
    s.fs.closeSync(fd);
    closeDigestDir();
  }
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** The ignore match info a folder passes to its children (only used when pruning). */
function infoOf(s: State, dir: string): MatchInfo {
  let info: MatchInfo;
  if (!dir || !s.ignore?.matcher.patterns.length) return info;
  const segs = dir.split('/');
  for (let i = 0; i < segs.length; i++) info = s.ignore.matcher.matchesUsingParentResults(segs.slice(0, i + 1).join('/'), info).info;
  return info;
}

function sameEntry(a: ContextEntry, b: ContextEntry): boolean {
  return a.type === b.type && a.mode === b.mode && a.size === b.size && a.linkTarget === b.linkTarget && a.error === b.error;
}

function toRelative(root: string, raw: string): string | undefined {
  let p = isAbsolute(raw) ? relative(root, raw) : raw;
  p = p
    .split(sep)
    .join('/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  if (p === '.') p = '';
  if (p === '..' || p.startsWith('../') || isAbsolute(p)) return undefined;
  return p;
}

function refresh(s: State, rel: string, changed: Set<string>): void {
  const parent = parentOf(rel);
  if (rel !== '' && !s.kids.has(parent)) {
    // The parent was not walked: either it is new (read it whole) or pruned (nothing to do).
    if (!s.entries.has(parent) && parent !== '') refresh(s, parent, changed);
    return;
  }
  const read = rel === '' ? ({ path: '', type: 'dir', mode: 0o755, size: 0, ...s.rootId } as ContextEntry) : readEntryIn(s, rel);
  if (read === PARENT_CHANGED) {
    // The parent folder is not the one recorded (swapped, replaced): read it again as what it is now.
    if (parent === '') s.problems.set('', `The build context folder ${s.root} was replaced. Read the context again.`);
    else {
      const had = s.entries.has(rel);
      refresh(s, parent, changed);
      if (had && !s.entries.has(rel)) changed.add(rel);
    }
    return;
  }
  const found = read;
  const old = rel === '' ? found : s.entries.get(rel);
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (!found) {
    if (!old) return;
    removeTree(s, rel);
    s.kids.set(
      parent,
      (s.kids.get(parent) ?? []).filter((n) => n !== name),
    );
    changed.add(rel);
    // A watcher may report only the files of a deleted folder: check the folder too.
    if (parent !== '' && !readEntryIn(s, parent)) refresh(s, parent, changed);
    return;
  }
  if (old?.type === 'dir' && found.type === 'dir' && sameStat(old, found)) {
    if (rel !== '' && !sameEntry(old, found)) {
      s.entries.set(rel, found);
      changed.add(rel);
    }
    const before = s.kids.get(rel);
    if (!before) return; // pruned
    const id = rel === '' ? s.rootId : identityOf(found)!;
    let dir: OpenDir;
    let names: string[];
    try {
      dir = openVerified(s, rel, id);
    } catch (err) {
      if (rel === '') {
        s.problems.set('', `Cannot list the build context: ${code(err)}. ${advice(code(err), 'folder')}`);
        return;
      }
      return refreshAsNew(s, rel, found, changed, false);
    }
    const fresh: ContextEntry[] = [];
    try {
      names = listNames(s, dir, rel);
      const known = new Set(before);
      for (const n of names) {
        if (known.has(n)) continue;
        const child = rel ? `${rel}/${n}` : n;
        const c = readEntry(s, child, hasProcFd() ? join(dir.at, n) : abs(s, child));
        if (c) fresh.push(c);
      }
    } catch (err) {
      if (rel === '') {
        s.problems.set('', `Cannot list the build context: ${code(err)}. ${advice(code(err), 'folder')}`);
        return;
      }
      return refreshAsNew(s, rel, found, changed, false);
    } finally {
      closeDir(s, dir);
    }
    const now = new Set(names);
    const present = before.filter((n) => now.has(n));
    for (const gone of before.filter((n) => !now.has(n))) {
      const child = rel ? `${rel}/${gone}` : gone;
      removeTree(s, child);
      changed.add(child);
    }
    const info = infoOf(s, rel);
    for (const c of fresh) {
      present.push(c.path.slice(c.path.lastIndexOf('/') + 1));
      const added: string[] = [];
      drain(addTree(s, c.path, c, info, added));
      for (const a of added) changed.add(a);
    }
    s.kids.set(rel, present);
    return;
  }
  if (old && sameEntry(old, found) && sameStat(old, found)) return;
  refreshAsNew(s, rel, found, changed, !old);
}

function refreshAsNew(s: State, rel: string, found: ContextEntry, changed: Set<string>, isNew: boolean): void {
  if (!isNew) removeTree(s, rel);
  const added: string[] = [];
  drain(addTree(s, rel, found, infoOf(s, parentOf(rel)), added));
  for (const a of added) changed.add(a);
  if (isNew) {
    const parent = parentOf(rel);
    s.kids.set(parent, [...(s.kids.get(parent) ?? []), rel.slice(rel.lastIndexOf('/') + 1)]);
  }
}

/**
 * Re-read only `changedPaths` (absolute, or relative to the context root) and, for folders, their
 * listing (new children are read whole, vanished ones dropped). The old snapshot stays valid.
 * Pass file paths for content edits: an unchanged folder's children are not re-examined.
 */
export function updateSnapshot(snapshot: FsContextSnapshot, changedPaths: Iterable<string>): SnapshotUpdate {
  const old = states.get(snapshot);
  if (!old) throw new Error('updateSnapshot needs a snapshot made by scanContext.');
  const s: State = { ...old, entries: old.entries.fork(), kids: old.kids.fork(), problems: old.problems.fork() };
  const changed = new Set<string>();
  for (const raw of changedPaths) {
    const rel = toRelative(s.root, raw);
    if (rel !== undefined) refresh(s, rel, changed);
  }
  return { snapshot: makeSnapshot(s), changed: [...changed] };
}

/** Why readInside gave no bytes. */
export type ReadRefusal = 'missing' | 'symlink' | 'not-a-file' | 'too-large' | 'unreadable';

/**
 * The bytes of the regular file `rel` (POSIX, relative) inside `root`, at most `maxBytes`, opened without
 * following a symlink in any component: on Linux each folder is opened (O_DIRECTORY|O_NOFOLLOW) through the
 * previous one's /proc/self/fd entry, and the file with O_NOFOLLOW|O_NONBLOCK (a FIFO never blocks); elsewhere
 * every component is lstat'ed before and after the open and the file's fd must be the file lstat'ed. '..' is refused.
 */
export function readInside(root: string, rel: string, maxBytes: number, fs: Partial<FsOps> = {}): { bytes: Buffer } | { refused: ReadRefusal; code?: string } {
  const ops = { ...nodeFs, ...fs } as FsOps;
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) return { refused: 'missing' };
  const refusal = (err: unknown): { refused: ReadRefusal; code: string } => {
    const c = code(err);
    return { refused: c === 'ELOOP' ? 'symlink' : c === 'ENOENT' || c === 'ENOTDIR' ? 'missing' : c === 'ECHANGED' ? 'symlink' : 'unreadable', code: c };
  };
  let fd: number | undefined;
  try {
    if (hasProcFd()) {
      let dir = ops.openSync(resolve(root), ROOT_FLAGS);
      try {
        for (const part of parts.slice(0, -1)) {
          const next = ops.openSync(join(`/proc/${process.pid}/fd/${dir}`, part), DIR_FLAGS);
          ops.closeSync(dir);
          dir = next;
        }
        fd = ops.openSync(join(`/proc/${process.pid}/fd/${dir}`, parts[parts.length - 1]), FILE_FLAGS);
      } finally {
        ops.closeSync(dir);
      }
    } else {
      const base = resolve(root);
      const ids: Identity[] = [];
      const check = (): void => {
        for (let i = 1; i < parts.length; i++) {
          const st = ops.lstatSync(join(base, parts.slice(0, i).join('/')));
          if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: st.isSymbolicLink() ? 'ELOOP' : 'ENOTDIR' });
          if (ids[i] && (ids[i].dev !== st.dev || ids[i].ino !== st.ino)) throw changedError();
          ids[i] = { dev: st.dev, ino: st.ino };
        }
      };
      check();
      const last = ops.lstatSync(join(base, parts.join('/')));
      if (last.isSymbolicLink()) return { refused: 'symlink' };
      fd = ops.openSync(join(base, parts.join('/')), FILE_FLAGS);
      const st = ops.fstatSync(fd);
      if (st.dev !== last.dev || st.ino !== last.ino) throw changedError();
      check();
    }
    const st = ops.fstatSync(fd);
    if (!st.isFile()) return { refused: 'not-a-file' };
    if (st.size > maxBytes) return { refused: 'too-large' };
    const buf = Buffer.allocUnsafe(Math.min(maxBytes, st.size) + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = ops.readSync(fd, buf, n, buf.length - n, null);
    if (n > maxBytes) return { refused: 'too-large' };
    return { bytes: buf.subarray(0, n) };
  } catch (err) {
    return refusal(err);
  } finally {
    if (fd !== undefined) ops.closeSync(fd);
  }
}

/** An ignore file's size past which it is not read (a real one is a few KB). */
export const MAX_IGNORE_BYTES = 4 * 1024 * 1024;
const MAX_LINKS = 255;

/**
 * Where `name` (relative to `scope`) leads when its symlinks are resolved the way BuildKit's context transfer and
 * ReadFile do (fsutil FollowPaths, continuity RootPath): inside `scope` only, an absolute target restarting at
 * `scope`, '..' stopping there. Only lstat and readlink are used; nothing is opened.
 */
function resolveOnDisk(scope: string, name: string, ops: FsOps): { rel: string; linked: boolean } | { loop: true } {
  let current: string[] = [];
  let remaining = name.split('/');
  let links = 0;
  while (remaining.length) {
    const part = remaining.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current.pop();
      continue;
    }
    const next = [...current, part];
    let st: nodeFs.Stats | undefined;
    try {
      st = ops.lstatSync(join(scope, next.join('/')));
    } catch {
      st = undefined;
    }
    if (!st?.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) return { loop: true };
    const target = decodeName(ops.readlinkSync(join(scope, next.join('/')), { encoding: 'buffer' }));
    if (target.startsWith('/')) current = [];
    remaining = [...target.split('/'), ...remaining];
  }
  return { rel: current.join('/'), linked: links > 0 };
}

/**
 * readInside after resolving `rel`'s symlinks inside `root` the way BuildKit does (resolveOnDisk): a link to a
 * file elsewhere in the context is read there; one pointing outside leads back inside `root` or to nothing.
 */
export function readInScope(root: string, rel: string, maxBytes: number, fs: Partial<FsOps> = {}): ReturnType<typeof readInside> {
  const ops = { ...nodeFs, ...fs } as FsOps;
  let r: ReturnType<typeof resolveOnDisk>;
  try {
    r = resolveOnDisk(resolve(root), rel, ops);
  } catch (err) {
    return { refused: 'unreadable', code: code(err) };
  }
  if ('loop' in r) return { refused: 'symlink', code: 'ELOOP' };
  return readInside(root, r.rel, maxBytes, ops);
}

export interface IgnoreFileResult {
  /** The ignore file in effect (path relative to the context, as ignoreFileCandidates gives it) and its text. */
  file?: { path: string; text: string };
  /** Why a candidate was not used although it exists (a symlink out of the context, too large, ...): what to do. */
  problems: string[];
}

/**
 * The ignore file the builder would use (see core/dockerignore ignoreFileCandidates), read without ever reading a
 * file outside the build context (or, for `<Dockerfile>.dockerignore`, outside the Dockerfile's folder, which is what
 * BuildKit's "dockerfile" transfer holds).
 *
 * A candidate that is a symlink: BuildKit (frontend/dockerui: llb.Local with FollowPaths, then ReadFile) resolves it
 * inside that folder, an absolute target counting from the folder and '..' stopping there, and uses what it finds;
 * a missing target means no such file (BuildKit then falls back to `.dockerignore`, or uses no ignore rules). The
 * classic builder's docker CLI opens `.dockerignore` with os.Open, which follows the link anywhere on the host: a
 * target inside the context is read, one outside is not (a problem says so, since the prediction may then be wrong).
 */
export function findIgnoreFile(contextDir: string, dockerfilePath: string, builder: Builder, fs: Partial<FsOps> = {}): IgnoreFileResult {
  const ops = { ...nodeFs, ...fs } as FsOps;
  const problems: string[] = [];
  const ctx = resolve(contextDir);
  for (const candidate of ignoreFileCandidates(dockerfilePath, builder)) {
    const own = candidate !== '.dockerignore';
    const abs = resolve(ctx, candidate);
    const scope = own ? dirname(abs) : ctx;
    const name = own ? abs.slice(scope.length + 1) : '.dockerignore';
    let rel: string;
    let linked: boolean;
    if (builder === 'classic') {
      let real: string;
      let realCtx: string;
      try {
        real = ops.lstatSync(abs).isSymbolicLink() ? nodeFs.realpathSync(abs) : abs;
        realCtx = nodeFs.realpathSync(ctx);
      } catch {
        continue; // missing, or a dangling link: the CLI's os.Open finds nothing and uses no ignore rules
      }
      linked = real !== abs;
      const inside = linked ? relative(realCtx, real) : name;
      if (linked && (inside === '' || inside.startsWith('..') || isAbsolute(inside))) {
        problems.push(
          `${candidate} is a symlink to ${real}, outside the build context. The classic builder's docker CLI reads it there; Layer Lens does not read files outside the context, so it predicts with no ignore rules. Replace the symlink with a regular file.`,
        );
        continue;
      }
      rel = inside.split(sep).join('/');
      if (linked) {
        const read = readIgnoreText(realCtx, rel, candidate, ops, problems);
        if (read !== undefined) return { file: { path: candidate, text: read }, problems };
        continue;
      }
    } else {
      let r: ReturnType<typeof resolveOnDisk>;
      try {
        r = resolveOnDisk(scope, name, ops);
      } catch {
        continue;
      }
      if ('loop' in r) {
        problems.push(`${candidate}: too many levels of symbolic links; BuildKit reads no ignore file from it. Replace the symlink with a regular file.`);
        continue;
      }
      rel = r.rel;
      linked = r.linked;
      if (linked && rel === '') continue;
    }
    const read = readIgnoreText(scope, rel, candidate, ops, problems, linked, builder);
    if (read !== undefined) return { file: { path: candidate, text: read }, problems };
  }
  return { problems };
}

function readIgnoreText(scope: string, rel: string, candidate: string, ops: FsOps, problems: string[], linked = false, builder?: Builder): string | undefined {
  const r = readInside(scope, rel, MAX_IGNORE_BYTES, ops);
  if ('bytes' in r) return r.bytes.toString('utf8');
  if (r.refused === 'too-large')
    problems.push(
      `${candidate} is larger than ${MAX_IGNORE_BYTES / 1048576} MB: too large for an ignore file, so Layer Lens predicts with no ignore rules from it. Check that it is the right file.`,
    );
  else if (r.refused === 'missing' && linked && builder === 'buildkit')
    problems.push(
      `${candidate} is a symlink whose target is not in the build context: BuildKit resolves it inside the context only, finds nothing and uses no ignore rules from it. Replace the symlink with a regular file.`,
    );
  else if (r.refused === 'not-a-file')
    problems.push(
      `${candidate} is not a regular file (a FIFO, socket or device); Layer Lens does not read it and predicts with no ignore rules from it. Replace it with a regular file.`,
    );
  else if (r.refused === 'unreadable') problems.push(`Cannot read ${candidate}: ${r.code ?? 'error'}. Make it readable (chmod a+r).`);
  return undefined;
}

/** The ignore file the builder would use and its text (findIgnoreFile without its problems). */
export function readIgnoreFile(contextDir: string, dockerfilePath: string, builder: Builder): { path: string; text: string } | undefined {
  return findIgnoreFile(contextDir, dockerfilePath, builder).file;
}
