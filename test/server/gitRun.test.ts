// git as Layer Lens runs it (gitRun.ts), against repositories whose own .git/config tries to run a command:
// each hostile setting writes a marker file when it runs. Reading HEAD (rev-parse, config, rev-list, ls-tree,
// cat-file) must leave no marker and, where git cannot read what it needs, fail closed with a reason.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanContext } from '../../server/src/contextFs';
import { readGitHeadAsync } from '../../server/src/gitBaseline';
import { runGitAsync } from '../../server/src/gitRun';
import { renderMessage, type Message } from '../../server/src/core/shared/message';

const roots: string[] = [];
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function plainGit(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'ignore'],
  });
}

interface Hostile {
  root: string;
  ws: string;
  marker: string;
  /** A shell command that writes the marker. */
  touch: string;
  /** An executable script that writes the marker. */
  script: string;
}

/** A committed repository with a Dockerfile; `configure` makes it hostile. */
function hostile(name: string, configure: (h: Hostile) => void): Hostile {
  const root = fs.mkdtempSync(join(tmpdir(), `ll-hostile-git-${name}-`));
  roots.push(root);
  const ws = join(root, 'ws');
  fs.mkdirSync(ws);
  fs.writeFileSync(join(ws, 'Dockerfile'), 'FROM alpine\nCOPY . /app\n');
  fs.writeFileSync(join(ws, 'app.txt'), 'app\n');
  plainGit(ws, 'init', '-q');
  plainGit(ws, 'add', '-A');
  plainGit(ws, 'commit', '-q', '-m', 'x');
  const marker = join(root, 'pwned');
  const script = join(root, 'evil.sh');
  fs.writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`, { mode: 0o755 });
  const h = { root, ws, marker, touch: `touch '${marker}'; false`, script };
  configure(h);
  return h;
}

/** Turns the repository into a partial clone whose Dockerfile blob is missing: reading it makes git fetch. */
function partialClone(h: Hostile, url: string): void {
  const blob = plainGit(h.ws, 'rev-parse', 'HEAD:Dockerfile').trim();
  fs.rmSync(join(h.ws, '.git/objects', blob.slice(0, 2), blob.slice(2)));
  plainGit(h.ws, 'config', 'core.repositoryformatversion', '1');
  plainGit(h.ws, 'config', 'extensions.partialClone', 'origin');
  plainGit(h.ws, 'config', 'remote.origin.url', url);
  plainGit(h.ws, 'config', 'remote.origin.promisor', 'true');
}

/** A local "remote" repository the partial clone fetches from over file:// (which runs upload-pack locally). */
function localRemote(h: Hostile): string {
  const remote = join(h.root, 'remote.git');
  plainGit(h.root, 'clone', '-q', '--bare', h.ws, remote);
  return `file://${remote}`;
}

const HOOKS = [
  'pre-commit',
  'post-checkout',
  'post-merge',
  'reference-transaction',
  'post-index-change',
  'fsmonitor-watchman',
  'pre-auto-gc',
  'post-rewrite',
  'push-to-checkout',
];

