// Builds made anywhere else (another terminal, a script, CI on this machine) count as built too: Docker keeps a
// history of the builds its BuildKit ran (`docker buildx history`). When a Dockerfile is opened, or the window is
// focused again with one active, the server reads the new builds of that Dockerfile from it and records them
// (layerLens/readDockerHistory). The setting layerLens.record.dockerHistory turns it off; nothing is asked in an
// untrusted workspace.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { readDockerHistoryRequest } from '../../server/src/protocol';

/** The same Dockerfile is not read again within this time (opening, switching tabs and focusing come in bursts). */
const againAfterMs = 5_000;

/** Reads the builds of a Dockerfile (absolute path) from Docker's history now, when that source is on. */
export type ReadDockerHistory = (dockerfile: string) => Promise<void>;

export function registerDockerHistory(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, client: LanguageClient): ReadDockerHistory {
  const enabled = (): boolean => vscode.workspace.getConfiguration('layerLens.record').get<boolean>('dockerHistory', true) !== false;
  const lastRead = new Map<string, number>();
  let saidProblem: string | undefined;
  const read = async (document: vscode.TextDocument | undefined): Promise<void> => {
    if (!document || document.languageId !== 'dockerfile' || document.uri.scheme !== 'file') return;
    const uri = document.uri.toString();
    const now = Date.now();
    if (now - (lastRead.get(uri) ?? 0) < againAfterMs) return;
    lastRead.set(uri, now);
    await readUri(uri);
  };
  const readUri = async (uri: string): Promise<void> => {
    if (!vscode.workspace.isTrusted || !enabled() || client.state !== State.Running) return;
    try {
      const result = await client.sendRequest(readDockerHistoryRequest, { uri });
      if (result.problem) {
        // Said once per kind of problem: it is the same for every Dockerfile.
        if (saidProblem !== result.problem)
          output.info(`Docker's build history is not read: ${result.problem}. (Builds typed in the terminal and run by tasks are still recorded.)`);
        saidProblem = result.problem;
        return;
      }
      saidProblem = undefined;
      for (const message of result.messages) output.info(message);
    } catch (error) {
      output.warn(`Reading Docker's build history: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => void read(d)),
    vscode.window.onDidChangeActiveTextEditor((e) => void read(e?.document)),
    vscode.window.onDidChangeWindowState((s) => s.focused && void read(vscode.window.activeTextEditor?.document)),
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) for (const d of vscode.workspace.textDocuments) void read(d);
    }),
  );
  return (dockerfile) => readUri(vscode.Uri.file(dockerfile).toString());
}
