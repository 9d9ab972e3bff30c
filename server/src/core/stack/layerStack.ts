// The layer stack view model: a plan turned into what the webview draws. Per stage, in build
// order: the base image at the bottom, one block per filesystem layer (its size estimated from the context
// files a COPY/ADD selects, or recorded from a real build), metadata instructions as thin bands, and the
// writable container layer on top of the target stage (sizes and run times recorded by real builds win); edges for FROM <stage>, COPY --from and
// RUN --mount=from=; stages the target does not need dimmed; one summary line. Pure: plain data in, JSON out.
import { flagValue, parseDockerfile, type Instruction, type ParsedDockerfile } from '../dockerfile/parse';
import { buildOrder, buildStageGraph, graphOptions, mountOptions, resolveStageRef, selectStages, type Stage } from '../dockerfile/stages';
import type { CostedPrediction } from '../plan/cost';
import { englishT, type Translate } from '../shared/translate';
import { renderReason, type Reason } from '../plan/reason';
import type { Builder, StepStatus } from '../shared/types';
import { msg, renderMessage, type Message } from '../shared/message';
import { formatBytes, formatDuration, instructionText } from './stackText';

export { formatBytes, formatDuration, instructionText, MAX_TEXT } from './stackText';

const NOT_PREDICTED: Reason = { code: 'notPredicted' };

export interface LayerStackInput {
  /** The Dockerfile text the steps were predicted for. */
  text: string;
  /** parseDockerfile(text), when the caller has it already. */
  parsed?: ParsedDockerfile;
  builder: Builder;
  buildArgs: Record<string, string>;
  target?: string;
  /** Target platform, as in PlanOptions. */
  platform?: string;
  /** Named contexts, as in PlanOptions: a `--from` naming one is not an arrow from the stage of that name (R27). */
  namedContexts?: Record<string, string>;
  /**
   * The plan's steps, one per instruction, with what real builds recorded (core/plan/cost.ts): the layer's size on
   * any step, the run time on the steps that rebuild or may.
   */
  steps: readonly CostedPrediction[];
  /** Size in bytes of a context path a step reads; undefined for folders and unknown paths. */
  sizeOf?: (path: string) => number | undefined;
}

export type BlockKind = 'base' | 'layer' | 'metadata';
export type SizeSource = 'estimate' | 'recorded' | 'unknown';
export type EdgeKind = 'from' | 'copy' | 'mount';

export interface DrawnBlock {
  /** 1-based first and last line of the instruction. */
  line: number;
  endLine: number;
  keyword: string;
  /** The instruction as written (flags included), on one line, shortened past MAX_TEXT characters. */
  text: string;
  kind: BlockKind;
  status: StepStatus;
  /** Codicon name and a word: the verdict never rests on colour alone. */
  icon: string;
  verdict: string;
  reason: string;
  /** `reason` as a value (core/plan/reason.ts): the editor renders it in its display language. */
  cause: Reason;
  bytes: number | null;
  size: SizeSource;
  /** "≈ 1.2 kB from 3 files", "12.4 MB (recorded)", "size unknown": the English text of `sizeWords`. */
  sizeText: string;
  /** `sizeText` as a value (core/shared/message.ts): the editor renders it in its display language. */
  sizeWords: Message;
  /** 0..1 on a log scale against the largest known block of the drawing; null when the size is unknown. */
  weight: number | null;
  /** Context files the step reads (folders left out), for "pick changed files". */
  files: string[];
  /** Recorded run time, when a real build measured it. */
  durationMs?: number;
  /** The stage this block reads from (FROM <stage>, COPY --from, RUN --mount=from=). */
  fromStage?: number;
}

export interface DrawnStage {
  index: number;
  /** "deps", or the index as text for an unnamed stage. */
  label: string;
  /** Not built for this target: drawn dimmed. */
  needed: boolean;
  target: boolean;
  /** Bottom of the stack: the FROM line (an image, `scratch`, or the stage it continues). */
  base: DrawnBlock;
  /** Above the base, bottom to top (file order). */
  blocks: DrawnBlock[];
  /** The dashed writable container layer on top (the target stage only). */
  container: boolean;
}

export interface DrawnEdge {
  /** Stage read from → stage (and line) that reads it. */
  from: number;
  to: number;
  line: number;
  kind: EdgeKind;
  /** "FROM deps", "COPY --from=deps", "RUN --mount=from=deps". */
  text: string;
}

