// `layerlens`: the cache engine from a shell. A thin adapter: parse arguments, call the core
// through diskProject.ts, print. Exit 0 on success, 2 on a usage error, 1 on input it cannot read.
import { dirname, resolve } from 'node:path';
import { BUILD_OPTIONS, parseCommandLine, UsageError, usageExit } from './cliArgs';
import pc from 'picocolors';
import { runCheck, runFix } from './cliCheck';
import { chooseConfig, ConfigInputError, ConfigUsageError, configsBeside, configSummary, runConfigs, type ConfigChoice } from './cliConfigs';
import { namedBuildConfigs, namedBuildOptions, type NamedBuildOptions } from './configs/namedBuilds';
import { configLabel, type BuildConfig } from './configs/types';
import { buildCommand } from './cliBuild';
import { unbuildableNamedContexts } from './build/buildProject';
import { runHistory } from './cliHistory';
import { recordFromDockerHistory } from './cliDockerHistory';
import { formatDuration, type RebuildEstimate } from './core/plan/cost';
import { contextReport, formatContextReport } from './core/context/report';
import { InputError, openProject, planProject, simulateProject, type ProjectOptions } from './diskProject';
import { LimitError, limitText } from './core/dockerfile/limits';
import { renderMessage } from './core/shared/message';
import { DocumentModel, ParsedText } from './document/model';
import { setOwn } from './core/shared/own';
import { formatPlatform, parsePlatform } from './core/dockerfile/platform';
import { buildId, knownBuilds, recordBuild } from './core/plan/store';
import { defaultDigestCachePath, defaultStorePath, digestCacheFolder, loadStore, StoreError, updateStore } from './storeFile';
import { loadDigestCache, pruneDigestCaches, saveDigestCache } from './contextFs';
import type { Builder, Plan, StepPrediction } from './core/shared/types';

const USAGE = `Usage:
  layerlens plan     [DOCKERFILE] [options]   predict what the next build reuses or rebuilds
  layerlens record   [DOCKERFILE] [options]   count the current state as built (adds its keys to the store)
  layerlens record   [DOCKERFILE] --from-docker-history [--store FILE] [--json]
                                              record the builds of this Dockerfile that Docker's build
                                              history holds (docker buildx history), made anywhere
  layerlens simulate [DOCKERFILE] [--change PATH]... [--edit-line N]... [options]
                                              what if these files change or these lines are edited?
  layerlens build    [DOCKERFILE] [options]   build with docker, record it with timings and sizes,
                                              and compare what was predicted with what Docker did
  layerlens check    [DOCKERFILE] [--format text|json|sarif] [--rule CODE]... [--fail-on LEVEL]
                                              cache problems and fixes (exit 1 on findings)
  layerlens fix      [DOCKERFILE] [--rule CODE]... [--dry-run]   apply the fixes
  layerlens configs  [FOLDER] [--json] [--env-file FILE]   the compose, Bake, devcontainer and workflow builds found
  layerlens history  [DOCKERFILE] [--rev REV] [--commits N] [--cache all|previous] [--fixed] [--json] [options]
                                              replay the git history: how often each step rebuilt, and why
  layerlens context  [DOCKERFILE] [options]   what the build context sends to Docker: files, bytes, the
                                              largest folders, what the ignore file keeps out, warnings

Options:
  --context DIR          build context (default: the Dockerfile's folder)
  --store FILE           cache store (default: ${defaultStorePath()})
  --builder NAME         buildkit (default) or classic
  --build-arg K=V        a build argument, as for docker build (repeatable)
  --target NAME          build up to this stage
  --platform OS/ARCH     target platform, as for docker build (e.g. linux/arm64; default: this machine's)
  --build-context NAME=VALUE
                         a named context, as for docker buildx build (repeatable): a folder, docker-image://REF;
                         COPY --from=NAME and RUN --mount=from=NAME read it (BuildKit)
  --compose SERVICE      plan the build of this compose service: its Dockerfile, context, target, args, platform
  --bake TARGET          the same for a Bake target (or a group of one target)
  --devcontainer [PATH]  the same for a devcontainer.json (PATH needed when there are several)
  --workspace DIR        where --compose/--bake/--devcontainer look (default: the current folder)
                         (--context, --target, --build-arg and --platform given as well win over the configuration)
  --env-file FILE        read instead of the workspace's .env, as docker compose --env-file (repeatable)
  --json                 machine-readable output
  -h, --help             this text

DOCKERFILE defaults to ./Dockerfile.`;

