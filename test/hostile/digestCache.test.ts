// The CLI's digest cache file ($LAYERLENS_DIGEST_CACHE) is a path like the store's: what is at it may be a FIFO, a
// folder, a device, a symlink, a foreign file or a temporary file a killed run left. Generated: each kind, plain
// or behind a symlink; `plan` must finish with its usual answer, never block, never replace what is not a
// digest cache, and write through a symlink.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../helpers/random';

const root = join(__dirname, '..', '..');
const cliPath = join(root, 'dist', 'cli.js');
let work: string;
let project: string;

before(() => {
  const built = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  work = mkdtempSync(join(tmpdir(), 'layerlens-digests-'));
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'Dockerfile'), 'FROM alpine\nCOPY . /app\nRUN echo hi\n');
  writeFileSync(join(project, 'app.txt'), 'v1');
});

type Kind = 'none' | 'ours' | 'empty' | 'foreign-text' | 'foreign-json' | 'fifo' | 'folder' | 'device' | 'dangling';
const KINDS: Kind[] = ['none', 'ours', 'empty', 'foreign-text', 'foreign-json', 'fifo', 'folder', 'device', 'dangling'];

function plan(cache: string) {
  return spawnSync(process.execPath, [cliPath, 'plan', join(project, 'Dockerfile'), '--store', join(work, 'store.json'), '--json'], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, LAYERLENS_DIGEST_CACHE: cache, NO_COLOR: '1' },
  });
}

test('plan with every kind of thing at the digest cache path, plain or behind a symlink: answers, never blocks, never replaces a foreign file', () => {
  const rand = seededRandom(0xd16e57);
  let n = 0;
  for (const kind of KINDS) {
    for (const linked of [false, true]) {
      const dir = join(work, `case-${n++}`);
      mkdirSync(dir);
      const real = join(dir, 'digests.json');
      const foreign = kind === 'foreign-text' ? `notes ${rand()}\n` : kind === 'foreign-json' ? JSON.stringify({ version: 1, mine: rand() }) : undefined;
      if (kind === 'ours') writeFileSync(real, JSON.stringify({ version: 1, entries: [] }));
      else if (kind === 'empty') writeFileSync(real, '');
      else if (foreign !== undefined) writeFileSync(real, foreign);
      else if (kind === 'fifo') execFileSync('mkfifo', [real]);
      else if (kind === 'folder') mkdirSync(real);
      else if (kind === 'device') symlinkSync('/dev/zero', real);
      else if (kind === 'dangling') symlinkSync(join(dir, 'target.json'), real);
      const path = linked ? join(dir, 'link.json') : real;
      if (linked) symlinkSync(real, path);
      // A temporary file a killed run left (its pid is gone).
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
      writeFileSync(join(dir, `.digests.json.layerlens-${dead}-0badf00d.tmp`), '{');
      const what = `${kind}${linked ? ' behind a symlink' : ''}`;

      const r = plan(path);
      assert.equal(r.error, undefined, `${what}: ${r.error?.message} (a hang is killed at 20 s)`);
      assert.equal(r.status, 0, `${what}: ${r.stderr}`);
      assert.equal(JSON.parse(r.stdout).steps.length, 3, what);

      if (foreign !== undefined) assert.equal(readFileSync(real, 'utf8'), foreign, `${what}: a foreign file is never replaced`);
      if (kind === 'folder') assert.ok(lstatSync(real).isDirectory(), what);
      if (kind === 'device') assert.ok(lstatSync(real).isSymbolicLink(), what);
      if (linked) assert.ok(lstatSync(path).isSymbolicLink(), `${what}: the link is kept`);
      if (kind === 'none' || kind === 'ours' || kind === 'empty') {
        const saved = JSON.parse(readFileSync(real, 'utf8'));
        assert.equal(saved.version, 1, what);
        assert.ok(saved.entries.length >= 1, `${what}: the digests were saved`);
        assert.ok(!readdirSync(dir).some((f) => f.includes('0badf00d')), `${what}: the dead run's temporary file is removed`);
      }
      if (kind === 'dangling') assert.equal(JSON.parse(readFileSync(join(dir, 'target.json'), 'utf8')).version, 1, `${what}: written through the link`);
      assert.ok(!readdirSync(dir).some((f) => f.includes(`layerlens-`) && !f.includes('0badf00d')), `${what}: no temporary file of this run stays`);
    }
  }
});
