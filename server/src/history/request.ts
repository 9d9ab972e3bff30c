// layerLens/history: the replay `layerlens history --json` computes, for the editor's history panel. The build is
// the one the editor plans for the document (settings, discovered configuration); git runs only through gitRun.ts
// and only in a trusted workspace. Answers are kept per HEAD commit, Dockerfile and options (a few of them), so
// reopening the panel on the same HEAD costs two git calls. A `cache all` answer is also left for the lens suffix
// (lens.ts), and the lens suffix waits for a replay of the same thing that runs here instead of starting its own.
import { relative, sep } from 'node:path';
import { ParamsError, type Declared } from '../lsp/params';
import type { Analysis } from '../documents';
import { renderMessage } from '../core/shared/message';
import { buildId, type StoreData } from '../core/plan/store';
import type { HistoryCell, HistoryCounts, HistoryParams, HistoryResultView, HistoryRowView } from '../protocol';
import { fixedRowFor } from './format';
import { HistoryError, repositoryOf, resolveCommit } from './gitHistory';
import { MAX_COMMITS, replayHistory, type HistoryResult, type HistorySummaryRow } from './replay';
import { answerBase, HistoryAnswers, lensAnswer } from './lens';
import { replayOptions } from './options';

export const RESTRICTED_HISTORY_PROBLEM =
  'Layer Lens replays the git history only in trusted workspaces: it runs git on this repository. Trust this workspace to replay its history.';
/** Longer URIs are not a document. */
const MAX_URI = 32_768;
/** Answers kept (per HEAD commit, Dockerfile and options). */
const KEPT = 8;

export interface HistoryHost {
  trusted(): boolean;
  analysis(uri: string): Promise<Analysis | undefined>;
  store(): StoreData;
  progress(uri: string, done: number, total: number): void;
  /** layerLens.history.commits for this document: the commits replayed when the request names none. */
  commits(uri: string): Promise<number>;
}

export type ReplayParams = Required<Omit<HistoryParams, 'commits'>> & Pick<HistoryParams, 'commits'>;

export function historyParams(request: Declared, params: unknown): ReplayParams {
  const { method } = request;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ParamsError(method, 'the parameters must be an object.');
  const p = params as Record<string, unknown>;
  if (typeof p.uri !== 'string' || p.uri.length > MAX_URI) throw new ParamsError(method, '"uri" must be a document URI (a string).');
  const commits = p.commits;
  if (commits !== undefined && (!Number.isSafeInteger(commits) || (commits as number) < 1 || (commits as number) > MAX_COMMITS))
    throw new ParamsError(method, `"commits" must be a whole number from 1 to ${MAX_COMMITS}.`);
  const cache = p.cache ?? 'all';
  if (cache !== 'all' && cache !== 'previous') throw new ParamsError(method, '"cache" must be "all" or "previous".');
  const fixed = p.fixed ?? false;
  if (typeof fixed !== 'boolean') throw new ParamsError(method, '"fixed" must be true or false.');
  return { uri: p.uri, cache, fixed, ...(commits === undefined ? {} : { commits: commits as number }) };
}

function emptyView(problem: string, cache: 'all' | 'previous'): HistoryResultView {
  return {
    problem,
    dockerfile: '',
    head: '',
    cache,
    states: 0,
    notes: [],
    commits: [],
    rows: [],
    estimatedMs: null,
    fixed: null,
    tookMs: 0,
    cachedAnswer: false,
  };
}

export class HistoryService {
  private readonly kept = new Map<string, HistoryResultView>();

  constructor(
    private readonly host: HistoryHost,
    /** Shared with the lens suffix (lens.ts). */
    readonly answers = new HistoryAnswers(),
  ) {}

  async replay(params: ReplayParams, signal: AbortSignal): Promise<HistoryResultView> {
    if (!this.host.trusted()) return emptyView(RESTRICTED_HISTORY_PROBLEM, params.cache);
    const analysis = await this.host.analysis(params.uri);
    if (!analysis?.project)
      return emptyView(analysis?.problem ? renderMessage(analysis.problem) : 'Layer Lens has no analysis for this file: open it in an editor.', params.cache);
    const { project, settings } = analysis;
    const options = replayOptions({ ...analysis, project });
    const commits = params.commits ?? (await this.host.commits(params.uri));
    try {
      const repo = await repositoryOf(project.contextDir);
      const head = await resolveCommit(repo, 'HEAD');
      const timings = this.host.store().builds[buildId(settings.builder, project.dockerfileAbs, settings.target)];
      const base = answerBase(head, options, commits, params.cache);
      const key = JSON.stringify([base, params.fixed, timings ? Object.keys(timings.steps).length : 0]);
      const kept = this.kept.get(key);
      if (kept) return { ...kept, tookMs: 0, cachedAnswer: true };
      const started = Date.now();
      this.answers.started(base);
      let result: HistoryResult;
      try {
        result = await replayHistory({
          ...options,
          rev: head,
          commits,
          cache: params.cache,
          fixed: params.fixed,
          ...(timings ? { timings } : {}),
          signal,
          onProgress: (done, total) => this.host.progress(params.uri, done, total),
        });
        if (params.cache === 'all') this.answers.set(project.dockerfileAbs, lensAnswer(base, result));
      } finally {
        this.answers.ended(base);
      }
      const view = historyView(result, relative(repo, project.dockerfileAbs).split(sep).join('/'), head, Date.now() - started);
      this.kept.set(key, view);
      if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value as string);
      return view;
    } catch (e) {
      if (e instanceof HistoryError) return emptyView(e.message, params.cache);
      // Cancelled: the request is answered RequestCancelled (startServer's cancellable).
      if (signal.aborted) return emptyView('The replay was cancelled.', params.cache);
      throw e;
    }
  }
}

function counts(row: HistorySummaryRow): HistoryCounts {
  return { rebuilds: row.rebuilds, maybe: row.maybe, cached: row.cached, causes: row.causes, segments: row.segments ?? [], estimatedMs: row.estimatedMs };
}

function total(rows: readonly HistorySummaryRow[]): number | null {
  const timed = rows.filter((r) => r.estimatedMs !== null);
  return timed.length ? timed.reduce((sum, r) => sum + (r.estimatedMs as number), 0) : null;
}

/** What the panel draws: the summary rows (with their `--fixed` match), and per commit one cell per row. */
export function historyView(result: HistoryResult, dockerfile: string, head: string, tookMs: number): HistoryResultView {
  const rows: HistoryRowView[] = result.summary.map((row) => {
    const fixed = result.fixed ? fixedRowFor(row, result.fixed.summary, result.summary) : undefined;
    return { line: row.line, keyword: row.keyword, text: row.text, ...counts(row), fixed: fixed ? counts(fixed) : null };
  });
  const commits = result.commits.map((c) => ({
    commit: c.commit,
    subject: c.subject,
    changed: c.changed,
    moreChanged: c.moreChanged ?? 0,
    error: c.error ?? null,
    cells: rows.map((_, k): HistoryCell | null => {
      const index = c.cellSteps?.[k];
      const step = index === null || index === undefined ? undefined : c.steps[index];
      return step ? { status: step.status, line: step.line, reason: step.reason, why: step.why ?? null, cause: step.cause } : null;
    }),
  }));
  return {
    problem: null,
    dockerfile,
    head,
    cache: result.cache,
    states: result.states,
    notes: result.notes,
    commits,
    rows,
    estimatedMs: total(result.summary),
    fixed: result.fixed ? { changedStates: result.fixed.changedStates, estimatedMs: total(result.fixed.summary) } : null,
    tookMs,
    cachedAnswer: false,
  };
}
