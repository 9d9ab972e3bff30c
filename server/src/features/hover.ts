// Hovers: what the instruction (or flag) under the cursor does, when it runs, whether it adds a layer, what its
// cache key includes (core/explain/), and this step's verdict from the analysis the lenses show, simulation
// included. `layerLens.hover.cacheOnly` keeps only the layer and cache part.
import type { Hover, Position } from 'vscode-languageserver';
import { hoverAt } from '../core/explain/locate';
import type { Translate } from '../core/shared/translate';
import type { StepPrediction } from '../core/shared/types';
import type { Analysis } from '../documents';
import type { LayerLensSettings } from '../settings';
import { renderReason } from '../core/plan/reason';
import { lazyProperty } from '../core/shared/lazy';
import { renderMessage } from '../core/shared/message';

export function hover(analysis: Analysis | undefined, text: string | undefined, position: Position, settings: LayerLensSettings, t: Translate): Hover | null {
  if (!analysis || text === undefined) return null;
  // Text past the limits (core/dockerfile/limits.ts) is not analysed; its one diagnostic says why.
  const model = analysis.model.at(text);
  const parsed = model.parsed;
  if (!parsed && model.limit) return null;
  // The plan is of the text the analysis took up; a newer edit (not analysed yet) gets no verdicts rather than wrong ones.
  const current = analysis.project?.text === text;
  const steps = current ? analysis.plan?.steps.map((s) => withSimulation(s, analysis, t)) : undefined;
  const options = { builder: analysis.settings.builder, cacheOnly: settings.hover.cacheOnly, t, lines: model.source.lines, ...(steps ? { steps } : {}) };
  const found = hoverAt(text, position, options, parsed);
  if (!found) return null;
  const problem = !steps && analysis.problem ? `\n\n---\n${t('Layer Lens: {0}', renderMessage(analysis.problem, t))}` : '';
  return { contents: { kind: 'markdown', value: found.contents + argOrigins(analysis, text, position.line, t) + problem }, range: found.range };
}

/** On an ARG line: where the build configuration the plan uses sets each of its args (`compose.yaml:14`). */
function argOrigins(analysis: Analysis, text: string, line: number, t: Translate): string {
  const config = analysis.settings.configuration;
  if (!config?.argSources) return '';
  const m = /^\s*ARG\s+(.*)$/i.exec(text.split(/\r?\n/)[line] ?? '');
  if (!m) return '';
  const out: string[] = [];
  for (const word of m[1].trim().split(/\s+/)) {
    const name = word.split('=')[0];
    if (!name || !Object.hasOwn(config.argSources, name)) continue;
    // In code spans: the file, label and value come from the workspace's files.
    const code = (v: string): string => `\`${v.replace(/`/g, "'")}\``;
    const at = code(config.argSources[name]);
    const label = code(config.label);
    const why = Object.hasOwn(config.unresolvedArgs, name) ? config.unresolvedArgs[name] : undefined;
    const value = Object.hasOwn(analysis.settings.buildArgs, name) ? analysis.settings.buildArgs[name] : undefined;
    if (why !== undefined) out.push(t('Build arg {0}: set by {1} ({2}), unknown here: {3}.', code(name), at, label, code(why)));
    else if (value !== undefined) out.push(t('Build arg {0} = {1}, from {2} ({3}).', code(name), code(value), at, label));
  }
  return out.length ? `\n\n---\n${out.join('\n\n')}` : '';
}

/**
 * The step with its reason in the display language, and the simulation it assumes, if any. Rendered when read: the
 * hover shows one step of the plan.
 */
function withSimulation(step: StepPrediction, analysis: Analysis, t: Translate): StepPrediction {
  return lazyProperty({ ...step }, 'reason', () => {
    const reason = renderReason(step.cause, t);
    return analysis.simulation ? `${reason} (${t('simulated: {0}', renderReason(analysis.simulation.cause, t))})` : reason;
  });
}
