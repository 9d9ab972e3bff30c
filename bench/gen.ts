// Synthetic build contexts for the benchmark: N files with a realistic mix of sizes in nested
// folders, a few executables, symlinks and .dockerignore'd files, plus the Dockerfile.
// Everything is derived from a seeded PRNG, so the file list (the "manifest") can be recomputed
// without touching the disk; a context is reused when its spec file matches exactly.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BENCH_ROOT = join(tmpdir(), 'layerlens-bench');

/** Bump when the generator's output changes, so stale contexts are regenerated. */
const GENERATOR_VERSION = 3;

export interface ContextSpec {
  generator: number;
  files: number;
  seed: number;
}

export interface ManifestFile {
  rel: string;
  size: number;
  /** Excluded by the context's .dockerignore. */
  ignored: boolean;
  exec: boolean;
  /** Index into the content pool (content is a pure function of rel, size and this). */
  offset: number;
}

export interface Manifest {
  root: string;
  spec: ContextSpec;
  files: ManifestFile[];
  symlinks: Array<{ rel: string; target: string }>;
  dirs: string[];
  /** Files the Dockerfile copies first (the "install" inputs). */
  installInputs: string[];
}

export const DOCKERFILE = `# Layer Lens benchmark context (generated; busybox commands so a real engine can build it)
FROM localbase:1
ENV APP_HOME=/app NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json /app/
RUN mkdir -p node_modules && cp package.json node_modules/.installed && echo "dependencies installed"
ARG BUILD_REV=1
COPY . /app
RUN find /app -type f | wc -l > /app/.filecount
ENV PORT=8080
USER root
EXPOSE 8080
CMD ["sh", "-c", "cat /app/.filecount"]
`;

const DOCKERIGNORE = `# generated
.git
tmp/
**/*.log
!keep.log
`;

const FOLDER_WORDS = [
  'src',
  'lib',
  'components',
  'utils',
  'api',
  'models',
  'views',
  'core',
  'internal',
  'assets',
  'styles',
  'test',
  'fixtures',
  'docs',
  'pkg',
  'handlers',
  'services',
  'config',
];
const EXTS = ['.ts', '.js', '.json', '.md', '.css', '.tsx', '.txt', '.svg', '.map', '.d.ts'];

/** xorshift32: deterministic and fast. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

function logUniform(r: number, lo: number, hi: number): number {
  return Math.round(lo * Math.pow(hi / lo, r));
}

/**
 * Size mix (mean about 6 KB, like a source tree with some bundles and images):
 * 70% 64 B-2 KB, 25% 2-16 KB, 4.7% 16-128 KB, 0.3% 128 KB-1 MB.
 */
function pickSize(rand: () => number): number {
  const r = rand();
  const s = rand();
  if (r < 0.7) return logUniform(s, 64, 2048);
  if (r < 0.95) return logUniform(s, 2048, 16384);
  if (r < 0.997) return logUniform(s, 16384, 131072);
  return logUniform(s, 131072, 1048576);
}

const POOL_SIZE = 4 * 1024 * 1024;
let pool: Buffer | undefined;

