// Bake (docker buildx bake): `docker-bake.json` and `docker-bake.override.json` are read here (targets, groups,
// `inherits`, variables with literal defaults or a value in the environment); HCL (`docker-bake.hcl`,
// `docker-bake.override.hcl`) has no evaluator in JavaScript, so its targets come from `docker buildx bake --print`
// when the caller allows running it (trusted workspace, buildx installed), and are otherwise reported unresolved.
// Paths: `context` is relative to the folder bake runs in (the Bake file's), `dockerfile` relative to the context.
import { resolve } from 'node:path';
import { setOwn } from '../core/shared/own';
import { finishConfig, isObject, scalarText, type Declared, type Maybe } from './common';
import { joinRel, type WorkspaceFiles } from './files';
import type { Lookup } from './interpolate';
import { parseJsonc, type JsonFile } from './jsonFile';
import type { BuildConfig, ConfigProblem } from './types';

export const BAKE_JSON_FILES = ['docker-bake.json', 'docker-bake.override.json'];
export const BAKE_HCL_FILES = ['docker-bake.hcl', 'docker-bake.override.hcl'];
export const NEEDS_BUILDX = 'unresolved: needs docker buildx (`docker buildx bake --print`) to evaluate HCL, and it is not available';
const MAX_INHERITS = 16;

/**
 * Runs `docker buildx bake --print TARGET...` in a folder (absolute) and answers its standard output, or why it
 * could not. Given only when the workspace is trusted.
 */
export type BakePrint = (folderAbs: string, files: string[], targets: string[]) => Promise<{ json: string } | { error: string }>;

interface Target {
  name: string;
  file: string;
  line: number;
  raw: Record<string, unknown>;
  /** Where this target's own args are declared (JSON files; printed HCL has no lines of its own). */
  argAt: Record<string, { file: string; line: number }>;
}

export interface BakeFolder {
  dir: string;
  json: string[];
  hcl: string[];
}

export function bakeFolders(files: WorkspaceFiles, folders: string[]): BakeFolder[] {
  const out: BakeFolder[] = [];
  for (const dir of folders) {
    const names = new Set(
      files
        .list(dir)
        .filter((e) => e.file)
        .map((e) => e.name),
    );
    const json = BAKE_JSON_FILES.filter((n) => names.has(n)).map((n) => joinRel(dir, n));
    const hcl = BAKE_HCL_FILES.filter((n) => names.has(n)).map((n) => joinRel(dir, n));
    if (json.length || hcl.length) out.push({ dir, json, hcl });
  }
  return out;
}

export async function discoverBake(
  files: WorkspaceFiles,
  folders: string[],
  env: Lookup,
  problems: ConfigProblem[],
  print: BakePrint | undefined,
): Promise<BuildConfig[]> {
  const out: BuildConfig[] = [];
  for (const folder of bakeFolders(files, folders)) {
    const parsed: JsonFile[] = [];
    for (const rel of folder.json) {
      const text = files.read(rel);
      const json = text === undefined ? undefined : parseJsonc(rel, text, problems);
      if (json && isObject(json.data)) parsed.push(json);
      else if (json) problems.push({ file: rel, message: 'is not a Bake file (not an object).' });
    }
    if (folder.hcl.length) {
      const printed = await printHcl(files, folder, print);
      if ('error' in printed) {
        for (const rel of folder.hcl) problems.push({ file: rel, message: printed.error });
      } else {
        // buildx has merged every file of the folder, JSON included, and evaluated variables and inherits.
        const source = parsed;
        const data = printed.data;
        out.push(
          ...bakeConfigs(
            files.root,
            folder.dir,
            [{ rel: folder.hcl[0], data, lineOf: (path) => hclLine(files, folder.hcl, String(path[1] ?? ''), source) }],
            () => undefined,
          ),
        );
        continue;
      }
    }
    out.push(...bakeConfigs(files.root, folder.dir, parsed, env, true));
  }
  return out;
}

