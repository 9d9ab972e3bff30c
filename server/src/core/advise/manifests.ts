// Which manifests of the detected ecosystems exist in the copied part of the context, grouped by
// folder so each group becomes one `COPY files dest/folder/` (relative paths are kept), and the
// reasons a "manifests first" rewrite would not build the same image.
import { ECOSYSTEMS, pipRequirementFiles, type Ecosystem } from './ecosystems';
import { looseWords } from './shell';
import type { AdviseContext } from './types';
import type { Translate } from '../shared/translate';

/** Folders never searched for nested manifests: installed dependencies and build output. */
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'target',
  'bin',
  'obj',
  'build',
  'dist',
  'out',
  'vendor',
  '.venv',
  'venv',
  '__pycache__',
  '.gradle',
  'deps',
  '_build',
]);

export interface ContextIndex {
  has(path: string): boolean;
  isDir(path: string): boolean;
  /** Every path (files and folders) below a folder ('' = the root), relative to that folder. */
  below(dir: string): string[];
  readText(path: string): string | undefined;
}

// The server passes the same `paths` object while the context is unchanged: index it once.
const indexes = new WeakMap<object, ContextIndex>();

export function contextIndex(context: AdviseContext): ContextIndex {
  const key = context.paths as object;
  const cached = indexes.get(key);
  if (cached) return { ...cached, readText: (p) => context.readText?.(p) };
  const paths = new Set<string>();
  const dirs = new Set<string>();
  for (const raw of context.paths) {
    // A folder may be given with a trailing slash ('src/'): a folder even when nothing below it is listed.
    const p = raw.endsWith('/') ? raw.slice(0, -1) : raw;
    if (p === '') continue;
    paths.add(p);
    if (raw.endsWith('/')) dirs.add(p);
    for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) dirs.add(p.slice(0, i));
  }
  for (const d of dirs) paths.add(d);
  const belowCache = new Map<string, string[]>();
  const index: ContextIndex = {
    has: (p) => p === '' || paths.has(p),
    isDir: (p) => p === '' || dirs.has(p),
    below: (dir) => {
      let out = belowCache.get(dir);
      if (!out) {
        const prefix = dir === '' ? '' : dir + '/';
        out = [];
        for (const p of paths) if (p.startsWith(prefix) && p !== dir) out.push(p.slice(prefix.length));
        belowCache.set(dir, out);
      }
      return out;
    },
    readText: (p) => context.readText?.(p),
  };
  if (typeof key === 'object' && key !== null) indexes.set(key, index);
  return index;
}

export interface ManifestGroup {
  /** Folder relative to the copied folder ('' = its top). */
  dir: string;
  /** Names of files in that folder, or one folder name copied whole. */
  files: string[];
  wholeDir?: boolean;
}

export interface ManifestPlan {
  groups: ManifestGroup[];
  /** Set when the rewrite is not offered; the text says why. */
  problem?: string;
}

const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);

function skipped(rel: string): boolean {
  return rel
    .split('/')
    .slice(0, -1)
    .some((seg) => SKIP_DIRS.has(seg));
}

// index.below() keeps its lists while the context is unchanged; so does this filter of them (a
// Dockerfile with many `COPY . .` plans the manifests of the same folder once per COPY).
const searchedLists = new WeakMap<readonly string[], string[]>();

/** The paths of `below` outside installed dependencies and build output. */
function searched(below: string[]): string[] {
  let kept = searchedLists.get(below);
  if (!kept) {
    kept = below.filter((p) => !skipped(p));
    searchedLists.set(below, kept);
  }
  return kept;
}

/**
 * Manifests of `ecosystems` under `root` (context-relative folder the broad COPY copies),
 * with `commands` the install commands (pip's -r files are taken from them).
 */
