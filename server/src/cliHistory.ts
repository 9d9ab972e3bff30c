// `layerlens history`: replay the git history of a build (server/src/history/) and print what each state's build
// would have done, per step over the states, and with --fixed what `layerlens fix` would have saved. Takes plan's
// options (and its --compose/--bake/--devcontainer); cli.ts hands over its option parsing so both read them alike.
import { resolve } from 'node:path';
import { BUILD_OPTIONS, parseCommandLine, UsageError, usageExit } from './cliArgs';
import pc from 'picocolors';
import type { ProjectOptions } from './diskProject';
import { chooseConfig, ConfigInputError, configSummary } from './cliConfigs';
import { configLabel, type BuildConfig } from './configs/types';
import { buildId } from './core/plan/store';
import { historyJson, historyText } from './history/format';
import { HistoryError } from './history/gitHistory';
import { DEFAULT_COMMITS, MAX_COMMITS, replayHistory, type CacheMode } from './history/replay';
import { defaultStorePath, loadStore } from './storeFile';

export const HISTORY_USAGE = `Usage:
  layerlens history [DOCKERFILE] [--rev REV] [--commits N] [--cache all|previous] [--fixed] [--exported-tree] [--json] [plan's options]

Replays the last N (default ${DEFAULT_COMMITS}) first-parent commits up to REV (default HEAD) that change the
Dockerfile, its ignore file or its build context, oldest first, as if each were built right after the previous one,
reading only git objects (no checkout). The cache is a fresh one in memory, never your store.

  --rev REV              last commit to replay (default HEAD)
  --commits N            how many commits (default ${DEFAULT_COMMITS}, at most ${MAX_COMMITS})
  --cache all|previous   all: every earlier state is in the cache (a developer's builder; default);
                         previous: only the previous state (CI caching from its last build)
  --fixed                also replay each state's Dockerfile as \`layerlens fix\` rewrites it
  --exported-tree        replay the trees without .git (a build from git archive)
  --json                 machine-readable output
  --store FILE           read step durations of real builds from this store (read only)
  --context, --builder, --build-arg, --build-context, --target, --platform, --compose, --bake, --devcontainer, --workspace: as for plan`;

/** What cli.ts lends: its option parsing, so `history` reads plan's options exactly as plan does. */
export interface CliParsing {
  devcontainerValue(argv: string[]): string[];
  projectOptions(
    values: { context?: string; builder?: string; 'build-arg'?: string[]; 'build-context'?: string[]; target?: string; platform?: string },
    dockerfile: string | undefined,
  ): ProjectOptions;
  withConfig(options: ProjectOptions, values: { context?: string; target?: string; platform?: string }, config: BuildConfig): ProjectOptions;
}

function usage(message: string): number {
  return usageExit(message, HISTORY_USAGE);
}

export async function runHistory(argv: string[], cli: CliParsing): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine({
      args: cli.devcontainerValue(argv),
      allowPositionals: true,
      options: {
        ...BUILD_OPTIONS,
        rev: { type: 'string' },
        commits: { type: 'string' },
        cache: { type: 'string' },
        fixed: { type: 'boolean' },
        'exported-tree': { type: 'boolean' },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HISTORY_USAGE + '\n');
    return 0;
  }
  if (positionals.length > 1) return usage(`Unexpected argument "${positionals[1]}": give at most one Dockerfile.`);
  const count = values.commits === undefined ? DEFAULT_COMMITS : Number(values.commits);
  if (!/^\d+$/.test(values.commits ?? '1') || !Number.isSafeInteger(count) || count < 1 || count > MAX_COMMITS)
    return usage(`--commits takes a number from 1 to ${MAX_COMMITS}, not "${values.commits}".`);
  const cache = (values.cache ?? 'all') as CacheMode;
  if (cache !== 'all' && cache !== 'previous') return usage(`--cache must be all or previous, not "${values.cache}".`);
  let options: ProjectOptions;
  let config: BuildConfig | undefined;
  try {
    const choice = {
      ...(values.compose !== undefined ? { compose: values.compose } : {}),
      ...(values.bake !== undefined ? { bake: values.bake } : {}),
      ...(values.devcontainer !== undefined ? { devcontainer: values.devcontainer } : {}),
    };
    if (Object.keys(choice).length) {
      const workspace = values.workspace ?? '.';
      config = await chooseConfig(choice, workspace);
      const dockerfileArg = positionals[0];
      if (dockerfileArg !== undefined && (!config.dockerfile || resolve(dockerfileArg) !== resolve(config.dockerfile))) {
        return usage(
          `"${dockerfileArg}" is not the Dockerfile ${configLabel(config)} builds: leave it out, --compose, --bake and --devcontainer name the Dockerfile.`,
        );
      }
      options = cli.withConfig(cli.projectOptions(values, config.dockerfile), values, config);
      for (const line of configSummary(config, resolve(workspace))) process.stderr.write(`layerlens: ${line}\n`);
    } else {
      if (values.workspace !== undefined) return usage('--workspace goes with --compose, --bake or --devcontainer.');
      options = cli.projectOptions(values, positionals[0]);
    }
  } catch (e) {
    if (e instanceof UsageError) return usage((e as Error).message);
    if (e instanceof ConfigInputError) {
      process.stderr.write(`layerlens: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  // Durations of steps real builds timed, from the user's store: read, never written.
  const loaded = loadStore(values.store ?? defaultStorePath());
  const timings = loaded.store.builds[buildId(options.builder, resolve(options.dockerfile), options.target)];
  try {
    const result = await replayHistory({
      ...options,
      ...(values.rev !== undefined ? { rev: values.rev } : {}),
      commits: count,
      cache,
      exportedTree: Boolean(values['exported-tree']),
      fixed: Boolean(values.fixed),
      ...(timings ? { timings } : {}),
    });
    if (values.json) {
      process.stdout.write(JSON.stringify(historyJson(result)) + '\n');
      return 0;
    }
    const color = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
    const paint = { rebuilds: color.red, maybe: color.yellow, cached: color.green, dim: color.dim, bold: color.bold };
    process.stdout.write(historyText(result, paint, options.dockerfile));
    return 0;
  } catch (e) {
    if (e instanceof HistoryError) {
      process.stderr.write(`layerlens: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
