// The extension's settings: one typed shape, one defaults object, and a normaliser that turns whatever the
// client sends (partial, stale, hand-edited JSON) into a complete, valid shape. `dockerfileSettings` then
// resolves what applies to one Dockerfile.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { setOwn } from './core/shared/own';
import { normalizePlatform } from './core/dockerfile/platform';
import { settingsGlobMatcher } from './core/match/settingsGlob';
import type { Builder } from './core/shared/types';
import type { ConfigurationInfo } from './protocol';
import { DEFAULT_COMMITS, MAX_COMMITS } from './history/commits';
import type { NamedBuildOptions } from './configs/namedBuilds';

/** Which state counts as built: see README "What counts as built". */
export type BaselineSetting = 'auto' | 'recorded' | 'gitHead';

/** Settings for the Dockerfiles whose workspace-relative path matches a key of `layerLens.dockerfiles`. */
export interface DockerfileOverrides {
  /** Build context folder, relative to the workspace folder (or absolute). */
  context?: string;
  /** Stage to build up to (`docker build --target`). */
  target?: string;
  /** Merged over `layerLens.buildArgs`. */
  buildArgs?: Record<string, string>;
  builder?: Builder;
  /** Target platform (`docker build --platform`), normalised `os/arch[/variant]`. */
  platform?: string;
}

export interface LayerLensSettings {
  /** Which builder's cache rules to predict with. */
  builder: Builder;
  baseline: BaselineSetting;
  /** `--build-arg` values for every Dockerfile. */
  buildArgs: Record<string, string>;
  /** Glob or workspace-relative path → settings for those Dockerfiles. */
  dockerfiles: Record<string, DockerfileOverrides>;
  /** `layerLens.hover.cacheOnly`: hovers keep only the layer and cache part. */
  hover: { cacheOnly: boolean };
  /** `layerLens.history.*`: the commits the history panel and the lens suffix replay, and whether lenses get that suffix. */
  history: { lensSuffix: boolean; commits: number };
}

export const defaultSettings: Readonly<LayerLensSettings> = Object.freeze({
  builder: 'buildkit',
  baseline: 'auto',
  buildArgs: {},
  dockerfiles: {},
  hover: Object.freeze({ cacheOnly: false }),
  history: Object.freeze({ lensSuffix: false, commits: DEFAULT_COMMITS }),
});

/** The settings section the client reads and the server requests (`layerLens.*`). */
export const settingsSection = 'layerLens';

export function normaliseSettings(raw: unknown): LayerLensSettings {
  const value = asObject(raw);
  const dockerfiles: Record<string, DockerfileOverrides> = {};
  for (const [pattern, entry] of Object.entries(asObject(value.dockerfiles))) {
    if (pattern.trim()) dockerfiles[pattern.trim()] = normaliseOverrides(entry);
  }
  return {
    builder: asBuilder(value.builder) ?? defaultSettings.builder,
    baseline: value.baseline === 'recorded' || value.baseline === 'gitHead' || value.baseline === 'auto' ? value.baseline : defaultSettings.baseline,
    buildArgs: asArgs(value.buildArgs),
    dockerfiles,
    hover: { cacheOnly: asObject(value.hover).cacheOnly === true },
    history: normaliseHistory(value.history),
  };
}

/** A number of commits that is not a whole number from 1 to MAX_COMMITS gives the default. */
function normaliseHistory(raw: unknown): LayerLensSettings['history'] {
  const value = asObject(raw);
  const commits = value.commits;
  const valid = typeof commits === 'number' && Number.isSafeInteger(commits) && commits >= 1 && commits <= MAX_COMMITS;
  return { lensSuffix: value.lensSuffix === true, commits: valid ? commits : DEFAULT_COMMITS };
}

