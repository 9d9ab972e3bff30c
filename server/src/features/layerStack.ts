// The layer stack request: the core's view model (core/layerStack.ts) for a document's current analysis,
// with sizes of the context files each COPY/ADD selects (after .dockerignore).
import { viewEntry, type ContextView } from '../core/context';
import { layerStackModel } from '../core/layerStack';
import type { Analysis } from '../documents';
import type { LayerStackResult } from '../protocol';

/** The steps carry what real builds recorded (sizes, run times): the model prefers those to estimates. */
export function layerStack(analysis: Analysis): LayerStackResult {
  const { settings, project, plan } = analysis;
  const model = project && plan
    ? layerStackModel({
      text: project.text,
      builder: project.options.builder,
      buildArgs: project.options.buildArgs,
      ...(project.options.target ? { target: project.options.target } : {}),
      steps: plan.steps,
      sizeOf: (path) => sizeOf(project.view, path),
    })
    : null;
  return {
    model,
    baseline: analysis.baseline,
    simulation: analysis.simulation ?? null,
    problem: analysis.problem ?? null,
    builder: project?.options.builder ?? settings.builder,
    target: project?.options.target ?? null,
  };
}

/** Bytes of a file (a symlink: its target text); undefined for folders and paths not in the context. */
function sizeOf(view: ContextView, path: string): number | undefined {
  const entry = viewEntry(view, path);
  if (entry?.type === 'file') return entry.size;
  if (entry?.type === 'symlink') return entry.linkTarget?.length ?? 0;
  return undefined;
}
