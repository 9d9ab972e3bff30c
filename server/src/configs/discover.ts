// Discovery, shared by the CLI and the language server: every configuration of the workspace that builds a
// Dockerfile (devcontainer.json, compose, Bake, GitHub workflows), with its context, target, args, platform and
// named contexts resolved by each format's own path rules. Reads only files inside the workspace (files.ts); runs
// nothing itself: `docker buildx bake --print` only through the `bakePrint` the caller passes (trusted workspaces).
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { discoverBake, bakeFolders, bakeGroups, type BakePrint } from './bake';
import { findArgLine } from './common';
import { setOwn } from '../core/shared/own';
import { COMPOSE_FILES, COMPOSE_OVERRIDE_FILES, discoverCompose } from './compose';
import { discoverDevcontainers } from './devcontainer';
import { diskFiles, walkFolders, type WorkspaceFiles } from './files';
import type { Lookup } from './interpolate';
import { KIND_ORDER, plannable, type BuildConfig, type Discovery } from './types';
import { discoverWorkflows } from './workflow';

export interface DiscoverOptions {
  /** The workspace root (absolute or relative to the current folder). */
  root: string;
  /** Variables for `${VAR}` (compose, Bake, `${localEnv:VAR}`); default: none (nothing from the environment). */
  env?: Lookup;
  /** Set only in a trusted workspace: evaluates Bake HCL. */
  bakePrint?: BakePrint;
  /** `docker compose --env-file`: absolute paths read instead of the workspace root's `.env` (later ones win). */
  composeEnvFiles?: string[];
  /** For tests: another file layer. */
  files?: WorkspaceFiles;
}

export interface BakeGroup {
  file: string;
  name: string;
  targets: string[];
}

export async function discoverConfigs(opts: DiscoverOptions): Promise<Discovery & { groups: BakeGroup[] }> {
  const files = opts.files ?? diskFiles(opts.root);
  const env: Lookup = opts.env ?? (() => undefined);
  const problems = files.problems;
  const folders = walkFolders(files);
  const configs: BuildConfig[] = [
    ...discoverDevcontainers(files, env, problems),
    ...discoverCompose(files, folders, env, problems, envFilesOf(files, opts.composeEnvFiles)),
    ...(await discoverBake(files, folders, env, problems, opts.bakePrint)),
    ...discoverWorkflows(files, problems),
  ];
  const groups: BakeGroup[] = [];
  for (const folder of bakeFolders(files, folders)) {
    for (const [name, targets] of Object.entries(bakeGroups(files, folder))) groups.push({ file: folder.json[0], name, targets });
  }
  configs.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  for (const c of configs) findArgSources(files, c);
  return { root: files.root, configs, problems, files: [...files.touched].sort(), groups };
}

/** The --env-file paths, workspace-relative; one outside the workspace or not a readable file is a problem (compose stops there). */
function envFilesOf(files: WorkspaceFiles, paths: string[] | undefined): string[] | undefined {
  if (!paths) return undefined;
  const out: string[] = [];
  for (const p of paths) {
    const rel = relative(files.root, resolve(p)).split(sep).join('/');
    if (rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel))
      files.problems.push({ file: p, message: 'the --env-file is outside the workspace: not read.' });
    else if (files.read(rel) === undefined) files.problems.push({ file: rel, message: 'the --env-file cannot be read.' });
    else out.push(rel);
  }
  return out;
}

/** Args whose declaration the format did not place: found in the declaring file, from the build's line on. */
function findArgSources(files: WorkspaceFiles, c: BuildConfig): void {
  const names = [...Object.keys(c.args), ...Object.keys(c.unresolvedArgs)].filter((n) => !c.argSources || !Object.hasOwn(c.argSources, n));
  if (!names.length) return;
  const text = files.read(c.source.file);
  if (text === undefined) return;
  for (const name of names) {
    const line = findArgLine(text, c.source.line, name);
    if (line !== undefined) setOwn((c.argSources ??= {}), name, { file: c.source.file, line });
  }
}

/**
 * The plannable configurations that build this Dockerfile (absolute path), in editor precedence order; a compose
 * service whose profiles are all inactive comes after the others (it stays a choice).
 */
export function configsFor(discovery: Discovery, dockerfileAbs: string): BuildConfig[] {
  const path = resolve(dockerfileAbs);
  const found = discovery.configs.filter((c) => c.dockerfile === path && plannable(c));
  return [...found.filter((c) => !c.inactive), ...found.filter((c) => c.inactive)];
}

/**
 * Whether a change of this workspace-relative file can change what discovery finds: the files it read, and any
 * file with a name it looks for.
 */
export function affectsDiscovery(rel: string, discovery: Pick<Discovery, 'files'> | undefined): boolean {
  if (discovery?.files.includes(rel)) return true;
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (COMPOSE_FILES.includes(name) || COMPOSE_OVERRIDE_FILES.includes(name) || name === '.env') return true;
  if (/^docker-bake(\.override)?\.(json|hcl)$/.test(name)) return true;
  if (name === 'devcontainer.json' || name === '.devcontainer.json') return true;
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(rel);
}

/** The environment as a lookup (for the CLI, and the server's own environment). */
export function processEnv(env: NodeJS.ProcessEnv = process.env): Lookup {
  return (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
}
