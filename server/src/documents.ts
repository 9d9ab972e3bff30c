// The state every feature reads for an open Dockerfile: its settings, its Project (unsaved editor text plus
// the context on disk, refreshed incrementally on edits and watched-file events), the baseline that counts
// as built, the simulation if one is on, and the plan, computed once per change and shared by every feature.
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CancellationToken } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { openProjectAsync, planProject, projectPaths, refreshProject, simulateProject, type Project, type ProjectPlan } from './diskProject';
import type { ParsedDockerfile } from './core/dockerfile/parse';
import { DigestCache } from './contextFs';
import type { RecordablePlan } from './core/plan/predict';
import { fileListOf, renderReason, type Reason } from './core/plan/reason';
import type { CostedPrediction, RebuildEstimate } from './core/plan/cost';
import { headCommitAsync, readGitHeadAsync, type BlobDigests, type GitHeadResult } from './gitBaseline';
import { chooseBaseline, type Baseline } from './document/baseline';
import { recordProject, type WorkspaceStore } from './store/record';
import { DocumentModel, ParsedText } from './document/model';
import { LimitError, yieldToEventLoop, type LimitProblem } from './core/dockerfile/limits';
import type { BaselineInfo, RecordResult, SimulationInfo } from './protocol';
import { dockerfileSettings, normaliseSettings, type DockerfileSettings, type LayerLensSettings } from './settings';
import { affectsDiscovery, configsFor, discoverConfigs, processEnv } from './configs/discover';
import { bakePrintWith } from './configs/bakePrint';
import type { Discovery } from './configs/types';
import { withConfiguration } from './document/buildConfig';
import { inside } from './configs/common';
import type { ConfigurationInfo } from './protocol';
import { messageOf, msg, renderMessage, verbatim, type Message } from './core/shared/message';

export interface DocumentsHost {
  /** The open documents (the editor's text, saved or not). */
  text(uri: string): TextDocument | undefined;
  /** `layerLens.*` for a document, pulled from the client and cached until the configuration changes. */
  settingsFor(uri: string): Promise<LayerLensSettings>;
  /** The configuration changed: pull settings afresh. */
  forgetSettings(): void;
  workspaceFolders(): readonly string[];
  store: WorkspaceStore;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** Verdicts of these documents changed without an edit in the editor. */
  didUpdate(uris: string[]): void;
  /** Whether the workspace is trusted: git runs only then (a repository's config can make git run a command). */
  trusted(): boolean;
}

/** One document as the features see it. */
export interface Analysis {
  uri: string;
  settings: DockerfileSettings;
  /** Absent when there is nothing to analyse (see `problem`). */
  project?: Project;
  /** Why there is no plan, as a value each feature renders in its language. */
  problem?: Message;
  baseline: BaselineInfo;
  /** Set when `plan` is a simulation. */
  simulation?: SimulationInfo;
  plan?: RecordablePlan & { source: string[]; steps: CostedPrediction[]; estimate?: RebuildEstimate };
  /** The model of the analysed text (document/model.ts): its parse, plan and advice, shared by every feature. */
  model: DocumentModel;
  /** The text is past a limit of core/dockerfile/limits.ts (then `problem` is its message, and there is no plan). */
  limit?: LimitProblem;
}

interface Entry {
  uri: string;
  path: string | undefined;
  /** Bumped by every reload; a load that finishes late for an older generation is dropped. */
  generation: number;
  ready: Promise<void>;
  settings?: DockerfileSettings;
  project?: Project;
  problem?: Message;
  baseline?: Baseline;
  /** The baseline being chosen (git runs off the event loop); every analysis of the entry waits for this one. */
  baselineRead?: Promise<Baseline | undefined>;
  git?: { commit: string; result: GitHeadResult };
  /** The model of the text last analysed with the inputs it was made of (document/model.ts); a new one when either changes. */
  model?: DocumentModel;
  /** The parse of the newest text seen (shared by the model of that text and by features asked about it first). */
  source?: ParsedText;
  /** Stops the context scan of a load that a newer one (or closing the document) made useless. */
  opening?: AbortController;
  /** Files changed on disk while the context was being read: examined again once it is. */
  changedWhileOpening?: string[];
}

