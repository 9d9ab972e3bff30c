// Local stand-ins for the images real Dockerfiles name: nothing can be pulled here, so every image a replayed
// state uses (FROM after global-ARG expansion, COPY --from=<image>, RUN --mount=from=<image>) is made with
// `docker import` from a tiny root filesystem generated here (no file from the host):
//   - a static x86-64 ELF that exits 0 at /bin/sh, /bin/bash, /bin/ash, /usr/bin/env and at every exec-form
//     RUN's and SHELL's argv[0] (a bare name goes to /usr/local/bin/ and /usr/bin/), so every RUN "succeeds";
//   - /etc/standin-ref holding the reference (each reference is its own image, the same in every state);
//   - /etc/passwd and /etc/group with root and every user and group the history names in USER and --chown;
//   - /tmp;
//   - what later stages read out of it: the source paths of `COPY --from=<stage or image>` and
//     `RUN --mount=...,from=...,source=...` (for a stage: in the image the stage chain starts FROM), as a folder
//     holding one file (a wildcard source: one file matching the pattern).
// The Dockerfile text is rewritten the same way for planning and building: a digest-pinned reference
// (`name@sha256:...`) becomes `llh-<hash>:pinned` (docker import cannot make an image with a digest), and a
// `# syntax=` parser directive becomes a plain comment (BuildKit would pull the frontend image).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { flagValue, flagValues, parseDockerfile } from '../../../server/src/core/dockerfile/parse';
import { argDeclarations, buildStageGraph, mountOptions, resolveStageRef, splitKeepingQuotes, type Stage } from '../../../server/src/core/dockerfile/stages';
import { processWord, processWords } from '../../../server/src/core/dockerfile/words';
import { docker, type Engine } from '../engine';

// ---------------------------------------------------------------------------------------------------------------
// The program: ELF64 header + one PT_LOAD program header + `mov eax,60; xor edi,edi; syscall` (exit(0)).

export function exitZeroElf(): Buffer {
  const base = 0x400000;
  const code = Buffer.from([0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05]);
  const ehdr = Buffer.alloc(64);
  const phdr = Buffer.alloc(56);
  const size = ehdr.length + phdr.length + code.length;
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(ehdr, 0); // \x7fELF, 64-bit, little-endian, version 1, SysV
  ehdr.writeUInt16LE(2, 16); // ET_EXEC
  ehdr.writeUInt16LE(0x3e, 18); // x86-64
  ehdr.writeUInt32LE(1, 20); // version
  ehdr.writeBigUInt64LE(BigInt(base + ehdr.length + phdr.length), 24); // entry
  ehdr.writeBigUInt64LE(64n, 32); // program headers offset
  ehdr.writeBigUInt64LE(0n, 40); // no section headers
  ehdr.writeUInt32LE(0, 48); // flags
  ehdr.writeUInt16LE(64, 52); // header size
  ehdr.writeUInt16LE(56, 54); // program header size
  ehdr.writeUInt16LE(1, 56); // one program header
  ehdr.writeUInt16LE(64, 58); // section header size
  ehdr.writeUInt16LE(0, 60);
  ehdr.writeUInt16LE(0, 62);
  phdr.writeUInt32LE(1, 0); // PT_LOAD
  phdr.writeUInt32LE(5, 4); // R + X
  phdr.writeBigUInt64LE(0n, 8); // offset
  phdr.writeBigUInt64LE(BigInt(base), 16); // vaddr
  phdr.writeBigUInt64LE(BigInt(base), 24); // paddr
  phdr.writeBigUInt64LE(BigInt(size), 32); // filesz
  phdr.writeBigUInt64LE(BigInt(size), 40); // memsz
  phdr.writeBigUInt64LE(0x1000n, 48); // align
  return Buffer.concat([ehdr, phdr, code]);
}

// ---------------------------------------------------------------------------------------------------------------
// Rewrites applied to every state's Dockerfile text (planned and built alike)

// The name part may hold variables (`golang:${GO}-alpine@sha256:...`): the digest alone decides the image, as it
// does for a real pull, so the stand-in's name is made from the digest.
const PIN = /[A-Za-z0-9$][A-Za-z0-9._\-/:${}]*@(sha256:[0-9a-fA-F]{64})/g;

export function pinnedStandin(digest: string): string {
  return `llh-${createHash('sha256').update(digest.toLowerCase()).digest('hex').slice(0, 12)}:pinned`;
}

export interface Rewritten {
  text: string;
  /** What was rewritten, for the report: `name@sha256:... -> llh-...:pinned`, `syntax directive`. */
  notes: string[];
}

