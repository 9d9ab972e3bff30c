// What every rule receives, and small helpers the rules share: the instruction's words, its
// keyword as written, flags back to text, and the working folder before each instruction.
import { instructionRange, type TextModel } from './text';
import { splitKeepingQuotes, type Stage, type StageGraph } from '../dockerfile/stages';
import type { ContextIndex } from './manifests';
import type { Advice, AdviceCode, AdviceSeverity, Fix, RelatedLine } from './types';
import type { Flag, Instruction, ParsedDockerfile } from '../dockerfile/parse';
import type { Translate } from '../shared/translate';
import type { Builder } from '../shared/types';

export interface RuleContext {
  model: TextModel;
  parsed: ParsedDockerfile;
  graph: StageGraph;
  builder: Builder;
  t: Translate;
  /** The context, when the caller gave one (built lazily: it can be large). */
  index(): ContextIndex | undefined;
  ignoreFile?: string;
  /** The Dockerfile's path or name, when the caller knows it. */
  fileName?: string;
}

export type Rule = (ctx: RuleContext) => Advice[];

export function makeAdvice(
  ctx: RuleContext,
  code: AdviceCode,
  severity: AdviceSeverity,
  ins: { line: number; endLine: number },
  message: string,
  fixes: Fix[],
  extra: { related?: RelatedLine[]; tags?: Array<'unnecessary'> } = {},
): Advice {
  return {
    code,
    severity,
    line: ins.line,
    endLine: ins.endLine,
    range: instructionRange(ctx.model, ins),
    message,
    ...(extra.tags ? { tags: extra.tags } : {}),
    ...(extra.related?.length ? { related: extra.related } : {}),
    fixes,
  };
}

/** The keyword exactly as the file spells it (`run`, `Copy`, ...), so new lines match the style. */
export function keywordAsWritten(model: TextModel, ins: Instruction): string {
  const m = /^\s*(\S+)/.exec(model.lines[ins.line - 1].replace(/^\uFEFF/, ''));
  return m && m[1].toUpperCase() === ins.keyword ? m[1] : ins.keyword;
}

export function flagText(flag: Flag): string {
  if (flag.value === undefined) return `--${flag.name}`;
  return /[\s"']/.test(flag.value) ? `--${flag.name}="${flag.value.replace(/["\\]/g, '\\$&')}"` : `--${flag.name}=${flag.value}`;
}

/** COPY/ADD sources and destination without quotes; undefined for heredocs or variables in paths. */
export function copyOperands(ins: Instruction): { sources: string[]; dest: string } | undefined {
  if (ins.heredocs.length) return undefined;
  const words = ins.json ?? splitKeepingQuotes(ins.args).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
  if (words.length < 2 || words.some((w) => w.includes('$'))) return undefined;
  return { sources: words.slice(0, -1), dest: words[words.length - 1] };
}

/** The shell text of a RUN (exec form joined with spaces). */
export function runCommand(ins: Instruction): string {
  return ins.json ? ins.json.join(' ') : ins.args;
}

const BASE = '<base>';

/** Normalises `p` against `cwd`; `<base>` stands for the base image's working folder. Undefined when unknown. */
export function resolveDir(cwd: string | undefined, p: string): string | undefined {
  if (p.includes('$')) return undefined;
  if (!p.startsWith('/') && cwd === undefined) return undefined;
  const parts = p.startsWith('/') ? [] : (cwd as string).split('/').filter(Boolean);
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length || parts[parts.length - 1] === BASE) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts[0] === BASE ? parts.join('/') : '/' + parts.join('/');
}

/** The working folder before each instruction of a stage, then after its last (undefined once a WORKDIR uses a variable). */
export function stageWorkdirs(stage: Stage, graph: StageGraph, depth = 0): Array<string | undefined> {
  let cwd: string | undefined = BASE;
  if (stage.parent !== undefined && depth < 64) {
    const dirs = stageWorkdirs(graph.stages[stage.parent], graph, depth + 1);
    cwd = dirs[dirs.length - 1];
  }
  const out: Array<string | undefined> = [];
  for (const ins of stage.instructions) {
    out.push(cwd);
    if (ins.keyword === 'WORKDIR') cwd = resolveDir(cwd, ins.args.trim());
  }
  out.push(cwd);
  return out;
}

/** Stage instructions that carry no build step and do not change where or how later steps run. */
export const INERT = new Set(['LABEL', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'MAINTAINER']);
/** Metadata that later RUNs depend on, but COPY does not (unless its text expands a variable). */
export const RUN_METADATA = new Set(['ENV', 'ARG', 'USER', 'SHELL']);

/**
 * Where the command of a shell-form RUN starts (after the keyword and flags), as an LSP position;
 * undefined when it cannot be found on the instruction's own lines.
 */
export function commandStart(model: TextModel, ins: Instruction, escape: string): { line: number; character: number } | undefined {
  let line = ins.line - 1;
  let text = model.lines[line].replace(/^\uFEFF/, '');
  let pos = (/^\s*\S+/.exec(text)?.[0].length ?? 0) + (model.lines[line].length - text.length);
  text = model.lines[line];
  let flagsLeft = ins.flags.length;
  for (;;) {
    while (pos < text.length && /[ \t]/.test(text[pos])) pos++;
    const rest = text.slice(pos);
    if (rest === escape || rest === '' || /^\s*$/.test(rest) || rest.trimEnd() === escape) {
      // The command continues on a later line: skip comment and blank lines.
      do line++;
      while (line < ins.endLine && /^\s*(#|$)/.test(model.lines[line]));
      if (line >= ins.endLine) return undefined;
      text = model.lines[line];
      pos = 0;
      continue;
    }
    if (flagsLeft > 0 && rest.startsWith('--')) {
      const m = /^--(?:"[^"]*"|'[^']*'|[^\s"'])+/.exec(rest);
      pos += m ? m[0].length : 2;
      flagsLeft--;
      continue;
    }
    return { line, character: pos };
  }
}
