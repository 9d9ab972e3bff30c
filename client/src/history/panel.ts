// "Layer Lens: Replay History": a webview panel with what `layerlens history` computes for the active Dockerfile,
// asked from the language server (layerLens/history: git runs there, hardened, and only in a trusted workspace).
// The replay runs behind a cancellable progress notification; the server keeps answers per HEAD commit.
import { webviewHtml } from '../webviewHtml';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  fixAllRequest,
  historyProgressNotification,
  historyRequest,
  renderReason,
  type FixAllResult,
  type HistoryParams,
  type HistoryResultView,
} from '../../../server/src/protocol';
import { HISTORY_WEBVIEW_STRINGS, type FixesView, type FromHistoryWebview, type HistoryPanelView, type ToHistoryWebview } from './messages';
import { activeDockerfile } from '../activeDockerfile';
import { historyReplayedKey, tickStep } from '../walkthrough';

export const replayHistoryCommand = 'layerLens.replayHistory';
export const historyViewType = 'layerLens.history';

export function registerHistory(context: vscode.ExtensionContext, client: LanguageClient): void {
  const controller = new HistoryController(context, client);
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand(replayHistoryCommand, (uri?: vscode.Uri) => controller.show(uri)),
  );
}

class HistoryController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private uri: string | undefined;
  private view: HistoryPanelView | undefined;
  private cache: 'all' | 'previous' = 'all';
  private running: vscode.CancellationTokenSource | undefined;
  private progress: { report(value: { message?: string; increment?: number }): void; done: number } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The "Apply fixes" action's state, asked again after each edit of the Dockerfile. */
  private fixes: FixesView = { titles: [], createFiles: [], disabled: null, outcome: null };
  private fixesAsked = 0;
  private fixesTimer: ReturnType<typeof setTimeout> | undefined;
  private applying = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
  ) {
    this.disposables.push(
      client.onNotification(historyProgressNotification, (p: { uri: string; done: number; total: number }) => {
        const progress = this.progress;
        if (!progress || p.uri !== this.uri || !(p.total > 0)) return;
        progress.report({ message: vscode.l10n.t('{0} of {1} commits', p.done, p.total), increment: ((p.done - progress.done) / p.total) * 100 });
        progress.done = p.done;
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!this.panel || e.document.uri.toString() !== this.uri || !e.contentChanges.length) return;
        clearTimeout(this.fixesTimer);
        this.fixesTimer = setTimeout(() => void this.refreshFixes(), 300);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refreshFixes()),
    );
  }

  async show(target: vscode.Uri | undefined): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Layer Lens replays the git history only in trusted workspaces: it runs git on the repository. Trust this workspace to replay its history.',
        ),
      );
      return;
    }
    const uri = target instanceof vscode.Uri ? target.toString() : (activeDockerfile()?.uri.toString() ?? this.uri);
    if (!uri) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: open a Dockerfile to replay its git history.'));
      return;
    }
    if (uri !== this.uri) this.fixes = { titles: [], createFiles: [], disabled: null, outcome: null };
    this.uri = uri;
    if (this.panel) this.panel.reveal(undefined, true);
    else
      this.attach(
        vscode.window.createWebviewPanel(
          historyViewType,
          vscode.l10n.t('Git History'),
          { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
          { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'media')] },
        ),
      );
    void this.refreshFixes();
    await this.replay();
  }

  dispose(): void {
    clearTimeout(this.fixesTimer);
    this.running?.cancel();
    for (const d of this.disposables) d.dispose();
    this.panel?.dispose();
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.html = historyHtml(panel.webview, this.context.extensionUri);
    const subscription = panel.webview.onDidReceiveMessage((message: FromHistoryWebview) => void this.received(message));
    panel.onDidDispose(() => {
      subscription.dispose();
      this.running?.cancel();
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private async received(message: FromHistoryWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (this.view) this.post(this.view);
        return;
      case 'replay':
        this.cache = message.cache === 'previous' ? 'previous' : 'all';
        return this.replay();
      case 'reveal':
        if (this.uri && Number.isSafeInteger(message.line) && message.line > 0) await revealLine(this.uri, message.line);
        return;
      case 'applyFixes':
        return this.applyFixes();
    }
  }

  /** What `layerlens fix` would apply now (the server computes it on the open document), for the panel's button. */
  private async ask(uri: string): Promise<FixAllResult> {
    // Opened (not shown) so the server has the editor's text and version.
    await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    return this.client.sendRequest(fixAllRequest, { uri });
  }

  private async refreshFixes(): Promise<void> {
    const uri = this.uri;
    if (!uri || !this.panel) return;
    const asked = ++this.fixesAsked;
    let next: Omit<FixesView, 'outcome'>;
    if (!vscode.workspace.isTrusted) next = { titles: [], createFiles: [], disabled: untrustedFixes() };
    else {
      try {
        next = fixesView(await this.ask(uri));
      } catch (error) {
        next = { titles: [], createFiles: [], disabled: vscode.l10n.t('The Layer Lens server did not answer: {0}', String(error)) };
      }
    }
    if (asked !== this.fixesAsked || uri !== this.uri) return;
    this.fixes = { ...next, outcome: this.fixes.outcome };
    if (this.view) this.post(this.view);
  }

  /** Applies what `layerlens fix` changes as one workspace edit (one undo step), then says what it applied. */
  private async applyFixes(): Promise<void> {
    const uri = this.uri;
    if (!uri || this.applying) return;
    this.applying = true;
    let outcome: string;
    try {
      if (!vscode.workspace.isTrusted) outcome = untrustedFixes();
      else {
        const result = await this.ask(uri);
        if (result.problem) outcome = result.problem;
        else if (!result.edit || !result.applied.length) outcome = nothingToFix();
        else {
          const edit = await this.client.protocol2CodeConverter.asWorkspaceEdit(result.edit);
          if (await vscode.workspace.applyEdit(edit)) {
            const titles = result.applied.join('; ');
            const files = result.createFiles.join(', ');
            if (result.applied.length === 1)
              outcome = files
                ? vscode.l10n.t('Applied the fix and created {0}: {1}. Undo (Ctrl+Z in the Dockerfile) reverts it; save to keep it.', files, titles)
                : vscode.l10n.t('Applied the fix: {0}. Undo (Ctrl+Z in the Dockerfile) reverts it; save to keep it.', titles);
            else
              outcome = files
                ? vscode.l10n.t(
                    'Applied {0} fixes and created {1}: {2}. Undo (Ctrl+Z in the Dockerfile) reverts them; save to keep them.',
                    result.applied.length,
                    files,
                    titles,
                  )
                : vscode.l10n.t('Applied {0} fixes: {1}. Undo (Ctrl+Z in the Dockerfile) reverts them; save to keep them.', result.applied.length, titles);
          } else outcome = vscode.l10n.t('The Dockerfile changed before the fixes could be applied; nothing was changed. Apply fixes again.');
        }
      }
    } catch (error) {
      outcome = vscode.l10n.t('The Layer Lens server did not answer: {0}', String(error));
    } finally {
      this.applying = false;
    }
    this.fixes = { ...this.fixes, outcome };
    await this.refreshFixes();
    if (this.view) this.post(this.view);
  }

  private base(message: string | null): HistoryPanelView {
    const uri = this.uri ? vscode.Uri.parse(this.uri) : undefined;
    const fileName = uri ? uri.path.slice(uri.path.lastIndexOf('/') + 1) : '';
    // The server replays layerLens.history.commits (it reads the setting for the document); shown as set.
    const commits = vscode.workspace.getConfiguration('layerLens', uri).get<number>('history.commits', 50);
    return { fileName, result: null, message, cache: this.cache, commits, fixes: this.fixes, strings: webviewStrings() };
  }

  private async replay(): Promise<void> {
    const uri = this.uri;
    if (!uri || !this.panel) return;
    this.running?.cancel();
    const source = new vscode.CancellationTokenSource();
    this.running = source;
    this.panel.title = vscode.l10n.t('Git History: {0}', this.base(null).fileName);
    this.post(this.base(vscode.l10n.t('Replaying the git history…')));
    const params: HistoryParams = { uri, cache: this.cache, fixed: true };
    let view: HistoryPanelView;
    try {
      const result = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Layer Lens: replaying the git history of {0}', this.base(null).fileName),
          cancellable: true,
        },
        async (progress, token) => {
          this.progress = { report: (v) => progress.report(v), done: 0 };
          token.onCancellationRequested(() => source.cancel());
          try {
            return await this.client.sendRequest(historyRequest, params, source.token);
          } finally {
            this.progress = undefined;
          }
        },
      );
      view = result.problem ? this.base(result.problem) : { ...this.base(null), result: localised(result) };
      if (!result.problem) tickStep(historyReplayedKey);
    } catch (error) {
      if (source.token.isCancellationRequested) {
        if (this.running !== source) return;
        view = this.base(vscode.l10n.t('The replay was cancelled. Replay again to start over.'));
      } else view = this.base(vscode.l10n.t('The Layer Lens server did not answer: {0}', String(error)));
    }
    if (this.running !== source) return;
    this.running = undefined;
    this.post(view);
  }

  private post(view: HistoryPanelView): void {
    this.view = view;
    const message: ToHistoryWebview = { type: 'show', view: { ...view, fixes: this.fixes } };
    void this.panel?.webview.postMessage(message);
  }
}