export function planManifests(
  index: ContextIndex,
  root: string,
  ecosystems: Ecosystem[],
  commands: string[],
  t: Translate,
  how: { prefetch: boolean; needed: boolean },
): ManifestPlan {
  const files = new Set<string>();
  const wholeDirs = new Set<string>();
  const below = how.needed ? searched(index.below(root)) : [];
  for (const eco of how.needed ? ecosystems : []) {
    for (const f of eco.files) if (index.has(join(root, f)) && !index.isDir(join(root, f))) files.add(f);
    for (const d of eco.dirs ?? []) if (index.isDir(join(root, d))) wholeDirs.add(d);
    for (const p of below) {
      if (eco.top && !p.includes('/') && eco.top.test(p) && !index.isDir(join(root, p))) files.add(p);
      if (eco.nested && eco.nested.test(p) && !index.isDir(join(root, p))) files.add(p);
    }
    if (eco.workspaces) for (const p of workspaceManifests(index, root, below)) files.add(p);
    if (eco.id === 'pip')
      for (const r of commands.flatMap((c) => pipRequirementFiles(looseWords(c)))) addRequirements(index, root, r.replace(/^\.\//, ''), files);
    const problem = ecosystemProblem(index, root, eco, [...files], below, t);
    if (problem) return { groups: [], problem };
  }
  for (const eco of ecosystems) {
    for (const out of (how.prefetch ? eco.prefetchOutputs : undefined) ?? eco.outputs) {
      if (index.has(join(root, out)))
        return {
          groups: [],
          problem: t('the context has {0}, which the broad COPY would copy over what the install created; exclude it in .dockerignore first', out),
        };
    }
  }
  // Files inside a folder copied whole need no COPY of their own.
  const inWhole = (f: string) => [...wholeDirs].some((d) => f.startsWith(d + '/'));
  const byDir = new Map<string, string[]>();
  // Top-level files keep the ecosystem's order (package.json before its lockfile); nested ones sort.
  const ordered = [...files].filter((x) => !inWhole(x));
  for (const f of [...ordered.filter((x) => !x.includes('/')), ...ordered.filter((x) => x.includes('/')).sort()]) {
    const slash = f.lastIndexOf('/');
    const dir = slash < 0 ? '' : f.slice(0, slash);
    byDir.set(dir, [...(byDir.get(dir) ?? []), slash < 0 ? f : f.slice(slash + 1)]);
  }
  const groups: ManifestGroup[] = [...byDir].sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)).map(([dir, names]) => ({ dir, files: names }));
  for (const d of [...wholeDirs].sort()) groups.push({ dir: d, files: [d], wholeDir: true });
  return { groups };
}

/**
 * The package.json of every workspace the project declares (package.json `workspaces`, as a list or as
 * `{ "packages": [...] }`, and pnpm-workspace.yaml `packages:`), its globs resolved against the folders of the
 * context (so what .dockerignore leaves out is not listed). Without the files' text, every package.json below
 * the top: copying more of them is still safe, the broad COPY copies them anyway.
 */
export function workspaceManifests(index: ContextIndex, root: string, below: string[]): string[] {
  const nested = below.filter((p) => p.includes('/') && /(^|\/)package\.json$/.test(p));
  const patterns: string[] = [];
  const pnpm = index.has(join(root, 'pnpm-workspace.yaml'));
  const yaml = pnpm ? index.readText(join(root, 'pnpm-workspace.yaml')) : undefined;
  const pkg = index.readText(join(root, 'package.json'));
  if ((pnpm && yaml === undefined) || (!pnpm && pkg === undefined)) return nested;
  if (yaml !== undefined) patterns.push(...pnpmPackages(yaml));
  if (pkg !== undefined) patterns.push(...packageWorkspaces(pkg));
  if (!patterns.length) return pnpm && yaml !== undefined && !/^packages\s*:/m.test(yaml) ? nested : [];
  const include = patterns.filter((g) => !g.startsWith('!')).map(globRegExp);
  const exclude = patterns.filter((g) => g.startsWith('!')).map((g) => globRegExp(g.slice(1)));
  return nested.filter((p) => {
    const dir = p.slice(0, p.lastIndexOf('/'));
    return include.some((r) => r.test(dir)) && !exclude.some((r) => r.test(dir));
  });
}

function packageWorkspaces(text: string): string[] {
  try {
    const json = JSON.parse(text) as { workspaces?: unknown };
    const w = json.workspaces;
    const list = Array.isArray(w)
      ? w
      : w && typeof w === 'object' && Array.isArray((w as { packages?: unknown }).packages)
        ? (w as { packages: unknown[] }).packages
        : [];
    return list.filter((x): x is string => typeof x === 'string');
  } catch {
    return [];
  }
}

