// `npm run bench`: how fast Layer Lens predicts, against what it replaces. Not a test: it prints
// figures, ratios and whether the targets of issue 2 are met, and fails only when a prediction it
// times is wrong (then it would be timing the wrong work).
//
//   node --expose-gc --import tsx bench/run.ts [--sizes=1k,10k,100k] [--edits=30] [--no-docker]
//        [--start-engine] [--profile] [--json=FILE] [--clean] [--history-only]
//
// Contexts are generated under os.tmpdir()/layerlens-bench and reused while their spec is the same;
// --clean removes them (and the bench image, if an engine answers) and exits.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { openProject, planProject, refreshProject, type Project } from '../server/src/diskProject';
import { DigestCache } from '../server/src/contextFs';
import { buildId, emptyStore, knownBuilds, recordBuild, type StoreData } from '../server/src/core/plan/store';
import type { StepPrediction } from '../server/src/core/shared/types';
import { BENCH_ROOT, cleanAll, dirtyFile, ensureContext, fileContent, label, type Manifest, type ManifestFile } from './gen';
import { mb, median, ms, now, p95, profile, ratio, table } from './stats';
import { engineLockDir, withEngineLock } from '../test/oracle/engine';
import { editorPhase, editorSummary } from './editor';
import { historyPhase, historyTable, HISTORY_FILES, TARGETS_MS, type HistoryRow } from './history';

const REPO = resolve(__dirname, '..');
const TARGET_COLD_RATIO = 2;
const TARGET_REPLAN_MS = 20;
const TARGET_DOCKER_RATIO = 20;
const BENCH_IMAGE = 'layerlens-bench:10k';
/** The BuildKit daemon scripts/engines/start.sh runs, shared with the oracle tests. */
const OWN_BUILDKIT_SOCKET = '/tmp/ll-buildkit.sock';

// ------------------------------------------------------------------------------------------ options
const argv = process.argv.slice(2);
const flag = (name: string): boolean => argv.includes(`--${name}`);
const opt = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const known = new Set(['sizes', 'edits', 'no-docker', 'start-engine', 'profile', 'json', 'clean', 'help', 'history-only']);
for (const a of argv) {
  const n = a.replace(/^--/, '').replace(/=.*/, '');
  if (!a.startsWith('--') || !known.has(n)) {
    process.stderr.write(
      `bench: unknown argument "${a}". Options: --sizes=1k,10k,100k --edits=30 --no-docker --start-engine --profile --json=FILE --clean --history-only\n`,
    );
    process.exit(2);
  }
}
if (flag('help')) {
  process.stdout.write(readFileSync(__filename, 'utf8').split('\n').slice(0, 10).join('\n') + '\n');
  process.exit(0);
}
const parseSize = (s: string): number => {
  const m = /^(\d+)(k?)$/i.exec(s.trim());
  if (!m) throw new Error(`--sizes: "${s}" is not a file count like 10k`);
  return Number(m[1]) * (m[2] ? 1000 : 1);
};
const SIZES = (opt('sizes') ?? '1k,10k,100k').split(',').map(parseSize);
const EDITS = Number(opt('edits') ?? 30);
const DOCKER_SIZE = 10_000;
/** Per-size time budget for the edit loop, so a slow engine cannot push the run far past 10 minutes. */
const EDIT_BUDGET_MS = 180_000;
/** Edits whose revert is also planned and checked (every step cached again); later reverts only refresh. */
const CHECKED_REVERTS = 5;

const out = (s = ''): void => {
  process.stdout.write(s + '\n');
};
const note = (s: string): void => {
  process.stderr.write(`  .. ${s}\n`);
};
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const failures: string[] = [];
function check(ok: boolean, what: string): boolean {
  if (!ok && failures.length < 20) failures.push(what);
  return ok;
}

// ----------------------------------------------------------------------------------- engine helpers
const BUILDER = 'buildkit' as const;

function open(m: Manifest, digestCache: DigestCache, text?: string): Project {
  return openProject({ dockerfile: join(m.root, 'Dockerfile'), builder: BUILDER, buildArgs: {}, digestCache, ...(text !== undefined ? { text } : {}) });
}

/** Counts the files the engine actually read and hashed (each fresh digest is set once). */
class CountingCache extends DigestCache {
  hashed = 0;
  override set(key: string, digest: string): void {
    this.hashed++;
    super.set(key, digest);
  }
  override add(key: string, digest: string): void {
    this.hashed++;
    super.add(key, digest);
  }
}

function stepAt(steps: StepPrediction[], keyword: string, textStart: string, source: string[]): StepPrediction | undefined {
  return steps.find((s) => s.keyword === keyword && source[s.line - 1]?.startsWith(textStart));
}

/** The files a cold plan must hash: every regular file left after .dockerignore. */
function hashedFiles(m: Manifest): string[] {
  return [...m.files.filter((f) => !f.ignored).map((f) => join(m.root, f.rel)), join(m.root, 'Dockerfile'), join(m.root, '.dockerignore')];
}

