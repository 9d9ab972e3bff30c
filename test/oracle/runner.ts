// Runs oracle scenarios (scenarios.ts) on a real engine: writes the context, applies each round's changes,
// builds, and checks the engine's report against the scenario's expectation. Hooks let the oracle test run our
// CLI between builds (plan before, record after).
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BuildError, buildWithEngine, readDockerfile, resetEngineCache, withEngineLock, type DfFile, type Engine, type EngineResult } from './engine';
import type { FileSpec, Op, Round, Scenario } from './scenarios';
import { hasEscapes, nameBytes } from '../../server/src/core/context/names';

// ---------------------------------------------------------------------------------------------------------------
// Files

/** A deterministic ustar archive (regular files only; dirs implied by paths). */
export function makeTar(entries: Record<string, string>, mtime: number): Buffer {
  const blocks: Buffer[] = [];
  const dirs = new Set<string>();
  for (const p of Object.keys(entries)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  }
  const header = (name: string, size: number, type: '0' | '5', mode: number): Buffer => {
    const h = Buffer.alloc(512, 0);
    const put = (s: string, off: number, len: number) => h.write(s.slice(0, len), off, 'utf8');
    const oct = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
    put(name, 0, 100);
    put(oct(mode, 8), 100, 8);
    put(oct(0, 8), 108, 8);
    put(oct(0, 8), 116, 8);
    put(oct(size, 12), 124, 12);
    put(oct(mtime, 12), 136, 12);
    put('        ', 148, 8);
    put(type, 156, 1);
    put('ustar\0', 257, 6);
    put('00', 263, 2);
    put('root', 265, 32);
    put('root', 297, 32);
    let sum = 0;
    for (const b of h) sum += b;
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
    return h;
  };
  for (const d of [...dirs].sort()) blocks.push(header(d, 0, '5', 0o755));
  for (const p of Object.keys(entries).sort()) {
    const body = Buffer.from(entries[p], 'utf8');
    blocks.push(header(p, body.length, '0', 0o644));
    blocks.push(body);
    const pad = (512 - (body.length % 512)) % 512;
    if (pad) blocks.push(Buffer.alloc(pad, 0));
  }
  blocks.push(Buffer.alloc(1024, 0));
  return Buffer.concat(blocks);
}

/** A context path for the fs: a Buffer when a name holds bytes that are not UTF-8 (core/context/names.ts escapes). */
function fsPath(root: string, rel: string): string | Buffer {
  return hasEscapes(rel) ? Buffer.concat([Buffer.from(root + '/'), nameBytes(rel)]) : join(root, rel);
}

function ensureParent(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}