export function rewriteDockerfile(text: string): Rewritten {
  const notes: string[] = [];
  const lines = text.split('\n');
  // Parser directives: `# name=value` lines at the very top. Drop `syntax`, keep the others (escape) first, and put
  // the plain comment after them so every line keeps its number and the others stay directives.
  const directives: string[] = [];
  let dropped = 0;
  let n = 0;
  for (; n < lines.length; n++) {
    const m = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(lines[n].replace(/^\uFEFF/, ''));
    if (!m) break;
    if (m[1].toLowerCase() === 'syntax') {
      dropped++;
      notes.push(`syntax directive "${m[2]}" made a comment`);
    } else directives.push(lines[n]);
  }
  if (dropped) {
    const bom = lines[0].startsWith('\uFEFF') ? '\uFEFF' : '';
    const block = [...directives, ...Array.from({ length: dropped }, () => '# (syntax parser directive removed by the history replayer)')];
    block[0] = bom + block[0].replace(/^\uFEFF/, '');
    lines.splice(0, n, ...block);
  }
  const out = lines.join('\n').replace(PIN, (ref: string, digest: string) => {
    const to = pinnedStandin(digest);
    if (!notes.includes(`${ref} -> ${to}`)) notes.push(`${ref} -> ${to}`);
    return to;
  });
  return { text: out, notes };
}

// ---------------------------------------------------------------------------------------------------------------
// What a Dockerfile needs from its stand-ins

export interface StandinNeeds {
  /**
   * Image reference -> paths (absolute, without the leading slash) later stages read out of it: a folder holding
   * one file, or for a wildcard source one file matching it.
   */
  images: Map<string, Map<string, 'file' | 'dir'>>;
  /** Absolute paths where the exit-0 program must be. */
  execs: Set<string>;
  users: Set<string>;
  groups: Set<string>;
  /** Why this state cannot be replayed (ADD <url>, a non-amd64 platform, RUN --mount=type=ssh), if so. */
  exclusion?: string;
  /** Lines that read a stage's output by content (COPY --from=<stage>, RUN --mount=from=<stage>). */
  stageReads: Set<number>;
  /** Things the stand-ins could not provide (reported, not fatal: the build says whether it matters). */
  notes: string[];
}

export function emptyNeeds(): StandinNeeds {
  return { images: new Map(), execs: new Set(), users: new Set(), groups: new Set(), stageReads: new Set(), notes: [] };
}

/** Automatic platform ARGs (BuildKit only; the classic builder has none, cache-rules R11). */
const AUTO_ARGS: Record<string, string> = {
  BUILDPLATFORM: 'linux/amd64',
  BUILDOS: 'linux',
  BUILDARCH: 'amd64',
  BUILDVARIANT: '',
  TARGETPLATFORM: 'linux/amd64',
  TARGETOS: 'linux',
  TARGETARCH: 'amd64',
  TARGETVARIANT: '',
};

const GLOB = /[*?[]/;

/** One path that matches a wildcard source (`*` and `?` become `x`, a `[...]` class its first character). */
function globExample(p: string): string {
  return p
    .replace(/\[!?\^?([^\]])[^\]]*\]/g, '$1')
    .replace(/\*\*/g, 'x')
    .replace(/[*?]/g, 'x');
}

function addExec(needs: StandinNeeds, argv0: string | undefined, line: number): void {
  if (!argv0) return;
  if (argv0.startsWith('/')) needs.execs.add(posix.normalize(argv0).slice(1));
  else if (!argv0.includes('/')) {
    needs.execs.add(`usr/local/bin/${argv0}`);
    needs.execs.add(`usr/bin/${argv0}`);
  } else needs.notes.push(`line ${line}: exec-form argv[0] "${argv0}" is a relative path: no stand-in program for it`);
}

function addOwner(needs: StandinNeeds, spec: string): void {
  const [user, group] = spec.split(':');
  if (user && !/^\d+$/.test(user) && !user.includes('$')) needs.users.add(user);
  if (group && !/^\d+$/.test(group) && !group.includes('$')) needs.groups.add(group);
}

/**
 * Follows `FROM <stage>` to the image a stage chain starts from (undefined for `scratch`). `parents` also holds
 * stages whose FROM names a stage only once BuildKit's automatic platform ARGs are expanded (`FROM binary-$TARGETOS`).
 */
function rootImage(stage: Stage, stages: Stage[], images: Map<number, string>, parents: Map<number, number>): string | undefined {
  let s = stage;
  for (let guard = 0; parents.has(s.index) && guard < stages.length; guard++) s = stages[parents.get(s.index) as number];
  const img = images.get(s.index);
  return img && img.toLowerCase() !== 'scratch' ? img : undefined;
}