function baseline(paths: string[]): { ms: number; bytes: number } {
  const t0 = now();
  let bytes = 0;
  for (const p of paths) {
    const buf = readFileSync(p);
    createHash('sha256').update(buf).digest('hex');
    bytes += buf.length;
  }
  return { ms: now() - t0, bytes };
}

// ------------------------------------------------------------------------------------------ phases
interface ColdRow {
  files: number;
  hashed: number;
  bytes: number;
  baseline: number[];
  cold: number[];
  open: number[];
  plan: number[];
}

function coldPhase(m: Manifest): ColdRow {
  const paths = hashedFiles(m);
  const reps = m.spec.files >= 100_000 ? 3 : m.spec.files >= 10_000 ? 5 : 9;
  const row: ColdRow = { files: m.spec.files, hashed: 0, bytes: 0, baseline: [], cold: [], open: [], plan: [] };
  // Untimed first run of each side: warms the page cache (both sides then read from memory) and
  // the JIT alike (only the baseline had one, so the first size's cold plan also timed compilation;
  // at 100k files compilation is noise and a warm-up would add seconds).
  baseline(paths);
  if (m.spec.files < 100_000) {
    const warm = open(m, new DigestCache());
    planProject(warm, knownBuilds(emptyStore(), BUILDER, buildId(BUILDER, warm.dockerfileAbs, undefined)));
  }
  for (let i = 0; i < reps; i++) {
    gc();
    const b = baseline(paths);
    row.baseline.push(b.ms);
    row.bytes = b.bytes;
    gc();
    const cache = new CountingCache();
    const t0 = now();
    const project = open(m, cache);
    const t1 = now();
    const id = buildId(BUILDER, project.dockerfileAbs, undefined);
    const result = planProject(project, knownBuilds(emptyStore(), BUILDER, id));
    const t2 = now();
    row.cold.push(t2 - t0);
    row.open.push(t1 - t0);
    row.plan.push(t2 - t1);
    row.hashed = cache.hashed;
    check(
      result.steps.every((s) => s.status === 'rebuilds' || s.status === 'none'),
      `cold plan ${label(m.spec.files)}: on an empty store every step should rebuild`,
    );
  }
  check(row.hashed === paths.length, `cold plan ${label(m.spec.files)}: the engine hashed ${row.hashed} files, the baseline ${paths.length}`);
  return row;
}

interface EditRow {
  files: number;
  edit: number[];
  refresh: number[];
  plan: number[];
  revert: number[];
  ok: number;
  planned: number;
}

/** Deterministic choice of files to edit: regular, included, not the install inputs. */
function editTargets(m: Manifest, n: number): ManifestFile[] {
  const pool = m.files.filter((f) => !f.ignored && !m.installInputs.includes(f.rel) && f.rel !== 'keep.log');
  const picked: ManifestFile[] = [];
  let x = 12345;
  while (picked.length < Math.min(n, pool.length)) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const f = pool[x % pool.length]!;
    if (!picked.includes(f)) picked.push(f);
  }
  return picked;
}

async function editPhase(m: Manifest, doProfile: boolean): Promise<{ row: EditRow; noChange: number[]; prof?: string }> {
  let project = open(m, new DigestCache());
  const id = buildId(BUILDER, project.dockerfileAbs, undefined);
  const first = planProject(project, knownBuilds(emptyStore(), BUILDER, id));
  const store: StoreData = recordBuild(emptyStore(), BUILDER, id, first.keys, first.recorded);
  const src = first.source;
  const copyAll = stepAt(first.steps, 'COPY', 'COPY . ', src)!;
  const install = stepAt(first.steps, 'RUN', 'RUN mkdir -p node_modules', src)!;
  const copyManifest = stepAt(first.steps, 'COPY', 'COPY package.json', src)!;
  const fsSteps = first.steps.filter((s) => s.status !== 'none').length;
  const row: EditRow = { files: m.spec.files, edit: [], refresh: [], plan: [], revert: [], ok: 0, planned: 0 };

  // The no-change re-plan: what the editor does when a watcher reports nothing relevant.
  const noChange: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = now();
    const p = refreshProject(project, []);
    const r = planProject(p, knownBuilds(store, BUILDER, id));
    noChange.push(now() - t0);
    check(
      r.steps.every((s) => s.status === 'cached' || s.status === 'none'),
      `no-change re-plan ${label(m.spec.files)}: not all cached`,
    );
  }

  const targets = editTargets(m, EDITS);
  writeFileSync(dirtyFile(m.root), 'editing\n');
  const started = now();
  const oneEdit = (f: ManifestFile, k: number, count = true): void => {
    const abs = join(m.root, f.rel);
    const original = fileContent(f);
    writeFileSync(abs, fileContent(f, k + 1));
    gc();
    const t0 = now();
    project = refreshProject(project, [abs]);
    const t1 = now();
    const r = planProject(project, knownBuilds(store, BUILDER, id));
    const t2 = now();
    if (count) {
      row.edit.push(t2 - t0);
      row.refresh.push(t1 - t0);
      row.plan.push(t2 - t1);
      row.planned++;
    }
    const at = (s: StepPrediction) => r.steps.find((x) => x.line === s.line)!;
    const good =
      check(
        at(copyAll).status === 'rebuilds' && at(copyAll).reason.includes(`${f.rel} changed`),
        `edit ${f.rel}: COPY . should rebuild naming the file, got ${at(copyAll).status} (${at(copyAll).reason})`,
      ) &&
      check(at(install).status === 'cached', `edit ${f.rel}: the install RUN should stay cached, got ${at(install).status}`) &&
      check(at(copyManifest).status === 'cached', `edit ${f.rel}: COPY package.json should stay cached`);
    // Put the file back: the same content is cached again (the store is a set of keys).
    writeFileSync(abs, original);
    const t3 = now();
    project = refreshProject(project, [abs]);
    let allCached = true;
    if (k < CHECKED_REVERTS || !count) {
      const back = planProject(project, knownBuilds(store, BUILDER, id));
      if (count) row.revert.push(now() - t3);
      allCached = check(back.steps.filter((s) => s.status === 'cached').length === fsSteps, `revert ${f.rel}: every step should be cached again`);
    }
    if (good && allCached && count) row.ok++;
  };
  let prof: string | undefined;
  try {
    for (let k = 0; k < targets.length; k++) {
      oneEdit(targets[k]!, k);
      if (now() - started > EDIT_BUDGET_MS && k >= 4) {
        note(`edit loop at ${label(m.spec.files)} stopped after ${k + 1} edits (time budget ${EDIT_BUDGET_MS / 1000} s)`);
        break;
      }
    }
    if (doProfile) {
      const few = targets.slice(0, 5);
      // Profiled edits are checked but not counted in the figures.
      prof = await profile(join(BENCH_ROOT, 'profiles', `replan-${label(m.spec.files)}.cpuprofile`), () => few.forEach((f, k) => oneEdit(f, 100 + k, false)));
    }
  } finally {
    for (const f of targets) writeFileSync(join(m.root, f.rel), fileContent(f));
    rmSync(dirtyFile(m.root), { force: true });
  }
  return { row, noChange, ...(prof ? { prof } : {}) };
}

