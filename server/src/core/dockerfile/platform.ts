// Build platforms (`os/arch[/variant]`) and BuildKit's automatic platform args (cache-rules R11a).
// Parsing and normalising follow what the engines accepted and printed (containerd's platform rules):
// `LINUX/ARM64` → linux/arm64, `arm64` → linux/arm64, `linux/aarch64` and `linux/arm64/v8` → linux/arm64,
// `linux/arm` and `linux/armhf` → linux/arm/v7, `linux/x86_64` and `linux/amd64/v1` → linux/amd64.

/** The automatic platform args BuildKit defines (the classic builder defines none). */
export const PLATFORM_ARGS = ['BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT', 'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT'] as const;

export interface Platform {
  os: string;
  arch: string;
  /** '' when there is none. */
  variant: string;
}

const KNOWN_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'illumos',
  'ios',
  'js',
  'linux',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
]);
const KNOWN_ARCH = new Set([
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'ppc64',
  'ppc64le',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
]);

/** Node's process.arch → the Docker architecture (with variant) of a machine running it. */
const NODE_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm/v7',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** The platform of the machine Layer Lens runs on, as Docker names it (Docker builds Linux images there). */
export function machinePlatform(nodeArch: string = process.arch): string {
  return `linux/${NODE_ARCH[nodeArch] ?? nodeArch}`;
}

function normalizeArch(arch: string, variant: string): [string, string] {
  switch (arch) {
    case 'i386':
      return ['386', ''];
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return ['amd64', variant === 'v1' ? '' : variant];
    case 'aarch64':
    case 'arm64':
      return ['arm64', variant === '8' || variant === 'v8' ? '' : variant];
    case 'armhf':
      return ['arm', 'v7'];
    case 'armel':
      return ['arm', 'v6'];
    case 'arm':
      if (variant === '' || variant === '7') return ['arm', 'v7'];
      if (variant === '5' || variant === '6' || variant === '8') return ['arm', `v${variant}`];
      return ['arm', variant];
    default:
      return [arch, variant];
  }
}

/**
 * Parses `os/arch[/variant]` (or a lone OS or architecture) and normalises it; the error says what is wrong in
 * the words the engines use.
 */
export function parsePlatform(text: string): { platform: Platform } | { error: string } {
  const parts = text.toLowerCase().split('/');
  if (text === '') return { error: 'it is empty' };
  if (parts.length > 3) return { error: `"${text}" has more than three parts (os/arch/variant)` };
  const bad = parts.find((p) => !/^[a-z0-9_-]+$/.test(p));
  if (bad !== undefined)
    return { error: bad === '' ? `"${text}" has an empty part` : `"${bad}" is not a valid platform part (letters, digits, "_" and "-" only)` };
  let os: string;
  let arch: string;
  let variant = parts[2] ?? '';
  if (parts.length === 1) {
    const p = parts[0];
    const [a] = normalizeArch(p, '');
    if (KNOWN_OS.has(p === 'macos' ? 'darwin' : p)) {
      os = p === 'macos' ? 'darwin' : p;
      arch = machinePlatform().split('/')[1];
    } else if (KNOWN_ARCH.has(a)) {
      os = 'linux';
      arch = p;
    } else return { error: `"${text}" is not a known operating system or architecture` };
  } else {
    os = parts[0] === 'macos' ? 'darwin' : parts[0];
    arch = parts[1];
  }
  [arch, variant] = normalizeArch(arch, variant);
  return { platform: { os, arch, variant } };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.arch}${p.variant ? `/${p.variant}` : ''}`;
}

/** The normalised text of a platform, or undefined when it does not parse. */
export function normalizePlatform(text: string): string | undefined {
  const r = parsePlatform(text);
  return 'platform' in r ? formatPlatform(r.platform) : undefined;
}

/** BuildKit's automatic args for a build on `build` for `target` (both normalised platform texts). */
export function platformArgValues(build: string, target: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [prefix, text] of [
    ['BUILD', build],
    ['TARGET', target],
  ] as const) {
    const r = parsePlatform(text);
    const p = 'platform' in r ? r.platform : { os: '', arch: '', variant: '' };
    out.set(`${prefix}PLATFORM`, formatPlatform(p));
    out.set(`${prefix}OS`, p.os);
    out.set(`${prefix}ARCH`, p.arch);
    out.set(`${prefix}VARIANT`, p.variant);
  }
  return out;
}
