// Hostile build contexts, generated from fixed seeds (a failure replays): symlinks inside and out of the context (to
// files, to folders, absolute, relative, chains, loops), FIFOs, unix sockets, sparse files, names that are not UTF-8,
// unreadable entries, symlinked and odd ignore files, and folders swapped for a symlink to outside while the scan
// runs (through the FsOps hook). Every case must hold:
// - no read outside: every fd the reader opens is recorded (its real path, from /proc/self/fd) and none is in the
//   outside folder; a secret written there never appears in any snapshot, problem, selection or ignore text;
// - no hang: FIFOs and sockets are never opened for reading (a hang would trip the test's timeout);
// - Docker's answer: editing any included regular file changes the COPY . . digest, for BuildKit and classic.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findIgnoreFile, readInScope, scanContext, scanContextAsync, type FsOps } from '../../server/src/contextFs';
import { includedPaths, selectSources, viewContext } from '../../server/src/core/context/context';
import { nameBytes } from '../../server/src/core/context/names';
import type { Builder } from '../../server/src/core/shared/types';
import { seededRandom } from '../helpers/random';

const CASES = 14;
const roots: string[] = [];
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
  for (const r of roots) {
    try {
      execFileSync('chmod', ['-R', 'u+rwx', r]);
    } catch {
      // already gone
    }
    fs.rmSync(r, { recursive: true, force: true });
  }
});

const lockedName = (p: string): string => p.replace(/[^/]*$/, (last) => `locked-${last}`);
const isLocked = (p: fs.PathLike): boolean => /\/locked-[^/]*$/.test(Buffer.from(p as string | Buffer).toString('latin1'));
const eacces = (): Error => Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });

/** A Buffer path: `dir` + '/' + a context path that may hold bytes that are not UTF-8. */
const at = (dir: string, rel: string): Buffer => Buffer.concat([Buffer.from(dir + '/'), nameBytes(rel)]);

interface Case {
  root: string;
  outDir: string;
  secret: string;
  /** Folders (context paths) a scan hook may swap for a symlink to outside. */
  dirs: string[];
  sockets: number;
}

