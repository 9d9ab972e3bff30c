// The BuildKit form of the copy-before-install fix, offered beside the COPY reorder where BuildKit builds:
// the install reads the manifests through bind mounts (`RUN --mount=type=bind,source=package.json,
// target=package.json ...`) instead of a COPY of them, and keeps the downloads of a tool that only caches
// them in a cache mount (cache-rules R3, Part G). The layer holds what the install wrote, never the
// manifests: the broad COPY after it brings them in.
import type { ManifestGroup } from './manifests';
import type { Ecosystem } from './ecosystems';

/** Where each tool keeps downloads it only caches (the install's output is elsewhere), for root. */
const CACHE_TARGETS: Record<string, string> = { npm: '/root/.npm', pip: '/root/.cache/pip', uv: '/root/.cache/uv' };

/** An install that may rewrite its manifests: a read-only bind mount would make it fail. */
function writesManifests(command: string): boolean {
  const w = command.trim().split(/\s+/);
  if (w[0] === 'npm') return w[1] === 'install' || w[1] === 'i';
  if (w[0] === 'yarn') return !w.includes('--frozen-lockfile') && !w.includes('--immutable') && !(w[1] === 'workspaces' && w[2] === 'focus');
  if (w[0] === 'pnpm') return (w[1] === 'install' || w[1] === 'i') && !w.includes('--frozen-lockfile') && !w.includes('--offline');
  if (w[0] === 'bun') return !w.includes('--frozen-lockfile');
  return /^(pipenv|poetry|uv|composer|bundle|mix)$/.test(w[0] ?? '') || /cargo (fetch|build)/.test(command);
}

const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);

/**
 * The `--mount` flags that replace the manifest COPYs: one bind mount per manifest (or folder copied whole) at
 * the path the COPY would have put it, and a cache mount per tool whose download cache is known, when the RUN
 * runs as root and has none. Undefined when the form does not fit.
 */
export function bindMountFlags(opts: {
  root: string;
  dest: string;
  groups: ManifestGroup[];
  ecosystems: Ecosystem[];
  commands: string[];
  existingCaches: string[];
  asRoot: boolean;
}): string | undefined {
  if (!opts.groups.length || opts.commands.some(writesManifests)) return undefined;
  const base = opts.dest === '.' || opts.dest === './' ? '' : opts.dest.replace(/\/+$/, '');
  const target = (rel: string) => (base === '' ? rel : `${base}/${rel}`);
  const flags: string[] = [];
  for (const g of opts.groups) {
    const names = g.wholeDir ? [g.dir] : g.files.map((f) => join(g.dir, f));
    for (const rel of names) {
      const source = join(opts.root, rel);
      if (/[\s,"'=$\\]/.test(source) || /[\s,"'=$\\]/.test(target(rel))) return undefined;
      flags.push(`--mount=type=bind,source=${source},target=${target(rel)}`);
    }
  }
  if (opts.asRoot) {
    for (const e of opts.ecosystems) {
      const cache = CACHE_TARGETS[e.id];
      if (cache && !opts.existingCaches.some((t) => e.downloadCache?.test(t))) flags.push(`--mount=type=cache,target=${cache}`);
    }
  }
  return flags.join(' ');
}
