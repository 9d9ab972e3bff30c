// What a COPY/ADD source list or a RUN bind mount reads from the build context, and the digest
// Docker's cache key takes from it (R9, R17, R19, R20-R22). Pure: it reads a ContextSnapshot
// through a ContextView (view.ts) and never touches the disk.
//
// BuildKit (dockerfile2llb/convert_copy.go, solver/llbsolver/ops/file.go, cache/contenthash):
// each source is cleaned as path.Join("/", src), so '..' stops at the context root instead of
// failing; the file op's cache map keeps only path.Base(src); the content checksum of each
// source (symlink followed) is combined in sorted-path order. Classic (moby builder/dockerfile,
// remotecontext): '..' leaving the context fails, wildcards match nothing → error, and every
// hashed entry is named by its path from the context root.
import { basePath, classSpansSlash, cleanPath, compareNames, containsWildcards } from './glob';
import { bkTree, classicPath, hash, resolveInScope } from './digest';
import { bruteForce, bySegment, EMPTY_DIGEST, flatChecksum, type FlatSelector, type Picked } from './flat';
import { changesSince } from './changes';
import { lookup, sortedNames, type ContextView, type ViewNode } from './view';
import { lazyProperty } from '../shared/lazy';
import { PatternMatcher } from './dockerignore';
import type { Builder, SourceSelection } from '../shared/types';
import { msg, renderMessage, verbatim, type Message } from '../shared/message';

export { viewContext, updateView, viewEntry, includedPaths, type ContextView } from './view';
export { entryFingerprint, nodeFingerprint } from './digest';

export interface SelectOptions {
  builder: Builder;
  /** COPY --exclude patterns (BuildKit; the classic builder ignores the flag). */
  excludes?: string[];
  /** COPY --parents (BuildKit; the classic builder ignores the flag). */
  parents?: boolean;
  /**
   * Sources of RUN --mount=type=bind: literal paths (no wildcards), and no path in the key at all,
   * because BuildKit clears mount selectors from the exec op's cache map.
   */
  mount?: boolean;
}

export interface ContextSelection extends SourceSelection {
  /** What Docker does silently that a user may not expect (a clamped '../', an ignored flag). */
  warnings: string[];
}

type Selector = FlatSelector & { src: string };

/**
 * The selection for one COPY/ADD (all its local sources) or one bind mount. `paths` is computed
 * on first read (it can hold the whole context); the digest never includes mtime or ownership.
 */
export function selectSources(view: ContextView, sources: string[], opts: SelectOptions): ContextSelection {
  return opts.builder === 'classic' && !opts.mount ? selectClassic(view, sources, opts) : selectBuildkit(view, sources, opts);
}

/** What a bind mount with no source reads: the whole context after .dockerignore (R8). */
export function wholeContext(view: ContextView, _builder?: Builder): ContextSelection {
  return selectSources(view, ['.'], { builder: 'buildkit', mount: true });
}

function escapes(src: string): boolean {
  const c = cleanPath(src.replace(/^\/+/, ''));
  return c === '..' || c.startsWith('../');
}