async function generate(seed: number): Promise<Case> {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const outDir = fs.mkdtempSync(join(tmpdir(), 'll-hostile-out-'));
  const root = fs.mkdtempSync(join(tmpdir(), 'll-hostile-ctx-'));
  roots.push(outDir, root);
  const secret = `SECRET-${seed}-${Math.floor(rnd() * 1e9)}`;
  fs.writeFileSync(join(outDir, 'secret.txt'), secret);
  fs.mkdirSync(join(outDir, 'd'));
  fs.writeFileSync(join(outDir, 'd', 'package.json'), `{"name":"${secret}"}`);
  fs.writeFileSync(join(outDir, '.dockerignore'), `${secret}\n[bad\n`);

  const name = (): string => {
    const base = pick(['a', 'src', 'lib', 'x y', 'ü', '日本', 'package.json', 'go.mod', 'f']) + Math.floor(rnd() * 100);
    if (rnd() < 0.3) return base + String.fromCharCode(0xdc80 + Math.floor(rnd() * 0x80)); // a byte that is not UTF-8
    return base;
  };
  const dirs = [''];
  const files: string[] = [];
  const inDir = (rel: string) => (rel ? `${pick(dirs)}/${rel}`.replace(/^\//, '') : rel);
  let sockets = 0;
  for (let i = 0; i < 40; i++) {
    const p = inDir(name());
    if (fs.existsSync(at(root, p))) continue;
    const kind = pick([
      'file',
      'file',
      'file',
      'dir',
      'dir',
      'link-in',
      'link-out-file',
      'link-out-dir',
      'link-out-rel',
      'loop',
      'chain',
      'fifo',
      'socket',
      'sparse',
      'unreadable',
      'unreadable-dir',
    ] as const);
    // mkfifo and listen() take string paths: those two only get names that are UTF-8.
    const plain = !/[\udc80-\udcff]/.test(p);
    try {
      await make(kind, p, plain);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  async function make(kind: string, p: string, plain: boolean): Promise<void> {
    switch (kind) {
      case 'file':
        fs.writeFileSync(at(root, p), `content ${p} ${rnd()}`);
        files.push(p);
        break;
      case 'dir':
        fs.mkdirSync(at(root, p));
        dirs.push(p);
        break;
      case 'link-in':
        fs.symlinkSync(nameBytes(files.length ? '/' + pick(files) : '.'), at(root, p));
        break;
      case 'link-out-file':
        fs.symlinkSync(join(outDir, 'secret.txt'), at(root, p));
        break;
      case 'link-out-dir':
        fs.symlinkSync(join(outDir, 'd'), at(root, p));
        break;
      case 'link-out-rel':
        fs.symlinkSync('../'.repeat(p.split('/').length + 3) + outDir.slice(1) + '/secret.txt', at(root, p));
        break;
      case 'loop':
        fs.symlinkSync(nameBytes(p.split('/').pop()!), at(root, p));
        break;
      case 'chain':
        fs.symlinkSync(nameBytes(`${p.split('/').pop()!}.1`), at(root, p));
        fs.symlinkSync(nameBytes(`${p.split('/').pop()!}.2`), at(root, `${p}.1`));
        fs.symlinkSync(join(outDir, 'd'), at(root, `${p}.2`));
        break;
      case 'fifo':
        if (plain) execFileSync('mkfifo', [join(root, p)]);
        break;
      case 'socket': {
        if (!plain || sockets >= 1 || at(root, p).length > 100) break; // unix socket paths are short
        const s = createServer();
        servers.push(s);
        await new Promise<void>((done, fail) => s.once('error', fail).listen(join(root, p), done));
        sockets++;
        break;
      }
      case 'sparse': {
        const fd = fs.openSync(at(root, p), 'w');
        fs.ftruncateSync(fd, (1 + Math.floor(rnd() * 8)) * 1024 * 1024);
        fs.closeSync(fd);
        files.push(p);
        break;
      }
      // Named 'locked…': the hook below refuses to open them (chmod does not stop root, who may run the tests).
      case 'unreadable':
        p = lockedName(p);
        fs.writeFileSync(at(root, p), 'locked');
        fs.chmodSync(at(root, p), 0);
        break;
      case 'unreadable-dir':
        p = lockedName(p);
        fs.mkdirSync(at(root, p));
        fs.writeFileSync(at(root, `${p}/inner`), 'x');
        fs.chmodSync(at(root, p), 0);
        break;
    }
  }
  // The ignore file: regular, a symlink out (absolute or relative), a symlink in, a FIFO, or none.
  const ignore = pick(['regular', 'out-abs', 'out-rel', 'in', 'fifo', 'none'] as const);
  if (ignore === 'regular') fs.writeFileSync(join(root, '.dockerignore'), `${pick(['x*', 'lib*', '*.mod'])}\n`);
  if (ignore === 'out-abs') fs.symlinkSync(join(outDir, '.dockerignore'), join(root, '.dockerignore'));
  if (ignore === 'out-rel') fs.symlinkSync('../'.repeat(4) + outDir.slice(1) + '/.dockerignore', join(root, '.dockerignore'));
  if (ignore === 'in') fs.symlinkSync(files.length ? pick(files) : 'nothing', join(root, '.dockerignore'));
  if (ignore === 'fifo') execFileSync('mkfifo', [join(root, '.dockerignore')]);
  return { root, outDir, secret, dirs: dirs.filter((d) => d !== ''), sockets };
}

/** Records the real path of every fd opened; optionally swaps one folder for a symlink out right after its lstat. */
function hookedFs(c: Case, swap: string | undefined): { ops: Partial<FsOps>; opened: string[]; swapped: () => boolean } {
  const opened: string[] = [];
  let done = false;
  const target = swap === undefined ? undefined : nameBytes(swap);
  // The walk lstat's a folder through its parent ('/proc/self/fd/N/name' on Linux, else its path): match its name.
  const tail = target ? Buffer.concat([Buffer.from('/'), target.subarray(target.lastIndexOf('/') + 1)]) : Buffer.alloc(0);
  const ops: Partial<FsOps> = {
    openSync: ((p: fs.PathLike, flags: number, mode?: fs.Mode) => {
      if (isLocked(p)) throw eacces();
      const fd = fs.openSync(p, flags, mode);
      opened.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
      return fd;
    }) as typeof fs.openSync,
    lstatSync: ((p: fs.PathLike, o?: fs.StatOptions) => {
      const st = fs.lstatSync(p, o as undefined);
      if (
        !done &&
        target &&
        st.isDirectory() &&
        Buffer.from(p as string | Buffer)
          .subarray(-tail.length)
          .equals(tail)
      ) {
        const real = at(c.root, swap!);
        try {
          fs.renameSync(real, Buffer.concat([real, Buffer.from('.moved')]));
          fs.symlinkSync(join(c.outDir, 'd'), real);
          done = true;
        } catch {
          // an unreadable parent: no swap this time
        }
      }
      return st;
    }) as typeof fs.lstatSync,
  };
  return { ops, opened, swapped: () => done };
}

function digests(root: string, ignoreText: string | undefined): Record<Builder, string> {
  const view = viewContext(scanContext(root), ignoreText);
  return { buildkit: selectSources(view, ['.'], { builder: 'buildkit' }).digest, classic: selectSources(view, ['.'], { builder: 'classic' }).digest };
}

for (let n = 0; n < CASES; n++) {
  const seed = 7100 + n;
  void test(`hostile context, seed ${seed}: no read outside, no hang, every included file's edit seen`, { timeout: 60_000 }, async () => {
    const c = await generate(seed);
    const rnd = seededRandom(seed * 31);
    const swap = c.dirs.length && rnd() < 0.7 ? c.dirs[Math.floor(rnd() * c.dirs.length)] : undefined;
    const hooked = hookedFs(c, swap);
    const snap = rnd() < 0.5 ? scanContext(c.root, { fs: hooked.ops }) : await scanContextAsync(c.root, { fs: hooked.ops });
    if (hooked.swapped()) {
      const e = snap.entries.get(swap!);
      assert.ok(e === undefined || e.type === 'symlink', `the swapped folder ${swap} is recorded as what it became, not listed through it`);
    }
    const builders: Builder[] = ['buildkit', 'classic'];
    const shown: unknown[] = [[...snap.entries.values()], snap.problems];
    for (const builder of builders) {
      const ignore = findIgnoreFile(c.root, 'Dockerfile', builder, hooked.ops);
      shown.push(ignore);
      const view = viewContext(snap, ignore.file?.text);
      shown.push(view.problems);
      for (const sources of [['.'], ['*'], ...[...snap.entries.keys()].slice(0, 8).map((k) => [k])]) {
        const sel = selectSources(view, sources, { builder });
        shown.push(sel.problems, sel.warnings, sel.paths);
      }
    }
    for (const p of [...snap.entries.keys()]) {
      const r = readInScope(c.root, p, 1024 * 1024, hooked.ops);
      if ('bytes' in r) shown.push(r.bytes.toString('latin1'));
    }
    const text = JSON.stringify(shown);
    assert.ok(!text.includes(c.secret), 'the secret outside the context appears in an answer');
    const outside = hooked.opened.filter((p) => p.startsWith(c.outDir));
    assert.deepEqual(outside, [], 'opened outside the context');

    // Edits, on a context no longer being tampered with: every included regular file's edit changes COPY . .
    const ignoreText = findIgnoreFile(c.root, 'Dockerfile', 'buildkit').file?.text;
    const fresh = scanContext(c.root);
    const view = viewContext(fresh, ignoreText);
    const included = new Set(includedPaths(view));
    const editable = [...fresh.entries.values()].filter(
      (e) => e.type === 'file' && !e.error && included.has(e.path) && e.path !== '.dockerignore' && !e.path.includes('locked-'),
    );
    for (const e of editable.slice(0, 4)) {
      const before = digests(c.root, ignoreText);
      fs.appendFileSync(at(c.root, e.path), 'edited');
      const now = digests(c.root, ignoreText);
      assert.notEqual(now.buildkit, before.buildkit, `BuildKit: editing ${JSON.stringify(e.path)} changes COPY . .`);
      assert.notEqual(now.classic, before.classic, `classic: editing ${JSON.stringify(e.path)} changes COPY . .`);
    }
  });
}
