// Which build configuration a Dockerfile is planned with in the editor: a `layerLens.dockerfiles` entry wins,
// then the user's pick, then the first discovered configuration (devcontainer, compose, Bake, workflow), then
// the Dockerfile's folder.
import { setOwn } from '../core/shared/own';
import { configLabel, type BuildConfig } from '../configs/types';
import { namedBuildConfigs, namedBuildOptions } from '../configs/namedBuilds';
import type { ConfigurationChoice } from '../protocol';
import type { DockerfileSettings } from '../settings';

export const FOLDER_CHOICE: ConfigurationChoice = { id: 'folder', label: 'folder', source: '' };

export function configId(c: BuildConfig): string {
  return `${c.kind}:${c.source.file}:${c.source.line}:${c.source.name}`;
}

export function choiceOf(c: BuildConfig): ConfigurationChoice {
  return { id: configId(c), label: configLabel(c), source: `${c.source.file}:${c.source.line}` };
}

/**
 * The settings with the chosen configuration's context, target, platform and args (over `layerLens.buildArgs`).
 * `configs` are the plannable configurations that build this Dockerfile, in precedence order; `all`, every one the
 * workspace has (a Bake target's `target:NAME` named context is planned with the target of that name).
 */
export function withConfiguration(
  settings: DockerfileSettings,
  configs: BuildConfig[],
  picked: string | undefined,
  all: readonly BuildConfig[] = configs,
): DockerfileSettings {
  if (settings.fromSetting)
    return {
      ...settings,
      configuration: { id: 'setting', label: 'layerLens.dockerfiles', source: '', origin: 'setting', choices: [], unresolvedArgs: {}, notes: [] },
    };
  if (!configs.length) return settings;
  const choices = [...configs.map(choiceOf), FOLDER_CHOICE];
  const pickedConfig = picked === undefined ? undefined : configs.find((c) => configId(c) === picked);
  if (picked === FOLDER_CHOICE.id) return { ...settings, configuration: { ...FOLDER_CHOICE, origin: 'folder', choices, unresolvedArgs: {}, notes: [] } };
  const c = pickedConfig ?? configs[0];
  const buildArgs = { ...settings.buildArgs };
  // Named contexts that are another build's output (Bake `target:NAME`): that build, from the workspace's configurations.
  const namedBuilds = namedBuildOptions(namedBuildConfigs(c, all));
  for (const [k, v] of Object.entries(c.args)) setOwn(buildArgs, k, v);
  const notes = [...c.notes];
  const argSources: Record<string, string> = {};
  for (const [k, at] of Object.entries(c.argSources ?? {})) setOwn(argSources, k, `${at.file}:${at.line}`);
  if (configs.length > 1) notes.push(`${configs.length} configurations build this Dockerfile: "Layer Lens: Choose Build Configuration" picks another.`);
  return {
    ...settings,
    buildArgs,
    ...(c.context ? { context: c.context } : {}),
    ...(c.target ? { target: c.target } : {}),
    ...(c.platform ? { platform: c.platform } : {}),
    ...(Object.keys(c.unresolvedArgs).length ? { unresolvedArgs: c.unresolvedArgs } : {}),
    ...(Object.keys(c.namedContexts).length ? { namedContexts: c.namedContexts } : {}),
    ...(Object.keys(namedBuilds).length ? { namedBuilds } : {}),
    configuration: {
      ...choiceOf(c),
      origin: pickedConfig ? 'picked' : 'discovered',
      choices,
      unresolvedArgs: c.unresolvedArgs,
      notes,
      ...(Object.keys(argSources).length ? { argSources } : {}),
    },
  };
}
