// Which paths of a selection differ from the file fingerprints a recorded build kept, found without
// listing the selection: "clean" subtrees (every entry as recorded, nothing recorded below them gone)
// are remembered per recorded build and view node. View nodes are shared between versions of a
// context (contextView.updateView), so after a one-file edit only the nodes along the edited path
// are looked at again, not the 100k files of a `COPY . .`.
import { nodeFingerprint } from './digest';
import type { Picked } from './flat';
import type { ContextView, ViewNode } from './view';
import { ownValue } from '../shared/own';

/** Selected paths whose fingerprint differs from the record (changed) or that it lacks (added), and recorded paths gone from a selected folder (removed). Unsorted. */
export interface FileChanges {
  changed: string[];
  added: string[];
  removed: string[];
}

interface RecordIndex {
  /** Recorded paths by parent folder: parent → names. */
  kids: Map<string, string[]>;
  /** Nodes whose whole subtree matches the record. */
  clean: WeakSet<ViewNode>;
}

const indexes = new WeakMap<Record<string, string>, RecordIndex>();

function indexOf(last: Record<string, string>): RecordIndex {
  let ix = indexes.get(last);
  if (!ix) {
    const kids = new Map<string, string[]>();
    for (const p of Object.keys(last)) {
      const i = p.lastIndexOf('/');
      const parent = i < 0 ? '' : p.slice(0, i);
      const list = kids.get(parent);
      if (list) list.push(p.slice(i + 1));
      else kids.set(parent, [p.slice(i + 1)]);
    }
    ix = { kids, clean: new WeakSet() };
    indexes.set(last, ix);
  }
  return ix;
}

/**
 * The same answer as comparing every selected path with `last` (and every recorded path with the
 * view), as collect(picked) would list them: the context root itself is never a selected path.
 * `last` must not be modified afterwards (it is the memo's key).
 */
export function changesSince(view: ContextView, picked: readonly Picked[], last: Record<string, string>): FileChanges {
  const ix = indexOf(last);
  const dirty = new Set<string>();
  const removed = new Set<string>();
  let unreadable = 0;
  /** The node as a selected path: its own fingerprint, and recorded children that are gone. */
  const one = (node: ViewNode): boolean => {
    let ok = true;
    const fp = nodeFingerprint(view, node);
    if (fp.startsWith('unreadable:')) unreadable++;
    const before = ownValue(last, node.path);
    if (before === undefined || before !== fp) {
      dirty.add(node.path);
      ok = false;
    }
    for (const name of ix.kids.get(node.path) ?? []) {
      if (!node.kids?.has(name)) {
        removed.add(`${node.path}/${name}`);
        ok = false;
      }
    }
    return ok;
  };
  const subtree = (node: ViewNode): boolean => {
    if (ix.clean.has(node)) return true;
    const seen = unreadable;
    let ok = one(node);
    if (node.kids) for (const kid of node.kids.values()) if (!subtree(kid)) ok = false;
    // An unreadable entry is asked again next time (it may be readable by then).
    if (ok && unreadable === seen) ix.clean.add(node);
    return ok;
  };
  for (const p of picked) {
    if (p.subtree && p.node.kids) {
      if (p.node.path === '') for (const kid of p.node.kids.values()) subtree(kid);
      else subtree(p.node);
    } else if (p.node.path !== '') one(p.node);
  }
  const changed: string[] = [];
  const added: string[] = [];
  for (const p of dirty) (ownValue(last, p) === undefined ? added : changed).push(p);
  return { changed, added, removed: [...removed] };
}
