// The verdict of one build step (cache-rules Part A): cached when its key is in the store, else why it rebuilds or
// may rebuild, in this order: the same step earlier in this build (R4a), a content-addressed input (COPY --from,
// RUN --mount=from=), the store, BuildKit's secret-mount quirk (C24), the chain (R3), a source stage that is not
// settled, and last the step's own inputs compared with the last recorded build.
import { stepKey, type StepDefinition } from './cacheKeys';
import { mountOptions, type Stage, type StageGraph } from '../dockerfile/stages';
import type { Instruction } from '../dockerfile/parse';
import { lazyProperty } from '../shared/lazy';
import { setOwn } from '../shared/own';
import { explainChange, shortenParts, type ChangeInput } from './reasons';
import { renderReason, type Reason } from './reason';
import type { KnownBuilds, MadeStep, Outcome, PlanContext, StageEnd } from './planTypes';
import type { Builder, StepPrediction, StepStatus } from '../shared/types';

/** What judging a step reads of the build being planned. */
export interface VerdictScope {
  builder: Builder;
  known: KnownBuilds;
  context: PlanContext;
  graph: StageGraph;
  /** Steps this build makes, by key, in build order: the first step with each key and the chain after it. */
  madeHere: ReadonlyMap<string, MadeStep>;
  stageEnd: ReadonlyMap<number, StageEnd>;
  /** The named contexts that are folders, read (PlanInput.named). */
  named?: Readonly<Record<string, PlanContext>>;
}

/** One build step to judge: its instruction, stage, slot (`stage#index`), key, definition and the chain into it. */
export interface StepToJudge {
  ins: Instruction;
  stage: Stage;
  slot: string;
  key: string;
  def: StepDefinition;
  chain: Outcome;
}

export interface Judged {
  step: StepPrediction;
  /** The best-case key of a step judged 'maybe' (see Outcome.optimistic). */
  optimistic?: string;
  /** The earlier step of this build judged the same as this one (see sameStep()). */
  twin?: MadeStep;
  /** Judged 'maybe' for a read whose content the key does not follow (see Outcome.blind). */
  blind?: true;
}

export function judgeStep(scope: VerdictScope, s: StepToJudge): Judged {
  const { known, context, builder } = scope;
  const { ins, stage, slot, key, def, chain } = s;
  const make = (status: StepStatus, reason: Reason): StepPrediction => {
    const made = step(ins, stage.label, def.layer, status, reason, key);
    return def.readCount ? lazyProperty(made, 'reads', () => def.reads) : made;
  };
  const ownChange = (): StepPrediction => {
    const change = {
      keyword: ins.keyword,
      parts: def.parts,
      previous: known.last?.steps[slot],
      lastFiles: known.last?.files,
      fingerprint: context.fingerprint,
      ...(def.changesSince ? { changesSince: def.changesSince } : {}),
      ...(def.named ? { named: namedChanges(scope, def) } : {}),
    };
    return make('rebuilds', explainChange(lazyProperty(change, 'reads', () => def.reads ?? []) as ChangeInput));
  };
  const same = scope.madeHere.get(key);
  if (same && !(same.step.status === 'cached' && known.has(key))) return { step: sameStep(builder, same, make), twin: same };
  // On top of FROM a named folder (R27): BuildKit runs it again at every build, whatever is recorded.
  if (chain.uncached && chain.cause)
    return { step: make('rebuilds', { code: 'parentRebuilds', line: chain.cause.line, keyword: chain.cause.keyword, cause: chain.cause.cause }) };
  if (def.external && chain.status !== 'rebuilds') {
    return { step: make('maybe', def.external), optimistic: bestCaseKey(known, s), blind: true };
  }
  // After such a read the recorded key says nothing of what it copied: Docker reruns this step if that content changed.
  if (known.has(key) && chain.status === 'maybe' && chain.blind && chain.cause)
    return {
      step: make('maybe', { code: 'parentMayRebuild', line: chain.cause.line, keyword: chain.cause.keyword, cause: chain.cause.cause }),
      // Its recorded key is the best case: a later step whose own inputs differ from every recorded build rebuilds.
      optimistic: key,
      blind: true,
    };
  if (known.has(key)) return { step: make('cached', { code: chain.status === 'cached' ? 'unchangedSinceRecorded' : 'sameContentAsRecorded' }) };
  if (known.empty) return { step: make('rebuilds', { code: 'notBuiltYet' }) };
  if (builder === 'buildkit' && secretQuirk(known, s)) {
    return { step: make('maybe', { code: 'secretAfterRerun', line: chain.previous?.line as number }) };
  }
  let optimistic: string | undefined;
  if (chain.status === 'maybe' && chain.optimistic && def.fromStages.length === 0) {
    // Even if everything upstream comes out identical, this step's own inputs differ from every recorded build.
    const best = stepKey(chain.optimistic, def.parts);
    if (!known.has(best)) return { step: ownChange() };
    optimistic = best;
  }
  if (chain.status !== 'cached' && chain.cause) {
    return {
      step: make(chain.status, {
        code: chain.status === 'rebuilds' ? 'parentRebuilds' : 'parentMayRebuild',
        line: chain.cause.line,
        keyword: chain.cause.keyword,
        cause: chain.cause.cause,
      }),
      optimistic,
    };
  }
  const late = known.last?.changedAfter;
  if (late && Object.hasOwn(late.slots, slot)) {
    // Read from Docker's history: this step read a file changed after that build started, so what Docker built
    // from is not known. Cached only if the file was as it is now.
    return { step: make('maybe', { code: 'changedAfterBuild', path: late.slots[slot], time: clockTime(late.at) }) };
  }
  const unsettled = def.fromStages.map((d) => ({ d, end: scope.stageEnd.get(d) })).find((x) => !x.end || x.end.outcome.status !== 'cached');
  if (unsettled) {
    const src = scope.graph.stages[unsettled.d];
    const cause = unsettled.end?.outcome.cause;
    return {
      step: make('maybe', { code: 'dependsOnStage', stage: src.label, ...(cause ? { line: cause.line, keyword: cause.keyword } : {}) }),
      optimistic: bestCaseKey(known, s),
    };
  }
  if (!known.last) return { step: make('rebuilds', { code: 'noRecordedStep' }), optimistic };
  if (known.last.unfinished?.includes(slot)) return { step: make('rebuilds', { code: 'lastBuildStopped' }), optimistic };
  return { step: ownChange(), optimistic };
}

