// The shapes a plan is made of: what planBuild is given (the text, options, the context, what earlier builds left)
// and what it answers (a verdict per step and what recording this state stores), plus the chain state the steps
// pass along while a build is planned (predict.ts walks the stages, verdict.ts judges each step).
import type { ContextAccess, NamedBuildResult, StageState } from './cacheKeys';
import type { ParsedDockerfile } from '../dockerfile/parse';
import type { Plan, PlanOptions, RecordedStep, StepPrediction } from '../shared/types';
import type { Message } from '../shared/message';

/** Beyond this many paths a step's reads are not kept; removals are then found by folder. */
export const MAX_RECORDED_READS = 2000;

/** The last recorded build of one Dockerfile with one builder. */
export interface RecordedBuild {
  steps: Record<string, RecordedStep>;
  /** Context path → fingerprint (type, mode, content) at that build. */
  files: Record<string, string>;
  /** The same for the files read from named contexts that are folders: context name → path → fingerprint (R27). */
  named?: Record<string, Record<string, string>>;
  /** BuildKit only: what its context sync holds per file read (see core/plan/syncState.ts). */
  synced?: Record<string, string>;
  /**
   * Slots of a build that failed or was cancelled which the engine did not finish (so did not cache); their entries
   * in `steps` are from the build before. Absent after a build that finished (see core/plan/finishedBuild.ts).
   */
  unfinished?: string[];
  /**
   * A build read from Docker's own history (Layer Lens did not see its context): slots whose inputs may differ from
   * what Docker built, because a file they read changed after the build started (`at`, ms since the epoch). Slot →
   * that file (context path). Their keys were not recorded; the next plan calls them 'maybe' (changedAfterBuild).
   */
  changedAfter?: { at: number; slots: Record<string, string> };
}

/** What the prediction knows about earlier builds (see core/plan/store.ts). */
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
  /** The named contexts of options.namedContexts that are folders, read (after each folder's own .dockerignore). */
  named?: Record<string, PlanContext>;
  /** Those that are another build's output (Bake `target:`) whose build was planned: name → its result. */
  namedBuilds?: Record<string, NamedBuildResult>;
}

/** planBuild's answer: the plan (a verdict per step, diagnostics) and what recording this state would store. */
export interface RecordablePlan extends Plan {
  /** What `record` stores: every step key and the per-slot parts of this state. */
  recorded: RecordedBuild;
  keys: string[];
  /** Where the target stage's chain ends: the key of the build's last step and its verdict (for a build that uses it). */
  end?: { key: string; status: 'cached' | 'rebuilds' | 'maybe'; cause?: StepPrediction };
  /** Set when the build cannot run (a FROM --platform with no valid platform, R11a): no verdicts, nothing to record. */
  fails?: { line: number; message: string; text: Message };
}

export interface Outcome {
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
  /**
   * The chain goes on from something BuildKit never takes from its cache (FROM a named folder, R27): its steps are
   * not recorded, so they never read as cached.
   */
  uncached?: true;
  /**
   * A 'maybe' chain that goes on from a step whose key does not follow the content it reads (ADD of a URL, a remote
   * or unplanned named context): a later step with a recorded key is not known to be cached, only 'maybe'.
   */
  blind?: true;
}

/** A step of the build being planned, as the first one with its key: for same-build reuse (sameStep()). */
export interface MadeStep {
  step: StepPrediction;
  stage: string;
  /** The chain after it. */
  after: Outcome;
}

/** Where a stage's chain ended and the variables it left (a child stage starts from it). */
export interface StageEnd {
  outcome: Outcome;
  state: StageState;
}
