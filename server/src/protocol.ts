// Every custom request and notification between the Layer Lens client and server, declared once as a typed
// vscode-jsonrpc RequestType / NotificationType and used as it is by both sides: the client sends through
// `client.sendRequest(someRequest, params)`, the server handles through `connection.onRequest(someRequest, handler)`.
// The client and the webviews import nothing else of server/src but this module and the pure helpers of
// server/src/shared it re-exports (eslint's no-restricted-imports holds that). vscode-languageclient and
// vscode-languageserver share one vscode-jsonrpc (package.json's overrides), so one RequestType serves both.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { LayerStackModel } from './core/stack/layerStack';
import type { ContextReport } from './core/context/report';
import type { Builder, Diagnostic } from './core/shared/types';
import type { CostedPrediction, RebuildEstimate } from './core/plan/cost';
import type { BuildReport } from './build/buildProject';
import type { Reason } from './core/plan/reason';
import type { BuildOrigin } from './core/plan/store';
import type { Message } from './core/shared/message';
import type { WorkspaceEdit } from 'vscode-languageserver-types';

export * from './shared/text';
export type * from './shared/drawn';

/** The parameters and the result a request declares. */
export type ParamsOf<R> = R extends RequestType<infer P, unknown, unknown> ? P : never;
export type ResultOf<R> = R extends RequestType<unknown, infer T, unknown> ? T : never;

function request<Params, Result>(method: string): RequestType<Params, Result, void> {
  return new RequestType<Params, Result, void>(method);
}

export interface StatusParams {
  /** The document to describe; the server answers for the text the editor has open, saved or not. */
  uri?: string;
}

export interface StatusResult {
  serverVersion: string;
  /** Process id of the server, so a client (or a test) can tell one server run from the next. */
  pid: number;
  /** Instructions in the document, or null when the server does not have that document open. */
  instructionCount: number | null;
  /** What counts as built for that document, or null when the server does not have it open. */
  baseline: BaselineInfo | null;
  /** The simulation the lenses show (in whichever document it is), or null. */
  simulation: SimulationInfo | null;
  /**
   * Where that document's context, target, args and platform come from, or null when it is its folder with nothing
   * else to choose (or the server does not have it open).
   */
  configuration?: ConfigurationInfo | null;
}

/** One build configuration that builds a Dockerfile (see server/src/configs). */
export interface ConfigurationChoice {
  /** Stable while the configuration file does not move it: `kind:file:line:name`; `folder` for the folder default. */
  id: string;
  /** `compose:api (target prod)`, or `folder` for the Dockerfile's folder. */
  label: string;
  /** Workspace-relative `file:line`; '' for the folder. */
  source: string;
}

export interface ConfigurationInfo extends ConfigurationChoice {
  /**
   * `setting`: a `layerLens.dockerfiles` entry; `discovered`: the first configuration that builds it (devcontainer,
   * compose, Bake, workflow, in that order); `picked`: the user's choice; `folder`: its folder, picked or the default.
   */
  origin: 'setting' | 'discovered' | 'picked' | 'folder';
  /** Every configuration that builds the Dockerfile, and the folder default last (empty for `setting`). */
  choices: ConfigurationChoice[];
  /** Build args whose value is unknown here: name → why; the steps that depend on them are `maybe`. */
  unresolvedArgs: Record<string, string>;
  notes: string[];
  /** Where the configuration declares each build arg: name → workspace-relative `file:line` (for hovers on ARG). */
  argSources?: Record<string, string>;
}

export interface PickConfigurationParams {
  uri: string;
  /** A ConfigurationChoice id, or `folder`. */
  id: string;
}

/** Client → server: plan this Dockerfile with this configuration from now on (this server run). Answers the new one. */
export const pickConfigurationRequest = request<PickConfigurationParams, ConfigurationInfo | null>('layerLens/pickConfiguration');

/**
 * Client → server: who is answering, how many instructions the server sees in a document and which baseline
 * its verdicts use. The client shows the answer in the status bar, which also proves to a user that the server is alive.
 */
export const statusRequest = request<StatusParams, StatusResult>('layerLens/status');

function notification<Params>(method: string): NotificationType<Params> {
  return new NotificationType<Params>(method);
}

