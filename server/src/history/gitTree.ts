// A build context as a git tree lists it, kept up to date along a history's changes: the same ContextSnapshot
// `plan` reads from a folder, built from tree entries (path, mode, symlink target) with the blob id as the content's
// identity (two files have the same content exactly when their blob ids are equal, so keys change exactly when a
// checkout's sha256 digests would). One tree lives at a time: memory is one tree plus the pending changes.
import type { ContextEntry, ContextSnapshot } from '../core/shared/types';

/** Modes a checkout gives (git keeps only the executable bit; umask 022). */
const FILE_MODE = 0o644;
const EXEC_MODE = 0o755;
const DIR_MODE = 0o755;

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function nameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export class GitContextTree {
  readonly entries = new Map<string, ContextEntry>();
  /** Content identity of regular files (blob id, or a synthetic value), by context path. */
  readonly identity = new Map<string, string>();
  /** Blob id of files and symlinks, by context path. */
  readonly oids = new Map<string, string>();
  private readonly kids = new Map<string, Set<string>>([['', new Set()]]);

  /**
   * Places a git tree entry (mode as git prints it) at a context path; `linkTarget` for symlinks. Answers the
   * paths that changed (folders created on the way, and the path itself).
   */
  put(path: string, gitMode: string, oid: string, linkTarget?: string): string[] {
    const touched = this.ensureParents(path);
    const old = this.entries.get(path);
    if (old && old.type === 'dir' && gitMode !== '160000') touched.push(...this.remove(path));
    let entry: ContextEntry;
    if (gitMode === '160000') {
      // A submodule: its files are not in this repository's objects; the folder is all a checkout without it has.
      entry = { path, type: 'dir', mode: DIR_MODE, size: 0 };
      if (!this.kids.has(path)) this.kids.set(path, new Set());
    } else if (gitMode === '120000') {
      entry = { path, type: 'symlink', mode: 0o777, size: 0, linkTarget: linkTarget ?? '' };
    } else {
      entry = { path, type: 'file', mode: gitMode === '100755' ? EXEC_MODE : FILE_MODE, size: 0 };
      this.identity.set(path, `git-blob:${oid}`);
    }
    if (entry.type !== 'file') this.identity.delete(path);
    if (gitMode === '160000') this.oids.delete(path);
    else this.oids.set(path, oid);
    this.entries.set(path, entry);
    this.kids.get(parentOf(path))!.add(nameOf(path));
    touched.push(path);
    return touched;
  }

  /** A regular file whose content identity is given as is (the replay's stand-in for `.git`). */
  putSynthetic(path: string, identity: string): string[] {
    const touched = this.ensureParents(path);
    this.entries.set(path, { path, type: 'file', mode: FILE_MODE, size: 0 });
    this.identity.set(path, identity);
    this.kids.get(parentOf(path))!.add(nameOf(path));
    touched.push(path);
    return touched;
  }

  /** Removes a path (and what is below it), and the folders left empty above it. Answers the paths removed. */
  remove(path: string): string[] {
    const touched: string[] = [];
    const drop = (p: string): void => {
      const below = this.kids.get(p);
      if (below) {
        for (const name of below) drop(p ? `${p}/${name}` : name);
        this.kids.delete(p);
      }
      this.entries.delete(p);
      this.identity.delete(p);
      this.oids.delete(p);
    };
    if (!this.entries.has(path)) return touched;
    drop(path);
    touched.push(path);
    let child = path;
    let dir = parentOf(path);
    for (;;) {
      const set = this.kids.get(dir);
      set?.delete(nameOf(child));
      // git has no empty folders: a folder whose last file went is gone from a checkout too (not the root).
      if (dir === '' || !set || set.size > 0 || this.entries.get(dir)?.type !== 'dir') break;
      this.kids.delete(dir);
      this.entries.delete(dir);
      touched.push(dir);
      child = dir;
      dir = parentOf(dir);
    }
    return touched;
  }

  private ensureParents(path: string): string[] {
    const touched: string[] = [];
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      const dir = path.slice(0, i);
      const e = this.entries.get(dir);
      if (e?.type === 'dir') continue;
      if (e) touched.push(...this.remove(dir)); // a file became a folder
      this.entries.set(dir, { path: dir, type: 'dir', mode: DIR_MODE, size: 0 });
      this.kids.set(dir, new Set());
      this.kids.get(parentOf(dir))!.add(nameOf(dir));
      touched.push(dir);
    }
    return touched;
  }

  /** The tree as the core reads a context (valid until the next change). */
  snapshot(): ContextSnapshot {
    const { entries, identity, kids } = this;
    return {
      entries,
      problems: [],
      contentDigest(path) {
        const id = identity.get(path);
        if (id === undefined) throw new Error(`${path} is not a file in this commit.`);
        return id;
      },
      children: (dir) => {
        const names = kids.get(dir);
        return names ? [...names] : undefined;
      },
    };
  }
}
