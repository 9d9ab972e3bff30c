// What every format shares: a declaration half-resolved (context and Dockerfile as written, resolved against
// a base folder) is turned into a BuildConfig with the path rules checked: a remote context is said, a folder
// outside the workspace is not read, the Dockerfile is relative to the context unless absolute.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { normalizePlatform } from '../core/dockerfile/platform';
import { setOwn } from '../core/shared/own';
import type { BuildConfig, ConfigKind, ConfigSource } from './types';

/** A value that may be unknown: `why` says what it depends on. */
export type Maybe = { value: string } | { why: string };

export interface Declared {
  kind: ConfigKind;
  source: ConfigSource;
  /** The folder a relative context is resolved against (absolute). */
  contextBase: string;
  /** The context as written (after interpolation); absent: the format's default, `.`. */
  context?: Maybe;
  /** The Dockerfile as written, relative to the context unless absolute; absent: `Dockerfile`. */
  dockerfile?: Maybe;
  /**
   * The Dockerfile relative to a folder other than the context (GitHub's `file`, relative to the workspace): set,
   * it wins over `dockerfile`.
   */
  dockerfileAbs?: Maybe;
  inline?: boolean;
  target?: Maybe;
  args: Record<string, Maybe>;
  platforms?: Maybe[];
  namedContexts?: Record<string, Maybe>;
  notes?: string[];
  /** Where args are declared, when the format knows better than a search of the source file (merged files). */
  argSources?: Record<string, { file: string; line: number }>;
}

/** git and http(s) contexts, as buildx tells them from local paths. */
export function isRemote(value: string): boolean {
  return /^(https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/)/i.test(value) || /^[a-z0-9.-]+\.git(#.*)?$/i.test(value);
}

export function inside(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

export function finishConfig(d: Declared, root: string): BuildConfig {
  const out: BuildConfig = {
    kind: d.kind,
    source: d.source,
    args: {},
    unresolvedArgs: {},
    namedContexts: {},
    unresolved: [],
    notes: [...(d.notes ?? [])],
  };
  const context = d.context ?? { value: '.' };
  if ('why' in context) out.unresolved.push(`context: ${context.why}`);
  else if (isRemote(context.value)) {
    out.remoteContext = context.value;
    out.notes.push(`the context ${context.value} is remote: not planned.`);
  } else {
    const abs = resolve(d.contextBase, context.value);
    if (inside(root, abs)) out.context = abs;
    else out.unresolved.push(`context: ${context.value} is outside the workspace: not read.`);
  }
  if (d.inline) {
    out.inline = true;
    out.notes.push('the Dockerfile is written inline in the configuration: nothing on disk to plan.');
  } else if (d.dockerfileAbs) {
    if ('why' in d.dockerfileAbs) out.unresolved.push(`dockerfile: ${d.dockerfileAbs.why}`);
    else out.dockerfile = d.dockerfileAbs.value;
  } else {
    const file = d.dockerfile ?? { value: 'Dockerfile' };
    if ('why' in file) out.unresolved.push(`dockerfile: ${file.why}`);
    else if (isAbsolute(file.value)) out.dockerfile = resolve(file.value);
    else if (out.context) out.dockerfile = resolve(out.context, file.value);
  }
  if (d.target) {
    if ('why' in d.target) out.unresolved.push(`target: ${d.target.why}`);
    else if (d.target.value) out.target = d.target.value;
  }
  for (const [name, value] of Object.entries(d.args)) {
    if ('why' in value) setOwn(out.unresolvedArgs, name, value.why);
    else setOwn(out.args, name, value.value);
    const at = d.argSources && Object.hasOwn(d.argSources, name) ? d.argSources[name] : undefined;
    if (at) setOwn((out.argSources ??= {}), name, at);
  }
  const platforms: string[] = [];
  for (const p of d.platforms ?? []) {
    if ('why' in p) out.unresolved.push(`platform: ${p.why}`);
    else {
      const norm = normalizePlatform(p.value.trim());
      if (norm) platforms.push(norm);
      else out.unresolved.push(`platform: "${p.value}" is not os/arch[/variant].`);
    }
  }
  if (platforms.length) out.platform = platforms[0];
  if (platforms.length > 1) {
    out.platforms = platforms;
    out.notes.push(`planned for ${platforms[0]}, the first of ${platforms.length} platforms.`);
  }
  for (const [name, value] of Object.entries(d.namedContexts ?? {})) {
    if ('why' in value) {
      out.unresolved.push(`context ${name}: ${value.why}`);
      continue;
    }
    // A folder, or something else as written: docker-image://, target:, a URL.
    const local = !/^[a-z][a-z0-9+.-]*:/i.test(value.value) && !isRemote(value.value);
    setOwn(out.namedContexts, name, local ? resolve(d.contextBase, value.value) : value.value);
  }
  return out;
}

/** Text of a scalar a configuration wrote: strings as they are, numbers and booleans as text, anything else undefined. */
export function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The line (1-based) where a build arg is declared in a configuration file's text, searching from the line that
 * declares the build: `NAME: v` / `NAME=v` / `- NAME` / `"NAME": v` / `NAME = v` (HCL). Undefined when not found
 * before the next top-level block (a line that starts at column 0) or in the next 200 lines.
 */
export function findArgLine(text: string, fromLine: number, name: string): number | undefined {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:^|[\\s"'{,\\[-])${esc}["']?\\s*(?:[:=]|,|\\]|$)`);
  const lines = text.split(/\r?\n/);
  for (let i = Math.max(0, fromLine - 1); i < lines.length && i < fromLine - 1 + 200; i++) {
    if (i > fromLine - 1 && /^[^\s#/]/.test(lines[i])) return undefined;
    if (re.test(lines[i])) return i + 1;
  }
  return undefined;
}