/** A 300-instruction Dockerfile over the 1k context: 2 global ARGs, 6 stages of 49-50 instructions. */
function bigDockerfile(m: Manifest): string {
  const files = m.files.filter((f) => !f.ignored && f.rel.includes('/'));
  const dirs = m.dirs.filter((d) => !d.startsWith('.git') && !d.startsWith('tmp'));
  const lines: string[] = ['# 300 instructions, generated by bench/run.ts', 'ARG BASE=localbase:1', 'ARG VERSION=1.0'];
  const stages = 6;
  for (let k = 0; k < stages; k++) {
    const quota = Math.floor((300 - 2) / stages) + (k < (300 - 2) % stages ? 1 : 0);
    lines.push('', k % 3 === 2 ? `FROM s${k - 1} AS s${k}` : `FROM \${BASE} AS s${k}`);
    let n = 1;
    // quota - 1 instructions after FROM, the last one is the stage's closing line below
    const add = (...l: string[]) => {
      if (n < quota - 1) {
        lines.push(...l);
        n++;
      }
    };
    for (let i = 0; n < quota - 1; i++) {
      const f = files[(k * 97 + i * 31) % files.length]!;
      const d = dirs[(k * 13 + i * 7) % dirs.length]!;
      switch (i % 14) {
        case 0:
          add(`ENV S${k}_V${i}=value-${i} PATH=/usr/local/bin:/usr/bin:/bin`);
          break;
        case 1:
          add(`RUN echo "stage ${k} step ${i}" > /tmp/s${k}_${i}`);
          break;
        case 2:
          add(`WORKDIR /work/s${k}/d${i}`);
          break;
        case 3:
          add(`COPY ${f.rel} /app/s${k}/${i}/`);
          break;
        case 4:
          add(`RUN --mount=type=cache,target=/root/.cache echo cache ${i}`);
          break;
        case 5:
          add(`LABEL org.example.s${k}.l${i}="label ${i}"`);
          break;
        case 6:
          add(`ARG A${k}_${i}=x${i}`);
          break;
        case 7:
          add(`RUN set -e; \\`, `    echo one ${i}; \\`, `    echo two \${A${k}_${i - 1}:-none}`);
          break;
        case 8:
          add(k > 0 ? `COPY --from=s${k - 1} /tmp /from/s${k - 1}/${i}` : `COPY ${d} /app/dir${i}/`);
          break;
        case 9:
          add(`ADD ${f.rel} /add/${i}`);
          break;
        case 10:
          add(i % 28 === 10 ? 'USER root' : 'USER 0');
          break;
        case 11:
          add(`EXPOSE ${8000 + i}`);
          break;
        case 12:
          add(`RUN <<EOF`, `echo heredoc ${k} ${i}`, `echo done`, `EOF`);
          break;
        case 13:
          add(`COPY --chmod=644 ${d} /src/s${k}/${i}/`);
          break;
      }
    }
    if (k === stages - 1) lines.push('CMD ["sh", "-c", "echo done"]');
    else lines.push(`RUN echo end of stage ${k}`);
  }
  return lines.join('\n') + '\n';
}

