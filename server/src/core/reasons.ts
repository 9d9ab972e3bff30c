// One-line reasons for a step whose own inputs changed (its parent is cached): which files,
// which part of the instruction, which variable. Compares with the last recorded build.
import { recurringDigest } from './cacheKeys';
import { ownValue } from './own';
import type { RecordedStep } from './types';

export interface ChangeInput {
  keyword: string;
  parts: Record<string, string>;
  reads: string[];
  previous?: RecordedStep;
  lastFiles?: Record<string, string>;
  fingerprint(path: string): string | undefined;
  /** The same comparison as of `reads` with `lastFiles`, without listing `reads` (see core/contextChanges.ts). */
  changesSince?(last: Record<string, string>): { changed: string[]; added: string[]; removed: string[] };
}

const PART_TEXT: Record<string, string> = {
  cmd: 'command changed',
  '~shell': 'SHELL changed',
  envOrder: 'ENV order changed',
  cwd: 'WORKDIR changed',
  user: 'USER changed',
  network: '--network changed',
  security: '--security changed',
  mounts: '--mount changed',
  dest: 'destination changed',
  chown: '--chown changed',
  chmod: '--chmod changed',
  link: '--link changed',
  parents: '--parents changed',
  exclude: '--exclude changed',
  checksum: '--checksum changed',
  unpack: '--unpack changed',
  'keep-git-dir': '--keep-git-dir changed',
  heredoc: 'heredoc text changed',
  sources: 'source paths changed',
  urls: 'URL changed',
  from: '--from changed',
  path: 'path changed',
  epoch: 'SOURCE_DATE_EPOCH changed',
  text: 'instruction changed',
  argPrefix: 'build args changed',
  keyword: 'instruction changed',
  edited: 'line edited (simulated)',
};

export function explainChange(input: ChangeInput): string {
  const prev = input.previous;
  if (!prev || prev.keyword !== input.keyword) return 'new instruction: not in the last recorded build';
  const now = shortenParts(input.parts);
  const changed = Object.keys({ ...now, ...prev.parts }).filter((k) => now[k] !== prev.parts[k]);
  // Order: what the user most likely did first: edited the line, then files, then variables.
  // A changed SHELL also changes the command; name the SHELL.
  const order = (k: string) => (k === 'edited' ? 0 : k === 'files' ? 1 : k === '~shell' ? 2 : k.startsWith('arg:') || k.startsWith('env:') ? 4 : k.startsWith('from:') ? 5 : 3);
  changed.sort((a, b) => order(a) - order(b));
  const first = changed[0];
  if (first === undefined) return 'not built on top of this parent before';
  if (first === 'files') return filesReason(input);
  if (first.startsWith('env:')) return `ENV ${first.slice(4)} ${prev.parts[first] === undefined ? 'added' : now[first] === undefined ? 'removed' : 'changed'}`;
  if (first.startsWith('arg:')) return `build arg ${first.slice(4)} ${prev.parts[first] === undefined ? 'now has a value' : now[first] === undefined ? 'no longer has a value' : 'changed'}`;
  if (first.startsWith('from:')) return 'source stage output changed';
  return PART_TEXT[first] ?? `${first} changed`;
}

const READABLE_PARTS = new Set(['image', 'platform', 'path', 'dest', 'user', 'network', 'cwd', 'chown', 'chmod', 'from']);

/** What a recorded step keeps of its parts: short readable values as they are, the rest as digests. */
export function shortenParts(parts: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parts)) out[k] = READABLE_PARTS.has(k) && v.length <= 200 ? v : recurringDigest(v).slice(0, 16);
  return out;
}

function filesReason(input: ChangeInput): string {
  const last = input.lastFiles;
  if (!last) return 'source files changed';
  const before = input.previous?.reads;
  let changed: string[];
  let added: string[];
  let removed: string[];
  if (!before && input.changesSince) {
    ({ changed, added, removed } = input.changesSince(last));
  } else {
    const reads = input.reads;
    const now = new Set(reads);
    const had = before && new Set(before);
    changed = reads.filter((p) => {
      const was = ownValue(last, p);
      return was !== undefined && was !== input.fingerprint(p);
    });
    added = reads.filter((p) => (had ? !had.has(p) : ownValue(last, p) === undefined));
    // Without the step's earlier reads (a very large selection), a recorded path that is gone from
    // the context and sat in a folder this step reads was removed from it.
    removed = before ? before.filter((p) => !now.has(p)) : Object.keys(last).filter((p) => input.fingerprint(p) === undefined && now.has(parentOf(p)));
  }
  const parts: string[] = [];
  const isAdded = new Set(added);
  const c = withoutAncestors(changed.filter((p) => !isAdded.has(p)));
  const a = withoutAncestors(added);
  if (c.length) parts.push(list(c, 'changed'));
  if (a.length) parts.push(list(a, 'added'));
  if (removed.length) parts.push(list(withoutAncestors(removed), 'removed'));
  return parts.length ? parts.join('; ') : 'source files changed';
}

/** A folder changes when something in it does: name what is inside, not the folder. */
function withoutAncestors(paths: string[]): string[] {
  // In sorted order the paths below p (p + '/...') are not always right after p ('a', 'a-b', 'a/x'):
  // search for the first path at or after p + '/'.
  const sorted = [...paths].sort();
  const hasBelow = (p: string): boolean => {
    const prefix = p + '/';
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < sorted.length && sorted[lo].startsWith(prefix);
  };
  return paths.filter((p) => !hasBelow(p));
}

function list(paths: string[], verb: string): string {
  const sorted = [...paths].sort();
  const shown = sorted.slice(0, 3).join(', ');
  return sorted.length > 3 ? `${shown} and ${sorted.length - 3} more ${verb}` : `${shown} ${verb}`;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
