// Turns Dockerfile text into instructions. dockerfile-ast finds the instructions and their line
// ranges; the text each cache key uses is rebuilt from those lines with Docker's own rules
// (moby/buildkit frontend/dockerfile/parser/parser.go): continuation lines keep their leading
// whitespace, comment and blank lines inside a continuation are dropped, and `\` plus trailing
// blanks is removed. So re-indenting a continued RUN changes its key; editing a comment inside it
// does not (cache-rules R7, C29).
import { workCounts } from '../shared/workCounts';
import { DockerfileParser } from 'dockerfile-ast';
import type { Diagnostic } from '../shared/types';
import { diagnosticOf, msg } from '../shared/message';

export interface Flag {
  name: string;
  value?: string;
}

export interface Heredoc {
  name: string;
  content: string;
  chomp: boolean;
  /** False when the name was quoted: the body is taken literally. */
  expand: boolean;
}

export interface Instruction {
  keyword: string;
  /** 1-based first and last line. */
  line: number;
  endLine: number;
  /** Leading `--name=value` flags. */
  flags: Flag[];
  /** Arguments after the flags, as Docker joined them (heredoc bodies not included). */
  args: string;
  /** Exec (JSON array) form, when the arguments are one. */
  json?: string[];
  heredocs: Heredoc[];
}

export interface ParsedDockerfile {
  instructions: Instruction[];
  escape: string;
  diagnostics: Diagnostic[];
}

export const KNOWN_KEYWORDS = new Set([
  'FROM',
  'RUN',
  'CMD',
  'LABEL',
  'MAINTAINER',
  'EXPOSE',
  'ENV',
  'ADD',
  'COPY',
  'ENTRYPOINT',
  'VOLUME',
  'USER',
  'WORKDIR',
  'ARG',
  'ONBUILD',
  'STOPSIGNAL',
  'HEALTHCHECK',
  'SHELL',
]);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

export function parseDockerfile(text: string): ParsedDockerfile {
  workCounts.parses++;
  const diagnostics: Diagnostic[] = [];
  const source = text.replace(/^\uFEFF/, '');
  if (source.includes('\u0000')) {
    return {
      instructions: [],
      escape: '\\',
      diagnostics: [
        { line: 1, severity: 'error', message: 'This file contains NUL bytes: it looks binary, not like a Dockerfile. Open the Dockerfile itself.' },
      ],
    };
  }
  const ast = DockerfileParser.parse(source.replace(/\r(?!\n)/g, ' '));
  const escape = ast.getEscapeCharacter() || '\\';
  // Docker breaks lines at \n only; dockerfile-ast also at a lone \r. It gets a copy where a lone
  // CR is a space (same offsets), so its ranges index exactly Docker's lines.
  const lines = source.split('\n');
  const instructions: Instruction[] = [];
  for (const node of ast.getInstructions()) {
    const range = node.getRange();
    const start = range.start.line;
    const end = Math.min(range.end.line, lines.length - 1);
    const keyword = node.getKeyword().toUpperCase();
    const instruction = buildInstruction(keyword, lines, start, end, escape, diagnostics);
    if (!KNOWN_KEYWORDS.has(keyword)) {
      diagnostics.push(diagnosticOf(start + 1, 'error', msg('unknownInstruction', node.getKeyword(), [...KNOWN_KEYWORDS].join(', '))));
    }
    instructions.push(instruction);
  }
  if (!instructions.some((i) => i.keyword === 'FROM')) {
    diagnostics.push(diagnosticOf(1, 'error', msg('noFrom')));
  } else {
    const firstOther = instructions.find((i) => i.keyword !== 'ARG');
    if (firstOther && firstOther.keyword !== 'FROM') {
      diagnostics.push(diagnosticOf(firstOther.line, 'error', msg('beforeFirstFrom', firstOther.keyword)));
    }
  }
  return { instructions, escape, diagnostics };
}

function buildInstruction(keyword: string, lines: string[], start: number, end: number, escape: string, diagnostics: Diagnostic[]): Instruction {
  const continuation = continuationRegex(escape);
  const trimNewline = (s: string) => s.replace(/[\r\n]+$/, '');
  let logical = '';
  let i = start;
  let first = trimNewline(lines[i]).replace(/^\s+/, '');
  let ended = !continuation.test(first);
  logical = first.replace(continuation, '$1');
  i++;
  while (!ended && i <= end) {
    const raw = trimNewline(lines[i]);
    i++;
    if (/^\s*#/.test(raw) || raw.trim() === '') continue;
    ended = !continuation.test(raw);
    logical += raw.replace(continuation, '$1');
  }
  first = logical.trim();
  const afterKeyword = first.replace(/^\S+\s*/, '');
  const { flags, rest } = extractFlags(afterKeyword);
  const heredocs: Heredoc[] = [];
  if (HEREDOC_KEYWORDS.has(keyword) && rest.includes('<<')) {
    for (const word of rest.split(/\s+/)) {
      const m = /^\d*<<(-?)(["']?)([A-Za-z][A-Za-z0-9_]*)\2$/.exec(word);
      if (!m) continue;
      const [, dash, quote, name] = m;
      const chomp = dash === '-';
      let content = '';
      let terminated = false;
      while (i < lines.length) {
        const raw = lines[i];
        i++;
        let candidate = trimNewline(raw);
        if (chomp) candidate = candidate.replace(/^\t+/, '');
        if (candidate === name) {
          terminated = true;
          break;
        }
        content += raw.replace(/\r$/, '') + '\n';
      }
      if (!terminated) {
        diagnostics.push(diagnosticOf(start + 1, 'error', msg('unterminatedHeredoc', name, name)));
      }
      heredocs.push({ name, content, chomp, expand: quote === '' });
    }
  }
  const json = parseJsonArray(rest);
  return {
    keyword,
    line: start + 1,
    endLine: Math.max(end, i - 1) + 1 > lines.length ? lines.length : Math.max(end, i - 1) + 1,
    flags,
    args: rest,
    ...(json ? { json } : {}),
    heredocs,
  };
}

function continuationRegex(escape: string): RegExp {
  const e = escape.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

/** Leading `--flag[=value]` words, quotes allowed inside values (Docker's extractBuilderFlags). */
export function extractFlags(text: string): { flags: Flag[]; rest: string } {
  const flags: Flag[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
    if (!text.startsWith('--', pos)) break;
    let word = '';
    let quote = '';
    let j = pos + 2;
    for (; j < text.length; j++) {
      const c = text[j];
      if (quote) {
        if (c === quote) quote = '';
        else word += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (/\s/.test(c)) break;
      else word += c;
    }
    if (word === '') break;
    const eq = word.indexOf('=');
    flags.push(eq < 0 ? { name: word } : { name: word.slice(0, eq), value: word.slice(eq + 1) });
    pos = j;
  }
  return { flags, rest: text.slice(pos).trim() };
}

function parseJsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // Not JSON: Docker then treats the text as shell form.
  }
  return undefined;
}

export function flagValue(instruction: Instruction, name: string): string | undefined {
  const found = instruction.flags.filter((f) => f.name === name);
  return found.length ? (found[found.length - 1].value ?? '') : undefined;
}

export function flagValues(instruction: Instruction, name: string): string[] {
  return instruction.flags.filter((f) => f.name === name).map((f) => f.value ?? '');
}
