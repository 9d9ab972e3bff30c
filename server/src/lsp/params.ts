// The parameters of every custom message (protocol.ts), checked where they enter the server: whatever a client
// sends, a handler gets the declared shape or the client gets a JSON-RPC InvalidParams error saying what is wrong
// (never a TypeError from deep inside a feature).
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type {
  BuildEndedParams,
  BuildStartedParams,
  DidChangeTrustParams,
  DocumentParams,
  PickConfigurationParams,
  SimulateParams,
  StatusParams,
} from '../protocol';

/** A request of the contract (server/src/protocol.ts): its method names the request in an error. */
export type Declared = { readonly method: string };

/** More paths or lines than any Dockerfile's simulation needs (the client sends one file or one line). */
export const MAX_SIMULATED_ITEMS = 10_000;
/** Longer URIs and paths are not a document or a context file. */
export const MAX_STRING_LENGTH = 32_768;
/** Dockerfile lines are 1-based and far below this. */
const MAX_LINE = 10_000_000;

export class ParamsError extends ResponseError<void> {
  constructor(method: string, problem: string) {
    super(ErrorCodes.InvalidParams, `${method}: ${problem}`);
  }
}

function object(method: string, params: unknown, optional = false): Record<string, unknown> {
  if ((params === undefined || params === null) && optional) return {};
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new ParamsError(method, `the parameters must be an object, not ${describe(params)}.`);
  return params as Record<string, unknown>;
}

function uri(method: string, value: unknown): string {
  if (typeof value !== 'string') throw new ParamsError(method, `"uri" must be a string, not ${describe(value)}.`);
  if (value.length > MAX_STRING_LENGTH) throw new ParamsError(method, `"uri" is longer than ${MAX_STRING_LENGTH} characters.`);
  return value;
}

export function statusParams(request: Declared, params: unknown): StatusParams {
  const { method } = request;
  const p = object(method, params, true);
  return p.uri === undefined || p.uri === null ? {} : { uri: uri(method, p.uri) };
}

export function documentParams(request: Declared, params: unknown): DocumentParams {
  const { method } = request;
  return { uri: uri(method, object(method, params).uri) };
}

export function simulateParams(request: Declared, params: unknown): SimulateParams {
  const { method } = request;
  const p = object(method, params);
  const changedFiles = list(
    method,
    'changedFiles',
    p.changedFiles,
    (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_STRING_LENGTH,
    'non-empty strings (context paths)',
  );
  const editedLines = list(
    method,
    'editedLines',
    p.editedLines,
    (v) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= MAX_LINE,
    '1-based line numbers (whole numbers from 1)',
  );
  return { uri: uri(method, p.uri), changedFiles: changedFiles as string[], editedLines: editedLines as number[] };
}

export function pickConfigurationParams(request: Declared, params: unknown): PickConfigurationParams {
  const { method } = request;
  const p = object(method, params);
  if (typeof p.id !== 'string' || p.id.length === 0 || p.id.length > MAX_STRING_LENGTH)
    throw new ParamsError(method, `"id" must be a configuration id (a non-empty string), not ${describe(p.id)}.`);
  return { uri: uri(method, p.uri), id: p.id };
}

/** Whatever was sent is ignored; only its shape is checked. */
export function noParams(request: Declared, params: unknown): Record<string, never> {
  const { method } = request;
  object(method, params, true);
  return {};
}

export function buildStartedParams(request: Declared, params: unknown): BuildStartedParams {
  const { method } = request;
  const p = object(method, params);
  if (p.source !== 'terminal' && p.source !== 'task') throw new ParamsError(method, `"source" must be "terminal" or "task", not ${describe(p.source)}.`);
  const cwd = p.cwd === undefined || p.cwd === null ? null : path(method, 'cwd', p.cwd);
  const out: BuildStartedParams = { source: p.source, cwd };
  if (p.commandLine !== undefined && p.commandLine !== null) {
    if (typeof p.commandLine !== 'string') throw new ParamsError(method, `"commandLine" must be a string, not ${describe(p.commandLine)}.`);
    out.commandLine = p.commandLine.slice(0, 1024 * 1024);
  }
  if (p.dockerBuild !== undefined && p.dockerBuild !== null) {
    const d = object(method, p.dockerBuild);
    const field = (name: string): string | undefined => (d[name] === undefined || d[name] === null ? undefined : path(method, `dockerBuild.${name}`, d[name]));
    const args = d.buildArgs === undefined || d.buildArgs === null ? {} : object(method, d.buildArgs);
    for (const [k, v] of Object.entries(args))
      if (typeof v !== 'string' || k.length > MAX_STRING_LENGTH || v.length > MAX_STRING_LENGTH)
        throw new ParamsError(method, `"dockerBuild.buildArgs" must map names to strings; ${JSON.stringify(k.slice(0, 40))} is ${describe(v)}.`);
    const context = field('context');
    const dockerfile = field('dockerfile');
    const target = field('target');
    const platform = field('platform');
    out.dockerBuild = {
      ...(context ? { context } : {}),
      ...(dockerfile ? { dockerfile } : {}),
      ...(target ? { target } : {}),
      ...(platform ? { platform } : {}),
      buildArgs: args as Record<string, string>,
    };
  }
  return out;
}

export function buildEndedParams(request: Declared, params: unknown): BuildEndedParams {
  const { method } = request;
  const p = object(method, params);
  if (typeof p.id !== 'string' || p.id.length === 0 || p.id.length > 64)
    throw new ParamsError(method, `"id" must be the id layerLens/buildStarted gave, not ${describe(p.id)}.`);
  if (p.exitCode !== null && p.exitCode !== undefined && !Number.isSafeInteger(p.exitCode))
    throw new ParamsError(method, `"exitCode" must be a whole number or null, not ${describe(p.exitCode)}.`);
  return { id: p.id, exitCode: typeof p.exitCode === 'number' ? p.exitCode : null };
}

function path(method: string, name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new ParamsError(method, `"${name}" must be a non-empty string, not ${describe(value)}.`);
  if (value.length > MAX_STRING_LENGTH) throw new ParamsError(method, `"${name}" is longer than ${MAX_STRING_LENGTH} characters.`);
  return value;
}

/** A notification cannot be answered with an error: undefined for malformed params (the caller logs it). */
export function trustParams(params: unknown): DidChangeTrustParams | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return undefined;
  const trusted = (params as Record<string, unknown>).trusted;
  return typeof trusted === 'boolean' ? { trusted } : undefined;
}

/** An optional array (absent: empty) of at most MAX_SIMULATED_ITEMS items that all pass `ok`. */
function list(method: string, name: string, value: unknown, ok: (v: unknown) => boolean, what: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ParamsError(method, `"${name}" must be an array of ${what}, not ${describe(value)}.`);
  if (value.length > MAX_SIMULATED_ITEMS) throw new ParamsError(method, `"${name}" has ${value.length} items; at most ${MAX_SIMULATED_ITEMS} are accepted.`);
  const bad = value.findIndex((v) => !ok(v));
  if (bad >= 0) throw new ParamsError(method, `"${name}" must hold ${what}; item ${bad} is ${describe(value[bad])}.`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'a non-finite number';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
