// Reads and writes the cache store file. Nothing recorded is lost and nothing is written where it must not be:
// - every write is an update under a lock (a `.lock` file beside the store, created exclusively): the store is
//   read again inside the lock and this process's record is added to what is there now, so processes recording
//   at the same time (CLIs, editor windows, both) all keep their builds. A lock whose process is gone is broken at
//   once; one whose process cannot be asked or lives on far longer than any write, after a while (LOCK_TIMING);
// - the new store replaces the old atomically (safeWrite.ts: temporary file in the same folder, then rename);
//   a symlinked store is written through the link (its target is replaced, the link kept);
// - only a file that is recognisably a Layer Lens store but damaged is replaced (a copy kept aside); a file that
//   is not ours, or from a newer version, is never touched; a folder, FIFO or device at the path is never opened
//   for writing, and is read without blocking (O_NONBLOCK, then fstat).
import {
  closeSync,
  constants,
  copyFileSync,
  fstatSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  type Stats,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { emptyStore, looksLikeStore, mergeStore, readStore, type StoreData } from './core/plan/store';
import { msg, MessageError, type Message } from './core/shared/message';
import { cleanStaleTemps, errnoOf, fsProblem, processAlive, removeQuietly, replaceAtomically, resolveLink, tempPathFor, writeNew } from './safeWrite';

/** The store cannot be written: `text` says why and what to do (`message` is its English text). */
export class StoreError extends MessageError {}

/**
 * The machine's store, shared by the editor and the CLI, one per Docker endpoint (Docker's cache belongs to the
 * daemon that built, not to a workspace): `cache-store.json` for the default one, `cache-store.<name>-<hash>.json`
 * for another DOCKER_HOST or docker context. Outside any build context, so recording never changes what
 * `COPY . .` copies. LAYERLENS_STORE names the file instead (tests, or a store kept elsewhere).
 */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAYERLENS_STORE) return env.LAYERLENS_STORE;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const endpoint = dockerEndpoint(env);
  if (endpoint === 'default') return join(base, 'layer-lens', 'cache-store.json');
  const slug = endpoint
    .replace(/^[a-z]+:\/\//, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 40);
  const hash = createHash('sha256').update(endpoint).digest('hex').slice(0, 8);
  return join(base, 'layer-lens', `cache-store.${slug}-${hash}.json`);
}

/**
 * Which Docker daemon a `docker` command run with this environment talks to, as Docker chooses it: DOCKER_HOST,
 * then DOCKER_CONTEXT, then the current context of the docker CLI's config.json; 'default' when none is set.
 */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DOCKER_HOST) return env.DOCKER_HOST;
  if (env.DOCKER_CONTEXT && env.DOCKER_CONTEXT !== 'default') return `context:${env.DOCKER_CONTEXT}`;
  const config = join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
  try {
    if (statSync(config).size > 1024 * 1024) return 'default';
    const value = JSON.parse(readFileSync(config, 'utf8')) as { currentContext?: unknown };
    if (typeof value.currentContext === 'string' && value.currentContext && value.currentContext !== 'default') return `context:${value.currentContext}`;
  } catch {
    // no config, or one that is not JSON: the docker CLI then uses the default context too
  }
  return 'default';
}

/**
 * Moves the builds of an older store (the editor's per-workspace file) into `into`, once: under `into`'s lock, what
 * `into` lacks is added, then the old file is renamed `<name>.moved`. Returns how many builds were moved, or
 * undefined when there was nothing to move. Throws StoreError when `into` cannot be written (the old file stays).
 */
export function moveStoreInto(from: string, into: string): number | undefined {
  const old = loadStore(from);
  if (old.version === undefined || old.warning) return undefined;
  const count = Object.keys(old.store.builds).length;
  updateStore(into, (current) => mergeStore(current, old.store));
  try {
    renameSync(from, `${from}.moved`);
  } catch {
    // moved by another window meanwhile: the merge adds nothing twice
  }
  return count;
}

/** The folder of the CLI's per-context digest caches (beside the default store, outside any context). */
export function digestCacheFolder(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'layer-lens', 'digests');
}

/**
 * Where the CLI keeps the file digests of one build context between runs: a file per context folder, so a run loads
 * only the digests of the context it reads (one shared file grew with every temporary context ever planned, and every
 * run paid for loading all of it). LAYERLENS_DIGEST_CACHE names one file for every context instead.
 */
export function defaultDigestCachePath(contextDir: string): string {
  if (process.env.LAYERLENS_DIGEST_CACHE) return process.env.LAYERLENS_DIGEST_CACHE;
  return join(digestCacheFolder(), `${createHash('sha256').update(contextDir).digest('hex').slice(0, 24)}.json`);
}

