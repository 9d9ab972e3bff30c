// The status bar: which baseline the active Dockerfile's verdicts use ("Layer Lens: baseline git HEAD"), and,
// while a simulation is on, "Simulating: src/app.js changed", which stops it when clicked (or on Escape).
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { renderMessage, renderReason, statusRequest, type ParamsOf, type ResultOf } from '../../server/src/protocol';
import { clearSimulationCommand, showOutputCommand } from './commands';
import { ago } from './seenBuildsText';

type StatusResult = ResultOf<typeof statusRequest>;

/** Typing fires many change events; ask the server once the burst settles. */
const refreshDelayMs = 150;
/** Context key for the Escape keybinding and the command palette. */
const simulatingKey = 'layerLens.simulating';

export function registerStatusItems(context: vscode.ExtensionContext, client: LanguageClient, didUpdate: vscode.Event<string[]>): void {
  const item = vscode.window.createStatusBarItem('layerLens.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Layer Lens';
  item.command = showOutputCommand;
  const simulation = vscode.window.createStatusBarItem('layerLens.simulation', vscode.StatusBarAlignment.Right, 101);
  simulation.name = 'Layer Lens Simulation';
  simulation.command = clearSimulationCommand;
  simulation.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
  simulation.tooltip = vscode.l10n.t('Layer Lens is showing a simulated change. Click (or press Escape in the editor) to stop simulating.');
  context.subscriptions.push(item, simulation);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const refresh = async (): Promise<void> => {
    const current = ++generation;
    const document = vscode.window.activeTextEditor?.document;
    const isDockerfile = document?.languageId === 'dockerfile';
    if (isDockerfile) item.show();
    else item.hide();
    if (client.state !== State.Running) {
      show(item, '$(sync~spin) Layer Lens', vscode.l10n.t('Layer Lens server is starting'));
      showSimulation(simulation, null);
      return;
    }
    try {
      const params: ParamsOf<typeof statusRequest> = isDockerfile ? { uri: document.uri.toString() } : {};
      const result = await client.sendRequest(statusRequest, params);
      if (current !== generation) return;
      showResult(item, result);
      showSimulation(simulation, result.simulation);
      // A simulation compares with the current state assumed built: no baseline is in use for its document.
      if (isDockerfile && result.simulation?.uri === document.uri.toString()) item.hide();
    } catch (error) {
      if (current === generation) show(item, '$(warning) Layer Lens', vscode.l10n.t('Layer Lens server did not answer: {0}', String(error)));
    }
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh(), refreshDelayMs);
  };

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(schedule),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === vscode.window.activeTextEditor?.document) schedule();
    }),
    client.onDidChangeState(schedule),
    didUpdate(schedule),
    { dispose: () => timer && clearTimeout(timer) },
    // "built 3 min ago" stays true as the minutes pass.
    (() => {
      const minute = setInterval(() => item.text.includes(' ago') && schedule(), 60_000);
      return { dispose: () => clearInterval(minute) };
    })(),
  );
  schedule();
}

