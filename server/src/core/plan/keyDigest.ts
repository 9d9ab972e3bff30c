// Digests of cache keys and their parts: sha256, remembered for short texts that recur. Split from cacheKeys.ts.
import { createHash } from 'node:crypto';

export function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const remembered = new Map<string, string>();
const REMEMBER_MAX = 16_384;
const REMEMBER_LENGTH = 256;

/**
 * digest(text), remembered for short texts that recur from step to step and plan to plan: variable values
 * (every RUN's key has the whole environment), a stage's shell, and the part digests a record shortens.
 */
export function recurringDigest(text: string): string {
  if (text.length > REMEMBER_LENGTH) return digest(text);
  let d = remembered.get(text);
  if (d === undefined) {
    if (remembered.size >= REMEMBER_MAX) remembered.clear();
    d = digest(text);
    remembered.set(text, d);
  }
  return d;
}

/** Parts named `~...` only help explain a change (e.g. which SHELL); they are not in the key. */
export function stepKey(parentKey: string, parts: Record<string, string>): string {
  const sorted = Object.keys(parts)
    .filter((k) => !k.startsWith('~'))
    .sort()
    .map((k) => [k, parts[k]]);
  return digest(parentKey + '\n' + JSON.stringify(sorted));
}
