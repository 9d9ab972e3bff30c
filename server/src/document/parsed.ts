// Hovers, diagnostics and code actions of one edit all read the same text: parse it once. The parsed
// Dockerfile is plain data the features only read. A few recent texts are kept (several open documents).
// Text past the limits of core/dockerfile/limits.ts is not analysed: every feature then answers with the limit's message.
import { parseWithinLimits, type LimitProblem } from '../core/dockerfile/limits';
import type { ParsedDockerfile } from '../core/dockerfile/parse';

const KEEP = 4;
const recent: Array<{ text: string; parsed: ParsedDockerfile | undefined; limit: LimitProblem | undefined }> = [];

function entryOf(text: string): { parsed: ParsedDockerfile | undefined; limit: LimitProblem | undefined } {
  const hit = recent.find((r) => r.text === text);
  if (hit) return hit;
  let parsed: ParsedDockerfile | undefined;
  let limit: LimitProblem | undefined;
  try {
    ({ parsed, limit } = parseWithinLimits(text));
  } catch {
    parsed = undefined;
  }
  recent.unshift({ text, parsed, limit });
  recent.length = Math.min(recent.length, KEEP);
  return recent[0];
}

/** The limit of core/dockerfile/limits.ts this text goes past, if any (parses the text when it is within the cheap ones). */
export function textLimit(text: string): LimitProblem | undefined {
  return entryOf(text).limit;
}

/** parseDockerfile(text), or undefined where it throws or the text is past the limits. */
export function parsedText(text: string): ParsedDockerfile | undefined {
  return entryOf(text).parsed;
}
