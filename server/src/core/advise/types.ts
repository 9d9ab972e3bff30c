// Plain data for diagnostics, quick fixes and hovers. Positions and ranges have the shape of the
// Language Server Protocol (0-based line, 0-based UTF-16 character, end exclusive), so the server
// hands them over unchanged; `line`/`endLine` fields are 1-based like StepPrediction's.
import type { Translate } from '../shared/translate';
import type { ParsedDockerfile } from '../dockerfile/parse';
import type { Builder } from '../shared/types';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A file a fix creates, relative to the build context root (POSIX). Never overwrites. */
export interface CreateFile {
  path: string;
  text: string;
}

export interface Fix {
  title: string;
  /** Edits on the Dockerfile text the advice was computed from; they never overlap. */
  edits: TextEdit[];
  createFiles?: CreateFile[];
  /** 1-based first lines of the instructions whose text the fix rewrites or removes (moved ones keep their text). */
  rewrites: number[];
  /** The fix to apply when several are offered. */
  isPreferred?: boolean;
}

export type AdviceCode =
  | 'copy-before-install'
  | 'arg-declared-early'
  | 'apt-update-alone'
  | 'run-starts-app'
  | 'cmd-overridden'
  | 'missing-dockerignore'
  | 'consecutive-runs'
  | 'template-not-analysed';

export const ADVICE_CODES: readonly AdviceCode[] = [
  'copy-before-install',
  'arg-declared-early',
  'apt-update-alone',
  'run-starts-app',
  'cmd-overridden',
  'missing-dockerignore',
  'consecutive-runs',
  'template-not-analysed',
];

export type AdviceSeverity = 'error' | 'warning' | 'info' | 'hint';

export interface RelatedLine {
  line: number;
  message: string;
}

export interface Advice {
  code: AdviceCode;
  severity: AdviceSeverity;
  /** 1-based lines of the instruction the advice is about. */
  line: number;
  endLine: number;
  /** LSP range of that instruction (its first line up to the end of its last line). */
  range: Range;
  message: string;
  /** 'unnecessary' when the instruction has no effect (editors fade it). */
  tags?: Array<'unnecessary'>;
  related?: RelatedLine[];
  fixes: Fix[];
}

/**
 * The build context as advice needs it. The CLI and the server fill it from disk; the core never
 * reads files itself.
 */
export interface AdviseContext {
  /** Context-relative POSIX paths (files and folders; a folder may end with '/') the build sees, i.e. after .dockerignore. */
  paths: Iterable<string>;
  /** The ignore file in effect (context-relative), or undefined when none applies. */
  ignoreFile?: string;
  /** Text of a small context file (package.json, requirements.txt, go.mod), when the caller can read it. */
  readText?(path: string): string | undefined;
}

/** The Dockerfile as lines, for fixes that change only whole lines (advise/text.ts makes it). */
export interface TextModel {
  text: string;
  /** Lines without their line ending. */
  lines: string[];
  /** The ending of each line: '\r\n', '\n', or '' for the last line. */
  endings: string[];
  /** The ending new lines get: the first one the file uses, else '\n'. */
  eol: string;
}

export interface AdviseInput {
  text: string;
  /** parseDockerfile(text), when the caller has it already (parsing is the costly part for long files). */
  parsed?: ParsedDockerfile;
  /** textModel(text) (advise/text.ts), when the caller has it already. */
  lines?: TextModel;
  builder?: Builder;
  /** Without it, rules that need the context (manifests, .dockerignore) are skipped or fix-less. */
  context?: AdviseContext;
  /** The Dockerfile's path or name, when known: a template (`Dockerfile.j2`, `.tmpl`, `.in`, `.template`) gets one notice instead of advice. */
  fileName?: string;
  /** Only these rules; all when absent. */
  rules?: readonly AdviceCode[];
  t?: Translate;
}
