// How much Dockerfile text Layer Lens analyses: the one place for these limits, shared by the language
// server and the CLI. Real Dockerfiles stay far below every one of them (the largest seen run to a few
// thousand lines; the benchmark's 1,000 lines with 666 instructions in 17 stages is well inside); past
// them a file is generated, hostile or the wrong file, and analysing it would hold the server for long.
// textLimitProblem() is checked before parsing and costs one pass over the text; expansion limits are
// checked while words are expanded (core/dockerfile/words.ts) and thrown as a LimitError.
import { parseDockerfile, type ParsedDockerfile } from './parse';
import { type LimitKind } from './limitMessages';
import { msg, MessageError, renderMessage, type Message } from '../shared/message';

export { LIMIT_MESSAGES, type LimitKind } from './limitMessages';

const LIMIT_CODE = {
  fileSize: 'limitFileSize',
  characters: 'limitCharacters',
  lineLength: 'limitLineLength',
  lines: 'limitLines',
  stages: 'limitStages',
  variableLines: 'limitVariableLines',
  instructions: 'limitInstructions',
  variables: 'limitVariables',
  variableRuns: 'limitVariableRuns',
  expansionDepth: 'limitExpansionDepth',
  expansionLength: 'limitExpansionLength',
} as const satisfies Record<LimitKind, string>;

/** The message of one limit kind with its arguments, as a value. */
export function limitMessage(kind: LimitKind, ...args: Array<string | number>): Message {
  return msg(LIMIT_CODE[kind], ...args);
}

/** A limit problem at `line`: the value and its English text. */
function problemAt(line: number, text: Message): LimitProblem {
  return { line, message: renderMessage(text), text };
}

/** Characters of the whole text (UTF-16 code units, about bytes for ASCII). */
export const MAX_DOCKERFILE_CHARS = 256 * 1024;
/** The CLI refuses a file larger than this before reading it (bytes on disk). */
export const MAX_DOCKERFILE_BYTES = MAX_DOCKERFILE_CHARS;
export const MAX_LINES = 20_000;
/** Characters of one physical line; longer values belong in a file the build copies. */
export const MAX_LINE_LENGTH = 64 * 1024;
/** Lines that start with an instruction keyword (counted before parsing, so heredoc lines may count too). */
export const MAX_INSTRUCTIONS = 5_000;
/** FROM lines: build stages. */
export const MAX_STAGES = 500;
/** ARG and ENV lines: every later RUN's key carries every variable, so they multiply with the RUNs. */
export const MAX_VARIABLE_LINES = 1_000;
/** ARG and ENV names (words of ARG and ENV instructions, counted after parsing). */
export const MAX_VARIABLES = 2_000;
/**
 * Variables times RUN instructions: every RUN's cache key carries every variable in scope, so the work of a
 * plan grows with this product (500 variables and 500 RUNs; the benchmark's 1,000-line file has about 30,000).
 */
export const MAX_VARIABLE_RUNS = 250_000;
/** `${A:-${B:-...}}` nesting while a word is expanded. */
export const MAX_EXPANSION_DEPTH = 64;
/**
 * Characters one expanded word may reach. Linux refuses a single environment string longer than 128 KiB
 * (MAX_ARG_STRLEN), so a RUN after an ENV this long fails anyway.
 */
export const MAX_EXPANDED_LENGTH = 128 * 1024;

/** Text Layer Lens does not analyse: one message for one diagnostic (line 1, or the line at fault). */
export interface LimitProblem {
  line: number;
  /** The English text of `text` (the CLI's). */
  message: string;
  text: Message;
}