/** What the client passes in `initializationOptions`. */
export interface InitializationOptions {
  /**
   * The cache store file of this workspace, in the extension's storage (never inside a build context, where
   * writing it would itself change what `COPY . .` copies). Absent: recorded builds are kept in memory only.
   */
  storePath?: string;
  /**
   * Without storePath: use the machine's store, the one `layerlens` uses by default (one per Docker endpoint, see
   * defaultStorePath in storeFile.ts), so the editor and the CLI share every recorded build.
   */
  machineStore?: boolean;
  /** The editor's older per-workspace store: its builds are moved into the store in use, once (the file is renamed). */
  legacyStorePath?: string;
  /**
   * The editor's display language and this extension's l10n bundle for it (vscode.env.language and
   * vscode.l10n.bundle): hovers, diagnostics, quick fixes and lens words are shown in that language. Absent: English.
   */
  l10n?: { locale?: string; bundle?: Record<string, string> };
  /**
   * Whether the user trusts the workspace (vscode.workspace.isTrusted). Absent or not `true`: untrusted, the safe
   * default. While untrusted the server starts no process (no git, no docker) and ignores `layerLens.dockerfiles`
   * (it names build context folders); layerLens/didChangeTrust tells it when the user grants trust.
   */
  trusted?: boolean;
}

export interface DidChangeTrustParams {
  trusted: boolean;
}

/**
 * Client → server: the user trusted the workspace (vscode.workspace.onDidGrantWorkspaceTrust; trust is only ever
 * granted within a window). The server reads the settings again and may now read git HEAD.
 */
export const didChangeTrustNotification = notification<DidChangeTrustParams>('layerLens/didChangeTrust');

/** Which state counts as built when the verdicts are computed. */
export type BaselineKind = 'recorded' | 'gitHead' | 'none';

export interface BaselineInfo {
  kind: BaselineKind;
  /** Short words for the status bar: "recorded build", "git HEAD", "nothing built yet". */
  label: string;
  /** One sentence on where it comes from or why the wanted baseline is not available (the client renders it). */
  detail: Message;
  /** A recorded baseline: where its last build came from and when (ms since the epoch), when the store knows. */
  origin?: BuildOrigin;
}

/** The simulation shown instead of the plain verdicts, if any. */
export interface SimulationInfo {
  uri: string;
  changedFiles: string[];
  editedLines: number[];
  /** "src/app.js changed", "line 3 edited": `cause` in English. */
  label: string;
  /** What is pretended, as a value ({ code: 'simulation' }): renderReason() says it in the display language. */
  cause: Reason;
}

export interface DocumentParams {
  uri: string;
}

/** The answer to layerLens/plan (planRequest below). */
export interface PlanResponse {
  /**
   * One step per instruction in file order (the CLI's JSON step shape); `reads` lists context files only, no folders.
   * Steps a real build measured carry `durationMs` (on rebuilds and maybe verdicts) and `sizeBytes`.
   */
  steps: CostedPrediction[];
  /** What rebuilding costs by the durations real builds recorded; null for a simulation or no plan. */
  estimate: RebuildEstimate | null;
  diagnostics: Diagnostic[];
  baseline: BaselineInfo;
  /** Set when these verdicts are a simulation of this document. */
  simulation: SimulationInfo | null;
  /** Why there is no plan (no build context, not a file on disk); steps are then empty. */
  problem: string | null;
}

/**
 * Client → server: the verdicts the lenses show for a document (simulated, if a simulation is on), with the
 * files each step reads. The client asks when a lens is clicked, to offer the files of a COPY/ADD to simulate.
 */
export const planRequest = request<DocumentParams, PlanResponse | null>('layerLens/plan');

export interface LayerStackResult {
  /** What the layer stack panel draws, or null when there is no plan (see `problem`). */
  model: LayerStackModel | null;
  baseline: BaselineInfo;
  simulation: SimulationInfo | null;
  problem: string | null;
  builder: Builder;
  target: string | null;
}

/**
 * Client → server: the layer stack of a document: stages, layer blocks with estimated sizes, edges
 * between stages and the summary line, for the verdicts the lenses show (simulated, if a simulation is on).
 */
export const layerStackRequest = request<DocumentParams, LayerStackResult | null>('layerLens/layerStack');

/** One line of the build context view: a label, a detail, a codicon; a warning's fix carries the line to add. */
export interface BuildContextNode {
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon name. */
  icon?: string;
  kind?: 'warning' | 'fix';
  /** The line a fix adds to the ignore file. */
  fix?: string;
  children?: BuildContextNode[];
}

