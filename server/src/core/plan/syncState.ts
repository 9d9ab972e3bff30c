// BuildKit's context sync decides from file metadata whether a file changed: a file whose size,
// modification time and mode are what BuildKit last received is not sent again, so BuildKit keeps
// (and copies) the OLD bytes (cache-rules R9, C9; moby/buildkit#4950). To predict what the engine
// does, a recorded BuildKit build remembers, per file it read, that metadata and the digest of the
// content BuildKit then held; planning substitutes that digest where the metadata still matches.
import type { ContextSnapshot, Diagnostic } from '../shared/types';

/** "size:mtimeMs:mode:digest" for each file path read by the recorded build. */
export type SyncedFiles = Record<string, string>;

export function syncedEntry(snapshot: ContextSnapshot, path: string): string | undefined {
  const e = snapshot.entries.get(path);
  if (!e || e.type !== 'file' || e.mtimeMs === undefined || e.error) return undefined;
  try {
    return `${e.size}:${e.mtimeMs}:${e.mode}:${snapshot.contentDigest(path)}`;
  } catch {
    return undefined;
  }
}

export interface SyncedSnapshot extends ContextSnapshot {
  /** Files whose new content BuildKit will not see, found so far. */
  readonly stale: ReadonlySet<string>;
}

/** The digest BuildKit last received for `path` when the file still has that size, mtime and mode. */
function sameMetadata(snapshot: ContextSnapshot, synced: SyncedFiles, path: string): string | undefined {
  // Own keys only: a context file named "constructor" is not in every record.
  const before = Object.prototype.hasOwnProperty.call(synced, path) ? synced[path] : undefined;
  const e = snapshot.entries.get(path);
  if (typeof before !== 'string' || !e || e.mtimeMs === undefined) return undefined;
  // syncedEntry's format; equal numbers print alike, so comparing the text compares the numbers (without
  // splitting and parsing the record of every synced file twice per plan).
  const held = `${e.size}:${e.mtimeMs}:${e.mode}:`;
  return before.length > held.length && before.startsWith(held) ? before.slice(held.length) : undefined;
}

/** The context as BuildKit will see it after its incremental sync. */
export function withSyncedContent(snapshot: ContextSnapshot, synced: SyncedFiles): SyncedSnapshot {
  const stale = new Set<string>();
  return {
    entries: snapshot.entries,
    problems: snapshot.problems,
    ...(snapshot.children ? { children: (dir: string) => snapshot.children!(dir) } : {}),
    stale,
    contentDigest(path, entry) {
      const actual = snapshot.contentDigest(path, entry);
      const held = sameMetadata(snapshot, synced, path);
      if (held === undefined || held === actual) return actual;
      stale.add(path);
      return held;
    },
  };
}

/**
 * Which of `paths` BuildKit will not see change (the `stale` of withSyncedContent, found without
 * computing the whole context's digests): check every synced path once, then only paths that changed
 * and the earlier answer.
 */
export function staleFiles(snapshot: ContextSnapshot, synced: SyncedFiles, paths: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const path of paths) {
    const held = out.has(path) ? undefined : sameMetadata(snapshot, synced, path);
    if (held === undefined) continue;
    try {
      if (snapshot.contentDigest(path) !== held) out.add(path);
    } catch {
      // unreadable: not a stale file, a problem reported elsewhere
    }
  }
  return out;
}

export function staleDiagnostics(stale: ReadonlySet<string>): Diagnostic[] {
  return [...stale].sort().map((path) => ({
    line: 1,
    severity: 'warning' as const,
    message: `BuildKit will not see the change to ${path}: it has the same size, modification time and mode as when it was last built, so BuildKit's context sync keeps the old content (moby/buildkit#4950). Run "touch ${path}" before building.`,
  }));
}
