// Rule copy-before-install: a broad COPY (`COPY . .`, `COPY src .`) before a dependency install
// makes every source edit rerun the install (cache-rules R3, Part G). The fix (copyInstallFix.ts)
// copies the manifests first, installs, then copies the rest.
//
// The established "dependencies first" patterns are recognised as done, per ecosystem: an install that
// read only manifests before the broad COPY (cargo-chef's `cargo chef cook`, `go mod download`, `pnpm fetch`,
// `yarn workspaces focus`, `npm ci`, `pip install -r`, `uv sync --no-install-project`, `poetry install --no-root`,
// `bundle install`, `composer install --no-scripts --no-autoloader`, `mvn dependency:go-offline`,
// `dotnet restore`, `mix deps.get`, with the manifests copied or bind-mounted), and any run of the
// ecosystem's tool on manifests copied on their own (a dummy-project build, `./gradlew downloadRepos`).
import { analyseRun, cacheTargets, isBroadCopy, manifestsMounted, manifestsNamed, toolsRun, type RunAnalysis, type RunPart } from '../install';
import { copyOperands, makeAdvice, resolveDir, stageWorkdirs, type Rule, type RuleContext } from '../rule';
import { pnpmFetchFix } from '../pnpmFetchFix';
import { copyInstallFix } from './copyInstallFix';
import { goModuleFix } from '../goModuleFix';
import type { Ecosystem } from '../ecosystems';
import type { Instruction } from '../../dockerfile/parse';
import type { Stage } from '../../dockerfile/stages';
import type { Advice, Fix } from '../types';

function shorten(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? one.slice(0, 59) + '…' : one;
}

interface BroadCopy {
  index: number;
  /** Ecosystems whose dependencies were prepared from the manifests before this COPY. */
  prepared: Set<Ecosystem>;
  /** Ecosystems whose manifests a narrow COPY brought in before this COPY. */
  manifests: Set<Ecosystem>;
}

/** Go with its modules vendored beside the go.mod the build uses (or `-mod=vendor`): a build downloads nothing. */
function goVendored(ctx: RuleContext, stage: Stage, ci: number, ri: number, part: RunPart): boolean {
  if (/(^|\s)-mod(=|\s+)vendor(\s|$)/.test(part.text)) return true;
  const ops = copyOperands(stage.instructions[ci]);
  const index = ctx.index();
  if (!ops || !index) return false;
  const root = ops.sources[0]
    .replace(/^\/+/, '')
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
  const join = (a: string, b: string) => (a === '' ? b : b === '' ? a : `${a}/${b}`);
  // The folder of the context the build runs in: its working folder below the COPY's destination.
  const dirs = stageWorkdirs(stage, ctx.graph);
  const dest = resolveDir(dirs[ci], ops.dest);
  const cwd = dirs[ri];
  if (dest === undefined || cwd === undefined || (cwd !== dest && !cwd.startsWith(dest.replace(/\/$/, '') + '/'))) return false;
  const folder = join(root, cwd.slice(dest.replace(/\/$/, '').length).replace(/^\/+/, ''));
  return index.has(join(folder, 'go.mod')) && index.isDir(join(folder, 'vendor'));
}

