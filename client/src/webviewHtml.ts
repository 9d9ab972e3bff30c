// The page of each Layer Lens webview: a strict CSP (nothing but the page's stylesheets, the codicon font and one
// script carrying a fresh nonce), no data in the markup: everything shown arrives by postMessage.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  /** The page's stylesheet in media/ (after media/webview.css, which every page shares). */
  stylesheet: string;
  /** The page's bundled script in media/dist/. */
  script: string;
  title: string;
  /** The accessible name of the page's main element. */
  label: string;
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
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
<link rel="stylesheet" href="${media('webview.css')}">
<link rel="stylesheet" href="${media(page.stylesheet)}">
<title>${page.title}</title>
</head>
<body>
<main id="app" aria-label="${page.label}"></main>
<script nonce="${nonce}" src="${media('dist', page.script)}"></script>
</body>
</html>`;
}
