// What advice (core/advise*) needs from the disk, shared by `layerlens check|fix` and the language server:
// the paths the build sees after .dockerignore, the ignore file in effect, and the text of small files
// (package.json, go.mod, ...) the COPY reorder fix reads to pick the manifests.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Project } from './analysis';
import { readIgnoreFile } from './contextFs';
import { includedPaths, type ContextView } from './core/context';
import type { AdviseContext } from './core/adviseTypes';

/** The largest context file whose text advice reads. */
const MAX_TEXT_BYTES = 1024 * 1024;

/** includedPaths walks the whole view; a view is immutable, so its list is kept while the view lives. */
const pathsByView = new WeakMap<ContextView, string[]>();

export function adviseContextOf(project: Project): AdviseContext {
  const ignore = readIgnoreFile(project.contextDir, project.options.dockerfilePath, project.options.builder);
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
    readText: (path) => {
      if (isAbsolute(path) || path.split('/').includes('..')) return undefined;
      const abs = join(project.contextDir, path);
      try {
        const st = statSync(abs);
        return st.isFile() && st.size <= MAX_TEXT_BYTES ? readFileSync(abs, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
