// Predicts what the next build does with every instruction (cache-rules Part A):
// a step is cached when its key is in the store of keys recorded builds produced; otherwise it
// rebuilds, and so does every later step of its stage (the chain rule, R3), except across
// content-addressed edges (COPY --from, RUN --mount=from=) where the outcome depends on what the
// source stage produces: 'maybe'.
import { workCounts } from '../shared/workCounts';
import {
  cloneState,
  defineStep,
  digest,
  initialState,
  namedBuildReason,
  namedSource,
  stepKey,
  unplannedReason,
  type ContextAccess,
  type KeyInputs,
  type StageState,
} from './cacheKeys';
import { parseDockerfile, type Instruction } from '../dockerfile/parse';
import { buildOrder, buildStageGraph, GLOBAL_STAGE, graphOptions, selectStages, type Stage, type StageGraph, type StageSelection } from '../dockerfile/stages';
import { lazyProperty } from '../shared/lazy';
import { atLine } from '../dockerfile/limits';
import { setOwn } from '../shared/own';
import { renderReason, type Reason } from './reason';
import { diagnosticOf, type Message } from '../shared/message';
import { chainAfter, judgeStep, step, type VerdictScope } from './verdict';
import { layerOf, metaReason, platformFailure, record, refusedPlan } from './planSteps';
import { type MadeStep, type Outcome, type PlanInput, type RecordablePlan, type RecordedBuild, type StageEnd } from './planTypes';
import type { Diagnostic, SourceSelection, StepPrediction } from '../shared/types';

/** RecordedStep lives in types.ts (reasons.ts needs it too); exported here as before. */
export type { RecordedStep } from '../shared/types';
/** The plan's inputs and answer live in planTypes.ts (verdict.ts needs them too); exported here as before. */
export { MAX_RECORDED_READS, type KnownBuilds, type PlanContext, type PlanInput, type RecordablePlan, type RecordedBuild } from './planTypes';

/**
 * The plan of one build, in named steps: the stage graph and the stages the build needs, then (unless a stage's
 * platform stops the build) the global ARGs, the stages it skips, and every needed stage in build order, each
 * step judged against the store (verdict.ts) and recorded for `record`.
 */
export function planBuild(input: PlanInput): RecordablePlan {
  workCounts.plans++;
  const { options } = input;
  const parsed = input.parsed ?? parseDockerfile(input.text);
  const graph = buildStageGraph(parsed, options.buildArgs, graphOptions(options));
  const selection = selectStages(graph, options.builder, options.target);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics, ...graph.diagnostics, ...selection.diagnostics];
  const failing = platformFailure(graph.stages, options.builder, selection.needed);
  if (failing) {
    diagnostics.push(diagnosticOf(failing.from.line, 'error', failing.platformError as Message));
    return refusedPlan(graph, options.builder, failing, diagnostics);
  }
  const planner = new BuildPlanner(input, graph, parsed.escape, diagnostics);
  planner.addGlobalArgs();
  const { order, diagnostics: cycles } = buildOrder(graph, selection.needed);
  diagnostics.push(...cycles);
  planner.addSkippedStages(selection);
  for (const i of order) planner.walkStage(graph.stages[i]);
  return planner.finish(selection.target);
}

/** The state of a plan being made: the steps so far, what recording stores, and where each stage's chain ended. */
class BuildPlanner {
  private readonly steps: StepPrediction[] = [];
  private readonly recorded: RecordedBuild = { steps: {}, files: {} };
  private readonly keys: string[] = [];
  private readonly stageEnd = new Map<number, StageEnd>();
  /** Steps this build makes, by key, in build order: the first step with each key and the chain after it. */
  private readonly madeHere = new Map<string, MadeStep>();
  private readonly edited: ReadonlySet<number>;
  private readonly inputs: KeyInputs;
  /** What the steps read from named contexts that are folders, by name (recorded with the build). */
  private readonly namedReads = new Map<string, SourceSelection[]>();
  private readonly scope: VerdictScope;

  constructor(
    private readonly input: PlanInput,
    private readonly graph: StageGraph,
    escape: string,
    private readonly diagnostics: Diagnostic[],
  ) {
    const { options, context, known } = input;
    this.edited = input.edited ?? new Set<number>();
    this.inputs = {
      builder: options.builder,
      buildArgs: options.buildArgs,
      globalVars: graph.globalVars,
      escape,
      context,
      stages: graph.stages,
      edited: this.edited,
      // Named contexts are BuildKit's: the classic builder has none, so a `--from=NAME` stays an image there.
      ...(options.builder === 'buildkit' && options.namedContexts && Object.keys(options.namedContexts).length
        ? { named: { values: options.namedContexts, folders: input.named ?? {}, ...(input.namedBuilds ? { builds: input.namedBuilds } : {}) } }
        : {}),
    };
    this.scope = {
      builder: options.builder,
      known,
      context,
      graph,
      madeHere: this.madeHere,
      stageEnd: this.stageEnd,
      ...(this.inputs.named ? { named: input.named ?? {} } : {}),
    };
  }