/** Watched-file events arrive in bursts (a save writes a temp file, renames it, touches the folder). */
export const FILE_EVENT_DEBOUNCE_MS = 20;

const NOT_A_FILE: Message = msg('notOnDisk');
/** Any change inside .git may move HEAD (a commit writes the ref through a lock file and a rename). */
const GIT_DIR = /(^|[\\/])\.git([\\/]|$)/;

export class DockerfileDocuments {
  private readonly entries = new Map<string, Entry>();
  private readonly digestCache = new DigestCache();
  private readonly blobDigests: BlobDigests = new Map();
  private readonly pendingFiles = new Set<string>();
  private fileTimer: ReturnType<typeof setTimeout> | undefined;
  private simulationState: SimulationInfo | undefined;
  /** Whether git HEAD moved, asked after events inside .git; analyses wait for it before using a baseline. */
  private headChecks: Promise<void> = Promise.resolve();
  /** Build configurations found per workspace folder (server/src/configs), found again when their files change. */
  private readonly discoveries = new Map<string, Promise<Discovery>>();
  private readonly discovered = new Map<string, Discovery>();
  /** The configuration the user picked per Dockerfile path (a ConfigurationChoice id), for this server run. */
  private readonly picks = new Map<string, string>();
  /** Bumped when files, settings, trust or the store change (plans kept elsewhere, the configuration lenses', are dropped). */
  private revisionCount = 0;

  constructor(private readonly host: DocumentsHost) {}

  opened(uri: string): void {
    const entry: Entry = { uri, path: filePath(uri), generation: 0, ready: Promise.resolve() };
    this.entries.set(uri, entry);
    this.load(entry);
  }