function untrustedFixes(): string {
  return vscode.l10n.t('Applying fixes needs a trusted workspace. Trust this workspace to apply them.');
}

function nothingToFix(): string {
  return vscode.l10n.t('Nothing to fix: the Dockerfile is already as layerlens fix leaves it.');
}

function fixesView(result: FixAllResult): Omit<FixesView, 'outcome'> {
  if (result.problem) return { titles: [], createFiles: [], disabled: result.problem };
  if (!result.applied.length || !result.edit) return { titles: [], createFiles: [], disabled: nothingToFix() };
  return { titles: result.applied, createFiles: result.createFiles, disabled: null };
}

function webviewStrings(): Record<string, string> {
  return Object.fromEntries(HISTORY_WEBVIEW_STRINGS.map((message) => [message, vscode.l10n.t(message)]));
}

/** The grouped causes (`Dockerfile edited`, `build arg X`, ...) in the display language; paths stay as they are. */
function causeLabel(cause: string): string {
  const arg = /^build arg (.+)$/.exec(cause);
  if (arg) return vscode.l10n.t('build arg {0}', arg[1]);
  switch (cause) {
    case 'first build':
      return vscode.l10n.t('first build');
    case 'base image':
      return vscode.l10n.t('base image');
    case 'platform':
      return vscode.l10n.t('platform');
    case 'Dockerfile edited':
      return vscode.l10n.t('Dockerfile edited');
    case 'another stage':
      return vscode.l10n.t('another stage');
    case 'build args':
      return vscode.l10n.t('build args');
    case 'files':
      return vscode.l10n.t('files');
    case 'remote or unknown input':
      return vscode.l10n.t('remote or unknown input');
    default:
      return cause;
  }
}

