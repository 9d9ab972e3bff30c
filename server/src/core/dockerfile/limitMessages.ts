// The English templates of core/dockerfile/limits.ts's messages (codes limit* of core/shared/messages.ts), in a module
// of their own with no imports.
const NO_VERDICTS = 'Layer Lens shows no verdicts for it';

/** Every limit message, as a template with {0}-style arguments (numbers as count() writes them). */
export const LIMIT_MESSAGES = {
  fileSize: `{0} is {1}, more than Layer Lens analyses (limit {2} KB). ${NO_VERDICTS}. Check that this is the right file.`,
  characters: `This Dockerfile has {0} characters, more than Layer Lens analyses (limit {1}). ${NO_VERDICTS}. Check that this is the right file.`,
  lineLength: `Line {0} of this Dockerfile has {1} characters, more than Layer Lens analyses in one line (limit {2}). ${NO_VERDICTS}. Split the line with \\ continuations, or move the data into a file the build copies.`,
  lines: `This Dockerfile has {0} lines, more than Layer Lens analyses (limit {1}). ${NO_VERDICTS}. Check that this is the right file.`,
  stages: `This Dockerfile has {0} build stages (FROM lines), more than Layer Lens analyses (limit {1}). ${NO_VERDICTS}. Check that this is the right file, or split it.`,
  variableLines: `This Dockerfile has {0} ARG and ENV instructions, more than Layer Lens analyses (limit {1}). ${NO_VERDICTS}. Declare several variables per instruction (ENV A=1 B=2), or check that this is the right file.`,
  instructions: `This Dockerfile has {0} instructions, more than Layer Lens analyses (limit {1}). ${NO_VERDICTS}. Check that this is the right file, or split it.`,
  variables: `This Dockerfile declares {0} ARG and ENV variables, more than Layer Lens analyses (limit {1}). ${NO_VERDICTS}. Check that this is the right file.`,
  variableRuns: `This Dockerfile has {0} ARG and ENV variables and {1} RUN instructions: every RUN's cache key carries every variable, {2} in all, more than Layer Lens analyses (limit {3}). ${NO_VERDICTS}. Join RUN instructions, or declare fewer variables.`,
  expansionDepth: `Variables are nested more than {0} deep here ({1}), more than Layer Lens expands. ${NO_VERDICTS}. Nest fewer defaults.`,
  expansionLength: `A variable here expands to more than {0} characters, more than Layer Lens expands; Linux also refuses environment values this long (Argument list too long), so RUN steps after it would fail. ${NO_VERDICTS}. Keep long data in a file the build copies.`,
} as const;

export type LimitKind = keyof typeof LIMIT_MESSAGES;
