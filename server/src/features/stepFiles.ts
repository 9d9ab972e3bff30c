// The files one COPY/ADD (or bind mount) reads, with their sizes after .dockerignore: what the COPY lens offers to
// simulate, grouped by folder on the client. Sizes are metadata of the scanned context: nothing is read.
import { viewEntry } from '../core/context/view';
import type { Analysis } from '../documents';
import type { StepFilesParams, StepFilesResult } from '../protocol';
import { documentParams, ParamsError, type Declared } from '../lsp/params';

/** Dockerfile lines are 1-based and far below this. */
const MAX_LINE = 10_000_000;

export function stepFilesParams(request: Declared, params: unknown): StepFilesParams {
  const { method } = request;
  const { uri } = documentParams(request, params);
  const line = (params as { line?: unknown }).line;
  if (!Number.isSafeInteger(line) || (line as number) < 1 || (line as number) > MAX_LINE)
    throw new ParamsError(method, '"line" must be a 1-based line number (a whole number from 1).');
  return { uri, line: line as number };
}

export function stepFiles(analysis: Analysis, line: number): StepFilesResult {
  const reads = analysis.plan?.steps.find((step) => step.line === line)?.reads ?? [];
  const view = analysis.project?.view;
  return {
    files: reads.map((path) => {
      const entry = view && viewEntry(view, path);
      const size = entry?.type === 'file' ? entry.size : entry?.type === 'symlink' ? (entry.linkTarget?.length ?? 0) : 0;
      return { path, size };
    }),
  };
}
