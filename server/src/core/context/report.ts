// What the build context sends to Docker, the way a user thinks about it: how many files and bytes, the largest
// folders, what the ignore file kept out and by which pattern (R20-R21: last matching pattern wins, `!` re-includes),
// and warnings for what usually should not be sent (.git, node_modules, virtualenvs, a context of hundreds of MB)
// with the pattern that would keep it out. Pure: metadata from a ContextSnapshot, no file is read. Shown by
// `layerlens context` and "Layer Lens: Show Build Context".
import { compareNames } from './glob';
import { compileIgnore, type MatchInfo } from './dockerignore';
import type { ContextEntry, ContextSnapshot } from '../shared/types';
import { formatBytes } from '../shared/bytes';

/** Files and bytes below a folder (or the whole context: path ''). */
export interface FolderTotal {
  path: string;
  files: number;
  bytes: number;
}

/** What one ignore pattern kept out of the context. */
export interface ExcludedByPattern {
  /** The pattern as the matcher reads it (cleaned). */
  pattern: string;
  files: number;
  bytes: number;
  /** The top-most excluded paths (a folder stands for everything below it), sorted; at most MAX_EXAMPLES. */
  paths: string[];
  /** How many top-most paths there are in all. */
  pathCount: number;
}

export type ContextWarningKind = 'large' | 'vcs' | 'dependencies' | 'virtualenv';

export interface ContextWarning {
  kind: ContextWarningKind;
  /** The folder it is about ('' for the whole context). */
  path: string;
  files: number;
  bytes: number;
  /** A line to add to the ignore file that keeps it out; absent when no one pattern is the fix. */
  fix?: string;
}

export interface ContextReport {
  /** Sent to Docker: files (anything but folders) and their bytes. */
  files: number;
  bytes: number;
  folders: number;
  /**
   * The largest folders of what is sent, biggest first (at most MAX_FOLDERS; nested ones included, unless they
   * hold exactly what their parent holds); `.` stands for the files directly in the context's root.
   */
  largest: FolderTotal[];
  /** Kept out by the ignore file, per deciding pattern, most bytes first. */
  excluded: ExcludedByPattern[];
  excludedFiles: number;
  excludedBytes: number;
  warnings: ContextWarning[];
  /** Problems of the ignore file (patterns Docker rejects) and of the scan (unreadable folders, loops). */
  problems: string[];
}

/** A context this large takes noticeable time to send on every build. */
export const LARGE_CONTEXT_BYTES = 100 * 1024 * 1024;
const MAX_FOLDERS = 10;
const MAX_EXAMPLES = 5;
/** Folders that are dependencies installed on the host: the image installs its own. */
const DEPENDENCY_FOLDERS = new Set(['node_modules', 'bower_components', '.pnpm-store']);
/** Version control metadata. */
const VCS_FOLDERS = new Set(['.git', '.hg', '.svn']);

interface TreeNode {
  entry: ContextEntry;
  kids: string[];
}

/** Children of every folder, from the snapshot's listing or by grouping its paths. */
function childrenIndex(snapshot: ContextSnapshot): (dir: string) => string[] {
  if (snapshot.children) {
    return (dir) => (snapshot.children?.(dir) ?? []).map((name) => (dir ? `${dir}/${name}` : name)).filter((p) => snapshot.entries.has(p));
  }
  const byParent = new Map<string, string[]>();
  for (const path of snapshot.entries.keys()) {
    if (path === '') continue;
    const i = path.lastIndexOf('/');
    const parent = i < 0 ? '' : path.slice(0, i);
    let list = byParent.get(parent);
    if (!list) byParent.set(parent, (list = []));
    list.push(path);
  }
  return (dir) => byParent.get(dir) ?? [];
}

const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const fileBytes = (entry: ContextEntry): number => (entry.type === 'file' ? entry.size : 0);

/**
 * The report for a snapshot and the ignore file's text. Every entry is visited once; an excluded folder no `!`
 * line can re-include is counted without matching its contents (as the builder skips it).
 */
