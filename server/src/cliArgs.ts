// The command line's one argument parser and one usage error, shared by every layerlens command (cli.ts, cliCheck.ts,
// cliConfigs.ts, cliHistory.ts): node's util.parseArgs, whose refusals become a UsageError, and one way to say it.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command called the wrong way: exit 2, with the message (and, where the command prints it, its usage). */
export class UsageError extends Error {}

/** util.parseArgs; an unknown option, a missing value or a stray positional is a UsageError with parseArgs' message. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The message and the command's usage on stderr; returns the usage error's exit code, 2. */
export function usageExit(message: string, usage: string): 2 {
  process.stderr.write(`layerlens: ${message}\n\n${usage}\n`);
  return 2;
}