export interface BuildContextResult {
  /** The build context folder (absolute), or null without a context on disk (see `problem`). */
  contextDir: string | null;
  /** The ignore file in effect, relative to the context, or null when there is none. */
  ignoreFile: string | null;
  /** The file a fix writes (absolute): the ignore file in effect, else `.dockerignore` in the context (created). */
  fixTarget: string | null;
  report: ContextReport | null;
  /** The report as the view shows it, in the display language. */
  nodes: BuildContextNode[];
  problem: string | null;
}

/**
 * Client → server: what the document's build context sends to Docker (the same facts as `layerlens context`):
 * from the context the analysis already scanned; no git and no process, trusted or not.
 */
export const buildContextRequest = request<DocumentParams, BuildContextResult | null>('layerLens/buildContext');

export interface StepFilesParams {
  uri: string;
  /** The instruction's first line (1-based). */
  line: number;
}

export interface StepFilesResult {
  /** The context files the step reads, with their sizes in bytes (a symlink: its target's length). */
  files: Array<{ path: string; size: number }>;
}

/** Client → server: the files one step reads, with sizes, for the COPY lens's grouped pick. */
export const stepFilesRequest = request<StepFilesParams, StepFilesResult | null>('layerLens/stepFiles');

export interface SimulateParams {
  uri: string;
  /** Context paths (relative to the build context) to pretend changed. */
  changedFiles: string[];
  /** 1-based Dockerfile lines to pretend edited. */
  editedLines: number[];
}

/**
 * Client → server: pretend these files changed or these lines were edited, against the current state assumed
 * built. Replaces any earlier simulation; every lens of the document shows it until it is cleared.
 */
export const simulateRequest = request<SimulateParams, SimulationInfo | null>('layerLens/simulate');

/** Client → server: stop simulating (the user clicked the "Simulating: ..." item or pressed Escape). */
export const clearSimulationRequest = request<Record<string, never>, null>('layerLens/clearSimulation');

export interface RecordResult {
  /** Step keys added to the store. */
  keys: number;
  /** Where the store was written, or null when it is kept in memory only. */
  storePath: string | null;
  /** A problem worth showing (the store file could not be written, a corrupt store was set aside), as a value. */
  warning: Message | null;
}

/**
 * Client → server: "Layer Lens: Mark Current State as Built": add the current state's keys of this Dockerfile
 * (its unsaved text and the context on disk) to the workspace's cache store.
 */
export const recordRequest = request<DocumentParams, RecordResult | null>('layerLens/record');

export interface DidUpdateParams {
  /** Documents whose verdicts or baseline changed. */
  uris: string[];
}

/**
 * Server → client: verdicts changed without an edit in the editor (a context file, a recorded build, settings,
 * a simulation, git HEAD). Lenses are refreshed through workspace/codeLens/refresh; this tells the client to
 * refresh what it shows next to them (the status bar).
 */
export const didUpdateNotification = notification<DidUpdateParams>('layerLens/didUpdate');

/**
 * The client command every lens runs when clicked (server → client, inside the CodeLens). The client offers
 * the files a COPY/ADD reads (from layerLens/plan) or pretends the line was edited, then sends layerLens/simulate.
 */
export const simulateStepCommand = 'layerLens.simulateStep';

/** The single argument of simulateStepCommand. */
export interface SimulateStepArgs {
  uri: string;
  /** 1-based line of the instruction. */
  line: number;
  keyword: string;
}

export interface BuildImageResult {
  /** The build's report (predicted vs actual per step, disagreements, failure), or null when it could not start. */
  report: BuildReport | null;
  /** The report as text, for "Copy Report" and the output channel. */
  reportText: string | null;
  /** Why the build could not run (docker missing, daemon down, socket permission, no build context, busy), as a value. */
  problem: Message | null;
}

/**
 * Client → server: "Layer Lens: Build Image": build the Dockerfile (saved on disk) with its settings through the
 * docker CLI, record the built state with its timings and sizes in the workspace's store, and compare with the
 * prediction made right before. Cancelling the request stops the build (the docker process group is killed).
 */
export const buildImageRequest = request<DocumentParams, BuildImageResult>('layerLens/buildImage');

/**
 * How a failed build's message ends (BuildReport.failure.message): it points at docker's output printed above it
 * in a terminal or the output channel. The editor's notification leaves it out; its Show Output button says where.
 */
export { BUILD_OUTPUT_HINT } from './build/hint';

export interface BuildOutputParams {
  uri: string;
  /** Progress lines as docker printed them (rawjson progress rendered as text). */
  lines: string[];
}

