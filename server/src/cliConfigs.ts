// `layerlens configs [FOLDER]` (what discovery found) and the `--compose SERVICE`, `--bake TARGET`,
// `--devcontainer [PATH]` options of plan, record, simulate and build: the build the project really runs.
// The CLI runs in the user's own shell, on a folder they chose, like `layerlens build`: it passes the
// environment to `${VAR}` and may run `docker buildx bake --print` for Bake HCL (LAYERLENS_NO_BAKE_PRINT=1 stops it).
import { relative, resolve, sep } from 'node:path';
import { parseCommandLine, UsageError, usageExit } from './cliArgs';
import { bakePrintWith } from './configs/bakePrint';
import { discoverConfigs, processEnv, type BakeGroup } from './configs/discover';
import { configLabel, plannable, type BuildConfig, type ConfigKind, type Discovery } from './configs/types';

export const CONFIGS_USAGE = `Usage: layerlens configs [FOLDER] [--json] [--env-file FILE]
  Lists every configuration that builds a Dockerfile in FOLDER (default: the current folder): compose services,
  Bake targets, devcontainer.json files and docker/build-push-action steps of GitHub workflows, with the context,
  Dockerfile, target, args and platform each one uses. Values that depend on something unknown here are listed
  as unresolved. --env-file (repeatable) is read instead of FOLDER's .env, as docker compose --env-file.`;

/** A usage error in choosing a configuration (the command says it without repeating its usage). */
export class ConfigUsageError extends UsageError {}
/** A configuration that exists but cannot be planned (inline Dockerfile, remote or unresolved context). */
export class ConfigInputError extends Error {}

type Found = Discovery & { groups: BakeGroup[] };

export function discoverHere(folder: string, envFiles?: string[]): Promise<Found> {
  const print = process.env.LAYERLENS_NO_BAKE_PRINT ? undefined : bakePrintWith('docker', undefined, resolve(folder));
  return discoverConfigs({
    root: resolve(folder),
    env: processEnv(),
    ...(print ? { bakePrint: print } : {}),
    ...(envFiles?.length ? { composeEnvFiles: envFiles.map((f) => resolve(f)) } : {}),
  });
}

export async function runConfigs(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, 'env-file': { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    return usageExit((e as Error).message, CONFIGS_USAGE);
  }
  if (parsed.values.help) {
    process.stdout.write(CONFIGS_USAGE + '\n');
    return 0;
  }
  if (parsed.positionals.length > 1) {
    return usageExit('give at most one folder.', CONFIGS_USAGE);
  }
  const found = await discoverHere(parsed.positionals[0] ?? '.', parsed.values['env-file']);
  if (parsed.values.json) {
    process.stdout.write(JSON.stringify({ root: found.root, configs: found.configs, groups: found.groups, problems: found.problems }) + '\n');
    return 0;
  }
  process.stdout.write(configsTable(found) + '\n');
  return 0;
}