/** The `packages:` list of pnpm-workspace.yaml (block list of plain or quoted strings). */
function pnpmPackages(text: string): string[] {
  const out: string[] = [];
  let inList = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^packages\s*:\s*$/.test(line)) {
      inList = true;
      continue;
    }
    if (!inList) continue;
    if (/^\S/.test(line)) break;
    const m = /^\s+-\s*(?:'([^']*)'|"([^"]*)"|([^\s#]+))/.exec(line);
    if (m) out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

/** A workspace glob (`packages/*`, `apps/**`, `./tools/x`) as a test of a folder path: by segments, `**` for any
 * number of them, `*` and `?` inside one; dynamic programming, so a hostile glob cannot make it slow. */
function globRegExp(glob: string): { test(path: string): boolean } {
  const pattern = glob
    .replace(/^\.\//, '')
    .replace(/\/+$/, '')
    .split('/')
    .filter((x) => x !== '' && x !== '.');
  return {
    test: (path: string) => {
      const parts = path.split('/');
      const memo = new Map<number, boolean>();
      const match = (i: number, j: number): boolean => {
        const k = i * (parts.length + 1) + j;
        const known = memo.get(k);
        if (known !== undefined) return known;
        let r: boolean;
        if (i === pattern.length) r = j === parts.length;
        else if (pattern[i] === '**') r = match(i + 1, j) || (j < parts.length && match(i, j + 1));
        else r = j < parts.length && segmentMatches(pattern[i], parts[j]) && match(i + 1, j + 1);
        memo.set(k, r);
        return r;
      };
      return match(0, 0);
    },
  };
}

function segmentMatches(p: string, s: string): boolean {
  // prev[j]: p[0..i) matches s[0..j)
  let prev = new Array<boolean>(s.length + 1).fill(false);
  prev[0] = true;
  for (let i = 0; i < p.length; i++) {
    const next = new Array<boolean>(s.length + 1).fill(false);
    if (p[i] === '*') next[0] = prev[0];
    for (let j = 1; j <= s.length; j++) {
      if (p[i] === '*') next[j] = next[j - 1] || prev[j];
      else next[j] = prev[j - 1] && (p[i] === '?' || p[i] === s[j - 1]);
    }
    prev = next;
  }
  return prev[s.length];
}

function addRequirements(index: ContextIndex, root: string, file: string, into: Set<string>, depth = 0): void {
  if (depth > 8 || (into.has(file) && depth > 0)) return;
  if (!index.has(join(root, file))) return;
  into.add(file);
  const text = index.readText(join(root, file));
  if (text === undefined) return;
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  for (const m of text.matchAll(/^\s*(?:-r|--requirement|-c|--constraint)[\s=]+(\S+)/gm)) {
    addRequirements(index, root, join(dir, m[1].replace(/^\.\//, '')), into, depth + 1);
  }
}

function ecosystemProblem(index: ContextIndex, root: string, eco: Ecosystem, found: string[], below: string[], t: Translate): string | undefined {
  // The main manifest sits at the top of the copied folder; .NET project files may be anywhere.
  if (!found.some((f) => (eco.id === 'dotnet' || !f.includes('/')) && eco.required.test(f.slice(f.lastIndexOf('/') + 1)))) {
    return t('none of the {0} manifests is in the context', eco.id);
  }
  if (eco.id === 'npm' || eco.id === 'yarn' || eco.id === 'pnpm' || eco.id === 'bun') {
    const text = index.readText(join(root, 'package.json'));
    if (text && /"(preinstall|install|postinstall|prepare)"\s*:/.test(text)) return t('package.json has install scripts that may need the sources');
  }
  if (eco.id === 'cargo' && below.some((p) => p !== 'Cargo.toml' && /(^|\/)Cargo\.toml$/.test(p)))
    return t('this is a Cargo workspace; copy its member manifests by hand or use cargo-chef');
  if (eco.id === 'go' && /^\s*replace\s.*=>\s*\.{1,2}\//m.test(index.readText(join(root, 'go.mod')) ?? ''))
    return t('go.mod replaces modules with local folders, which the install would need');
  if (eco.id === 'bundler' && found.some((f) => f.endsWith('.gemspec'))) return t('the gemspec usually reads files from the sources');
  return undefined;
}

export { ECOSYSTEMS };
