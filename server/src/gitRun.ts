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
import { execFileSync } from 'node:child_process';

/** A git command that takes longer is killed and reported (a hostile or huge repository must not hang the server). */
export const GIT_TIMEOUT_MS = 30_000;
/** The most one git answer may print (a batch of blobs); more is reported, not read. */
export const GIT_MAX_BUFFER = 1 << 30;

/** Given before the command: they override the repository's config (command-line settings win over the files). */
export const GIT_HARDENING: readonly string[] = [
  '--no-pager',
  '-c', 'protocol.allow=never',
  '-c', 'core.sshCommand=false',
  '-c', 'core.fsmonitor=false',
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'core.pager=cat',
  '-c', 'core.askPass=',
  '-c', 'credential.helper=',
  '-c', 'diff.external=',
  '-c', 'gc.auto=0',
  '-c', 'maintenance.auto=false',
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

/** git failed: `reason` says why in words for the baseline detail (no stack, no command line). */
export class GitError extends Error {
  constructor(
    readonly reason: string,
    /** git's exit status, when it ran and exited. */
    readonly status?: number,
    readonly stderr = '',
  ) {
    super(reason);
  }
}

/** Runs `git -C cwd <hardening> args` and returns what it printed; throws GitError on any failure. */
export function runGit(cwd: string, args: readonly string[], input?: string, timeoutMs = GIT_TIMEOUT_MS): Buffer {
  try {
    return execFileSync('git', ['-C', cwd, ...GIT_HARDENING, ...args], {
      env: gitEnv(),
      input,
      maxBuffer: GIT_MAX_BUFFER,
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (e) {
    throw gitError(args[0] ?? 'git', timeoutMs, e as NodeJS.ErrnoException & { status?: number | null; signal?: string | null; stderr?: Buffer | string });
  }
}

function gitError(command: string, timeoutMs: number, e: NodeJS.ErrnoException & { status?: number | null; signal?: string | null; stderr?: Buffer | string }): GitError {
  const stderr = e.stderr === undefined ? '' : e.stderr.toString();
  if (e.code === 'ENOENT') return new GitError('git is not installed (no git on PATH)');
  if (e.code === 'ETIMEDOUT' || (e.signal === 'SIGKILL' && e.status === null)) return new GitError(`git ${command} did not finish within ${timeoutMs / 1000} s and was stopped`);
  if (e.code === 'ENOBUFS') return new GitError(`git ${command} printed more than ${GIT_MAX_BUFFER / (1 << 20)} MiB`);
  const fatal = stderr.split('\n').map((l) => l.trim()).find((l) => /^(fatal|error):/.test(l));
  return new GitError(fatal ? `git ${command} failed: ${fatal.replace(/^(fatal|error):\s*/, '')}` : `git ${command} failed (${e.status ?? e.signal ?? e.code ?? 'unknown'})`, e.status ?? undefined, stderr);
}