export interface LayerSummary {
  text: string;
  layers: number;
  rebuild: number;
  maybe: number;
  /** `reason` is `cause` in its short form (renderReason's `short`). */
  firstMiss: { line: number; text: string; reason: string; cause: Reason } | null;
  /** Sum of recorded run times of the layers that rebuild, and how many of them have one. */
  costMs: number;
  timed: number;
}

export interface LayerStackModel {
  /** Built stages in build order, then the stages the target does not need (file order). */
  stages: DrawnStage[];
  edges: DrawnEdge[];
  summary: LayerSummary;
}

/** Files listed per block for the simulation picker (a `COPY . .` can read the whole context). */
export const MAX_FILES = 500;

const VERDICT: Record<StepStatus, { icon: string; verdict: string }> = {
  cached: { icon: 'pass', verdict: 'cached' },
  rebuilds: { icon: 'sync', verdict: 'rebuilds' },
  maybe: { icon: 'question', verdict: 'maybe' },
  skipped: { icon: 'circle-slash', verdict: 'skipped' },
  none: { icon: 'dash', verdict: 'no build step' },
};

export function layerStackModel(input: LayerStackInput): LayerStackModel {
  const parsed = input.parsed ?? parseDockerfile(input.text);
  const graph = buildStageGraph(parsed, input.buildArgs, graphOptions(input));
  const selection = selectStages(graph, input.builder, input.target);
  const byLine = new Map(input.steps.map((s) => [s.line, s]));
  const { order } = buildOrder(graph, selection.needed);
  const unneeded = graph.stages.filter((s) => !selection.needed.has(s.index)).map((s) => s.index);
  const edges: DrawnEdge[] = [];
  const stages = [...order, ...unneeded].map((i) => drawStage(graph.stages[i]));
  scaleWeights(stages);
  return { stages, edges, summary: summarise(stages) };

  function drawStage(stage: Stage): DrawnStage {
    const base = drawBlock(stage.from, stage, 'base');
    if (stage.parent !== undefined) {
      base.fromStage = stage.parent;
      edges.push({ from: stage.parent, to: stage.index, line: stage.from.line, kind: 'from', text: `FROM ${graph.stages[stage.parent].label}` });
    }
    const blocks = stage.instructions.map((ins) => {
      const step = byLine.get(ins.line);
      const block = drawBlock(ins, stage, step?.layer === 'filesystem' ? 'layer' : 'metadata');
      for (const { ref, kind } of stageRefs(ins)) {
        const source = resolveStageRef(ref, graph.stages, stage.index, graph.namedContexts);
        if (!source) continue;
        block.fromStage ??= source.index;
        edges.push({
          from: source.index,
          to: stage.index,
          line: ins.line,
          kind,
          text: kind === 'copy' ? `${ins.keyword} --from=${ref}` : `RUN --mount=from=${ref}`,
        });
      }
      return block;
    });
    const needed = selection.needed.has(stage.index);
    const target = stage.index === selection.target;
    return { index: stage.index, label: stage.label, needed, target, base, blocks, container: target && needed };
  }

  function drawBlock(ins: Instruction, stage: Stage, kind: BlockKind): DrawnBlock {
    const step = byLine.get(ins.line);
    const status: StepStatus = step?.status ?? 'skipped';
    const files = (step?.reads ?? []).filter((p) => input.sizeOf?.(p) !== undefined);
    const size = measure(ins, stage, kind, files, step?.sizeBytes);
    return {
      line: ins.line,
      endLine: ins.endLine,
      keyword: ins.keyword,
      text: instructionText(ins),
      kind,
      status,
      ...VERDICT[status],
      reason: step?.reason ?? renderReason(NOT_PREDICTED),
      cause: step?.cause ?? NOT_PREDICTED,
      ...size,
      weight: null,
      files: files.slice(0, MAX_FILES),
      ...(step?.durationMs !== undefined ? { durationMs: step.durationMs } : {}),
    };
  }

  function measure(
    ins: Instruction,
    stage: Stage,
    kind: BlockKind,
    files: string[],
    recorded: number | undefined,
  ): Pick<DrawnBlock, 'bytes' | 'size' | 'sizeText' | 'sizeWords'> {
    const sized = (bytes: number | null, size: SizeSource, sizeWords: Message) => ({ bytes, size, sizeText: renderMessage(sizeWords), sizeWords });
    if (recorded !== undefined && kind !== 'metadata') return sized(recorded, 'recorded', msg('sizeRecorded', formatBytes(recorded)));
    if (kind === 'metadata') return sized(0, 'estimate', msg('sizeMetadata'));
    if (kind === 'base') {
      if (stage.parent !== undefined) return sized(null, 'unknown', msg('sizeStageLayers', graph.stages[stage.parent].label));
      if (stage.image?.toLowerCase() === 'scratch') return sized(0, 'estimate', msg('sizeEmptyImage'));
      return sized(null, 'unknown', msg('sizeImageUnknown'));
    }
    const fromContext = (ins.keyword === 'COPY' || ins.keyword === 'ADD') && flagValue(ins, 'from') === undefined && files.length > 0;
    if (fromContext) {
      const bytes = files.reduce((sum, p) => sum + (input.sizeOf?.(p) ?? 0), 0);
      return sized(bytes, 'estimate', msg(files.length === 1 ? 'sizeFromFile' : 'sizeFromFiles', formatBytes(bytes), files.length));
    }
    if (ins.keyword === 'WORKDIR') return sized(0, 'estimate', msg('sizeFolder'));
    return sized(null, 'unknown', msg('sizeUnknown'));
  }
}

