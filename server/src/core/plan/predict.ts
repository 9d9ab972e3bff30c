// Predicts what the next build does with every instruction (cache-rules Part A):
// a step is cached when its key is in the store of keys recorded builds produced; otherwise it
// rebuilds, and so does every later step of its stage (the chain rule, R3), except across
// content-addressed edges (COPY --from, RUN --mount=from=) where the outcome depends on what the
// source stage produces: 'maybe'.
import { cloneState, defineStep, digest, initialState, stepKey, type ContextAccess, type StageState, type StepDefinition } from './cacheKeys';
import { parseDockerfile, type Instruction, type ParsedDockerfile } from '../dockerfile/parse';
import { buildOrder, buildStageGraph, GLOBAL_STAGE, graphOptions, mountOptions, selectStages, type Stage, type StageGraph } from '../dockerfile/stages';
import { lazyProperty } from '../shared/lazy';
import { atLine } from '../dockerfile/limits';
import { setOwn } from '../shared/own';
import { explainChange, shortenParts, type ChangeInput } from './reasons';
import { renderReason, type Reason } from './reason';
import type { Builder, Diagnostic, Plan, PlanOptions, RecordedStep, StepPrediction, StepStatus } from '../shared/types';

/** RecordedStep lives in types.ts (reasons.ts needs it too); exported here as before. */
export type { RecordedStep } from '../shared/types';

/** Beyond this many paths a step's reads are not kept; removals are then found by folder. */
export const MAX_RECORDED_READS = 2000;

/** The last recorded build of one Dockerfile with one builder. */
export interface RecordedBuild {
  steps: Record<string, RecordedStep>;
  /** Context path → fingerprint (type, mode, content) at that build. */
  files: Record<string, string>;
  /** BuildKit only: what its context sync holds per file read (see core/syncState.ts). */
  synced?: Record<string, string>;
  /**
   * Slots of a build that failed or was cancelled which the engine did not finish (so did not cache); their entries
   * in `steps` are from the build before. Absent after a build that finished (see core/finishedBuild.ts).
   */
  unfinished?: string[];
}

/** What the prediction knows about earlier builds (see core/store.ts). */
export interface KnownBuilds {
  has(key: string): boolean;
  readonly empty: boolean;
  readonly last?: RecordedBuild;
}

export interface PlanContext extends ContextAccess {
  /** Fingerprint of a context path now (after .dockerignore), undefined when absent. */
  fingerprint(path: string): string | undefined;
}

export interface PlanInput {
  text: string;
  /** parseDockerfile(text), when the caller has it already (the editor shares one parse with its advice). */
  parsed?: ParsedDockerfile;
  options: PlanOptions;
  context: PlanContext;
  known: KnownBuilds;
  /** Lines pretended to be edited (simulation). */
  edited?: ReadonlySet<number>;
}

/** planBuild's answer: the plan (a verdict per step, diagnostics) and what recording this state would store. */
export interface RecordablePlan extends Plan {
  /** What `record` stores: every step key and the per-slot parts of this state. */
  recorded: RecordedBuild;
  keys: string[];
  /** Set when the build cannot run (a FROM --platform with no valid platform, R11a): no verdicts, nothing to record. */
  fails?: { line: number; message: string };
}

interface Outcome {
  key: string;
  status: 'cached' | 'rebuilds' | 'maybe';
  /** The first step that missed in this chain, for "parent step rebuilds" reasons. */
  cause?: StepPrediction;
  /** The build step just before (the parent), when there is one. */
  previous?: StepPrediction;
  /**
   * For a 'maybe' chain: the key this step has if every content-addressed input upstream comes out identical
   * (the best case). A later step whose own inputs changed misses even then, so it rebuilds, not 'maybe'.
   */
  optimistic?: string;
}

/** A step of the build being planned, as the first one with its key: for same-build reuse (sameStep()). */
interface MadeStep {
  step: StepPrediction;
  stage: string;
  /** The chain after it. */
  after: Outcome;
}

