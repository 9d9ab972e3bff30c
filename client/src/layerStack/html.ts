// The layer stack webview's page (webviewHtml.ts: strict CSP, data only by postMessage).
import type * as vscode from 'vscode';
import { webviewHtml } from '../webviewHtml';

export function layerStackHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewHtml(webview, extensionUri, { stylesheet: 'layerStack.css', script: 'main.js', title: 'Layer Stack', label: 'Layer stack' });
}
