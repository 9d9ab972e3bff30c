// The layer stack webview's page: a strict CSP (nothing but this page's stylesheets, the codicon font and one
// script carrying a fresh nonce), no data in the markup: everything shown arrives by postMessage.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function layerStackHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const media = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', ...path)).toString();
  const nonce = randomBytes(18).toString('base64');
  const csp = ["default-src 'none'", `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('codicons', 'codicon.css')}">
<link rel="stylesheet" href="${media('layerStack.css')}">
<title>Layer Stack</title>
</head>
<body>
<main id="app" aria-label="Layer stack"></main>
<script nonce="${nonce}" src="${media('dist', 'main.js')}"></script>
</body>
</html>`;
}