  addGlobalArgs(): void {
    for (const ins of this.graph.globalArgs) this.steps.push(step(ins, GLOBAL_STAGE, 'none', 'none', { code: 'globalArg' }));
  }

  /** The stages the build does not need (after the target, or not reached from it) are skipped, saying why. */
  addSkippedStages(selection: StageSelection): void {
    const { graph } = this;
    for (const stage of graph.stages) {
      if (selection.needed.has(stage.index)) continue;
      const targetLabel = graph.stages[selection.target]?.label ?? '';
      const why: Reason =
        stage.name !== undefined && graph.namedContexts?.has(stage.name)
          ? { code: 'replacedByNamedContext', stage: stage.name }
          : stage.index > selection.target
            ? { code: 'afterTarget', stage: stage.label }
            : { code: 'notNeededByTarget', ...(targetLabel.trim() ? { stage: targetLabel.trim() } : {}) };
      for (const ins of [stage.from, ...stage.instructions]) {
        this.steps.push(step(ins, stage.label, layerOf(ins, this.input.options.builder), 'skipped', why));
      }
    }
  }

  /** A stage: its FROM (a parent stage, scratch or a base image), then each instruction in order. */
  walkStage(stage: Stage): void {
    const parentEnd = stage.parent !== undefined ? this.stageEnd.get(stage.parent) : undefined;
    const state = parentEnd ? cloneState(parentEnd.state, this.input.options.builder) : initialState();
    let chain = this.fromStep(stage, parentEnd);
    stage.instructions.forEach((ins, i) => {
      chain = this.uncertainOnBuild(chain, this.instructionStep(stage, ins, `${stage.label}#${i + 1}`, state, chain));
    });
    this.stageEnd.set(stage.index, { outcome: chain, state });
  }

  /** Listed when recorded (or compared with, in a simulation), not on every plan: a `COPY . .` reads every file. */
  finish(target: number): RecordablePlan {
    const { steps, recorded, keys, diagnostics } = this;
    const end = this.stageEnd.get(target)?.outcome;
    const context = this.input.context;
    const stepsRead = steps.slice();
    const namedReads = this.namedReads;
    const folders = this.input.named ?? {};
    if (namedReads.size)
      lazyProperty(recorded, 'named', () => {
        const named: Record<string, Record<string, string>> = {};
        for (const [name, sels] of namedReads) {
          const ctx = Object.hasOwn(folders, name) ? folders[name] : undefined;
          if (!ctx) continue;
          const files: Record<string, string> = {};
          for (const sel of sels)
            for (const p of sel.paths) {
              const f = ctx.fingerprint(p);
              if (f !== undefined) setOwn(files, p, f);
            }
          setOwn(named, name, files);
        }
        return named;
      });
    lazyProperty(recorded, 'files', () => {
      const files: Record<string, string> = {};
      for (const s of stepsRead)
        for (const p of s.reads ?? []) {
          const f = context.fingerprint(p);
          if (f !== undefined) setOwn(files, p, f);
        }
      return files;
    });
    steps.sort((a, b) => a.line - b.line);
    return { steps, diagnostics, recorded, keys, ...(end ? { end: { key: end.key, status: end.status, ...(end.cause ? { cause: end.cause } : {}) } } : {}) };
  }

  private fromStep(stage: Stage, parentEnd: StageEnd | undefined): Outcome {
    const { options, known } = this.input;
    const fromSlot = `${stage.label}#0`;
    if (parentEnd) {
      this.steps.push(step(stage.from, stage.label, 'none', 'none', { code: 'continuesStage', stage: this.graph.stages[stage.parent as number].label }));
      return { ...parentEnd.outcome };
    }
    if (stage.image?.toLowerCase() === 'scratch') {
      // BuildKit's COPY/WORKDIR ops have no platform in their key: a scratch stage keeps its cache across platforms (R11a).
      this.steps.push(step(stage.from, stage.label, 'none', 'none', { code: 'emptyBase' }));
      return { key: digest('scratch' + (options.builder === 'classic' ? this.platformPart(stage) : '')), status: 'cached' };
    }
    const parts: Record<string, string> = { image: stage.image ?? '', platform: this.platformPart(stage) };
    if (this.edited.has(stage.from.line)) parts.edited = 'edited';
    const named = stage.image !== undefined ? namedSource(stage.image, this.inputs.named) : undefined;
    if (named?.kind === 'image') parts.image = named.ref;
    else if (named?.kind === 'build') {
      // FROM another build's output, planned (R27): this stage goes on from its last step, so it is cached as long
      // as all of that build is, and every step of the chain reruns when any of it does (even with identical files).
      parts.image = `build:${named.result.key}`;
      const key = stepKey('FROM', parts);
      this.keys.push(key);
      this.recorded.steps[fromSlot] = record('FROM', key, { parts });
      const s = step(stage.from, stage.label, 'filesystem', named.result.status, namedBuildReason(named), key);
      this.steps.push(s);
      return named.result.status === 'cached' ? { key, status: 'cached' } : { key, status: named.result.status, cause: s };
    } else if (named?.kind === 'folder') {
      // FROM a named folder: BuildKit takes no step on top of it from its cache (seen: every build reruns them, nothing
      // changed; R27). Not recorded; the chain after it is not either ('context-folder:', not the 'context:' keys older
      // stores hold for it).
      parts.image = `context-folder:${named.name}`;
      const key = stepKey('FROM', parts);
      const s = step(stage.from, stage.label, 'filesystem', 'rebuilds', { code: 'fromNamedFolder', name: named.name }, key);
      this.steps.push(s);
      return { key, status: 'rebuilds', cause: s, uncached: true };
    } else if (named) {
      // FROM a named context that is another build's output or a remote: not planned (R27).
      parts.image = `context:${named.name}`;
      const key = stepKey('FROM', parts);
      const reason: Reason = unplannedReason(named);
      const s = step(stage.from, stage.label, 'filesystem', 'maybe', reason, key);
      this.steps.push(s);
      return { key, status: 'maybe', cause: s };
    }
    const key = stepKey('FROM', parts);
    this.keys.push(key);
    this.recorded.steps[fromSlot] = record('FROM', key, { parts });
    const cached = known.has(key);
    const reason: Reason = cached ? { code: 'baseUnchanged' } : known.empty ? { code: 'notBuiltYet' } : this.fromReason(fromSlot, parts);
    const s = step(stage.from, stage.label, 'filesystem', cached ? 'cached' : 'rebuilds', reason, key);
    this.steps.push(s);
    return cached ? { key, status: 'cached' } : { key, status: 'rebuilds', cause: s };
  }

