// layerLens/status: who is answering, how many instructions a document has, and what counts as built.
import type { DockerfileDocuments } from '../documents';
import { ParsedText } from '../document/model';
import type { StatusParams, StatusResult } from '../protocol';
import { version } from '../../../package.json';

export const serverVersion: string = version;

export async function status(documents: DockerfileDocuments, text: (uri: string) => string | undefined, params: StatusParams): Promise<StatusResult> {
  const source = params.uri === undefined ? undefined : text(params.uri);
  const analysis = params.uri === undefined || source === undefined ? undefined : await documents.analysis(params.uri);
  return {
    serverVersion,
    pid: process.pid,
    // The parse the other features share (the document's model); null past the limits (core/dockerfile/limits.ts).
    instructionCount: source === undefined ? null : ((analysis?.model.at(source).source ?? new ParsedText(source)).parsed?.instructions.length ?? null),
    baseline: analysis?.baseline ?? null,
    simulation: documents.simulation ?? null,
    configuration: analysis?.settings.configuration ?? null,
  };
}
