// The copy-before-install fix for a Go module in a subfolder of the copied sources (a Go service inside a JS
// monorepo): `COPY . .`, then `WORKDIR` into the module's folder, then `go build` or `go mod download`. The
// module's go.mod and go.sum are copied first into the folder that WORKDIR names and its modules downloaded
// there (cache-rules R3, Part G); every line of the original stays as it is, the build then finds the modules.
import { planManifests } from './manifests';
import { analyseRun, type RunAnalysis } from './install';
import { blockStart, insertLines } from './text';
import { copyOperands, INERT, keywordAsWritten, resolveDir, RUN_METADATA, type RuleContext } from './rule';
import { destFolder, KEPT_COPY_FLAGS, manifestLines, runLine } from './rules/copyInstallFix';
import type { Stage } from '../dockerfile/stages';
import type { Fix } from './types';
import type { Instruction } from '../dockerfile/parse';

const join = (a: string, b: string) => (a === '' ? b : b === '' ? a : `${a}/${b}`);

/** Undefined when the install is not a Go one run in a folder below the COPY's destination. */
export function goModuleFix(
  ctx: RuleContext,
  stage: Stage,
  dirs: Array<string | undefined>,
  ci: number,
  ri: number,
  analysis: RunAnalysis,
): { fix?: Fix; problem?: string } | undefined {
  const { t, model } = ctx;
  const used = analysis.parts.filter((p) => p.kind === 'install' || p.kind === 'build');
  if (!used.length || used.some((p) => p.ecosystems.some((e) => e.id !== 'go')) || analysis.parts.some((p) => p.kind === 'cd')) return undefined;
  const copy = stage.instructions[ci];
  const run = stage.instructions[ri];
  const ops = copyOperands(copy);
  if (!ops || ops.sources.length !== 1) return undefined;
  const dest = resolveDir(dirs[ci], ops.dest);
  const cwd = dirs[ri];
  if (dest === undefined || cwd === undefined || !dest.startsWith('/') || !cwd.startsWith(dest.replace(/\/+$/, '') + '/')) return undefined;
  if (copy.flags.some((f) => !KEPT_COPY_FLAGS.has(f.name))) return { problem: t('this COPY uses sources or options the rewrite does not handle') };
  // Nothing moves: the lines between only must not read the sources (a WORKDIR may change folders).
  const sourceFree = (i: Instruction) => i.keyword === 'RUN' && !i.heredocs.length && analyseRun(i).parts.every((p) => p.kind === 'free');
  if (stage.instructions.slice(ci + 1, ri).some((i) => !INERT.has(i.keyword) && !RUN_METADATA.has(i.keyword) && i.keyword !== 'WORKDIR' && !sourceFree(i))) {
    return { problem: t('other build steps sit between this COPY and the install') };
  }
  const index = ctx.index();
  if (!index) return { problem: t('the build context is not known, so the manifests cannot be listed') };
  const root = ops.sources[0]
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
  if (root.startsWith('/') || root.split('/').includes('..')) return undefined;
  // The module: the nearest go.mod from the working folder up to the copied folder.
  const sub = cwd.slice(dest.replace(/\/+$/, '').length + 1).replace(/\/+$/, '');
  const segments = sub.split('/');
  let moduleDir: string | undefined;
  for (let n = segments.length; n >= 0 && moduleDir === undefined; n--) {
    const d = segments.slice(0, n).join('/');
    if (index.has(join(join(root, d), 'go.mod'))) moduleDir = d;
  }
  if (moduleDir === undefined) return { problem: t('none of the {0} manifests is in the context', 'go') };
  // A module inside a larger repository often replaces modules with folders beside it (`=> ../../`), which the
  // download would need: without go.mod's text that cannot be ruled out, so no fix.
  if (index.readText(join(join(root, moduleDir), 'go.mod')) === undefined)
    return { problem: t('go.mod could not be read, so its local replacements are not known') };
  const plan = planManifests(
    index,
    join(root, moduleDir),
    used.flatMap((p) => p.ecosystems).slice(0, 1),
    used.map((p) => p.text),
    t,
    { prefetch: true, needed: true },
  );
  if (plan.problem) return { problem: plan.problem };
  const keyword = copy.keyword === 'COPY' ? keywordAsWritten(model, copy) : keywordAsWritten(model, copy) === 'add' ? 'copy' : 'COPY';
  const folder = destFolder(ops.dest, moduleDir).replace(/\/+$/, '');
  const manifests = manifestLines(keyword, copy.flags, join(root, moduleDir), folder, plan.groups, model.eol);
  const absolute = moduleDir === '' ? dest.replace(/(.)\/+$/, '$1') : `${dest.replace(/\/+$/, '')}/${moduleDir}`;
  if (/[\s"'$;&|<>`\\]/.test(absolute)) return undefined;
  const prefetch = runLine(model, run, `cd ${absolute} && go mod download`, true) + model.eol;
  const previous = ci > 0 ? stage.instructions[ci - 1] : stage.from;
  const title = t('Fetch the Go modules of {0} before copying the sources', join(join(root, moduleDir), 'go.mod'));
  return { fix: { title, edits: [insertLines(model, blockStart(model, copy, previous), manifests + prefetch)], rewrites: [], isPreferred: true } };
}