interface BigRow {
  instructions: number;
  stages: number;
  open: number;
  firstPlan: number;
  plans: number[];
}

function bigPhase(m: Manifest): BigRow {
  const text = bigDockerfile(m);
  const t0 = now();
  const project = open(m, new DigestCache(), text);
  const t1 = now();
  const id = buildId(BUILDER, project.dockerfileAbs, undefined);
  const first = planProject(project, knownBuilds(emptyStore(), BUILDER, id));
  const t2 = now();
  const store = recordBuild(emptyStore(), BUILDER, id, first.keys, first.recorded);
  const plans: number[] = [];
  let last = first;
  for (let i = 0; i < 30; i++) {
    const a = now();
    last = planProject(project, knownBuilds(store, BUILDER, id));
    plans.push(now() - a);
  }
  const stages = new Set(last.steps.map((s) => s.stage)).size - (last.steps.some((s) => s.stage === '(global)') ? 1 : 0);
  check(last.steps.length === 300, `300-instruction Dockerfile: ${last.steps.length} steps planned`);
  check(
    last.diagnostics.filter((d) => d.severity === 'error').length === 0,
    `300-instruction Dockerfile: errors ${JSON.stringify(last.diagnostics.slice(0, 2))}`,
  );
  const bad = last.steps.filter((s) => s.status !== 'cached' && s.status !== 'none');
  check(
    bad.length === 0,
    `300-instruction Dockerfile after record: ${bad.length} steps not cached, e.g. line ${bad[0]?.line} ${bad[0]?.status} (${bad[0]?.reason})`,
  );
  return { instructions: last.steps.length, stages, open: t1 - t0, firstPlan: t2 - t1, plans };
}

// ------------------------------------------------------------------------------------ real engine
interface Engine {
  docker: string;
  env: NodeJS.ProcessEnv;
  host: string;
  version: string;
}

function toolsDir(): string {
  return process.env.LAYERLENS_TOOLS || join(homedir(), '.cache', 'layer-lens');
}

function engineEnv(host: string): { docker: string; env: NodeJS.ProcessEnv } {
  const trixie = join(toolsDir(), 'engines', 'trixie');
  const config = join(toolsDir(), 'engines', 'docker-config');
  const own = existsSync(join(trixie, 'usr/bin/docker'));
  return {
    docker: own ? join(trixie, 'usr/bin/docker') : 'docker',
    env: {
      ...process.env,
      DOCKER_HOST: host,
      ...(existsSync(config) ? { DOCKER_CONFIG: config } : {}),
      ...(own ? { PATH: `${join(trixie, 'usr/bin')}:${join(trixie, 'usr/sbin')}:${process.env.PATH ?? ''}` } : {}),
    },
  };
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv, timeout = 20_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { env: env ?? process.env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
}

function findEngine(): Engine | { why: string } {
  const hosts = [
    process.env.DOCKER_HOST,
    existsSync(OWN_BUILDKIT_SOCKET) ? `unix://${OWN_BUILDKIT_SOCKET}` : undefined,
    existsSync('/var/run/docker.sock') ? 'unix:///var/run/docker.sock' : undefined,
  ].filter((h): h is string => Boolean(h));
  if (!hosts.length) return { why: 'no Docker engine socket (DOCKER_HOST unset, /tmp/ll-buildkit.sock absent)' };
  const whys: string[] = [];
  for (const host of hosts) {
    const { docker, env } = engineEnv(host);
    const v = run(docker, ['version', '-f', '{{.Server.Version}}'], env);
    if (v.status !== 0) {
      whys.push(`${host}: no answer (${(v.stderr || v.error?.message || '').trim().split('\n')[0]})`);
      continue;
    }
    if (run(docker, ['buildx', 'version'], env).status !== 0) {
      whys.push(`${host}: no docker buildx plugin`);
      continue;
    }
    if (run(docker, ['image', 'inspect', 'localbase:1'], env).status !== 0) {
      whys.push(`${host}: no localbase:1 image (scripts/engines/start.sh imports it)`);
      continue;
    }
    return { docker, env, host, version: v.stdout.trim() };
  }
  return { why: whys.join('; ') };
}

/** Vertices of a `--progress=plain` build and which of them were not served from the cache. */
function notCached(output: string): { vertices: number; missed: string[] } {
  const names = new Map<string, string>();
  const cached = new Set<string>();
  for (const line of output.split('\n')) {
    const v = /^#(\d+) \[(?:[^\]]* )?\d+\/\d+\] (.*)$/.exec(line);
    if (v) names.set(v[1]!, v[2]!);
    const c = /^#(\d+) CACHED/.exec(line);
    if (c) cached.add(c[1]!);
  }
  const missed = [...names].filter(([id, n]) => !cached.has(id) && !n.startsWith('FROM ')).map(([, n]) => n);
  return { vertices: names.size, missed };
}

interface DockerRow {
  skipped?: string;
  engine?: string;
  firstBuild?: number;
  noop: number[];
  retries: number;
  cli: number[];
  nodeStartup: number[];
  cliRecord?: number;
}

function dockerBuild(e: Engine, ctx: string): { ms: number; output: string; ok: boolean } {
  const t0 = now();
  const r = run(e.docker, ['buildx', 'build', '--progress=plain', '-t', BENCH_IMAGE, ctx], e.env, 600_000);
  return { ms: now() - t0, output: `${r.stdout}\n${r.stderr}`, ok: r.status === 0 };
}

/** The CLI bundled from the current sources exactly as esbuild.mjs does (dist/ is left alone). */
async function bundleCli(): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = join(BENCH_ROOT, 'cli', 'cli.js');
  await esbuild.build({
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    logLevel: 'warning',
    // As esbuild.mjs: jsonc-parser's main (UMD) build requires its modules at run time (./impl/format), which a
    // bundle cannot hold, so its ES build is bundled.
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    entryPoints: [join(REPO, 'server/src/cli.ts')],
    outfile,
    banner: { js: '#!/usr/bin/env node' },
  });
  return outfile;
}