/** `14:02`: the local time of day of `ms`, as the status bar and the reason say it. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** What explainChange compares for each named context a step reads: its files now and at the last recorded build. */
function namedChanges(scope: VerdictScope, def: StepDefinition): NonNullable<ChangeInput['named']> {
  const out: NonNullable<ChangeInput['named']> = {};
  for (const { name, selection } of def.named ?? []) {
    const ctx = scope.named && Object.hasOwn(scope.named, name) ? scope.named[name] : undefined;
    const last = scope.known.last?.named;
    if (!ctx) continue;
    setOwn(out, name, {
      reads: selection.paths,
      lastFiles: last && Object.hasOwn(last, name) ? last[name] : undefined,
      fingerprint: ctx.fingerprint,
      ...(selection.changesSince ? { changesSince: selection.changesSince } : {}),
    });
  }
  return out;
}

/** The chain after a judged step: where its twin left it, or this step's own status and first cause. */
export function chainAfter(chain: Outcome, key: string, judged: Judged): Outcome {
  const s = judged.step;
  // After the same step as an earlier one, the chain is where that one left it (its parent image, or its
  // vertex, is the one this build makes): later steps miss for the same cause, or stay 'maybe'.
  if (judged.twin) return { ...judged.twin.after, key, previous: s };
  if (s.status === 'cached') return { key, status: 'cached', previous: s };
  if (s.status === 'maybe')
    return {
      key,
      status: 'maybe',
      cause: chain.status === 'maybe' ? chain.cause : s,
      previous: s,
      ...(judged.optimistic ? { optimistic: judged.optimistic } : {}),
      ...(judged.blind || (chain.status === 'maybe' && chain.blind) ? { blind: true as const } : {}),
    };
  return {
    key,
    status: 'rebuilds',
    cause: chain.status === 'rebuilds' ? chain.cause : s,
    previous: s,
    ...(chain.uncached ? { uncached: true as const } : {}),
  };
}

/**
 * Same-build reuse (cache-rules R4a): an earlier step of this build (in build order) has the same key, so this
 * build makes that result first. Classic: the cache lookup is "a child of this parent image made by the same
 * instruction", and the earlier step has just committed it, so this one is a hit whatever the earlier one did.
 * BuildKit: both lines are one vertex (same LLB digest), run or loaded once: this step does what that one does.
 */
function sameStep(builder: Builder, first: MadeStep, make: (status: StepStatus, reason: Reason) => StepPrediction): StepPrediction {
  const { step: t } = first;
  if (builder === 'classic') return make('cached', { code: 'sameStepFirst', line: t.line, stage: first.stage });
  return make(t.status as StepStatus, { code: 'sameStepOnce', line: t.line, stage: first.stage });
}

/**
 * The key a content-addressed step ('maybe') has in the best case: the last recorded build's key for this
 * slot, when the chain into it is cached (or itself best-case) and its own parts, other than the source
 * stages' keys, are what that build recorded. Undefined when unknown: later steps then stay 'maybe'.
 */
function bestCaseKey(known: KnownBuilds, { slot, ins, def, chain }: StepToJudge): string | undefined {
  if (chain.status === 'rebuilds' || (chain.status === 'maybe' && !chain.optimistic)) return undefined;
  const prev = known.last?.steps[slot];
  if (!prev || prev.keyword !== ins.keyword || !known.has(prev.key)) return undefined;
  const now = shortenParts(def.parts);
  const same = Object.keys({ ...now, ...prev.parts }).every((k) => k.startsWith('from:') || now[k] === prev.parts[k]);
  return same ? prev.key : undefined;
}

/** C24: an unchanged RUN with a secret mount right after a RUN that re-runs. */
function secretQuirk(known: KnownBuilds, { ins, slot, def, chain }: StepToJudge): boolean {
  if (ins.keyword !== 'RUN' || chain.status !== 'rebuilds' || chain.previous?.keyword !== 'RUN' || chain.previous.status !== 'rebuilds') return false;
  if (!ins.flags.some((f) => f.name === 'mount' && f.value !== undefined && mountOptions(f.value).get('type') === 'secret')) return false;
  const prev = known.last?.steps[slot];
  if (!prev || prev.keyword !== 'RUN') return false;
  const now = shortenParts(def.parts);
  return Object.keys({ ...now, ...prev.parts }).every((k) => now[k] === prev.parts[k]);
}

export function step(ins: Instruction, stage: string, layer: StepPrediction['layer'], status: StepStatus, cause: Reason, key?: string): StepPrediction {
  return { line: ins.line, endLine: ins.endLine, keyword: ins.keyword, stage, layer, status, reason: renderReason(cause), cause, ...(key ? { key } : {}) };
}
