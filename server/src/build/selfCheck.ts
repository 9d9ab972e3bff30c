// The self-check after a real build: the prediction made right before it, step by step, against what the engine
// did. A disagreement is a step predicted cached that Docker ran, or predicted to rebuild that Docker took from its
// cache (or a step Docker built in a stage predicted not to be built). `maybe` never disagrees; FROM is not a cache
// lookup (classic prints the base image ID, BuildKit resolves the image) and is left out, as in the oracle.
import type { CostedPrediction } from '../core/plan/cost';
import type { StepStatus } from '../core/shared/types';
import type { LayerSize } from './history';
import type { ActualStep, StepOutcome } from './progress';

export interface StepComparison {
  line: number;
  keyword: string;
  /** The instruction's first line as written (trimmed). */
  text: string;
  predicted: StepStatus;
  reason: string;
  /** What the engine did; `not reported` when it printed no step for this instruction. */
  actual: StepOutcome | 'not reported';
  durationMs?: number;
  sizeBytes?: number;
  agrees: boolean;
}

export interface Disagreement {
  line: number;
  keyword: string;
  predicted: StepStatus;
  actual: StepOutcome;
  /** "line 5 COPY . /app: predicted cached, Docker rebuilt". */
  message: string;
}

const ACTUAL_WORDS: Record<StepOutcome, string> = {
  cached: 'Docker used its cache',
  ran: 'Docker rebuilt',
  error: 'the step failed',
  canceled: 'the step was cancelled',
  incomplete: 'the step did not finish',
};

export function compareWithBuild(
  predicted: CostedPrediction[],
  actual: ActualStep[],
  layers: LayerSize[],
  source: string[],
): { rows: StepComparison[]; disagreements: Disagreement[] } {
  const byLine = new Map(actual.map((s) => [s.line, s]));
  const sizes = new Map(layers.map((l) => [l.line, l.sizeBytes]));
  const rows: StepComparison[] = [];
  const disagreements: Disagreement[] = [];
  for (const p of predicted) {
    const a = byLine.get(p.line);
    const text = instructionText(source, p.line, p.keyword);
    const agrees = !a || agreement(p.keyword, p.status, a.outcome);
    const size = sizes.get(p.line);
    rows.push({
      line: p.line,
      keyword: p.keyword,
      text,
      predicted: p.status,
      reason: p.reason,
      actual: a?.outcome ?? 'not reported',
      agrees,
      ...(a?.durationMs !== undefined ? { durationMs: a.durationMs } : {}),
      ...(size !== undefined ? { sizeBytes: size } : {}),
    });
    if (!agrees && a) {
      disagreements.push({
        line: p.line,
        keyword: p.keyword,
        predicted: p.status,
        actual: a.outcome,
        message: `line ${p.line} ${text}: predicted ${p.status}, ${ACTUAL_WORDS[a.outcome]}`,
      });
    }
  }
  return { rows, disagreements };
}

function agreement(keyword: string, predicted: StepStatus, actual: StepOutcome): boolean {
  if (keyword === 'FROM' || predicted === 'maybe' || predicted === 'none') return true;
  if (actual !== 'cached' && actual !== 'ran') return true; // failed or cancelled: nothing to compare
  if (predicted === 'skipped') return false;
  return (predicted === 'cached') === (actual === 'cached');
}

function instructionText(source: string[], line: number, keyword: string): string {
  const text = (source[line - 1] ?? keyword).trim().replace(/\s*\\$/, ' …');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