export function planBuild(input: PlanInput): RecordablePlan {
  const { options, context, known } = input;
  const parsed = input.parsed ?? parseDockerfile(input.text);
  const graph = buildStageGraph(parsed, options.buildArgs, graphOptions(options));
  const selection = selectStages(graph, options.builder, options.target);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics, ...graph.diagnostics, ...selection.diagnostics];
  const failing = platformFailure(graph.stages, options.builder, selection.needed);
  if (failing) {
    diagnostics.push({ line: failing.from.line, severity: 'error', message: failing.platformError as string });
    return refusedPlan(graph, options.builder, failing, diagnostics);
  }
  const steps: StepPrediction[] = [];
  const recorded: RecordedBuild = { steps: {}, files: {} };
  const keys: string[] = [];
  const stageEnd = new Map<number, { outcome: Outcome; state: StageState }>();
  const edited = input.edited ?? new Set<number>();
  /** Set by verdict(): the best-case key of the step it just judged 'maybe' (see Outcome.optimistic). */
  let optimisticKey: string | undefined;
  /** Steps this build makes, by key, in build order: the first step with each key and the chain after it. */
  const madeHere = new Map<string, MadeStep>();
  /** Set by verdict(): the earlier step of this build it judged the step the same as (see sameStep()). */
  let twin: MadeStep | undefined;
  const inputs = { builder: options.builder, buildArgs: options.buildArgs, globalVars: graph.globalVars, escape: parsed.escape, context, stages: graph.stages, edited };

  for (const ins of graph.globalArgs) {
    steps.push(step(ins, GLOBAL_STAGE, 'none', 'none', { code: 'globalArg' }));
  }
  const { order, diagnostics: cycles } = buildOrder(graph, selection.needed);
  diagnostics.push(...cycles);
  for (const stage of graph.stages) {
    if (!selection.needed.has(stage.index)) {
      const targetLabel = graph.stages[selection.target]?.label ?? '';
      const why: Reason = stage.index > selection.target
        ? { code: 'afterTarget', stage: stage.label }
        : { code: 'notNeededByTarget', ...(targetLabel.trim() ? { stage: targetLabel.trim() } : {}) };
      for (const ins of [stage.from, ...stage.instructions]) {
        steps.push(step(ins, stage.label, layerOf(ins, options.builder), 'skipped', why));
      }
    }
  }
  for (const i of order) walkStage(graph.stages[i]);
  // Listed when recorded (or compared with, in a simulation), not on every plan: a `COPY . .` reads every file.
  const stepsRead = steps.slice();
  lazyProperty(recorded, 'files', () => {
    const files: Record<string, string> = {};
    for (const s of stepsRead) for (const p of s.reads ?? []) {
      const f = context.fingerprint(p);
      if (f !== undefined) setOwn(files, p, f);
    }
    return files;
  });
  steps.sort((a, b) => a.line - b.line);
  return { steps, diagnostics, recorded, keys };

  function walkStage(stage: Stage): void {
    const parentEnd = stage.parent !== undefined ? stageEnd.get(stage.parent) : undefined;
    const state = parentEnd ? cloneState(parentEnd.state, options.builder) : initialState();
    let chain: Outcome;
    const fromSlot = `${stage.label}#0`;
    if (parentEnd) {
      chain = { ...parentEnd.outcome };
      steps.push(step(stage.from, stage.label, 'none', 'none', { code: 'continuesStage', stage: graph.stages[stage.parent as number].label }));
    } else if (stage.image?.toLowerCase() === 'scratch') {
      // BuildKit's COPY/WORKDIR ops have no platform in their key: a scratch stage keeps its cache across platforms (R11a).
      chain = { key: digest('scratch' + (options.builder === 'classic' ? platformPart(stage) : '')), status: 'cached' };
      steps.push(step(stage.from, stage.label, 'none', 'none', { code: 'emptyBase' }));
    } else {
      const parts: Record<string, string> = { image: stage.image ?? '', platform: platformPart(stage) };
      if (edited.has(stage.from.line)) parts.edited = 'edited';
      const key = stepKey('FROM', parts);
      keys.push(key);
      recorded.steps[fromSlot] = record('FROM', key, { parts });
      const cached = known.has(key);
      const reason: Reason = cached ? { code: 'baseUnchanged' } : known.empty ? { code: 'notBuiltYet' } : fromReason(fromSlot, parts);
      const s = step(stage.from, stage.label, 'filesystem', cached ? 'cached' : 'rebuilds', reason, key);
      steps.push(s);
      chain = cached ? { key, status: 'cached' } : { key, status: 'rebuilds', cause: s };
    }
    stage.instructions.forEach((ins, i) => {
      const slot = `${stage.label}#${i + 1}`;
      const def = atLine(ins.line, () => defineStep(ins, state, stage, inputs));
      if (def.kind !== 'op') {
        const reason: Reason = def.kind === 'meta' ? metaReason(ins) : { code: 'notABuildStep' };
        steps.push(step(ins, stage.label, def.layer, 'none', reason));
        for (const p of def.problems) diagnostics.push({ line: ins.line, severity: 'warning', message: p });
        return;
      }
      for (const d of def.fromStages) {
        const end = stageEnd.get(d);
        def.parts[`from:${d}`] = end ? end.outcome.key : 'unknown';
      }
      const key = stepKey(chain.key, def.parts);
      keys.push(key);
      recorded.steps[slot] = record(ins.keyword, key, def);
      optimisticKey = undefined;
      twin = undefined;
      const s = verdict(ins, stage, slot, key, def, chain);
      steps.push(s);
      for (const p of def.problems) diagnostics.push({ line: ins.line, severity: 'warning', message: p });
      // After the same step as an earlier one, the chain is where that one left it (its parent image, or its
      // vertex, is the one this build makes): later steps miss for the same cause, or stay 'maybe'.
      const reused = twin as MadeStep | undefined; // set by verdict()
      if (reused) chain = { ...reused.after, key, previous: s };
      else if (s.status === 'cached') chain = { key, status: 'cached', previous: s };
      else if (s.status === 'maybe') chain = { key, status: 'maybe', cause: chain.status === 'maybe' ? chain.cause : s, previous: s, ...(optimisticKey ? { optimistic: optimisticKey } : {}) };
      else chain = { key, status: 'rebuilds', cause: chain.status === 'rebuilds' ? chain.cause : s, previous: s };
      if (!madeHere.has(key)) madeHere.set(key, { step: s, stage: stage.label, after: chain });
    });
    stageEnd.set(stage.index, { outcome: chain, state });
  }

  function verdict(ins: Instruction, stage: Stage, slot: string, key: string, def: StepDefinition, chain: Outcome): StepPrediction {
    const make = (status: StepStatus, reason: Reason): StepPrediction => {
      const s = step(ins, stage.label, def.layer, status, reason, key);
      return def.readCount ? lazyProperty(s, 'reads', () => def.reads) : s;
    };
    const ownChange = (): StepPrediction => {
      const change = { keyword: ins.keyword, parts: def.parts, previous: known.last?.steps[slot], lastFiles: known.last?.files, fingerprint: context.fingerprint, ...(def.changesSince ? { changesSince: def.changesSince } : {}) };
      return make('rebuilds', explainChange(lazyProperty(change, 'reads', () => def.reads ?? []) as ChangeInput));
    };
    const same = madeHere.get(key);
    if (same && !(same.step.status === 'cached' && known.has(key))) return sameStep(same, make);
    if (def.external && chain.status !== 'rebuilds') {
      optimisticKey = bestCaseKey(slot, ins.keyword, def, chain);
      return make('maybe', def.external);
    }
    if (known.has(key)) return make('cached', { code: chain.status === 'cached' ? 'unchangedSinceRecorded' : 'sameContentAsRecorded' });
    if (known.empty) return make('rebuilds', { code: 'notBuiltYet' });
    if (options.builder === 'buildkit' && secretQuirk(ins, slot, def, chain)) {
      return make('maybe', { code: 'secretAfterRerun', line: chain.previous?.line as number });
    }
    if (chain.status === 'maybe' && chain.optimistic && def.fromStages.length === 0) {
      // Even if everything upstream comes out identical, this step's own inputs differ from every recorded build.
      const best = stepKey(chain.optimistic, def.parts);
      if (!known.has(best)) return ownChange();
      optimisticKey = best;
    }
    if (chain.status !== 'cached' && chain.cause) {
      return make(chain.status, { code: chain.status === 'rebuilds' ? 'parentRebuilds' : 'parentMayRebuild', line: chain.cause.line, keyword: chain.cause.keyword, cause: chain.cause.cause });
    }
    const unsettled = def.fromStages.map((d) => ({ d, end: stageEnd.get(d) })).find((x) => !x.end || x.end.outcome.status !== 'cached');
    if (unsettled) {
      const src = graph.stages[unsettled.d];
      const cause = unsettled.end?.outcome.cause;
      optimisticKey = bestCaseKey(slot, ins.keyword, def, chain);
      return make('maybe', { code: 'dependsOnStage', stage: src.label, ...(cause ? { line: cause.line, keyword: cause.keyword } : {}) });
    }
    if (!known.last) return make('rebuilds', { code: 'noRecordedStep' });
    if (known.last.unfinished?.includes(slot)) return make('rebuilds', { code: 'lastBuildStopped' });
    return ownChange();
  }

  /**
   * Same-build reuse (cache-rules R4a): an earlier step of this build (in build order) has the same key, so this
   * build makes that result first. Classic: the cache lookup is "a child of this parent image made by the same
   * instruction", and the earlier step has just committed it, so this one is a hit whatever the earlier one did.
   * BuildKit: both lines are one vertex (same LLB digest), run or loaded once: this step does what that one does.
   */
  function sameStep(first: MadeStep, make: (status: StepStatus, reason: Reason) => StepPrediction): StepPrediction {
    twin = first;
    const { step: t } = first;
    if (options.builder === 'classic') return make('cached', { code: 'sameStepFirst', line: t.line, stage: first.stage });
    return make(t.status as StepStatus, { code: 'sameStepOnce', line: t.line, stage: first.stage });
  }

  /**
   * The key a content-addressed step ('maybe') has in the best case: the last recorded build's key for this
   * slot, when the chain into it is cached (or itself best-case) and its own parts, other than the source
   * stages' keys, are what that build recorded. Undefined when unknown: later steps then stay 'maybe'.
   */
  function bestCaseKey(slot: string, keyword: string, def: StepDefinition, chain: Outcome): string | undefined {
    if (chain.status === 'rebuilds' || (chain.status === 'maybe' && !chain.optimistic)) return undefined;
    const prev = known.last?.steps[slot];
    if (!prev || prev.keyword !== keyword || !known.has(prev.key)) return undefined;
    const now = shortenParts(def.parts);
    const same = Object.keys({ ...now, ...prev.parts }).every((k) => k.startsWith('from:') || now[k] === prev.parts[k]);
    return same ? prev.key : undefined;
  }

  /** C24: an unchanged RUN with a secret mount right after a RUN that re-runs. */
  function secretQuirk(ins: Instruction, slot: string, def: StepDefinition, chain: Outcome): boolean {
    if (ins.keyword !== 'RUN' || chain.status !== 'rebuilds' || chain.previous?.keyword !== 'RUN' || chain.previous.status !== 'rebuilds') return false;
    if (!ins.flags.some((f) => f.name === 'mount' && f.value !== undefined && mountOptions(f.value).get('type') === 'secret')) return false;
    const prev = known.last?.steps[slot];
    if (!prev || prev.keyword !== 'RUN') return false;
    const now = shortenParts(def.parts);
    return Object.keys({ ...now, ...prev.parts }).every((k) => now[k] === prev.parts[k]);
  }

  function fromReason(slot: string, parts: Record<string, string>): Reason {
    const prev = known.last?.steps[slot];
    if (prev?.keyword === 'FROM' && prev.parts.image !== parts.image) return { code: 'baseImageChanged', value: parts.image, was: prev.parts.image };
    if (prev?.keyword === 'FROM' && prev.parts.platform !== parts.platform) {
      // '' is the build machine's platform (platformPart).
      return { code: 'platformChanged', value: parts.platform || graph.buildPlatform, was: prev.parts.platform || graph.buildPlatform };
    }
    if (parts.edited) return { code: 'editedBaseChanged' };
    return { code: 'baseNotRecorded', image: parts.image };
  }

  /**
   * The FROM key's platform: the stage's resolved platform, or '' for the build machine's (what earlier versions
   * stored for a FROM without --platform), so `FROM --platform=$BUILDPLATFORM img` keys like `FROM img` (R11a).
   */
  function platformPart(stage: Stage): string {
    return stage.resolvedPlatform === graph.buildPlatform ? '' : stage.resolvedPlatform;
  }

  function record(keyword: string, key: string, def: Pick<StepDefinition, 'parts' | 'reads' | 'readCount'>): RecordedStep {
    // Shortened and listed when the record is stored or compared with, not on every plan.
    const parts = def.parts;
    const out = lazyProperty({ keyword, key } as RecordedStep, 'parts', () => shortenParts(parts));
    const n = def.readCount ?? 0;
    return n > 0 && n <= MAX_RECORDED_READS ? lazyProperty(out, 'reads', () => def.reads) : out;
  }
}

