// The plan's smaller pieces: a step's record for the store, a build its FROM --platform stops (no verdicts), the
// layer an instruction makes and a metadata step's reason. Split from predict.ts.
import { lazyProperty } from '../shared/lazy';
import { renderMessage, type Message } from '../shared/message';
import { GLOBAL_STAGE, type Stage, type StageGraph } from '../dockerfile/stages';
import type { Instruction } from '../dockerfile/parse';
import type { StepDefinition } from './keyInputs';
import { shortenParts } from './reasons';
import type { Reason } from './reason';
import { step } from './verdict';
import { MAX_RECORDED_READS, type RecordablePlan } from './planTypes';
import type { Builder, Diagnostic, RecordedStep, StepPrediction } from '../shared/types';

export function record(keyword: string, key: string, def: Pick<StepDefinition, 'parts' | 'reads' | 'readCount'>): RecordedStep {
  // Shortened and listed when the record is stored or compared with, not on every plan.
  const parts = def.parts;
  const out = lazyProperty({ keyword, key } as RecordedStep, 'parts', () => shortenParts(parts));
  const n = def.readCount ?? 0;
  return n > 0 && n <= MAX_RECORDED_READS ? lazyProperty(out, 'reads', () => def.reads) : out;
}

/**
 * The stage whose FROM --platform gives no valid platform and stops the build (R11a): BuildKit checks every stage's
 * platform before building anything; the classic builder fails when it reaches the stage (the stages it builds).
 */
export function platformFailure(stages: Stage[], builder: Builder, built: ReadonlySet<number>): Stage | undefined {
  return stages.find((s) => s.platformError !== undefined && (builder === 'buildkit' || built.has(s.index)));
}

/** A plan for a build that fails before it builds anything: no verdicts, nothing recorded. */
export function refusedPlan(graph: StageGraph, builder: Builder, failing: Stage, diagnostics: Diagnostic[]): RecordablePlan {
  const why: Reason = { code: 'buildFails', line: failing.from.line };
  const steps: StepPrediction[] = graph.globalArgs.map((ins) => step(ins, GLOBAL_STAGE, 'none', 'none', why));
  for (const stage of graph.stages) {
    for (const ins of [stage.from, ...stage.instructions]) {
      steps.push(step(ins, stage.label, layerOf(ins, builder), 'skipped', why));
    }
  }
  steps.sort((a, b) => a.line - b.line);
  return {
    steps,
    diagnostics,
    recorded: { steps: {}, files: {} },
    keys: [],
    fails: { line: failing.from.line, message: renderMessage(failing.platformError as Message), text: failing.platformError as Message },
  };
}

export function layerOf(ins: Instruction, builder: Builder): StepPrediction['layer'] {
  if (['RUN', 'COPY', 'ADD'].includes(ins.keyword)) return 'filesystem';
  if (ins.keyword === 'WORKDIR') return builder === 'classic' || ins.args.trim() !== '/' ? 'filesystem' : 'metadata';
  if (ins.keyword === 'FROM') return ins.args.trim().toLowerCase().startsWith('scratch') ? 'none' : 'filesystem';
  return 'metadata';
}

export function metaReason(ins: Instruction): Reason {
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
