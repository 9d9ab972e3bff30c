// The fix of copy-before-install. With C the broad COPY, I the metadata between, R the RUN:
//   move:     C I R        -> I M R C        (R only installs: it moves above C, untouched)
//   split:    C I R(a&&b)  -> I M R(a) C R(b) (R installs, then builds: the install part moves)
//   prefetch: C I R        -> M P C I R      (R builds and downloads: P fetches from the manifests)
// M copies the manifests that exist, keeping C's --chown/--chmod/--link and destination. Lines
// are moved byte for byte; only R is rewritten, and only by `split`. When the rewrite could build a
// different image, no fix is offered and `problem` says why.
import { planManifests, type ManifestGroup } from '../manifests';
import { analyseRun, cacheTargets, manifestsProvided, type RunAnalysis } from '../install';
import { bindMountFlags } from '../bindFix';
import { blockStart, deleteLines, insertLines, linesText, replaceLines } from '../text';
import { copyOperands, flagText, INERT, keywordAsWritten, resolveDir, RUN_METADATA, type RuleContext } from '../rule';
import { mountOptions, type Stage } from '../../dockerfile/stages';
import type { Fix, TextEdit } from '../types';
import type { Flag, Instruction } from '../../dockerfile/parse';

export const KEPT_COPY_FLAGS = new Set(['chown', 'chmod', 'link']);

export function destFolder(dest: string, sub: string): string {
  const base = dest === '.' || dest === './' ? '.' : dest.replace(/\/+$/, '');
  return (base === '' ? '/' : base + '/') + (sub === '' ? '' : sub + '/');
}