/**
 * The stage whose FROM --platform gives no valid platform and stops the build (R11a): BuildKit checks every stage's
 * platform before building anything; the classic builder fails when it reaches the stage (the stages it builds).
 */
function platformFailure(stages: Stage[], builder: Builder, built: ReadonlySet<number>): Stage | undefined {
  return stages.find((s) => s.platformError !== undefined && (builder === 'buildkit' || built.has(s.index)));
}

/** A plan for a build that fails before it builds anything: no verdicts, nothing recorded. */
function refusedPlan(graph: StageGraph, builder: Builder, failing: Stage, diagnostics: Diagnostic[]): RecordablePlan {
  const why: Reason = { code: 'buildFails', line: failing.from.line };
  const steps: StepPrediction[] = graph.globalArgs.map((ins) => step(ins, GLOBAL_STAGE, 'none', 'none', why));
  for (const stage of graph.stages) {
    for (const ins of [stage.from, ...stage.instructions]) {
      steps.push(step(ins, stage.label, layerOf(ins, builder), 'skipped', why));
    }
  }
  steps.sort((a, b) => a.line - b.line);
  return { steps, diagnostics, recorded: { steps: {}, files: {} }, keys: [], fails: { line: failing.from.line, message: failing.platformError as string } };
}

function step(ins: Instruction, stage: string, layer: StepPrediction['layer'], status: StepStatus, cause: Reason, key?: string): StepPrediction {
  return { line: ins.line, endLine: ins.endLine, keyword: ins.keyword, stage, layer, status, reason: renderReason(cause), cause, ...(key ? { key } : {}) };
}

function layerOf(ins: Instruction, builder: Builder): StepPrediction['layer'] {
  if (['RUN', 'COPY', 'ADD'].includes(ins.keyword)) return 'filesystem';
  if (ins.keyword === 'WORKDIR') return builder === 'classic' || ins.args.trim() !== '/' ? 'filesystem' : 'metadata';
  if (ins.keyword === 'FROM') return ins.args.trim().toLowerCase().startsWith('scratch') ? 'none' : 'filesystem';
  return 'metadata';
}

function metaReason(ins: Instruction): Reason {
  switch (ins.keyword) {
    case 'ENV':
    case 'ARG':
      return { code: 'metaEnv' };
    case 'USER':
      return { code: 'metaUser' };
    case 'SHELL':
      return { code: 'metaShell' };
    case 'WORKDIR':
      return { code: 'workdirRoot' };
    default:
      return { code: 'metaOnly' };
  }
}

export { type ContextAccess };