export function main(argv: string[]): number | Promise<number> {
  // check and fix have options of their own (server/src/cliCheck.ts).
  const first = argv.findIndex((a) => !a.startsWith('-'));
  if (first >= 0 && (argv[first] === 'check' || argv[first] === 'fix')) {
    const rest = [...argv.slice(0, first), ...argv.slice(first + 1)];
    const run = argv[first] === 'check' ? runCheck : runFix;
    return checkWithConfig(rest, run) ?? run(rest);
  }
  if (first >= 0 && argv[first] === 'configs') return runConfigs([...argv.slice(0, first), ...argv.slice(first + 1)]);
  if (first >= 0 && argv[first] === 'history') {
    return runHistory([...argv.slice(0, first), ...argv.slice(first + 1)], { devcontainerValue, projectOptions, withConfig });
  }
  let parsed;
  try {
    parsed = parseCommandLine({
      args: devcontainerValue(argv),
      allowPositionals: true,
      options: {
        ...BUILD_OPTIONS,
        change: { type: 'string', multiple: true },
        'edit-line': { type: 'string', multiple: true },
        'env-file': { type: 'string', multiple: true },
        'from-docker-history': { type: 'boolean' },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const [command, dockerfileArg, ...extra] = positionals;
  if (!command) return usage('Name a command: plan, record, simulate, check or fix.');
  if (!['plan', 'record', 'simulate', 'build', 'context'].includes(command))
    return usage(`Unknown command "${command}". Use plan, record, simulate, build, context, check or fix.`);
  if (extra.length) return usage(`Unexpected argument "${extra[0]}": give at most one Dockerfile.`);
  if (command !== 'simulate' && (values.change || values['edit-line'])) return usage('--change and --edit-line belong to "layerlens simulate".');
  if (values['from-docker-history']) {
    if (command !== 'record') return usage('--from-docker-history belongs to "layerlens record".');
    return recordFromDockerHistory(values, dockerfileArg, values.store ?? defaultStorePath()).catch((e: unknown) => {
      if (e instanceof UsageError) return usage(e.message);
      throw e;
    });
  }
  const choice: ConfigChoice = {
    ...(values.compose !== undefined ? { compose: values.compose } : {}),
    ...(values.bake !== undefined ? { bake: values.bake } : {}),
    ...(values.devcontainer !== undefined ? { devcontainer: values.devcontainer } : {}),
  };
  if (Object.keys(choice).length) {
    const workspace = values.workspace ?? '.';
    return chooseConfig(choice, workspace, values['env-file']).then(
      (config) => {
        // The configuration names the Dockerfile; naming it as well is fine when it is the same file.
        if (dockerfileArg !== undefined && (!config.dockerfile || resolve(dockerfileArg) !== resolve(config.dockerfile))) {
          return usage(
            `"${dockerfileArg}" is not the Dockerfile ${configLabel(config)} builds${config.dockerfile ? ` (${config.dockerfile})` : ''}: leave it out, --compose, --bake and --devcontainer name the Dockerfile.`,
          );
        }
        return run(command, values, undefined, config, resolve(workspace));
      },
      (e: unknown) => {
        if (e instanceof ConfigUsageError) {
          process.stderr.write(`layerlens: ${e.message}\n`);
          return 2;
        }
        if (e instanceof ConfigInputError) {
          process.stderr.write(`layerlens: ${e.message}\n`);
          return 1;
        }
        throw e;
      },
    );
  }
  if (values.workspace !== undefined) return usage('--workspace goes with --compose, --bake or --devcontainer.');
  if (values['env-file'] !== undefined) return usage('--env-file goes with --compose, --bake or --devcontainer.');
  return run(command, values, dockerfileArg);
}

/**
 * check and fix with --compose/--bake/--devcontainer [--workspace DIR]: the configuration's Dockerfile and context
 * replace them on the command line. Undefined when none of these options is given.
 */
function checkWithConfig(argv: string[], run: (argv: string[]) => number): Promise<number> | undefined {
  const args = devcontainerValue(argv);
  const choice: ConfigChoice = {};
  let workspace = '.';
  const envFiles: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = /^--(compose|bake|devcontainer|workspace|env-file)(?:=(.*))?$/.exec(args[i]);
    if (!m) {
      rest.push(args[i]);
      continue;
    }
    const value = m[2] ?? args[++i];
    if (value === undefined) return Promise.resolve(usage(`--${m[1]} needs a value.`));
    if (m[1] === 'workspace') workspace = value;
    else if (m[1] === 'env-file') envFiles.push(value);
    else choice[m[1] as keyof ConfigChoice] = value;
  }
  if (!Object.keys(choice).length) return undefined;
  if (rest.some((a) => a === '--context' || a.startsWith('--context=')))
    return Promise.resolve(usage('--compose, --bake and --devcontainer name the build context: leave out --context.'));
  return chooseConfig(choice, workspace, envFiles).then(
    (config) => {
      for (const line of configSummary(config, resolve(workspace))) process.stderr.write(`layerlens: ${line}\n`);
      return run([config.dockerfile as string, '--context', config.context as string, ...rest]);
    },
    (e: unknown) => {
      if (e instanceof ConfigUsageError || e instanceof ConfigInputError) {
        process.stderr.write(`layerlens: ${e.message}\n`);
        return e instanceof ConfigUsageError ? 2 : 1;
      }
      throw e;
    },
  );
}

type CliValues = {
  context?: string;
  store?: string;
  builder?: string;
  'build-arg'?: string[];
  'build-context'?: string[];
  target?: string;
  platform?: string;
  json?: boolean;
  change?: string[];
  'edit-line'?: string[];
};

/** `--devcontainer` takes a value only when one follows that is not an option: `--devcontainer` alone is `--devcontainer=`. */
function devcontainerValue(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== '--devcontainer') out.push(argv[i]);
    else if (i + 1 < argv.length && looksLikeDevcontainer(argv[i + 1])) out.push(`--devcontainer=${argv[++i]}`);
    else out.push('--devcontainer=');
  }
  return out;
}

function looksLikeDevcontainer(arg: string): boolean {
  return !arg.startsWith('-') && (arg.includes('/') || arg.includes('\\') || arg.endsWith('.json') || arg === '.devcontainer');
}

/** How many build contexts' digest caches the CLI keeps (the most recently written). */
const KEPT_DIGEST_CACHES = 32;

function run(command: string, values: CliValues, dockerfileArg: string | undefined, config?: BuildConfig, workspace?: string): number | Promise<number> {
  try {
    const options = config
      ? withConfig(projectOptions(values, config.dockerfile), values, config, configsBeside(config))
      : projectOptions(values, dockerfileArg);
    if (config) for (const line of configSummary(config, workspace ?? process.cwd())) process.stderr.write(`layerlens: ${line}\n`);
    const storePath = values.store ?? defaultStorePath();
    const loaded = loadStore(storePath);
    // record stops on a store it must not write (below, with the reason); every other command reads on without it.
    if (loaded.warning && !(command === 'record' && loaded.readOnly)) process.stderr.write(`layerlens: ${renderMessage(loaded.warning)}\n`);
    // File digests from earlier runs: unchanged files (same inode, size, times, mode) are not read again.
    const digestCachePath = defaultDigestCachePath(resolve(options.context ?? dirname(resolve(options.dockerfile))));
    const digestCache = loadDigestCache(digestCachePath);
    const synced = loaded.store.builds[buildId(options.builder, resolve(options.dockerfile), options.target)]?.synced;
    const project = openProject({ ...options, digestCache, ...(synced ? { synced } : {}) });
    // The model the editor keeps per document version (document/model.ts), made from the file: one parse, one plan.
    const id = buildId(options.builder, project.dockerfileAbs, options.target);
    const model = new DocumentModel(new ParsedText(project.text), {
      uri: project.dockerfileAbs,
      builder: options.builder,
      project,
      plan: (parsed) => planProject(project, knownBuilds(loaded.store, options.builder, id), parsed),
    });
    const limit = model.limit;
    if (limit) throw new LimitError(limit.text, limit.line);
    // Written only when files were hashed: rewriting an unchanged cache costs more than the plan it saved.
    process.on('exit', () => {
      if (!digestCache.dirty || !saveDigestCache(digestCachePath, digestCache)) return;
      if (!process.env.LAYERLENS_DIGEST_CACHE) pruneDigestCaches(digestCacheFolder(), KEPT_DIGEST_CACHES);
    });
    if (command === 'context') {
      // The report lists the problems itself (and in --json); the plan's own problems would repeat them.
      const report = contextReport(project.snapshot, project.ignoreText, project.ignoreFile);
      if (values.json)
        process.stdout.write(
          JSON.stringify({
            context: project.contextDir,
            ignoreFile: project.ignoreFile ?? null,
            ...report,
            problems: [...(project.ignoreProblems ?? []), ...report.problems],
          }) + '\n',
        );
      else
        process.stdout.write(
          formatContextReport(
            { ...report, problems: [...(project.ignoreProblems ?? []), ...report.problems] },
            { context: project.contextDir, ...(project.ignoreFile ? { ignoreFile: project.ignoreFile } : {}) },
          ),
        );
      return 0;
    }
    for (const p of project.problems) process.stderr.write(`layerlens: ${p}\n`);
    if (command === 'simulate') {
      const lines = (values['edit-line'] ?? []).map((v) => {
        if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--edit-line takes a line number (1 or more), not "${v}".`);
        return Number(v);
      });
      if (!values.change?.length && !lines.length)
        throw new UsageError('Tell simulate what changes: --change PATH (a context file) or --edit-line N (a Dockerfile line).');
      const result = simulateProject(project, values.change ?? [], lines, model.parsed);
      print(
        result,
        Boolean(values.json),
        `Simulated: ${[...(values.change ?? []), ...lines.map((l) => `line ${l} edited`)].join(', ')} (against the current state, assumed built)`,
      );
      return 0;
    }
    if (command === 'build') {
      const unbuildable = unbuildableNamedContexts(project.options.namedContexts);
      if (unbuildable) throw new InputError(unbuildable);
      return buildCommand(project, loaded, storePath, Boolean(values.json));
    }
    const result = model.plan() as NonNullable<ReturnType<DocumentModel['plan']>>;
    if (command === 'plan') {
      print(result, Boolean(values.json), undefined, config);
      return 0;
    }
    if (options.unresolvedArgs)
      process.stderr.write(
        `layerlens: recorded without the unresolved build args ${Object.keys(options.unresolvedArgs).join(', ')}: pass them with --build-arg if the real build has them.\n`,
      );
    if (result.fails) {
      process.stderr.write(`layerlens: nothing recorded: this build fails at line ${result.fails.line}: ${result.fails.message}\n`);
      return 1;
    }
    // Added to the store as it is on disk now (under its lock): other processes may have recorded since it was read.
    const written = updateStore(
      storePath,
      (current) => recordBuild(current, options.builder, id, result.keys, result.recorded, { source: 'cli', at: Date.now() }),
      { known: loaded },
    );
    for (const note of written.notes) process.stderr.write(`layerlens: ${renderMessage(note)}\n`);
    const summary = { recorded: result.keys.length, store: storePath, builder: options.builder };
    if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
    else process.stdout.write(`Recorded ${result.keys.length} step keys (${options.builder}) in ${storePath}.\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    if (e instanceof InputError || e instanceof StoreError) {
      process.stderr.write(`layerlens: ${e.message}\n`);
      return 1;
    }
    if (e instanceof LimitError) return limitExit(e);
    throw e;
  }
}

/** Text past a limit of core/dockerfile/limits.ts: its message, exit 1. */
export function limitExit(e: LimitError): number {
  process.stderr.write(`layerlens: ${limitText({ line: e.line ?? 1, message: e.message })}\n`);
  return 1;
}

/**
 * main(), with any error it did not expect turned into one line and exit 1: never a stack trace. Set
 * LAYERLENS_DEBUG=1 to see the stack.
 */
export async function runMain(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    const message =
      e instanceof RangeError && /call stack/i.test(e.message)
        ? 'the input is nested too deeply to analyse (the analysis ran out of stack).'
        : e instanceof Error
          ? e.message
          : String(e);
    process.stderr.write(`layerlens: ${message}\nThis is a bug in Layer Lens: please report it, with the Dockerfile that caused it if you can share it.\n`);
    if (process.env.LAYERLENS_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

/**
 * The discovered configuration under the options: its context, target, platform and args, except where the
 * command line gave its own (an arg given there is no longer unresolved).
 */
function withConfig(options: ProjectOptions, values: CliValues, config: BuildConfig, beside: readonly BuildConfig[] = []): ProjectOptions {
  const namedContexts: Record<string, string> = { ...config.namedContexts };
  for (const [k, v] of Object.entries(options.namedContexts ?? {})) setOwn(namedContexts, k, v);
  const buildArgs: Record<string, string> = { ...config.args };
  for (const [k, v] of Object.entries(options.buildArgs)) setOwn(buildArgs, k, v);
  const unresolvedArgs: Record<string, string> = {};
  for (const [k, why] of Object.entries(config.unresolvedArgs)) if (!Object.hasOwn(buildArgs, k)) setOwn(unresolvedArgs, k, why);
  return {
    ...options,
    buildArgs,
    ...(values.context === undefined && config.context ? { context: config.context } : {}),
    ...(values.target === undefined && config.target ? { target: config.target } : {}),
    ...(values.platform === undefined && config.platform ? { platform: config.platform } : {}),
    ...(Object.keys(unresolvedArgs).length ? { unresolvedArgs } : {}),
    ...(Object.keys(namedContexts).length ? { namedContexts } : {}),
    ...namedBuildsOf(config, beside, namedContexts),
  };
}

/**
 * The other builds the named contexts are the output of (Bake `target:NAME` of the same folder), each with its own
 * configuration (none of this command line's options, which are for the build named). A named context the command
 * line gave another value is not one of them.
 */
function namedBuildsOf(
  config: BuildConfig,
  beside: readonly BuildConfig[],
  namedContexts: Record<string, string>,
): { namedBuilds?: Record<string, NamedBuildOptions> } {
  const out: Record<string, NamedBuildOptions> = {};
  for (const [name, b] of Object.entries(namedBuildOptions(namedBuildConfigs(config, beside))))
    if (namedContexts[name] === config.namedContexts[name]) setOwn(out, name, b);
  return Object.keys(out).length ? { namedBuilds: out } : {};
}

function projectOptions(
  values: { context?: string; builder?: string; 'build-arg'?: string[]; 'build-context'?: string[]; target?: string; platform?: string },
  dockerfile: string | undefined,
): ProjectOptions {
  const builder = (values.builder ?? 'buildkit') as Builder;
  if (builder !== 'buildkit' && builder !== 'classic') throw new UsageError(`--builder must be buildkit or classic, not "${values.builder}".`);
  const buildArgs: Record<string, string> = {};
  for (const kv of values['build-arg'] ?? []) {
    const eq = kv.indexOf('=');
    if (eq === 0) throw new UsageError(`--build-arg needs a name: "${kv}".`);
    // Like docker build: "--build-arg NAME" takes NAME from the environment, if set there.
    if (eq < 0) {
      if (process.env[kv] !== undefined) setOwn(buildArgs, kv, process.env[kv] as string);
    } else setOwn(buildArgs, kv.slice(0, eq), kv.slice(eq + 1));
  }
  const namedContexts: Record<string, string> = {};
  for (const kv of values['build-context'] ?? []) {
    // As docker buildx build --build-context: NAME=VALUE, a folder relative to the current one, or a typed value.
    const eq = kv.indexOf('=');
    if (eq <= 0 || eq === kv.length - 1) throw new UsageError(`--build-context takes NAME=VALUE (a folder or docker-image://REF), not "${kv}".`);
    setOwn(namedContexts, kv.slice(0, eq), kv.slice(eq + 1));
  }
  let platform: string | undefined;
  if (values.platform !== undefined) {
    const parsedPlatform = parsePlatform(values.platform.trim());
    if ('error' in parsedPlatform)
      throw new UsageError(`--platform takes os/arch[/variant], e.g. linux/amd64 or linux/arm64: "${values.platform}" is not one (${parsedPlatform.error}).`);
    platform = formatPlatform(parsedPlatform.platform);
  }
  return {
    dockerfile: dockerfile ?? 'Dockerfile',
    ...(values.context ? { context: values.context } : {}),
    builder,
    buildArgs,
    ...(values.target ? { target: values.target } : {}),
    ...(platform ? { platform } : {}),
    ...(Object.keys(namedContexts).length ? { namedContexts } : {}),
  };
}

function print(result: Plan & { text?: string }, json: boolean, title?: string, config?: BuildConfig): void {
  if (json) {
    const steps = result.steps.map(({ line, keyword, stage, layer, status, reason, cause }) => ({ line, keyword, stage, layer, status, reason, cause }));
    // Each diagnostic's English text only (its `text` value is the editor's): the output stays as it was.
    const diagnostics = result.diagnostics.map(({ line, severity, message }) => ({ line, severity, message }));
    process.stdout.write(JSON.stringify({ steps, diagnostics, ...(config ? { config } : {}) }) + '\n');
    return;
  }
  const color = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const paint: Record<StepPrediction['status'], (s: string) => string> = {
    cached: color.green,
    rebuilds: color.red,
    maybe: color.yellow,
    skipped: color.dim,
    none: color.dim,
  };
  const lines = (result as { source?: string[] }).source ?? [];
  const out: string[] = [];
  if (title) out.push(color.bold(title), '');
  const rows = result.steps.map((s) => [String(s.line), s.stage, instructionText(lines, s), s.status, s.reason]);
  const widths = [4, 5, 11, 8].map((min, i) => Math.max(min, ...rows.map((r) => r[i].length)));
  out.push(color.bold(['LINE', 'STAGE', 'INSTRUCTION', 'STATUS'].map((h, i) => h.padEnd(widths[i])).join('  ') + '  REASON'));
  for (const [i, r] of rows.entries()) {
    const status = result.steps[i].status;
    out.push(
      [r[0].padStart(widths[0]), r[1].padEnd(widths[1]), r[2].padEnd(widths[2]), paint[status](r[3].padEnd(widths[3]))].join('  ') + '  ' + color.dim(r[4]),
    );
  }
  out.push('', summary(result));
  const estimate = (result as { estimate?: RebuildEstimate }).estimate;
  if (estimate?.timedSteps)
    out.push(
      `Rebuild time by recorded builds: ${formatDuration(estimate.rebuildMs)}${estimate.untimedSteps ? ` plus ${estimate.untimedSteps} ${estimate.untimedSteps === 1 ? 'step' : 'steps'} never timed` : ''}.`,
    );
  for (const d of result.diagnostics)
    out.push(`${d.severity === 'error' ? color.red('error') : d.severity === 'warning' ? color.yellow('warning') : 'info'}: line ${d.line}: ${d.message}`);
  process.stdout.write(out.join('\n') + '\n');
}

function instructionText(lines: string[], s: StepPrediction): string {
  const text = (lines[s.line - 1] ?? s.keyword).trim().replace(/\s*\\$/, s.endLine > s.line ? ' …' : '');
  return text.length > 44 ? text.slice(0, 43) + '…' : text;
}

export function summary(plan: Plan): string {
  const steps = plan.steps.filter((s) => s.status === 'cached' || s.status === 'rebuilds' || s.status === 'maybe');
  const rebuild = steps.filter((s) => s.status === 'rebuilds');
  const maybe = steps.filter((s) => s.status === 'maybe');
  const first = steps.find((s) => s.status !== 'cached');
  let text = `${rebuild.length} of ${steps.length} build steps rebuild`;
  if (maybe.length) text += `, ${maybe.length} may`;
  if (first) text += `; first miss: line ${first.line} ${first.keyword} (${first.reason})`;
  return text + '.';
}

function usage(message: string): number {
  return usageExit(message, USAGE);
}

if (require.main === module) {
  void runMain(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
