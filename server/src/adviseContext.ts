// What advice (core/advise/) needs from the disk, shared by `layerlens check|fix` and the language server:
// the paths the build sees after .dockerignore, the ignore file in effect, and the text of small files
// (package.json, go.mod, ...) the COPY reorder fix reads to pick the manifests.
import { isAbsolute } from 'node:path';
import type { Project } from './diskProject';
import { findIgnoreFile, readInScope } from './contextFs';
import { includedPaths, type ContextView } from './core/context/context';
import type { AdviseContext } from './core/advise/types';

/** The largest context file whose text advice reads. */
const MAX_TEXT_BYTES = 1024 * 1024;

/** includedPaths walks the whole view; a view is immutable, so its list is kept while the view lives. */
const pathsByView = new WeakMap<ContextView, string[]>();

export function adviseContextOf(project: Project): AdviseContext {
  const ignore = findIgnoreFile(project.contextDir, project.options.dockerfilePath, project.options.builder).file;
  const { view } = project;
  return {
    // Walked only when a rule asks for it (most edits of a Dockerfile without COPY never do).
    paths: {
      [Symbol.iterator]: () => {
        let paths = pathsByView.get(view);
        if (!paths) pathsByView.set(view, (paths = includedPaths(view)));
        return paths[Symbol.iterator]();
      },
    },
    ...(ignore ? { ignoreFile: ignore.path } : {}),
    // Only a regular file inside the context and no larger than MAX_TEXT_BYTES: symlinks are resolved inside the
    // context as BuildKit does (a link out of it never reads the file it names), then the file is opened without
    // following a symlink anywhere on its path.
    readText: (path) => {
      if (isAbsolute(path) || path.split('/').includes('..')) return undefined;
      const r = readInScope(project.contextDir, path, MAX_TEXT_BYTES);
      return 'bytes' in r ? r.bytes.toString('utf8') : undefined;
    },
  };
}