function copyLine(keyword: string, flags: Flag[], sources: string[], dest: string): string {
  const flagPart = flags.map((f) => flagText(f) + ' ').join('');
  if ([...sources, dest].some((s) => /[\s"']/.test(s))) return `${keyword} ${flagPart}${JSON.stringify([...sources, dest]).replace(/","/g, '", "')}`;
  return `${keyword} ${flagPart}${sources.join(' ')} ${dest}`;
}

export function manifestLines(keyword: string, flags: Flag[], root: string, dest: string, groups: ManifestGroup[], eol: string): string {
  const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);
  return groups
    .map((g) => {
      if (g.wholeDir) return copyLine(keyword, flags, [join(root, g.dir)], destFolder(dest, g.dir)) + eol;
      return (
        copyLine(
          keyword,
          flags,
          g.files.map((f) => join(root, join(g.dir, f))),
          destFolder(dest, g.dir),
        ) + eol
      );
    })
    .join('');
}

/** A RUN keeping R's flags (all of them, or only those that do not read the sources). */
export function runLine(model: RuleContext['model'], run: Instruction, command: string, cacheFlagsOnly: boolean): string {
  const flags = run.flags.filter(
    (f) => !cacheFlagsOnly || f.name === 'network' || (f.name === 'mount' && (mountOptions(f.value ?? '').get('type') ?? 'bind') !== 'bind'),
  );
  return [keywordAsWritten(model, run), ...flags.map(flagText), command].join(' ');
}

type Mode = 'move' | 'split' | 'prefetch';

function chooseMode(a: RunAnalysis): { mode: Mode; prefix: number } | undefined {
  const ready = (k: string) => k === 'install' || k === 'free' || k === 'cd';
  if (a.parts.every((p) => ready(p.kind)) && a.parts.some((p) => p.kind === 'install')) return { mode: 'move', prefix: a.parts.length };
  let prefix = 0;
  while (prefix < a.parts.length && ready(a.parts[prefix].kind)) prefix++;
  const split =
    a.simple &&
    !a.parts.some((p) => p.kind === 'cd') &&
    a.parts.slice(0, prefix).some((p) => p.kind === 'install') &&
    a.separators.slice(0, prefix).every((s) => s === '&&');
  if (split) return { mode: 'split', prefix };
  if (a.parts.some((p) => p.kind === 'build') && !a.parts.some((p) => p.kind === 'cd')) return { mode: 'prefetch', prefix: 0 };
  return undefined;
}

export function copyInstallFix(
  ctx: RuleContext,
  stage: Stage,
  dirs: Array<string | undefined>,
  ci: number,
  ri: number,
  analysis: RunAnalysis,
): { fix?: Fix; problem?: string; alternative?: Fix } {
  const { t, model } = ctx;
  const copy = stage.instructions[ci];
  const run = stage.instructions[ri];
  const between = stage.instructions.slice(ci + 1, ri);
  // RUNs that read nothing from the sources (apt-get install, corepack enable) may stay in between.
  const sourceFree = (i: Instruction) => i.keyword === 'RUN' && !i.heredocs.length && analyseRun(i).parts.every((p) => p.kind === 'free');
  if (between.some((i) => !INERT.has(i.keyword) && !RUN_METADATA.has(i.keyword) && !sourceFree(i)))
    return { problem: t('other build steps sit between this COPY and the install') };
  const ops = copyOperands(copy);
  if (!ops || ops.sources.length !== 1 || copy.flags.some((f) => !KEPT_COPY_FLAGS.has(f.name)))
    return { problem: t('this COPY uses sources or options the rewrite does not handle') };
  if (copy.flags.some((f) => (f.value ?? '').includes('$')) && between.some((i) => i.keyword === 'ENV' || i.keyword === 'ARG'))
    return { problem: t('this COPY uses variables that the lines after it change') };
  const index = ctx.index();
  if (!index) return { problem: t('the build context is not known, so the manifests cannot be listed') };
  const chosen = chooseMode(analysis);
  if (!chosen) return { problem: t('the install is mixed with other commands in the same RUN') };
  const { mode, prefix } = chosen;
  let cwd = dirs[ri];
  for (const p of analysis.parts.slice(0, mode === 'prefetch' ? analysis.parts.length : prefix))
    if (p.kind === 'cd') cwd = resolveDir(cwd, p.text.replace(/^cd\s+/, ''));

  const used = mode === 'prefetch' ? analysis.parts.filter((p) => p.kind === 'build') : analysis.parts.slice(0, prefix).filter((p) => p.kind === 'install');
  const ecosystems = [...new Set(used.flatMap((p) => p.ecosystems))];
  const root = ops.sources[0]
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
  const provided = manifestsProvided(stage, ci, run, ecosystems);
  const needed = !ecosystems.every((e) => provided.has(e));
  // New manifest COPYs land in the COPY's destination: the install must run there.
  if (needed && (cwd === undefined || cwd !== resolveDir(dirs[ci], ops.dest)))
    return { problem: t('the install does not run in the folder the sources are copied to') };
  const plan = planManifests(
    index,
    root,
    ecosystems,
    used.map((p) => p.text),
    t,
    { prefetch: mode === 'prefetch', needed },
  );
  if (plan.problem) return { problem: plan.problem };
  const groups = plan.groups;
  const eol = model.eol;
  const copyKeyword = copy.keyword === 'COPY' ? keywordAsWritten(model, copy) : keywordAsWritten(model, copy) === 'add' ? 'copy' : 'COPY';
  const manifests = manifestLines(copyKeyword, copy.flags, root, ops.dest, groups, eol);
  const names = groups.flatMap((g) => g.files.map((f) => (g.dir && !g.wholeDir ? `${g.dir}/${f}` : f)));
  const list = names.length > 4 ? `${names.slice(0, 4).join(', ')}, …` : names.join(', ');

  const previous = ci > 0 ? stage.instructions[ci - 1] : stage.from;
  const copyStart = blockStart(model, copy, previous);
  const runStart = blockStart(model, run, stage.instructions[ri - 1]);
  const copyText = linesText(model, copyStart, copy.endLine - 1);
  // The edits of the fix: `manifestText` before the install (the COPY form), or `bind` flags on it (BuildKit form).
  const make = (manifestText: string, bind: string): { edits: TextEdit[]; rewrites: number[]; problem?: string } => {
    const edits: TextEdit[] = [];
    const withBind = (line: string) => (bind ? line.replace(/^(\S+ )/, `$1${bind} `) : line);
    if (mode === 'prefetch') {
      const prefetches = [...new Set(used.map((p) => p.prefetch as string))];
      edits.push(insertLines(model, copyStart, manifestText + withBind(runLine(model, run, prefetches.join(' && '), true)) + eol));
      return { edits, rewrites: [] };
    }
    edits.push(deleteLines(model, copyStart, copy.endLine - 1));
    if (manifestText) edits.push(insertLines(model, runStart, manifestText));
    if (mode === 'move') {
      if (bind) {
        const m = /^\s*\S+\s+/.exec(model.lines[run.line - 1]);
        if (!m) return { edits: [], rewrites: [], problem: 'keyword' };
        edits.push({
          range: { start: { line: run.line - 1, character: m[0].length }, end: { line: run.line - 1, character: m[0].length } },
          newText: bind + ' ',
        });
      }
      edits.push(insertLines(model, run.endLine, copyText));
      return { edits, rewrites: bind ? [run.line] : [] };
    }
    const interior = model.lines.slice(run.line, run.endLine).some((l) => /^\s*(#|$)/.test(l));
    if (interior) return { edits: [], rewrites: [], problem: t('the RUN has comment lines inside, which splitting it would lose') };
    const multi = run.endLine > run.line;
    const joined = (from: number, to: number) =>
      analysis.parts
        .slice(from, to)
        .map((p, i) => {
          if (i === 0) return p.text;
          const sep = analysis.separators[from + i - 1];
          return (multi ? ` ${ctx.parsed.escape}${eol}    ${sep === ';' ? '; ' : '&& '}` : sep === ';' ? '; ' : ' && ') + p.text;
        })
        .join('');
    const first = withBind(runLine(model, run, joined(0, prefix), false));
    const rest = runLine(model, run, joined(prefix, analysis.parts.length), false);
    edits.push(replaceLines(model, run.line - 1, run.endLine - 1, first + eol + copyText + rest + eol));
    return { edits, rewrites: [run.line] };
  };
  const main = make(manifests, '');
  if (main.problem) return { problem: main.problem };
  const { edits, rewrites } = main;
  const title =
    mode === 'prefetch'
      ? names.length
        ? t('Fetch the dependencies from {0} before copying the sources', list)
        : t('Fetch the dependencies before copying the sources')
      : names.length
        ? t('Copy {0} first, install, then copy the rest', list)
        : t('Move this COPY below the install on line {0}', run.line);
  // Where BuildKit builds: the same order with the manifests bind-mounted into the install instead of copied.
  let alternative: Fix | undefined;
  if (ctx.builder === 'buildkit' && groups.length) {
    const bind = bindMountFlags({
      root,
      dest: ops.dest,
      groups,
      ecosystems,
      commands: mode === 'prefetch' ? used.map((p) => p.prefetch as string) : used.map((p) => p.text),
      existingCaches: cacheTargets(run),
      asRoot: !stage.instructions.slice(0, ri).some((i) => i.keyword === 'USER'),
    });
    const made = bind ? make('', bind) : undefined;
    if (made && !made.problem)
      alternative = {
        title: t('Install from {0} mounted with BuildKit (RUN --mount), then copy the rest', list),
        edits: made.edits,
        rewrites: made.rewrites,
        isPreferred: false,
      };
  }
  return { fix: { title, edits, rewrites, isPreferred: true }, ...(alternative ? { alternative } : {}) };
}
