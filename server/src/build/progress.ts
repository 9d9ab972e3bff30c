// Parsers for what a Docker engine prints while it builds, mapped back to Dockerfile lines. Pure: text in, data out,
// so the unit tests replay output captured from real engines (test/build/fixtures).
//
//   BuildKit (buildx, `--progress=plain`): `#V [stage k/n] INSTRUCTION`, then `#V CACHED`, `#V DONE 1.2s`,
//             `#V ERROR: ...` or `#V CANCELED`. `stage` is the stage name, or `stage-<index>` for an unnamed stage,
//             and is left out for single-stage files; k is the ordinal of the op among the stage's op-instructions
//             (FROM <image>, RUN, COPY, ADD, WORKDIR other than `/`); n also counts `WORKDIR /`.
//   BuildKit (`--progress=rawjson`, buildx 0.12+): concatenated JSON SolveStatus objects (pretty-printed, not one
//             per line): `vertexes` with digest, name, started, completed, cached, error; `logs` with base64 data.
//   classic (`DOCKER_BUILDKIT=0 docker build`): `Step N/M : INSTRUCTION`, N counting every instruction in file order
//             (global ARGs included); a cache hit prints ` ---> Using cache`. No timings: they come from when each
//             `Step` line arrived.
// The mapping is checked against our own reading of the Dockerfile (stage count, op totals, keyword and text) and
// throws when they disagree, so a wrong mapping can never silently produce a wrong comparison.
import { buildkitOps, buildkitTwins, parentStage, type DfFile, type DfInstruction } from './dockerfileReader';

/** A line of engine output with the time it arrived (ms since the build started). */
export interface TimedLine {
  t: number;
  text: string;
}

export type StepOutcome = 'cached' | 'ran' | 'error' | 'canceled' | 'incomplete';

/** One build step as the engine reported it. */
export interface ActualStep {
  /** 1-based first line of the instruction. */
  line: number;
  keyword: string;
  /** 0-based stage index (-1 for global ARGs). */
  stage: number;
  outcome: StepOutcome;
  /** How long the engine spent on the step, when it says (BuildKit) or the arrival times show (classic). */
  durationMs?: number;
  /** What the engine printed for the step. */
  text: string;
}

/** A BuildKit vertex, from either progress format. */
export interface Vertex {
  name: string;
  outcome: StepOutcome;
  durationMs?: number;
  error?: string;
}

/** A BuildKit build that did not build our Dockerfile (seen with concurrent builds on one daemon, see oracle README). */
export class ForeignBuildError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// BuildKit, plain progress

export function plainVertices(output: string): Vertex[] {
  const byId = new Map<string, Vertex>();
  for (const line of output.split('\n')) {
    let m = /^#(\d+) (\[.*)$/.exec(line);
    if (m) {
      if (!byId.has(m[1])) byId.set(m[1], { name: m[2], outcome: 'incomplete' });
      continue;
    }
    m = /^#(\d+) (CACHED|DONE|ERROR|CANCELED)\b:? ?(.*)$/.exec(line);
    const v = m ? byId.get(m[1]) : undefined;
    if (!m || !v) continue;
    if (m[2] === 'CACHED') v.outcome = 'cached';
    else if (m[2] === 'CANCELED') v.outcome = 'canceled';
    else if (m[2] === 'ERROR') {
      v.outcome = 'error';
      v.error = m[3].trim();
    } else {
      v.outcome = 'ran';
      const s = /^(\d+(?:\.\d+)?)s/.exec(m[3]);
      if (s) v.durationMs = Math.round(Number(s[1]) * 1000);
    }
  }
  return [...byId.values()];
}

// ---------------------------------------------------------------------------------------------------------------
// BuildKit, rawjson progress

interface RawVertex {
  digest?: string;
  name?: string;
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}
interface RawLog {
  vertex?: string;
  data?: string;
}
interface RawStatus {
  vertexes?: RawVertex[];
  logs?: RawLog[];
}

