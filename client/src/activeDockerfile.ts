// The Dockerfile a command run without an argument is about.
import * as vscode from 'vscode';

/**
 * The active editor's Dockerfile. When the active editor is not a text editor (a walkthrough page, a webview
 * panel): the one Dockerfile visible in an editor group, else the one Dockerfile open in any tab; none when there
 * are two or more (that would be a guess).
 */
export function activeDockerfile(): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor?.document;
  if (active) return active.languageId === 'dockerfile' ? active : undefined;
  const visible = unique(vscode.window.visibleTextEditors.map((e) => e.document));
  if (visible.length > 0) return visible.length === 1 ? visible[0] : undefined;
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => (t.input instanceof vscode.TabInputText ? t.input.uri.toString() : '')));
  const open = unique(vscode.workspace.textDocuments.filter((d) => tabs.includes(d.uri.toString())));
  return open.length === 1 ? open[0] : undefined;
}

function unique(documents: readonly vscode.TextDocument[]): vscode.TextDocument[] {
  return [...new Set(documents.filter((d) => d.languageId === 'dockerfile'))];
}
