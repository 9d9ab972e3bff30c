// The options of the replay the editor runs for an analysed Dockerfile (the panel and the lens suffix): the build
// the editor plans for it (settings, the discovered configuration).
import type { Analysis } from '../documents';

/** The build the editor plans for the document, as replayHistory takes it. */
export function replayOptions({ project, settings }: Analysis & { project: NonNullable<Analysis['project']> }) {
  return {
    dockerfile: project.dockerfileAbs,
    context: project.contextDir,
    builder: settings.builder,
    buildArgs: settings.buildArgs,
    ...(settings.target ? { target: settings.target } : {}),
    ...(settings.platform ? { platform: settings.platform } : {}),
    ...(settings.unresolvedArgs ? { unresolvedArgs: settings.unresolvedArgs } : {}),
    ...(settings.namedContexts ? { namedContexts: settings.namedContexts } : {}),
  };
}