/** Server → client: output of a running build, for the output channel and the progress notification. */
export const buildOutputNotification = notification<BuildOutputParams>('layerLens/buildOutput');

/** Where a build the user ran came from. */
export type SeenBuildSource = 'terminal' | 'task';

/** The `dockerBuild` fields of a `docker-build` task (Docker / Container Tools extensions), paths as the task has them. */
export interface DockerBuildTaskFields {
  context?: string;
  dockerfile?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  platform?: string;
}

export interface BuildStartedParams {
  source: SeenBuildSource;
  /** The command line as run (terminal), or the task's command line (shell and process tasks). */
  commandLine?: string;
  /** The folder it runs in (absolute), or null when not known. */
  cwd: string | null;
  /** A `docker-build` task's fields instead of a command line. */
  dockerBuild?: DockerBuildTaskFields;
}

export interface SeenBuild {
  /** Absolute path of the Dockerfile, or null when not known. */
  dockerfile: string | null;
  /** `docker build` (…), `compose:api`, `bake:web`. */
  label: string;
  /** Why it will not be recorded, or null when it will be (at exit code 0). */
  problem: string | null;
}

export interface BuildStartedResult {
  /** Pass to layerLens/buildEnded; null when the line builds nothing this store can record. */
  id: string | null;
  /** Every build the line runs (an empty list: it runs none). */
  builds: SeenBuild[];
}

/**
 * Client → server: a command that builds images may have started in the integrated terminal or a task. The server
 * recognises the builds (server/src/commandLine.ts; compose and Bake through discovery), takes the snapshot of each
 * context now (what Docker is sent), and keeps it until layerLens/buildEnded. Trusted workspaces only.
 */
export const buildStartedRequest = request<BuildStartedParams, BuildStartedResult>('layerLens/buildStarted');

export interface BuildEndedParams {
  id: string;
  /** The command's exit code; null when the terminal could not tell (nothing is recorded then). */
  exitCode: number | null;
}

export interface BuildEndedResult {
  /** One line per build: what was recorded, or why not (for the output channel). */
  messages: string[];
  /** Builds recorded in the store. */
  recorded: number;
  /**
   * The Dockerfiles (absolute paths) of the BuildKit builds of a command that failed: Docker's build history holds the
   * steps it finished, which the client then reads (layerLens/readDockerHistory) when that source is on.
   */
  failed?: string[];
}

/** Client → server: that command ended: at exit code 0 its snapshots are recorded as built; otherwise nothing. */
export const buildEndedRequest = request<BuildEndedParams, BuildEndedResult>('layerLens/buildEnded');

export interface ReadDockerHistoryResult {
  /** One line per build of this Dockerfile found in Docker's history: what was recorded, or why not. */
  messages: string[];
  /** Builds recorded in the store. */
  recorded: number;
  /** Why Docker's build history could not be read (no `docker buildx history`, no daemon), or null. */
  problem: string | null;
}

/**
 * Client → server: read the builds of this Dockerfile made anywhere else from Docker's own build history
 * (`docker buildx history`) and record those newer than the last one known. Trusted workspaces only; the setting
 * layerLens.record.dockerHistory turns it off (the client then does not ask).
 */
export const readDockerHistoryRequest = request<DocumentParams, ReadDockerHistoryResult>('layerLens/readDockerHistory');

export interface HistoryParams {
  /** The Dockerfile (its build is planned as the editor plans it: settings, discovered configuration). */
  uri: string;
  /** How many commits touching the build's inputs (default: the document's layerLens.history.commits, 50 unless set). */
  commits?: number;
  /** `all` (default): every earlier state is in the cache; `previous`: only the previous state. */
  cache?: 'all' | 'previous';
  /** Also replay each state's Dockerfile as `layerlens fix` rewrites it. */
  fixed?: boolean;
}

/** A commit's verdict of one summary row's step. */
export interface HistoryCell {
  status: 'cached' | 'rebuilds' | 'maybe' | 'skipped' | 'none';
  line: number;
  /** English (the CLI's words); `why` is the same reason as a value, for the display language. */
  reason: string;
  why: Reason | null;
  /** The grouped first cause of a miss (a file or folder, `Dockerfile edited`, `build arg X`, ...), null otherwise. */
  cause: string | null;
}

export interface HistoryCommitView {
  commit: string;
  subject: string;
  /** Paths of the build's inputs changed since the previous replayed commit (at most 50; `moreChanged` more). */
  changed: string[];
  moreChanged: number;
  /** Set when this state could not be planned. */
  error: string | null;
  /** One per summary row (null where this state had no such step). */
  cells: Array<HistoryCell | null>;
}

