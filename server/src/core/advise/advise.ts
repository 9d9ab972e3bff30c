// Diagnostics with quick fixes: `advise` runs every rule over the Dockerfile text (and the context,
// when given) and returns plain data with LSP-shaped ranges. Each rule lives in its own file.
import { workCounts } from '../shared/workCounts';
import { parseDockerfile } from '../dockerfile/parse';
import { buildStageGraph } from '../dockerfile/stages';
import { LimitError } from '../dockerfile/limits';
import { textModel } from './text';
import { contextIndex, type ContextIndex } from './manifests';
import { englishT } from '../shared/translate';
import { copyBeforeInstall } from './rules/copyInstall';
import { argDeclaredEarly } from './rules/arg';
import { aptUpdateAlone } from './rules/apt';
import { runStartsApp } from './rules/startApp';
import { cmdOverridden } from './rules/cmd';
import { missingDockerignore } from './rules/ignore';
import { consecutiveRuns } from './rules/runs';
import { isTemplateName, templateNotAnalysed, templateNotice } from './rules/template';
import type { Rule, RuleContext } from './rule';
import type { Advice, AdviceCode, AdviseInput } from './types';

export const RULES: Record<AdviceCode, Rule> = {
  'copy-before-install': copyBeforeInstall,
  'arg-declared-early': argDeclaredEarly,
  'apt-update-alone': aptUpdateAlone,
  'run-starts-app': runStartsApp,
  'cmd-overridden': cmdOverridden,
  'missing-dockerignore': missingDockerignore,
  'consecutive-runs': consecutiveRuns,
  'template-not-analysed': templateNotAnalysed,
};

export function advise(input: AdviseInput): Advice[] {
  workCounts.advice++;
  // A template's lines are template syntax: one notice, no findings from the text.
  if (input.fileName !== undefined && isTemplateName(input.fileName)) {
    if (input.rules && !input.rules.includes('template-not-analysed')) return [];
    return [templateNotice(input.lines ?? textModel(input.text), input.t ?? englishT)];
  }
  let parsed = input.parsed;
  try {
    parsed ??= parseDockerfile(input.text);
  } catch {
    // Text the parser cannot read (e.g. lone CR line breaks) gets no advice rather than an exception.
    return [];
  }
  // Build arguments do not change what the rules look at; the stage structure is the same for all.
  const graph = buildStageGraph(parsed, {});
  let index: ContextIndex | undefined;
  const ctx: RuleContext = {
    model: input.lines ?? textModel(input.text),
    parsed,
    graph,
    builder: input.builder ?? 'buildkit',
    t: input.t ?? englishT,
    index: () => (input.context ? (index ??= contextIndex(input.context)) : undefined),
    ...(input.context?.ignoreFile !== undefined ? { ignoreFile: input.context.ignoreFile } : {}),
    ...(input.fileName !== undefined ? { fileName: input.fileName } : {}),
  };
  const codes = input.rules ?? (Object.keys(RULES) as AdviceCode[]);
  const out: Advice[] = [];
  for (const code of codes) {
    try {
      out.push(...RULES[code](ctx));
    } catch (e) {
      // Text past a limit (core/dockerfile/limits.ts) gets that one message, not one per rule.
      if (e instanceof LimitError) throw e;
      // A rule must never take the others (or the language server) down with it.
      out.push({
        code,
        severity: 'hint',
        line: 1,
        endLine: 1,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: ctx.t('Layer Lens could not check this rule ({0}): {1}', code, (e as Error).message),
        fixes: [],
      });
    }
  }
  return out.sort((a, b) => a.line - b.line || codes.indexOf(a.code) - codes.indexOf(b.code));
}

export type { Advice, AdviceCode, AdviseInput, AdviseContext, Fix, TextEdit, Range, Position, CreateFile, AdviceSeverity } from './types';
export { ADVICE_CODES } from './types';
export { applyEdits } from './text';