export function contextReport(snapshot: ContextSnapshot, ignoreText?: string, ignoreFileName = '.dockerignore'): ContextReport {
  const ignore = compileIgnore(ignoreText, ignoreFileName);
  const matcher = ignore.matcher;
  const patterns = matcher.patterns;
  const kids = childrenIndex(snapshot);
  const ROOT: ContextEntry = { path: '', type: 'dir', mode: 0o755, size: 0 };
  const node = (path: string): TreeNode | undefined => {
    const entry = path === '' ? (snapshot.entries.get('') ?? ROOT) : snapshot.entries.get(path);
    return entry && { entry, kids: entry.type === 'dir' ? kids(path).sort(compareNames) : [] };
  };

  const sent = new Map<string, FolderTotal>();
  /** Files directly in the context's root folder (listed among the largest folders as `.`). */
  const rootFiles: FolderTotal = { path: '.', files: 0, bytes: 0 };
  const excluded = new Map<number, ExcludedByPattern>();
  const warnings: ContextWarning[] = [];
  let excludedFiles = 0;
  let excludedBytes = 0;
  let folders = 0;

  /** Everything below (and including) an excluded path, counted without matching. */
  const countAll = (path: string): { files: number; bytes: number } => {
    let files = 0;
    let bytes = 0;
    const stack = [path];
    while (stack.length) {
      const n = node(stack.pop() as string);
      if (!n) continue;
      if (n.entry.type === 'dir') stack.push(...n.kids);
      else {
        files++;
        bytes += fileBytes(n.entry);
      }
    }
    return { files, bytes };
  };

  const addExcluded = (decider: number, path: string, counted: { files: number; bytes: number }): void => {
    let group = excluded.get(decider);
    if (!group) excluded.set(decider, (group = { pattern: patterns[decider]?.cleaned ?? '', files: 0, bytes: 0, paths: [], pathCount: 0 }));
    group.files += counted.files;
    group.bytes += counted.bytes;
    group.pathCount++;
    if (group.paths.length < MAX_EXAMPLES * 20) group.paths.push(path);
    excludedFiles += counted.files;
    excludedBytes += counted.bytes;
  };

  /** The pattern that decided a path: the last one that matched it (moby's last-match-wins). */
  const deciderOf = (info: MatchInfo): number => {
    if (!info) return -1;
    for (let i = info.hits.length - 1; i >= 0; i--) if (info.hits[i] === 1) return i;
    return -1;
  };

  // Depth-first over the snapshot; returns what the subtree sends (a folder's total is its children's sum).
  const walk = (path: string, parentInfo: MatchInfo, inDependencies: boolean): { files: number; bytes: number } => {
    const n = node(path);
    if (!n) return { files: 0, bytes: 0 };
    let matched = false;
    let info: MatchInfo;
    if (path !== '' && patterns.length) ({ matched, info } = matcher.matchesUsingParentResults(path, parentInfo));
    if (matched && n.entry.type !== 'dir') {
      addExcluded(deciderOf(info), path, { files: 1, bytes: fileBytes(n.entry) });
      return { files: 0, bytes: 0 };
    }
    if (matched && matcher.canSkipExcludedDir(path)) {
      addExcluded(deciderOf(info), path, countAll(path));
      return { files: 0, bytes: 0 };
    }
    if (n.entry.type !== 'dir') return { files: 1, bytes: fileBytes(n.entry) };
    const name = nameOf(path);
    const dependencies = DEPENDENCY_FOLDERS.has(name);
    const total: FolderTotal = { path, files: 0, bytes: 0 };
    for (const kid of n.kids) {
      const t = walk(kid, info, inDependencies || dependencies);
      total.files += t.files;
      total.bytes += t.bytes;
      if (path === '' && snapshot.entries.get(kid)?.type !== 'dir') {
        rootFiles.files += t.files;
        rootFiles.bytes += t.bytes;
      }
    }
    // An excluded folder looked into (a `!` line re-includes something below it) is no folder of its own.
    if (matched) return total;
    sent.set(path, total);
    if (path === '') return total;
    folders++;
    const nested = path.includes('/');
    if (VCS_FOLDERS.has(name)) warnings.push({ kind: 'vcs', path, files: total.files, bytes: total.bytes, fix: nested ? `**/${name}` : name });
    else if (dependencies && !inDependencies)
      warnings.push({ kind: 'dependencies', path, files: total.files, bytes: total.bytes, fix: nested ? `**/${name}` : name });
    else if (n.kids.some((kid) => nameOf(kid) === 'pyvenv.cfg' && snapshot.entries.get(kid)?.type === 'file')) {
      warnings.push({ kind: 'virtualenv', path, files: total.files, bytes: total.bytes, fix: path });
    }
    return total;
  };
  walk('', undefined, false);

  const root = sent.get('') ?? { path: '', files: 0, bytes: 0 };
  if (root.bytes >= LARGE_CONTEXT_BYTES) warnings.unshift({ kind: 'large', path: '', files: root.files, bytes: root.bytes });
  // The same pattern for two folders (two nested node_modules) is offered once.
  const seenFixes = new Set<string>();
  for (const w of warnings) {
    if (!w.fix) continue;
    if (seenFixes.has(w.fix)) delete w.fix;
    else seenFixes.add(w.fix);
  }
  // A folder whose parent holds exactly the same (server/ and its only folder server/src/) is left out.
  const sameAsParent = (f: FolderTotal): boolean => {
    const parent = sent.get(f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '');
    return parent !== undefined && parent.path !== '' && parent.files === f.files && parent.bytes === f.bytes;
  };
  const largest = [...sent.values(), rootFiles]
    .filter((f) => f.path !== '' && f.files > 0 && !sameAsParent(f))
    .sort((a, b) => b.bytes - a.bytes || b.files - a.files || compareNames(a.path, b.path))
    .slice(0, MAX_FOLDERS);
  const groups = [...excluded.values()].sort((a, b) => b.bytes - a.bytes || b.files - a.files || compareNames(a.pattern, b.pattern));
  for (const g of groups) {
    g.paths.sort(compareNames);
    g.paths = g.paths.slice(0, MAX_EXAMPLES);
  }
  return {
    files: root.files,
    bytes: root.bytes,
    folders,
    largest,
    excluded: groups,
    excludedFiles,
    excludedBytes,
    warnings,
    problems: [...ignore.problems, ...snapshot.problems.map((p) => `${p.path}: ${p.message}`)],
  };
}