const cases: Array<[string, (h: Hostile) => void]> = [
  [
    "core.sshCommand through a partial clone's lazy fetch",
    (h) => {
      partialClone(h, 'ssh://attacker.invalid/x');
      plainGit(h.ws, 'config', 'core.sshCommand', h.touch);
    },
  ],
  [
    'remote.origin.uploadpack over file:// through a lazy fetch',
    (h) => {
      partialClone(h, localRemote(h));
      plainGit(h.ws, 'config', 'remote.origin.uploadpack', `touch '${h.marker}'; git-upload-pack`);
    },
  ],
  [
    'core.gitProxy over git:// through a lazy fetch',
    (h) => {
      partialClone(h, 'git://attacker.invalid/x');
      plainGit(h.ws, 'config', 'core.gitProxy', h.script);
    },
  ],
  [
    'an ext:: remote through a lazy fetch',
    (h) => {
      partialClone(h, `ext::sh -c touch% ${h.marker}`);
      plainGit(h.ws, 'config', 'protocol.ext.allow', 'always');
    },
  ],
  [
    'credential.helper and core.askPass over https through a lazy fetch',
    (h) => {
      partialClone(h, 'https://127.0.0.1:9/x');
      plainGit(h.ws, 'config', 'credential.helper', `!${h.touch}`);
      plainGit(h.ws, 'config', 'core.askPass', h.script);
    },
  ],
  [
    'core.alternateRefsCommand with an alternate, through a lazy fetch',
    (h) => {
      const remote = localRemote(h);
      partialClone(h, remote);
      fs.mkdirSync(join(h.ws, '.git/objects/info'), { recursive: true });
      fs.writeFileSync(join(h.ws, '.git/objects/info/alternates'), `${join(h.root, 'remote.git/objects')}\n`);
      // Neither has the Dockerfile: git would fetch it, negotiating with the alternate's refs.
      const blob = plainGit(h.ws, 'rev-parse', 'HEAD:Dockerfile').trim();
      fs.rmSync(join(h.root, 'remote.git/objects', blob.slice(0, 2), blob.slice(2)), { force: true });
      plainGit(h.ws, 'config', 'core.alternateRefsCommand', h.touch);
    },
  ],
  ['core.fsmonitor', (h) => plainGit(h.ws, 'config', 'core.fsmonitor', h.script)],
  [
    'core.hooksPath with every hook',
    (h) => {
      const hooks = join(h.root, 'hooks');
      fs.mkdirSync(hooks);
      for (const name of HOOKS) fs.copyFileSync(h.script, join(hooks, name));
      for (const name of HOOKS) fs.chmodSync(join(hooks, name), 0o755);
      plainGit(h.ws, 'config', 'core.hooksPath', hooks);
    },
  ],
  [
    'core.pager and pager.*',
    (h) => {
      plainGit(h.ws, 'config', 'core.pager', h.touch);
      for (const cmd of ['cat-file', 'ls-tree', 'rev-parse', 'rev-list', 'config']) plainGit(h.ws, 'config', `pager.${cmd}`, h.touch);
    },
  ],
  [
    'diff.external, a textconv driver and filters',
    (h) => {
      fs.writeFileSync(join(h.ws, '.gitattributes'), '* diff=evil filter=evil\n');
      plainGit(h.ws, 'add', '.gitattributes');
      plainGit(h.ws, 'commit', '-q', '-m', 'attributes');
      plainGit(h.ws, 'config', 'diff.external', h.script);
      plainGit(h.ws, 'config', 'diff.evil.textconv', h.script);
      plainGit(h.ws, 'config', 'filter.evil.smudge', h.touch);
      plainGit(h.ws, 'config', 'filter.evil.clean', h.touch);
      plainGit(h.ws, 'config', 'filter.evil.process', h.script);
    },
  ],
];

for (const [name, configure] of cases) {
  void test(`hostile repository config runs nothing when Layer Lens reads git HEAD: ${name}`, async () => {
    const h = hostile(name.replace(/[^a-z]+/gi, '-').slice(0, 30), configure);
    const result = await readGitHeadAsync({
      contextDir: h.ws,
      dockerfileAbs: join(h.ws, 'Dockerfile'),
      dockerfilePath: 'Dockerfile',
      builder: 'buildkit',
      worktree: scanContext(h.ws),
      blobDigests: new Map(),
    });
    if (result.ok) for (const [path, entry] of result.head.snapshot.entries) if (entry.type === 'file') result.head.snapshot.contentDigest(path);
    // Every command gitRun is used for, asked directly too (a missing blob by id and by path).
    for (const args of [
      ['rev-parse', '--show-toplevel'],
      ['ls-tree', '-r', 'HEAD'],
      ['rev-list', '--objects', '--no-walk', '--missing=print', 'HEAD'],
      ['config', '--list'],
    ]) {
      try {
        await runGitAsync(h.ws, args);
      } catch {
        // Failing is fine; running the hostile command is not.
      }
    }
    try {
      await runGitAsync(h.ws, ['cat-file', '--batch'], { input: 'HEAD:Dockerfile\nHEAD:app.txt\n' });
    } catch {
      // as above
    }
    assert.equal(fs.existsSync(h.marker), false, `the repository's config ran a command (${h.marker} exists)`);
    if (/lazy fetch/.test(name)) {
      assert.equal(result.ok, false, 'a Dockerfile that is not downloaded is not read');
      assert.match(renderMessage((result as { reason: Message }).reason), /not downloaded in this partial clone, and Layer Lens does not download anything/);
    }
  });
}

