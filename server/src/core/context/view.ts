// The build context as the builder sees it: a tree of the snapshot's entries that survive
// .dockerignore (R20-R21), following fsutil's walk. Nodes are immutable once built and shared
// between versions: updateView copies only the nodes on a changed path, so the digests memoised
// on every other node stay valid (one edit in a 100k-file context re-hashes a few folders).
import { compareNames } from './glob';
import { compileIgnore, type IgnoreRules, type MatchInfo } from './dockerignore';
import type { ContextEntry, ContextSnapshot } from '../shared/types';

/** Digests computed for a node, filled lazily by digest.ts. */
export interface NodeMemo {
  bk?: string;
  cl?: string;
  /** Problems (unreadable entries) anywhere in this subtree. */
  errs?: readonly string[];
  /** Short fingerprint of the entry itself (contextDigest.nodeFingerprint), for reasons. */
  fp?: string;
  /** Number of entries below this folder (context.ts counts a selection without listing it). */
  n?: number;
}

export interface ViewNode {
  readonly name: string;
  /** Context-relative path; '' for the root. */
  readonly path: string;
  readonly entry: ContextEntry;
  /**
   * An excluded folder kept because something below it is re-included with `!`. BuildKit still
   * sends its real metadata; the classic builder's tar has no header for it.
   */
  readonly implicit: boolean;
  /** Children by name, for folders. */
  readonly kids: ReadonlyMap<string, ViewNode> | undefined;
  /** Cache of the children's names in Go byte order. */
  sorted: string[] | undefined;
  readonly memo: NodeMemo;
}

export interface ContextView {
  readonly snapshot: ContextSnapshot;
  readonly ignore: IgnoreRules;
  readonly root: ViewNode;
  /** Ignore-file errors and snapshot problems that concern included paths. */
  readonly problems: readonly string[];
}

type Mutable = ViewNode & { kids: Map<string, ViewNode> | undefined; entry: ContextEntry; implicit: boolean };

const ROOT_ENTRY: ContextEntry = Object.freeze({ path: '', type: 'dir', mode: 0o755, size: 0 });
const NO_MATCH = { matched: false, info: undefined as MatchInfo };

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function nameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function makeNode(entry: ContextEntry, implicit: boolean, kids: Map<string, ViewNode> | undefined): Mutable {
  return { name: nameOf(entry.path), path: entry.path, entry, implicit, kids, sorted: undefined, memo: {} };
}

function evaluate(ignore: IgnoreRules, path: string, parent: MatchInfo): { matched: boolean; info: MatchInfo } {
  return ignore.matcher.patterns.length ? ignore.matcher.matchesUsingParentResults(path, parent) : NO_MATCH;
}

/** Build the view of a snapshot after the given ignore-file text. */
export function viewContext(snapshot: ContextSnapshot, ignoreText?: string, ignoreFileName?: string): ContextView {
  const ignore = compileIgnore(ignoreText, ignoreFileName);
  const childrenOf = snapshot.children ? listedChildren(snapshot) : groupedChildren(snapshot);
  const build = (entry: ContextEntry, parentInfo: MatchInfo): ViewNode | undefined => {
    const { matched, info } = evaluate(ignore, entry.path, parentInfo);
    if (entry.type !== 'dir') return matched ? undefined : makeNode(entry, false, undefined);
    if (matched && ignore.matcher.canSkipExcludedDir(entry.path)) return undefined;
    const kids = new Map<string, ViewNode>();
    for (const child of childrenOf(entry.path)) {
      const node = build(child, info);
      if (node) kids.set(node.name, node);
    }
    if (matched && kids.size === 0) return undefined;
    return makeNode(entry, matched, kids);
  };
  const kids = new Map<string, ViewNode>();
  for (const child of childrenOf('')) {
    const node = build(child, undefined);
    if (node) kids.set(node.name, node);
  }
  const root = makeNode(ROOT_ENTRY, false, kids);
  return { snapshot, ignore, root, problems: viewProblems(snapshot, ignore, root) };
}

