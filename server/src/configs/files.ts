// The only way discovery touches the disk: files inside the workspace root, read without following a symlink
// anywhere on their path (contextFs.readInside), each at most MAX_CONFIG_BYTES, at most MAX_CONFIG_FILES of
// them; folders listed only when no component of their path is a symlink, and walked to a bounded depth.
import { lstatSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readInside } from '../contextFs';
import type { ConfigProblem } from './types';

export const MAX_CONFIG_BYTES = 1024 * 1024;
export const MAX_CONFIG_FILES = 500;
/** Folders below the root searched for compose and Bake files. */
export const MAX_WALK_DEPTH = 3;
export const MAX_WALK_FOLDERS = 2000;
/** Not searched for compose and Bake files: dependencies, build output, version control. */
const SKIPPED = new Set(['node_modules', 'vendor', 'target', 'dist', 'venv', '__pycache__', 'bower_components']);

export interface WorkspaceFiles {
  /** Absolute workspace root. */
  readonly root: string;
  /** The text of the workspace-relative file, or undefined when it does not exist or is refused (a problem says why). */
  read(rel: string): string | undefined;
  /**
   * Entries of a workspace-relative folder ('' is the root). A symlink counts as a file (so reading it says it is
   * refused), never as a folder (so no walk goes through it).
   */
  list(rel: string): Array<{ name: string; dir: boolean; file: boolean }>;
  readonly problems: ConfigProblem[];
  /** Every file read (or tried), workspace-relative. */
  readonly touched: Set<string>;
}

/**
 * One discovery's view of the disk. A file is read and a folder listed once per discovery: several formats and
 * targets look at the same files (Bake groups, HCL lines, compose `extends`), and only distinct files count
 * towards MAX_CONFIG_FILES.
 */
export function diskFiles(rootArg: string): WorkspaceFiles {
  const root = resolve(rootArg);
  const problems: ConfigProblem[] = [];
  const touched = new Set<string>();
  const texts = new Map<string, string | undefined>();
  const listings = new Map<string, Array<{ name: string; dir: boolean; file: boolean }>>();
  let reads = 0;
  return {
    root,
    problems,
    touched,
    read(rel) {
      if (texts.has(rel)) return texts.get(rel);
      const text = readOnce(rel);
      texts.set(rel, text);
      return text;
    },
    list(rel) {
      let entries = listings.get(rel);
      if (!entries) listings.set(rel, (entries = listOnce(rel)));
      return entries;
    },
  };

  function readOnce(rel: string): string | undefined {
    touched.add(rel);
    if (++reads > MAX_CONFIG_FILES) {
      if (reads === MAX_CONFIG_FILES + 1) problems.push({ file: rel, message: `more than ${MAX_CONFIG_FILES} configuration files: the rest are not read.` });
      return undefined;
    }
    const r = readInside(root, rel, MAX_CONFIG_BYTES);
    if ('bytes' in r) {
      if (r.bytes.includes(0)) {
        problems.push({ file: rel, message: 'contains NUL bytes: not a text file, not read.' });
        return undefined;
      }
      return r.bytes.toString('utf8');
    }
    if (r.refused === 'missing') return undefined;
    const why =
      r.refused === 'symlink'
        ? 'is a symlink or lies behind one: discovery does not follow links, replace it with a regular file.'
        : r.refused === 'too-large'
          ? `is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB: not read.`
          : r.refused === 'not-a-file'
            ? 'is not a regular file: not read.'
            : `cannot be read (${r.code ?? 'error'}).`;
    problems.push({ file: rel, message: why });
    return undefined;
  }

  function listOnce(rel: string): Array<{ name: string; dir: boolean; file: boolean }> {
    const parts = rel.split('/').filter((p) => p && p !== '.');
    if (parts.includes('..')) return [];
    try {
      // No symlink on the way: a linked folder could list names outside the workspace.
      for (let i = 1; i <= parts.length; i++) {
        if (!lstatSync(join(root, ...parts.slice(0, i))).isDirectory()) return [];
      }
      return readdirSync(join(root, ...parts), { withFileTypes: true }).map((d) => ({
        name: d.name,
        dir: d.isDirectory(),
        file: d.isFile() || d.isSymbolicLink(),
      }));
    } catch {
      return [];
    }
  }
}

/** Workspace-relative folders (root first, '' for the root) where compose and Bake files are looked for. */
export function walkFolders(files: WorkspaceFiles): string[] {
  const out: string[] = [''];
  let queue: string[] = [''];
  for (let depth = 0; depth < MAX_WALK_DEPTH && queue.length; depth++) {
    const next: string[] = [];
    for (const dir of queue) {
      for (const e of files.list(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (!e.dir || e.name.startsWith('.') || SKIPPED.has(e.name)) continue;
        if (out.length >= MAX_WALK_FOLDERS) return out;
        const rel = dir ? `${dir}/${e.name}` : e.name;
        out.push(rel);
        next.push(rel);
      }
    }
    queue = next;
  }
  return out;
}

/** Joins workspace-relative POSIX paths. */
export function joinRel(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}