/** Reasons rendered from their values, causes translated: the server answers in English (the CLI's words). */
function localised(result: HistoryResultView): HistoryResultView {
  const causes = (list: Array<{ cause: string; count: number }>) => list.map((c) => ({ cause: causeLabel(c.cause), count: c.count }));
  return {
    ...result,
    rows: result.rows.map((r) => ({ ...r, causes: causes(r.causes), fixed: r.fixed && { ...r.fixed, causes: causes(r.fixed.causes) } })),
    commits: result.commits.map((c) => ({
      ...c,
      cells: c.cells.map(
        (cell) =>
          cell && {
            ...cell,
            reason: cell.why ? renderReason(cell.why, vscode.l10n.t) : cell.reason,
            cause: cell.cause && cell.cause.split(' + ').map(causeLabel).join(' + '),
          },
      ),
    })),
  };
}

/** The page (webviewHtml.ts: strict CSP, data only by postMessage). */
function historyHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return webviewHtml(webview, extensionUri, { stylesheet: 'history.css', script: 'history.js', title: 'Git History', label: 'Git history' });
}

async function revealLine(uri: string, line: number): Promise<void> {
  const position = new vscode.Position(line - 1, 0);
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri), {
    viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One,
    selection: new vscode.Range(position, position),
  });
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
