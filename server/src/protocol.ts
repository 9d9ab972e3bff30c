// Every custom message between the Layer Lens client and server, declared once and imported by both sides.
// Declarations are plain method names with their parameter and result shapes, so this file pulls in neither
// vscode-languageclient nor vscode-languageserver (they ship different vscode-jsonrpc versions).

/** A request method with its parameter and result types attached for the adapters on either side. */
export interface RequestDeclaration<Params, Result> {
  readonly method: string;
  /** Never set: carries the types only. */
  readonly types?: { params: Params; result: Result };
}

export type ParamsOf<R> = R extends RequestDeclaration<infer P, unknown> ? P : never;
export type ResultOf<R> = R extends RequestDeclaration<unknown, infer T> ? T : never;

function request<Params, Result>(method: string): RequestDeclaration<Params, Result> {
  return { method };
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
}

/**
 * Client → server: who is answering, and how many instructions the server sees in a document.
 * The client shows the answer in the status bar, which also proves to a user that the server is alive.
 */
export const statusRequest = request<StatusParams, StatusResult>('layerLens/status');