/**
 * Splits concatenated JSON objects (buildx prints them pretty-printed, back to back, on stderr) as they arrive.
 * Text outside objects (an `ERROR: ...` line from buildx itself) is handed to `onText`.
 */
export class JsonObjectStream {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private scanned = 0;

  constructor(
    private readonly onObject: (value: unknown) => void,
    private readonly onText: (line: string) => void = () => undefined,
  ) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (this.depth === 0) {
        if (c === '{') {
          const before = this.buffer.slice(0, i).trim();
          if (before) for (const l of before.split('\n')) this.onText(l);
          this.buffer = this.buffer.slice(i);
          i = 0;
          this.start = 0;
          this.depth = 1;
        } else if (c === '\n') {
          const text = this.buffer.slice(0, i).trim();
          if (text) this.onText(text);
          this.buffer = this.buffer.slice(i + 1);
          i = -1;
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
      } else if (c === '"') this.inString = true;
      else if (c === '{') this.depth++;
      else if (c === '}' && --this.depth === 0) {
        const text = this.buffer.slice(this.start, i + 1);
        this.buffer = this.buffer.slice(i + 1);
        i = -1;
        try {
          this.onObject(JSON.parse(text));
        } catch {
          this.onText(text);
        }
      }
    }
    this.scanned = this.buffer.length;
  }

  end(): void {
    const rest = this.buffer.trim();
    if (rest) for (const l of rest.split('\n')) this.onText(l);
    this.buffer = '';
    this.scanned = 0;
  }
}

/** Folds rawjson status objects into vertices, and renders them as readable lines for a log. */
export class RawJsonProgress {
  private readonly vertices = new Map<string, RawVertex>();
  private readonly shown = new Set<string>();

  /** Takes one SolveStatus object; returns the lines a person would want to see for it. */
  add(status: unknown): string[] {
    const out: string[] = [];
    const s = status as RawStatus;
    for (const v of Array.isArray(s.vertexes) ? s.vertexes : []) {
      if (typeof v.digest !== 'string') continue;
      const prev = this.vertices.get(v.digest) ?? {};
      const next: RawVertex = { ...prev, ...v };
      this.vertices.set(v.digest, next);
      const name = next.name ?? v.digest;
      if (!this.shown.has(v.digest)) {
        this.shown.add(v.digest);
        out.push(name);
      }
      if (v.error) out.push(`${name}: ERROR: ${v.error}`);
      else if (v.cached && !prev.cached) out.push(`${name}: CACHED`);
      else if (v.completed && !v.cached) {
        const ms = durationOf(next);
        out.push(`${name}: DONE${ms !== undefined ? ` ${(ms / 1000).toFixed(1)}s` : ''}`);
      }
    }
    for (const log of Array.isArray(s.logs) ? s.logs : []) {
      if (typeof log.data !== 'string') continue;
      const text = Buffer.from(log.data, 'base64').toString('utf8').replace(/\n$/, '');
      for (const l of text.split('\n')) out.push(`  ${l}`);
    }
    return out;
  }

  result(): Vertex[] {
    return [...this.vertices.values()]
      .filter((v) => typeof v.name === 'string')
      .map((v): Vertex => {
        const outcome: StepOutcome = v.error
          ? /context canceled/.test(v.error)
            ? 'canceled'
            : 'error'
          : v.cached
            ? 'cached'
            : v.completed
              ? 'ran'
              : 'incomplete';
        const durationMs = outcome === 'ran' || outcome === 'error' ? durationOf(v) : undefined;
        return { name: v.name as string, outcome, ...(durationMs !== undefined ? { durationMs } : {}), ...(v.error ? { error: v.error } : {}) };
      });
  }
}

