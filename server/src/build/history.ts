// Layer sizes of a built image, from `docker image history --no-trunc --human=false` (newest entry first), mapped to
// the instructions of the stage the image was built from. Both engines write one history entry per instruction of
// that stage and its parents (metadata ones with size 0); an entry's keyword is read from its CreatedBy text:
//   classic : `/bin/sh -c #(nop)  ENV X=1`, `/bin/sh -c #(nop) COPY file:… in /app/`, `|1 A=b /bin/sh -c make` (RUN)
//   BuildKit: `ENV X=1`, `COPY a.txt /app/ # buildkit`, `RUN /bin/sh -c make # buildkit`
// Entries are matched from the newest backwards with a keyword check, so the base image's own entries are never
// taken for ours; an instruction whose keyword does not match (ARG writes no entry with BuildKit) is passed over.
import { parentStage, type DfFile } from './dockerfileReader';

export const HISTORY_FORMAT = '{{.CreatedBy}}\t{{.Size}}';

export interface LayerSize {
  /** 1-based line of the instruction. */
  line: number;
  sizeBytes: number;
}

export function historyKeyword(createdBy: string): string | undefined {
  const nop = /#\(nop\)\s+([A-Z]+)\b/.exec(createdBy);
  if (nop) return nop[1];
  if (/^(\|\d+ .*)?\/bin\/sh -c /.test(createdBy) || /^\|\d+ /.test(createdBy)) return 'RUN';
  const word = /^([A-Z]+)\b/.exec(createdBy);
  return word?.[1];
}

/** Sizes per Dockerfile line for the stage `stageIx` (the target) and the stages it continues (`FROM <stage>`). */
export function layerSizes(historyText: string, df: DfFile, stageIx: number): LayerSize[] {
  const entries = historyText
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const tab = l.lastIndexOf('\t');
      return { keyword: historyKeyword(l.slice(0, tab)), size: Number(l.slice(tab + 1).trim()) };
    });
  const chain: number[] = [];
  for (let s = stageIx; s >= 0 && !chain.includes(s); s = parentStage(df, s)) chain.unshift(s);
  const instructions = chain.flatMap((s) => df.stages[s].instructions.filter((ins) => ins.keyword !== 'FROM'));
  const out: LayerSize[] = [];
  let e = 0;
  for (let i = instructions.length - 1; i >= 0 && e < entries.length; i--) {
    const ins = instructions[i];
    if (entries[e].keyword !== ins.keyword) continue;
    if (Number.isFinite(entries[e].size) && entries[e].size >= 0) out.push({ line: ins.line, sizeBytes: entries[e].size });
    e++;
  }
  return out.reverse();
}