/** Text-like pseudo-random bytes that file contents are cut from. */
function contentPool(): Buffer {
  if (pool) return pool;
  const rand = prng(0xc0ffee);
  const alphabet = Buffer.from('abcdefghijklmnopqrstuvwxyz     ()={};.,_ABCDEFGHIJ0123456789\n\n');
  pool = Buffer.allocUnsafe(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = alphabet[Math.floor(rand() * alphabet.length)]!;
  return pool;
}

/** The bytes of one file: a line naming it, then a slice of the pool. `variant` > 0 gives edited content. */
export function fileContent(f: ManifestFile, variant = 0): Buffer {
  const head = Buffer.from(variant ? `// ${f.rel} (edit ${variant})\n` : `// ${f.rel}\n`);
  const buf = Buffer.allocUnsafe(Math.max(f.size, head.length));
  head.copy(buf, 0);
  const rest = buf.length - head.length;
  if (rest > 0) contentPool().copy(buf, head.length, f.offset, f.offset + rest);
  return buf;
}

export function contextRoot(files: number): string {
  return join(BENCH_ROOT, `ctx-${label(files)}`);
}

export function label(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/** The file list of a spec, computed without any I/O. */
export function manifest(spec: ContextSpec): Manifest {
  const rand = prng(spec.seed * 2654435761 + spec.files);
  const root = contextRoot(spec.files);
  // Folders: about one per 12 files, each under a random earlier folder of depth < 7.
  const dirCount = Math.max(4, Math.round(spec.files / 12));
  const dirs: string[] = [];
  const depth: number[] = [];
  const top = ['src', 'packages', 'assets', 'docs'];
  for (const t of top) {
    dirs.push(t);
    depth.push(1);
  }
  while (dirs.length < dirCount) {
    let p = Math.floor(Math.pow(rand(), 0.8) * dirs.length);
    while (depth[p]! >= 7) p = Math.floor(rand() * dirs.length);
    const name = `${FOLDER_WORDS[Math.floor(rand() * FOLDER_WORDS.length)]}${dirs.length}`;
    dirs.push(`${dirs[p]}/${name}`);
    depth.push(depth[p]! + 1);
  }
  const files: ManifestFile[] = [];
  const add = (rel: string, size: number, ignored = false, exec = false): void => {
    files.push({ rel, size, ignored, exec, offset: Math.floor(rand() * (POOL_SIZE - size - 1)) });
  };
  add('package.json', 900);
  add('package-lock.json', 48_000);
  add('README.md', 3000);
  add('keep.log', 200); // re-included by "!keep.log"
  // About 3% of the files are ignored: .git objects, tmp/, *.log files.
  const ignoredCount = Math.max(3, Math.round(spec.files * 0.03));
  const reserved = 4 + 2; // the files above + Dockerfile + .dockerignore
  let ign = 0;
  for (; ign < ignoredCount; ign++) {
    const r = rand();
    const size = pickSize(rand);
    if (r < 0.5) add(`.git/objects/${(ign % 256).toString(16).padStart(2, '0')}/obj${ign}`, size, true);
    else if (r < 0.8) add(`tmp/cache/c${ign}.bin`, size, true);
    else add(`${dirs[Math.floor(rand() * dirs.length)]}/debug${ign}.log`, size, true);
  }
  const symlinkCount = Math.max(1, Math.round(spec.files * 0.002));
  const regular = spec.files - reserved - ignoredCount - symlinkCount;
  for (let i = 0; i < regular; i++) {
    const d = dirs[Math.floor(rand() * dirs.length)]!;
    const ext = EXTS[Math.floor(rand() * EXTS.length)]!;
    add(`${d}/f${i}${ext}`, pickSize(rand), false, rand() < 0.05);
  }
  const symlinks: Array<{ rel: string; target: string }> = [];
  for (let i = 0; i < symlinkCount; i++) {
    const d = dirs[Math.floor(rand() * dirs.length)]!;
    const to = files[reserved + ignoredCount + Math.floor(rand() * (regular - 1))]!;
    symlinks.push({ rel: `${d}/link${i}`, target: `/app/${to.rel}` });
  }
  const allDirs = new Set<string>();
  for (const f of [...files, ...symlinks]) {
    const parts = f.rel.split('/');
    for (let i = 1; i < parts.length; i++) allDirs.add(parts.slice(0, i).join('/'));
  }
  return { root, spec, files, symlinks, dirs: [...allDirs].sort(), installInputs: ['package.json', 'package-lock.json'] };
}

function specFile(root: string): string {
  return `${root}.spec.json`;
}

/** Marks a context being edited by the benchmark; a leftover marker (killed run) forces regeneration. */
export function dirtyFile(root: string): string {
  return `${root}.dirty`;
}

export function specFor(files: number): ContextSpec {
  return { generator: GENERATOR_VERSION, files, seed: 42 };
}

/** Ensure the context for `files` exists on disk, generating it when absent or different. */
export function ensureContext(files: number): { manifest: Manifest; generated: boolean; ms: number; bytes: number } {
  const spec = specFor(files);
  const m = manifest(spec);
  const bytes = m.files.reduce((a, f) => a + f.size, 0);
  const t0 = performance.now();
  let same = false;
  try {
    same =
      JSON.stringify(JSON.parse(readFileSync(specFile(m.root), 'utf8'))) === JSON.stringify(spec) &&
      !existsSync(dirtyFile(m.root)) &&
      existsSync(join(m.root, 'Dockerfile'));
  } catch {
    same = false;
  }
  if (same) return { manifest: m, generated: false, ms: performance.now() - t0, bytes };
  rmSync(specFile(m.root), { force: true });
  rmSync(m.root, { recursive: true, force: true });
  mkdirSync(m.root, { recursive: true });
  for (const d of m.dirs) mkdirSync(join(m.root, d), { recursive: true });
  for (const f of m.files) {
    const p = join(m.root, f.rel);
    writeFileSync(p, fileContent(f));
    if (f.exec) chmodSync(p, 0o755);
  }
  for (const s of m.symlinks) symlinkSync(s.target, join(m.root, s.rel));
  writeFileSync(join(m.root, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(m.root, '.dockerignore'), DOCKERIGNORE);
  rmSync(dirtyFile(m.root), { force: true });
  writeFileSync(specFile(m.root), JSON.stringify(spec)); // last: a complete context
  return { manifest: m, generated: true, ms: performance.now() - t0, bytes };
}

export function cleanAll(): void {
  rmSync(BENCH_ROOT, { recursive: true, force: true });
}