export function configsTable(found: Found): string {
  const rel = (p: string | undefined): string => (p === undefined ? '-' : relative(found.root, p).split(sep).join('/') || '.');
  const out: string[] = [];
  if (!found.configs.length) out.push('No compose, Bake, devcontainer or workflow configuration builds a Dockerfile here.');
  else {
    const rows = found.configs.map((c) => [
      c.kind,
      c.source.name,
      c.inline ? '(inline)' : c.dockerfile ? rel(c.dockerfile) : '?',
      c.remoteContext ?? (c.context ? rel(c.context) : '?'),
      c.target ?? '-',
      c.platform ?? '-',
      `${c.source.file}:${c.source.line}`,
    ]);
    const head = ['KIND', 'NAME', 'DOCKERFILE', 'CONTEXT', 'TARGET', 'PLATFORM', 'SOURCE'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    out.push(
      head
        .map((h, i) => h.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
    for (const r of rows)
      out.push(
        r
          .map((v, i) => v.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      );
    const remarks = found.configs.flatMap((c) => remarksOf(c).map((r) => `  ${configLabel(c)}: ${r}`));
    if (remarks.length) out.push('', ...remarks);
  }
  if (found.groups.length) out.push('', ...found.groups.map((g) => `bake group ${g.name} (${g.file}): ${g.targets.join(', ')}`));
  if (found.problems.length) out.push('', ...found.problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`));
  return out.join('\n');
}

function remarksOf(c: BuildConfig): string[] {
  const out: string[] = [];
  const args = Object.entries(c.args).map(([k, v]) => `${k}=${v}`);
  if (args.length) out.push(`args ${args.join(' ')}`);
  for (const [k, why] of Object.entries(c.unresolvedArgs)) out.push(`arg ${k} unresolved: ${why}`);
  for (const u of c.unresolved) out.push(`unresolved ${u}`);
  for (const [k, v] of Object.entries(c.namedContexts)) out.push(`named context ${k}=${v}`);
  out.push(...c.notes);
  return out;
}

export interface ConfigChoice {
  compose?: string;
  bake?: string;
  /** '' : the only devcontainer.json. */
  devcontainer?: string;
}

/** The one configuration the options name, or a ConfigUsageError that lists the known ones (exit 2). */
/** The configurations discovered with one chooseConfig picked (its named contexts may name another of them). */
const discoveredWith = new WeakMap<BuildConfig, readonly BuildConfig[]>();

/** The configurations found beside `c` when chooseConfig picked it (none for another one). */
export function configsBeside(c: BuildConfig): readonly BuildConfig[] {
  return discoveredWith.get(c) ?? [];
}

export async function chooseConfig(choice: ConfigChoice, workspace: string, envFiles?: string[]): Promise<BuildConfig> {
  const asked = (['compose', 'bake', 'devcontainer'] as const).filter((k) => choice[k] !== undefined);
  if (asked.length > 1) throw new ConfigUsageError(`Give one of --compose, --bake and --devcontainer, not ${asked.map((k) => `--${k}`).join(' and ')}.`);
  const kind = asked[0] as ConfigKind;
  const name = choice[asked[0]] as string;
  const found = await discoverHere(workspace, envFiles);
  const ofKind = found.configs.filter((c) => c.kind === kind);
  const known = ofKind.map((c) => (kind === 'devcontainer' ? c.source.file : c.source.name));
  const listing = known.length
    ? `Known: ${[...new Set(known)].join(', ')}.`
    : `None was found in ${found.root}${found.problems.length ? ` (${found.problems.map((p) => `${p.file}: ${p.message}`).join('; ')})` : ''}.`;
  let matches: BuildConfig[];
  if (kind === 'devcontainer') {
    if (name === '') matches = ofKind;
    else {
      const wanted = relative(found.root, resolve(name)).split(sep).join('/');
      matches = ofKind.filter((c) => c.source.file === wanted || c.source.file === `${wanted}/devcontainer.json` || c.source.name === wanted);
    }
    if (matches.length > 1) throw new ConfigUsageError(`Several devcontainer.json files build a Dockerfile: name one with --devcontainer PATH. ${listing}`);
  } else {
    matches = ofKind.filter((c) => c.source.name === name);
    if (!matches.length && kind === 'bake') {
      const group = found.groups.find((g) => g.name === name);
      if (group && group.targets.length === 1) matches = ofKind.filter((c) => c.source.name === group.targets[0]);
      else if (group)
        throw new ConfigUsageError(`Bake group "${name}" builds ${group.targets.length} targets (${group.targets.join(', ')}): name one of them.`);
    }
    if (matches.length > 1)
      throw new ConfigUsageError(
        `Several ${kind} configurations are named "${name}": ${matches.map((c) => `${c.source.file}:${c.source.line}`).join(', ')}. Run layerlens plan with the Dockerfile and --context instead.`,
      );
  }
  if (!matches.length) {
    const what =
      kind === 'compose'
        ? `compose service "${name}"`
        : kind === 'bake'
          ? `Bake target "${name}"`
          : name
            ? `devcontainer.json at ${name}`
            : 'devcontainer.json';
    throw new ConfigUsageError(`No ${what} builds a Dockerfile in ${found.root}. ${listing}`);
  }
  const c = matches[0];
  if (!plannable(c)) {
    const why = [...c.unresolved, ...c.notes].join(' ') || 'its Dockerfile or context is not known.';
    throw new ConfigInputError(`${configLabel(c)} (${c.source.file}:${c.source.line}) cannot be planned: ${why}`);
  }
  discoveredWith.set(c, found.configs);
  return c;
}

/** What the CLI says about the configuration it plans with (on stderr, so --json stays the documented shape). */
export function configSummary(c: BuildConfig, root: string): string[] {
  const rel = (p: string) => relative(root, p).split(sep).join('/') || '.';
  const lines = [
    `Configuration ${configLabel(c)} from ${c.source.file}:${c.source.line}: Dockerfile ${rel(c.dockerfile as string)}, context ${rel(c.context as string)}${c.platform ? `, platform ${c.platform}` : ''}.`,
  ];
  for (const [k, why] of Object.entries(c.unresolvedArgs)) lines.push(`build arg ${k} is unresolved (${why}): the steps that depend on it are "maybe".`);
  for (const n of c.notes) lines.push(n);
  return lines;
}