function removePath(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

export function writeFiles(root: string, files: Record<string, FileSpec>): void {
  for (const [rel, spec] of Object.entries(files)) {
    const p = fsPath(root, rel);
    ensureParent(join(root, rel));
    if (typeof spec === 'string') {
      writeFileSync(p, spec);
      chmodSync(p, 0o644);
    } else if ('content' in spec) {
      writeFileSync(p, spec.content);
      chmodSync(p, spec.mode ?? 0o644);
      if (spec.mtime !== undefined) utimesSync(p, spec.mtime, spec.mtime);
    } else if ('symlink' in spec) {
      removePath(join(root, rel));
      symlinkSync(spec.symlink, p);
    } else if ('dir' in spec) {
      mkdirSync(p, { recursive: true });
      chmodSync(p, spec.mode ?? 0o755);
    } else {
      writeFileSync(p, makeTar(spec.tar, spec.mtime));
      chmodSync(p, 0o644);
    }
  }
}

export function applyOps(root: string, ops: Op[]): void {
  for (const op of ops) {
    const p = join(root, op.path);
    switch (op.op) {
      case 'write': {
        const target = fsPath(root, op.path);
        ensureParent(p);
        writeFileSync(target, op.content);
        chmodSync(target, op.mode ?? 0o644);
        if (op.mtime !== undefined) utimesSync(target, op.mtime, op.mtime);
        break;
      }
      case 'edit': {
        const text = readFileSync(p, 'utf8');
        if (!text.includes(op.from)) throw new Error(`scenario edit: "${op.from}" not found in ${op.path}`);
        writeFileSync(p, text.replace(op.from, op.to));
        break;
      }
      case 'rm':
        if (!existsSync(fsPath(root, op.path)) && !isSymlink(p)) throw new Error(`scenario rm: ${op.path} does not exist`);
        rmSync(fsPath(root, op.path), { recursive: true, force: true });
        break;
      case 'chmod':
        chmodSync(p, op.mode);
        break;
      case 'chown':
        chownSync(p, op.uid, op.gid);
        break;
      case 'touch': {
        // mtime only: move it well past the previous value so no engine can miss it
        const st = lstatSync(fsPath(root, op.path));
        const t = new Date(Math.max(Date.now(), st.mtimeMs) + 5000);
        utimesSync(fsPath(root, op.path), t, t);
        break;
      }
      case 'symlink':
        ensureParent(p);
        removePath(p);
        symlinkSync(op.target, p);
        break;
      case 'mkdir':
        mkdirSync(p, { recursive: true });
        break;
      case 'tar':
        ensureParent(p);
        writeFileSync(p, makeTar(op.entries, op.mtime));
        break;
    }
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Expectations

export interface ExpectMismatch {
  line: number;
  instruction: string;
  expected: string;
  engineSays: string;
}

/** One expectation character per instruction (spaces ignored). */
export function expectationByLine(expect: string, dfile: DfFile): Map<number, string> {
  const chars = expect.replace(/\s+/g, '');
  if (chars.length !== dfile.instructions.length) {
    throw new Error(`expectation "${expect}" has ${chars.length} characters but the Dockerfile has ${dfile.instructions.length} instructions`);
  }
  const m = new Map<number, string>();
  dfile.instructions.forEach((ins, i) => {
    if (!'=R.-?'.includes(chars[i])) throw new Error(`bad expectation character "${chars[i]}" in "${expect}"`);
    m.set(ins.line, chars[i]);
  });
  return m;
}

export function checkExpectation(expect: string, dfile: DfFile, result: EngineResult): ExpectMismatch[] {
  const want = expectationByLine(expect, dfile);
  const got = new Map<number, string>();
  for (const s of result.steps) got.set(s.line, s.cached ? '=' : 'R');
  for (const l of result.unprobed) got.set(l, '-');
  const out: ExpectMismatch[] = [];
  for (const ins of dfile.instructions) {
    const w = want.get(ins.line)!;
    if (w === '-' || ins.keyword === 'FROM') continue;
    const g = got.get(ins.line) ?? '.';
    if (w === '?' ? g === '.' : g !== w) {
      out.push({ line: ins.line, instruction: `${ins.keyword} ${ins.args}`.slice(0, 70), expected: w, engineSays: g });
    }
  }
  return out;
}

/** Compact `=R.` string of what the engine reported, one char per instruction. */
export function engineString(dfile: DfFile, result: EngineResult): string {
  const got = new Map<number, string>();
  for (const s of result.steps) got.set(s.line, s.cached ? '=' : 'R');
  for (const l of result.unprobed) got.set(l, '-');
  let out = '';
  for (const ins of dfile.instructions) {
    if (ins.keyword === 'FROM' && out) out += ' ';
    out += ins.keyword === 'FROM' ? '-' : (got.get(ins.line) ?? '.');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Running a scenario

/** What a round builds with besides its files: build args, target, Dockerfile and platform. */
export interface RoundSettings {
  buildArgs: Record<string, string>;
  target?: string;
  dockerfile: string;
  platform?: string;
}

/** The first build's settings. */
export function initialSettings(scenario: Scenario): RoundSettings {
  return {
    buildArgs: { ...(scenario.buildArgs ?? {}) },
    target: scenario.target,
    dockerfile: scenario.dockerfile ?? 'Dockerfile',
    platform: scenario.platform,
  };
}

/** A round's settings: what it sets replaces what the rounds before set (a platform of '' goes back to none). */
export function nextSettings(prev: RoundSettings, round: Round): RoundSettings {
  return {
    buildArgs: round.buildArgs ? { ...round.buildArgs } : prev.buildArgs,
    target: round.target !== undefined ? round.target : prev.target,
    dockerfile: round.dockerfile ?? prev.dockerfile,
    platform: round.platform !== undefined ? round.platform || undefined : prev.platform,
  };
}

/** The `layerlens plan|record` arguments (after the command) for a round's context, settings, store and builder. */
export function roundCliArgs(contextDir: string, settings: RoundSettings, store: string, builder: Engine): string[] {
  const a = [join(contextDir, settings.dockerfile), '--context', contextDir, '--store', store, '--builder', builder];
  for (const [k, v] of Object.entries(settings.buildArgs)) a.push('--build-arg', `${k}=${v}`);
  if (settings.target) a.push('--target', settings.target);
  if (settings.platform) a.push('--platform', settings.platform);
  return a;
}

export interface RoundContext {
  scenario: Scenario;
  engine: Engine;
  /** 0 = the initial build. */
  round: number;
  does: string;
  contextDir: string;
  dockerfile: string;
  dockerfileText: string;
  dfile: DfFile;
  buildArgs: Record<string, string>;
  target?: string;
  platform?: string;
  /** Scratch dir that lives as long as the scenario (for store files etc.). */
  workDir: string;
}

export interface RoundReport extends RoundContext {
  result: EngineResult;
  engineString: string;
  expected?: string;
  mismatches: ExpectMismatch[];
  /** The build failed as the round expected (Round.fails): `result` has no steps. */
  failed?: boolean;
}

export interface ScenarioHooks {
  /** After the round's changes, before the engine builds (every round; round 0 right after the cache reset). */
  beforeBuild?: (ctx: RoundContext) => Promise<void> | void;
  /** After the engine built (every round, including 0). */
  afterBuild?: (report: RoundReport) => Promise<void> | void;
}

export interface ScenarioOptions {
  /** Parent dir for temp dirs. Default os.tmpdir(). */
  tmpRoot?: string;
  /** Keep the temp dirs (default: removed). */
  keep?: boolean;
}

/**
 * Runs one scenario with exclusive use of the engine (other oracle runs wait: a cache reset would spoil theirs).
 */
export function runScenario(scenario: Scenario, engine: Engine, hooks: ScenarioHooks = {}, opts: ScenarioOptions = {}): Promise<RoundReport[]> {
  return withEngineLock(engine, () => runScenarioUnlocked(scenario, engine, hooks, opts));
}

async function runScenarioUnlocked(scenario: Scenario, engine: Engine, hooks: ScenarioHooks, opts: ScenarioOptions): Promise<RoundReport[]> {
  const workDir = mkdtempSync(join(opts.tmpRoot ?? tmpdir(), `ll-oracle-${engine}-`));
  // Unique basename: BuildKit shares incremental context state between contexts with the same basename (R9).
  const contextDir = join(workDir, `${scenario.name}-${engine}-${randomBytes(4).toString('hex')}`);
  mkdirSync(contextDir);
  const reports: RoundReport[] = [];
  try {
    writeFiles(contextDir, scenario.files);
    await resetEngineCache(engine);
    let settings = initialSettings(scenario);
    const rounds = [{ does: 'initial build', expect: scenario.initial ?? {} }, ...scenario.rounds];
    for (let r = 0; r < rounds.length; r++) {
      const round = rounds[r];
      if (r > 0) {
        const rr = scenario.rounds[r - 1];
        applyOps(contextDir, rr.ops ?? []);
        settings = nextSettings(settings, rr);
      }
      const { buildArgs, target, dockerfile, platform } = settings;
      const dockerfileText = readFileSync(join(contextDir, dockerfile), 'utf8');
      const ctx: RoundContext = {
        scenario,
        engine,
        round: r,
        does: round.does,
        contextDir,
        dockerfile,
        dockerfileText,
        dfile: readDockerfile(dockerfileText),
        buildArgs,
        target,
        ...(platform ? { platform } : {}),
        workDir,
      };
      await hooks.beforeBuild?.(ctx);
      const failsWith = r > 0 ? scenario.rounds[r - 1].fails?.[engine] : undefined;
      let result: EngineResult;
      let failed = false;
      try {
        result = await buildWithEngine(engine, { contextDir, dockerfile, buildArgs, target, ...(platform ? { platform } : {}) });
      } catch (err) {
        if (failsWith === undefined || !(err instanceof BuildError)) throw err;
        result = { steps: [], unprobed: [], output: err.output, ms: 0 };
        failed = true;
      }
      const expected = failsWith === undefined ? round.expect[engine] : `build fails with "${failsWith}"`;
      let mismatches: ExpectMismatch[] = [];
      if (failsWith === undefined) {
        if (expected) mismatches = checkExpectation(expected, ctx.dfile, result);
      } else if (!failed || !result.output.includes(failsWith)) {
        const engineSays = failed ? `failed otherwise: ${result.output.trim().split('\n').slice(-2).join(' ')}` : 'built';
        mismatches = [{ line: 0, instruction: '(the build)', expected: expected as string, engineSays }];
      }
      const report: RoundReport = {
        ...ctx,
        result,
        engineString: failed ? 'build failed' : engineString(ctx.dfile, result),
        expected,
        mismatches,
        ...(failed ? { failed } : {}),
      };
      reports.push(report);
      await hooks.afterBuild?.(report);
    }
  } finally {
    if (!opts.keep) rmSync(workDir, { recursive: true, force: true });
  }
  return reports;
}
