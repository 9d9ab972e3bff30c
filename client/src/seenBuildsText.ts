// The parts of watching the user's own builds that need no VS Code: which command lines are worth sending to the
// server, a task's command line as its shell would run it, the variables of a task's fields, and how long ago a
// build was. The server recognises the builds themselves (server/src/commandLine.ts).

/**
 * Whether a command line may run a build: a cheap look before asking the server, which recognises the builds.
 * Every line the recogniser could take a build from passes (`docker`, `podman`, `docker-compose` with `build`,
 * `bake` or `up`); most other commands typed in a terminal do not.
 */
export function mayBuild(commandLine: string): boolean {
  return /\b(?:docker|podman|docker-compose)\b/.test(commandLine) && /\b(?:build|bake|up|builder)\b/.test(commandLine);
}

/** A word as a POSIX shell reads it back: plain when it is safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** One argument of a task: a plain string, or VS Code's ShellQuotedString ({ value, quoting }). */
export type TaskArg = string | { value: string; quoting?: unknown };

/** A shell or process task's command line, its arguments quoted so the recogniser reads each as one word. */
export function taskCommandLine(command: string | { value: string; quoting?: unknown } | undefined, args: readonly TaskArg[] | undefined): string | undefined {
  if (command === undefined) return undefined;
  const head = typeof command === 'string' ? command : shellQuote(command.value);
  const rest = (args ?? []).map((a) => shellQuote(typeof a === 'string' ? a : a.value));
  return [head, ...rest].join(' ');
}

/**
 * `${workspaceFolder}` and `${workspaceFolderBasename}` of a task's field replaced; undefined when another
 * variable is left (`${input:tag}`, `${env:X}`, `${config:...}`): its value is not known here, so the build is
 * not recorded rather than recorded for a guessed path.
 */
export function taskVariables(value: string, folder: string | undefined): string | undefined {
  let out = value;
  if (folder !== undefined) {
    const base =
      folder
        .replace(/[\\/]+$/, '')
        .split(/[\\/]/)
        .pop() ?? '';
    out = out.replace(/\$\{workspaceFolder\}/g, folder).replace(/\$\{workspaceFolderBasename\}/g, base);
  }
  return /\$\{[^}]*\}/.test(out) ? undefined : out;
}

/** How long ago, in whole units: 'now', or [count, unit] for the caller's words. */
export function ago(at: number, now: number): 'now' | [number, 'min' | 'h' | 'd'] {
  const minutes = Math.floor((now - at) / 60_000);
  if (minutes < 1) return 'now';
  if (minutes < 60) return [minutes, 'min'];
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return [hours, 'h'];
  return [Math.floor(hours / 24), 'd'];
}