/** `1 file`, `3 files`. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export { formatBytes };

const WARNING_TEXT: Record<ContextWarningKind, string> = {
  large: 'the context is large ({1}): every build sends all of it; keep out what the image does not need',
  vcs: '{0} is sent ({1}): version control history the image does not need, and any commit changes it',
  dependencies: '{0} is sent ({1}): dependencies installed on this machine; the image should install its own',
  virtualenv: '{0} is sent ({1}): a Python virtualenv made on this machine; the image should make its own',
};

/** A warning in English, `{0}` the folder and `{1}` its size (the editor translates the same templates). */
export function warningText(w: ContextWarning, template: (english: string) => string = (s) => s): string {
  return template(WARNING_TEXT[w.kind])
    .replace('{0}', `${w.path}/`)
    .replace('{1}', `${plural(w.files, 'file', 'files')}, ${formatBytes(w.bytes)}`);
}

/** The report as text (the CLI prints it; the editor shows the same facts). */
export function formatContextReport(report: ContextReport, header: { context: string; ignoreFile?: string }): string {
  const lines: string[] = [];
  lines.push(`Build context ${header.context}`);
  lines.push(`Sent to Docker: ${plural(report.files, 'file', 'files')} in ${plural(report.folders, 'folder', 'folders')}, ${formatBytes(report.bytes)}`);
  lines.push(
    header.ignoreFile
      ? `Ignore file: ${header.ignoreFile} (${plural(report.excludedFiles, 'file', 'files')}, ${formatBytes(report.excludedBytes)} kept out)`
      : 'Ignore file: none (nothing is kept out)',
  );
  if (report.warnings.length) {
    lines.push('', 'Warnings:');
    for (const w of report.warnings) lines.push(`  ! ${warningText(w)}${w.fix ? `; fix: add "${w.fix}" to the ignore file` : ''}`);
  }
  if (report.largest.length) {
    lines.push('', 'Largest folders sent:');
    for (const f of report.largest)
      lines.push(
        `  ${formatBytes(f.bytes).padStart(10)}  ${plural(f.files, 'file ', 'files').padStart(13)}  ${f.path === '.' ? '. (files directly in the context)' : `${f.path}/`}`,
      );
  }
  if (report.excluded.length) {
    lines.push('', 'Kept out by the ignore file:');
    for (const g of report.excluded) {
      const more = g.pathCount > g.paths.length ? ` and ${g.pathCount - g.paths.length} more` : '';
      lines.push(`  ${formatBytes(g.bytes).padStart(10)}  ${plural(g.files, 'file ', 'files').padStart(13)}  ${g.pattern}: ${g.paths.join(', ')}${more}`);
    }
  }
  if (report.problems.length) {
    lines.push('', 'Problems:');
    for (const p of report.problems) lines.push(`  ${p}`);
  }
  return `${lines.join('\n')}\n`;
}
