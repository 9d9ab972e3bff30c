// Runs the docker CLI as an argument array (never a shell: file names and build args cannot inject commands), in
// its own process group so cancelling ends docker and anything it started. DOCKER_HOST, DOCKER_CONTEXT and
// DOCKER_CONFIG come from the environment as for any docker command. Failures the user can fix (docker missing,
// daemon down, socket permission, buildx missing) become a DockerProblem with what to do.
import { spawn } from 'node:child_process';
import type { TimedLine } from './progress';

export interface DockerInvocation {
  /** The docker executable; default `docker` from PATH. */
  docker?: string;
  /** Environment of the docker process; default this process's. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  /** Every stdout/stderr line as it arrives (stderr lines of `--progress=rawjson` are passed raw). */
  onLine?: (line: TimedLine, stream: 'stdout' | 'stderr') => void;
  /** Raw stderr chunks, for streaming parsers. */
  onStderr?: (chunk: string) => void;
}

export interface DockerRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Both streams, line by line, with arrival times (ms since start). */
  lines: TimedLine[];
  ms: number;
  canceled: boolean;
}

export type DockerProblemKind = 'missing' | 'daemon' | 'permission' | 'buildx' | 'canceled';

export class DockerProblem extends Error {
  constructor(
    readonly kind: DockerProblemKind,
    message: string,
  ) {
    super(message);
  }
}

export function runDocker(args: string[], inv: DockerInvocation = {}): Promise<DockerRun> {
  const docker = inv.docker ?? 'docker';
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (inv.signal?.aborted) return reject(new DockerProblem('canceled', 'The build was cancelled before it started.'));
    const child = spawn(docker, args, { cwd: inv.cwd, env: inv.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out = { stdout: '', stderr: '' };
    const lines: TimedLine[] = [];
    const partial = { stdout: '', stderr: '' };
    let canceled = false;
    const take = (stream: 'stdout' | 'stderr', chunk: string, flush = false): void => {
      out[stream] += chunk;
      if (stream === 'stderr') inv.onStderr?.(chunk);
      const text = partial[stream] + chunk;
      const parts = text.split('\n');
      partial[stream] = flush ? '' : (parts.pop() ?? '');
      const t = Date.now() - started;
      for (const p of parts) {
        if (flush && p === '') continue;
        const line = { t, text: p.replace(/\r$/, '') };
        lines.push(line);
        inv.onLine?.(line, stream);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => take('stdout', d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => take('stderr', d));
    const abort = (): void => {
      canceled = true;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3000).unref();
    };
    inv.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (err: NodeJS.ErrnoException) => {
      inv.signal?.removeEventListener('abort', abort);
      if (err.code === 'ENOENT')
        reject(
          new DockerProblem(
            'missing',
            `The docker command was not found (${docker}). Install Docker (the docker CLI must be on PATH), or set PATH so "${docker}" is found.`,
          ),
        );
      else if (err.code === 'EACCES') reject(new DockerProblem('permission', `Cannot run ${docker}: permission denied. Check that it is executable by you.`));
      else reject(err);
    });
    child.on('close', (code) => {
      inv.signal?.removeEventListener('abort', abort);
      take('stdout', '', true);
      take('stderr', '', true);
      resolve({ code: code ?? 1, stdout: out.stdout, stderr: out.stderr, lines, ms: Date.now() - started, canceled });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** A problem with docker itself (not with the Dockerfile) in a failed command's output, or undefined. */
export function dockerProblemIn(output: string, env: NodeJS.ProcessEnv = process.env): DockerProblem | undefined {
  const where = env.DOCKER_HOST ? `DOCKER_HOST=${env.DOCKER_HOST}` : env.DOCKER_CONTEXT ? `docker context ${env.DOCKER_CONTEXT}` : 'the current docker context';
  if (/permission denied while trying to connect to the Docker daemon/i.test(output) || /connect: permission denied/i.test(output)) {
    return new DockerProblem(
      'permission',
      `Permission denied on the Docker daemon socket (${where}). Add your user to the "docker" group (then log in again), or use a rootless Docker and its DOCKER_HOST.`,
    );
  }
  if (
    /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|dial unix .*: connect: (no such file|connection refused)/i.test(
      output,
    )
  ) {
    return new DockerProblem(
      'daemon',
      `The Docker daemon is not running or not reachable (${where}). Start Docker (e.g. "sudo systemctl start docker" or Docker Desktop), or point DOCKER_HOST / "docker context use" at a running one.`,
    );
  }
  if (/'buildx' is not a docker command|unknown command "buildx"|unknown flag: --load/i.test(output)) {
    return new DockerProblem(
      'buildx',
      'docker buildx is not installed, so BuildKit builds cannot run. Install the buildx plugin (package docker-buildx or docker-buildx-plugin), or build with the classic builder (layerLens.builder "classic" / --builder classic).',
    );
  }
  return undefined;
}
