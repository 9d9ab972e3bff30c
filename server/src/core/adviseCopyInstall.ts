// Rule copy-before-install: a broad COPY (`COPY . .`, `COPY src .`) before a dependency install
// makes every source edit rerun the install (cache-rules R3, Part G). The fix (adviseCopyInstallFix)
// copies the manifests first, installs, then copies the rest.
import { analyseRun, isBroadCopy, type RunPart } from './adviseInstall';
import { makeAdvice, stageWorkdirs, type Rule } from './adviseRule';
import { copyInstallFix } from './adviseCopyInstallFix';
import type { Ecosystem } from './adviseEcosystems';
import type { Instruction } from './parse';
import type { Advice } from './adviseTypes';

function shorten(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? one.slice(0, 59) + '…' : one;
}

export const copyBeforeInstall: Rule = (ctx) => {
  const out: Advice[] = [];
  const { t } = ctx;
  for (const stage of ctx.graph.stages) {
    const reported = new Set<Instruction>();
    let dirs: Array<string | undefined> | undefined;
    // Ecosystems installed so far in the stage, and the last broad COPY with those seen before it.
    const installed = new Set<Ecosystem>();
    let lastCopy: { index: number; installedBefore: Set<Ecosystem> } | undefined;
    stage.instructions.forEach((ins, ri) => {
      if (isBroadCopy(ctx, ins)) {
        lastCopy = { index: ri, installedBefore: new Set(installed) };
        return;
      }
      if (ins.keyword !== 'RUN' || ins.heredocs.length) return;
      const analysis = analyseRun(ins);
      for (const p of analysis.parts) if (p.kind === 'install') for (const e of p.ecosystems) installed.add(e);
      if (!analysis.ecosystems.length || !lastCopy) return;
      const ci = lastCopy.index;
      const copy = stage.instructions[ci];
      const before = lastCopy.installedBefore;
      if (reported.has(copy) || analysis.ecosystems.some((e) => before.has(e))) return;
      reported.add(copy);
      dirs ??= stageWorkdirs(stage, ctx.graph);
      const trigger = analysis.parts.find((p) => p.kind === 'install' || p.kind === 'build') as RunPart;
      let message = trigger.kind === 'install'
        ? t('This COPY brings in the sources before the dependency install on line {0} (`{1}`): any change to a copied file reruns the install and every step after it. Copy the dependency manifests first, install, then copy the rest.', ins.line, shorten(trigger.text))
        : t('This COPY brings in the sources before line {0} (`{1}`), which also downloads the dependencies: any change to a copied file downloads them again. Fetch the dependencies from the manifests first, then copy the rest.', ins.line, shorten(trigger.text));
      const result = copyInstallFix(ctx, stage, dirs, ci, ri, analysis);
      if (result.problem) message += ' ' + t('No automatic fix: {0}.', result.problem);
      out.push(makeAdvice(ctx, 'copy-before-install', 'warning', copy, message, result.fix ? [result.fix] : [], {
        related: [{ line: ins.line, message: t('the dependency install') }],
      }));
    });
  }
  return out;
};
