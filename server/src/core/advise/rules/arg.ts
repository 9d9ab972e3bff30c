// Rule arg-declared-early: an ARG whose value every RUN after it carries in its cache key
// (cache-rules R11): a new --build-arg value reruns all of them, also those that never use it.
// Declaring it right before its first use keeps the RUNs in between cached. Names that tools read
// from the environment without `$NAME` in the Dockerfile (DEBIAN_FRONTEND, NODE_ENV, GOFLAGS,
// proxies, ...) are left alone: moving them would change what those RUNs do.
import { blockStart, deleteLines, insertLines, linesText } from '../text';
import { makeAdvice, type Rule } from '../rule';
import { argDeclarations } from '../../dockerfile/stages';
import type { Advice } from '../types';
import type { Instruction } from '../../dockerfile/parse';

const IMPLICIT =
  /^(DEBIAN_FRONTEND|NODE_ENV|NODE_OPTIONS|NPM_CONFIG_.*|YARN_.*|PNPM_.*|PIP_.*|PYTHON.*|UV_.*|POETRY_.*|PIPENV_.*|GO[A-Z0-9_]*|CGO_.*|CARGO_.*|RUST.*|JAVA_.*|JDK_.*|MAVEN_.*|GRADLE_.*|DOTNET_.*|ASPNETCORE_.*|NUGET_.*|COMPOSER_.*|BUNDLE_.*|GEM_.*|RAILS_ENV|RACK_ENV|MIX_ENV|LANG|LANGUAGE|LC_.*|TZ|CI|HOME|PATH|USER|SHELL|TERM|TARGET.*|BUILD.*|SOURCE_DATE_EPOCH|.*_PROXY)$/i;

/** Names an instruction refers to as `$NAME` or `${NAME...}` (what a per-name `\$\{?NAME\b` test would find). */
function mentioned(ins: Instruction): Set<string> {
  const names = new Set<string>();
  const scan = (text: string) => {
    for (const m of text.matchAll(/\$\{?([A-Za-z0-9_]+)/g)) names.add(m[1]);
  };
  scan(ins.args);
  for (const f of ins.flags) scan(f.value ?? '');
  for (const h of ins.heredocs) scan(h.content);
  return names;
}

export const argDeclaredEarly: Rule = (ctx) => {
  const out: Advice[] = [];
  const { t, model } = ctx;
  for (const stage of ctx.graph.stages) {
    const list = stage.instructions;
    const declared = list.map((ins) => (ins.keyword === 'ARG' ? argDeclarations(ins, new Map(), ctx.parsed.escape).map(([n]) => n) : []));
    // One pass from the end: for each name, the first later instruction that declares it again (stop) or
    // mentions it (its first use), so each ARG finds its first use without scanning what follows it.
    const next = new Map<string, { index: number; use: boolean }>();
    const onbuilds: number[] = [];
    const firstUse: Array<number | undefined> = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const ins = list[i];
      if (ins.keyword === 'ARG' && declared[i].length === 1) {
        const name = declared[i][0];
        const event = next.get(name);
        const stop = event ? event.index : list.length;
        // ONBUILD text naming it anywhere counts as a use too; those are few, so they are searched.
        // `onbuilds` runs from the last index down: the last match is the earliest ONBUILD.
        let onbuild: number | undefined;
        for (let k = onbuilds.length - 1; k >= 0 && onbuilds[k] < stop && onbuild === undefined; k--)
          if (list[onbuilds[k]].args.includes(name)) onbuild = onbuilds[k];
        firstUse[i] = onbuild ?? (event?.use ? event.index : undefined);
      }
      const mentions = mentioned(ins);
      for (const name of mentions) next.set(name, { index: i, use: true });
      for (const name of declared[i]) next.set(name, { index: i, use: false });
      if (ins.keyword === 'ONBUILD') onbuilds.push(i);
    }
    // runsBefore[i]: RUN instructions among list[0..i-1].
    const runsBefore = [0];
    for (const ins of list) runsBefore.push(runsBefore[runsBefore.length - 1] + (ins.keyword === 'RUN' ? 1 : 0));
    list.forEach((arg, ai) => {
      if (arg.keyword !== 'ARG') return;
      const decl = declared[ai];
      if (decl.length !== 1) return;
      const name = decl[0];
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || IMPLICIT.test(name)) return;
      const useIndex = firstUse[ai] ?? -1;
      if (useIndex < 0) return;
      const runs = runsBefore[useIndex] - runsBefore[ai + 1];
      if (runs === 0) return;
      const use = stage.instructions[useIndex];
      const from = blockStart(model, arg, ai > 0 ? stage.instructions[ai - 1] : stage.from);
      const to = blockStart(model, use, stage.instructions[useIndex - 1]);
      const fix = {
        title: t('Move ARG {0} down to just before line {1}', name, use.line),
        edits: [deleteLines(model, from, arg.endLine - 1), insertLines(model, to, linesText(model, from, arg.endLine - 1))],
        rewrites: [],
        isPreferred: true,
      };
      const message = t(
        'ARG {0} is declared here but first used on line {1}: a new value for it reruns the {2} RUN instruction(s) in between, which do not mention it. Declare it right before its first use (keep it here if those RUNs read it from the environment).',
        name,
        use.line,
        runs,
      );
      out.push(makeAdvice(ctx, 'arg-declared-early', 'info', arg, message, [fix], { related: [{ line: use.line, message: t('first use of {0}', name) }] }));
    });
  }
  return out;
};
