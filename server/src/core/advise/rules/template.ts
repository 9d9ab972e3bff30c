// Rule template-not-analysed: a Dockerfile template (Jinja `Dockerfile.j2`, Go `Dockerfile.tmpl`, autoconf
// `Dockerfile.in`, `Dockerfile.template`) holds template syntax between its instructions, so findings from its
// text would be about lines that never reach a build. It gets one notice instead; advise() runs no other rule.
import { instructionRange } from '../text';
import type { Rule } from '../rule';
import type { TextModel } from '../text';
import type { Advice } from '../types';
import type { Translate } from '../../shared/translate';

const TEMPLATE_NAME = /\.(j2|jinja2?|tmpl|tpl|in|template)$/i;

/** A template by its file name (a path or URI; only the last segment counts). */
export function isTemplateName(fileName: string): boolean {
  const base =
    fileName
      .replace(/[?#].*$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  return TEMPLATE_NAME.test(base);
}

export const templateNotAnalysed: Rule = (ctx) => (ctx.fileName !== undefined && isTemplateName(ctx.fileName) ? [templateNotice(ctx.model, ctx.t)] : []);

/** The one notice a template gets, on its first line. */
export function templateNotice(model: TextModel, t: Translate): Advice {
  const line = { line: 1, endLine: 1 };
  return {
    code: 'template-not-analysed',
    severity: 'info',
    ...line,
    range: instructionRange(model, line),
    message: t(
      'This file is a template (Jinja, Go template): Layer Lens does not analyse templates, so it gives no advice here. Open the Dockerfile the template generates to see its advice.',
    ),
    fixes: [],
  };
}