function selectBuildkit(view: ContextView, sources: string[], opts: SelectOptions): ContextSelection {
  const problems: Message[] = view.ignore.problems.map(verbatim);
  const warnings: string[] = [];
  const mount = opts.mount === true;
  let exclude: PatternMatcher | undefined;
  if (!mount && opts.excludes?.length) {
    const r = PatternMatcher.create(opts.excludes);
    problems.push(...r.errors.map((e) => verbatim(`--exclude: ${e}; BuildKit rejects the instruction.`)));
    if (r.matcher.patterns.length) exclude = r.matcher;
  }
  const selectors: Selector[] = [];
  const bases: string[] = [];
  for (const src of sources) {
    let s = src;
    let pattern: string | undefined;
    if (opts.parents && !mount) {
      const pivot = s.indexOf('/./');
      pattern = cleanPath('/' + (pivot < 0 ? s : s.slice(pivot + 3))).slice(1);
      s = pivot < 0 ? '/' : s.slice(0, pivot);
    }
    if (escapes(s)) {
      const inside = cleanPath('/' + s).slice(1) || '.';
      warnings.push(
        `${src}: BuildKit cleans sources as path.Join("/", src), so '..' stops at the context root and this reads "${inside}" from the context (the classic builder fails instead).`,
      );
    }
    const path = cleanPath('/' + s);
    bases.push(pattern === undefined ? basePath(path) : `${basePath(path)}\0${pattern}`);
    const include = pattern === undefined ? undefined : PatternMatcher.create([pattern]).matcher;
    selectors.push({ src, path, wildcard: !mount && containsWildcards(path), include, exclude });
    if (pattern !== undefined && !containsWildcards(s) && !containsWildcards(pattern)) {
      const required = cleanPath(`${path}/${pattern}`).slice(1);
      if (!('node' in resolveInScope(view.root, required, true)))
        problems.push(verbatim(`${src}: ${required} is not in the build context; BuildKit fails the copy.`));
    }
  }
  const picked: Picked[] = [];
  const digests = dedupe(selectors, mount).map((sel) => {
    if (sel.wildcard || sel.include || sel.exclude) {
      const r = flatChecksum(view, sel);
      problems.push(...r.problems.map(verbatim));
      picked.push(...r.picked);
      return r.digest;
    }
    const r = resolveInScope(view.root, sel.path.slice(1), true);
    if (!('node' in r)) {
      problems.push('error' in r ? verbatim(r.error) : msg('sourceNotFoundBuildkit', sel.src, sel.path));
      return hash('missing', sel.path);
    }
    const link = lookup(view.root, sel.path.slice(1));
    if (link && link !== r.node) picked.push({ node: link, path: link.path, subtree: false });
    picked.push({ node: r.node, path: r.path, subtree: true });
    const d = bkTree(view, r.node);
    problems.push(...d.errs.map(verbatim));
    return d.digest;
  });
  const digest = mount
    ? hash('bk-mount', ...digests)
    : hash('bk-copy', bases.join('\n'), (opts.excludes ?? []).join('\n'), ...(digests.length ? digests : [EMPTY_DIGEST]));
  return finish(view, { digest, problems: unique(problems), warnings }, picked);
}