const NO_ENTRIES: readonly ContextEntry[] = Object.freeze([]);

/** A folder's entries from the snapshot's own listing (no pass over every path). */
function listedChildren(snapshot: ContextSnapshot): (dir: string) => readonly ContextEntry[] {
  return (dir) => {
    const names = snapshot.children!(dir);
    if (!names?.length) return NO_ENTRIES;
    const out: ContextEntry[] = [];
    for (const name of names) {
      const e = snapshot.entries.get(dir ? `${dir}/${name}` : name);
      if (e) out.push(e);
    }
    return out;
  };
}

/** A folder's entries found by grouping every path of the snapshot by its parent. */
function groupedChildren(snapshot: ContextSnapshot): (dir: string) => readonly ContextEntry[] {
  const byParent = new Map<string, ContextEntry[]>();
  for (const e of snapshot.entries.values()) {
    const parent = parentOf(e.path);
    const list = byParent.get(parent);
    if (list) list.push(e);
    else byParent.set(parent, [e]);
  }
  return (dir) => byParent.get(dir) ?? NO_ENTRIES;
}

function viewProblems(snapshot: ContextSnapshot, ignore: IgnoreRules, root: ViewNode): string[] {
  const out = [...ignore.problems];
  for (const p of snapshot.problems) if (p.path === '' || lookup(root, p.path)) out.push(`${p.path || '.'}: ${p.message}`);
  return out;
}

/** The node at a context path (exact, no symlink resolution), or undefined when not included. */
export function lookup(root: ViewNode, path: string): ViewNode | undefined {
  if (path === '') return root;
  let node: ViewNode | undefined = root;
  for (const seg of path.split('/')) {
    node = node.kids?.get(seg);
    if (!node) return undefined;
  }
  return node;
}

/** The included entry at a path, or undefined (absent, or excluded by the ignore file). */
export function viewEntry(view: ContextView, path: string): ContextEntry | undefined {
  const node = path === '' ? undefined : lookup(view.root, path);
  return node?.entry;
}

export function sortedNames(node: ViewNode): readonly string[] {
  if (!node.sorted) node.sorted = node.kids ? [...node.kids.keys()].sort(compareNames) : [];
  return node.sorted;
}

/** Every included path (folders included), in Go's walk order. */
export function includedPaths(view: ContextView): string[] {
  const out: string[] = [];
  const walk = (node: ViewNode): void => {
    for (const name of sortedNames(node)) {
      const kid = node.kids!.get(name)!;
      out.push(kid.path);
      if (kid.kids) walk(kid);
    }
  };
  walk(view.root);
  return out;
}

function insertSorted(node: Mutable, name: string): void {
  if (!node.sorted) return;
  let lo = 0;
  let hi = node.sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareNames(node.sorted[mid], name) < 0) lo = mid + 1;
    else hi = mid;
  }
  node.sorted.splice(lo, 0, name);
}

function removeSorted(node: Mutable, name: string): void {
  const i = node.sorted?.indexOf(name) ?? -1;
  if (i >= 0) node.sorted!.splice(i, 1);
}

/**
 * The view after `changedPaths` changed in `snapshot` (same ignore text). The paths must cover
 * every added, removed or modified entry (contextFs.updateSnapshot reports exactly those);
 * descendants of a removed folder go with it. A new ignore text rebuilds the whole view.
 */