/** A source path's stand-in: a file when its name has an extension (package.json, app.jar), else a folder. */
function sourceKind(rel: string): 'file' | 'dir' {
  return /[^./][^/]*\.[A-Za-z][A-Za-z0-9]*$/.test(rel.split('/').pop() ?? '') ? 'file' : 'dir';
}

/**
 * Reads one (rewritten) Dockerfile and adds what its build needs from stand-ins to `needs`. `engine` decides the
 * variables FROM may use: BuildKit provides the automatic platform ARGs, the classic builder does not.
 */
export function collectNeeds(text: string, engine: Engine, needs: StandinNeeds = emptyNeeds()): StandinNeeds {
  const parsed = parseDockerfile(text);
  const graph = buildStageGraph(parsed, {});
  const esc = parsed.escape;
  const fromVars = new Map(graph.globalVars);
  if (engine === 'buildkit') for (const [k, v] of Object.entries(AUTO_ARGS)) if (!fromVars.has(k)) fromVars.set(k, v);
  const images = new Map<number, string>();
  const endVars = new Map<number, Map<string, string>>();
  const parents = new Map<number, number>();
  const exclude = (why: string) => {
    if (!needs.exclusion) needs.exclusion = why;
  };
  const addPath = (ref: string, p: string, line: number) => {
    let rel = posix
      .normalize('/' + p)
      .replace(/^\/+/, '')
      .replace(/\/+$/, '');
    const kind = GLOB.test(rel) ? 'file' : sourceKind(rel);
    if (kind === 'file') rel = globExample(rel);
    const paths = needs.images.get(ref) ?? new Map<string, 'file' | 'dir'>();
    needs.images.set(ref, paths);
    if (rel && rel !== '.') {
      if (paths.get(rel) !== 'dir') paths.set(rel, kind);
    } else needs.notes.push(`line ${line}: reads the whole of ${ref}`);
  };
  for (const stage of graph.stages) {
    const words = stage.from.args.split(/\s+/).filter(Boolean);
    const platform = flagValue(stage.from, 'platform');
    if (platform !== undefined) {
      const p = processWord(platform, fromVars, esc).value;
      if (p && !/^linux\/amd64(\/v\d)?$/i.test(p)) exclude(`non-amd64 platform: line ${stage.from.line} FROM --platform=${platform} is "${p}"`);
    }
    let vars: Map<string, string>;
    const image = stage.parent === undefined ? processWord(words[0] ?? '', fromVars, esc).value : '';
    const named = stage.parent ?? graph.stages.find((x) => x.index < stage.index && x.name !== undefined && x.name === image.toLowerCase())?.index;
    if (named !== undefined) {
      parents.set(stage.index, named);
      vars = new Map(endVars.get(named) ?? []);
    } else {
      vars = new Map();
      images.set(stage.index, image);
      if (image && image.toLowerCase() !== 'scratch' && !needs.images.has(image)) needs.images.set(image, new Map());
      if (image.includes('@')) exclude(`digest-pinned reference built from variables: line ${stage.from.line} FROM ${words[0]} is "${image}"`);
    }
    for (const ins of stage.instructions) {
      const line = ins.line;
      if (ins.keyword === 'ARG') {
        for (const [name, def] of argDeclarations(ins, vars, esc)) {
          const v = def ?? graph.globalVars.get(name) ?? (engine === 'buildkit' ? AUTO_ARGS[name] : undefined);
          if (v !== undefined) vars.set(name, v);
        }
      } else if (ins.keyword === 'ENV') {
        const parts = splitKeepingQuotes(ins.args);
        if (parts.length && !parts[0].includes('='))
          vars.set(parts[0], processWord(ins.args.slice(ins.args.indexOf(parts[0]) + parts[0].length).trim(), vars, esc).value);
        else
          for (const w of parts) {
            const eq = w.indexOf('=');
            if (eq > 0) vars.set(w.slice(0, eq), processWord(w.slice(eq + 1), vars, esc).value);
          }
      } else if (ins.keyword === 'USER') {
        addOwner(needs, processWord(ins.args.trim(), vars, esc).value);
      } else if (ins.keyword === 'SHELL') {
        addExec(needs, ins.json?.[0], line);
      } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        for (const c of flagValues(ins, 'chown')) addOwner(needs, processWord(c, vars, esc).value);
        const w = ins.json ?? processWords(ins.args, vars, esc).words;
        const sources = w.slice(0, -1).filter((s) => !/^\d*<<-?["']?[A-Za-z]/.test(s));
        if (ins.keyword === 'ADD' && sources.some((s) => /^(https?|ftp):\/\/|^git@|\.git(#|$)/i.test(s)))
          exclude(`ADD <url>: line ${line} ADD ${ins.args.slice(0, 80)}`);
        const from = flagValue(ins, 'from');
        if (from !== undefined) {
          const dep = resolveStageRef(from, graph.stages, stage.index);
          let ref: string | undefined = from;
          if (dep) {
            needs.stageReads.add(line);
            ref = rootImage(dep, graph.stages, images, parents) ?? (dep.index > stage.index ? rootImageLater(dep, graph.stages, fromVars, esc) : undefined);
            if (!ref) {
              needs.notes.push(`line ${line}: COPY --from=${from}: that stage starts FROM scratch; its files come only from its own steps`);
              continue;
            }
          }
          for (const s of sources) addPath(ref, s, line);
        }
      } else if (ins.keyword === 'RUN') {
        addExec(needs, ins.json?.[0], line);
        for (const m of flagValues(ins, 'mount')) {
          const opts = mountOptions(processWord(m, vars, esc).value);
          const type = (opts.get('type') ?? 'bind').toLowerCase();
          if (type === 'ssh') exclude(`RUN --mount=type=ssh: line ${line}`);
          const from = opts.get('from');
          if (!from || (type !== 'bind' && type !== 'cache')) continue;
          const dep = resolveStageRef(from, graph.stages, stage.index);
          let ref: string | undefined = from;
          if (dep) {
            needs.stageReads.add(line);
            ref = rootImage(dep, graph.stages, images, parents) ?? (dep.index > stage.index ? rootImageLater(dep, graph.stages, fromVars, esc) : undefined);
            if (!ref) {
              needs.notes.push(`line ${line}: RUN --mount from=${from}: that stage starts FROM scratch`);
              continue;
            }
          }
          const source = opts.get('source') ?? opts.get('src');
          if (source) addPath(ref, source, line);
          else if (!needs.images.has(ref)) needs.images.set(ref, new Map());
        }
      }
    }
    endVars.set(stage.index, vars);
  }
  return needs;
}

/** The root image of a stage defined after the one reading it (BuildKit allows `--from` a later stage). */
function rootImageLater(stage: Stage, stages: Stage[], fromVars: Map<string, string>, esc: string): string | undefined {
  let s = stage;
  for (let guard = 0; s.parent !== undefined && guard < stages.length; guard++) s = stages[s.parent];
  const img = processWord(s.from.args.split(/\s+/).filter(Boolean)[0] ?? '', fromVars, esc).value;
  return img && img.toLowerCase() !== 'scratch' ? img : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The root filesystem and the import

interface TarEntry {
  path: string;
  type: 'file' | 'dir';
  mode: number;
  body?: Buffer;
}

/** A deterministic ustar archive (long names split into prefix + name; over 255 bytes is an error). */
export function tarArchive(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  const header = (e: TarEntry): Buffer => {
    const h = Buffer.alloc(512, 0);
    let name = e.path + (e.type === 'dir' ? '/' : '');
    let prefix = '';
    if (Buffer.byteLength(name) > 100) {
      // the leftmost '/' after which the rest fits the 100-byte name field; the part before it goes to the prefix
      let i = name.indexOf('/');
      while (i > 0 && Buffer.byteLength(name.slice(i + 1)) > 100) i = name.indexOf('/', i + 1);
      if (i <= 0 || i >= name.length - 1 || Buffer.byteLength(name.slice(0, i)) > 155) throw new Error(`stand-in path too long for a tar header: /${e.path}`);
      prefix = name.slice(0, i);
      name = name.slice(i + 1);
    }
    const put = (s: string, off: number, len: number) => h.write(s, off, len, 'utf8');
    const oct = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
    put(name, 0, 100);
    put(oct(e.mode, 8), 100, 8);
    put(oct(0, 8), 108, 8);
    put(oct(0, 8), 116, 8);
    put(oct(e.body?.length ?? 0, 12), 124, 12);
    put(oct(1_500_000_000, 12), 136, 12);
    put('        ', 148, 8);
    put(e.type === 'dir' ? '5' : '0', 156, 1);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    put('root', 265, 32);
    put('root', 297, 32);
    put(prefix, 345, 155);
    let sum = 0;
    for (const b of h) sum += b;
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
    return h;
  };
  for (const e of entries) {
    blocks.push(header(e));
    if (e.type === 'file' && e.body) {
      blocks.push(e.body);
      const pad = (512 - (e.body.length % 512)) % 512;
      if (pad) blocks.push(Buffer.alloc(pad, 0));
    }
  }
  blocks.push(Buffer.alloc(1024, 0));
  return Buffer.concat(blocks);
}

/** The root filesystem of one stand-in image, as tar entries (folders first, sorted). */
export function standinEntries(ref: string, needs: StandinNeeds): { entries: TarEntry[]; notes: string[] } {
  const notes: string[] = [];
  const elf = exitZeroElf();
  const users = [...needs.users].filter((u) => u !== 'root').sort();
  const groups = [...new Set([...needs.users, ...needs.groups])].filter((g) => g !== 'root').sort();
  const passwd =
    ['root:x:0:0:root:/root:/bin/sh', ...users.map((u, i) => `${u}:x:${1000 + i}:${1000 + Math.max(0, groups.indexOf(u))}:${u}:/home/${u}:/bin/sh`)].join(
      '\n',
    ) + '\n';
  const group = ['root:x:0:', ...groups.map((g, i) => `${g}:x:${1000 + i}:`)].join('\n') + '\n';
  const files = new Map<string, { mode: number; body: Buffer }>();
  for (const p of ['bin/sh', 'bin/bash', 'bin/ash', 'usr/bin/env', ...needs.execs]) files.set(p, { mode: 0o755, body: elf });
  files.set('etc/standin-ref', { mode: 0o644, body: Buffer.from(ref + '\n') });
  files.set('etc/passwd', { mode: 0o644, body: Buffer.from(passwd) });
  files.set('etc/group', { mode: 0o644, body: Buffer.from(group) });
  const dirs = new Set<string>(['tmp', 'root', 'etc', 'bin', 'usr', 'usr/bin', 'usr/local', 'usr/local/bin', ...users.map((u) => `home/${u}`)]);
  for (const [p, kind] of needs.images.get(ref) ?? []) {
    if (files.has(p)) continue; // e.g. /etc/passwd, /bin/sh: already there as files
    if (kind === 'dir') dirs.add(p);
    else files.set(p, { mode: 0o644, body: Buffer.from(`stand-in file /${p} of ${ref}\n`) });
  }
  for (const d of [...dirs]) files.set(`${d}/.standin`, { mode: 0o644, body: Buffer.from(`stand-in folder /${d} of ${ref}\n`) });
  // every parent folder of every file; a file where a folder must be is dropped (reported)
  const allDirs = new Set<string>();
  for (const p of [...files.keys(), ...dirs]) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) allDirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of dirs) allDirs.add(d);
  for (const d of allDirs)
    if (files.has(d)) {
      notes.push(`${ref}: /${d} is needed both as a file and as a folder; it is a folder`);
      files.delete(d);
    }
  const entries: TarEntry[] = [];
  for (const d of [...allDirs].sort()) entries.push({ path: d, type: 'dir', mode: d === 'tmp' ? 0o1777 : 0o755 });
  for (const [p, f] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) entries.push({ path: p, type: 'file', mode: f.mode, body: f.body });
  return { entries, notes };
}

/** Whether the engine has this image already (an image we did not make, e.g. busybox, is used as it is). */
async function imageExists(engine: Engine, ref: string): Promise<boolean> {
  return (await docker(engine, ['image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: 30_000 })).code === 0;
}

export interface ImportReport {
  imported: string[];
  existing: string[];
  /** `ref: error` for references docker import refused (e.g. not a valid reference after expansion). */
  failed: string[];
  notes: string[];
}

/** Imports a stand-in for every image in `needs` that the engine does not have yet. `scratchDir` holds the tars. */
export async function importStandins(engine: Engine, needs: StandinNeeds, scratchDir: string): Promise<ImportReport> {
  const report: ImportReport = { imported: [], existing: [], failed: [], notes: [] };
  let n = 0;
  for (const ref of [...needs.images.keys()].sort()) {
    if (await imageExists(engine, ref)) {
      report.existing.push(ref);
      continue;
    }
    let tar: Buffer;
    try {
      const { entries, notes } = standinEntries(ref, needs);
      report.notes.push(...notes);
      tar = tarArchive(entries);
    } catch (e) {
      report.failed.push(`${ref}: ${(e as Error).message}`);
      continue;
    }
    const file = `${scratchDir}/standin-${n++}.tar`;
    writeFileSync(file, tar);
    const r = await docker(engine, ['import', file, ref], { timeoutMs: 120_000 });
    if (r.code !== 0) report.failed.push(`${ref}: ${r.output.trim().split('\n').pop()}`);
    else report.imported.push(ref);
  }
  return report;
}
