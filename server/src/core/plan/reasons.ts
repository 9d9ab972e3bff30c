// One-line reasons for a step whose own inputs changed (its parent is cached): which files,
// which part of the instruction, which variable. Compares with the last recorded build.
import { recurringDigest } from './cacheKeys';
import { ownValue } from '../shared/own';
import { fileListOf, type FileList, type Reason } from './reason';
import type { RecordedStep } from '../shared/types';

export interface ChangeInput {
  keyword: string;
  parts: Record<string, string>;
  reads: string[];
  previous?: RecordedStep;
  lastFiles?: Record<string, string>;
  fingerprint(path: string): string | undefined;
  /** The same comparison as of `reads` with `lastFiles`, without listing `reads` (see core/context/changes.ts). */
  changesSince?(last: Record<string, string>): { changed: string[]; added: string[]; removed: string[] };
  /** The files read from named contexts that are folders (part `named:NAME`), each compared on its own (R27). */
  named?: Record<string, NamedChangeInput>;
}

export interface NamedChangeInput {
  reads: string[];
  /** The named context's files at the last recorded build; absent when that build did not record them. */
  lastFiles?: Record<string, string>;
  fingerprint(path: string): string | undefined;
  changesSince?(last: Record<string, string>): { changed: string[]; added: string[]; removed: string[] };
}

export function explainChange(input: ChangeInput): Reason {
  const prev = input.previous;
  if (!prev || prev.keyword !== input.keyword) return { code: 'newInstruction' };
  const now = shortenParts(input.parts);
  const changed = Object.keys({ ...now, ...prev.parts }).filter((k) => now[k] !== prev.parts[k]);
  // Order: what the user most likely did first: edited the line, then files, then variables.
  // A changed SHELL also changes the command; name the SHELL.
  const order = (k: string) =>
    k === 'edited'
      ? 0
      : k === 'files' || k.startsWith('named:')
        ? 1
        : k === '~shell'
          ? 2
          : k.startsWith('arg:') || k.startsWith('env:')
            ? 4
            : k.startsWith('from:')
              ? 5
              : 3;
  changed.sort((a, b) => order(a) - order(b));
  const first = changed[0];
  if (first === undefined) return { code: 'notOnThisParent' };
  if (first === 'files') return filesReason(input);
  if (first.startsWith('named:')) return namedFilesReason(first.slice(6), input);
  if (first.startsWith('env:'))
    return { code: prev.parts[first] === undefined ? 'envAdded' : now[first] === undefined ? 'envRemoved' : 'envChanged', variable: first.slice(4) };
  if (first.startsWith('arg:'))
    return { code: prev.parts[first] === undefined ? 'argSet' : now[first] === undefined ? 'argUnset' : 'argChanged', variable: first.slice(4) };
  if (first.startsWith('from:')) return { code: 'sourceStageChanged' };
  return { code: 'partChanged', part: first };
}

const READABLE_PARTS = new Set(['image', 'platform', 'path', 'dest', 'user', 'network', 'cwd', 'chown', 'chmod', 'from']);

/** What a recorded step keeps of its parts: short readable values as they are, the rest as digests. */
export function shortenParts(parts: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parts)) out[k] = READABLE_PARTS.has(k) && v.length <= 200 ? v : recurringDigest(v).slice(0, 16);
  return out;
}

function filesReason(input: ChangeInput): Reason {
  const last = input.lastFiles;
  if (!last) return { code: 'sourceFilesChanged' };
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
  const isAdded = new Set(added);
  const c = withoutAncestors(changed.filter((p) => !isAdded.has(p)));
  const a = withoutAncestors(added);
  const r = removed.length ? withoutAncestors(removed) : [];
  if (!c.length && !a.length && !r.length) return { code: 'sourceFilesChanged' };
  return {
    code: 'filesChanged',
    ...(c.length ? { changed: list(c) } : {}),
    ...(a.length ? { added: list(a) } : {}),
    ...(r.length ? { removed: list(r) } : {}),
  };
}

/** The files a step reads from the named context `name` that changed, each named `NAME/path`. */
function namedFilesReason(name: string, input: ChangeInput): Reason {
  const named = input.named && Object.hasOwn(input.named, name) ? input.named[name] : undefined;
  if (!named) return { code: 'sourceFilesChanged' };
  // No `previous`: its recorded reads are the build context's, not this folder's.
  const reason = filesReason({
    keyword: input.keyword,
    parts: input.parts,
    reads: named.reads,
    fingerprint: named.fingerprint,
    ...(named.lastFiles ? { lastFiles: named.lastFiles } : {}),
    ...(named.changesSince ? { changesSince: named.changesSince } : {}),
  });
  if (reason.code !== 'filesChanged') return reason;
  const prefix = (l: FileList | undefined) => l && { files: l.files.map((f) => `${name}/${f}`), more: l.more };
  const changed = prefix(reason.changed);
  const added = prefix(reason.added);
  const removed = prefix(reason.removed);
  return { code: 'filesChanged', ...(changed ? { changed } : {}), ...(added ? { added } : {}), ...(removed ? { removed } : {}) };
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

/** At most three paths named (in sorted order), the rest counted. */
function list(paths: string[]): FileList {
  return fileListOf([...paths].sort(), 3);
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