export function updateView(view: ContextView, snapshot: ContextSnapshot, changedPaths: Iterable<string>, ignoreText?: string): ContextView {
  if (ignoreText !== undefined && ignoreText !== view.ignore.text) return viewContext(snapshot, ignoreText);
  const fresh = new Set<ViewNode>();
  const freshen = (node: ViewNode): Mutable => {
    if (fresh.has(node)) return node as Mutable;
    const copy: Mutable = { ...node, kids: node.kids && new Map(node.kids), sorted: node.sorted?.slice(), memo: {} };
    fresh.add(copy);
    return copy;
  };
  const root = freshen(view.root);
  let touched = false;
  for (const raw of changedPaths) {
    const p = raw.replace(/^\/+|\/+$/g, '');
    if (p === '' || p === '.') continue;
    const segs = p.split('/');
    const chain: boolean[] = [];
    let info: MatchInfo;
    for (let i = 0; i < segs.length; i++) {
      const r = evaluate(view.ignore, segs.slice(0, i + 1).join('/'), info);
      chain.push(r.matched);
      info = r.info;
    }
    const entry = snapshot.entries.get(p);
    const excluded = chain[segs.length - 1];
    const existing = lookup(root, p);
    if (!entry || excluded) {
      if (!existing) continue;
      touched = true;
      const keep = entry && entry.type === 'dir' && existing.kids;
      const parent = walkFresh(root, segs.slice(0, -1), freshen);
      if (!parent) continue;
      if (keep) {
        const f = freshen(existing);
        f.entry = entry;
        f.implicit = true;
        parent.kids!.set(existing.name, f);
      } else removeChild(parent, existing.name);
      pruneEmpty(root, segs, freshen);
      continue;
    }
    // Included: make sure every folder above it exists, then place the node.
    let parent: Mutable = root;
    let ok = true;
    for (let i = 0; i < segs.length - 1 && ok; i++) {
      const kid = parent.kids!.get(segs[i]);
      if (kid) {
        const f = freshen(kid);
        parent.kids!.set(segs[i], f);
        parent = f;
        continue;
      }
      const dirEntry = snapshot.entries.get(segs.slice(0, i + 1).join('/'));
      if (!dirEntry || dirEntry.type !== 'dir') ok = false;
      else {
        const node = makeNode(dirEntry, chain[i], new Map());
        fresh.add(node);
        addChild(parent, node);
        parent = node;
      }
    }
    if (!ok) continue;
    touched = true;
    const name = segs[segs.length - 1];
    const old = parent.kids!.get(name);
    if (old?.kids && entry.type === 'dir') {
      const f = freshen(old);
      f.entry = entry;
      f.implicit = false;
      parent.kids!.set(name, f);
      continue;
    }
    const node = makeNode(entry, false, entry.type === 'dir' ? new Map() : undefined);
    fresh.add(node);
    if (old) parent.kids!.set(name, node);
    else addChild(parent, node);
  }
  const next = touched ? root : view.root;
  return { snapshot, ignore: view.ignore, root: next, problems: viewProblems(snapshot, view.ignore, next) };
}

/** Fresh copies of the nodes along `segs` (linked into their parents); undefined if absent. */
function walkFresh(root: Mutable, segs: string[], freshen: (n: ViewNode) => Mutable): Mutable | undefined {
  let node = root;
  for (const seg of segs) {
    const kid = node.kids?.get(seg);
    if (!kid) return undefined;
    const f = freshen(kid);
    node.kids!.set(seg, f);
    node = f;
  }
  return node;
}

function addChild(parent: Mutable, node: ViewNode): void {
  parent.kids!.set(node.name, node);
  insertSorted(parent, node.name);
}

function removeChild(parent: Mutable, name: string): void {
  parent.kids!.delete(name);
  removeSorted(parent, name);
}

/** Drop implicit folders left with nothing re-included below them. */
function pruneEmpty(root: Mutable, segs: string[], freshen: (n: ViewNode) => Mutable): void {
  for (let depth = segs.length - 1; depth >= 1; depth--) {
    const node = walkFresh(root, segs.slice(0, depth), freshen);
    if (!node || !node.implicit || (node.kids && node.kids.size > 0)) return;
    const parent = depth === 1 ? root : walkFresh(root, segs.slice(0, depth - 1), freshen)!;
    removeChild(parent, node.name);
  }
}