function durationOf(v: RawVertex): number | undefined {
  if (!v.started || !v.completed) return undefined;
  const ms = Date.parse(v.completed) - Date.parse(v.started);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** All vertices of a complete rawjson output. */
export function rawjsonVertices(output: string): Vertex[] {
  const progress = new RawJsonProgress();
  const stream = new JsonObjectStream((v) => progress.add(v));
  stream.push(output);
  stream.end();
  return progress.result();
}

// ---------------------------------------------------------------------------------------------------------------
// BuildKit vertices → Dockerfile lines

const squash = (t: string) => t.replace(/\s+/g, ' ').trim();

/** Does the text BuildKit printed for a vertex belong to this instruction? (Skipped where BuildKit expands.) */
function sameInstructionText(ins: DfInstruction, printed: string): boolean {
  if (ins.keyword === 'FROM') return true; // printed as the resolved image name
  const ours = squash(ins.args);
  if (ours.includes('$')) return true; // COPY/ADD/WORKDIR are printed with variables expanded
  const theirs = squash(printed).replace(/^\S+\s*/, '');
  if (ours.includes('<<')) return theirs.startsWith(ours.slice(0, ours.indexOf('<<')).trim()); // heredoc: `RUN <<EOF (first line...)`
  if (theirs === ours) return true;
  // COPY/ADD in JSON form are printed as Go prints a string list: `COPY ["a", "b", "./"]` -> `COPY [a, b, ./]`
  // (seen on Engine 26.1.5 with GoogleCloudPlatform/microservices-demo's adservice Dockerfile)
  const json = jsonWords(ours);
  return json !== undefined && theirs === squash(`[${json.join(', ')}]`);
}

function jsonWords(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Dockerfile step of every `[stage k/n]` vertex, in the order the engine reported them (first report wins).
 *
 * BuildKit shares a vertex between builds whose operations have the same digest, and then reports it under the
 * name another build gave it (seen on Engine 26.1 / buildx 0.13: `[1/2] FROM docker.io/library/localbase:1` in
 * the progress of a 4-instruction Dockerfile). `strict` (the oracle) throws ForeignBuildError for a vertex that
 * does not fit this Dockerfile, so the caller can build again; otherwise (real builds) such a vertex is left out
 * and listed in `foreign`: its step then counts as not reported, which the self-check never calls a disagreement.
 */
export function buildkitSteps(vertices: Vertex[], df: DfFile, opts: { strict?: boolean; foreign?: string[]; target?: string } = {}): ActualStep[] {
  const strict = opts.strict ?? true;
  const steps: ActualStep[] = [];
  const seen = new Set<number>();
  /** A vertex that does not fit: strict throws (ForeignBuildError when another build may explain it). */
  const misfit = (message: string, foreignBuild = true): void => {
    if (strict) throw foreignBuild ? new ForeignBuildError(message) : new Error(message);
    opts.foreign?.push(message);
  };
  for (const v of vertices) {
    // k is padded to the width of n: `[build  4/13]`, `[ 4/13]` (seen on Engine 26.1.5 replaying vaultwarden)
    const m = /^\[(?:(\S+)\s+)?\s*(\d+)\/(\d+)\] (\S+)/.exec(v.name);
    if (!m) continue; // [internal] ..., [auth] ...
    const [, stageName, kStr, nStr, word] = m;
    let stageIx: number;
    if (stageName === undefined) {
      if (df.stages.length !== 1) {
        misfit(`buildkit: vertex without stage name in a ${df.stages.length}-stage Dockerfile: ${v.name}`, false);
        continue;
      }
      stageIx = 0;
    } else {
      const sm = /^stage-(\d+)$/.exec(stageName);
      stageIx = df.stages.findIndex((s) => s.name === stageName.toLowerCase());
      if (stageIx < 0 && sm) stageIx = Number(sm[1]);
      if (stageIx < 0 || stageIx >= df.stages.length) {
        misfit(`buildkit: unknown stage "${stageName}" in: ${v.name}`, false);
        continue;
      }
    }
    const { ops, total } = buildkitOps(df, stageIx);
    const k = Number(kStr);
    if (Number(nStr) !== total) {
      // A FROM of an image is one vertex for every build that starts from that image while the engine still holds
      // it: seen on Engine 26.1, the next build of another Dockerfile reported `[1/2] FROM docker.io/library/x:1`,
      // the name an earlier 2-instruction build gave it, on every retry. Its outcome is the image's, whoever named
      // it: left unreported (not a step of ours to compare), never a reason to throw the build away.
      if (word.toUpperCase() === 'FROM' && k === 1) {
        opts.foreign?.push(`buildkit: FROM reported under another build's name: ${v.name}`);
        continue;
      }
      misfit(`buildkit: stage ${stageIx} has ${total} counted instructions by our reading, engine says ${nStr}: ${v.name}`);
      continue;
    }
    const ins = ops[k - 1];
    if (!ins) {
      misfit(`buildkit: no op #${k} in stage ${stageIx}: ${v.name}`, false);
      continue;
    }
    const text = v.name.replace(/^\[[^\]]*\] /, '');
    if (ins.keyword !== word.toUpperCase()) {
      misfit(`buildkit: op #${k} of stage ${stageIx} is ${ins.keyword} (line ${ins.line}) but engine printed: ${v.name}`);
      continue;
    }
    if (!sameInstructionText(ins, text)) {
      misfit(`buildkit: op #${k} of stage ${stageIx} is "${ins.keyword} ${ins.args}" (line ${ins.line}) but engine printed: ${v.name}`);
      continue;
    }
    if (seen.has(ins.line)) continue;
    seen.add(ins.line);
    steps.push({
      line: ins.line,
      keyword: ins.keyword,
      stage: stageIx,
      outcome: v.outcome,
      ...(v.durationMs !== undefined ? { durationMs: v.durationMs } : {}),
      text,
    });
  }
  // One vertex stands for the same operation in several stages (BuildKit runs identical ops once per build): it
  // is reported under one stage's name; the same step of the other stages built did what it did.
  const twins = buildkitTwins(df, opts.target);
  for (const s of steps.slice()) {
    for (const t of twins.get(s.line) ?? []) {
      if (seen.has(t.line)) continue;
      seen.add(t.line);
      // no duration: the time was spent once, on the line the vertex is reported for
      steps.push({ line: t.line, keyword: t.keyword, stage: t.stage, outcome: s.outcome, text: s.text });
    }
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------------------------
// Classic builder

/**
 * Steps of a classic build. FROM (prints the base image ID, no cache lookup) and global ARGs are `unprobed`.
 * `endMs` is when the build ended (the last step's duration runs up to it); `failed` marks the last step started as
 * failed when it did not finish (classicFinished).
 */
export function classicSteps(lines: TimedLine[], df: DfFile, end?: { endMs: number; failed: boolean }): { steps: ActualStep[]; unprobed: number[] } {
  const steps: ActualStep[] = [];
  const unprobed: number[] = [];
  const starts: { index: number; t: number }[] = [];
  const finished = end?.failed ? new Set(classicFinished(lines, df)) : undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = /^Step (\d+)\/(\d+) : (\S+)(.*)$/.exec(lines[i].text);
    if (!m) continue;
    const n = Number(m[1]);
    const ins = df.instructions[n - 1];
    if (!ins) throw new Error(`classic: step ${n} beyond the ${df.instructions.length} instructions we read: ${lines[i].text}`);
    if (ins.keyword !== m[3].toUpperCase())
      throw new Error(`classic: instruction ${n} is ${ins.keyword} (line ${ins.line}) but engine printed: ${lines[i].text}`);
    starts.push({ index: i, t: lines[i].t });
    if (ins.keyword === 'FROM' || ins.stage < 0) {
      unprobed.push(ins.line);
      continue;
    }
    let cached = false;
    let j = i + 1;
    for (; j < lines.length && !/^Step \d+\/\d+ : /.test(lines[j].text); j++) {
      if (/^ ---> Using cache\s*$/.test(lines[j].text)) cached = true;
    }
    const last = j >= lines.length;
    const until = last ? end?.endMs : lines[j].t;
    // The last step of a failed (or cancelled) build failed, unless its result was printed before the build stopped.
    const outcome: StepOutcome = last && finished && !finished.has(ins.line) ? 'error' : cached ? 'cached' : 'ran';
    const durationMs = until !== undefined && outcome !== 'cached' ? Math.max(0, until - lines[i].t) : undefined;
    steps.push({
      line: ins.line,
      keyword: ins.keyword,
      stage: ins.stage,
      outcome,
      ...(durationMs !== undefined ? { durationMs } : {}),
      text: `${m[3]}${m[4]}`,
    });
  }
  return { steps, unprobed };
}

// ---------------------------------------------------------------------------------------------------------------
// What the engine finished, and so keeps in its cache, when a build fails or is cancelled

/**
 * Lines of the instructions a classic build finished, in order. The classic builder runs one step at a time and
 * stops at the first failure: a step is finished when the next one starts, or, for the last step, when its result
 * image ID (` ---> 1a2b3c4d5e6f`) was printed, after `Removing intermediate container <id>` if it ran in a
 * container (so a RUN that prints such a line itself and then fails is not taken for finished).
 */
export function classicFinished(lines: TimedLine[], df: DfFile): number[] {
  const out: number[] = [];
  let current: { line: number; container?: string; removed: boolean; done: boolean } | undefined;
  for (const { text } of lines) {
    const step = /^Step (\d+)\/\d+ : /.exec(text);
    if (step) {
      if (current) out.push(current.line);
      const ins = df.instructions[Number(step[1]) - 1];
      if (!ins) return out;
      current = { line: ins.line, removed: false, done: false };
      continue;
    }
    if (!current) continue;
    const running = /^ ---> Running in ([0-9a-f]+)\s*$/.exec(text);
    const removing = /^Removing intermediate container ([0-9a-f]+)\s*$/.exec(text);
    if (running) {
      current.container = running[1];
      current.removed = false;
      current.done = false;
    } else if (removing && removing[1] === current.container) current.removed = true;
    else if (/^ ---> [0-9a-f]{12,64}\s*$/.test(text) && (current.container === undefined || current.removed)) current.done = true;
  }
  if (current?.done) out.push(current.line);
  return out;
}

/**
 * Lines of the instructions a BuildKit build finished, in file order: the steps reported done or CACHED, and the
 * steps they were built on (the earlier ops of their stage and of the stages it continues), which must have
 * finished even when the engine did not report them (a FROM vertex shared by two stages is reported once). A step
 * at or after a step that did not finish (failed, cancelled, incomplete) in the same chain is never in the list.
 * Steps of other stages that finished in parallel are: BuildKit keeps them.
 */
export function buildkitFinished(steps: ActualStep[], df: DfFile): number[] {
  /** Stages a stage is built on, itself first. */
  const chainOf = (stage: number): number[] => {
    const chain: number[] = [];
    for (let s = stage; s >= 0 && !chain.includes(s); s = parentStage(df, s)) chain.push(s);
    return chain;
  };
  /** Is `a` (an instruction) before `b` in b's chain? */
  const before = (a: { line: number; stage: number }, b: { line: number; stage: number }): boolean =>
    a.stage === b.stage ? a.line < b.line : chainOf(b.stage).includes(a.stage);
  const unfinished = steps.filter((s) => s.outcome !== 'cached' && s.outcome !== 'ran');
  const finished = new Set<number>();
  for (const s of steps) {
    if (s.outcome !== 'cached' && s.outcome !== 'ran') continue;
    if (s.stage < 0 || unfinished.some((u) => before(u, s) || u.line === s.line)) continue;
    finished.add(s.line);
    for (const st of chainOf(s.stage)) for (const op of buildkitOps(df, st).ops) if (before(op, s)) finished.add(op.line);
  }
  return [...finished].sort((a, b) => a - b);
}
