// Writing files that belong to the user without losing or misplacing anything (the cache store, `layerlens fix`):
// - a symlink is kept: the file it points to is the one replaced (resolveLink);
// - a file is replaced atomically through a temporary file in the target's own folder, the only place sure to be
//   on the same file system (rename is atomic only within one). The temporary file lives for one write, is removed
//   on any failure, and one left by a killed process (kill -9, power loss) is removed by the next write there once
//   its process is gone (cleanStaleTemps);
// - a file-system error becomes a phrase a person can act on (fsProblem), never a stack trace.
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readdirSync, readlinkSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { msg, verbatim, type Message } from './core/shared/message';

/** A file-system failure described for a person; `code` is the errno code (EACCES, ...), if any. */
export class WriteProblem extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The errno codes fsProblem says in words (their English phrases are the fs* templates of core/shared/messages.ts). */
const FS_CODES = {
  EACCES: 'fsEACCES',
  EPERM: 'fsEPERM',
  EROFS: 'fsEROFS',
  ENOSPC: 'fsENOSPC',
  EDQUOT: 'fsEDQUOT',
  ENOTDIR: 'fsENOTDIR',
  EEXIST: 'fsEEXIST',
  EISDIR: 'fsEISDIR',
  ELOOP: 'fsELOOP',
  ENAMETOOLONG: 'fsENAMETOOLONG',
  ENOENT: 'fsENOENT',
  EIO: 'fsEIO',
  EBUSY: 'fsEBUSY',
  EMFILE: 'fsEMFILE',
  ENFILE: 'fsEMFILE',
  EXDEV: 'fsEXDEV',
} as const;

/** "permission denied (EACCES)": what went wrong, in words, with the code to search for (a value: core/shared/message.ts). */
export function fsProblem(e: unknown): Message {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code && Object.hasOwn(FS_CODES, code)) return msg(FS_CODES[code as keyof typeof FS_CODES], code);
  if (code) return verbatim(code);
  return verbatim(e instanceof Error ? e.message : String(e));
}

export function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** The path a write to `path` must replace: symlinks followed (even a dangling one: its target is created). */
export function resolveLink(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(current).isSymbolicLink();
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return current;
      throw e;
    }
    if (!isLink) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  throw Object.assign(new Error(`symlink loop at ${path}`), { code: 'ELOOP' });
}

/** True unless the process is known to be gone (signal 0 only asks; EPERM means it exists, owned by another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}

const TEMP = /^\.(.+)\.layerlens-(\d+)(?:-[0-9a-f]+)?\.tmp$/;

/** `.NAME.layerlens-PID-RANDOM.tmp` beside the target: hidden, and naming the process that writes it. */
export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.layerlens-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** Removes temporary files of `name` in `dir` that a killed process left; returns how many. Never throws. */
export function cleanStaleTemps(dir: string, name: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const entry of names) {
    const m = TEMP.exec(entry);
    if (!m || m[1] !== name) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      if (!lstatSync(join(dir, entry)).isFile()) continue;
      unlinkSync(join(dir, entry));
      removed++;
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Mode and owner to give a replacement, taken from the file it replaces. */
export interface Like {
  mode: number;
  uid: number;
  gid: number;
}

/**
 * Creates `path` (which must not exist: never through a symlink) with `data`, flushed to disk; the file is removed
 * if writing fails. `like` keeps the mode exactly (not masked by umask) and, for root, the owner.
 */
export function writeNew(path: string, data: string | Uint8Array, like?: Like): void {
  const fd = openSync(path, 'wx', like ? like.mode & 0o7777 : 0o666);
  let ok = false;
  try {
    if (like) {
      fchmodSync(fd, like.mode & 0o7777);
      if (process.getuid?.() === 0) fchownSync(fd, like.uid, like.gid);
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
    ok = true;
  } finally {
    closeSync(fd);
    if (!ok) removeQuietly(path);
  }
}

/**
 * Replaces `target` (a resolved path, see resolveLink) with `data` atomically: a temporary file in the same
 * folder, flushed, then renamed over it. `beforeRename` may veto (return false): nothing is changed then.
 * Returns false when vetoed. Throws the file-system error otherwise; the temporary file never stays.
 */
export function replaceAtomically(target: string, data: string | Uint8Array, like: Like | undefined, beforeRename?: () => boolean): boolean {
  cleanStaleTemps(dirname(target), basename(target));
  const tmp = tempPathFor(target);
  writeNew(tmp, data, like);
  try {
    if (beforeRename && !beforeRename()) return false;
    renameSync(tmp, target);
    return true;
  } finally {
    removeQuietly(tmp);
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
