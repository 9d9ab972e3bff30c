// BuildKit's checksum for a COPY source with wildcards, --exclude or --parents
// (cache/contenthash includedPaths + Checksum): a flat list, in Go key order, of every included
// file, symlink and folder header with its *basename* and digest, instead of the Merkle tree used
// for a plain path. Symlinks in the list are followed (FollowLinks); a folder counts by its header
// only, its contents being listed one by one.
import { basePath, classSpansSlash, containsWildcards, goMatch, goMatcher } from './glob';
import { bkRecord, bkTree, hash, resolveInScope } from './digest';
import { sortedNames, type ContextView, type ViewNode } from './view';
import type { MatchInfo, PatternMatcher } from './dockerignore';

export interface FlatSelector {
  /** Absolute, cleaned selector path as BuildKit sees it ('/src/*.js', '/' for the root). */
  path: string;
  wildcard: boolean;
  include?: PatternMatcher;
  exclude?: PatternMatcher;
}

export interface Picked {
  node: ViewNode;
  /** Real context path ('' for the root). */
  path: string;
  /** Whether everything below the node counts too (a followed symlink to a folder). */
  subtree: boolean;
}

export interface FlatResult {
  digest: string;
  picked: Picked[];
  problems: string[];
}

interface Item {
  label: string;
  node: ViewNode;
  path: string;
}

interface Frame {
  item: Item;
  included: boolean;
  inc: MatchInfo;
  exc: MatchInfo;
}

export const EMPTY_DIGEST = hash('empty-selection');

export function flatChecksum(view: ContextView, sel: FlatSelector): FlatResult {
  const items: Item[] = [];
  const problems: string[] = [];

  const test = (candidate: string, parent: Frame | undefined): { ok: boolean; inc: MatchInfo; exc: MatchInfo } => {
    let inc: MatchInfo;
    let exc: MatchInfo;
    if (sel.include) {
      const r = sel.include.matchesUsingParentResults(candidate, parent?.inc);
      inc = r.info;
      if (!r.matched) return { ok: false, inc, exc };
    }
    if (sel.exclude) {
      const r = sel.exclude.matchesUsingParentResults(candidate, parent?.exc);
      exc = r.info;
      if (r.matched) return { ok: false, inc, exc };
    }
    return { ok: true, inc, exc };
  };

  // Everything at and below `node`, candidates relative to `base` (shouldIncludePath).
  const walk = (node: ViewNode, label: string, path: string, base: string, stack: Frame[]): void => {
    const candidate = label === base ? '' : label.slice(base.length + 1);
    const t = test(candidate, stack[stack.length - 1]);
    const item = { label, node, path };
    if (t.ok) {
      for (const f of stack) {
        if (!f.included) {
          items.push(f.item);
          f.included = true;
        }
      }
      items.push(item);
    }
    if (!node.kids) return;
    stack.push({ item, included: t.ok, inc: t.inc, exc: t.exc });
    for (const name of sortedNames(node)) walk(node.kids.get(name)!, `${label}/${name}`, path ? `${path}/${name}` : name, base, stack);
    stack.pop();
  };

  if (!sel.wildcard) {
    // Intermediate symlinks are resolved, a final one is kept (and followed below, as a list item).
    const r = resolveInScope(view.root, sel.path.slice(1), false);
    if ('error' in r) problems.push(r.error);
    else if ('node' in r) walk(r.node, sel.path === '/' ? '' : sel.path, r.path, sel.path === '/' ? '' : sel.path, []);
  } else {
    const segs = sel.path.slice(1).split('/');
    const first = segs.findIndex((s) => containsWildcards(s));
    const prefix = segs.slice(0, first).join('/');
    const label = prefix ? '/' + prefix : '';
    const r = resolveInScope(view.root, prefix, true);
    if (goMatch(sel.path, '') === 'bad') problems.push(`${sel.path.slice(1)}: syntax error in pattern; BuildKit fails to compute the cache key.`);
    else if ('error' in r) problems.push(r.error);
    else if ('node' in r && r.node.kids) {
      const onMatch = (kid: ViewNode, kidLabel: string, kidPath: string) => walk(kid, kidLabel, kidPath, kidLabel, []);
      if (classSpansSlash(sel.path)) bruteForce(r.node, label, r.path, sel.path, onMatch);
      else bySegment(r.node, label, r.path, segs.slice(first), 0, onMatch);
    }
  }

  const picked: Picked[] = [];
  const digests = items.map((it) => {
    const node = it.node;
    if (node.entry.type === 'symlink') {
      const target = resolveInScope(view.root, it.path, true);
      if (!('node' in target)) {
        problems.push(
          'error' in target
            ? target.error
            : `${it.path}: symlink target ${node.entry.linkTarget ?? ''} is not in the build context; BuildKit fails to compute the cache key.`,
        );
        return hash('dangling', it.path);
      }
      picked.push({ node, path: it.path, subtree: false }, { node: target.node, path: target.path, subtree: true });
      const d = bkTree(view, target.node);
      problems.push(...d.errs);
      return d.digest;
    }
    picked.push({ node, path: it.path, subtree: false });
    const d = node.kids ? bkRecord(view, node) : bkTree(view, node);
    problems.push(...d.errs);
    return d.digest;
  });
  let digest: string;
  if (!items.length) digest = EMPTY_DIGEST;
  else if (items.length === 1 && basePath(sel.path) === basePath(items[0].label)) digest = digests[0];
  else digest = hash('list', ...items.flatMap((it, i) => [basePath(it.label), digests[i]]));
  return { digest, picked, problems };
}

export type OnMatch = (node: ViewNode, label: string, path: string) => void;

/** Match pattern segments one folder level at a time (real folders only, like Go's walk). */
export function bySegment(node: ViewNode, label: string, path: string, segs: string[], i: number, onMatch: OnMatch): void {
  const matchers = segs.map((seg) => (/[*?[\\]/.test(seg) ? goMatcher(seg) : seg));
  const visit = (dir: ViewNode, dirLabel: string, dirPath: string, depth: number): void => {
    const m = matchers[depth];
    const names = typeof m === 'string' ? (dir.kids!.has(m) ? [m] : []) : sortedNames(dir).filter((n) => m(n) === true);
    for (const name of names) {
      const kid = dir.kids!.get(name)!;
      const kidLabel = `${dirLabel}/${name}`;
      const kidPath = dirPath ? `${dirPath}/${name}` : name;
      if (depth === segs.length - 1) onMatch(kid, kidLabel, kidPath);
      else if (kid.kids) visit(kid, kidLabel, kidPath, depth + 1);
    }
  };
  visit(node, label, path, i);
}

/** Full-path matching for the rare pattern whose [class] contains '/'. */
export function bruteForce(node: ViewNode, label: string, path: string, pattern: string, onMatch: OnMatch): void {
  for (const name of sortedNames(node)) {
    const kid = node.kids!.get(name)!;
    const kidLabel = `${label}/${name}`;
    const kidPath = path ? `${path}/${name}` : name;
    if (goMatch(pattern, kidLabel) === true) onMatch(kid, kidLabel, kidPath);
    else if (kid.kids) bruteForce(kid, kidLabel, kidPath, pattern, onMatch);
  }
}