async function cliPhase(m: Manifest, row: DockerRow): Promise<void> {
  const cli = await bundleCli();
  const dir = join(BENCH_ROOT, 'cli');
  const store = join(dir, 'store.json');
  const digests = join(dir, 'digest-cache.json');
  rmSync(store, { force: true });
  rmSync(digests, { force: true });
  const env = { ...process.env, LAYERLENS_DIGEST_CACHE: digests, NO_COLOR: '1' };
  const dockerfile = join(m.root, 'Dockerfile');
  const t0 = now();
  const rec = run(process.execPath, [cli, 'record', dockerfile, '--store', store], env, 300_000);
  row.cliRecord = now() - t0;
  if (!check(rec.status === 0, `CLI record failed: ${rec.stderr.trim()}`)) return;
  for (let i = 0; i < 7; i++) {
    const a = now();
    const r = run(process.execPath, [cli, 'plan', dockerfile, '--store', store, '--json'], env, 300_000);
    row.cli.push(now() - a);
    let steps: StepPrediction[] = [];
    try {
      steps = (JSON.parse(r.stdout) as { steps: StepPrediction[] }).steps;
    } catch {
      check(false, `CLI plan printed no JSON: ${r.stderr.trim()}`);
    }
    check(
      r.status === 0 && steps.length > 0 && steps.every((s) => s.status === 'cached' || s.status === 'none'),
      `CLI plan after record: not all cached (exit ${r.status})`,
    );
    const b = now();
    run(process.execPath, ['-e', '0']);
    row.nodeStartup.push(now() - b);
  }
}

async function dockerPhase(m: Manifest): Promise<DockerRow> {
  const row: DockerRow = { noop: [], retries: 0, cli: [], nodeStartup: [] };
  await cliPhase(m, row);
  if (flag('no-docker')) {
    row.skipped = 'skipped (--no-docker)';
    return row;
  }
  let e = findEngine();
  if ('why' in e && flag('start-engine')) {
    const start = join(REPO, 'scripts/engines/start.sh');
    if (existsSync(join(toolsDir(), 'engines', 'trixie', 'usr/sbin/dockerd'))) {
      note('starting the BuildKit engine (scripts/engines/start.sh buildkit)');
      const r = run('bash', [start, 'buildkit'], process.env, 180_000);
      note(r.stdout.trim() || r.stderr.trim());
      e = findEngine();
    } else {
      e = { why: `${e.why}; engines not installed (run scripts/engines/setup.sh)` };
    }
  }
  if ('why' in e) {
    row.skipped = `no Docker engine running: ${e.why}. Start one with scripts/engines/start.sh buildkit (or pass --start-engine)`;
    return row;
  }
  row.engine = `Docker Engine ${e.version} (BuildKit, ${e.host})`;
  const engine = e;
  // The oracle tests share this daemon and prune its cache per scenario: hold their lock while the
  // cache is filled and the no-op builds are timed.
  await lockEngine(engine, async () => {
    note(`docker buildx build of the ${label(m.spec.files)} context (first build fills the cache)`);
    const first = dockerBuild(engine, m.root);
    if (!check(first.ok, `docker build failed: ${first.output.trim().split('\n').slice(-5).join(' | ')}`)) {
      row.skipped = 'the first docker build failed (see the failures below)';
      return;
    }
    row.firstBuild = first.ms;
    // No-op builds: every step must come from the cache, otherwise something else pruned the
    // engine's cache in between: fill it again and retry.
    for (let i = 0; i < 5 && row.retries < 3;) {
      const b = dockerBuild(engine, m.root);
      const nc = notCached(b.output);
      if (b.ok && nc.vertices > 0 && nc.missed.length === 0) {
        row.noop.push(b.ms);
        i++;
      } else {
        row.retries++;
        note(`a no-op docker build was not fully cached (${nc.missed.slice(0, 2).join('; ') || 'build failed'}); retrying`);
      }
    }
  });
  if (!row.noop.length && !row.skipped) row.skipped = 'no fully cached docker build could be measured (the engine cache kept being pruned?)';
  return row;
}