export interface HistoryCounts {
  rebuilds: number;
  maybe: number;
  cached: number;
  causes: Array<{ cause: string; count: number }>;
  /** The rebuilt (then maybe) states grouped by their whole cause, most frequent first; counts add up to rebuilds and maybe. */
  segments: Array<{ status: 'rebuilds' | 'maybe'; cause: string; count: number }>;
  estimatedMs: number | null;
}

export interface HistoryRowView extends HistoryCounts {
  line: number;
  keyword: string;
  /** The instruction's first line in the newest Dockerfile. */
  text: string;
  /** The same step with `layerlens fix`'s rewrite of every state (with `fixed`), null when it has no match. */
  fixed: HistoryCounts | null;
}

export interface HistoryResultView {
  /** Why there is no replay (untrusted workspace, not a git repository, ...); the rest is empty then. */
  problem: string | null;
  /** The Dockerfile relative to the repository, and the commit the replay ends at. */
  dockerfile: string;
  head: string;
  cache: 'all' | 'previous';
  states: number;
  notes: string[];
  /** Oldest first. */
  commits: HistoryCommitView[];
  rows: HistoryRowView[];
  /** Sum of the rows' estimates (null when no row is timed). */
  estimatedMs: number | null;
  /** With `fixed`: states whose Dockerfile the fixes change, and the fixed replay's total estimate. */
  fixed: { changedStates: number; estimatedMs: number | null } | null;
  /** Milliseconds the replay took (0 when the answer came from the cache). */
  tookMs: number;
  cachedAnswer: boolean;
}

/**
 * Client → server: replay the git history of a Dockerfile's build (what `layerlens history --json` computes), for
 * the history panel. Trusted workspaces only (it runs git, hardened); cancellable. Answers are kept per HEAD commit,
 * Dockerfile and options.
 */
export const historyRequest = request<HistoryParams, HistoryResultView>('layerLens/history');

/** Server → client: progress of a running layerLens/history (states planned of the total). */
export const historyProgressNotification = notification<{ uri: string; done: number; total: number }>('layerLens/historyProgress');
/** The parameters of configLensesRequest: a compose or Bake file open in the editor. */
export interface ConfigLensesParams {
  uri: string;
}

/** One lens on a compose service or Bake target that builds an image: its plan in a few words. */
export interface ConfigLens {
  /** 1-based line of the declaration (the service's `build` key, the Bake target). */
  line: number;
  /** `Layer Lens: 9 steps, 2 rebuild`, or why it is not planned. */
  title: string;
  tooltip: string;
  /** The Dockerfile it builds (a file URI), when on disk. */
  dockerfileUri?: string;
  /** The configuration's ConfigurationChoice id, when it can be planned (pickConfigurationRequest takes it). */
  configId?: string;
}

/**
 * Client → server: the lenses of a compose or Bake file, one per service or target that builds an image, each
 * with the summary of the Dockerfile planned with that configuration (context, target, args, platform).
 */
export const configLensesRequest = request<ConfigLensesParams, ConfigLens[]>('layerLens/configLenses');

/** The command a configuration lens runs: open the Dockerfile planned with that configuration, and its layer stack. */
export const openConfigurationCommand = 'layerLens.openConfiguration';

/** The single argument of openConfigurationCommand. */
export interface OpenConfigurationArgs {
  dockerfileUri: string;
  configId: string;
}

/** What `layerlens fix` would apply to the document now, as one edit (the history panel's "Apply fixes"). */
export interface FixAllResult {
  /** The fixes, in the order `layerlens fix` applies them, in the display language; empty: nothing to fix. */
  applied: string[];
  /** Files the fixes create (relative to the build context), e.g. `.dockerignore`. */
  createFiles: string[];
  /** The edit on document version `version`; null when there is nothing to apply (or `problem` says why not). */
  edit: WorkspaceEdit | null;
  version: number | null;
  /** Why the fixes cannot be applied from here (untrusted workspace, the document not open, ...). */
  problem: string | null;
}

/**
 * Client → server: every fix `layerlens fix` would apply to the open Dockerfile, as one WorkspaceEdit on the
 * document version it was computed from. Trusted workspaces only. The server applies nothing itself.
 */
export const fixAllRequest = request<DocumentParams, FixAllResult>('layerLens/fixAll');