/** The ecosystems of the RUN that still read the broad COPY's files, after the established patterns are set aside. */
function stillAffected(ctx: RuleContext, stage: Stage, copy: BroadCopy, ri: number, analysis: RunAnalysis): Ecosystem[] {
  const ins = stage.instructions[ri];
  const copyIns = stage.instructions[copy.index];
  const named = manifestsNamed(copyIns);
  const caches = cacheTargets(ins);
  const laterBroad = stage.instructions.slice(ri + 1).some((i) => isBroadCopy(ctx, i));
  const rootCopy = (copyOperands(copyIns)?.sources ?? []).some((s) => /^(\.?\/*|\.\/?)$/.test(s));
  return analysis.ecosystems.filter((eco) => {
    // Dependencies already prepared from the manifests before this COPY: it brings in the rest.
    if (copy.prepared.has(eco)) return false;
    // The COPY names the manifests itself (`COPY Gemfile Gemfile.lock vendor ./`): a deliberate manifests-first COPY.
    if (named.has(eco)) return false;
    // The manifests are copied on their own between this COPY and the install: the install reads those.
    if (stage.instructions.slice(copy.index + 1, ri).some((i) => manifestsNamed(i).has(eco))) return false;
    // Manifests first, then a folder the dependency step needs (a local crate, module or path dependency),
    // and the sources only after the install: the dependencies-first pattern.
    if (copy.manifests.has(eco) && !rootCopy && laterBroad) return false;
    const parts = analysis.parts.filter((p) => p.ecosystems.includes(eco) && (p.kind === 'install' || p.kind === 'build'));
    // A build (not an install) that keeps its downloads in a cache mount does not download them again.
    if (parts.length && parts.every((p) => p.kind === 'build') && eco.downloadCache && caches.some((t) => eco.downloadCache?.test(t))) return false;
    if (eco.id === 'go' && parts.length && parts.every((p) => p.kind === 'build' && goVendored(ctx, stage, copy.index, ri, p))) return false;
    return true;
  });
}

export const copyBeforeInstall: Rule = (ctx) => {
  const out: Advice[] = [];
  const { t } = ctx;
  for (const stage of ctx.graph.stages) {
    const reported = new Set<Instruction>();
    let dirs: Array<string | undefined> | undefined;
    // Ecosystems prepared so far in the stage, those whose manifests came in on their own, and the last broad COPY.
    const prepared = new Set<Ecosystem>();
    const manifests = new Set<Ecosystem>();
    let lastCopy: BroadCopy | undefined;
    stage.instructions.forEach((ins, ri) => {
      if (isBroadCopy(ctx, ins)) {
        lastCopy = { index: ri, prepared: new Set(prepared), manifests: new Set(manifests) };
        return;
      }
      if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        for (const e of manifestsNamed(ins)) manifests.add(e);
        return;
      }
      if (ins.keyword !== 'RUN') return;
      const mounted = manifestsMounted(ins);
      const run = toolsRun(ins);
      for (const e of run.installs) prepared.add(e);
      for (const e of run.tools) if (manifests.has(e) || mounted.has(e)) prepared.add(e);
      if (ins.heredocs.length) return;
      const analysis = analyseRun(ins);
      for (const p of analysis.parts) if (p.kind === 'install') for (const e of p.ecosystems) prepared.add(e);
      if (!analysis.ecosystems.length || !lastCopy) return;
      const copy = stage.instructions[lastCopy.index];
      if (reported.has(copy)) return;
      const affected = stillAffected(ctx, stage, lastCopy, ri, analysis);
      if (!affected.length) return;
      reported.add(copy);
      dirs ??= stageWorkdirs(stage, ctx.graph);
      const trigger = analysis.parts.find((p) => (p.kind === 'install' || p.kind === 'build') && p.ecosystems.some((e) => affected.includes(e))) as RunPart;
      let message =
        trigger.kind === 'install'
          ? t(
              'This COPY brings in the sources before the dependency install on line {0} (`{1}`): any change to a copied file reruns the install and every step after it. Copy the dependency manifests first, install, then copy the rest.',
              ins.line,
              shorten(trigger.text),
            )
          : t(
              'This COPY brings in the sources before line {0} (`{1}`), which also downloads the dependencies: any change to a copied file downloads them again. Fetch the dependencies from the manifests first, then copy the rest.',
              ins.line,
              shorten(trigger.text),
            );
      // The dummy-project prefetch only downloads the crates; cargo-chef also caches their compilation.
      if (trigger.kind === 'build' && trigger.ecosystems.some((e) => e.id === 'cargo'))
        message +=
          ' ' +
          t(
            'cargo-chef (`cargo chef prepare` in a planner stage, `cargo chef cook` from its recipe.json before the COPY) would also cache the compiled dependencies, which a dummy main.rs with `cargo fetch` does not.',
          );
      const result: { fix?: Fix; problem?: string; alternative?: Fix } =
        goModuleFix(ctx, stage, dirs, lastCopy.index, ri, analysis) ?? copyInstallFix(ctx, stage, dirs, lastCopy.index, ri, analysis);
      if (result.problem) message += ' ' + t('No automatic fix: {0}.', result.problem);
      const pnpmFetch = result.fix ? pnpmFetchFix(ctx, stage, dirs, lastCopy.index, ri, analysis) : undefined;
      const fixes = result.fix ? [result.fix, ...(result.alternative ? [result.alternative] : []), ...(pnpmFetch ? [pnpmFetch] : [])] : [];
      out.push(
        makeAdvice(ctx, 'copy-before-install', 'warning', copy, message, fixes, {
          related: [{ line: ins.line, message: t('the dependency install') }],
        }),
      );
    });
  }
  return out;
};
