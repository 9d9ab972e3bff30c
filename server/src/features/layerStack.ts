// The layer stack request: the core's view model (core/layerStack.ts) for a document's current analysis,
// with sizes of the context files each COPY/ADD selects (after .dockerignore).
import { viewEntry, type ContextView } from '../core/context';
import { layerStackModel, type DrawnBlock, type LayerStackModel, type LayerSummary } from '../core/layerStack';
import { englishT, type Translate } from '../core/explainTranslate';
import type { Analysis } from '../documents';
import type { LayerStackResult } from '../protocol';
import { verdictWord } from './codeLens';
import { matchTemplate, SIZE_TEMPLATES, translateReason } from './reasonText';

/** The steps carry what real builds recorded (sizes, run times): the model prefers those to estimates. */
export function layerStack(analysis: Analysis, t: Translate = englishT): LayerStackResult {
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
    model: model && t !== englishT ? localised(model, t) : model,
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

/** The model's words in the display language: verdicts, reasons, sizes and the summary (file names stay). */
function localised(model: LayerStackModel, t: Translate): LayerStackModel {
  const block = (b: DrawnBlock): DrawnBlock => ({ ...b, verdict: verdictWord(b.status, t), reason: translateReason(b.reason, t), sizeText: matchTemplate(b.sizeText, SIZE_TEMPLATES, t) ?? b.sizeText });
  return {
    ...model,
    stages: model.stages.map((s) => ({ ...s, base: block(s.base), blocks: s.blocks.map(block) })),
    summary: localisedSummary(model.summary, t),
  };
}

/** The summary line said again from its numbers, as core/layerStack.ts summarise() says it in English. */
export function localisedSummary(summary: LayerSummary, t: Translate): LayerSummary {
  const { layers: n, rebuild, maybe, firstMiss, costMs, timed } = summary;
  let text: string;
  if (n === 0) text = t('No layers to build');
  else if (!firstMiss) text = n === 1 ? t('The only layer is cached') : t('All {0} layers cached', n);
  else {
    text = n === 1 ? t('{0} of {1} layer rebuilds', rebuild, n) : rebuild === 1 ? t('{0} of {1} layers rebuilds', rebuild, n) : t('{0} of {1} layers rebuild', rebuild, n);
    if (maybe) text += t(', {0} maybe', maybe);
    const reason = translateReason(firstMiss.reason, t);
    text += t('; first miss: {0} ({1})', firstMiss.text, reason);
    if (timed && timed === rebuild) text += t('; rebuild ≈ {0}', duration(costMs, t));
    else if (timed) text += t('; rebuild ≥ {0} ({1} of {2} timed)', duration(costMs, t), timed, rebuild);
    return { ...summary, text, firstMiss: { ...firstMiss, reason } };
  }
  return { ...summary, text };
}

/** core/layerStack.ts formatDuration in the display language: "850 ms", "42 s", "1 min 5 s". */
function duration(ms: number, t: Translate): string {
  if (ms < 1000) return t('{0} ms', Math.round(ms));
  const s = Math.round(ms / 1000);
  if (s < 60) return t('{0} s', s);
  return s % 60 ? t('{0} min {1} s', Math.floor(s / 60), s % 60) : t('{0} min', Math.floor(s / 60));
}
