// "Layer Lens: Show Build Context": what the build context of a document sends to Docker (core/context/report.ts,
// the same facts as `layerlens context`), as a tree of labelled nodes in the display language. Pure: it reads the
// analysis's context snapshot (file metadata the plan already scanned), no git, nothing run, trusted or not.
import { join } from 'node:path';
import { contextReport, formatBytes, warningText, type ContextReport, type ContextWarningKind } from '../core/context/report';
import { englishT, type Translate } from '../core/shared/translate';
import type { Analysis } from '../documents';
import type { BuildContextNode, BuildContextResult } from '../protocol';
import { renderMessage } from '../core/shared/message';

/** Folders listed under "Kept out": the example paths shown per pattern. */
const MAX_PATHS = 5;

export function buildContext(analysis: Analysis, t: Translate = englishT): BuildContextResult {
  const project = analysis.project;
  if (!project) {
    return {
      contextDir: null,
      ignoreFile: null,
      fixTarget: null,
      report: null,
      nodes: [],
      problem: analysis.problem ? renderMessage(analysis.problem, t) : t('This Dockerfile has no build context on disk (is it saved?).'),
    };
  }
  const raw = contextReport(project.snapshot, project.ignoreText, project.ignoreFile);
  const report: ContextReport = { ...raw, problems: [...(project.ignoreProblems ?? []), ...raw.problems] };
  const ignoreName = project.ignoreFile ?? '.dockerignore';
  return {
    contextDir: project.contextDir,
    ignoreFile: project.ignoreFile ?? null,
    // A fix adds its line to the ignore file in effect, or creates .dockerignore at the context's root.
    fixTarget: join(project.contextDir, ignoreName),
    report,
    nodes: contextNodes(report, project.ignoreFile, ignoreName, t),
    problem: null,
  };
}

/** core/context/report.ts's warning templates (`{0}` the folder, `{1}` its size), in the display language. */
function warningTemplate(kind: ContextWarningKind, t: Translate): string {
  switch (kind) {
    case 'large':
      return t('the context is large ({1}): every build sends all of it; keep out what the image does not need');
    case 'vcs':
      return t('{0} is sent ({1}): version control history the image does not need, and any commit changes it');
    case 'dependencies':
      return t('{0} is sent ({1}): dependencies installed on this machine; the image should install its own');
    case 'virtualenv':
      return t('{0} is sent ({1}): a Python virtualenv made on this machine; the image should make its own');
  }
}

const files = (n: number, t: Translate): string => (n === 1 ? t('1 file') : t('{0} files', n));
const size = (n: { files: number; bytes: number }, t: Translate): string => `${files(n.files, t)}, ${formatBytes(n.bytes)}`;

/** The tree: the total, warnings (each with its fix), the largest folders, what each pattern kept out, problems. */
export function contextNodes(report: ContextReport, ignoreFile: string | undefined, ignoreName: string, t: Translate): BuildContextNode[] {
  const nodes: BuildContextNode[] = [];
  nodes.push({
    label: t('Sent to Docker: {0}', size(report, t)),
    description: report.folders === 1 ? t('1 folder') : t('{0} folders', report.folders),
    icon: 'cloud-upload',
  });
  nodes.push({
    label: ignoreFile ? t('Ignore file: {0}', ignoreFile) : t('Ignore file: none (nothing is kept out)'),
    ...(ignoreFile ? { description: t('{0} kept out', size({ files: report.excludedFiles, bytes: report.excludedBytes }, t)) } : {}),
    icon: 'filter',
  });
  for (const w of report.warnings) {
    const text = warningText(w, () => warningTemplate(w.kind, t));
    nodes.push({
      label: text,
      tooltip: text,
      icon: 'warning',
      kind: 'warning',
      ...(w.fix ? { children: [{ label: t('Fix: add "{0}" to {1}', w.fix, ignoreName), icon: 'lightbulb', kind: 'fix', fix: w.fix }] } : {}),
    });
  }
  if (report.largest.length) {
    nodes.push({
      label: t('Largest folders sent'),
      icon: 'folder',
      children: report.largest.map((f) => ({
        label: f.path === '.' ? t('. (files directly in the context)') : `${f.path}/`,
        description: size(f, t),
        icon: 'folder',
      })),
    });
  }
  if (report.excluded.length) {
    nodes.push({
      label: t('Kept out by the ignore file'),
      icon: 'eye-closed',
      children: report.excluded.map((g) => {
        const shown = g.paths.slice(0, MAX_PATHS);
        const more = g.pathCount - shown.length;
        return {
          label: g.pattern,
          description: size(g, t),
          icon: 'filter',
          children: [...shown.map((p) => ({ label: p, icon: 'file' })), ...(more > 0 ? [{ label: t('and {0} more', more), icon: 'ellipsis' }] : [])],
        };
      }),
    });
  }
  if (report.problems.length) {
    nodes.push({ label: t('Problems'), icon: 'error', children: report.problems.map((p) => ({ label: p, tooltip: p, icon: 'error' })) });
  }
  return nodes;
}
