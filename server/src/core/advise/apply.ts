// Applying fixes without a language client: one fix at a time, advising again on the new text
// after each (fixes of different rules may touch neighbouring lines, so edits computed against an
// older text are never combined). Used by `layerlens fix` and by the tests.
import { advise } from './advise';
import { applyEdits } from './text';
import { compileIgnore } from '../context/dockerignore';
import type { Advice, AdviceCode, AdviseContext, AdviseInput, CreateFile, Fix } from './types';

export interface AppliedFix {
  code: AdviceCode;
  /** Line of the advice in the text the fix was applied to. */
  line: number;
  title: string;
}

export interface FixAllResult {
  text: string;
  applied: AppliedFix[];
  createFiles: CreateFile[];
  /** Advice left on the final text (including advice without a fix). */
  remaining: Advice[];
}

export function preferredFix(advice: Advice): Fix | undefined {
  return advice.fixes.find((f) => f.isPreferred) ?? advice.fixes[0];
}

/** The context as it will be once `files` exist: a created .dockerignore filters it. */
function contextAfter(context: AdviseContext | undefined, files: CreateFile[]): AdviseContext | undefined {
  const ignore = files.find((f) => f.path === '.dockerignore');
  if (!context || !ignore) return context;
  const { matcher } = compileIgnore(ignore.text);
  const paths = [...context.paths].filter((p) => !matcher.matchesOrParentMatches(p));
  return { ...context, paths, ignoreFile: '.dockerignore' };
}

export function fixAll(input: AdviseInput, options: { rules?: readonly AdviceCode[]; maxRounds?: number } = {}): FixAllResult {
  let text = input.text;
  let context = input.context;
  const applied: AppliedFix[] = [];
  const createFiles: CreateFile[] = [];
  const tried = new Set<string>();
  const wanted = (a: Advice) => !options.rules || options.rules.includes(a.code);
  for (let round = 0; round < (options.maxRounds ?? 100); round++) {
    const advice = advise({ ...input, parsed: undefined, text, ...(context ? { context } : {}) });
    const next = advice.find((a) => wanted(a) && preferredFix(a) && !tried.has(signature(text, a)));
    if (!next) return { text, applied, createFiles, remaining: advice };
    tried.add(signature(text, next));
    const fix = preferredFix(next) as Fix;
    const files = (fix.createFiles ?? []).filter((f) => !createFiles.some((c) => c.path === f.path));
    text = applyEdits(text, fix.edits);
    createFiles.push(...files);
    if (files.length) context = contextAfter(context, files);
    applied.push({ code: next.code, line: next.line, title: fix.title });
  }
  return { text, applied, createFiles, remaining: advise({ ...input, parsed: undefined, text, ...(context ? { context } : {}) }) };
}

function signature(text: string, advice: Advice): string {
  // The same advice on the same instruction text: applying its fix did not make it go away.
  const lines = text
    .split('\n')
    .slice(advice.line - 1, advice.endLine)
    .join('\n');
  return `${advice.code}\u0000${lines}`;
}