/** BuildKit's dedupeSelectors / exec dedupePaths: plain paths inside another plain path go; sorted. */
function dedupe(selectors: Selector[], mount: boolean): Selector[] {
  const plain = (s: Selector) => !s.wildcard && !s.include && !s.exclude;
  const seen = new Set<string>();
  const kept = selectors.filter((s) => {
    const key = `${s.path}\0${s.wildcard}\0${s.include?.patterns[0]?.cleaned ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (!plain(s)) return true;
    return !selectors.some((o) => {
      if (!plain(o) || o.path === s.path) return false;
      const prefix = mount && o.path.endsWith('/') ? o.path : `${o.path}/`;
      return s.path.startsWith(prefix);
    });
  });
  return kept.sort((a, b) => compareNames(a.path, b.path));
}

function selectClassic(view: ContextView, sources: string[], opts: SelectOptions): ContextSelection {
  const problems: Message[] = view.ignore.problems.map(verbatim);
  const warnings: string[] = [];
  if (opts.excludes?.length) warnings.push('The classic builder ignores --exclude: every file of the source is copied and hashed.');
  if (opts.parents) warnings.push('The classic builder ignores --parents: sources are copied without their parent folders.');
  const infos: string[] = [];
  const picked: Picked[] = [];
  const literal = (rel: string) => {
    const c = cleanPath(rel);
    if (c === '..' || c.startsWith('../')) {
      problems.push(msg('sourceOutsideClassic', rel));
      return;
    }
    const r = resolveInScope(view.root, c === '.' ? '' : c, true);
    if (!('node' in r)) {
      problems.push('error' in r ? verbatim(r.error) : msg('sourceNotFoundClassic', rel));
      return;
    }
    const d = classicPath(view, r.node, r.path);
    infos.push(d.digest);
    problems.push(...d.errs.map(verbatim));
    picked.push({ node: r.node, path: r.path, subtree: true });
  };
  for (const src of sources) {
    let s = src.startsWith('/') ? src.slice(1) : src;
    if (s.startsWith('./')) s = s.slice(2);
    if (!containsWildcards(s)) {
      literal(s);
      continue;
    }
    // moby copyWithWildcards: filepath.Match of the whole relative path over a walk of the context.
    const matches: string[] = [];
    const onMatch = (_n: ViewNode, _l: string, path: string) => matches.push(path);
    if (classSpansSlash(s)) bruteForce(view.root, '', '', '/' + s, onMatch);
    else bySegment(view.root, '', '', s.split('/'), 0, onMatch);
    matches.forEach(literal);
  }
  if (infos.length === 0 && problems.length === view.ignore.problems.length) {
    problems.push(msg('noSourceFiles', sources.join(' ')));
  }
  const digest = infos.length === 1 ? hash('classic', infos[0]) : hash('multi', ...infos);
  return finish(view, { digest, problems: unique(problems), warnings }, picked);
}

/** Each problem once (by its English text), in first-seen order. */
function unique(list: Message[]): Message[] {
  const seen = new Set<string>();
  return list.filter((m) => {
    const key = renderMessage(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Attach `paths` as a lazily computed, enumerable property (JSON.stringify still sees it), and, not
 * enumerable, `hasPaths` and `changesSince`, which answer without listing the paths.
 */
function finish(view: ContextView, sel: { digest: string; problems: Message[]; warnings: string[] }, picked: Picked[]): ContextSelection {
  lazyProperty(sel, 'paths', () => collect(picked));
  Object.defineProperty(sel, 'count', { value: countPaths(picked) });
  Object.defineProperty(sel, 'changesSince', { value: (last: Record<string, string>) => changesSince(view, picked, last) });
  Object.defineProperty(sel, 'includes', { value: (path: string) => picked.some((p) => covers(p, path)) });
  return sel as ContextSelection;
}

/** collect(picked).length without listing: distinct pick paths not inside a picked subtree, plus the subtrees' sizes. */
function countPaths(picked: Picked[]): number {
  const subtrees = new Set<string>();
  const byPath = new Map<string, number>();
  for (const p of picked) {
    const below = p.subtree && p.node.kids ? subtreeSize(p.node) : 0;
    if (p.subtree && p.node.kids) subtrees.add(p.path);
    byPath.set(p.path, Math.max(byPath.get(p.path) ?? 0, below));
  }
  let n = 0;
  for (const [path, below] of byPath) {
    if (path !== '' && (subtrees.has('') || ancestors(path).some((a) => subtrees.has(a)))) continue;
    n += (path === '' ? 0 : 1) + below;
  }
  return n;
}

/** 'a/b/c' → ['a', 'a/b']. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/** How many entries are below a folder node, memoised on it. */
function subtreeSize(node: ViewNode): number {
  if (node.memo.n !== undefined) return node.memo.n;
  let n = 0;
  for (const kid of node.kids?.values() ?? []) n += 1 + (kid.kids ? subtreeSize(kid) : 0);
  return (node.memo.n = n);
}

/** Whether collect([p]) would list `path`. */
function covers(p: Picked, path: string): boolean {
  if (path === '') return false;
  if (p.path === path) return true;
  if (!p.subtree || !p.node.kids) return false;
  if (p.path !== '' && !path.startsWith(p.path + '/')) return false;
  return lookup(p.node, p.path === '' ? path : path.slice(p.path.length + 1)) !== undefined;
}

function collect(picked: Picked[]): string[] {
  const out = new Set<string>();
  const walk = (node: ViewNode): void => {
    for (const name of sortedNames(node)) {
      const kid = node.kids!.get(name)!;
      out.add(kid.path);
      if (kid.kids) walk(kid);
    }
  };
  for (const p of picked) {
    if (p.path !== '') out.add(p.path);
    if (p.subtree && p.node.kids) walk(p.node);
  }
  return [...out].sort();
}
