// The Dockerfile a command run without an argument is about.
import * as vscode from 'vscode';

/**
 * The active editor's Dockerfile; when the active editor is not a text editor (a walkthrough page, a webview
 * panel), the one Dockerfile visible in an editor group, if exactly one is (two would be a guess).
 */
export function activeDockerfile(): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor?.document;
  if (active) return active.languageId === 'dockerfile' ? active : undefined;
  const visible = [...new Set(vscode.window.visibleTextEditors.map((e) => e.document).filter((d) => d.languageId === 'dockerfile'))];
  return visible.length === 1 ? visible[0] : undefined;
}
