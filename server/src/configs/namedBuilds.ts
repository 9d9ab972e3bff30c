// A named context that is another build's output (Bake `contexts = { base = "target:base" }`) is planned from that
// build's own plan when the configuration declares it: the Bake target of that name in the same folder's Bake files.
// Compose's `service:NAME` is not resolved: the compose this project checks against (2.26.1) refuses it ("failed to
// get build context base: stat service:base"), so what a newer compose does is not known here; it stays 'maybe'.
import { dirname } from 'node:path';
import { setOwn } from '../core/shared/own';
import { plannable, type BuildConfig } from './types';

/** How deep named builds nest (a target whose named context is a target whose ...): beyond it, 'maybe'. */
export const MAX_NAMED_BUILD_DEPTH = 4;

/** One named build: the configuration it comes from, and its own named builds (bounded, no cycles). */
export interface NamedBuildConfig {
  config: BuildConfig;
  builds: Record<string, NamedBuildConfig>;
}

function sameBuild(a: BuildConfig, b: BuildConfig): boolean {
  return a.kind === b.kind && a.source.file === b.source.file && a.source.line === b.source.line && a.source.name === b.source.name;
}

/** The Bake target `target:NAME` names: declared in a Bake file of the same folder, plannable. */
function targetOf(config: BuildConfig, value: string, all: readonly BuildConfig[]): BuildConfig | undefined {
  if (config.kind !== 'bake') return undefined;
  const m = /^target:(.+)$/i.exec(value);
  if (!m) return undefined;
  const folder = dirname(config.source.file);
  const found = all.filter((c) => c.kind === 'bake' && c.source.name === m[1] && dirname(c.source.file) === folder);
  // Several of that name (one per Bake file of the folder, merged by bake): the last file's wins, as bake reads them in order.
  const c = found[found.length - 1];
  return c && plannable(c) ? c : undefined;
}

/**
 * The named contexts of `config` that are another build's output it declares: name → that build (with its own, as
 * deep as MAX_NAMED_BUILD_DEPTH). A build already on the way (a cycle) is left out: Bake refuses it anyway.
 */
export function namedBuildConfigs(config: BuildConfig, all: readonly BuildConfig[], chain: readonly BuildConfig[] = []): Record<string, NamedBuildConfig> {
  const out: Record<string, NamedBuildConfig> = {};
  if (chain.length >= MAX_NAMED_BUILD_DEPTH) return out;
  const path = [...chain, config];
  for (const [name, value] of Object.entries(config.namedContexts)) {
    const other = targetOf(config, value, all);
    if (!other || path.some((c) => sameBuild(c, other))) continue;
    setOwn(out, name, { config: other, builds: namedBuildConfigs(other, all, path) });
  }
  return out;
}

/**
 * What planning one named build takes from its configuration (the fields of ProjectOptions it sets): its Dockerfile,
 * context, target, platform, args (the unknown ones said), named contexts and its own named builds.
 */
export interface NamedBuildOptions {
  dockerfile: string;
  context?: string;
  target?: string;
  platform?: string;
  buildArgs: Record<string, string>;
  unresolvedArgs?: Record<string, string>;
  namedContexts?: Record<string, string>;
  namedBuilds?: Record<string, NamedBuildOptions>;
}

/** namedBuildConfigs as options: name → its build's configuration, as planning takes it. */
export function namedBuildOptions(builds: Record<string, NamedBuildConfig>): Record<string, NamedBuildOptions> {
  const out: Record<string, NamedBuildOptions> = {};
  for (const [name, { config: c, builds: own }] of Object.entries(builds)) {
    const nested = namedBuildOptions(own);
    setOwn(out, name, {
      dockerfile: c.dockerfile as string,
      ...(c.context ? { context: c.context } : {}),
      ...(c.target ? { target: c.target } : {}),
      ...(c.platform ? { platform: c.platform } : {}),
      buildArgs: { ...c.args },
      ...(Object.keys(c.unresolvedArgs).length ? { unresolvedArgs: { ...c.unresolvedArgs } } : {}),
      ...(Object.keys(c.namedContexts).length ? { namedContexts: { ...c.namedContexts } } : {}),
      ...(Object.keys(nested).length ? { namedBuilds: nested } : {}),
    });
  }
  return out;
}