/** A file larger than this is not a store Layer Lens wrote (JavaScript cannot even hold it as one string). */
export const MAX_STORE_BYTES = 512 * 1024 * 1024;
/** Above this size the first bytes must look like a store before the whole file is read. */
const SNIFF_ABOVE = 1024 * 1024;

/**
 * How long a writer waits for the lock, and when a lock is taken as abandoned: at once when its process is gone
 * (same machine), after liveMs when that process lives (its pid may have been reused), after staleMs when it cannot
 * be asked (another machine sharing the folder, or a lock written half). A write holds it for milliseconds to
 * seconds (a store of tens of MB on a busy machine).
 */
export const LOCK_TIMING = { waitMs: 30_000, staleMs: 60_000, liveMs: 5 * 60_000 };

export interface LoadedStore {
  store: StoreData;
  /** Set when the file existed but could not be used; the store is then empty. */
  warning?: Message;
  /** Why the file must not be overwritten (foreign, newer, a folder, unreadable), if so. */
  readOnly?: Message;
  /** A Layer Lens store, damaged: it may be replaced (a copy is kept aside). */
  corrupt?: boolean;
  /** Which version of the file was read (see fileVersion); absent when there was none. */
  version?: string;
}

/** One version of a file: every store write replaces the file (rename), so its inode changes; an edit in place changes its size or time. */
function fileVersion(st: Stats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
}

export function folderMessage(file: string): Message {
  return msg('storeIsFolder', file);
}

type Found = { kind: 'missing' } | { kind: 'text'; text: string; version: string } | { kind: 'unusable'; message: Message };

/** The store file's text, without ever blocking (a FIFO) or reading what cannot be a store (a folder, a device). */
function readStoreText(file: string): Found {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = errnoOf(e);
    // Nothing there (a dangling symlink included: a write creates its target).
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'EISDIR') return { kind: 'unusable', message: folderMessage(file) };
    return { kind: 'unusable', message: msg('storeCannotRead', file, fsProblem(e)) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { kind: 'unusable', message: folderMessage(file) };
    if (!st.isFile())
      return {
        kind: 'unusable',
        message: msg(specialKind(st), file),
      };
    if (st.size > MAX_STORE_BYTES)
      return {
        kind: 'unusable',
        message: msg('storeTooLarge', file, (st.size / 2 ** 20).toFixed(0)),
      };
    if (st.size > SNIFF_ABOVE) {
      const head = Buffer.alloc(256);
      const n = readSync(fd, head, 0, head.length, 0);
      if (!looksLikeStore(head.subarray(0, n).toString('utf8'))) return { kind: 'unusable', message: msg('storeForeignFile', file) };
    }
    return { kind: 'text', text: readFileSync(fd, 'utf8'), version: fileVersion(st) };
  } catch (e) {
    return { kind: 'unusable', message: msg('storeCannotRead', file, fsProblem(e)) };
  } finally {
    closeSync(fd);
  }
}

function specialKind(st: Stats): 'storeIsFifo' | 'storeIsSocket' | 'storeIsDevice' | 'storeIsSpecial' {
  if (st.isFIFO()) return 'storeIsFifo';
  if (st.isSocket()) return 'storeIsSocket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'storeIsDevice';
  return 'storeIsSpecial';
}

/** Reads the store. Never throws: what cannot be used is described, and marked read-only unless it is ours. */
export function loadStore(file: string): LoadedStore {
  const found = readStoreText(file);
  if (found.kind === 'missing') return { store: emptyStore() };
  if (found.kind === 'unusable') return { store: emptyStore(), warning: msg('storeStartsEmpty', found.message), readOnly: found.message };
  const read = readStore(found.text);
  if (read.ok) return { store: read.store, version: found.version };
  const warning = msg('storeUnusable', file, read.message);
  if (read.kind === 'corrupt') return { store: emptyStore(), warning, corrupt: true };
  return {
    store: emptyStore(),
    warning,
    readOnly: msg('storeNotWritable', file, read.message),
  };
}

export interface StoreWrite {
  /** The store as written: what was on disk, with this change. */
  store: StoreData;
  /** Things the user should know (a damaged store kept aside). */
  notes: Message[];
}

/**
 * Adds a change to the store on disk: under the lock, the store is read again, `change` applied to what is there
 * now, and the result written atomically. `known`: the store as this process read it before, used as it is when
 * the file is still that version (a big store is then parsed once). Throws StoreError with a message that says
 * what to do.
 */
