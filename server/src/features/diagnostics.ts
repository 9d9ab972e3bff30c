// Diagnostics: the advice of core/advise/ (cache problems, each with its quick fixes) and the plan's own
// problems (invalid stage names, a missing target, BuildKit's stale context sync), pushed to the editor
// when a Dockerfile opens, its text changes, or its context, settings or baseline change.
import { DiagnosticSeverity, DiagnosticTag, type Connection, type Diagnostic } from 'vscode-languageserver';
import type { Advice, AdviceSeverity } from '../core/advise/advise';
import type { Translate } from '../core/shared/translate';
import type { Diagnostic as PlanDiagnostic } from '../core/shared/types';
import type { Analysis } from '../documents';
import { yieldToEventLoop } from '../core/dockerfile/limits';
import { renderMessage } from '../core/shared/message';

export const DIAGNOSTIC_SOURCE = 'Layer Lens';

const SEVERITY: Record<AdviceSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

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
  // The advice of this text's model (document/model.ts): made once per version, shared with the code actions.
  const { advice, limit } = analysis.model.at(text).advice(t);
  // Past a limit: one diagnostic says so, and nothing else is analysed.
  const over = limit ?? (current ? analysis.limit : undefined);
  if (over)
    return [
      {
        range: wholeLine(over.line),
        severity: DiagnosticSeverity.Warning,
        source: DIAGNOSTIC_SOURCE,
        code: 'limit',
        message: renderMessage(over.text, t),
      },
    ];
  const planned = current ? (analysis.plan?.diagnostics ?? []) : [];
  return [...advice.map((a) => adviceDiagnostic(analysis.uri, a)), ...planned.map((d) => planDiagnostic(d, t))];
}

/** An engine diagnostic, in the display language when its message is a value (English otherwise). */
function planDiagnostic(d: PlanDiagnostic, t: Translate): Diagnostic {
  const severity = d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
  return {
    range: wholeLine(d.line),
    severity,
    source: DIAGNOSTIC_SOURCE,
    message: d.text ? renderMessage(d.text, t) : d.message,
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
