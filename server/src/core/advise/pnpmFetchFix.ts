// The `pnpm fetch` form of the copy-before-install fix, offered beside the manifest COPY for pnpm installs
// (pnpm's own Docker recipe): copy only the lockfile (and the files pnpm reads with it), `RUN pnpm fetch`
// before the broad COPY, and install `--offline` after it. The fetch reads only the lockfile, so an edit of a
// workspace's package.json (a script, a version) no longer downloads again, and in a workspace no package.json
// has to be listed. The broad COPY and every other line stay where they are; the install only gains `--offline`.
import { manifestLines, runLine } from './rules/copyInstallFix';
import { blockStart, insertLines } from './text';
import { copyOperands, keywordAsWritten, resolveDir, type RuleContext } from './rule';
import type { RunAnalysis } from './install';
import type { Stage } from '../dockerfile/stages';
import type { Fix, TextEdit } from './types';

/** What pnpm reads besides the lockfile when it fetches: settings, overrides, catalogs, hooks, registries. */
const WITH_LOCKFILE = ['pnpm-workspace.yaml', '.npmrc', '.pnpmfile.cjs'];
const INSTALL = /^pnpm\s+(install|i)(\s|$)/;

export function pnpmFetchFix(ctx: RuleContext, stage: Stage, dirs: Array<string | undefined>, ci: number, ri: number, analysis: RunAnalysis): Fix | undefined {
  const { t, model } = ctx;
  const copy = stage.instructions[ci];
  const run = stage.instructions[ri];
  if (run.json || run.heredocs.length) return undefined;
  const installs = analysis.parts.filter((p) => p.kind === 'install');
  // Only plain `pnpm install` of the workspace (not a filtered one, not one already offline), no `cd` before it.
  if (!installs.length || installs.some((p) => !INSTALL.test(p.text) || /\s--(offline|filter|lockfile-only)\b|\s-F\s/.test(p.text))) return undefined;
  if (analysis.parts.some((p) => p.kind === 'cd')) return undefined;
  const ops = copyOperands(copy);
  if (!ops || ops.sources.length !== 1) return undefined;
  // pnpm fetch runs where the lockfile lands, which must be where the install runs.
  const dest = resolveDir(dirs[ci], ops.dest);
  if (dest === undefined || dest !== dirs[ci] || dirs[ri] !== dest) return undefined;
  const index = ctx.index();
  if (!index) return undefined;
  const root = ops.sources[0]
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
  const at = (f: string) => (root === '' ? f : `${root}/${f}`);
  if (!index.has(at('pnpm-lock.yaml')) || index.isDir(at('pnpm-lock.yaml'))) return undefined;
  const files = ['pnpm-lock.yaml', ...WITH_LOCKFILE.filter((f) => index.has(at(f)) && !index.isDir(at(f)))];

  // `--offline` after each `pnpm install` / `pnpm i` of the RUN, where it is written (continuations kept).
  const edits: TextEdit[] = [];
  for (let line = run.line - 1; line < run.endLine; line++) {
    for (const m of model.lines[line].matchAll(/\bpnpm\s+(?:install|i)\b/g)) {
      const character = (m.index ?? 0) + m[0].length;
      edits.push({ range: { start: { line, character }, end: { line, character } }, newText: ' --offline' });
    }
  }
  if (edits.length !== installs.length) return undefined;
  const prod = installs.some((p) => /\s(--prod|-P|--production)\b/.test(p.text)) ? ' --prod' : '';
  const copyKeyword = copy.keyword === 'COPY' ? keywordAsWritten(model, copy) : 'COPY';
  const lockfile = manifestLines(copyKeyword, copy.flags, root, ops.dest, [{ dir: '', files }], model.eol);
  const previous = ci > 0 ? stage.instructions[ci - 1] : stage.from;
  // The fetch keeps the install's cache mounts and network flag (the store it fills is the one the install reads).
  edits.unshift(insertLines(model, blockStart(model, copy, previous), lockfile + runLine(model, run, `pnpm fetch${prod}`, true) + model.eol));
  return {
    title: t('Fetch with `pnpm fetch` from {0} before copying the sources, then install offline', files.join(', ')),
    edits,
    rewrites: [run.line],
    isPreferred: false,
  };
}
