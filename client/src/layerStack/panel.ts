// "Layer Lens: Show Layer Stack": a webview panel that draws the active Dockerfile as stacked layers.
// It follows the active Dockerfile and redraws on edits, on the server's didUpdate (context files, recorded
// builds, settings, simulations) and when the server restarts; it restores itself after a window reload.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { clearSimulationRequest, layerStackRequest, renderReason, simulateRequest, type LayerStackResult, type ParamsOf } from '../../../server/src/protocol';
import { activeDockerfile } from '../activeDockerfile';
import { layerStackShownKey, tickStep } from '../walkthrough';
import { layerStackHtml } from './html';
import { WEBVIEW_STRINGS, type FromWebview, type PersistedState, type StackView, type ToWebview } from './messages';

export const showLayerStackCommand = 'layerLens.showLayerStack';
export const layerStackViewType = 'layerLens.layerStack';
/** workspaceState: the Dockerfile the panel follows, for the panel restored after a window reload. */
const followedKey = 'layerLens.layerStack.followed';
/** Typing fires many change events; redraw once the burst settles. */
const refreshDelayMs = 200;

/** The command's argument: the editor title button passes the file's Uri; a lens or a quick pick passes a line too. */
export type ShowLayerStackArgs = vscode.Uri | { uri: string; line?: number } | undefined;

let instance: LayerStackController | undefined;

/** A lens was clicked: an open layer stack of that document moves its focus to the step (no panel: nothing). */
export function focusLayerStackLine(uri: string, line: number): void {
  instance?.focusLine(uri, line);
}

export function registerLayerStack(context: vscode.ExtensionContext, client: LanguageClient, onDidUpdate: vscode.Event<string[]>): void {
  const controller = new LayerStackController(context, client, onDidUpdate);
  instance = controller;
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand(showLayerStackCommand, (args: ShowLayerStackArgs) => controller.show(args)),
    vscode.window.registerWebviewPanelSerializer(layerStackViewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => controller.restore(panel, state as PersistedState | undefined),
    }),
  );
}

