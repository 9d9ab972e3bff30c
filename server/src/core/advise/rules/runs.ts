// Rule consecutive-runs (information only): RUN instructions in a row could share one layer. It
// is a trade-off, not a mistake: one RUN means fewer layers and lets a later command's deletions
// keep files out of the image, but a change to any part reruns the whole RUN.
import { makeAdvice, type Rule } from '../rule';
import type { Advice } from '../types';
import type { Instruction } from '../../dockerfile/parse';

export const consecutiveRuns: Rule = (ctx) => {
  const out: Advice[] = [];
  const { t } = ctx;
  for (const stage of ctx.graph.stages) {
    let group: Instruction[] = [];
    const flush = () => {
      if (group.length >= 2) {
        const first = group[0];
        const last = group[group.length - 1];
        const message = t(
          '{0} RUN instructions in a row make {0} layers. Joined with && they make one layer, and files one command creates and a later one deletes never reach the image; but then a change to any of them reruns all of them. Keep a slow step that rarely changes (such as a dependency install) in its own RUN so it stays cached.',
          group.length,
        );
        out.push(
          makeAdvice(ctx, 'consecutive-runs', 'hint', { line: first.line, endLine: last.endLine }, message, [], {
            related: group.slice(1).map((r) => ({ line: r.line, message: t('RUN in the same group') })),
          }),
        );
      }
      group = [];
    };
    for (const ins of stage.instructions) {
      if (ins.keyword === 'RUN') group.push(ins);
      else flush();
    }
    flush();
  }
  return out;
};
