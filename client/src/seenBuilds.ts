// Builds the user runs without Layer Lens count as built: a `docker build` (compose, Bake, ...) typed in the
// integrated terminal, seen through VS Code's shell integration, and a task that runs one. When the command starts
// the server takes the snapshot of each context (layerLens/buildStarted); when it ends the server records them if
// the exit code is 0 (layerLens/buildEnded). Settings layerLens.record.terminal and .tasks turn each source off;
// nothing is sent from an untrusted workspace.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { buildEndedRequest, buildStartedRequest, type BuildStartedParams, type DockerBuildTaskFields } from '../../server/src/protocol';
import { mayBuild, taskCommandLine, taskVariables, type TaskArg } from './seenBuildsText';
import type { ReadDockerHistory } from './dockerHistory';

/** A terminal without shell integration this long after it opened is said (once per window) to hide its builds. */
const shellIntegrationWaitMs = 10_000;

export function registerSeenBuilds(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  client: LanguageClient,
  readDockerHistory: ReadDockerHistory,
): void {
  const enabled = (key: 'terminal' | 'tasks'): boolean => vscode.workspace.getConfiguration('layerLens.record').get<boolean>(key, true) !== false;

  /** Asks the server to take the snapshots; the id to end with, or null when nothing will be recorded. */
  const start = async (params: BuildStartedParams): Promise<string | null> => {
    if (!vscode.workspace.isTrusted) return null;
    if (client.state !== State.Running) {
      output.info(`Not recorded: a build in the ${params.source} started while the Layer Lens server was not running.`);
      return null;
    }
    const result = await client.sendRequest(buildStartedRequest, params);
    for (const b of result.builds) {
      if (b.problem === null)
        output.info(
          `Seen in the ${params.source}: ${b.label}${b.dockerfile ? ` (${b.dockerfile})` : ''}: its context as sent is kept, and recorded if the command succeeds.`,
        );
    }
    return result.id;
  };
  const end = async (id: Promise<string | null>, exitCode: number | null): Promise<void> => {
    const known = await id;
    if (known === null || client.state !== State.Running) return;
    const result = await client.sendRequest(buildEndedRequest, { id: known, exitCode });
    for (const message of result.messages) output.info(message);
    // A failed BuildKit build: the steps Docker finished are in its build history (when that source is on).
    for (const dockerfile of result.failed ?? []) await readDockerHistory(dockerfile);
  };
  const failed = (what: string) => (error: unknown) => {
    output.warn(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  };

  // Command lines of the tasks running now: a task's terminal may have shell integration too, and its build is
  // then seen once, as a task.
  const taskLines = new Map<vscode.TaskExecution, string>();
  const runningTerminal = new Map<vscode.TerminalShellExecution, Promise<string | null>>();
  const runningTasks = new Map<vscode.TaskExecution, Promise<string | null>>();
  let saidCustom = false;

  context.subscriptions.push(
    vscode.window.onDidStartTerminalShellExecution((event) => {
      if (!enabled('terminal')) return;
      const line = event.execution.commandLine.value;
      if (!mayBuild(line) || [...taskLines.values()].includes(line)) return;
      const cwd = event.execution.cwd ?? event.shellIntegration.cwd;
      const confidence = event.execution.commandLine.confidence;
      if (confidence === vscode.TerminalShellExecutionCommandLineConfidence.Low)
        output.info(`The terminal's shell integration guessed this command line (low confidence): ${line}`);
      const params: BuildStartedParams = { source: 'terminal', commandLine: line, cwd: localPath(cwd) };
      if (params.cwd === null) output.info(`The terminal did not say which folder this command runs in${cwd ? ` (it said ${cwd.toString()})` : ''}: ${line}`);
      runningTerminal.set(event.execution, start(params).catch(failed('A build seen in the terminal could not be followed')));
    }),
    vscode.window.onDidEndTerminalShellExecution((event) => {
      const id = runningTerminal.get(event.execution);
      if (!id) return;
      runningTerminal.delete(event.execution);
      void end(id, event.exitCode ?? null).catch(failed('A build seen in the terminal could not be recorded'));
    }),
    vscode.tasks.onDidStartTaskProcess((event) => {
      if (!enabled('tasks')) return;
      const params = taskParams(event.execution.task, output);
      if (!params) return;
      if (params.commandLine) taskLines.set(event.execution, params.commandLine);
      runningTasks.set(event.execution, start(params).catch(failed(`The build of the task "${event.execution.task.name}" could not be followed`)));
    }),
    vscode.tasks.onDidStartTask((event) => {
      // The Docker / Container Tools extensions run a `docker-build` task as a custom execution: VS Code fires no
      // process events for it and tells no other extension its exit code, so success cannot be known here.
      const task = event.execution.task;
      if (saidCustom || !enabled('tasks') || task.definition.type !== 'docker-build' || !(task.execution instanceof vscode.CustomExecution)) return;
      saidCustom = true;
      output.info(
        `Not recorded: the task "${task.name}" runs as a custom execution, whose exit code VS Code does not report to other extensions; run the same build as a shell task (or in the terminal) to have it recorded.`,
      );
    }),
    vscode.tasks.onDidEndTaskProcess((event) => {
      taskLines.delete(event.execution);
      const id = runningTasks.get(event.execution);
      if (!id) return;
      runningTasks.delete(event.execution);
      void end(id, event.exitCode ?? null).catch(failed(`The build of the task "${event.execution.task.name}" could not be recorded`));
    }),
  );
  watchShellIntegration(context, output, () => enabled('terminal'));
}

/**
 * The path on the extension host's machine of a folder the terminal or a task reports. In a remote window
 * (code-server, SSH) the terminal's folder can come as a `vscode-remote:` or `vscode-local:` URI of that same machine: its path is
 * the folder. Other schemes (a virtual file system) have no folder Docker could read.
 */
function localPath(uri: vscode.Uri | undefined): string | null {
  if (!uri) return null;
  if (uri.scheme === 'file') return uri.fsPath;
  // code-server reports its terminals' folder as `vscode-local:` (seen with 4.100): the same machine as the
  // extension host there. A path that is not the folder of an open Dockerfile's build matches nothing.
  if ((uri.scheme === 'vscode-remote' || uri.scheme === 'vscode-local') && uri.path.startsWith('/')) return vscode.Uri.file(uri.path).fsPath;
  return null;
}

/** What the server needs of a task that may build: its command line, or a `docker-build` task's fields. */
function taskParams(task: vscode.Task, output: vscode.LogOutputChannel): BuildStartedParams | undefined {
  const folder = typeof task.scope === 'object' ? task.scope.uri : undefined;
  const folderPath = localPath(folder) ?? undefined;
  if (task.definition.type === 'docker-build') {
    const fields = dockerBuildFields(task.definition.dockerBuild, folderPath);
    if (typeof fields === 'string') {
      output.info(`Not recorded: the task "${task.name}": ${fields}.`);
      return undefined;
    }
    return { source: 'task', cwd: folderPath ?? null, dockerBuild: fields };
  }
  const execution = task.execution;
  let line: string | undefined;
  let cwdOption: string | undefined;
  if (execution instanceof vscode.ShellExecution) {
    line = execution.commandLine ?? taskCommandLine(execution.command, execution.args as TaskArg[] | undefined);
    cwdOption = execution.options?.cwd;
  } else if (execution instanceof vscode.ProcessExecution) {
    line = taskCommandLine(execution.process, execution.args);
    cwdOption = execution.options?.cwd;
  }
  if (line === undefined || !mayBuild(line)) return undefined;
  const resolvedLine = taskVariables(line, folderPath);
  const cwd = cwdOption === undefined ? folderPath : taskVariables(cwdOption, folderPath);
  if (resolvedLine === undefined || (cwdOption !== undefined && cwd === undefined)) {
    output.info(`Not recorded: the task "${task.name}" uses variables whose values are not known here: ${line}`);
    return undefined;
  }
  return { source: 'task', commandLine: resolvedLine, cwd: cwd ?? null };
}

/** The `dockerBuild` fields of a `docker-build` task, variables resolved; or why they cannot be used. */
function dockerBuildFields(value: unknown, folder: string | undefined): DockerBuildTaskFields | string {
  if (typeof value !== 'object' || value === null) return 'it has no "dockerBuild" fields';
  const d = value as Record<string, unknown>;
  const out: DockerBuildTaskFields = {};
  for (const name of ['context', 'dockerfile', 'target', 'platform'] as const) {
    const v = d[name];
    if (v === undefined) continue;
    if (typeof v !== 'string') return `its "dockerBuild.${name}" is not a string`;
    const resolved = taskVariables(v, folder);
    if (resolved === undefined) return `its "dockerBuild.${name}" uses a variable whose value is not known here (${v})`;
    out[name] = resolved;
  }
  if (d.buildArgs !== undefined) {
    if (typeof d.buildArgs !== 'object' || d.buildArgs === null) return 'its "dockerBuild.buildArgs" is not an object';
    const args: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.buildArgs as Record<string, unknown>)) {
      const resolved = typeof v === 'string' ? taskVariables(v, folder) : undefined;
      if (resolved === undefined) return `its build argument ${k} is not a plain string`;
      args[k] = resolved;
    }
    out.buildArgs = args;
  }
  return out;
}

/**
 * Builds typed in a terminal without shell integration cannot be seen: said once per window, in the output
 * channel, with how to turn it on.
 */
function watchShellIntegration(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, wanted: () => boolean): void {
  let said = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const check = (terminal: vscode.Terminal): void => {
    if (said || terminal.shellIntegration) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (said || terminal.shellIntegration || terminal.exitStatus !== undefined || !wanted() || !vscode.workspace.isTrusted) return;
      said = true;
      output.info(
        `The terminal "${terminal.name}" has no shell integration, so Layer Lens cannot see the builds run in it. Turn on "terminal.integrated.shellIntegration.enabled" (bash, zsh, fish and PowerShell are supported), or see VS Code's "Terminal Shell Integration" documentation for a shell started another way.`,
      );
    }, shellIntegrationWaitMs);
    timers.add(timer);
  };
  vscode.window.terminals.forEach(check);
  context.subscriptions.push(vscode.window.onDidOpenTerminal(check), { dispose: () => timers.forEach((t) => clearTimeout(t)) });
}