function showResult(item: vscode.StatusBarItem, result: StatusResult): void {
  const count = result.instructionCount;
  const baseline = result.baseline;
  const label = baseline && baselineLabel(baseline);
  const built = baseline?.kind === 'recorded' && baseline.origin ? builtWhere(baseline.origin) : undefined;
  const text =
    baseline === null
      ? 'Layer Lens'
      : baseline.kind === 'none'
        ? vscode.l10n.t('Layer Lens: nothing built yet')
        : built
          ? vscode.l10n.t('Layer Lens: {0}', built)
          : vscode.l10n.t('Layer Lens: baseline {0}', label ?? '');
  const instructions = count === null ? '' : count === 1 ? vscode.l10n.t(', 1 instruction') : vscode.l10n.t(', {0} instructions', count);
  const configuration = result.configuration ?? null;
  const configText =
    configuration === null
      ? ''
      : configuration.origin === 'setting'
        ? vscode.l10n.t('layerLens.dockerfiles setting')
        : configuration.origin === 'folder'
          ? vscode.l10n.t("the Dockerfile's folder")
          : configuration.label;
  const unresolved = Object.keys(configuration?.unresolvedArgs ?? {});
  const tooltip = [
    configuration === null
      ? ''
      : [
          configuration.source
            ? vscode.l10n.t('Planned as the build {0} declares ({1}).', configText, configuration.source)
            : vscode.l10n.t('Planned with: {0}.', configText),
          unresolved.length ? vscode.l10n.t('Build args unknown here (their steps are "maybe"): {0}.', unresolved.join(', ')) : '',
          configuration.choices.length > 1
            ? vscode.l10n.t('Other configurations build this Dockerfile: "Layer Lens: Choose Build Configuration" switches.')
            : '',
        ]
          .filter(Boolean)
          .join(' '),
    baseline
      ? vscode.l10n.t('What counts as built: {0}. {1}', built ? `${label ?? ''} (${built})` : (label ?? ''), renderMessage(baseline.detail, vscode.l10n.t))
      : '',
    count === null
      ? vscode.l10n.t('Layer Lens server {0} (pid {1}) is running. Click for its output.', result.serverVersion, result.pid)
      : vscode.l10n.t('Layer Lens server {0} (pid {1}) is running and sees {2} instructions. Click for its output.', result.serverVersion, result.pid, count),
  ]
    .filter(Boolean)
    .join('\n\n');
  const shown = configText ? `${text} · ${configText}` : text;
  show(item, `$(layers) ${shown}`, tooltip);
  item.accessibilityInformation = { label: `${shown}${instructions}` };
}

function showSimulation(item: vscode.StatusBarItem, simulation: StatusResult['simulation']): void {
  void vscode.commands.executeCommand('setContext', simulatingKey, simulation !== null);
  if (!simulation) {
    item.hide();
    return;
  }
  const label = renderReason(simulation.cause, vscode.l10n.t);
  item.text = `$(beaker) ${vscode.l10n.t('Simulating: {0}', label)}`;
  item.accessibilityInformation = { label: vscode.l10n.t('Simulating: {0}. Activate to stop simulating.', label) };
  item.show();
}

/** Where and when the recorded baseline was built: "built 3 min ago in the terminal". */
function builtWhere(origin: NonNullable<NonNullable<StatusResult['baseline']>['origin']>): string {
  const since = ago(origin.at, Date.now());
  const when =
    since === 'now'
      ? vscode.l10n.t('just now')
      : since[1] === 'min'
        ? vscode.l10n.t('{0} min ago', since[0])
        : since[1] === 'h'
          ? vscode.l10n.t('{0} h ago', since[0])
          : vscode.l10n.t('{0} days ago', since[0]);
  switch (origin.source) {
    case 'terminal':
      return vscode.l10n.t('built {0} in the terminal', when);
    case 'task':
      return vscode.l10n.t('built {0} in a task', when);
    case 'build':
      return vscode.l10n.t('built {0} by Layer Lens', when);
    case 'cli':
      return vscode.l10n.t('recorded {0} by layerlens', when);
    case 'dockerHistory':
      return vscode.l10n.t('docker buildx history, {0}', new Date(origin.at).toLocaleTimeString(vscode.env.language, { hour: '2-digit', minute: '2-digit' }));
    default:
      return vscode.l10n.t('marked as built {0}', when);
  }
}

/** The server's baseline words ("recorded build", "git HEAD", "nothing built yet") in the display language. */
function baselineLabel(baseline: NonNullable<StatusResult['baseline']>): string {
  return baseline.kind === 'recorded' ? vscode.l10n.t('recorded build') : baseline.kind === 'gitHead' ? 'git HEAD' : vscode.l10n.t('nothing built yet');
}

function show(item: vscode.StatusBarItem, text: string, tooltip: string): void {
  item.text = text;
  item.tooltip = tooltip;
}
