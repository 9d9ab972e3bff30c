// The command line's one argument parser and one usage error, shared by every layerlens command (cli.ts, cliCheck.ts,
// cliConfigs.ts, cliHistory.ts): node's util.parseArgs, whose refusals become a UsageError, and one way to say it.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The options of every command that plans one build (cli.ts's plan, record, simulate, build, context; history). */
export const BUILD_OPTIONS = {
  context: { type: 'string' },
  store: { type: 'string' },
  builder: { type: 'string' },
  'build-arg': { type: 'string', multiple: true },
  'build-context': { type: 'string', multiple: true },
  target: { type: 'string' },
  platform: { type: 'string' },
  json: { type: 'boolean' },
  compose: { type: 'string' },
  bake: { type: 'string' },
  devcontainer: { type: 'string' },
  workspace: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

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
