// The first cause of a step's miss in a replayed state, as a short group a summary can count: the files or folders
// whose change it read, `Dockerfile edited`, `build arg NAME`, `base image`, `first build`. Built from the reason
// strings the engine gives today and the paths each step reads; a chained miss takes the cause of the step it
// follows. Kept apart so reasons that become data can replace the string matching here.
import type { StepPrediction } from '../core/shared/types';

export interface CauseInput {
  /** The step planned at a line of the same state. */
  stepAt(line: number): StepPrediction | undefined;
  /** The cause of another step of the same state. */
  cause(step: StepPrediction): string | null;
  /** Context paths that changed since the previous replayed state. */
  changed: ReadonlySet<string>;
}

/** Reasons that name a part of the instruction the Dockerfile's author edited (core/plan/reasons.ts PART_TEXT and kin). */
const DOCKERFILE_EDIT =
  /^(new instruction|command changed|instruction changed|SHELL changed|ENV |WORKDIR changed|USER changed|--\S+ changed|destination changed|heredoc text changed|source paths changed|URL changed|path changed|not built on top of this parent before|platform changed)/;

/** The first folder (with a slash) or the file at the top of each changed path, for grouping. */
export function pathGroup(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : `${path.slice(0, slash)}/`;
}

export function causeOf(step: StepPrediction, input: CauseInput): string | null {
  if (step.status !== 'rebuilds' && step.status !== 'maybe') return null;
  const reason = step.reason;
  const chained = /^(?:parent step (?:rebuilds|may rebuild|\w+): line (\d+)|depends on stage .*?\(line (\d+) )/.exec(reason);
  if (chained) {
    const line = Number(chained[1] ?? chained[2]);
    const at = input.stepAt(line);
    if (at && at !== step) return input.cause(at);
  }
  const same = /^same step as line (\d+)/.exec(reason);
  if (same) {
    const at = input.stepAt(Number(same[1]));
    if (at && at !== step) return input.cause(at);
  }
  if (reason.startsWith('not built yet')) return 'first build';
  if (/^depends on stage /.test(reason)) return 'another stage';
  if (step.keyword === 'FROM') return /^platform changed/.test(reason) ? 'platform' : 'base image';
  const arg = /^(?:build arg (\S+)|depends on build arg (\S+?),)/.exec(reason);
  if (arg) return `build arg ${arg[1] ?? arg[2]}`;
  if (reason === 'build args changed') return 'build args';
  if (reason === 'source stage output changed') return 'another stage';
  if (DOCKERFILE_EDIT.test(reason)) return 'Dockerfile edited';
  if (/(changed|added|removed)$/.test(reason) || reason === 'source files changed') return filesCause(step, input.changed) ?? 'files';
  if (step.status === 'maybe') return 'remote or unknown input';
  return reason;
}

/** The groups of the changed paths this step reads, joined; undefined when none is known. */
function filesCause(step: StepPrediction, changed: ReadonlySet<string>): string | undefined {
  const reads = step.reads;
  const groups = new Set<string>();
  if (reads && changed.size) {
    const read = new Set(reads);
    for (const p of changed) {
      // A removed path is no longer read: count it when a folder that holds it is read.
      if (read.has(p) || read.has(parentOf(p)) || read.has('')) groups.add(pathGroup(p));
    }
  }
  if (!groups.size) {
    // From the reason's list of paths ("a, b and 3 more changed; c added").
    for (const part of step.reason.split('; ')) {
      for (const p of part.replace(/ and \d+ more (changed|added|removed)$| (changed|added|removed)$/, '').split(', '))
        if (p && !p.includes(' ')) groups.add(pathGroup(p));
    }
  }
  if (!groups.size) return undefined;
  return [...groups].sort().join(' + ');
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
