// `layerlens check` and `layerlens fix` (server/src/cliCheck.ts) in a child process, in temporary
// projects: exit codes, the three output formats (SARIF's required shape included), dry runs,
// atomic writes that keep the file's mode and line endings, and refusing to overwrite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs, {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCheck, runFix, writeResults } from '../../server/src/cliCheck';

const cliCheck = join(__dirname, '../../server/src/cliCheck.ts');
const tsx = pathToFileURL(require.resolve('tsx')).href;

/** In a child process, as the real command runs. */
function spawned(fn: 'runCheck' | 'runFix', args: string[], cwd: string) {
  const script = `process.exitCode = require(${JSON.stringify(cliCheck)}).${fn}(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--import', tsx, '-e', script, '--', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return {
    code: r.status,
    out: r.stdout,
    err: r.stderr
      .split('\n')
      .filter((l) => !/npm warn/.test(l))
      .join('\n'),
  };
}

/** In this process (faster): cwd, stdout and stderr are swapped for the call. */
function cli(fn: 'runCheck' | 'runFix', args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { cwd: process.cwd(), out: process.stdout.write, err: process.stderr.write, color: process.env.NO_COLOR };
  process.chdir(cwd);
  process.env.NO_COLOR = '1';
  process.stdout.write = ((s: string | Uint8Array) => out.push(String(s)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => err.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    const code = (fn === 'runCheck' ? runCheck : runFix)(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    process.chdir(saved.cwd);
    if (saved.color === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved.color;
  }
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'layerlens-check-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const CLASSIC = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nEXPOSE 3000\nCMD ["node", "server.js"]\n';
const APP = { 'package.json': '{"name":"app"}', 'package-lock.json': '{}', 'server.js': 'console.log(1)', '.git/HEAD': 'ref: x' };

test('check (as a process): text report with the fixes, exit 1 on warnings', (t) => {
  const dir = project({ Dockerfile: CLASSIC, ...APP });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = spawned('runCheck', [], dir);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^Dockerfile:3: warning This COPY brings in the sources before the dependency install on line 4/m);
  assert.match(r.out, /\[copy-before-install\]\n {4}fix: Copy package\.json, package-lock\.json first, install, then copy the rest/);
  assert.match(r.out, /^Dockerfile:3: warning .*\.git get copied too.*\[missing-dockerignore\]$/m);
  assert.match(r.out, /^2 warnings; 2 can be fixed with: layerlens fix Dockerfile\.$/m);
});

test('check: exit 0 without findings; --fail-on decides what fails', (t) => {
  const clean = project({
    Dockerfile: 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nCMD ["node", "server.js"]\n',
    '.dockerignore': '.git\n',
    ...APP,
  });
  const hints = project({ Dockerfile: 'FROM alpine\nRUN echo a\nRUN echo b\n' });
  t.after(() => [clean, hints].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const r = cli('runCheck', ['Dockerfile'], clean);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^Dockerfile: no findings\.$/m);
  assert.equal(cli('runCheck', [], hints).code, 0, 'hints do not fail by default');
  assert.equal(cli('runCheck', ['--fail-on', 'hint'], hints).code, 1);
  const warn = project({ Dockerfile: CLASSIC, ...APP });
  t.after(() => rmSync(warn, { recursive: true, force: true }));
  assert.equal(cli('runCheck', ['--fail-on', 'none'], warn).code, 0);
  assert.equal(cli('runCheck', ['--fail-on', 'error'], warn).code, 0);
  assert.equal(cli('runCheck', ['--rule', 'consecutive-runs'], warn).code, 0);
});

test('check --format json: the advice as data', (t) => {
  const dir = project({ 'docker/app.Dockerfile': CLASSIC, ...APP });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = cli('runCheck', ['docker/app.Dockerfile', '--context', '.', '--format', 'json'], dir);
  assert.equal(r.code, 1, r.err);
  const data = JSON.parse(r.out) as {
    dockerfile: string;
    findings: Array<{ code: string; line: number; range: unknown; fixes: Array<{ title: string; edits: unknown[] }> }>;
  };
  assert.equal(data.dockerfile, 'docker/app.Dockerfile');
  const copy = data.findings.find((f) => f.code === 'copy-before-install');
  assert.ok(copy);
  assert.equal(copy.line, 3);
  assert.deepEqual(copy.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 8 } });
  assert.equal(copy.fixes[0].edits.length, 3);
});

test('check --format sarif: SARIF 2.1.0 with rules, results, locations and fixes', (t) => {
  const dir = project({ Dockerfile: CLASSIC, ...APP });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = cli('runCheck', ['--format', 'sarif'], dir);
  assert.equal(r.code, 1, r.err);
  type Region = { startLine: number; startColumn?: number; endLine?: number; endColumn?: number };
  const log = JSON.parse(r.out) as {
    version: string;
    $schema: string;
    runs: Array<{
      tool: {
        driver: { name: string; version: string; rules: Array<{ id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }> };
      };
      originalUriBaseIds: Record<string, { uri: string }>;
      results: Array<{
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Region } }>;
        fixes?: Array<{
          description: { text: string };
          artifactChanges: Array<{ artifactLocation: { uri: string }; replacements: Array<{ deletedRegion: Region; insertedContent: { text: string } }> }>;
        }>;
      }>;
    }>;
  };
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.equal(log.runs.length, 1);
  const [run] = log.runs;
  assert.equal(run.tool.driver.name, 'Layer Lens');
  assert.match(run.tool.driver.version, /^\d+\.\d+\.\d+/);
  assert.ok(run.tool.driver.rules.length >= 7);
  for (const rule of run.tool.driver.rules) {
    assert.ok(rule.id && rule.shortDescription.text);
    assert.ok(['none', 'note', 'warning', 'error'].includes(rule.defaultConfiguration.level));
  }
  assert.match(run.originalUriBaseIds['%SRCROOT%'].uri, /^file:\/\/.*\/$/);
  assert.ok(run.results.length >= 2);
  for (const res of run.results) {
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
    assert.ok(['none', 'note', 'warning', 'error'].includes(res.level));
    assert.ok(res.message.text.length > 10);
    const loc = res.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'Dockerfile');
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.ok(loc.region.startLine >= 1 && (loc.region.startColumn ?? 1) >= 1);
  }
  const copy = run.results.find((x) => x.ruleId === 'copy-before-install');
  assert.deepEqual(copy?.locations[0].physicalLocation.region, { startLine: 3, startColumn: 1, endLine: 3, endColumn: 9 });
  const change = copy?.fixes?.[0].artifactChanges[0];
  assert.equal(change?.artifactLocation.uri, 'Dockerfile');
  assert.ok(change?.replacements.some((x) => x.insertedContent.text === 'COPY package.json package-lock.json ./\n'));
  const ignore = run.results.find((x) => x.ruleId === 'missing-dockerignore');
  assert.equal(ignore?.fixes?.[0].artifactChanges[0].artifactLocation.uri, '.dockerignore');
});

test('check: usage errors and unreadable input exit 2', (t) => {
  const dir = project({ Dockerfile: CLASSIC });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bad = cli('runCheck', ['--format', 'xml'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--format must be text, json or sarif/);
  assert.equal(cli('runCheck', ['--rule', 'nope'], dir).code, 2);
  assert.equal(cli('runCheck', ['--fail-on', 'sometimes'], dir).code, 2);
  const missing = cli('runCheck', ['Nope.Dockerfile'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /Cannot find a Dockerfile/);
  assert.equal(cli('runFix', ['a', 'b'], dir).code, 2);
});

test('fix --dry-run shows a diff and writes nothing', (t) => {
  const dir = project({ Dockerfile: CLASSIC, ...APP });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = cli('runFix', ['--dry-run'], dir);
  assert.equal(r.code, 0, r.err);
  assert.match(
    r.out,
    /^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n@@ -1,6 \+1,7 @@\n FROM node:20-alpine\n WORKDIR \/app\n-COPY \. \.\n\+COPY package\.json package-lock\.json \.\/\n RUN npm ci\n\+COPY \. \.\n/,
  );
  assert.match(r.out, /^--- \/dev\/null\n\+\+\+ b\/\.dockerignore\n@@ -0,0 \+1,1 @@\n\+\.git$/m);
  assert.match(r.out, /^Dry run: nothing was written\.$/m);
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), CLASSIC);
  assert.throws(() => statSync(join(dir, '.dockerignore')));
});

test('fix writes the Dockerfile (mode and CRLF kept) and creates .dockerignore; then check is clean', (t) => {
  const dir = project({ Dockerfile: CLASSIC.replace(/\n/g, '\r\n'), ...APP });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(join(dir, 'Dockerfile'), 0o640);
  const r = cli('runFix', [], dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^fixed \[copy-before-install\] Copy package\.json, package-lock\.json first, install, then copy the rest$/m);
  assert.match(r.out, /^fixed \[missing-dockerignore\] Create \.dockerignore with \.git$/m);
  assert.equal(
    readFileSync(join(dir, 'Dockerfile'), 'utf8'),
    'FROM node:20-alpine\r\nWORKDIR /app\r\nCOPY package.json package-lock.json ./\r\nRUN npm ci\r\nCOPY . .\r\nEXPOSE 3000\r\nCMD ["node", "server.js"]\r\n',
  );
  assert.equal(statSync(join(dir, 'Dockerfile')).mode & 0o777, 0o640);
  assert.equal(readFileSync(join(dir, '.dockerignore'), 'utf8'), '.git\n');
  assert.equal(cli('runCheck', [], dir).code, 0);
  const again = cli('runFix', [], dir);
  assert.equal(again.code, 0);
  assert.match(again.out, /Dockerfile: nothing to fix\./);
});

test('fix --rule applies only that rule', (t) => {
  const text = 'FROM node:20\nCMD ["a"]\nRUN apt-get update\nRUN apt-get install -y git\nCMD ["b"]\n';
  const dir = project({ Dockerfile: text });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = cli('runFix', ['--rule', 'cmd-overridden'], dir);
  assert.equal(r.code, 0, r.err);
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM node:20\nRUN apt-get update\nRUN apt-get install -y git\nCMD ["b"]\n');
  assert.doesNotMatch(r.out, /apt-update-alone/);
});

test('fix never loses text: a changed file, an existing file to create, or bytes that are not UTF-8 are left alone', (t) => {
  const dir = project({ Dockerfile: 'FROM a\nCMD ["x"]\nCMD ["y"]\n', 'binary.Dockerfile': '' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'Dockerfile');
  const original = readFileSync(file);
  writeFileSync(file, 'FROM a\n# edited meanwhile\n');
  const quiet = <T>(f: () => T): T => {
    const saved = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      return f();
    } finally {
      process.stderr.write = saved;
    }
  };
  assert.equal(
    quiet(() => writeResults(file, original, 'FROM a\nCMD ["y"]\n', [])),
    1,
  );
  assert.equal(readFileSync(file, 'utf8'), 'FROM a\n# edited meanwhile\n');
  writeFileSync(join(dir, '.dockerignore'), 'mine\n');
  assert.equal(
    quiet(() => writeResults(file, readFileSync(file), 'FROM b\n', [{ abs: join(dir, '.dockerignore'), text: '.git\n' }])),
    1,
  );
  assert.equal(readFileSync(join(dir, '.dockerignore'), 'utf8'), 'mine\n');
  assert.equal(readFileSync(file, 'utf8'), 'FROM a\n# edited meanwhile\n');
  writeFileSync(
    join(dir, 'binary.Dockerfile'),
    Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xff, 0x0a, 0x43, 0x4d, 0x44, 0x20, 0x61, 0x0a, 0x43, 0x4d, 0x44, 0x20, 0x62, 0x0a]),
  );
  const r = spawned('runFix', ['binary.Dockerfile'], dir);
  assert.equal(r.code, 1);
  assert.match(r.err, /not valid UTF-8/);
});

const FIXABLE = 'FROM a\nCMD ["x"]\nCMD ["y"]\n';
const FIXED = 'FROM a\nCMD ["y"]\n';

/** Runs fn with stderr captured. */
function captured<T>(fn: () => T): { value: T; err: string } {
  const err: string[] = [];
  const saved = process.stderr.write;
  process.stderr.write = ((s: string | Uint8Array) => err.push(String(s)) > 0) as typeof process.stderr.write;
  try {
    return { value: fn(), err: err.join('') };
  } finally {
    process.stderr.write = saved;
  }
}

const temps = (dir: string) => readdirSync(dir).filter((n) => n.includes('.layerlens-'));

test('fix on a symlinked Dockerfile fixes the file it points to and keeps the link', (t) => {
  const dir = project({ 'docker/real.Dockerfile': FIXABLE });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync('docker/real.Dockerfile', join(dir, 'Dockerfile'));
  const r = cli('runFix', [], dir);
  assert.equal(r.code, 0, r.err);
  assert.ok(lstatSync(join(dir, 'Dockerfile')).isSymbolicLink(), 'the link is kept');
  assert.equal(readlinkSync(join(dir, 'Dockerfile')), 'docker/real.Dockerfile');
  assert.equal(readFileSync(join(dir, 'docker/real.Dockerfile'), 'utf8'), FIXED);
  assert.deepEqual([...temps(dir), ...temps(join(dir, 'docker'))], []);
});

test('fix refuses a read-only Dockerfile (by its mode, even as root) and writes nothing', (t) => {
  const dir = project({ Dockerfile: FIXABLE, '.git/HEAD': 'x', 'a.txt': 'a' });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM a\nCMD ["x"]\nCOPY . .\nCMD ["y"]\n');
  chmodSync(join(dir, 'Dockerfile'), 0o444);
  const r = cli('runFix', [], dir);
  assert.equal(r.code, 1);
  assert.match(r.err, /^layerlens: .*Dockerfile is read-only; nothing was written\. Make it writable \(chmod u\+w\) to fix it\.\n$/);
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM a\nCMD ["x"]\nCOPY . .\nCMD ["y"]\n');
  assert.ok(!existsSync(join(dir, '.dockerignore')), 'nor the .dockerignore');
  assert.equal(statSync(join(dir, 'Dockerfile')).mode & 0o777, 0o444);
});

test('a temporary file a killed fix left in the build context is removed by the next fix', (t) => {
  const dir = project({ Dockerfile: FIXABLE });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(join(dir, `.Dockerfile.layerlens-${dead}.tmp`), 'FROM a\nCM');
  writeFileSync(join(dir, `.Dockerfile.layerlens-${dead}-00c0ffee.tmp`), 'FROM a\nCM');
  writeFileSync(join(dir, `.Dockerfile.layerlens-${process.pid}-00c0ffee.tmp`), 'a live writer: left alone');
  assert.equal(cli('runFix', [], dir).code, 0);
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), FIXED);
  assert.deepEqual(temps(dir), [`.Dockerfile.layerlens-${process.pid}-00c0ffee.tmp`]);
});

test('fix never creates .dockerignore through a symlink or over a folder of that name; nothing is written', (t) => {
  const dir = project({ Dockerfile: 'FROM a\nCOPY . .\n', '.git/HEAD': 'x' });
  const outside = project({});
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  symlinkSync(join(outside, 'planted'), join(dir, '.dockerignore'));
  const viaLink = cli('runFix', [], dir);
  assert.equal(viaLink.code, 1);
  assert.match(
    viaLink.err,
    /\.dockerignore is a symlink, not a regular file; nothing was written \(a fix never writes through a link or into a folder\)\. Remove or rename it, then run layerlens fix again\./,
  );
  assert.deepEqual(readdirSync(outside), [], 'nothing created where the link points');
  rmSync(join(dir, '.dockerignore'));
  mkdirSync(join(dir, '.dockerignore'));
  const overFolder = cli('runFix', [], dir);
  assert.equal(overFolder.code, 1);
  assert.match(overFolder.err, /\.dockerignore is a folder, not a regular file; nothing was written/);
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), 'FROM a\nCOPY . .\n');
  assert.deepEqual(temps(dir), []);
});

test('fix where it cannot write: one line that says what to do, exit 1, nothing written, never a stack trace', (t) => {
  const dir = project({ Dockerfile: FIXABLE });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // As root every folder is writable: run as nobody, who may read but not write this one.
  chmodSync(dir, 0o555);
  chmodSync(join(dir, 'Dockerfile'), 0o666);
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const r = spawnSync(process.execPath, ['--import', tsx, '-e', `process.exitCode = require(${JSON.stringify(cliCheck)}).runFix([])`], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    ...asNobody,
  });
  chmodSync(dir, 0o755);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /layerlens: Cannot write .*Dockerfile: permission denied \(EACCES\); nothing was written\. Check that you can write to /);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), FIXABLE);
});

test('fix maps every file-system failure to a message (injected: read-only file system, disk full, no hard links)', (t) => {
  const dir = project({ Dockerfile: FIXABLE });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'Dockerfile');
  const fail = (code: string) => () => {
    throw Object.assign(new Error(`${code}: injected`), { code });
  };
  for (const [method, code, phrase] of [
    ['renameSync', 'EROFS', 'the file system is read-only \\(EROFS\\)'],
    ['writeSync', 'ENOSPC', 'no space is left on the device \\(ENOSPC\\)'],
    ['fsyncSync', 'EIO', 'an input/output error \\(EIO\\)'],
    ['openSync', 'EDQUOT', 'the disk quota is exceeded \\(EDQUOT\\)'],
    ['openSync', 'EWEIRD', 'EWEIRD'],
  ] as const) {
    const m = t.mock.method(fs, method, fail(code));
    const r = captured(() => writeResults(file, Buffer.from(FIXABLE), FIXED, []));
    m.mock.restore();
    assert.equal(r.value, 1, method);
    assert.match(r.err, new RegExp(`^layerlens: Cannot write .*Dockerfile: ${phrase}; nothing was written\\. Check that you can write to `));
    assert.equal(readFileSync(file, 'utf8'), FIXABLE);
    assert.deepEqual(temps(dir), [], `no temporary file left after ${method} failed`);
  }
  // A file system without hard links: .dockerignore is still created, exclusively.
  const link = t.mock.method(fs, 'linkSync', fail('EPERM'));
  const made = captured(() => writeResults(file, Buffer.from(FIXABLE), FIXED, [{ abs: join(dir, '.dockerignore'), text: '.git\n' }]));
  link.mock.restore();
  assert.equal(made.value, 0, made.err);
  assert.equal(readFileSync(join(dir, '.dockerignore'), 'utf8'), '.git\n');
  assert.deepEqual(temps(dir), []);
});
