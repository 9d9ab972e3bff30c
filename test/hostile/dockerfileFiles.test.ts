// The Dockerfile a command names is not always a regular file: a FIFO, a socket, a device, a symlink to one of
// them or a loop, or a folder. Every command must answer with one clear line and exit 1 at once: never block on
// a read that no writer will ever end, never a stack trace. Generated: every kind of special file behind 0 to 3
// symlinks, for every command.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { seededRandom } from '../helpers/random';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-dffiles-'));
});

type Kind = 'fifo' | 'socket' | 'device' | 'folder' | 'loop' | 'dangling';
const KINDS: Kind[] = ['fifo', 'socket', 'device', 'folder', 'loop', 'dangling'];
const EXPECT: Record<Kind, RegExp> = {
  fifo: /named pipe \(FIFO\), not a Dockerfile/,
  socket: /a socket, not a Dockerfile/,
  device: /a device, not a Dockerfile/,
  folder: /is a folder\. Pass the Dockerfile inside it/,
  loop: /symlink loop/,
  dangling: /Cannot find a Dockerfile at/,
};

async function make(dir: string, kind: Kind): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.txt'), 'x');
  const target = join(dir, 'Dockerfile');
  if (kind === 'fifo') execFileSync('mkfifo', [target]);
  else if (kind === 'device') symlinkSync('/dev/zero', target);
  else if (kind === 'folder') mkdirSync(target);
  else if (kind === 'loop') {
    symlinkSync(join(dir, 'loop-b'), target);
    symlinkSync(target, join(dir, 'loop-b'));
  } else if (kind === 'dangling') symlinkSync(join(dir, 'nowhere'), target);
  else {
    const server = createServer();
    await new Promise<void>((done) => server.listen(target, done));
    server.unref();
  }
  return target;
}

test('every command refuses a Dockerfile that is a FIFO, socket, device, folder, symlink loop or dangling link, at once and in one line', async () => {
  const rand = seededRandom(0xdf11e5);
  const commands = [['plan'], ['plan', '--json'], ['record'], ['simulate', '--edit-line', '1'], ['check'], ['fix'], ['fix', '--dry-run']];
  let n = 0;
  for (const kind of KINDS) {
    for (const command of commands) {
      const dir = join(work, `case-${n++}`);
      let path = await make(dir, kind);
      // Behind 0 to 3 symlinks the user named (a symlinked Dockerfile is followed, as docker build -f does).
      const links = Math.floor(rand() * 4);
      for (let i = 0; i < links; i++) {
        const link = join(dir, `link-${i}`);
        symlinkSync(path, link);
        path = link;
      }
      const r = spawnSync(
        process.execPath,
        [cliPath, ...command, path, '--context', dir, ...(command[0] === 'check' || command[0] === 'fix' ? [] : ['--store', join(dir, 'store.json')])],
        {
          encoding: 'utf8',
          timeout: 20_000,
          env: { ...process.env, LAYERLENS_DIGEST_CACHE: join(dir, 'digests.json'), NO_COLOR: '1' },
        },
      );
      const what = `${command.join(' ')} on a ${kind} behind ${links} links`;
      assert.equal(r.error, undefined, `${what}: ${r.error?.message} (a hang is killed at 20 s)`);
      // README: plan, record and simulate exit 1 on input they cannot read; check and fix exit 2.
      assert.equal(r.status, command[0] === 'check' || command[0] === 'fix' ? 2 : 1, `${what}: exit ${r.status}\n${r.stderr}`);
      assert.match(r.stderr, EXPECT[kind], `${what}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, `${what}: a stack trace\n${r.stderr}`);
    }
  }
});
