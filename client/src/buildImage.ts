// "Layer Lens: Build Image": the server builds the active Dockerfile (it owns the store the build is recorded in);
// here: a cancellable progress notification, the build's output in the output channel, the steps where the
// prediction and Docker disagreed as information diagnostics (a source of their own, "Layer Lens build"), and
// "Copy Report". Only in trusted workspaces: a build runs the Dockerfile's commands.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  renderMessage,
  BUILD_OUTPUT_HINT,
  buildImageRequest,
  buildOutputNotification,
  type BuildOutputParams,
  type ParamsOf,
  type ResultOf,
} from '../../server/src/protocol';

export const buildImageCommand = 'layerLens.buildImage';
export const copyBuildReportCommand = 'layerLens.copyBuildReport';

type BuildResult = ResultOf<typeof buildImageRequest>;

export function registerBuildImage(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, client: LanguageClient): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('layerLens.build');
  let lastReport: string | undefined;
  let listener: ((params: BuildOutputParams) => void) | undefined;
  context.subscriptions.push(
    diagnostics,
    client.onNotification(buildOutputNotification, (params: BuildOutputParams) => listener?.(params)),
    // The disagreements describe the text that was built: an edit of the document retires them.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length && diagnostics.has(e.document.uri)) diagnostics.delete(e.document.uri);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    vscode.commands.registerCommand(copyBuildReportCommand, async () => {
      if (!lastReport) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: no build report yet. Run "Layer Lens: Build Image" first.'));
        return;
      }
      await vscode.env.clipboard.writeText(lastReport);
      vscode.window.setStatusBarMessage('$(check) Build report copied', 4000);
    }),
    vscode.commands.registerCommand(buildImageCommand, async (uri?: vscode.Uri) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t('Layer Lens builds images only in trusted workspaces: a build runs the commands of the Dockerfile. Trust this workspace to build.'),
        );
        return;
      }
      const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!document || document.languageId !== 'dockerfile') {
        void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: open a Dockerfile to build it.'));
        return;
      }
      if (document.isUntitled) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: save this Dockerfile first; it is built from disk with its build context.'));
        return;
      }
      // docker builds what is on disk: save the Dockerfile and the files open with unsaved edits in its folder (the
      // default build context); other documents are left alone.
      const folder = vscode.Uri.joinPath(document.uri, '..').toString() + '/';
      const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && (d === document || d.uri.toString().startsWith(folder)));
      if (!(await Promise.all(dirty.map((d) => d.save()))).every(Boolean)) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Layer Lens: some files could not be saved; build cancelled so the build matches what you see.'));
        return;
      }
      const result = await build(client, output, document, (l) => (listener = l));
      listener = undefined;
      if (!result) return;
      lastReport = result.reportText ?? undefined;
      show(result, document, diagnostics, output);
    }),
  );
}

async function build(
  client: LanguageClient,
  output: vscode.LogOutputChannel,
  document: vscode.TextDocument,
  listen: (l: ((p: BuildOutputParams) => void) | undefined) => void,
): Promise<BuildResult | undefined> {
  const uri = document.uri.toString();
  output.info(`Building ${document.uri.fsPath} …`);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Layer Lens: building'), cancellable: true },
    async (progress, token) => {
      listen((params) => {
        if (params.uri !== uri) return;
        for (const line of params.lines) output.info(line);
        const step = [...params.lines].reverse().find((l) => /^(#\d+ )?\[[^\]]*\d+\/\d+\]|^Step \d+\/\d+ :/.test(l));
        if (step) progress.report({ message: step.replace(/^#\d+ /, '').slice(0, 80) });
      });
      const params: ParamsOf<typeof buildImageRequest> = { uri };
      try {
        return await client.sendRequest(buildImageRequest, params, token);
      } catch (e) {
        if (token.isCancellationRequested) output.info('Build cancelled.');
        else void vscode.window.showErrorMessage(vscode.l10n.t('Layer Lens: the build request failed: {0}', String(e)));
        return undefined;
      }
    },
  );
}

function show(result: BuildResult, document: vscode.TextDocument, diagnostics: vscode.DiagnosticCollection, output: vscode.LogOutputChannel): void {
  if (result.problem || !result.report) {
    output.warn(result.problem ? renderMessage(result.problem) : 'The build did not run.');
    void vscode.window
      .showErrorMessage(
        vscode.l10n.t('Layer Lens: {0}', result.problem ? renderMessage(result.problem, vscode.l10n.t) : vscode.l10n.t('the build did not run.')),
        vscode.l10n.t('Show Output'),
      )
      .then((a) => a && output.show(true));
    return;
  }
  const { report } = result;
  if (result.reportText) for (const line of result.reportText.split('\n')) output.info(line);
  diagnostics.set(
    document.uri,
    report.disagreements.map((d) => {
      const line = Math.max(0, Math.min(d.line - 1, document.lineCount - 1));
      const diagnostic = new vscode.Diagnostic(
        document.lineAt(line).range,
        vscode.l10n.t('Self-check after the build: {0}', d.message),
        vscode.DiagnosticSeverity.Information,
      );
      diagnostic.source = 'Layer Lens build';
      return diagnostic;
    }),
  );
  const disagreed = report.disagreements.length;
  // A failed or cancelled build recorded the steps Docker finished (its cache keeps them).
  const finished = report.recordedLines.length;
  const message = report.failure?.message ?? vscode.l10n.t('The build failed.');
  const failure = message.endsWith(BUILD_OUTPUT_HINT) ? message.slice(0, -BUILD_OUTPUT_HINT.length) : message;
  const summary = report.canceled
    ? finished === 1
      ? vscode.l10n.t('Build cancelled; recorded the step Docker finished.')
      : finished
        ? vscode.l10n.t('Build cancelled; recorded the {0} steps Docker finished.', finished)
        : vscode.l10n.t('Build cancelled; nothing was recorded.')
    : !report.ok
      ? finished
        ? report.failure?.line
          ? finished === 1
            ? vscode.l10n.t('{0} Recorded the step Docker finished; fix line {1} and build again.', failure, report.failure.line)
            : vscode.l10n.t('{0} Recorded the {1} steps Docker finished; fix line {2} and build again.', failure, finished, report.failure.line)
          : finished === 1
            ? vscode.l10n.t('{0} Recorded the step Docker finished.', failure)
            : vscode.l10n.t('{0} Recorded the {1} steps Docker finished.', failure, finished)
        : vscode.l10n.t('{0} Nothing was recorded.', failure)
      : disagreed
        ? disagreed === 1
          ? vscode.l10n.t('Built and recorded. 1 step disagreed with the prediction: {0}', report.disagreements[0].message)
          : vscode.l10n.t('Built and recorded. {0} steps disagreed with the prediction: {1} …', disagreed, report.disagreements[0].message)
        : vscode.l10n.t('Built and recorded in {0} s. The prediction matched Docker on every step.', (report.ms / 1000).toFixed(1));
  const copy = vscode.l10n.t('Copy Report');
  const showOutput = vscode.l10n.t('Show Output');
  const shown = report.ok
    ? vscode.window.showInformationMessage(vscode.l10n.t('Layer Lens: {0}', summary), copy, showOutput)
    : vscode.window.showErrorMessage(vscode.l10n.t('Layer Lens: {0}', summary), copy, showOutput);
  void shown.then((action) => {
    if (action === copy) void vscode.commands.executeCommand(copyBuildReportCommand);
    else if (action === showOutput) output.show(true);
  });
}
