// In-memory build contexts for tests: { path: content | details } → ContextSnapshot.
import { createHash } from 'node:crypto';
import type { ContextEntry, ContextSnapshot } from '../../server/src/core/shared/types';

export type Spec = string | { content?: string; mode?: number; link?: string; dir?: boolean; error?: string; unreadable?: boolean; other?: boolean };

/** A snapshot from { path: content | details }; parent folders are added (0755). */
export function snap(spec: Record<string, Spec>): ContextSnapshot & { entries: Map<string, ContextEntry> } {
  const entries = new Map<string, ContextEntry>();
  const content = new Map<string, string>();
  const unreadable = new Set<string>();
  for (const [path, s] of Object.entries(spec)) {
    const d = typeof s === 'string' ? { content: s } : s;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!entries.has(dir)) entries.set(dir, { path: dir, type: 'dir', mode: 0o755, size: 0 });
    }
    if (d.dir) entries.set(path, { path, type: 'dir', mode: d.mode ?? 0o755, size: 0, ...(d.error ? { error: d.error } : {}) });
    else if (d.link !== undefined) entries.set(path, { path, type: 'symlink', mode: 0o777, size: d.link.length, linkTarget: d.link });
    else if (d.other) entries.set(path, { path, type: 'other', mode: d.mode ?? 0o644, size: 0 });
    else {
      entries.set(path, { path, type: 'file', mode: d.mode ?? 0o644, size: (d.content ?? '').length });
      content.set(path, d.content ?? '');
      if (d.unreadable) unreadable.add(path);
    }
  }
  return {
    entries,
    problems: [],
    contentDigest(p) {
      if (unreadable.has(p)) throw new Error(`cannot read ${p}: EACCES; make it readable or exclude it`);
      return createHash('sha256')
        .update(content.get(p) ?? '')
        .digest('hex');
    },
  };
}
