// Which hover a position in the Dockerfile asks for: a flag (`--mount=...`, `--from=...`) when
// the position is on one, else the whole instruction. Comment and blank lines get none.
import { explainFlag, explainInstruction, type ExplainOptions } from './explain';
import { instructionRange, textModel, type TextModel } from '../advise/text';
import { parseDockerfile, type Flag, type Instruction, type ParsedDockerfile } from '../dockerfile/parse';
import type { Position, Range } from '../advise/types';
import type { StepPrediction } from '../shared/types';

export interface Hover {
  /** Markdown. */
  contents: string;
  range: Range;
}

export interface FlagSpan {
  flag: Flag;
  range: Range;
}

/** Where each leading flag of an instruction is written (flags may continue on later lines). */
export function flagSpans(model: TextModel, ins: Instruction, escape: string): FlagSpan[] {
  const spans: FlagSpan[] = [];
  let line = ins.line - 1;
  const first = model.lines[line];
  let pos = /^\uFEFF?\s*\S+/.exec(first)?.[0].length ?? 0;
  let text = first;
  while (spans.length < ins.flags.length) {
    while (pos < text.length && /[ \t]/.test(text[pos])) pos++;
    const rest = text.slice(pos);
    if (rest.trim() === '' || rest.trim() === escape) {
      do line++;
      while (line < ins.endLine && /^\s*(#|$)/.test(model.lines[line]));
      if (line >= ins.endLine) break;
      text = model.lines[line];
      pos = 0;
      continue;
    }
    const m = /^--(?:"[^"]*"|'[^']*'|[^\s"'])+/.exec(rest);
    if (!m) break;
    spans.push({ flag: ins.flags[spans.length], range: { start: { line, character: pos }, end: { line, character: pos + m[0].length } } });
    pos += m[0].length;
  }
  return spans;
}

function inside(range: Range, p: Position): boolean {
  const afterStart = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** The hover for an LSP position, or undefined on comments, blank lines and outside instructions. */
export function hoverAt(
  text: string,
  position: Position,
  options: ExplainOptions & { steps?: readonly StepPrediction[]; lines?: TextModel },
  parsed?: ParsedDockerfile,
): Hover | undefined {
  try {
    parsed ??= parseDockerfile(text);
  } catch {
    return undefined;
  }
  const line = position.line + 1;
  const ins = parsed.instructions.find((i) => i.line <= line && line <= i.endLine);
  if (!ins) return undefined;
  const model = options.lines ?? textModel(text);
  const raw = model.lines[position.line] ?? '';
  // A comment line inside a continued instruction is not part of it for Docker.
  if (line !== ins.line && /^\s*#/.test(raw) && !ins.heredocs.length) return undefined;
  const step = options.steps?.find((s) => s.line === ins.line);
  const opts: ExplainOptions = { ...options, instructions: options.instructions ?? parsed.instructions };
  const span = flagSpans(model, ins, parsed.escape).find((s) => inside(s.range, position));
  if (span) return { contents: explainFlag(ins, span.flag, step, opts), range: span.range };
  return { contents: explainInstruction(ins, step, opts), range: instructionRange(model, ins) };
}