  /** One instruction after FROM: its key (R6-R19), its verdict, and the chain after it. */
  private instructionStep(stage: Stage, ins: Instruction, slot: string, state: StageState, chain: Outcome): Outcome {
    const def = atLine(ins.line, () => defineStep(ins, state, stage, this.inputs));
    if (def.kind !== 'op') {
      const reason: Reason = def.kind === 'meta' ? metaReason(ins) : { code: 'notABuildStep' };
      this.steps.push(step(ins, stage.label, def.layer, 'none', reason));
      for (const p of def.problems) this.diagnostics.push(diagnosticOf(ins.line, 'warning', p));
      return chain;
    }
    for (const d of def.fromStages) {
      const end = this.stageEnd.get(d);
      def.parts[`from:${d}`] = end ? end.outcome.key : 'unknown';
    }
    const key = stepKey(chain.key, def.parts);
    if (!chain.uncached) {
      this.keys.push(key);
      this.recorded.steps[slot] = record(ins.keyword, key, def);
    }
    for (const { name, selection } of def.named ?? []) this.namedReads.set(name, [...(this.namedReads.get(name) ?? []), selection]);
    const judged = judgeStep(this.scope, { ins, stage, slot, key, def, chain });
    this.steps.push(judged.step);
    for (const p of def.problems) this.diagnostics.push(diagnosticOf(ins.line, 'warning', p));
    const after = chainAfter(chain, key, judged);
    if (!this.madeHere.has(key)) this.madeHere.set(key, { step: judged.step, stage: stage.label, after });
    return after;
  }

  /**
   * On top of FROM a build that may rerun a step: BuildKit reruns this chain whenever that build reruns any step,
   * even with the same files, so a step whose key is recorded is not 'cached' there but 'maybe'.
   */
  private uncertainOnBuild(before: Outcome, after: Outcome): Outcome {
    const from = before.cause;
    if (before.status !== 'maybe' || after.status !== 'cached' || from?.keyword !== 'FROM' || from.cause?.code !== 'namedContextBuildChanged') return after;
    const last = this.steps[this.steps.length - 1];
    if (last.status === 'cached') {
      const reason: Reason = { code: 'parentMayRebuild', line: from.line, keyword: from.keyword, cause: from.cause };
      this.steps[this.steps.length - 1] = { ...last, status: 'maybe', reason: renderReason(reason), cause: reason };
    }
    return { ...after, status: 'maybe', cause: from };
  }

  private fromReason(slot: string, parts: Record<string, string>): Reason {
    const prev = this.input.known.last?.steps[slot];
    if (prev?.keyword === 'FROM' && prev.parts.image !== parts.image) return { code: 'baseImageChanged', value: parts.image, was: prev.parts.image };
    if (prev?.keyword === 'FROM' && prev.parts.platform !== parts.platform) {
      // '' is the build machine's platform (platformPart).
      return { code: 'platformChanged', value: parts.platform || this.graph.buildPlatform, was: prev.parts.platform || this.graph.buildPlatform };
    }
    if (parts.edited) return { code: 'editedBaseChanged' };
    return { code: 'baseNotRecorded', image: parts.image };
  }

  /**
   * The FROM key's platform: the stage's resolved platform, or '' for the build machine's (what earlier versions
   * stored for a FROM without --platform), so `FROM --platform=$BUILDPLATFORM img` keys like `FROM img` (R11a).
   */
  private platformPart(stage: Stage): string {
    return stage.resolvedPlatform === this.graph.buildPlatform ? '' : stage.resolvedPlatform;
  }
}

export { type ContextAccess };
