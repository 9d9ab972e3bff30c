// Hovers, diagnostics and code actions of one edit all read the same text: parse it once. The parsed
// Dockerfile is plain data the features only read. A few recent texts are kept (several open documents).
import { parseDockerfile, type ParsedDockerfile } from '../core/parse';

const KEEP = 4;
const recent: Array<{ text: string; parsed: ParsedDockerfile | undefined }> = [];

/** parseDockerfile(text), or undefined where it throws (the core then answers as it does for such text). */
export function parsedText(text: string): ParsedDockerfile | undefined {
  const hit = recent.find((r) => r.text === text);
  if (hit) return hit.parsed;
  let parsed: ParsedDockerfile | undefined;
  try {
    parsed = parseDockerfile(text);
  } catch {
    parsed = undefined;
  }
  recent.unshift({ text, parsed });
  recent.length = Math.min(recent.length, KEEP);
  return parsed;
}