void test('the partial-clone vector is real: plain git (as Layer Lens ran it before) runs core.sshCommand', () => {
  const h = hostile('control', (x) => {
    partialClone(x, 'ssh://attacker.invalid/x');
    plainGit(x.ws, 'config', 'core.sshCommand', x.touch);
  });
  try {
    execFileSync('git', ['-C', h.ws, 'cat-file', '--batch'], {
      input: 'HEAD:Dockerfile\n',
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
  } catch {
    // The fetch fails after the command ran.
  }
  assert.equal(fs.existsSync(h.marker), true, "without the hardening git runs the repository's sshCommand");
});

void test('a partial clone whose HEAD files are all here is read as usual (nothing is fetched)', async () => {
  const h = hostile('complete', (x) => {
    plainGit(x.ws, 'config', 'core.repositoryformatversion', '1');
    plainGit(x.ws, 'config', 'extensions.partialClone', 'origin');
    plainGit(x.ws, 'config', 'remote.origin.url', 'ssh://attacker.invalid/x');
    plainGit(x.ws, 'config', 'remote.origin.promisor', 'true');
    plainGit(x.ws, 'config', 'core.sshCommand', x.touch);
  });
  const result = await readGitHeadAsync({
    contextDir: h.ws,
    dockerfileAbs: join(h.ws, 'Dockerfile'),
    dockerfilePath: 'Dockerfile',
    builder: 'buildkit',
    blobDigests: new Map(),
  });
  assert.ok(result.ok, (result as { reason?: string }).reason);
  assert.equal(result.head.dockerfileText, 'FROM alpine\nCOPY . /app\n');
  assert.equal(fs.existsSync(h.marker), false);
});

void test('git that fails says why in words (no stack, no command line)', async () => {
  const plain = fs.mkdtempSync(join(tmpdir(), 'll-nogit-'));
  roots.push(plain);
  await assert.rejects(runGitAsync(plain, ['rev-parse', '--show-toplevel']), (e: Error & { reason?: string }) =>
    /^git rev-parse failed: not a git repository/.test(e.reason ?? ''),
  );
  await assert.rejects(runGitAsync(join(plain, 'gone'), ['rev-parse']), (e: Error & { reason?: string }) =>
    /^git rev-parse failed: cannot change to/.test(e.reason ?? ''),
  );
});

void test('a git that hangs is stopped at the timeout and reported (it never hangs the server)', async () => {
  const bin = fs.mkdtempSync(join(tmpdir(), 'll-slow-git-'));
  roots.push(bin);
  fs.writeFileSync(join(bin, 'git'), '#!/bin/sh\nexec sleep 60\n', { mode: 0o755 });
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path ?? ''}`;
  try {
    await assert.rejects(
      runGitAsync(bin, ['cat-file', '--batch'], { input: 'HEAD\n', timeoutMs: 300 }),
      (e: Error & { reason?: string }) => e.reason === 'git cat-file did not finish within 0.3 s and was stopped',
    );
  } finally {
    process.env.PATH = path;
  }
});

void test('no git on PATH is said in words (the baseline detail), not thrown at the server', async () => {
  const empty = fs.mkdtempSync(join(tmpdir(), 'll-no-git-'));
  roots.push(empty);
  const path = process.env.PATH;
  process.env.PATH = empty;
  try {
    await assert.rejects(runGitAsync(empty, ['rev-parse']), (e: Error & { reason?: string }) => e.reason === 'git is not installed (no git on PATH)');
  } finally {
    process.env.PATH = path;
  }
});
