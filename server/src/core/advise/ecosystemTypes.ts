// What an ecosystem's entry says (Ecosystem) and the word tests its classify() uses. Split from ecosystems.ts.
export type Classification = { kind: 'install' } | { kind: 'build'; prefetch: string };

export interface Ecosystem {
  id: string;
  /** Files at the top of the copied folder. */
  files: string[];
  /** Folders at the top of the copied folder, copied whole. */
  dirs?: string[];
  /** Paths (relative to the copied folder) to look for at any depth: modules, project files. */
  nested?: RegExp;
  /** Workspace manifests (package.json) below the top are copied too when the project declares workspaces. */
  workspaces?: boolean;
  /** Base names at the top only (requirements*.txt, *.gemspec). */
  top?: RegExp;
  /** Manifests that must exist for a fix. */
  required: RegExp;
  /** Folders the install writes into the destination: when the context has them, the broad COPY would overwrite them. */
  outputs: string[];
  /** The same for the prefetch command, when it differs (downloads that land outside the destination). */
  prefetchOutputs?: string[];
  /** Command names of the ecosystem's tools: a RUN of one of them on manifests copied on their own prepares the dependencies. */
  tools: string[];
  /** Cache-mount targets where the tool keeps its downloads: a build with one does not download them again. */
  downloadCache?: RegExp;
  classify(words: string[]): Classification | undefined;
}

export const onlyFlags = (words: string[], from: number, valued: string[] = []): boolean => {
  for (let i = from; i < words.length; i++) {
    if (words[i].startsWith('-')) continue;
    if (valued.includes(words[i - 1])) continue;
    return false;
  }
  return true;
};
export const has = (words: string[], ...names: string[]) => names.some((n) => words.includes(n));
export const tool = (w: string | undefined, ...names: string[]) => w !== undefined && names.includes(w.replace(/^\.\//, ''));
