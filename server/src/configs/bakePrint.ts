// `docker buildx bake --print`: the one process discovery may start, and only when the caller passes it (a trusted
// workspace). An argument array (no shell), a timeout, a bounded output; it prints the evaluated targets, it builds
// nothing.
import { execFile } from 'node:child_process';
import type { BakePrint } from './bake';

export const BAKE_PRINT_TIMEOUT_MS = 10_000;
const MAX_OUTPUT = 4 * 1024 * 1024;

export function bakePrintWith(docker = 'docker', timeoutMs = BAKE_PRINT_TIMEOUT_MS): BakePrint {
  return (folderAbs, files, targets) =>
    new Promise((done) => {
      const args = ['buildx', 'bake', '--print', ...files.flatMap((f) => ['--file', f]), '--', ...targets];
      execFile(docker, args, { cwd: folderAbs, timeout: timeoutMs, maxBuffer: MAX_OUTPUT, encoding: 'utf8', windowsHide: true }, (err, stdout, stderr) => {
        if (!err) return done({ json: stdout });
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT') return done({ error: 'docker is not installed (not on PATH)' });
        if (e.killed) return done({ error: `it did not answer within ${timeoutMs / 1000} s` });
        const first = (stderr || e.message).split('\n').find((l) => l.trim()) ?? 'failed';
        done({ error: /is not a docker command|unknown command "buildx"/i.test(stderr) ? 'docker buildx is not installed' : first.trim().slice(0, 300) });
      });
    });
}
