// Rule cmd-overridden: only the last CMD and the last ENTRYPOINT of a stage reach the image; the
// earlier ones have no effect at all (BuildKit: not even on the cache, cache-rules R14). The fix
// removes the earlier instruction; its comments stay.
import { deleteLines } from '../text';
import { makeAdvice, type Rule } from '../rule';
import type { Advice } from '../types';

export const cmdOverridden: Rule = (ctx) => {
  const out: Advice[] = [];
  const { t, model } = ctx;
  for (const stage of ctx.graph.stages) {
    for (const keyword of ['CMD', 'ENTRYPOINT']) {
      const all = stage.instructions.filter((i) => i.keyword === keyword);
      const last = all[all.length - 1];
      for (const ins of all.slice(0, -1)) {
        const message = t('Only the last {0} of a stage counts: the one on line {1} replaces this one, which has no effect.', keyword, last.line);
        out.push(
          makeAdvice(
            ctx,
            'cmd-overridden',
            'warning',
            ins,
            message,
            [
              {
                title: t('Remove this {0}', keyword),
                edits: [deleteLines(model, ins.line - 1, ins.endLine - 1)],
                rewrites: [ins.line],
                isPreferred: true,
              },
            ],
            { tags: ['unnecessary'], related: [{ line: last.line, message: t('the {0} that counts', keyword) }] },
          ),
        );
      }
    }
  }
  return out;
};
