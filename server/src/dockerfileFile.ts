// Reads the Dockerfile a user named (CLI argument, or the file behind an editor document). It is opened once,
// non-blocking, and checked on the open descriptor: a FIFO, socket or device put at that name cannot block the
// read, and a file swapped for one after a check is still refused. A symlink the user named is followed (as docker
// build -f does). The size limit is checked on the descriptor too, and the read never goes past it.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { fileSizeMessage, LimitError, MAX_DOCKERFILE_BYTES } from './core/dockerfile/limits';

/** Input that cannot be read; the message says what to do. */
export class InputError extends Error {}

function kind(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function kindAt(path: string): string {
  try {
    return kind(statSync(path));
  } catch {
    return 'not a regular file';
  }
}

export function readDockerfileBytes(path: string, limit = MAX_DOCKERFILE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`Cannot find a Dockerfile at ${path}. Pass its path: layerlens plan path/to/Dockerfile.`);
    if (code === 'EISDIR') throw new InputError(`${path} is a folder. Pass the Dockerfile inside it, e.g. ${path}${sep}Dockerfile.`);
    // Opening a unix socket fails with ENXIO: say what it is.
    if (code === 'ENXIO') throw new InputError(`${path} is ${kindAt(path)}, not a Dockerfile. Pass the Dockerfile itself.`);
    if (code === 'ELOOP') throw new InputError(`${path} is a symlink loop. Pass the Dockerfile itself.`);
    throw new InputError(`Cannot read ${path}: ${code ?? (e as Error).message}. Check its permissions.`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(`${path} is a folder. Pass the Dockerfile inside it, e.g. ${path}${sep}Dockerfile.`);
    if (!st.isFile()) throw new InputError(`${path} is ${kind(st)}, not a Dockerfile. Pass the Dockerfile itself.`);
    if (st.size > limit) throw new LimitError(fileSizeMessage(path, st.size));
    // Read up to one byte past the limit: a file that grew since fstat is still caught.
    const buf = Buffer.allocUnsafe(Math.min(st.size, limit) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > limit) throw new LimitError(fileSizeMessage(path, n));
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof InputError || e instanceof LimitError) throw e;
    throw new InputError(`Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Check its permissions.`);
  } finally {
    closeSync(fd);
  }
}
