// Runs real Docker builds on the private engines started by scripts/engines/start.sh and maps every step the
// engine reports back to the 1-based Dockerfile line of its instruction.
//
//   classic : Debian's Engine 20.10, `DOCKER_BUILDKIT=0 docker build` on unix:///tmp/ll-classic.sock.
//             Prints `Step N/M : INSTRUCTION`; N counts every instruction in file order (global ARGs included) up to
//             the end of the target stage; a cache hit prints ` ---> Using cache` before the next step.
//   buildkit: Engine 26.1 + buildx 0.13, `docker buildx build --progress=plain --load` on unix:///tmp/ll-buildkit.sock.
//             Prints `#V [stage k/n] INSTRUCTION` then `#V CACHED` or `#V DONE`. `stage` is the stage name, or
//             `stage-<index>` for an unnamed stage, and is left out for some single-stage files; k is the ordinal of
//             the op among the stage's op-instructions (FROM <image>, RUN, COPY, ADD, WORKDIR other than `/`); n also
//             counts `WORKDIR /` (which creates no op) but not `FROM scratch` / `FROM <stage>`.
//
// The mapping is checked against our own reading of the Dockerfile (stage count, op totals, instruction keyword)
// and throws when they disagree, so a wrong mapping can never silently produce a wrong verdict.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildkitOps, readInstructions, type DfFile, type DfInstruction, type DfStage } from '../../server/src/build/dockerfileReader';
import { buildkitSteps, classicSteps, ForeignBuildError, plainVertices, type ActualStep } from '../../server/src/build/progress';

export type Engine = 'classic' | 'buildkit';
export const ENGINES: readonly Engine[] = ['classic', 'buildkit'];

/** The engines an oracle run uses: LAYERLENS_ORACLE_ENGINES ("classic buildkit" by default). */
export function wantedEngines(value = process.env.LAYERLENS_ORACLE_ENGINES): Engine[] {
  return (value ?? ENGINES.join(' '))
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((e) => {
      if (!(ENGINES as readonly string[]).includes(e)) throw new Error(`LAYERLENS_ORACLE_ENGINES: unknown engine "${e}"`);
      return e as Engine;
    });
}

export interface BuildOptions {
  contextDir: string;
  /** Dockerfile path, relative to contextDir or absolute. Default `Dockerfile`. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  /** docker build --platform. */
  platform?: string;
  /** Image tag to give the result. Default `ll-oracle:latest`. */
  tag?: string;
  /** Milliseconds before the build is killed. Default 180 s. */
  timeoutMs?: number;
}

export interface EngineStep {
  /** 1-based line of the instruction (its first line). */
  line: number;
  /** true: the engine reused its cache for this step; false: it ran the step. */
  cached: boolean;
  /** Upper-case instruction keyword, e.g. RUN. */
  keyword: string;
  /** 0-based stage index (-1 for global ARGs). */
  stage: number;
  /** What the engine printed for the step. */
  text: string;
}

