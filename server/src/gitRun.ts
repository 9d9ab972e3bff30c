// Every git process Layer Lens starts is started here, hardened against the repository it reads. A repository's
// own `.git/config` is written by whoever made the repository (a cloned project can ship one in an archive, a
// shared folder, a devcontainer volume), so nothing in it may run a command: settings given with `-c` override
// it, and the environment turns off what the command line cannot. The system and global configuration are the
// user's and are left alone; so is `safe.directory` (git's refusal of repositories owned by someone else stands).
//
// What git 2.39 could run from repository config during `rev-parse`, `ls-tree`, `cat-file --batch`, `rev-list`
// and `config --get`: a partial clone's lazy fetch of a missing object (it starts `git fetch`, which runs
// core.sshCommand, core.gitProxy, remote.<name>.uploadpack, remote helpers, credential helpers, askpass, and
// after fetching, hooks and `gc --auto`). `protocol.allow=never` makes every transport fail before it connects,
// and GIT_NO_LAZY_FETCH (git 2.44 and later) stops the fetch from starting at all. The rest (fsmonitor, hooks,
// pagers, external diff) are not used by these commands; they are turned off all the same, so that a future
// command added here does not inherit them. Filters and textconv only run for `cat-file --filters/--textconv`,
// which are not used.
import { spawn } from 'node:child_process';
import { msg, MessageError, verbatim, type Message } from './core/shared/message';

/** A git command that takes longer is killed and reported (a hostile or huge repository must not hang the server). */
export const GIT_TIMEOUT_MS = 30_000;
/** The most one git answer may print (a batch of blobs); more is reported, not read. */
export const GIT_MAX_BUFFER = 1 << 30;

/** Given before the command: they override the repository's config (command-line settings win over the files). */
export const GIT_HARDENING: readonly string[] = [
  '--no-pager',
  '-c',
  'protocol.allow=never',
  '-c',
  'core.sshCommand=false',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.pager=cat',
  '-c',
  'core.askPass=',
  '-c',
  'credential.helper=',
  '-c',
  'diff.external=',
  '-c',
  'gc.auto=0',
  '-c',
  'maintenance.auto=false',
];

/** The user's environment without what makes git start other programs, plus what keeps it quiet and local. */
export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (!/^(GIT_EXTERNAL_DIFF|GIT_PAGER|PAGER|GIT_ASKPASS|SSH_ASKPASS|GIT_SSH|GIT_SSH_COMMAND|GIT_PROXY_COMMAND|GIT_EDITOR)$/i.test(name)) env[name] = value;
  }
  return {
    ...env,
    GIT_NO_LAZY_FETCH: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_SSH_COMMAND: 'false',
    GIT_PAGER: 'cat',
    GIT_PROTOCOL_FROM_USER: '0',
    LC_ALL: 'C',
  };
}

/** git failed: `text` says why for the baseline detail (no stack, no command line); `reason` is its English text. */
export class GitError extends MessageError {
  constructor(
    text: Message,
    /** git's exit status, when it ran and exited. */
    readonly status?: number,
    readonly stderr = '',
  ) {
    super(text);
  }

  get reason(): string {
    return this.message;
  }
}

function gitArgs(cwd: string, args: readonly string[]): string[] {
  return ['-C', cwd, ...GIT_HARDENING, ...args];
}

/** What `runGitAsync` does with git's output: collect it (bounded by GIT_MAX_BUFFER), or hand each chunk on. */
export interface GitAsyncOptions {
  input?: string;
  timeoutMs?: number;
  /** Receives the output as it arrives (then none is collected, and the answer is an empty Buffer). */
  onStdout?: (chunk: Buffer) => void;
}

/** The most of git's stderr kept for the message (its first lines say what failed). */
const STDERR_KEPT = 64 * 1024;

/**
 * Runs `git -C cwd <hardening> args` and answers what it printed, without blocking: the language server's event
 * loop goes on while git runs (a slow or huge repository must not hold up other requests). git is killed
 * (SIGKILL) after the timeout, and its output is bounded; the promise rejects with GitError on any failure.
 */
export function runGitAsync(cwd: string, args: readonly string[], options: GitAsyncOptions = {}): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? GIT_TIMEOUT_MS;
  const command = args[0] ?? 'git';
  return new Promise((resolve, reject) => {
    const child = spawn('git', gitArgs(cwd, args), { env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: GitError | undefined;
    const stop = (why: GitError) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(new GitError(msg('gitTimeout', command, timeoutMs / 1000))), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (failure) return;
      if (options.onStdout) {
        try {
          options.onStdout(chunk);
        } catch (e) {
          stop(e instanceof GitError ? e : new GitError(verbatim(`git ${command}: ${(e as Error).message}`)));
        }
        return;
      }
      size += chunk.length;
      if (size > GIT_MAX_BUFFER) return stop(new GitError(msg('gitTooMuchOutput', command, GIT_MAX_BUFFER / (1 << 20))));
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_KEPT) stderr += chunk.toString('utf8');
    });
    // git may exit before reading all its input (a bad repository): that is reported by its status, not EPIPE.
    child.stdin.on('error', () => undefined);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(failure ?? gitError(command, timeoutMs, e));
    });
    child.on('close', (status: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (status === 0) return resolve(Buffer.concat(chunks));
      reject(gitError(command, timeoutMs, Object.assign(new Error('git failed'), { status, signal, stderr })));
    });
    child.stdin.end(options.input ?? '');
  });
}

function gitError(
  command: string,
  timeoutMs: number,
  e: NodeJS.ErrnoException & { status?: number | null; signal?: string | null; stderr?: Buffer | string },
): GitError {
  const stderr = e.stderr === undefined ? '' : e.stderr.toString();
  if (e.code === 'ENOENT') return new GitError(msg('gitMissing'));
  if (e.signal === 'SIGKILL' && e.status === null) return new GitError(msg('gitTimeout', command, timeoutMs / 1000));
  const fatal = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(fatal|error):/.test(l));
  return new GitError(
    fatal
      ? msg('gitFailedWith', command, fatal.replace(/^(fatal|error):\s*/, ''))
      : msg('gitFailed', command, String(e.status ?? e.signal ?? e.code ?? 'unknown')),
    e.status ?? undefined,
    stderr,
  );
}
