// The Dockerfile as lines, for fixes that must change only what they mean to: every edit is made
// of whole original lines (moved or deleted byte for byte, line endings included) plus new lines
// written with the file's own line ending (CRLF stays CRLF).
import type { Instruction } from '../dockerfile/parse';
import type { Position, Range, TextEdit, TextModel } from './types';

export type { TextModel };

export function textModel(text: string): TextModel {
  const lines: string[] = [];
  const endings: string[] = [];
  const re = /\r?\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push(text.slice(start, m.index));
    endings.push(m[0]);
    start = m.index + m[0].length;
  }
  lines.push(text.slice(start));
  endings.push('');
  return { text, lines, endings, eol: endings.find((e) => e !== '') ?? '\n' };
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*\S.*$/;

function isComment(line: string): boolean {
  return /^\s*#/.test(line);
}

/** Lines 0..n of the file that are parser directives (only at the very top). */
function directiveCount(model: TextModel): number {
  let n = 0;
  while (n < model.lines.length && DIRECTIVE.test(model.lines[n].replace(/^\uFEFF/, ''))) n++;
  return n;
}

/**
 * 0-based first line of an instruction together with the comment lines right above it (no blank
 * line between), never reaching back into the previous instruction or the parser directives.
 */
export function blockStart(model: TextModel, ins: Instruction, previous?: Instruction): number {
  const floor = Math.max(previous ? previous.endLine : 0, directiveCount(model));
  let start = ins.line - 1;
  while (start - 1 >= floor && isComment(model.lines[start - 1])) start--;
  return start;
}

/** The text of lines [from, to] (0-based, inclusive) with their endings; the last one always ends. */
export function linesText(model: TextModel, from: number, to: number): string {
  let out = '';
  for (let i = from; i <= to; i++) out += model.lines[i] + (model.endings[i] || model.eol);
  return out;
}

function endOfLine(model: TextModel, line: number): Position {
  return { line, character: model.lines[line].length };
}

/** Range of whole lines [from, to] (0-based, inclusive): from the first's start to the last's end. */
export function linesRange(model: TextModel, from: number, to: number): Range {
  return { start: { line: from, character: 0 }, end: endOfLine(model, to) };
}

/** Range of an instruction (1-based lines) for diagnostics. */
export function instructionRange(model: TextModel, ins: { line: number; endLine: number }): Range {
  const last = Math.min(ins.endLine, model.lines.length) - 1;
  return linesRange(model, ins.line - 1, Math.max(last, ins.line - 1));
}

/** Deletes lines [from, to] (0-based, inclusive) with their endings. */
export function deleteLines(model: TextModel, from: number, to: number): TextEdit {
  if (to + 1 < model.lines.length) return { range: { start: { line: from, character: 0 }, end: { line: to + 1, character: 0 } }, newText: '' };
  // The last line has no ending of its own: take the one before it instead.
  if (from === 0) return { range: linesRange(model, from, to), newText: '' };
  return { range: { start: endOfLine(model, from - 1), end: endOfLine(model, to) }, newText: '' };
}

/** Inserts whole lines (each ending with an EOL) before 0-based line `line`; line = line count appends. */
export function insertLines(model: TextModel, line: number, text: string): TextEdit {
  const last = model.lines.length - 1;
  if (line <= last) return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: text };
  if (model.lines[last] === '') return { range: { start: { line: last, character: 0 }, end: { line: last, character: 0 } }, newText: text };
  // The last line has no ending: give it one and leave the new text's last line without.
  const pos = endOfLine(model, last);
  return { range: { start: pos, end: pos }, newText: model.eol + withoutTrailingEol(text) };
}

function withoutTrailingEol(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** Replaces lines [from, to] (0-based, inclusive) by whole lines; the last line's ending stays as it was. */
export function replaceLines(model: TextModel, from: number, to: number, text: string): TextEdit {
  return { range: linesRange(model, from, to), newText: withoutTrailingEol(text) };
}

/** Offset in `text` of an LSP position; characters past the end of a line clamp to it. */
export function offsetAt(model: TextModel, pos: Position): number {
  let offset = 0;
  const line = Math.min(Math.max(pos.line, 0), model.lines.length - 1);
  for (let i = 0; i < line; i++) offset += model.lines[i].length + model.endings[i].length;
  if (pos.line >= model.lines.length) return model.text.length;
  return offset + Math.min(Math.max(pos.character, 0), model.lines[line].length);
}

/**
 * Applies non-overlapping edits made against `text`. Inserts at the same position keep their
 * array order, as in the Language Server Protocol.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const model = textModel(text);
  const spans = edits
    .map((e, i) => ({ start: offsetAt(model, e.range.start), end: offsetAt(model, e.range.end), text: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start < at) throw new Error(`Overlapping edits at offset ${s.start}.`);
    out += text.slice(at, s.start) + s.text;
    at = s.end;
  }
  return out + text.slice(at);
}
