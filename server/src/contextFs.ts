// Reads a build context folder into a ContextSnapshot (core/types.ts) for the pure core.
// The walk uses lstat only (symlinks are recorded, never followed, so loops cannot hang it) and
// never throws for a bad file: unreadable entries carry `error` and a problem saying what to do.
// File digests are lazy (a small file in one read, larger ones in 1 MiB chunks), and kept in a DigestCache keyed by
// (dev, ino, size, mtime, ctime, mode), which can outlive a snapshot and be saved to disk.
import * as nodeFs from 'node:fs';
import * as nodeCrypto from 'node:crypto';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { compileIgnore, ignoreFileCandidates, type IgnoreRules, type MatchInfo } from './core/dockerignore';
import { DigestCache, LayeredMap } from './core/contextStore';
import type { Builder, ContextEntry, ContextProblem, ContextSnapshot } from './core/types';

export { DigestCache } from './core/contextStore';

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

/** A cache saved by saveDigestCache; a missing, corrupt or foreign file gives an empty cache. */
export function loadDigestCache(file: string, maxEntries?: number): DigestCache {
  const cache = new DigestCache(maxEntries);
  try {
    if (nodeFs.statSync(file).size > MAX_CACHE_FILE) return cache;
    const data = JSON.parse(nodeFs.readFileSync(file, 'utf8')) as { version?: unknown; entries?: unknown };
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

/** Write the cache atomically (temp file + rename). Returns false instead of throwing on failure. */
export function saveDigestCache(file: string, cache: DigestCache): boolean {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    nodeFs.mkdirSync(dirname(file), { recursive: true });
    nodeFs.writeFileSync(tmp, JSON.stringify({ version: CACHE_VERSION, entries: [...cache.entries()] }));
    nodeFs.renameSync(tmp, file);
    return true;
  } catch {
    try {
      nodeFs.rmSync(tmp, { force: true });
    } catch {
      // nothing left to clean
    }
    return false;
  }
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
  fs: FsOps;
  cache: DigestCache;
  ignore: IgnoreRules | undefined;
  entries: Writable<ContextEntry>;
  /** Child names of each walked folder (absent: not walked, e.g. pruned). */
  kids: Writable<readonly string[]>;
  problems: Writable<string>;
}

interface State extends Walk {
  entries: LayeredMap<ContextEntry>;
  kids: LayeredMap<readonly string[]>;
  problems: LayeredMap<string>;
}

const CHUNK = 1024 * 1024;

/** sha256 of a buffer in one call: crypto.hash (Node 20.12+, no Hash object per file) where the runtime has it. */
const sha256Hex: (data: Buffer) => string =
  typeof nodeCrypto.hash === 'function' ? (data) => nodeCrypto.hash('sha256', data, 'hex') : (data) => nodeCrypto.createHash('sha256').update(data).digest('hex');
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

/** Whether two entries of one path come from the same lstat result (for files: the same digest-cache key). */
function sameStat(a: ContextEntry, b: ContextEntry): boolean {
  if (a.type !== 'file' || b.type !== 'file') return true;
  const x = a as FileEntry;
  const y = b as FileEntry;
  return x.dev === y.dev && x.ino === y.ino && x.mtimeMs === y.mtimeMs && x.ctimeMs === y.ctimeMs;
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

function advice(c: string, what: 'file' | 'folder'): string {
  if (c === 'EACCES' || c === 'EPERM') return `Make it readable (chmod a+r${what === 'folder' ? 'x' : ''}) or add it to .dockerignore: docker build fails on it too.`;
  if (c === 'ENOENT') return 'It disappeared after the context was read; read the context again.';
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

function abs(s: Walk, rel: string): string {
  return rel ? `${s.root}/${rel}` : s.root;
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
    // O_NONBLOCK: a file swapped for a FIFO since the scan must not block us; O_NOFOLLOW: nor a symlink.
    fd = s.fs.openSync(abs(s, path), nodeFs.constants.O_RDONLY | nodeFs.constants.O_NOFOLLOW | nodeFs.constants.O_NONBLOCK);
    // A small file (by the scan) needs no Stats object: its digest goes under the scan's key (if the file
    // changed since, its ctime did too, so that key never comes back). Nor a buffer of its own, nor the
    // fstat readFileSync makes for its size: it is read into the shared chunk.
    const small = e.size < CHUNK;
    const st = small ? undefined : s.fs.fstatSync(fd);
    if (st && !st.isFile()) throw Object.assign(new Error('not a regular file any more'), { code: 'EINVAL' });
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
    throw new Error(`Cannot read ${path}: ${code(err)}. ${advice(code(err), 'file')}`);
  } finally {
    if (fd !== undefined) s.fs.closeSync(fd);
  }
}

/** lstat one path into an entry (undefined when it vanished); records problems. */
function readEntry(s: Walk, rel: string): ContextEntry | undefined {
  let st: nodeFs.Stats;
  try {
    st = s.fs.lstatSync(abs(s, rel));
  } catch (err) {
    if (code(err) !== 'ENOENT' && code(err) !== 'ENOTDIR') s.problems.set(rel, `Cannot inspect: ${code(err)}. ${advice(code(err), 'file')}`);
    return undefined;
  }
  const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  const entry: ContextEntry =
    type === 'file'
      ? (({ path: rel, type, mode: st.mode & 0o7777, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino, ctimeMs: st.ctimeMs }) satisfies FileEntry as ContextEntry)
      : { path: rel, type, mode: st.mode & 0o7777, size: type === 'dir' ? 0 : st.size };
  s.problems.delete(rel);
  if (type === 'symlink') {
    try {
      entry.linkTarget = s.fs.readlinkSync(abs(s, rel), 'utf8');
    } catch (err) {
      entry.error = `Cannot read the symlink: ${code(err)}. ${advice(code(err), 'file')}`;
    }
  } else if (type === 'file' && !readable(st)) {
    entry.error = `Cannot read: EACCES. ${advice('EACCES', 'file')}`;
  }
  if (entry.error) s.problems.set(rel, entry.error);
  return entry;
}

/** Add `rel` (already lstat'ed) and, for a folder, everything below it. Returns paths added. */
function addTree(s: Walk, rel: string, first: ContextEntry, parentInfo: MatchInfo, added: string[]): void {
  const stack: Array<{ rel: string; found: ContextEntry; info: MatchInfo }> = [{ rel, found: first, info: parentInfo }];
  while (stack.length) {
    const { rel: p, found, info } = stack.pop()!;
    s.entries.set(p, found);
    added.push(p);
    if (found.type !== 'dir') continue;
    let childInfo = info;
    if (p !== '' && s.ignore?.matcher.patterns.length) {
      const r = s.ignore.matcher.matchesUsingParentResults(p, info);
      childInfo = r.info;
      if (r.matched && s.ignore.matcher.canSkipExcludedDir(p)) continue;
    }
    let names: string[];
    try {
      names = s.fs.readdirSync(abs(s, p), { encoding: 'utf8' });
    } catch (err) {
      found.error = `Cannot list the folder: ${code(err)}. ${advice(code(err), 'folder')}`;
      s.problems.set(p, found.error);
      s.kids.set(p, []);
      continue;
    }
    const present: string[] = [];
    for (const name of names) {
      const child = p ? `${p}/${name}` : name;
      const c = readEntry(s, child);
      if (!c) continue;
      present.push(name);
      stack.push({ rel: child, found: c, info: childInfo });
    }
    s.kids.set(p, present);
  }
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

/** Walk `root` with lstat. Never throws for bad entries; a missing root gives an empty snapshot and a problem. */
export function scanContext(root: string, options: ScanOptions = {}): FsContextSnapshot {
  // Plain Maps while walking (a LayeredMap's overlay check per call adds up over 100k entries).
  const s: Walk & { entries: Map<string, ContextEntry>; kids: Map<string, readonly string[]>; problems: Map<string, string> } = {
    root: resolve(root),
    fs: { ...nodeFs, ...options.fs } as FsOps,
    cache: options.digestCache ?? new DigestCache(),
    ignore: options.pruneWith === undefined ? undefined : compileIgnore(options.pruneWith),
    entries: new Map(),
    kids: new Map(),
    problems: new Map(),
  };
  const sealed = (): State => ({ ...s, entries: new LayeredMap(s.entries), kids: new LayeredMap(s.kids), problems: new LayeredMap(s.problems) });
  let rootOk = false;
  try {
    rootOk = nodeFs.statSync(s.root).isDirectory();
  } catch {
    rootOk = false;
  }
  if (!rootOk) {
    s.problems.set('', `The build context ${s.root} is not a readable folder. Pass the folder docker build would get.`);
    return makeSnapshot(sealed());
  }
  const added: string[] = [];
  addTree(s, '', { path: '', type: 'dir', mode: 0o755, size: 0 }, undefined, added);
  s.entries.delete(''); // the root is not an entry (types.ts)
  return makeSnapshot(sealed());
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
  p = p.split(sep).join('/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (p === '.' ) p = '';
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
  const found: ContextEntry | undefined = rel === '' ? { path: '', type: 'dir', mode: 0o755, size: 0 } : readEntry(s, rel);
  const old = rel === '' ? found : s.entries.get(rel);
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (!found) {
    if (!old) return;
    removeTree(s, rel);
    s.kids.set(parent, (s.kids.get(parent) ?? []).filter((n) => n !== name));
    changed.add(rel);
    // A watcher may report only the files of a deleted folder: check the folder too.
    if (parent !== '' && !readEntry(s, parent)) refresh(s, parent, changed);
    return;
  }
  if (old?.type === 'dir' && found.type === 'dir') {
    if (rel !== '' && !sameEntry(old, found)) {
      s.entries.set(rel, found);
      changed.add(rel);
    }
    const before = s.kids.get(rel);
    if (!before) return; // pruned
    let names: string[];
    try {
      names = s.fs.readdirSync(abs(s, rel), { encoding: 'utf8' });
    } catch (err) {
      if (rel === '') {
        s.problems.set('', `Cannot list the build context: ${code(err)}. ${advice(code(err), 'folder')}`);
        return;
      }
      return refreshAsNew(s, rel, found, changed, false);
    }
    const now = new Set(names);
    const present = before.filter((n) => now.has(n));
    for (const gone of before.filter((n) => !now.has(n))) {
      const child = rel ? `${rel}/${gone}` : gone;
      removeTree(s, child);
      changed.add(child);
    }
    const info = infoOf(s, rel);
    for (const n of names.filter((x) => !before.includes(x))) {
      const child = rel ? `${rel}/${n}` : n;
      const c = readEntry(s, child);
      if (!c) continue;
      present.push(n);
      const added: string[] = [];
      addTree(s, child, c, info, added);
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
  addTree(s, rel, found, infoOf(s, parentOf(rel)), added);
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

/** The ignore file the builder would use (see core/dockerignore ignoreFileCandidates) and its text. */
export function readIgnoreFile(contextDir: string, dockerfilePath: string, builder: Builder): { path: string; text: string } | undefined {
  for (const candidate of ignoreFileCandidates(dockerfilePath, builder)) {
    const abs = resolve(contextDir, candidate);
    try {
      if (nodeFs.statSync(abs).isFile()) return { path: candidate, text: nodeFs.readFileSync(abs, 'utf8') };
    } catch {
      // BuildKit falls back to the next candidate when one cannot be read.
    }
  }
  return undefined;
}
