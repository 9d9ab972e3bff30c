// Quick fixes: the fixes core/advise/ offers for the diagnostics under the cursor, as WorkspaceEdits on the
// exact document version they were computed from (the editor refuses them once the text moved on), so a fix
// never lands on text it was not made for. A fix that creates a file (.dockerignore) does it as a file-create
// operation that fails rather than overwrite a file that appeared meanwhile, and is not offered when anything (a
// folder, a symlink) is at that path already.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Fix, Range } from '../core/advise/advise';
import type { Translate } from '../core/shared/translate';
import type { Analysis } from '../documents';
import { adviceDiagnostic } from './diagnostics';

/** What the client said it can apply (InitializeParams.capabilities.workspace.workspaceEdit). */
export interface EditSupport {
  documentChanges: boolean;
  createFiles: boolean;
}

export function codeActions(
  analysis: Analysis | undefined,
  document: { text: string; version: number } | undefined,
  params: CodeActionParams,
  support: EditSupport,
  t: Translate,
): CodeAction[] {
  if (!analysis || !document) return [];
  const only = params.context.only;
  if (only && !only.some((kind) => CodeActionKind.QuickFix === kind || CodeActionKind.QuickFix.startsWith(`${kind}.`))) return [];
  const uri = params.textDocument.uri;
  const contextDir = analysis.project?.text === document.text ? analysis.project.contextDir : undefined;
  const out: CodeAction[] = [];
  for (const advice of analysis.model.at(document.text).advice(t).advice) {
    if (!overlaps(advice.range, params.range)) continue;
    const diagnostic = adviceDiagnostic(uri, advice);
    for (const fix of advice.fixes) {
      const edit = workspaceEdit(uri, document.version, fix, contextDir, support);
      if (!edit) continue;
      out.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.isPreferred === true, edit });
    }
  }
  return out;
}

function workspaceEdit(uri: string, version: number, fix: Fix, contextDir: string | undefined, support: EditSupport): WorkspaceEdit | undefined {
  const files = fix.createFiles ?? [];
  if (files.length && (!support.createFiles || !support.documentChanges || contextDir === undefined)) return undefined;
  // Something already at the path (a folder, or a symlink, even a dangling one, which an editor may create the
  // target of, outside the context): no fix that creates the file there.
  if (files.some((f) => occupied(join(contextDir as string, ...f.path.split('/'))))) return undefined;
  if (!support.documentChanges) return { changes: { [uri]: fix.edits } };
  const changes: NonNullable<WorkspaceEdit['documentChanges']> = [];
  if (fix.edits.length) changes.push({ textDocument: { uri, version }, edits: fix.edits } satisfies TextDocumentEdit);
  changes.push(...createFileChanges(contextDir as string, files));
  return changes.length ? { documentChanges: changes } : undefined;
}

/** Each file as a create operation that fails rather than overwrite (or follow a link), then its text inserted. */
export function createFileChanges(contextDir: string, files: ReadonlyArray<{ path: string; text: string }>): NonNullable<WorkspaceEdit['documentChanges']> {
  return files.flatMap((file) => {
    const fileUri = pathToFileURL(join(contextDir, ...file.path.split('/'))).href;
    return [
      { kind: 'create', uri: fileUri, options: { overwrite: false, ignoreIfExists: false } } as const,
      {
        textDocument: { uri: fileUri, version: null },
        edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.text }],
      },
    ];
  });
}

/** Anything at the path: a file, a folder, a symlink (even a dangling one, whose target an editor may create). */
export function occupied(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