class LayerStackController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private uri: string | undefined;
  private last: LayerStackResult | null = null;
  private pendingLine: number | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    onDidUpdate: vscode.Event<string[]>,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor?.document.languageId !== 'dockerfile' || editor.document.uri.toString() === this.uri) return;
        this.follow(editor.document.uri.toString());
        this.schedule(0);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() === this.uri) this.schedule();
      }),
      onDidUpdate((uris) => {
        if (this.uri && uris.includes(this.uri)) this.schedule(0);
      }),
      client.onDidChangeState(() => this.schedule(0)),
    );
  }

  async show(args: ShowLayerStackArgs): Promise<void> {
    const target = args instanceof vscode.Uri ? { uri: args.toString() } : args;
    const uri = target?.uri ?? activeDockerfile()?.uri.toString() ?? this.uri;
    if (!uri) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: open a Dockerfile to see its layer stack.'));
      return;
    }
    this.pendingLine = target && 'line' in target ? target.line : undefined;
    if (this.panel) {
      this.panel.reveal(undefined, true);
    } else {
      const panel = vscode.window.createWebviewPanel(
        layerStackViewType,
        vscode.l10n.t('Layer Stack'),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        this.options(),
      );
      this.attach(panel);
    }
    this.follow(uri);
    this.schedule(0);
    tickStep(layerStackShownKey);
  }

  /**
   * After a window reload. The panel shows the Dockerfile it followed last, as this window remembered it: the
   * webview's own state is only as new as the last page it drew, and a hidden panel draws nothing (its page is
   * torn down) while it keeps following the active Dockerfile, so that state can name a Dockerfile the panel left
   * long ago, which it would show until the next switch of editor. Without either, the active Dockerfile, or
   * nothing until there is one.
   */
  async restore(panel: vscode.WebviewPanel, state: PersistedState | undefined): Promise<void> {
    const remembered = this.context.workspaceState.get<unknown>(followedKey);
    this.uri =
      typeof remembered === 'string' && remembered ? remembered : typeof state?.uri === 'string' && state.uri ? state.uri : activeDockerfile()?.uri.toString();
    panel.webview.options = this.options();
    this.attach(panel);
    this.schedule(0);
  }

  /** The panel now follows `uri`: remembered for the next window reload (see restore). */
  private follow(uri: string): void {
    this.uri = uri;
    if (this.panel) void this.context.workspaceState.update(followedKey, uri);
  }

  focusLine(uri: string, line: number): void {
    if (!this.panel || this.uri !== uri) return;
    this.pendingLine = line;
    this.schedule(0);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
    this.panel?.dispose();
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'media')] };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.html = layerStackHtml(panel.webview, this.context.extensionUri);
    const subscriptions = [
      panel.webview.onDidReceiveMessage((message: FromWebview) => void this.received(message)),
      // Hidden webviews are torn down (no retainContextWhenHidden); shown again, the script says 'ready'.
      panel.onDidChangeViewState(() => panel.visible && this.schedule(0)),
    ];
    panel.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private schedule(delay = refreshDelayMs): void {
    if (!this.panel) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private async refresh(): Promise<void> {
    const panel = this.panel;
    const uri = this.uri;
    if (!panel) return;
    const current = ++this.generation;
    if (!uri) {
      this.post({
        type: 'show',
        view: {
          uri: '',
          fileName: '',
          folder: '',
          result: null,
          message: vscode.l10n.t('Open a Dockerfile to see its layer stack.'),
          strings: webviewStrings(),
        },
      });
      return;
    }
    const fileUri = vscode.Uri.parse(uri);
    const folder = vscode.workspace.getWorkspaceFolder(fileUri);
    const relativePath = folder ? vscode.workspace.asRelativePath(fileUri, false) : fileUri.fsPath;
    const slash = relativePath.lastIndexOf('/');
    const view: StackView = {
      uri,
      fileName: relativePath.slice(slash + 1),
      folder: slash < 0 ? '' : relativePath.slice(0, slash),
      result: null,
      message: null,
      strings: webviewStrings(),
    };
    panel.title = vscode.l10n.t('Layer Stack: {0}', titlePath(fileUri));
    if (this.client.state !== State.Running) {
      view.message = vscode.l10n.t('The Layer Lens server is starting…');
    } else {
      try {
        view.result = localised(await this.request(uri));
        if (!view.result) view.message = vscode.l10n.t('Layer Lens has no analysis for this file: open it in an editor.');
      } catch (error) {
        view.message = vscode.l10n.t('The Layer Lens server did not answer: {0}', String(error));
      }
    }
    if (current !== this.generation || panel !== this.panel) return;
    this.last = view.result;
    this.post({ type: 'show', view });
    if (this.pendingLine !== undefined) this.post({ type: 'focusLine', line: this.pendingLine });
    this.pendingLine = undefined;
  }

  /** The server answers only for documents open in VS Code: a restored panel's file may need opening first. */
  private async request(uri: string): Promise<LayerStackResult | null> {
    const params: ParamsOf<typeof layerStackRequest> = { uri };
    const ask = () => this.client.sendRequest(layerStackRequest, params);
    const result = await ask();
    if (result || vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri)) return result;
    await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    return ask();
  }

  private post(message: ToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  private async received(message: FromWebview): Promise<void> {
    const uri = this.uri;
    switch (message.type) {
      case 'ready':
        return this.refresh();
      case 'reveal':
        if (uri) await revealLine(uri, message.line, this.panel?.viewColumn);
        return;
      case 'pickFiles':
        if (uri) await this.pickFiles(uri, message.line);
        return;
      case 'simulateEdit':
        if (uri) await this.simulate({ uri, changedFiles: [], editedLines: [message.line] });
        return;
      case 'reset':
        await this.client.sendRequest(clearSimulationRequest, {});
        return;
      case 'build':
        if (uri) await vscode.commands.executeCommand('layerLens.buildImage', vscode.Uri.parse(uri));
        return;
    }
  }

  private async pickFiles(uri: string, line: number | null): Promise<void> {
    const blocks = (this.last?.model?.stages ?? []).flatMap((s) => [s.base, ...s.blocks]);
    const chosen = line === null ? undefined : blocks.find((b) => b.line === line);
    const files = [...new Set((chosen ? [chosen] : blocks).flatMap((b) => b.files))].sort();
    if (files.length === 0) {
      void vscode.window.showInformationMessage(
        chosen
          ? vscode.l10n.t('Layer Lens: line {0} {1} reads no context files.', chosen.line, chosen.keyword)
          : vscode.l10n.t('Layer Lens: no step of this Dockerfile reads context files.'),
      );
      return;
    }
    const picked = await vscode.window.showQuickPick(
      files.map((label) => ({ label })),
      {
        canPickMany: true,
        title: chosen
          ? vscode.l10n.t('Simulate: which files that line {0} {1} copies changed?', chosen.line, chosen.keyword)
          : vscode.l10n.t('Simulate: which context files changed?'),
        placeHolder: vscode.l10n.t('Pick the files to pretend changed (the layer stack then shows what rebuilds)'),
      },
    );
    if (picked?.length) await this.simulate({ uri, changedFiles: picked.map((p) => p.label), editedLines: [] });
  }

  private async simulate(params: ParamsOf<typeof simulateRequest>): Promise<void> {
    await this.client.sendRequest(simulateRequest, params);
  }
}

/**
 * The Dockerfile as the panel's title names it: its path in the workspace folder (`worker/Dockerfile`; the folder's
 * name first in a multi-root workspace), so two Dockerfiles' panels never read the same; outside any workspace
 * folder, its folder's name and its own.
 */
function titlePath(fileUri: vscode.Uri): string {
  if (vscode.workspace.getWorkspaceFolder(fileUri)) return vscode.workspace.asRelativePath(fileUri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  return fileUri.path.split('/').filter(Boolean).slice(-2).join('/');
}

/** The webview's own words in the display language (placeholders kept: the page fills them in). */
function webviewStrings(): Record<string, string> {
  return Object.fromEntries(WEBVIEW_STRINGS.map((message) => [message, vscode.l10n.t(message)]));
}

/** The baseline and simulation words the server sends in English, in the display language (the rest it translates). */
function localised(result: LayerStackResult | null): LayerStackResult | null {
  if (!result) return result;
  const { baseline, simulation } = result;
  const label = baseline.kind === 'recorded' ? vscode.l10n.t('recorded build') : baseline.kind === 'none' ? vscode.l10n.t('nothing built yet') : baseline.label;
  return { ...result, baseline: { ...baseline, label }, simulation: simulation && { ...simulation, label: renderReason(simulation.cause, vscode.l10n.t) } };
}

/** Shows the instruction's first line in the editor the Dockerfile is in (or the first column), cursor on it. */
async function revealLine(uri: string, line: number, panelColumn: vscode.ViewColumn | undefined): Promise<void> {
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
  const column = shown?.viewColumn ?? (panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri), { viewColumn: column, selection: new vscode.Range(position, position) });
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
