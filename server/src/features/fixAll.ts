// layerLens/fixAll: every fix `layerlens fix` applies to a Dockerfile (core/advise/apply.ts fixAll, one fix at a
// time over the same context), as one WorkspaceEdit on the exact document version it was computed from, for the
// history panel's "Apply fixes". The text it leaves is exactly the text `layerlens fix` writes; a file the fixes
// create (.dockerignore) is a create operation that fails rather than overwrite anything that appeared meanwhile.
// Nothing is applied here: the editor applies the edit (one undo step) or refuses it when the text moved on.
import { join } from 'node:path';
import type { TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import { adviseContextOf } from '../adviseContext';
import { fixAll } from '../core/advise/apply';
import type { Translate } from '../core/shared/translate';
import type { Analysis } from '../documents';
import type { FixAllResult } from '../protocol';
import { createFileChanges, occupied, type EditSupport } from './codeActions';
import { renderMessage } from '../core/shared/message';

export const RESTRICTED_FIX_PROBLEM = 'Layer Lens applies fixes from this panel only in trusted workspaces. Trust this workspace to apply them.';

function refused(problem: string): FixAllResult {
  return { applied: [], createFiles: [], edit: null, version: null, problem };
}

export function fixAllEdit(
  analysis: Analysis | undefined,
  document: { text: string; version: number } | undefined,
  uri: string,
  support: EditSupport,
  trusted: boolean,
  t: Translate,
): FixAllResult {
  if (!trusted) return refused(t('Layer Lens applies fixes from this panel only in trusted workspaces. Trust this workspace to apply them.'));
  if (!document) return refused(t('Open the Dockerfile in an editor to apply its fixes.'));
  if (!analysis?.project) return refused(analysis?.problem ? renderMessage(analysis.problem, t) : t('Open the Dockerfile in an editor to apply its fixes.'));
  if (analysis.limit) return refused(analysis.limit.message);
  const { project } = analysis;
  // The context the fixes read (manifests, the ignore file) is the project's only while it holds this text.
  if (project.text !== document.text) return refused(t('The Dockerfile changed while its fixes were computed. Try again.'));
  const input = { text: document.text, builder: analysis.settings.builder, context: adviseContextOf(project) };
  // The rewrite in `layerlens fix`'s words (the text must not depend on the display language); titles translated.
  const english = fixAll(input);
  const shown = fixAll({ ...input, t });
  const titles = shown.text === english.text && shown.applied.length === english.applied.length ? shown.applied : english.applied;
  const applied = titles.map((a) => a.title);
  const createFiles = english.createFiles.map((f) => f.path);
  if (english.text === document.text && !english.createFiles.length)
    return { applied: [], createFiles: [], edit: null, version: document.version, problem: null };
  if (createFiles.length && (!support.createFiles || !support.documentChanges))
    return refused(t('This editor cannot create files from an edit; run layerlens fix to create {0}.', createFiles.join(', ')));
  const taken = createFiles.find((p) => occupied(join(project.contextDir, ...p.split('/'))));
  if (taken) return refused(t('{0} exists already; the fixes create it. Run layerlens fix to see why.', taken));
  const edits = english.text === document.text ? [] : [minimalEdit(document.text, english.text)];
  let edit: WorkspaceEdit;
  if (!support.documentChanges) edit = { changes: { [uri]: edits } };
  else {
    const changes: NonNullable<WorkspaceEdit['documentChanges']> = [];
    if (edits.length) changes.push({ textDocument: { uri, version: document.version }, edits } satisfies TextDocumentEdit);
    changes.push(...createFileChanges(project.contextDir, english.createFiles));
    edit = { documentChanges: changes };
  }
  return { applied, createFiles, edit, version: document.version, problem: null };
}

/** One replacement of the whole lines that differ (the unchanged lines before and after are left alone). */
export function minimalEdit(before: string, after: string): { range: { start: Position; end: Position }; newText: string } {
  let start = 0;
  const limit = Math.min(before.length, after.length);
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  start = start === 0 ? 0 : before.lastIndexOf('\n', start - 1) + 1;
  let tail = 0;
  while (tail < limit - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  while (tail > 0 && before.charCodeAt(before.length - tail - 1) !== 0x0a) tail--;
  return {
    range: { start: positionAt(before, start), end: positionAt(before, before.length - tail) },
    newText: after.slice(start, after.length - tail),
  };
}

interface Position {
  line: number;
  character: number;
}

function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}
