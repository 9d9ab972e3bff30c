// Rule arg-declared-early: an ARG whose value every RUN after it carries in its cache key
// (cache-rules R11): a new --build-arg value reruns all of them, also those that never use it.
// Declaring it right before its first use keeps the RUNs in between cached. Names that tools read
// from the environment without `$NAME` in the Dockerfile (DEBIAN_FRONTEND, NODE_ENV, GOFLAGS,
// proxies, ...) are left alone: moving them would change what those RUNs do.
import { blockStart, deleteLines, insertLines, linesText } from './adviseText';
import { makeAdvice, type Rule } from './adviseRule';
import { argDeclarations } from './stages';
import type { Advice } from './adviseTypes';
import type { Instruction } from './parse';

const IMPLICIT = /^(DEBIAN_FRONTEND|NODE_ENV|NODE_OPTIONS|NPM_CONFIG_.*|YARN_.*|PNPM_.*|PIP_.*|PYTHON.*|UV_.*|POETRY_.*|PIPENV_.*|GO[A-Z0-9_]*|CGO_.*|CARGO_.*|RUST.*|JAVA_.*|JDK_.*|MAVEN_.*|GRADLE_.*|DOTNET_.*|ASPNETCORE_.*|NUGET_.*|COMPOSER_.*|BUNDLE_.*|GEM_.*|RAILS_ENV|RACK_ENV|MIX_ENV|LANG|LANGUAGE|LC_.*|TZ|CI|HOME|PATH|USER|SHELL|TERM|TARGET.*|BUILD.*|SOURCE_DATE_EPOCH|.*_PROXY)$/i;

function mentions(ins: Instruction, name: string): boolean {
  const re = new RegExp(`\\$\\{?${name.replace(/[^A-Za-z0-9_]/g, '')}(?![A-Za-z0-9_])`);
  return re.test(ins.args) || ins.flags.some((f) => re.test(f.value ?? '')) || ins.heredocs.some((h) => re.test(h.content));
}

export const argDeclaredEarly: Rule = (ctx) => {
  const out: Advice[] = [];
  const { t, model } = ctx;
  for (const stage of ctx.graph.stages) {
    stage.instructions.forEach((arg, ai) => {
      if (arg.keyword !== 'ARG') return;
      const decl = argDeclarations(arg, new Map(), ctx.parsed.escape);
      if (decl.length !== 1) return;
      const name = decl[0][0];
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || IMPLICIT.test(name)) return;
      let useIndex = -1;
      for (let j = ai + 1; j < stage.instructions.length; j++) {
        const ins = stage.instructions[j];
        if (ins.keyword === 'ARG' && argDeclarations(ins, new Map(), ctx.parsed.escape).some(([n]) => n === name)) break;
        if (mentions(ins, name) || (ins.keyword === 'ONBUILD' && ins.args.includes(name))) {
          useIndex = j;
          break;
        }
      }
      if (useIndex < 0) return;
      const runs = stage.instructions.slice(ai + 1, useIndex).filter((i) => i.keyword === 'RUN').length;
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
      const message = t('ARG {0} is declared here but first used on line {1}: a new value for it reruns the {2} RUN instruction(s) in between, which do not mention it. Declare it right before its first use (keep it here if those RUNs read it from the environment).', name, use.line, runs);
      out.push(makeAdvice(ctx, 'arg-declared-early', 'info', arg, message, [fix], { related: [{ line: use.line, message: t('first use of {0}', name) }] }));
    });
  }
  return out;
};
