// Plans over in-memory contexts with an in-memory store: record one state, plan another.
import { planBuild, type RecordablePlan } from '../../server/src/core/plan/predict';
import { planContext } from '../../server/src/diskProject';
import { buildId, emptyStore, knownBuilds, recordBuild, type StoreData } from '../../server/src/core/plan/store';
import { snap, type Spec } from './memoryContext';
import type { Builder, StepStatus } from '../../server/src/core/shared/types';

export interface State {
  dockerfile: string;
  files?: Record<string, Spec>;
  buildArgs?: Record<string, string>;
  target?: string;
  ignore?: string;
  /** Target platform (--platform). */
  platform?: string;
  /** The build machine's platform; default linux/amd64 so that tests do not depend on the machine running them. */
  buildPlatform?: string;
}

export function planState(state: State, builder: Builder, store: StoreData = emptyStore()): RecordablePlan {
  const files = { Dockerfile: state.dockerfile, ...(state.ignore !== undefined ? { '.dockerignore': state.ignore } : {}), ...(state.files ?? {}) };
  const context = planContext(snap(files), state.ignore, builder);
  const options = {
    builder,
    buildArgs: state.buildArgs ?? {},
    dockerfilePath: 'Dockerfile',
    ...(state.target ? { target: state.target } : {}),
    ...(state.platform ? { platform: state.platform } : {}),
    buildPlatform: state.buildPlatform ?? 'linux/amd64',
  };
  return planBuild({ text: state.dockerfile, options, context, known: knownBuilds(store, builder, buildId(builder, 'Dockerfile', state.target)) });
}

export function record(state: State, builder: Builder, store: StoreData = emptyStore()): StoreData {
  const r = planState(state, builder, store);
  return recordBuild(store, builder, buildId(builder, 'Dockerfile', state.target), r.keys, r.recorded);
}

/** Records each earlier state in turn, then plans the last: the usual build, edit, predict loop. */
export function afterBuilds(builder: Builder, ...states: State[]): RecordablePlan {
  let store = emptyStore();
  for (const s of states.slice(0, -1)) store = record(s, builder, store);
  return planState(states[states.length - 1], builder, store);
}

/** "line:STATUS" for every step, e.g. ['1:cached', '2:rebuilds']: compact to assert on. */
export function statuses(r: RecordablePlan): string[] {
  return r.steps.map((s) => `${s.line}:${s.status}`);
}

export function statusAt(r: RecordablePlan, line: number): StepStatus | undefined {
  return r.steps.find((s) => s.line === line)?.status;
}

export function reasonAt(r: RecordablePlan, line: number): string | undefined {
  return r.steps.find((s) => s.line === line)?.reason;
}