/** Thrown by the analysis when an expansion goes past a limit; `line` is set by the instruction loop that caught it. */
export class LimitError extends MessageError {
  line: number | undefined;
  constructor(text: Message, line?: number) {
    super(text);
    this.name = 'LimitError';
    this.line = line;
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** The CLI's message for a file larger than MAX_DOCKERFILE_BYTES on disk (it is not read). */
export function fileSizeMessage(path: string, bytes: number): Message {
  const size = bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
  return limitMessage('fileSize', path, size, MAX_DOCKERFILE_BYTES / 1024);
}

/** The limit this text goes past, if any: one pass over the text, nothing parsed. */
export function textLimitProblem(text: string): LimitProblem | undefined {
  if (text.length > MAX_DOCKERFILE_CHARS) {
    return problemAt(1, limitMessage('characters', count(text.length), count(MAX_DOCKERFILE_CHARS)));
  }
  let lines = 0;
  let instructions = 0;
  let stages = 0;
  let variables = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lines++;
    if (end - start > MAX_LINE_LENGTH) {
      return problemAt(lines, limitMessage('lineLength', count(lines), count(end - start), count(MAX_LINE_LENGTH)));
    }
    const keyword = leadingWord(text, start, end);
    if (keyword) {
      instructions++;
      if (keyword === 'FROM') stages++;
      else if (keyword === 'ARG' || keyword === 'ENV') variables++;
    }
    start = end + 1;
  }
  if (lines > MAX_LINES) return problemAt(1, limitMessage('lines', count(lines), count(MAX_LINES)));
  if (stages > MAX_STAGES) return problemAt(1, limitMessage('stages', count(stages), count(MAX_STAGES)));
  if (variables > MAX_VARIABLE_LINES) return problemAt(1, limitMessage('variableLines', count(variables), count(MAX_VARIABLE_LINES)));
  if (instructions > MAX_INSTRUCTIONS) return problemAt(1, limitMessage('instructions', count(instructions), count(MAX_INSTRUCTIONS)));
  return undefined;
}

const KEYWORD_LINE =
  /^[ \t]*(FROM|ARG|ENV|RUN|CMD|LABEL|MAINTAINER|EXPOSE|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL)(?=[ \t\r]|$)/i;

/** The instruction keyword a line starts with (upper case), if any. */
function leadingWord(text: string, start: number, end: number): string | undefined {
  // Only the line's first few characters decide; slicing them keeps a long line from being copied.
  const m = KEYWORD_LINE.exec(text.slice(start, Math.min(end, start + 40)));
  return m ? m[1].toUpperCase() : undefined;
}

/** The limits only the parsed instructions tell (variables declared past continuation lines). */
export function parsedLimitProblem(parsed: ParsedDockerfile): LimitProblem | undefined {
  let variables = 0;
  let runs = 0;
  for (const ins of parsed.instructions) {
    if (ins.keyword === 'RUN') runs++;
    else if (ins.keyword === 'ARG' || ins.keyword === 'ENV') variables += ins.args.split(/\s+/).filter(Boolean).length;
  }
  if (variables > MAX_VARIABLES) return problemAt(1, limitMessage('variables', count(variables), count(MAX_VARIABLES)));
  if (variables * runs > MAX_VARIABLE_RUNS)
    return problemAt(1, limitMessage('variableRuns', count(variables), count(runs), count(variables * runs), count(MAX_VARIABLE_RUNS)));
  return undefined;
}

/** Parses text within the limits; past one, the limit instead (the text is parsed only when the cheap check passes). */
export function parseWithinLimits(text: string): { parsed: ParsedDockerfile; limit?: undefined } | { parsed?: undefined; limit: LimitProblem } {
  const before = textLimitProblem(text);
  if (before) return { limit: before };
  const parsed = parseDockerfile(text);
  const after = parsedLimitProblem(parsed);
  return after ? { limit: after } : { parsed };
}

/** A message for an expansion past a limit, at an instruction's line. */
export function expansionDepthMessage(): Message {
  return limitMessage('expansionDepth', MAX_EXPANSION_DEPTH, '${A:-${B:-...}}');
}

export function expansionLengthMessage(): Message {
  return limitMessage('expansionLength', count(MAX_EXPANDED_LENGTH));
}

/** The message with its line, as the CLI prints it. */
export function limitText(problem: Pick<LimitProblem, 'line' | 'message'>): string {
  return problem.line > 1 && !problem.message.startsWith('Line ') ? `line ${problem.line}: ${problem.message}` : problem.message;
}

/** f(), with `line` given to a LimitError that has none yet (the instruction being analysed). */
export function atLine<T>(line: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof LimitError && e.line === undefined) e.line = line;
    throw e;
  }
}

/** Lets pending I/O and requests run before the next slice of work (one turn of the event loop). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
