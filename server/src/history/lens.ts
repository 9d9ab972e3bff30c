// The CodeLens suffix `· rebuilt in 38 of the last 50 commits` (layerLens.history.lensSuffix): each instruction's
// count from the replay the history panel shows (`cache all`, the commits setting, the build the editor plans).
// A lens request never runs git and never waits for a replay: it reads HEAD through HeadCache's stamps and takes
// the answer kept for that HEAD. When there is none, one replay starts in the background (one at a time, none
// while the panel replays the same thing), and the lenses are asked again when it ends. Trusted workspaces only.
import type { Analysis } from '../documents';
import type { LayerLensSettings } from '../settings';
import type { StepPrediction } from '../core/shared/types';
import { HistoryError } from './gitHistory';
import type { HeadCache } from './headCache';
import { instructionText } from './instructionText';
import { replayHistory, type HistoryResult } from './replay';
import type { replayOptions } from './options';

/** A summary row as the suffix needs it: the instruction at HEAD and its counts. */
export interface LensRow {
  keyword: string;
  instruction: string;
  rebuilds: number;
  maybe: number;
}

/** A replay's answer for one Dockerfile: `rows` null when the replay failed (then no suffix until HEAD moves). */
export interface LensAnswer {
  /** HEAD, the build's options, the commits and the cache mode (answerBase). */
  base: string;
  states: number;
  rows: LensRow[] | null;
}

/** Dockerfiles whose last answer is kept. */
const KEPT = 64;
/** How often the HEAD stamps of the repositories read are compared (stats only), for when no file event comes. */
export const HEAD_POLL_MS = 2_000;
/** Any change inside .git may move HEAD. */
const GIT_DIR = /(^|[\\/])\.git([\\/]|$)/;

/** What a replay ends at and with which options; the same text for the panel's replay and the lens's. */
export function answerBase(head: string, options: object, commits: number, cache: 'all' | 'previous'): string {
  return JSON.stringify({ head, ...options, commits, cache });
}

export function lensAnswer(base: string, result: HistoryResult): LensAnswer {
  return {
    base,
    states: result.states,
    rows: result.summary.map((r) => ({ keyword: r.keyword, instruction: r.instruction ?? r.text, rebuilds: r.rebuilds, maybe: r.maybe })),
  };
}

/** The answers every `cache all` replay leaves (the panel's and the lens's own), and the replays under way. */
export class HistoryAnswers {
  private readonly byDockerfile = new Map<string, LensAnswer>();
  private readonly running = new Map<string, number>();
  private readonly waiting = new Set<string>();
  /** Called when a replay some lens waited for has ended. */
  onWaitedEnded: () => void = () => undefined;

  get(dockerfile: string): LensAnswer | undefined {
    return this.byDockerfile.get(dockerfile);
  }

  set(dockerfile: string, answer: LensAnswer): void {
    this.byDockerfile.delete(dockerfile);
    this.byDockerfile.set(dockerfile, answer);
    if (this.byDockerfile.size > KEPT) this.byDockerfile.delete(this.byDockerfile.keys().next().value as string);
  }

  started(base: string): void {
    this.running.set(base, (this.running.get(base) ?? 0) + 1);
  }

  ended(base: string): void {
    const left = (this.running.get(base) ?? 1) - 1;
    if (left > 0) return void this.running.set(base, left);
    this.running.delete(base);
    if (this.waiting.delete(base)) this.onWaitedEnded();
  }

  /** Whether this replay runs now; if so, a lens refresh is asked when it ends. */
  waitFor(base: string): boolean {
    if (!this.running.has(base)) return false;
    this.waiting.add(base);
    return true;
  }
}

export interface HistoryLensHost {
  trusted(): boolean;
  analysis(uri: string): Promise<Analysis | undefined>;
  settings(uri: string): Promise<LayerLensSettings>;
  /** The options the panel's replay takes for this analysis (request.ts replayOptions). */
  options(analysis: Analysis & { project: NonNullable<Analysis['project']> }): ReturnType<typeof replayOptions>;
  log(level: 'info' | 'warn', message: string): void;
  /** Ask the editor for the lenses again (workspace/codeLens/refresh, when the client has it). */
  refresh(): void;
}