/** `COPY --from=x` and every `RUN --mount=...,from=x`. */
function stageRefs(ins: Instruction): Array<{ ref: string; kind: EdgeKind }> {
  const refs: Array<{ ref: string; kind: EdgeKind }> = [];
  const from = ins.keyword === 'COPY' || ins.keyword === 'ADD' ? flagValue(ins, 'from') : undefined;
  if (from) refs.push({ ref: from, kind: 'copy' });
  if (ins.keyword === 'RUN') {
    for (const f of ins.flags) {
      const ref = f.name === 'mount' && f.value ? mountOptions(f.value).get('from') : undefined;
      if (ref) refs.push({ ref, kind: 'mount' });
    }
  }
  return refs;
}

/**
 * Full height for the largest known layer, and never less than a megabyte: a 29-byte COPY must not look like a
 * big layer because nothing larger is known. Log scale, so a 200 MB install does not flatten a 2 kB COPY.
 */
export const FULL_HEIGHT_BYTES = 1_000_000;

function scaleWeights(stages: DrawnStage[]): void {
  const blocks = stages.flatMap((s) => [s.base, ...s.blocks]).filter((b) => b.kind !== 'metadata');
  const top = Math.log1p(Math.max(FULL_HEIGHT_BYTES, ...blocks.map((b) => b.bytes ?? 0)));
  for (const b of blocks) if (b.bytes !== null) b.weight = Math.log1p(b.bytes) / top;
}

/** "3 of 7 layers rebuild; first miss: COPY . /app (src/app.js changed)". */
function summarise(stages: DrawnStage[]): LayerSummary {
  const layers = stages
    .filter((s) => s.needed)
    .flatMap((s) => [s.base, ...s.blocks])
    .filter((b) => b.kind !== 'metadata' && b.status !== 'none' && b.status !== 'skipped');
  const rebuild = layers.filter((b) => b.status === 'rebuilds');
  const maybe = layers.filter((b) => b.status === 'maybe');
  const miss = rebuild[0] ?? maybe[0];
  const firstMiss = miss ? { line: miss.line, text: miss.text, reason: renderReason(miss.cause, englishT, { short: true }), cause: miss.cause } : null;
  const timed = rebuild.filter((b) => b.durationMs !== undefined);
  const costMs = timed.reduce((sum, b) => sum + (b.durationMs ?? 0), 0);
  const counts = { layers: layers.length, rebuild: rebuild.length, maybe: maybe.length, firstMiss, costMs, timed: timed.length };
  return { text: summaryText(counts), ...counts };
}

/** The summary line from its numbers; the editor passes its `t` (and the first miss's reason translated). */
export function summaryText(summary: Omit<LayerSummary, 'text'>, t: Translate = englishT): string {
  const { layers: n, rebuild, maybe, firstMiss, costMs, timed } = summary;
  if (n === 0) return t('No layers to build');
  if (!firstMiss) return n === 1 ? t('The only layer is cached') : t('All {0} layers cached', n);
  let text =
    n === 1
      ? t('{0} of {1} layer rebuilds', rebuild, n)
      : rebuild === 1
        ? t('{0} of {1} layers rebuilds', rebuild, n)
        : t('{0} of {1} layers rebuild', rebuild, n);
  if (maybe) text += t(', {0} maybe', maybe);
  text += t('; first miss: {0} ({1})', firstMiss.text, firstMiss.reason);
  if (timed && timed === rebuild) text += t('; rebuild ≈ {0}', formatDuration(costMs, t));
  else if (timed) text += t('; rebuild ≥ {0} ({1} of {2} timed)', formatDuration(costMs, t), timed, rebuild);
  return text;
}