function normaliseOverrides(raw: unknown): DockerfileOverrides {
  const value = asObject(raw);
  const out: DockerfileOverrides = {};
  if (typeof value.context === 'string' && value.context.trim()) out.context = value.context.trim();
  if (typeof value.target === 'string' && value.target.trim()) out.target = value.target.trim();
  if (value.buildArgs !== undefined) out.buildArgs = asArgs(value.buildArgs);
  const builder = asBuilder(value.builder);
  if (builder) out.builder = builder;
  // A value that is no platform is ignored (the machine's platform applies), like an unknown builder.
  const platform = typeof value.platform === 'string' ? normalizePlatform(value.platform.trim()) : undefined;
  if (platform) out.platform = platform;
  return out;
}

/** What applies to one Dockerfile: everything the analysis needs, with the context as an absolute path. */
export interface DockerfileSettings {
  builder: Builder;
  baseline: BaselineSetting;
  buildArgs: Record<string, string>;
  target?: string;
  /** Absent: the machine's platform. */
  platform?: string;
  /** Absent: the Dockerfile's folder, as docker build does. */
  context?: string;
  /** Set when a `layerLens.dockerfiles` entry applies: it wins over discovered configurations. */
  fromSetting?: true;
  /** The discovered configuration (compose, Bake, devcontainer, workflow) the values come from, if any. */
  configuration?: ConfigurationInfo;
  /** Build args of that configuration whose value is unknown: name → why (see diskProject.ts). */
  unresolvedArgs?: Record<string, string>;
  /** That configuration's named contexts: name → absolute folder or value as written (ProjectOptions.namedContexts). */
  namedContexts?: Record<string, string>;
  /** The builds those named contexts are the output of (Bake `target:NAME`), as that configuration declares them. */
  namedBuilds?: Record<string, NamedBuildOptions>;
}

/**
 * Merges the `layerLens.dockerfiles` entries whose key matches the Dockerfile's path relative to its
 * workspace folder (keys without a slash also match the file name anywhere); exact paths apply after globs.
 */
export function dockerfileSettings(settings: LayerLensSettings, dockerfileAbs: string, workspaceFolder: string | undefined): DockerfileSettings {
  const base = workspaceFolder ?? resolve(dockerfileAbs, '..');
  const rel = relative(base, dockerfileAbs).split(sep).join('/');
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  const matches = Object.entries(settings.dockerfiles)
    .map(([pattern, overrides]) => ({ pattern: pattern.replace(/^\.\//, ''), overrides }))
    .filter(({ pattern }) => globMatches(pattern, rel) || (!pattern.includes('/') && globMatches(pattern, name)))
    .sort((a, b) => Number(a.pattern === rel) - Number(b.pattern === rel));
  const out: DockerfileSettings = { builder: settings.builder, baseline: settings.baseline, buildArgs: { ...settings.buildArgs } };
  if (matches.length) out.fromSetting = true;
  for (const { overrides } of matches) {
    if (overrides.builder) out.builder = overrides.builder;
    for (const [name, value] of Object.entries(overrides.buildArgs ?? {})) setOwn(out.buildArgs, name, value);
    if (overrides.target) out.target = overrides.target;
    if (overrides.platform) out.platform = overrides.platform;
    if (overrides.context) out.context = isAbsolute(overrides.context) ? overrides.context : resolve(base, overrides.context);
  }
  return out;
}

/** `*` and `?` stay within a path segment, `**` spans segments, `{a,b}` picks one. */
export function globMatches(pattern: string, path: string): boolean {
  const matcher = settingsGlobMatcher(pattern);
  return matcher ? matcher.matches(path) : pattern === path;
}

function asObject(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

function asBuilder(raw: unknown): Builder | undefined {
  return raw === 'classic' || raw === 'buildkit' ? raw : undefined;
}

/** Build args as docker takes them: strings; numbers and booleans written in JSON are turned into text. */
function asArgs(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(asObject(raw))) {
    if (!key) continue;
    if (typeof value === 'string') setOwn(out, key, value);
    else if (typeof value === 'number' || typeof value === 'boolean') setOwn(out, key, String(value));
  }
  return out;
}