/** Run `fn` holding the oracle's lock on the shared BuildKit daemon (test/oracle/engine.ts), when that is the engine. */
async function lockEngine(e: Engine, fn: () => Promise<void>): Promise<void> {
  if (e.host !== `unix://${OWN_BUILDKIT_SOCKET}`) return fn();
  if (existsSync(engineLockDir('buildkit'))) note(`waiting for ${engineLockDir('buildkit')} (the oracle tests are using the engine)`);
  await withEngineLock('buildkit', fn);
}

async function clean(): Promise<void> {
  cleanAll();
  out(`removed ${BENCH_ROOT}`);
  const e = findEngine();
  if (!('why' in e)) {
    const engine = e;
    await lockEngine(engine, async () => {
      const r = run(engine.docker, ['image', 'rm', '-f', BENCH_IMAGE], engine.env);
      if (r.status === 0) out(`removed image ${BENCH_IMAGE} from ${engine.host}`);
    });
  }
}

// -------------------------------------------------------------------------------------------- main
async function main(): Promise<number> {
  if (flag('clean')) {
    await clean();
    return 0;
  }
  const started = now();
  const load0 = loadavg()[0]!;
  out(
    `Layer Lens benchmark  node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 1e9)} GB, load ${load0.toFixed(2)}`,
  );
  const rev = run('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD']).stdout?.trim() || 'unknown';
  const dirty = run('git', ['-C', REPO, 'status', '--porcelain', '--', 'server/src']).stdout?.trim() ? ' + uncommitted changes in server/src' : '';
  out(`engine: commit ${rev}${dirty}`);
  out(`contexts: ${BENCH_ROOT}  (builder: ${BUILDER}; timings in-process unless noted; medians unless noted)`);
  out();
  if (flag('history-only')) {
    const rows = await historySection();
    out(`runtime ${((now() - started) / 1000).toFixed(0)} s; load average ${load0.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`);
    return rows.every((r) => r.ok) ? 0 : 1;
  }

  // 1. contexts
  const sizes = [...new Set([...SIZES, ...(flag('no-docker') ? [] : [DOCKER_SIZE]), 1000])].sort((a, b) => a - b);
  const manifests = new Map<number, Manifest>();
  const ctxRows = [['context', 'files', 'hashed by COPY .', 'bytes', 'folders', 'symlinks', 'on disk']];
  for (const n of sizes) {
    note(`context ${label(n)}: checking / generating`);
    const c = ensureContext(n);
    manifests.set(n, c.manifest);
    const incl = hashedFiles(c.manifest).length;
    ctxRows.push([
      label(n),
      String(n),
      String(incl),
      mb(c.bytes),
      String(c.manifest.dirs.length),
      String(c.manifest.symlinks.length),
      c.generated ? `generated in ${ms(c.ms)}` : 'reused (same spec)',
    ]);
  }
  out(
    '1. Synthetic contexts (Dockerfile: FROM, ENV, WORKDIR, COPY package.json package-lock.json, RUN install, ARG, COPY . /app, RUN, ENV, USER, EXPOSE, CMD)',
  );
  out(table(ctxRows));
  out();

  // 2. cold plan vs read + sha256
  const cold = new Map<number, ColdRow>();
  for (const n of SIZES) {
    note(`cold plan ${label(n)}`);
    cold.set(n, coldPhase(manifests.get(n)!));
  }
  out('2. Cold plan (openProject + planProject, fresh digest cache) vs baseline (readFileSync + sha256 of the same files)');
  const coldRows = [['context', 'files hashed', 'bytes', 'baseline', 'cold plan', '(scan+view)', '(plan)', 'cold / baseline', 'runs']];
  for (const [n, r] of cold) {
    coldRows.push([
      label(n),
      String(r.hashed),
      mb(r.bytes),
      ms(median(r.baseline)),
      ms(median(r.cold)),
      ms(median(r.open)),
      ms(median(r.plan)),
      ratio(median(r.cold) / median(r.baseline)),
      String(r.cold.length),
    ]);
  }
  out(table(coldRows));
  let coldProf: string | undefined;
  if (flag('profile')) {
    const big = manifests.get(Math.max(...SIZES))!;
    coldProf = await profile(join(BENCH_ROOT, 'profiles', `cold-${label(big.spec.files)}.cpuprofile`), () => {
      const p = open(big, new DigestCache());
      planProject(p, knownBuilds(emptyStore(), BUILDER, buildId(BUILDER, p.dockerfileAbs, undefined)));
    });
    out(`  cold plan profile (${label(big.spec.files)}):`);
    out(coldProf);
  }
  out();

  // 3. re-plan after a one-file edit
  const edits = new Map<number, EditRow>();
  const noChange = new Map<number, number[]>();
  const profs: string[] = [];
  for (const n of SIZES) {
    note(`re-plan after one-file edits ${label(n)}`);
    const r = await editPhase(manifests.get(n)!, flag('profile') && n === Math.max(...SIZES));
    edits.set(n, r.row);
    noChange.set(n, r.noChange);
    if (r.prof) profs.push(`  re-plan profile (${label(n)}, 5 edits + reverts):\n${r.prof}`);
  }
  out(
    `3. Re-plan after a one-file edit: refreshProject(project, [file]) + planProject, against a recorded store (${EDITS} edits per size, each then reverted)`,
  );
  const editRows = [
    ['context', 'edits', 'median', 'p95', 'max', '(refresh)', '(plan)', `revert median (${CHECKED_REVERTS})`, 'no-change re-plan (5)', 'verdicts right'],
  ];
  for (const [n, r] of edits) {
    editRows.push([
      label(n),
      String(r.planned),
      ms(median(r.edit)),
      ms(p95(r.edit)),
      ms(Math.max(...r.edit)),
      ms(median(r.refresh)),
      ms(median(r.plan)),
      ms(median(r.revert)),
      ms(median(noChange.get(n)!)),
      `${r.ok}/${r.planned}`,
    ]);
  }
  out(table(editRows));
  out(
    `  verdicts right = COPY . rebuilds naming the edited file, the install RUN and COPY package.json stay cached, and (first ${CHECKED_REVERTS} edits) after the revert every step is cached again`,
  );
  for (const p of profs) out(p);
  out();

  // 4. 300-instruction Dockerfile
  note('300-instruction Dockerfile');
  const big = bigPhase(manifests.get(1000)!);
  out(
    '4. 300-instruction Dockerfile (6 stages: ENV, RUN, heredoc RUN, RUN --mount=type=cache, WORKDIR, COPY, COPY --from, COPY --chmod, ADD, ARG, LABEL, USER, EXPOSE) over the 1k context',
  );
  out(
    table([
      ['instructions', 'stages', 'openProject', 'first plan (empty store)', 'plan median (recorded)', 'plan p95', 'runs'],
      [String(big.instructions), String(big.stages), ms(big.open), ms(big.firstPlan), ms(median(big.plans)), ms(p95(big.plans)), String(big.plans.length)],
    ]),
  );
  out();

  // 4b. the editor: a 1,000-line Dockerfile through the real language server (bench/editor.ts)
  note('editor: 1,000-line Dockerfile through the language server');
  const editor = await editorPhase(manifests.get(1000)!);
  out(
    `4b. Editor: ${editor.lines}-line Dockerfile (${editor.instructions} instructions) over the 1k context, the real language server over in-memory streams: edit one line, then lenses + hover + pushed diagnostics of that version`,
  );
  out(
    table([
      ['rounds', 'median', 'p95', 'max', 'hover alone', 'engine plan alone (in-process)', 'diagnostics'],
      [
        String(editor.rounds.length),
        ms(median(editor.rounds)),
        ms(p95(editor.rounds)),
        ms(Math.max(...editor.rounds)),
        ms(median(editor.hovers)),
        ms(median(editor.plans)),
        String(editor.diagnostics),
      ],
    ]),
  );
  out();

  // 5. side by side with a real engine
  note('side by side with docker build (10k)');
  const dm = manifests.get(DOCKER_SIZE) ?? ensureContext(DOCKER_SIZE).manifest;
  let dockerEdit = edits.get(DOCKER_SIZE);
  let dockerNoChange = noChange.get(DOCKER_SIZE);
  if (!dockerEdit || !dockerNoChange) {
    const r = await editPhase(dm, false);
    dockerEdit = r.row;
    dockerNoChange = r.noChange;
  }
  const d = await dockerPhase(dm);
  out(`5. Side by side on the ${label(DOCKER_SIZE)} context: what the user would otherwise run vs the prediction`);
  const noop = median(d.noop);
  const sideRows = [['what', 'median', 'p95/max', 'runs', 'no-op docker build / this']];
  if (d.skipped) sideRows.push(['docker buildx build, fully cached (no-op)', '-', '-', '0', d.skipped]);
  else sideRows.push([`docker buildx build, fully cached (no-op)`, ms(noop), ms(Math.max(...d.noop)), String(d.noop.length), '1x']);
  const vs = (x: number) => (d.skipped ? '-' : ratio(noop / x));
  sideRows.push([
    'Layer Lens re-plan, nothing changed (in-process)',
    ms(median(dockerNoChange)),
    ms(Math.max(...dockerNoChange)),
    String(dockerNoChange.length),
    vs(median(dockerNoChange)),
  ]);
  sideRows.push([
    'Layer Lens re-plan after a one-file edit (in-process)',
    ms(median(dockerEdit.edit)),
    ms(p95(dockerEdit.edit)),
    String(dockerEdit.edit.length),
    vs(median(dockerEdit.edit)),
  ]);
  sideRows.push(['layerlens plan, new process, warm digest cache', ms(median(d.cli)), ms(Math.max(...d.cli)), String(d.cli.length), vs(median(d.cli))]);
  sideRows.push(['  (of which node startup: node -e 0)', ms(median(d.nodeStartup)), ms(Math.max(...d.nodeStartup)), String(d.nodeStartup.length), '']);
  out(table(sideRows));
  if (d.engine)
    out(
      `  engine: ${d.engine}; first (filling) build ${ms(d.firstBuild ?? NaN)}${d.retries ? `; ${d.retries} no-op build(s) discarded: not fully cached` : ''}`,
    );
  if (d.cliRecord !== undefined)
    out(`  CLI: bundled from server/src/cli.ts with esbuild.mjs's options; first 'layerlens record' (cold digest cache) ${ms(d.cliRecord)}`);
  if (d.skipped) out(`  docker row: ${d.skipped}`);
  out();

  // 6. the history replay
  const history = await historySection();

  // Summary
  const largest = Math.max(...SIZES);
  const coldRatios = [...cold].map(([n, r]) => [n, median(r.cold) / median(r.baseline)] as const);
  const coldMissed = coldRatios.filter(([, x]) => x > TARGET_COLD_RATIO);
  const e100 = edits.get(100_000);
  const editTarget = e100 ?? edits.get(largest)!;
  const editMet = median(editTarget.edit) < TARGET_REPLAN_MS;
  const ratios = d.skipped ? undefined : { edit: noop / median(dockerEdit.edit), none: noop / median(dockerNoChange), cli: noop / median(d.cli) };
  const verdict = (met: boolean | undefined) => (met === undefined ? 'NOT MEASURED' : met ? 'MET' : 'MISSED');
  const elapsed = (now() - started) / 1000;
  out('==================================================================== SUMMARY');
  out(`cold plan / read+sha256 baseline     ${coldRatios.map(([n, x]) => `${label(n)}: ${ratio(x)}`).join('   ')}`);
  out(
    `   target <= ${TARGET_COLD_RATIO}x at every size         ${verdict(coldMissed.length === 0)}${coldMissed.length ? ` (missed at ${coldMissed.map(([n]) => label(n)).join(', ')})` : ''}`,
  );
  out(`re-plan after a one-file edit        ${[...edits].map(([n, r]) => `${label(n)}: ${ms(median(r.edit))} (p95 ${ms(p95(r.edit))})`).join('   ')}`);
  out(
    `   target < ${TARGET_REPLAN_MS} ms at 100k files        ${e100 ? `${verdict(editMet)} (median ${ratio(median(e100.edit) / TARGET_REPLAN_MS)} the target)` : `NOT MEASURED (100k not in --sizes; largest ${label(largest)}: ${ms(median(editTarget.edit))})`}`,
  );
  out(`300-instruction Dockerfile plan      ${ms(median(big.plans))} median, ${ms(p95(big.plans))} p95 (first plan ${ms(big.firstPlan)})   no target`);
  out(editorSummary(editor));
  if (ratios) {
    out(
      `no-op docker build (10k) / prediction  ${ms(noop)} vs: re-plan after edit ${ratio(ratios.edit)}, no-change re-plan ${ratio(ratios.none)}, CLI new process ${ratio(ratios.cli)}`,
    );
    out(
      `   target >= ${TARGET_DOCKER_RATIO}x                      editor re-plan: ${verdict(ratios.edit >= TARGET_DOCKER_RATIO)}; CLI cold process: ${verdict(ratios.cli >= TARGET_DOCKER_RATIO)}`,
    );
  } else {
    out(`no-op docker build (10k) / prediction  NOT MEASURED: ${d.skipped}`);
  }
  out(
    `history replay (${HISTORY_FILES / 1000}k files) / git alone  ${history.map((r) => `${r.commits} commits: ${ms(median(r.replay))} = ${ratio(median(r.replay) / median(r.baseline))} (target < ${ms(TARGETS_MS[r.commits] ?? NaN)}: ${median(r.replay) < (TARGETS_MS[r.commits] ?? Infinity) ? 'MET' : 'MISSED'})`).join('   ')}`,
  );
  out(`verdict checks                       ${failures.length ? `${failures.length} FAILED` : 'all right (the timed predictions are correct)'}`);
  for (const f of failures) out(`   FAILED: ${f}`);
  out(`runtime ${elapsed.toFixed(0)} s; load average ${load0.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`);

  const json = opt('json');
  if (json) {
    mkdirSync(resolve(json, '..'), { recursive: true });
    writeFileSync(
      json,
      JSON.stringify(
        {
          node: process.version,
          cpus: cpus().length,
          cold: Object.fromEntries([...cold].map(([n, r]) => [label(n), { ...r, ratio: median(r.cold) / median(r.baseline) }])),
          replan: Object.fromEntries([...edits].map(([n, r]) => [label(n), { ...r, median: median(r.edit), p95: p95(r.edit), noChange: noChange.get(n) }])),
          big,
          docker: { ...d, ratios },
          failures,
          seconds: elapsed,
        },
        null,
        1,
      ),
    );
  }
  return failures.length ? 1 : 0;
}

/** Section 6: the history replay against git listing the same commits (bench/history.ts). */
async function historySection(): Promise<HistoryRow[]> {
  const rows = await historyPhase({ 50: 3, 500: 1 }, note);
  for (const r of rows) check(r.ok, `history replay of ${r.commits} commits: ${r.detail}`);
  out(
    `6. History replay (layerlens history, in process, --cache all) of the last 50 and 500 commits of a ${HISTORY_FILES / 1000}k-file repository (one file edited per commit, the lock file every 25th, the Dockerfile every 100th) vs git listing the same commits`,
  );
  out(table(historyTable(rows)));
  out();
  return rows;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
