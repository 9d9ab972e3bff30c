// What a COPY/ADD content checksum covers (R9), per builder, memoised per folder.
// BuildKit (cache/contenthash): a file's record is its tar header without name, uid/gid or mtime
// (so: type, permission bits, size, symlink target) plus content; a folder's digest hashes its own
// header and then, in byte order, each child's name and digest (a Merkle tree, names relative to the
// copied folder). The classic builder (remotecontext, tarsum v1) names every entry by its path from
// the context root and follows symlinks when hashing. Digests here are not Docker's bytes; they are
// equal exactly when Docker's would be, which is all a prediction needs.
import { createHash } from 'node:crypto';
import { lookup, sortedNames, type ContextView, type ViewNode } from './view';
import { hashable } from './names';
import type { ContextEntry } from '../shared/types';

export function hash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(hashable(p)).update('\0');
  return h.digest('hex');
}

const NONE: readonly string[] = Object.freeze([]);
/** BuildKit fakes the context root's header (HandleChange), so the root's mode never counts. */
const ROOT_HEADER = hash('root-header');

export interface Digested {
  digest: string;
  errs: readonly string[];
}

function mode(e: ContextEntry): string {
  return (e.mode & 0o7777).toString(8);
}

/** Content digest of a regular file; an unreadable file becomes a problem and a marker digest. */
function content(view: ContextView, e: ContextEntry, errs: string[]): string {
  try {
    return view.snapshot.contentDigest(e.path, e);
  } catch (err) {
    errs.push(`${e.path}: ${(err as Error).message}`);
    return `unreadable:${e.path}`;
  }
}

/**
 * BuildKit's record of one entry (a folder's record is its header only). Records are short
 * unambiguous strings rather than hashes: they are only ever hashed into a parent or a selection,
 * which saves a sha256 per file on a 100k-file context.
 */
export function bkRecord(view: ContextView, node: ViewNode): Digested {
  const e = node.entry;
  const errs: string[] = e.error ? [`${e.path}: ${e.error}`] : [];
  let digest: string;
  if (node.path === '') digest = ROOT_HEADER;
  else if (e.type === 'file') digest = `F${mode(e)}:${e.error ? `unreadable:${e.path}` : content(view, e, errs)}`;
  else if (e.type === 'symlink')
    digest = `L:${e.linkTarget ?? ''}`; // contenthash forces link perms to 0777
  else if (e.type === 'dir') digest = `D${mode(e)}`;
  else digest = `O${mode(e)}`;
  return { digest, errs: errs.length ? errs : NONE };
}

/** BuildKit's digest of a path's contents: the record for a non-folder, the Merkle tree for a folder. */
export function bkTree(view: ContextView, node: ViewNode): Digested {
  const memo = node.memo;
  if (memo.bk !== undefined) return { digest: memo.bk, errs: memo.errs ?? NONE };
  let result: Digested;
  if (!node.kids) result = bkRecord(view, node);
  else {
    const header = bkRecord(view, node);
    const h = createHash('sha256').update('\0').update(header.digest);
    const errs = [...header.errs];
    for (const name of sortedNames(node)) {
      const kid = bkTree(view, node.kids.get(name)!);
      h.update('\0').update(hashable(name)).update('\0').update(hashable(kid.digest));
      if (kid.errs.length) errs.push(...kid.errs);
    }
    result = { digest: h.digest('hex'), errs: errs.length ? errs : NONE };
  }
  memo.bk = result.digest;
  memo.errs = result.errs;
  return result;
}

export type Resolved = { node: ViewNode; path: string } | { missing: string } | { error: string };

/**
 * Resolve a context path the way BuildKit's getFollowLinks and moby's FollowSymlinkInScope do:
 * symlinks are followed inside the context (an absolute target restarts at the context root,
 * '..' stops at the root), at most 255 of them; `followFinal` false keeps a final symlink.
 */