  /** The editor text changed: the project takes it up when next analysed. */
  changed(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry) entry.model = undefined;
  }

  closed(uri: string): void {
    this.entries.get(uri)?.opening?.abort();
    this.entries.delete(uri);
    if (this.simulationState?.uri === uri) this.clearSimulation();
  }

  /** Files changed on disk (absolute paths): re-examined after a short debounce, only those paths. */
  filesChanged(paths: Iterable<string>): void {
    this.revisionCount++;
    for (const p of paths) this.pendingFiles.add(p);
    if (this.fileTimer) clearTimeout(this.fileTimer);
    this.fileTimer = setTimeout(() => this.flushFiles(), FILE_EVENT_DEBOUNCE_MS);
  }

  /** Settings changed: every document reloads its settings, reopening its project only if they differ. */
  settingsChanged(): void {
    this.revisionCount++;
    this.host.forgetSettings();
    for (const entry of this.entries.values()) this.load(entry);
    void Promise.all([...this.entries.values()].map((e) => e.ready)).then(() => this.host.didUpdate([...this.entries.keys()]));
  }

  /** The user trusted the workspace: settings are read again and every baseline is chosen again (git HEAD may now be read). */
  trustChanged(): void {
    // Bake HCL is evaluated (docker buildx bake --print) only in a trusted workspace: find the configurations again.
    this.discoveries.clear();
    this.discovered.clear();
    for (const e of this.entries.values()) {
      e.baseline = undefined;
      e.baselineRead = undefined;
      e.git = undefined;
      e.model = undefined;
    }
    this.settingsChanged();
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  revision(): number {
    return this.revisionCount;
  }

  /** The analysis of the open Dockerfile at this path, when it is planned with this configuration (a ConfigurationChoice id). */
  async analysisWith(path: string, configurationId: string): Promise<Analysis | undefined> {
    for (const entry of this.entries.values()) {
      if (entry.path !== path) continue;
      await entry.ready;
      if (entry.settings?.configuration?.id === configurationId) return this.analysis(entry.uri);
    }
    return undefined;
  }

  /** Plan the document with this configuration (a ConfigurationChoice id, or `folder`) from now on; answers the one in use. */
  async pickConfiguration(uri: string, id: string): Promise<ConfigurationInfo | undefined> {
    const entry = this.entries.get(uri);
    if (!entry?.path) return undefined;
    this.picks.set(entry.path, id);
    this.load(entry);
    await entry.ready;
    entry.model = undefined;
    this.host.didUpdate([uri]);
    return entry.settings?.configuration;
  }

  get simulation(): SimulationInfo | undefined {
    return this.simulationState;
  }

  /** Replaces any simulation; undefined when the document is not open. */
  async simulate(uri: string, changedFiles: string[], editedLines: number[]): Promise<SimulationInfo | undefined> {
    const entry = this.entries.get(uri);
    if (!entry) return undefined;
    await entry.ready;
    const previous = this.simulationState?.uri;
    const cause = simulationCause(changedFiles, editedLines);
    this.simulationState = { uri, changedFiles, editedLines, label: renderReason(cause), cause };
    for (const e of [entry, ...(previous ? [this.entries.get(previous)] : [])]) if (e) e.model = undefined;
    this.host.didUpdate([...new Set([uri, ...(previous ? [previous] : [])])]);
    return this.simulationState;
  }

  clearSimulation(): void {
    const uri = this.simulationState?.uri;
    this.simulationState = undefined;
    if (uri === undefined) return;
    const entry = this.entries.get(uri);
    if (entry) entry.model = undefined;
    this.host.didUpdate([uri]);
  }

  /** "Mark Current State as Built"; every document's baseline is chosen again afterwards. */
  async record(uri: string): Promise<RecordResult | undefined> {
    const analysis = await this.analysis(uri);
    if (!analysis?.project) return undefined;
    // Text past a limit (core/dockerfile/limits.ts) is not planned, so there is nothing to record: say why.
    if (analysis.limit) return { keys: 0, storePath: null, warning: analysis.limit.text };
    const result = recordProject(this.host.store, analysis.project);
    if (result.warning) this.host.log('warn', renderMessage(result.warning));
    this.storeChanged();
    return result;
  }

  /** The workspace's cache store (builds are recorded into it). */
  get store(): WorkspaceStore {
    return this.host.store;
  }

  /** A build was recorded in the store: every document's baseline is chosen again. */
  storeChanged(): void {
    this.revisionCount++;
    for (const e of this.entries.values()) {
      e.baseline = undefined;
      e.baselineRead = undefined;
      e.model = undefined;
    }
    this.host.didUpdate(this.uris());
  }

  /**
   * The document's current analysis: its latest text, settings, baseline and plan. Undefined when the document
   * is not open, or as soon as `token` is cancelled (the waits end early, and nothing is planned for it).
   */
  async analysis(uri: string, token?: CancellationToken): Promise<Analysis | undefined> {
    // Parsing and planning are two slices of work with a turn of the event loop between them, so other
    // requests are answered meanwhile; an edit during the turn starts the analysis again (at most twice).
    for (let attempt = 0; ; attempt++) {
      if (token?.isCancellationRequested) return undefined;
      const result = await this.analysisOnce(uri, attempt < 2, token);
      if (result !== 'again') return result;
    }
  }

  private async analysisOnce(uri: string, mayYield: boolean, token: CancellationToken | undefined): Promise<Analysis | undefined | 'again'> {
    let entry = this.entries.get(uri);
    while (entry) {
      const generation = entry.generation;
      if ((await unlessCancelled(entry.ready, token)) === CANCELLED) return undefined;
      if (this.entries.get(uri) !== entry) entry = this.entries.get(uri);
      else if (entry.generation === generation) break;
    }
    const document = this.host.text(uri);
    if (!entry || !document || !entry.settings) return undefined;
    // Another window or `layerlens record` wrote the store: every baseline is chosen again (a stat otherwise).
    if (this.host.store.refresh()) this.storeChanged();
    // Asked before the debounce ran out (a record right after a save): take the pending file events now.
    if (this.pendingFiles.size) {
      clearTimeout(this.fileTimer);
      this.flushFiles();
    }
    const generation = entry.generation;
    if ((await unlessCancelled(this.headChecks, token)) === CANCELLED) return undefined;
    if (this.entries.get(uri) !== entry || entry.generation !== generation) return 'again';
    const text = document.getText();
    if (entry.project && entry.project.text !== text) entry.project = refreshProject(entry.project, [], text);
    const simulation = this.simulationState?.uri === uri ? this.simulationState : undefined;
    const base = { uri, settings: entry.settings, ...(simulation ? { simulation } : {}) };
    if (!entry.project)
      return {
        ...base,
        model: this.modelOf(entry, text, undefined),
        problem: entry.problem ?? NOT_A_FILE,
        baseline: { kind: 'none', label: 'nothing built yet', detail: entry.problem ?? NOT_A_FILE },
      };
    const none: BaselineInfo = { kind: 'none', label: 'nothing built yet', detail: verbatim('') };
    // Parsing (and the limits) is the first slice of work: the model of this text keeps it (document/model.ts).
    const limit = this.sourceFor(entry, text).limit;
    if (limit) {
      const model = this.modelOf(entry, text, undefined);
      return { ...base, project: entry.project, model, problem: limit.text, limit, baseline: entry.baseline?.info ?? none };
    }
    let model: DocumentModel | undefined;
    let plan: Analysis['plan'];
    if (!(entry.model?.hasPlan && entry.model.text === text) && mayYield) {
      await yieldToEventLoop();
      if (this.entries.get(uri) !== entry || this.host.text(uri)?.getText() !== text || entry.project?.text !== text) return 'again';
    }
    try {
      if (!entry.baseline) {
        // git runs off the event loop meanwhile; the document may change, close or reload before it answers.
        if ((await unlessCancelled(this.baselineFor(entry, entry.project, entry.settings), token)) === CANCELLED) return undefined;
        if (
          this.entries.get(uri) !== entry ||
          entry.generation !== generation ||
          !entry.baseline ||
          !entry.project ||
          this.host.text(uri)?.getText() !== text ||
          entry.project.text !== text
        )
          return 'again';
      }
      if (token?.isCancellationRequested) return undefined;
      const project = entry.project;
      const known = entry.baseline.known;
      model = this.modelOf(entry, text, (parsed) =>
        simulation ? simulateProject(project, simulation.changedFiles, simulation.editedLines, parsed) : planProject(project, known, parsed),
      );
      plan = model.plan();
    } catch (e) {
      model ??= this.modelOf(entry, text, undefined);
      if (e instanceof LimitError) {
        const over = { line: e.line ?? 1, message: e.message, text: e.text };
        return { ...base, project: entry.project, model, problem: over.text, limit: over, baseline: entry.baseline?.info ?? none };
      }
      this.host.log('error', `Cannot analyse ${entry.path ?? uri}: ${(e as Error).stack ?? String(e)}`);
      return {
        ...base,
        project: entry.project,
        model,
        problem: msg('cannotAnalyse', messageOf(e)),
        baseline: entry.baseline?.info ?? { kind: 'none', label: 'nothing built yet', detail: verbatim('') },
      };
    }
    return { ...base, project: entry.project, baseline: entry.baseline.info, model, ...(plan ? { plan } : {}) };
  }

  /** The parse of the document's newest text (one kept per document: an older text's goes with its model). */
  private sourceFor(entry: Entry, text: string): ParsedText {
    if (entry.model?.text === text) return entry.model.source;
    if (entry.source?.text !== text) entry.source = new ParsedText(text);
    return entry.source;
  }

  /**
   * The document's model of this text with its current project, settings, baseline and simulation: the one kept
   * while all of them are the same, a new one otherwise. `plan` makes its plan (absent: nothing to plan yet).
   */
  private modelOf(entry: Entry, text: string, plan: ((parsed: ParsedDockerfile | undefined) => ProjectPlan) | undefined): DocumentModel {
    const simulation = this.simulationState?.uri === entry.uri ? this.simulationState : undefined;
    const depends = [entry.settings, plan ? entry.baseline : undefined, simulation];
    if (entry.model?.current(text, entry.project, depends)) return entry.model;
    const builder = entry.settings?.builder ?? 'buildkit';
    entry.model = new DocumentModel(this.sourceFor(entry, text), {
      uri: entry.uri,
      builder,
      ...(entry.project ? { project: entry.project } : {}),
      ...(plan ? { plan } : {}),
      depends,
      sourceFor: (newer) => this.sourceFor(entry, newer),
    });
    return entry.model;
  }

  private load(entry: Entry): void {
    const generation = ++entry.generation;
    entry.opening?.abort();
    const previous = entry.ready;
    entry.ready = (async () => {
      await previous.catch(() => undefined);
      const raw = await this.host.settingsFor(entry.uri).catch((e: unknown) => {
        this.host.log('warn', `Cannot read the settings for ${entry.uri}: ${String(e)}; using the defaults.`);
        return undefined;
      });
      if (generation !== entry.generation || this.entries.get(entry.uri) !== entry) return;
      let settings = entry.path
        ? dockerfileSettings(raw ?? normaliseSettings(undefined), entry.path, this.folderOf(entry.path))
        : { ...dockerfileSettings(raw ?? normaliseSettings(undefined), '/Dockerfile', undefined), context: undefined };
      // No layerLens.dockerfiles entry: the build the project declares (compose, Bake, devcontainer, workflow).
      const folder = entry.path ? this.folderOf(entry.path) : undefined;
      if (entry.path && folder && !settings.fromSetting) {
        const discovery = await this.discovery(folder);
        if (generation !== entry.generation || this.entries.get(entry.uri) !== entry) return;
        settings = withConfiguration(settings, configsFor(discovery, entry.path), this.picks.get(entry.path), discovery.configs);
      } else settings = withConfiguration(settings, [], undefined);
      if (entry.settings && JSON.stringify(entry.settings) === JSON.stringify(settings) && (entry.project || entry.problem)) return;
      entry.settings = settings;
      await this.open(entry, settings, generation);
    })();
  }

  /**
   * Read the document's context (in slices: other requests are answered meanwhile). A newer load or closing the
   * document aborts it; only the load of the current generation sets the project.
   */
  private async open(entry: Entry, settings: DockerfileSettings, generation: number): Promise<void> {
    entry.project = undefined;
    entry.problem = undefined;
    entry.baseline = undefined;
    entry.git = undefined;
    entry.model = undefined;
    if (!entry.path) return;
    const started = Date.now();
    const opening = new AbortController();
    entry.opening = opening;
    const text = this.host.text(entry.uri)?.getText() ?? '';
    // The parse of this text, which its model keeps: the COPY sources whose digests are computed ahead come from it.
    const parsed = this.sourceFor(entry, text).parsed;
    try {
      // Restricted Mode reads no named folder outside the Dockerfile's workspace folder.
      const workspace = this.folderOf(entry.path);
      const project = await openProjectAsync(
        {
          dockerfile: entry.path,
          builder: settings.builder,
          buildArgs: settings.buildArgs,
          ...(settings.context ? { context: settings.context } : {}),
          ...(settings.target ? { target: settings.target } : {}),
          ...(settings.platform ? { platform: settings.platform } : {}),
          ...(settings.unresolvedArgs ? { unresolvedArgs: settings.unresolvedArgs } : {}),
          ...(settings.namedContexts ? { namedContexts: settings.namedContexts } : {}),
          ...(settings.namedBuilds ? { namedBuilds: settings.namedBuilds } : {}),
          ...(this.host.trusted() ? {} : { namedFolderReadable: (dir: string) => workspace !== undefined && inside(workspace, dir) }),
          text,
          ...(parsed ? { parsed } : {}),
          digestCache: this.digestCache,
        },
        opening.signal,
      );
      if (opening.signal.aborted || generation !== entry.generation || this.entries.get(entry.uri) !== entry) return;
      const missed = entry.changedWhileOpening ?? [];
      entry.project = missed.length ? refreshProject(project, missed) : project;
      this.host.log(
        'info',
        `Read the build context ${entry.project.contextDir} for ${entry.path}: ${entry.project.snapshot.entries.size} entries in ${Date.now() - started} ms.`,
      );
      for (const p of entry.project.problems) this.host.log('warn', p);
    } catch (e) {
      if (opening.signal.aborted) return;
      entry.problem = messageOf(e);
      this.host.log('warn', renderMessage(entry.problem));
    } finally {
      if (entry.opening === opening) {
        entry.opening = undefined;
        entry.changedWhileOpening = undefined;
      }
    }
  }

  /**
   * The baseline being chosen for the entry, started when none is: every analysis waiting for it shares one
   * git read. It is kept only if nothing forgot it meanwhile (a HEAD move, a recorded build, trust, a reload).
   */
  private baselineFor(entry: Entry, project: Project, settings: DockerfileSettings): Promise<Baseline | undefined> {
    if (entry.baselineRead) return entry.baselineRead;
    const generation = entry.generation;
    const current = () => entry.baselineRead === read && entry.generation === generation && this.entries.get(entry.uri) === entry;
    const read: Promise<Baseline | undefined> = this.chooseBaseline(entry, project, settings, () => entry.generation === generation).then(
      (baseline) => {
        if (!current()) return undefined;
        entry.baselineRead = undefined;
        entry.baseline = baseline;
        return baseline;
      },
      (e: unknown) => {
        if (entry.baselineRead === read) entry.baselineRead = undefined;
        throw e;
      },
    );
    entry.baselineRead = read;
    return read;
  }

  private chooseBaseline(entry: Entry, project: Project, settings: DockerfileSettings, current: () => boolean): Promise<Baseline> {
    if (!this.host.trusted()) return chooseBaseline(settings.baseline, this.host.store.data, project, undefined);
    return chooseBaseline(settings.baseline, this.host.store.data, project, async () => {
      const head = await headCommitAsync(project.contextDir);
      if ('reason' in head) return { ok: false, reason: head.reason };
      if (entry.git?.commit === head.commit) return entry.git.result;
      const result = await readGitHeadAsync(
        {
          contextDir: project.contextDir,
          dockerfileAbs: project.dockerfileAbs,
          dockerfilePath: project.options.dockerfilePath,
          builder: project.options.builder,
          worktree: project.snapshot,
          blobDigests: this.blobDigests,
        },
        head,
      );
      // Remembered for this HEAD only while the entry is the one it was read for (not after a reload).
      if (current()) entry.git = { commit: head.commit, result };
      return result;
    });
  }

  private flushFiles(): void {
    this.fileTimer = undefined;
    const paths = [...this.pendingFiles];
    this.pendingFiles.clear();
    this.rediscover(paths);
    const gitTouched = paths.some((p) => GIT_DIR.test(p));
    const updated: string[] = [];
    for (const entry of this.entries.values()) {
      if (!entry.project) {
        if (entry.opening) (entry.changedWhileOpening ??= []).push(...paths);
        continue;
      }
      // The build context's folder, the named contexts' folders (R27) and what the builds they are the output of read.
      const dirs = projectPaths(entry.project);
      const inside = paths.filter((p) => dirs.some((dir) => p === dir || p.startsWith(dir + sep)));
      if (inside.length === 0) continue;
      entry.project = refreshProject(entry.project, inside);
      entry.model = undefined;
      updated.push(entry.uri);
    }
    if (updated.length) this.host.didUpdate(updated);
    if (gitTouched) {
      const previous = this.headChecks;
      this.headChecks = previous.then(() => this.checkHeads());
    }
  }

  /** After events inside .git: the baselines read at a commit that is not HEAD any more are chosen again. */
  private async checkHeads(): Promise<void> {
    const moved: string[] = [];
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        // A read under way may have seen HEAD before it moved: its answer is checked once it is in.
        await entry.baselineRead?.catch(() => undefined);
        const baseline = entry.baseline;
        if (!entry.project || !(await this.headMoved(entry, entry.project)) || entry.baseline !== baseline) return;
        this.host.log('info', `git HEAD of ${entry.project.contextDir} moved: choosing the baseline of ${entry.path} again.`);
        entry.baseline = undefined;
        entry.baselineRead = undefined;
        entry.model = undefined;
        moved.push(entry.uri);
      }),
    ).catch((e: unknown) => this.host.log('warn', `Cannot tell whether git HEAD moved: ${String(e)}`));
    if (moved.length) this.host.didUpdate(moved);
  }

  /** Whether HEAD is not the commit this entry's baseline was read at (only asked after events inside .git). */
  private async headMoved(entry: Entry, project: Project): Promise<boolean> {
    if (!entry.baseline || entry.baseline.info.kind === 'recorded' || !this.host.trusted()) return false;
    const head = await headCommitAsync(project.contextDir);
    return 'reason' in head ? entry.git !== undefined : entry.git?.commit !== head.commit;
  }

  /** The workspace folders, as the client gave them. */
  workspaceFolders(): readonly string[] {
    return this.host.workspaceFolders();
  }

  /** The build configurations of a workspace folder, found once and kept until one of their files changes. */
  discovery(folder: string): Promise<Discovery> {
    let found = this.discoveries.get(folder);
    if (!found) {
      const started = Date.now();
      found = discoverConfigs({
        root: folder,
        env: processEnv(),
        ...(this.host.trusted() ? { bakePrint: bakePrintWith('docker', undefined, folder) } : {}),
      }).then(
        (d) => {
          if (this.discoveries.get(folder) === found) this.discovered.set(folder, d);
          this.host.log(
            'info',
            `Found ${d.configs.length} build configurations (compose, Bake, devcontainer, workflows) in ${folder} in ${Date.now() - started} ms.`,
          );
          for (const p of d.problems) this.host.log('warn', `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
          return d;
        },
        (e: unknown) => {
          this.host.log('warn', `Cannot look for build configurations in ${folder}: ${String(e)}`);
          return { root: folder, configs: [], problems: [], files: [] };
        },
      );
      this.discoveries.set(folder, found);
    }
    return found;
  }

  /** A compose, Bake, devcontainer or workflow file changed: its folder's configurations are found again. */
  private rediscover(paths: string[]): void {
    const folders = new Set<string>();
    for (const p of paths) {
      const folder = this.folderOf(p);
      if (!folder || !this.discoveries.has(folder)) continue;
      const rel = p
        .slice(folder.length + 1)
        .split(sep)
        .join('/');
      if (affectsDiscovery(rel, this.discovered.get(folder))) folders.add(folder);
    }
    if (!folders.size) return;
    for (const folder of folders) {
      this.discoveries.delete(folder);
      this.discovered.delete(folder);
    }
    const reloaded = [...this.entries.values()].filter((e) => e.path && folders.has(this.folderOf(e.path) ?? ''));
    for (const entry of reloaded) this.load(entry);
    void Promise.all(reloaded.map((e) => e.ready)).then(() => this.host.didUpdate(reloaded.map((e) => e.uri)));
  }

  private folderOf(path: string): string | undefined {
    return this.host
      .workspaceFolders()
      .filter((f) => path === f || path.startsWith(f.endsWith(sep) ? f : f + sep))
      .sort((a, b) => b.length - a.length)[0];
  }
}

function filePath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

const CANCELLED = Symbol('cancelled');

/** What `work` answers, or CANCELLED as soon as the token is (the work itself goes on: others may share it). */
async function unlessCancelled<T>(work: Promise<T>, token: CancellationToken | undefined): Promise<T | typeof CANCELLED> {
  if (!token) return work;
  if (token.isCancellationRequested) return CANCELLED;
  let listener: { dispose(): void } | undefined;
  const cancelled = new Promise<typeof CANCELLED>((resolve) => {
    listener = token.onCancellationRequested(() => resolve(CANCELLED));
  });
  try {
    return await Promise.race([work, cancelled]);
  } finally {
    listener?.dispose();
  }
}

/** "src/app.js changed", "a.js, b.js and 2 more changed; line 3 edited". */
export function simulationCause(changedFiles: string[], editedLines: number[]): Reason {
  return { code: 'simulation', ...(changedFiles.length ? { files: fileListOf(changedFiles, 2) } : {}), ...(editedLines.length ? { lines: editedLines } : {}) };
}

/** The simulation in English words (the status bar's and the CLI's). */
export function simulationLabel(changedFiles: string[], editedLines: number[]): string {
  return renderReason(simulationCause(changedFiles, editedLines));
}