export function updateStore(
  file: string,
  change: (current: StoreData) => StoreData,
  options: { known?: LoadedStore; timing?: typeof LOCK_TIMING } = {},
): StoreWrite {
  const timing = options.timing ?? LOCK_TIMING;
  let target: string;
  try {
    target = resolveLink(file);
    mkdirSync(dirname(target), { recursive: true });
  } catch (e) {
    throw new StoreError(cannotWrite(file, e));
  }
  const lockPath = `${target}.lock`;
  let release: () => void;
  try {
    release = acquireLock(file, lockPath, timing);
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError(cannotWrite(file, e));
  }
  try {
    cleanStaleTemps(dirname(lockPath), basename(lockPath));
    let like: Stats | undefined;
    try {
      like = statSync(target);
    } catch {
      like = undefined;
    }
    const known = options.known;
    const loaded = known?.version !== undefined && like?.isFile() && known.version === fileVersion(like) ? known : loadStore(target);
    if (loaded.readOnly) throw new StoreError(loaded.readOnly);
    // The mode bits, not access(): root may write anything, and a read-only store says "keep me as I am".
    if (like && (like.mode & 0o222) === 0) throw new StoreError(msg('storeReadOnly', file));
    const next = change(loaded.store);
    const text = JSON.stringify(next);
    const notes: Message[] = [];
    if (loaded.corrupt && like) {
      const aside = `${target}.corrupt-${Date.now()}`;
      copyFileSync(target, aside, constants.COPYFILE_EXCL);
      notes.push(msg('storeKeptAside', aside));
    }
    replaceAtomically(target, text, like);
    return { store: next, notes };
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError(cannotWrite(file, e));
  } finally {
    release();
  }
}

function cannotWrite(file: string, e: unknown): Message {
  return msg('storeCannotWrite', file, fsProblem(e));
}

interface LockHolder {
  pid: number;
  host: string;
  time: number;
  token: string;
}

/** Takes the lock (waiting up to timing.waitMs) and returns its release; throws StoreError when it stays taken. */
function acquireLock(file: string, lockPath: string, timing: typeof LOCK_TIMING): () => void {
  const me: LockHolder = { pid: process.pid, host: hostname(), time: Date.now(), token: randomBytes(8).toString('hex') };
  const text = JSON.stringify(me);
  const deadline = Date.now() + timing.waitMs;
  let pause = 2;
  for (;;) {
    try {
      // O_EXCL: fails when anything is at the path, a symlink included, so the lock is never written through a link.
      writeNew(lockPath, text);
      return () => {
        if (readLock(lockPath) === text) removeQuietly(lockPath);
      };
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw e;
    }
    const seen = readLock(lockPath);
    if (seen === null) continue; // released meanwhile
    if (seen !== undefined && isStale(seen, lockPath, timing)) {
      breakLock(lockPath, seen);
      continue;
    }
    if (Date.now() >= deadline) {
      const holder = seen === undefined ? undefined : parseLock(seen);
      throw new StoreError(holder ? msg('storeLockedBy', file, holder.pid, lockPath) : msg('storeLocked', file, lockPath));
    }
    sleep(pause + Math.random() * pause);
    pause = Math.min(pause * 2, 50);
  }
}

/** The lock file's text; null when there is none; undefined when something there cannot be read as one. */
function readLock(lockPath: string): string | null | undefined {
  try {
    if (!lstatSync(lockPath).isFile()) return undefined;
    return readFileSync(lockPath, 'utf8');
  } catch (e) {
    return errnoOf(e) === 'ENOENT' ? null : undefined;
  }
}

function parseLock(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.time === 'number' && typeof v.token === 'string') return v as LockHolder;
  } catch {
    // written half, by a process killed between creating and writing it
  }
  return undefined;
}

function isStale(text: string, lockPath: string, timing: typeof LOCK_TIMING): boolean {
  const holder = parseLock(text);
  if (!holder) {
    try {
      return Date.now() - lstatSync(lockPath).mtimeMs > timing.staleMs;
    } catch {
      return false;
    }
  }
  const age = Date.now() - holder.time;
  // On this machine a holder that is gone is known at once; our own pid means a leftover (a lock is taken and
  // released within one synchronous call, so this process holds none while it asks).
  if (holder.host === hostname()) return holder.pid === process.pid || !processAlive(holder.pid) || age > timing.liveMs;
  return age > timing.staleMs;
}

/**
 * Removes a stale lock without removing a fresh one: the lock is renamed aside (atomic), and if what was taken is
 * not the stale lock seen (another process broke it and locked meanwhile), it is put back (link fails rather than
 * replace a newer one).
 */
function breakLock(lockPath: string, seen: string): void {
  const aside = tempPathFor(lockPath);
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // released or broken by another process
  }
  if (readLock(aside) !== seen) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // a newer lock is there: it stands
    }
  }
  removeQuietly(aside);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
