// What the oracle tiers share: running our CLI (plan --json, record) and comparing its verdicts with what a real
// engine did, step by step. Used by oracle.test.ts (our scenarios) and history.test.ts (real project histories).
//
// Engine CACHED <=> our `cached`; engine ran <=> our `rebuilds`; our `maybe` is accepted but counted; a step the
// engine never reports must be `none` or `skipped` for us. FROM lines are not compared (BuildKit's FROM
// CACHED/DONE is unreliable, cache-rules R5; classic's FROM is never a cache lookup, R1), nor lines the engine
// printed without a cache lookup (classic global ARGs).
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { DfFile, EngineResult } from './engine';

export const ROOT = resolve(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

export type OurStatus = 'cached' | 'rebuilds' | 'maybe' | 'skipped' | 'none';
export interface PlanStep {
  line: number;
  keyword: string;
  stage: string;
  layer: string;
  status: OurStatus;
  reason: string;
}
export interface PlanDiagnostic {
  line: number;
  message: string;
  severity: 'error' | 'warning' | 'info';
}
export interface PlanJson {
  steps: PlanStep[];
  diagnostics: PlanDiagnostic[];
}

/**
 * Where a run's CLI processes keep their file digests: a file of the run's own scratch folder (one scenario, or one
 * repository on one engine), so every `plan` reads the digests the `record` before it saved, as a user's
 * successive runs do. Without it, every process would load and rewrite the user's whole shared digest cache
 * (`~/.cache/layer-lens/digest-cache.json`, megabytes once full), for contexts no other run ever reads again.
 */
export function cliEnv(digestCache: string): NodeJS.ProcessEnv {
  return { ...process.env, LAYERLENS_DIGEST_CACHE: digestCache };
}

export function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => res({ code: 127, stdout, stderr: stderr + String(e) }));
    child.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
  });
}

/** `layerlens plan --json` with these arguments (everything after `plan`, without `--json`). */
export async function planJson(args: string[], env?: NodeJS.ProcessEnv): Promise<PlanJson> {
  const r = await runCli(['plan', ...args, '--json'], env);
  if (r.code !== 0) throw new Error(`layerlens plan exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  let parsed: { steps?: PlanStep[]; diagnostics?: PlanDiagnostic[] };
  try {
    parsed = JSON.parse(r.stdout) as { steps?: PlanStep[]; diagnostics?: PlanDiagnostic[] };
  } catch {
    throw new Error(`layerlens plan --json printed something that is not JSON: ${r.stdout.slice(0, 300)}`);
  }
  if (!Array.isArray(parsed.steps)) throw new Error('layerlens plan --json: no "steps" array');
  return { steps: parsed.steps, diagnostics: parsed.diagnostics ?? [] };
}

/** `layerlens record` with these arguments (everything after `record`). */
export async function recordBuild(args: string[], env?: NodeJS.ProcessEnv): Promise<void> {
  const r = await runCli(['record', ...args], env);
  if (r.code !== 0) throw new Error(`layerlens record exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
}

export type Verdict = 'right' | 'wrong' | 'maybe';

export interface StepComparison {
  line: number;
  keyword: string;
  /** The instruction, whitespace collapsed, at most 60 characters. */
  instruction: string;
  /** `cached`, `ran` or `not a step`. */
  engineSays: string;
  /** Our status, or `(no entry)`. */
  weSay: string;
  reason: string;
  verdict: Verdict;
}

/**
 * Compares one build's engine report with our plan for it, one row per compared instruction. `failed`: the build
 * failed (as the scenario expected), so every step must be `skipped` or `none` for us.
 */
export function compareSteps(dfile: DfFile, result: EngineResult, steps: PlanStep[], opts: { failed?: boolean } = {}): StepComparison[] {
  const ours = new Map<number, PlanStep>();
  for (const s of steps) ours.set(s.line, s);
  const engineByLine = new Map(result.steps.map((s) => [s.line, s]));
  const unprobed = new Set(result.unprobed);
  const rows: StepComparison[] = [];
  for (const ins of dfile.instructions) {
    if (ins.keyword === 'FROM' || unprobed.has(ins.line)) continue;
    const eng = engineByLine.get(ins.line);
    const our = ours.get(ins.line);
    let ok: boolean;
    // A build that fails gets no verdicts from us: every step skipped (or no step at all).
    if (opts.failed) ok = our?.status === 'skipped' || our?.status === 'none';
    else if (eng) ok = our?.status === (eng.cached ? 'cached' : 'rebuilds') || our?.status === 'maybe';
    else ok = our?.status === 'none' || our?.status === 'skipped';
    rows.push({
      line: ins.line,
      keyword: ins.keyword,
      instruction: `${ins.keyword} ${ins.args}`.replace(/\s+/g, ' ').slice(0, 60),
      engineSays: opts.failed ? 'build failed' : eng ? (eng.cached ? 'cached' : 'ran') : 'not a step',
      weSay: our?.status ?? '(no entry)',
      reason: our?.reason ?? '',
      verdict: !ok ? 'wrong' : our?.status === 'maybe' ? 'maybe' : 'right',
    });
  }
  return rows;
}

/** A fixed-width text table; the last column may be longer than the others. */
export function textTable(head: string[], data: string[][], lastWidth = 80): string {
  const widths = head.map((h, i) => Math.min(i === head.length - 1 ? lastWidth : 60, Math.max(h.length, ...data.map((d) => d[i].length))));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.slice(0, widths[i]).padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...data.map(fmt)].join('\n');
}
