// Diagnostics: the advice of core/advise/ (cache problems, each with its quick fixes) and the plan's own
// problems (invalid stage names, a missing target, BuildKit's stale context sync), pushed to the editor
// when a Dockerfile opens, its text changes, or its context, settings or baseline change.
import { DiagnosticSeverity, DiagnosticTag, type Connection, type Diagnostic } from 'vscode-languageserver';
import { adviseContextOf } from '../adviseContext';
import { advise, type Advice, type AdviceSeverity } from '../core/advise/advise';
import { englishT, type Translate } from '../core/shared/translate';
import type { Diagnostic as PlanDiagnostic } from '../core/shared/types';
import type { Analysis } from '../documents';
import { parsedText, textLimit } from '../document/parsed';
import { LimitError, yieldToEventLoop, type LimitProblem } from '../core/dockerfile/limits';
import { DIAGNOSTIC_TEMPLATES, matchTemplate, translateProblem } from '../l10n/reasonText';

export const DIAGNOSTIC_SOURCE = 'Layer Lens';

const SEVERITY: Record<AdviceSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

interface AdviceResult {
  advice: Advice[];
  /** Set when the text is past a limit of core/dockerfile/limits.ts: no advice, this one message instead. */
  limit?: LimitProblem;
}

/** The last advice per document, for the code actions that follow the diagnostics of the same text. */
const lastAdvice = new Map<string, { text: string; builder: string; view: unknown; t: Translate; result: AdviceResult }>();

/**
 * Advice on the analysed text; its context (manifests, .dockerignore) when the Dockerfile has one on disk.
 * The same text over the same context view gives the same advice, so it is computed once.
 */
export function adviceFor(analysis: Analysis, text: string, t: Translate): Advice[] {
  return adviceOrLimit(analysis, text, t).advice;
}

function adviceOrLimit(analysis: Analysis, text: string, t: Translate): AdviceResult {
  const limit = textLimit(text);
  if (limit) return { advice: [], limit };
  const project = analysis.project?.text === text ? analysis.project : undefined;
  const builder = analysis.settings.builder;
  const last = lastAdvice.get(analysis.uri);
  if (last && last.text === text && last.builder === builder && last.view === project?.view && last.t === t) return last.result;
  const parsed = parsedText(text);
  let result: AdviceResult;
  try {
    result = {
      advice: advise({ text, builder, t, fileName: analysis.uri, ...(parsed ? { parsed } : {}), ...(project ? { context: adviseContextOf(project) } : {}) }),
    };
  } catch (e) {
    if (!(e instanceof LimitError)) throw e;
    result = { advice: [], limit: { line: e.line ?? 1, message: e.message } };
  }
  lastAdvice.set(analysis.uri, { text, builder, view: project?.view, t, result });
  return result;
}

/** The document closed: forget its advice. */
export function forgetAdvice(uri: string): void {
  lastAdvice.delete(uri);
}

export function adviceDiagnostic(uri: string, advice: Advice): Diagnostic {
  return {
    range: advice.range,
    severity: SEVERITY[advice.severity],
    source: DIAGNOSTIC_SOURCE,
    code: advice.code,
    message: advice.message,
    ...(advice.tags?.includes('unnecessary') ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    ...(advice.related?.length ? { relatedInformation: advice.related.map((r) => ({ location: { uri, range: wholeLine(r.line) }, message: r.message })) } : {}),
  };
}

export function diagnostics(analysis: Analysis | undefined, text: string | undefined, t: Translate): Diagnostic[] {
  if (!analysis || text === undefined) return [];
  const current = analysis.project?.text === text;
  const { advice, limit } = adviceOrLimit(analysis, text, t);
  // Past a limit: one diagnostic says so, and nothing else is analysed.
  const over = limit ?? (current ? analysis.limit : undefined);
  if (over)
    return [
      {
        range: wholeLine(over.line),
        severity: DiagnosticSeverity.Warning,
        source: DIAGNOSTIC_SOURCE,
        code: 'limit',
        message: translateProblem(over.message, t),
      },
    ];
  const planned = current ? (analysis.plan?.diagnostics ?? []) : [];
  return [...advice.map((a) => adviceDiagnostic(analysis.uri, a)), ...planned.map((d) => planDiagnostic(d, t))];
}

/** An engine diagnostic, in the display language when it is one of the templates (English otherwise). */
function planDiagnostic(d: PlanDiagnostic, t: Translate): Diagnostic {
  const severity = d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  return {
    range: wholeLine(d.line),
    severity,
    source: DIAGNOSTIC_SOURCE,
    message: t === englishT ? d.message : (matchTemplate(d.message, DIAGNOSTIC_TEMPLATES, t) ?? d.message),
  };
}

function wholeLine(line: number): Diagnostic['range'] {
  // Character past any line's end: clients clamp it to the end of the line.
  return { start: { line: Math.max(0, line - 1), character: 0 }, end: { line: Math.max(0, line - 1), character: Number.MAX_SAFE_INTEGER } };
}

export interface DiagnosticsHost {
  analysis(uri: string): Promise<Analysis | undefined>;
  document(uri: string): { text: string; version: number } | undefined;
  t: Translate;
  log(message: string): void;
}

/**
 * Pushes diagnostics per document. A document asked for again while its diagnostics are being computed is done
 * once more afterwards (bursts of edits coalesce into one extra run, with no timer); a closed one is cleared.
 */
export class DiagnosticsPublisher {
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly host: DiagnosticsHost,
  ) {}

  update(uris: Iterable<string>): void {
    for (const uri of uris) void this.run(uri);
  }

  clear(uri: string): void {
    this.again.delete(uri);
    forgetAdvice(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
  }

  private async run(uri: string): Promise<void> {
    if (this.running.has(uri)) {
      this.again.add(uri);
      return;
    }
    this.running.add(uri);
    try {
      do {
        this.again.delete(uri);
        const analysis = await this.host.analysis(uri);
        let document = this.host.document(uri);
        if (!document) break;
        let found: Diagnostic[] = [];
        // The advice is its own slice of work: requests that arrived during the analysis are answered first.
        await yieldToEventLoop();
        document = this.host.document(uri);
        if (!document) break;
        try {
          found = diagnostics(analysis, document.text, this.host.t);
        } catch (e) {
          this.host.log(`Layer Lens diagnostics failed for ${uri}: ${(e as Error)?.stack ?? String(e)}`);
        }
        await this.connection.sendDiagnostics({ uri, version: document.version, diagnostics: found }).catch(() => undefined);
      } while (this.again.has(uri));
    } catch (e) {
      this.host.log(`Layer Lens diagnostics failed for ${uri}: ${(e as Error)?.stack ?? String(e)}`);
    } finally {
      this.running.delete(uri);
    }
  }
}