export interface EngineResult {
  /** Steps that were looked up in the engine's cache, in the order the engine reported them. */
  steps: EngineStep[];
  /**
   * Lines the engine printed as steps without any cache lookup (classic only: `FROM`, which prints the base
   * image ID, and global ARGs before the first FROM). Their verdict means nothing.
   */
  unprobed: number[];
  /** Full build output (stdout + stderr). */
  output: string;
  /** Build wall time in ms. */
  ms: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Where the engines live (keep in sync with scripts/engines/common.sh)

export function toolsDir(): string {
  return join(process.env.LAYERLENS_TOOLS || join(homedir(), '.cache', 'layer-lens'), 'engines');
}
export function engineSocket(engine: Engine): string {
  return `/tmp/ll-${engine}.sock`;
}
export function engineDockerCli(engine: Engine): string {
  return engine === 'classic' ? '/usr/bin/docker' : join(toolsDir(), 'trixie', 'usr', 'bin', 'docker');
}

function engineEnv(engine: Engine, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Proxy variables must not leak into builds (buildx turns configured proxies into build args).
  for (const k of Object.keys(env)) if (/^(http|https|ftp|no|all)_proxy$/i.test(k)) delete env[k];
  delete env.DOCKER_CONTEXT;
  delete env.BUILDKIT_PROGRESS;
  delete env.BUILDX_BUILDER;
  env.DOCKER_HOST = `unix://${engineSocket(engine)}`;
  env.DOCKER_CONFIG = join(toolsDir(), 'docker-config');
  env.DOCKER_CLI_HINTS = 'false';
  if (engine === 'buildkit') {
    env.PATH = `${join(toolsDir(), 'trixie', 'usr', 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  }
  return { ...env, ...extra };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  output: string;
  ms: number;
}

/** Runs the engine's docker CLI. Never throws for a non-zero exit; check `code`. */
export function docker(engine: Engine, args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(engineDockerCli(engine), args, { cwd: opts.cwd, env: engineEnv(engine, opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      const s = d.toString();
      stdout += s;
      output += s;
    });
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      stderr += s;
      output += s;
    });
    const timer = setTimeout(() => {
      output += `\n[killed after ${opts.timeoutMs} ms]\n`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 180_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ code: 127, stdout, stderr: stderr + String(err), output: output + String(err), ms: Date.now() - started });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? 1, stdout, stderr, output, ms: Date.now() - started });
    });
  });
}

/** Why the engine cannot be used, or undefined when it is ready (daemon answers, base images present). */
export async function engineProblem(engine: Engine): Promise<string | undefined> {
  if (!existsSync(engineDockerCli(engine))) return `${engineDockerCli(engine)} is missing`;
  if (!existsSync(engineSocket(engine))) return `no daemon socket at ${engineSocket(engine)}`;
  const info = await docker(engine, ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
  if (info.code !== 0) return `daemon at ${engineSocket(engine)} does not answer: ${info.stderr.trim().split('\n')[0]}`;
  const imgs = await docker(engine, ['image', 'inspect', '--format', '{{.Id}}', 'localbase:1', 'localbase:2'], { timeoutMs: 15_000 });
  if (imgs.code !== 0) return 'base images localbase:1/localbase:2 are missing';
  if (engine === 'buildkit') {
    const bx = await docker(engine, ['buildx', 'version'], { timeoutMs: 15_000 });
    if (bx.code !== 0) return 'docker buildx plugin not found';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The Dockerfile reader and the output parsers are shared with real builds (server/src/build/dockerfileReader.ts,
// progress.ts): one step-to-line mapping for both. These wrappers keep the oracle's shapes, and throw for a step
// that did not end cached or done.

export { buildkitOps, ForeignBuildError, type DfFile, type DfInstruction, type DfStage };
export const readDockerfile = readInstructions;

function engineStep(s: ActualStep): EngineStep {
  return { line: s.line, cached: s.outcome === 'cached', keyword: s.keyword, stage: s.stage, text: s.text };
}

/** `target`: the stage built (default the last); a vertex shared by identical steps counts for every built stage's copy. */
export function parseBuildkitOutput(output: string, df: DfFile, target?: string): EngineStep[] {
  return buildkitSteps(plainVertices(output), df, { target }).map((s) => {
    if (s.outcome !== 'cached' && s.outcome !== 'ran') throw new Error(`buildkit: step at line ${s.line} ended ${s.outcome}: ${s.text}`);
    return engineStep(s);
  });
}

export function parseClassicOutput(output: string, df: DfFile): { steps: EngineStep[]; unprobed: number[] } {
  const { steps, unprobed } = classicSteps(
    output.split('\n').map((text) => ({ t: 0, text })),
    df,
  );
  return { steps: steps.map(engineStep), unprobed };
}

// ---------------------------------------------------------------------------------------------------------------
// Builds

export class BuildError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

export async function buildWithEngine(engine: Engine, opts: BuildOptions): Promise<EngineResult> {
  const contextDir = resolve(opts.contextDir);
  const dockerfile = resolve(contextDir, opts.dockerfile ?? 'Dockerfile');
  const df = readDockerfile(readFileSync(dockerfile, 'utf8'));
  const args: string[] = [];
  for (const [k, v] of Object.entries(opts.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  if (opts.target) args.push('--target', opts.target);
  if (opts.platform) args.push('--platform', opts.platform);
  const tag = opts.tag ?? 'll-oracle:latest';
  let res: RunResult;
  if (engine === 'classic') {
    res = await docker(engine, ['build', '--force-rm', '-t', tag, '-f', dockerfile, ...args, contextDir], {
      env: { DOCKER_BUILDKIT: '0' },
      timeoutMs: opts.timeoutMs,
    });
    if (res.code !== 0)
      throw new BuildError(`${engine} build failed (exit ${res.code}) for ${dockerfile}:\n${res.output.split('\n').slice(-25).join('\n')}`, res.output);
    const { steps, unprobed } = parseClassicOutput(res.output, df);
    if (steps.length + unprobed.length === 0) throw new BuildError('classic: no `Step N/M` lines in the output', res.output);
    return { steps, unprobed, output: res.output, ms: res.ms };
  }
  for (let attempt = 1; ; attempt++) {
    res = await docker(engine, ['buildx', 'build', '--progress=plain', '--load', '-t', tag, '-f', dockerfile, ...args, contextDir], {
      timeoutMs: opts.timeoutMs,
    });
    try {
      if (res.code !== 0) {
        // a foreign Dockerfile can also make the build fail (e.g. a COPY source that is not in our context)
        try {
          parseBuildkitOutput(res.output, df, opts.target);
        } catch (e) {
          if (e instanceof ForeignBuildError) throw e;
        }
        throw new BuildError(`${engine} build failed (exit ${res.code}) for ${dockerfile}:\n${res.output.split('\n').slice(-25).join('\n')}`, res.output);
      }
      const steps = parseBuildkitOutput(res.output, df, opts.target);
      return { steps, unprobed: [], output: res.output, ms: res.ms };
    } catch (err) {
      if (!(err instanceof ForeignBuildError) || attempt >= 4) throw err;
      process.stderr.write(`oracle: ${engine} built another client's Dockerfile (concurrent build on the same daemon?); building again: ${err.message}\n`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Exclusive use of an engine across processes (two oracle runs on one daemon would prune each other's cache).
// Protocol, usable from any language: mkdir /tmp/ll-<engine>.lock (atomic), write your pid into `owner` inside,
// remove the dir when done. A lock whose owner pid is gone is stale and is taken over.

export function engineLockDir(engine: Engine): string {
  return `/tmp/ll-${engine}.lock`;
}

export async function withEngineLock<T>(engine: Engine, fn: () => Promise<T>, timeoutMs = 20 * 60_000): Promise<T> {
  const dir = engineLockDir(engine);
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'owner'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(dir, 'owner'), 'utf8'));
      } catch {
        /* being written or removed */
      }
      const alive =
        Number.isInteger(owner) &&
        owner > 0 &&
        (() => {
          try {
            process.kill(owner, 0);
            return true;
          } catch (e) {
            return (e as NodeJS.ErrnoException).code === 'EPERM';
          }
        })();
      if (!alive && Number.isInteger(owner) && owner > 0) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`${engine}: ${dir} held by pid ${owner} for over ${timeoutMs / 1000} s`);
      if (!told) {
        process.stderr.write(`oracle: waiting for ${dir} (pid ${owner} is using the ${engine} engine)\n`);
        told = true;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Empties the engine's build cache so scenarios are independent.
 * BuildKit: `docker builder prune -af` and removal of images we built. Classic: its cache IS the local images, so
 * every image except localbase:1/2 is removed.
 */
export async function resetEngineCache(engine: Engine): Promise<void> {
  const keep = new Set<string>();
  const base = await docker(engine, ['image', 'inspect', '--format', '{{.Id}}', 'localbase:1', 'localbase:2']);
  for (const id of base.stdout
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean))
    keep.add(id);
  if (keep.size < 2) throw new Error(`${engine}: base images localbase:1/2 missing; run scripts/engines/start.sh`);
  if (engine === 'buildkit') {
    const pr = await docker(engine, ['builder', 'prune', '-af']);
    if (pr.code !== 0) throw new Error(`buildkit: builder prune failed: ${pr.output}`);
  } else {
    await docker(engine, ['container', 'prune', '-f']);
  }
  // Remove all other images; repeat because children must go before parents.
  for (let pass = 0; pass < 5; pass++) {
    const ls = await docker(engine, ['images', '-a', '--no-trunc', '--format', '{{.ID}}']);
    const ids = [
      ...new Set(
        ls.stdout
          .split('\n')
          .map((s) => s.trim())
          .filter((s) => s && !keep.has(s)),
      ),
    ];
    if (ids.length === 0) return;
    await docker(engine, ['rmi', '-f', ...ids]);
  }
  const left = await docker(engine, ['images', '-a', '--no-trunc', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}']);
  throw new Error(`${engine}: could not remove built images:\n${left.stdout}`);
}