export class HistoryLens {
  private readonly queue = new Set<string>();
  private working: Promise<void> | undefined;
  private readonly logged = new Set<string>();
  private used = false;
  private poll: ReturnType<typeof setInterval> | undefined;
  private readonly refreshed = new Set<string>();
  private gitTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: HistoryLensHost,
    readonly answers: HistoryAnswers,
    private readonly heads: HeadCache,
  ) {
    answers.onWaitedEnded = () => host.refresh();
  }

  /** The answer for the document's build at HEAD when one is kept; otherwise undefined, and a replay is started. */
  async answerFor(analysis: Analysis | undefined): Promise<LensAnswer | undefined> {
    try {
      return await this.lookup(analysis);
    } catch (e) {
      // The lenses go on without the suffix.
      this.host.log('warn', `The history suffix of the lenses failed: ${(e as Error)?.stack ?? String(e)}`);
      return undefined;
    }
  }

  private async lookup(analysis: Analysis | undefined): Promise<LensAnswer | undefined> {
    if (!analysis?.project || !analysis.plan || !this.host.trusted()) return undefined;
    const settings = await this.host.settings(analysis.uri);
    if (!settings.history.lensSuffix) return undefined;
    this.used = true;
    // VS Code's file watcher can miss the events of a commit (seen in code-server): HEAD's files are also polled.
    this.poll ??= setInterval(() => {
      if (this.heads.moved()) this.host.refresh();
    }, HEAD_POLL_MS).unref();
    const head = this.heads.cached(analysis.project.contextDir);
    if (!head) return void this.schedule(analysis.uri);
    if ('problem' in head) return undefined;
    const base = answerBase(head.head, this.host.options({ ...analysis, project: analysis.project }), settings.history.commits, 'all');
    const kept = this.answers.get(analysis.project.dockerfileAbs);
    if (kept?.base === base) return kept;
    if (!this.answers.waitFor(base)) this.schedule(analysis.uri);
    return undefined;
  }

  /** Files changed on disk: after a change inside .git, HEAD may have moved; the lenses are asked again. */
  filesChanged(paths: readonly string[]): void {
    if (!paths.some((p) => GIT_DIR.test(p))) return;
    this.heads.forgetProblems();
    if (!this.used) return;
    clearTimeout(this.gitTimer);
    this.gitTimer = setTimeout(() => this.host.refresh(), 100);
  }

  /** Resolves when no background replay is queued or running (for tests). */
  async idle(): Promise<void> {
    while (this.working) await this.working;
  }

  private schedule(uri: string): void {
    this.queue.add(uri);
    this.working ??= this.work().finally(() => (this.working = undefined));
  }

  private async work(): Promise<void> {
    for (let uri = first(this.queue); uri !== undefined; uri = first(this.queue)) {
      this.queue.delete(uri);
      try {
        await this.replay(uri);
      } catch (e) {
        this.host.log('warn', `The history suffix of the lenses of ${uri} failed: ${(e as Error)?.stack ?? String(e)}`);
      }
    }
  }

  private async replay(uri: string): Promise<void> {
    if (!this.host.trusted()) return;
    const { lensSuffix, commits } = (await this.host.settings(uri)).history;
    if (!lensSuffix) return;
    const analysis = await this.host.analysis(uri);
    const project = analysis?.project;
    if (!analysis || !project || !this.host.trusted()) return;
    const head = await this.heads.read(project.contextDir);
    if ('problem' in head) {
      if (!this.logged.has(project.contextDir)) this.host.log('info', `No history suffix on the lenses of ${project.dockerfileAbs}: ${head.problem}`);
      this.logged.add(project.contextDir);
      return;
    }
    const options = this.host.options({ ...analysis, project });
    const base = answerBase(head.head, options, commits, 'all');
    if (this.answers.get(project.dockerfileAbs)?.base === base) {
      // Kept already (the panel's, or HEAD read anew to the same commit): the lenses are asked again once for it,
      // not each time (a stamp that changed without HEAD moving must not make a loop of refreshes).
      if (!this.refreshed.has(base)) this.host.refresh();
      if (this.refreshed.size > KEPT) this.refreshed.clear();
      this.refreshed.add(base);
      return;
    }
    if (this.answers.waitFor(base)) return;
    this.answers.started(base);
    const started = Date.now();
    let answer: LensAnswer;
    try {
      const result = await replayHistory({ ...options, rev: head.head, commits, cache: 'all' });
      answer = lensAnswer(base, result);
      this.host.log(
        'info',
        `History suffix: replayed ${result.states} states of ${project.dockerfileAbs} up to ${head.head.slice(0, 7)} in ${Date.now() - started} ms.`,
      );
    } catch (e) {
      answer = { base, states: 0, rows: null };
      this.host.log('info', `No history suffix on the lenses of ${project.dockerfileAbs}: ${e instanceof HistoryError ? e.message : String(e)}`);
    }
    this.answers.set(project.dockerfileAbs, answer);
    this.answers.ended(base);
    this.host.refresh();
  }
}

function first<T>(set: Set<T>): T | undefined {
  return set.values().next().value;
}

/**
 * Each step of the document gets the summary row of the same instruction at HEAD (the whole instruction's text,
 * not its line: the working copy may have lines added above); the k-th of several identical instructions gets the
 * k-th such row. A step whose instruction is not in HEAD's Dockerfile gets none.
 */
export function rowsByLine(rows: readonly LensRow[], steps: readonly StepPrediction[], source: readonly string[]): Map<number, LensRow> {
  const byText = new Map<string, LensRow[]>();
  for (const row of rows) {
    const key = `${row.keyword}\n${row.instruction}`;
    const list = byText.get(key);
    if (list) list.push(row);
    else byText.set(key, [row]);
  }
  const out = new Map<number, LensRow>();
  for (const step of steps) {
    // The summary counts only steps that build (cached, rebuilds, maybe): a skipped twin takes no row.
    if (out.has(step.line) || !(step.status === 'cached' || step.status === 'rebuilds' || step.status === 'maybe')) continue;
    const row = byText.get(`${step.keyword}\n${instructionText(source, step.line, step.endLine)}`)?.shift();
    if (row) out.set(step.line, row);
  }
  return out;
}
