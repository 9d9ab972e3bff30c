// `docker buildx bake --print`: the one process discovery may start, and only when the caller passes it (a trusted
// workspace). An argument array (no shell), a timeout, a bounded output; it prints the evaluated targets, it builds
// nothing.
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { BakePrint } from './bake';
import { inside } from './common';

export const BAKE_PRINT_TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * The docker executable: an absolute path as given, or the first `name` in an absolute PATH folder outside the
 * workspace (a relative PATH entry would resolve inside the Bake folder, where the process starts: a workspace could
 * ship its own `docker`).
 */
export function findExecutable(name: string, workspace: string, path = process.env.PATH ?? ''): string | undefined {
  const candidates = isAbsolute(name)
    ? [name]
    : name.includes('/')
      ? []
      : path
          .split(delimiter)
          .filter((d) => isAbsolute(d))
          .map((d) => join(d, name));
  for (const c of candidates) {
    if (inside(workspace, c)) continue;
    try {
      if (!statSync(c).isFile()) continue;
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function bakePrintWith(docker = 'docker', timeoutMs = BAKE_PRINT_TIMEOUT_MS, workspace?: string): BakePrint {
  return (folderAbs, files, targets) =>
    new Promise((done) => {
      const exe = findExecutable(docker, workspace ?? folderAbs);
      if (!exe) return done({ error: 'docker is not installed (not on PATH)' });
      const args = ['buildx', 'bake', '--print', ...files.flatMap((f) => ['--file', f]), '--', ...targets];
      execFile(exe, args, { cwd: folderAbs, timeout: timeoutMs, maxBuffer: MAX_OUTPUT, encoding: 'utf8', windowsHide: true }, (err, stdout, stderr) => {
        if (!err) return done({ json: stdout });
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT') return done({ error: 'docker is not installed (not on PATH)' });
        if (e.killed) return done({ error: `it did not answer within ${timeoutMs / 1000} s` });
        const first = (stderr || e.message).split('\n').find((l) => l.trim()) ?? 'failed';
        done({ error: /is not a docker command|unknown command "buildx"/i.test(stderr) ? 'docker buildx is not installed' : first.trim().slice(0, 300) });
      });
    });
}