async function printHcl(files: WorkspaceFiles, folder: BakeFolder, print: BakePrint | undefined): Promise<{ data: unknown } | { error: string }> {
  if (!print) return { error: `${NEEDS_BUILDX} (Layer Lens runs it only in a trusted workspace).` };
  const names = new Set<string>();
  for (const rel of folder.hcl) {
    const text = files.read(rel) ?? '';
    for (const m of text.matchAll(/^\s*target\s+"([^"\n]+)"\s*\{/gm)) names.add(m[1]);
  }
  if (!names.size) return { error: 'declares no `target "name" {` block that Layer Lens can see.' };
  const r = await print(
    resolve(files.root, folder.dir),
    [...folder.json, ...folder.hcl].map((f) => f.slice(folder.dir ? folder.dir.length + 1 : 0)),
    [...names],
  );
  if ('error' in r) return { error: `unresolved: docker buildx bake --print failed: ${r.error}` };
  try {
    return { data: JSON.parse(r.json) as unknown };
  } catch {
    return { error: 'unresolved: docker buildx bake --print did not print JSON.' };
  }
}

function hclLine(files: WorkspaceFiles, hcl: string[], target: string, json: JsonFile[]): number {
  for (const rel of hcl) {
    const lines = (files.read(rel) ?? '').split('\n');
    const i = lines.findIndex((l) => new RegExp(`^\\s*target\\s+"${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).test(l));
    if (i >= 0) return i + 1;
  }
  for (const j of json)
    if (isObject((j.data as Record<string, unknown>).target) && Object.hasOwn((j.data as { target: object }).target, target))
      return j.lineOf(['target', target]);
  return 1;
}

/** The configurations of one folder's Bake files (merged in order). `env` undefined: values are already evaluated. */
function bakeConfigs(
  root: string,
  dir: string,
  parsed: Array<Pick<JsonFile, 'rel' | 'data' | 'lineOf'>>,
  env: Lookup | (() => undefined),
  json = false,
): BuildConfig[] {
  const variables: Record<string, { default?: string }> = {};
  const targets = new Map<string, Target>();
  for (const json of parsed) {
    const data = json.data as Record<string, unknown>;
    if (isObject(data.variable)) {
      for (const [name, v] of Object.entries(data.variable)) {
        const def = isObject(v) ? scalarText(v.default) : undefined;
        setOwn(variables, name, def !== undefined ? { default: def } : {});
      }
    }
    if (isObject(data.target)) {
      for (const [name, raw] of Object.entries(data.target)) {
        if (!isObject(raw)) continue;
        const before = targets.get(name);
        const argAt = { ...before?.argAt };
        if (isObject(raw.args)) for (const k of Object.keys(raw.args)) setOwn(argAt, k, { file: json.rel, line: json.lineOf(['target', name, 'args', k]) });
        targets.set(
          name,
          before
            ? {
                ...before,
                argAt,
                raw: { ...before.raw, ...raw, args: { ...(isObject(before.raw.args) ? before.raw.args : {}), ...(isObject(raw.args) ? raw.args : {}) } },
              }
            : { name, file: json.rel, line: json.lineOf(['target', name]), raw, argAt },
        );
      }
    }
  }
  const lookup = (name: string): string | undefined => env(name) ?? (Object.hasOwn(variables, name) ? variables[name].default : undefined);
  const folderAbs = resolve(root, dir);
  const out: BuildConfig[] = [];
  for (const t of targets.values()) {
    const problems: string[] = [];
    const raw = flatten(t, targets, [], problems);
    const val = (v: unknown): Maybe | undefined => {
      const text = scalarText(v);
      return text === undefined ? undefined : template(text, lookup, variables);
    };
    const args: Record<string, Maybe> = {};
    if (isObject(raw.args)) {
      for (const [k, v] of Object.entries(raw.args)) {
        // A null arg takes the value from the environment, as buildx does.
        const value = v === null ? (env(k) !== undefined ? { value: env(k) as string } : { why: 'not set in the environment' }) : val(v);
        if (value) setOwn(args, k, value);
      }
    }
    const contexts: Record<string, Maybe> = {};
    if (isObject(raw.contexts))
      for (const [k, v] of Object.entries(raw.contexts)) {
        const value = val(v);
        if (value) setOwn(contexts, k, value);
      }
    const context = val(raw.context);
    const dockerfile = val(raw.dockerfile);
    const target = val(raw.target);
    const d: Declared = {
      kind: 'bake',
      source: { file: t.file, line: t.line, name: t.name },
      contextBase: folderAbs,
      ...(context ? { context } : {}),
      ...(dockerfile ? { dockerfile } : {}),
      ...(raw['dockerfile-inline'] !== undefined ? { inline: true } : {}),
      ...(target ? { target } : {}),
      args,
      ...(Array.isArray(raw.platforms) ? { platforms: raw.platforms.map((p) => val(p)).filter((p): p is Maybe => p !== undefined) } : {}),
      namedContexts: contexts,
      notes: problems,
      ...(json ? { argSources: argSources(t, targets, []) } : {}),
    };
    out.push(finishConfig(d, root));
  }
  return out;
}

/** Where each arg of a target is declared after inherits: its own, else the last inherited target's that has it. */
function argSources(t: Target, all: Map<string, Target>, stack: string[]): Record<string, { file: string; line: number }> {
  const out: Record<string, { file: string; line: number }> = {};
  const inherits = Array.isArray(t.raw.inherits) ? t.raw.inherits.map((x) => scalarText(x)).filter((x): x is string => x !== undefined) : [];
  for (const name of inherits) {
    const parent = all.get(name);
    if (parent && !stack.includes(name) && stack.length < MAX_INHERITS) Object.assign(out, argSources(parent, all, [...stack, t.name]));
  }
  for (const [k, v] of Object.entries(t.argAt)) setOwn(out, k, v);
  return out;
}

/** A target with what it inherits merged under it (in order; args and contexts merge, the rest is replaced). */
function flatten(t: Target, all: Map<string, Target>, stack: string[], problems: string[]): Record<string, unknown> {
  const inherits = Array.isArray(t.raw.inherits) ? t.raw.inherits.map((x) => scalarText(x)).filter((x): x is string => x !== undefined) : [];
  let merged: Record<string, unknown> = {};
  for (const name of inherits) {
    const parent = all.get(name);
    if (!parent) {
      problems.push(`inherits "${name}", which is not a target of these files.`);
      continue;
    }
    if (stack.includes(name) || stack.length >= MAX_INHERITS) {
      problems.push(`inherits loop through "${name}".`);
      continue;
    }
    merged = mergeTarget(merged, flatten(parent, all, [...stack, t.name], problems));
  }
  return mergeTarget(merged, t.raw);
}

function mergeTarget(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'inherits') continue;
    if ((k === 'args' || k === 'contexts' || k === 'labels') && isObject(v)) out[k] = { ...(isObject(base[k]) ? base[k] : {}), ...v };
    else setOwn(out, k, v);
  }
  return out;
}

/** HCL templates in Bake JSON: `${NAME}` of a variable; `$${` is a literal `${`; any other expression is unresolved. */
function template(text: string, lookup: Lookup, variables: Record<string, unknown>): Maybe {
  const unknown: string[] = [];
  const value = text.replace(/\$\$\{|\$\{([^}]*)\}/g, (whole, inner: string | undefined) => {
    if (inner === undefined) return '${';
    const name = inner.trim();
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
      const v = lookup(name);
      if (v !== undefined) return v;
      unknown.push(Object.hasOwn(variables, name) ? `${name} (no default)` : name);
      return whole;
    }
    unknown.push(whole);
    return whole;
  });
  return unknown.length ? { why: `depends on ${unknown.join(', ')}` } : { value };
}

/** Bake groups of one folder's JSON files: name → targets. */
export function bakeGroups(files: WorkspaceFiles, folder: BakeFolder): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const rel of folder.json) {
    const json = parseJsonc(rel, files.read(rel) ?? '{}', []);
    const groups = json && isObject(json.data) && isObject(json.data.group) ? json.data.group : {};
    for (const [name, g] of Object.entries(groups)) {
      if (isObject(g) && Array.isArray(g.targets))
        setOwn(
          out,
          name,
          g.targets.map((x) => scalarText(x)).filter((x): x is string => x !== undefined),
        );
    }
  }
  return out;
}
