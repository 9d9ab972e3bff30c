// The layer stack request: the core's view model (core/stack/layerStack.ts) for a document's current analysis,
// with sizes of the context files each COPY/ADD selects (after .dockerignore).
import { viewEntry, type ContextView } from '../core/context/context';
import { layerStackModel, summaryText, type DrawnBlock, type LayerStackModel, type LayerSummary } from '../core/stack/layerStack';
import { englishT, type Translate } from '../core/shared/translate';
import type { Analysis } from '../documents';
import type { LayerStackResult } from '../protocol';
import { verdictWord } from './codeLens';
import { renderReason } from '../core/plan/reason';
import { renderMessage } from '../core/shared/message';

/** The steps carry what real builds recorded (sizes, run times): the model prefers those to estimates. */
export function layerStack(analysis: Analysis, t: Translate = englishT): LayerStackResult {
  const { settings, project, plan } = analysis;
  const model =
    project && plan
      ? layerStackModel({
          text: project.text,
          ...(analysis.model.project === project && analysis.model.parsed ? { parsed: analysis.model.parsed } : {}),
          builder: project.options.builder,
          buildArgs: project.options.buildArgs,
          ...(project.options.target ? { target: project.options.target } : {}),
          ...(project.options.platform ? { platform: project.options.platform } : {}),
          ...(project.options.namedContexts ? { namedContexts: project.options.namedContexts } : {}),
          steps: plan.steps,
          sizeOf: (path) => sizeOf(project.view, path),
        })
      : null;
  return {
    model: model && t !== englishT ? localised(model, t) : model,
    baseline: analysis.baseline,
    simulation: analysis.simulation ?? null,
    problem: analysis.problem ? renderMessage(analysis.problem, t) : null,
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

/** The model's words in the display language: verdicts, reasons, sizes and the summary (file names stay). */
function localised(model: LayerStackModel, t: Translate): LayerStackModel {
  const block = (b: DrawnBlock): DrawnBlock => ({
    ...b,
    verdict: verdictWord(b.status, t),
    reason: renderReason(b.cause, t),
    sizeText: renderMessage(b.sizeWords, t),
  });
  return {
    ...model,
    stages: model.stages.map((s) => ({ ...s, base: block(s.base), blocks: s.blocks.map(block) })),
    summary: localisedSummary(model.summary, t),
  };
}

/** The summary in the display language: core/stack/layerStack.ts summaryText with `t`, the first miss's reason translated. */
export function localisedSummary(summary: LayerSummary, t: Translate): LayerSummary {
  const firstMiss = summary.firstMiss && { ...summary.firstMiss, reason: renderReason(summary.firstMiss.cause, t, { short: true }) };
  const localisedCounts = { ...summary, firstMiss };
  return { ...localisedCounts, text: summaryText(localisedCounts, t) };
}
