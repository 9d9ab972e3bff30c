// Hovers, diagnostics and code actions of one edit all read the same text: parse it once. The parsed
// Dockerfile is plain data the features only read. A few recent texts are kept (several open documents).
// Text past the limits of core/limits.ts is never parsed: every feature then answers with the limit's message.
import { parseDockerfile, type ParsedDockerfile } from '../core/parse';
import { textLimitProblem, type LimitProblem } from '../core/limits';

const KEEP = 4;
interface Recent {
  text: string;
  limit: LimitProblem | undefined;
  parsed?: ParsedDockerfile | undefined;
  done: boolean;
}
const recent: Recent[] = [];

function entryOf(text: string): Recent {
  const hit = recent.find((r) => r.text === text);
  if (hit) return hit;
  const entry: Recent = { text, limit: textLimitProblem(text), done: false };
  recent.unshift(entry);
  recent.length = Math.min(recent.length, KEEP);
  return entry;
}

/** The limit this text goes past (core/limits.ts), remembered with the text. */
export function textLimit(text: string): LimitProblem | undefined {
  return entryOf(text).limit;
}

/** parseDockerfile(text), or undefined where it throws or the text is past the limits. */
export function parsedText(text: string): ParsedDockerfile | undefined {
  const entry = entryOf(text);
  if (!entry.done) {
    entry.done = true;
    if (!entry.limit) {
      try {
        entry.parsed = parseDockerfile(text);
      } catch {
        entry.parsed = undefined;
      }
    }
  }
  return entry.parsed;
}