export function resolveInScope(root: ViewNode, path: string, followFinal: boolean): Resolved {
  let current = '';
  let node: ViewNode | undefined = root;
  let remaining = path;
  let links = 0;
  while (remaining !== '') {
    const slash = remaining.indexOf('/');
    const part = slash < 0 ? remaining : remaining.slice(0, slash);
    remaining = slash < 0 ? '' : remaining.slice(slash + 1);
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = current.includes('/') ? current.slice(0, current.lastIndexOf('/')) : '';
      node = lookup(root, current);
      continue;
    }
    const next = current ? `${current}/${part}` : part;
    const kid: ViewNode | undefined = node?.kids?.get(part);
    if (!kid || kid.entry.type !== 'symlink' || (!followFinal && remaining === '')) {
      current = next;
      node = kid;
      continue;
    }
    if (++links > 255) return { error: `${path}: too many levels of symbolic links` };
    const target = kid.entry.linkTarget ?? '';
    remaining = remaining ? `${target}/${remaining}` : target;
    if (target.startsWith('/')) {
      current = '';
      node = root;
    }
  }
  return node ? { node, path: current } : { missing: current };
}

/** What the classic builder's per-path Hash() gives for a symlink: the followed target's sum. */
function classicLink(view: ContextView, node: ViewNode): string {
  const r = resolveInScope(view.root, node.path, true);
  if (!('node' in r)) return hash('P', node.path); // moby returns the path itself as the "hash"
  const t = r.node;
  if (t.path === '') return hash('P', node.path);
  // The target's own tarsum: its header (a folder's, without contents) named by its path.
  return hash('T', r.path, t.kids ? (t.implicit ? 'P' : `D${mode(t.entry)}`) : bkTree(view, t).digest);
}

/**
 * Classic digest of a folder's contents relative to it. The caller adds the folder's path from the
 * context root, which makes it equal to moby's "dir:" hash (a sorted list of path-named tarsums).
 * Subtrees holding symlinks depend on their targets elsewhere, so they are not memoised.
 */
export function classicTree(view: ContextView, node: ViewNode): Digested & { linked: boolean } {
  const memo = node.memo;
  if (memo.cl !== undefined) return { digest: memo.cl, errs: memo.errs ?? NONE, linked: false };
  if (!node.kids) {
    if (node.entry.type === 'symlink') return { digest: classicLink(view, node), errs: NONE, linked: true };
    return { ...bkTree(view, node), linked: false }; // a leaf's record is memoised by bkTree
  }
  const own = node.path === '' ? ROOT_HEADER : node.implicit ? 'P' : `D${mode(node.entry)}`;
  const h = createHash('sha256').update('\0').update(own);
  const errs: string[] = node.entry.error ? [`${node.path}: ${node.entry.error}`] : [];
  let linked = false;
  for (const name of sortedNames(node)) {
    const kid = classicTree(view, node.kids.get(name)!);
    h.update('\0').update(hashable(name)).update('\0').update(hashable(kid.digest));
    if (kid.errs.length) errs.push(...kid.errs);
    linked ||= kid.linked;
  }
  const result = { digest: h.digest('hex'), errs: errs.length ? errs : NONE, linked };
  if (!linked) {
    memo.cl = result.digest;
    memo.errs = result.errs;
  }
  return result;
}

/** Classic hash of one copied path, named from the context root ("file:" or "dir:" in moby). */
export function classicPath(view: ContextView, node: ViewNode, path: string): Digested {
  if (node.kids) {
    const t = classicTree(view, node);
    return { digest: hash('dir', path, t.digest), errs: t.errs };
  }
  const r = bkRecord(view, node);
  return { digest: hash('file', path, r.digest), errs: r.errs };
}

/** Short fingerprint of one included entry (type, mode, content or link target), for reasons. */
export function entryFingerprint(view: ContextView, path: string): string | undefined {
  const node = path === '' ? undefined : lookup(view.root, path);
  return node && nodeFingerprint(view, node);
}

/** entryFingerprint of a node, memoised on it (an unreadable entry is asked again next time). */
export function nodeFingerprint(view: ContextView, node: ViewNode): string {
  if (node.memo.fp !== undefined) return node.memo.fp;
  const r = bkRecord(view, node);
  if (r.errs.length) return 'unreadable:' + hash(r.digest).slice(0, 16);
  return (node.memo.fp = hash(r.digest).slice(0, 16));
}
