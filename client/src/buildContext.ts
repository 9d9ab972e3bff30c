// "Layer Lens: Show Build Context": a tree view in the Explorer of what the active Dockerfile's build context
// sends to Docker (the server's buildContext request: the facts of `layerlens context`), with a fix that adds a
// warning's pattern to the ignore file through a WorkspaceEdit (creating .dockerignore when there is none). It
// follows the active Dockerfile and refreshes on the server's didUpdate (context files, the ignore file, settings).
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { buildContextRequest, type BuildContextNode, type BuildContextResult, type ParamsOf } from '../../server/src/protocol';

export const showBuildContextCommand = 'layerLens.showBuildContext';
export const addIgnorePatternCommand = 'layerLens.addIgnorePattern';
export const buildContextViewId = 'layerLens.buildContext';
/** Set once the command ran: the view is listed in the Explorer from then on. */
const shownContextKey = 'layerLens.buildContextShown';

/** A fix node's argument (also what the command takes when run from a test or a keybinding). */
export interface AddIgnorePatternArgs {
  pattern: string;
  /** The ignore file (absolute path). */
  file: string;
  /** The Dockerfile whose view to refresh. */
  uri?: string;
}

interface Item {
  node: BuildContextNode;
  fix?: AddIgnorePatternArgs;
}

export function registerBuildContext(context: vscode.ExtensionContext, client: LanguageClient, onDidUpdate: vscode.Event<string[]>): void {
  const provider = new BuildContextProvider(client);
  const view = vscode.window.createTreeView(buildContextViewId, { treeDataProvider: provider, showCollapseAll: true });
  provider.attach(view);
  context.subscriptions.push(
    view,
    provider,
    vscode.commands.registerCommand(showBuildContextCommand, (arg?: vscode.Uri) => provider.show(arg)),
    vscode.commands.registerCommand(addIgnorePatternCommand, async (arg: AddIgnorePatternArgs | Item) => {
      const fix = 'node' in arg ? arg.fix : arg;
      if (fix) await addIgnorePattern(fix);
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor?.document.languageId === 'dockerfile') provider.follow(editor.document.uri.toString());
    }),
    onDidUpdate((uris) => provider.updated(uris)),
    client.onDidChangeState((e) => e.newState === State.Running && provider.refresh()),
  );
}

class BuildContextProvider implements vscode.TreeDataProvider<Item>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Item | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private uri: string | undefined;
  private result: BuildContextResult | null = null;
  private message: string | undefined;
  private view: vscode.TreeView<Item> | undefined;
  private generation = 0;

  constructor(private readonly client: LanguageClient) {}

  attach(view: vscode.TreeView<Item>): void {
    this.view = view;
    view.onDidChangeVisibility((e) => e.visible && void this.refresh());
  }

  async show(arg?: vscode.Uri): Promise<void> {
    const active = vscode.window.activeTextEditor?.document;
    const uri = arg instanceof vscode.Uri ? arg.toString() : active?.languageId === 'dockerfile' ? active.uri.toString() : this.uri;
    if (!uri) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: open a Dockerfile to see its build context.'));
      return;
    }
    this.uri = uri;
    await vscode.commands.executeCommand('setContext', shownContextKey, true);
    await this.refresh();
    await vscode.commands.executeCommand(`${buildContextViewId}.focus`);
  }

  follow(uri: string): void {
    if (uri === this.uri) return;
    this.uri = uri;
    if (this.view?.visible) void this.refresh();
  }

  updated(uris: string[]): void {
    if (this.uri && uris.includes(this.uri) && this.view?.visible) void this.refresh();
  }

  async refresh(): Promise<void> {
    const uri = this.uri;
    const current = ++this.generation;
    let result: BuildContextResult | null = null;
    let message: string | undefined;
    if (!uri) message = vscode.l10n.t('Open a Dockerfile to see its build context.');
    else if (this.client.state !== State.Running) message = vscode.l10n.t('The Layer Lens server is starting…');
    else {
      try {
        const params: ParamsOf<typeof buildContextRequest> = { uri };
        result = await this.client.sendRequest(buildContextRequest, params);
        if (!result) message = vscode.l10n.t('Layer Lens has no analysis for this file: open it in an editor.');
        else if (result.problem) message = result.problem;
      } catch (error) {
        message = vscode.l10n.t('The Layer Lens server did not answer: {0}', String(error));
      }
    }
    if (current !== this.generation) return;
    this.result = result;
    this.message = message;
    if (this.view) {
      const name = uri ? vscode.workspace.asRelativePath(vscode.Uri.parse(uri), false) : '';
      this.view.description = name;
      this.view.message = message;
    }
    this.changed.fire(undefined);
  }

  getTreeItem(item: Item): vscode.TreeItem {
    const { node } = item;
    const tree = new vscode.TreeItem(
      node.label,
      node.children?.length
        ? isTop(this.result, node)
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    if (node.description) tree.description = node.description;
    tree.tooltip = node.tooltip ?? (node.description ? `${node.label} (${node.description})` : node.label);
    if (node.icon)
      tree.iconPath = new vscode.ThemeIcon(node.icon, node.kind === 'warning' ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
    if (item.fix) {
      tree.contextValue = 'fix';
      tree.command = { command: addIgnorePatternCommand, title: node.label, arguments: [item.fix] };
    }
    return tree;
  }

  getChildren(item?: Item): Item[] {
    if (this.message && !item) return [];
    const nodes = item ? (item.node.children ?? []) : (this.result?.nodes ?? []);
    const target = this.result?.fixTarget;
    return nodes.map((node) => ({ node, ...(node.fix && target ? { fix: { pattern: node.fix, file: target, ...(this.uri ? { uri: this.uri } : {}) } } : {}) }));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The sections open at first; the per-pattern lists of kept-out paths stay closed. */
function isTop(result: BuildContextResult | null, node: BuildContextNode): boolean {
  return result?.nodes.includes(node) ?? false;
}

/**
 * Adds the pattern as a line at the end of the ignore file (creating it when missing) and saves it, so the
 * server reads the new ignore file from disk. A pattern already there is not added twice.
 */
export async function addIgnorePattern(fix: AddIgnorePatternArgs): Promise<void> {
  const uri = vscode.Uri.file(fix.file);
  const edit = new vscode.WorkspaceEdit();
  let exists = true;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    exists = false;
  }
  if (exists) {
    const document = await vscode.workspace.openTextDocument(uri);
    const text = document.getText();
    if (text.split(/\r?\n/).some((line) => line.trim() === fix.pattern)) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Layer Lens: {0} already has the line "{1}".', vscode.workspace.asRelativePath(uri, false), fix.pattern),
      );
      return;
    }
    const end = document.lineAt(document.lineCount - 1).range.end;
    edit.insert(uri, end, `${text.length && !text.endsWith('\n') ? '\n' : ''}${fix.pattern}\n`);
  } else {
    edit.createFile(uri, { ignoreIfExists: true });
    edit.insert(uri, new vscode.Position(0, 0), `${fix.pattern}\n`);
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Layer Lens: could not change {0}.', vscode.workspace.asRelativePath(uri, false)));
    return;
  }
  await (await vscode.workspace.openTextDocument(uri)).save();
  vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Added "{0}" to {1}', fix.pattern, vscode.workspace.asRelativePath(uri, false))}`, 5000);
}
