// Compose projects (Compose Specification): `compose.yaml` / `compose.yml` / `docker-compose.yaml` /
// `docker-compose.yml` and their `*.override.*` merged over them, `extends`, `include`, `.env` interpolation, the
// short (`build: ./dir`) and long forms of `build`. Paths: the context is relative to the project directory (the
// first compose file's folder; an extended file's own folder for what it declares; an included file's
// project_directory), `dockerfile` relative to the context unless absolute.
import { posix, resolve } from 'node:path';
import { setOwn } from '../core/shared/own';
import { finishConfig, isObject, scalarText, type Declared, type Maybe } from './common';
import { joinRel, type WorkspaceFiles } from './files';
import { interpolate, parseDotEnv, type Lookup } from './interpolate';
import type { BuildConfig, ConfigProblem } from './types';
import { parseYaml, type YamlFile } from './yamlFile';

export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
export const COMPOSE_OVERRIDE_FILES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];
const MAX_NESTING = 8;

interface Build {
  /** The folder of the project the context was declared in (absolute). */
  contextBase: string;
  context?: Maybe;
  dockerfile?: Maybe;
  inline?: boolean;
  target?: Maybe;
  args: Record<string, Maybe>;
  platforms?: Maybe[];
  namedContexts: Record<string, Maybe>;
  /** Where each arg is declared (the file and line that wins after merges and extends). */
  argAt: Record<string, { file: string; line: number }>;
}

interface Service {
  name: string;
  /** Workspace-relative file and line where it is declared. */
  file: string;
  line: number;
  build?: Build;
  platform?: Maybe;
  extends?: { service: string; file?: string };
  /** `profiles`: the service is started only when one of them is active (COMPOSE_PROFILES). */
  profiles?: string[];
  /** For `extends.file`: the folder that file's relative paths start from, and its variables. */
  dir: string;
  lookup: Lookup;
}

interface Loader {
  files: WorkspaceFiles;
  env: Lookup;
  problems: ConfigProblem[];
  /** Files loaded as a project's own (so a folder's compose file that another project includes is not read twice). */
  loaded: Set<string>;
  /** The top project's name (COMPOSE_PROJECT_NAME, the top-level `name`, or its folder's name): included projects share it. */
  projectName?: string;
  /** The top project's active profiles (COMPOSE_PROFILES from the environment or its .env). */
  profiles?: Set<string>;
}

/** Every service with a `build` in the compose projects whose first file is in one of these workspace-relative folders. */
export function discoverCompose(files: WorkspaceFiles, folders: string[], env: Lookup, problems: ConfigProblem[], envFiles?: string[]): BuildConfig[] {
  const loader: Loader = { files, env, problems, loaded: new Set() };
  const out: BuildConfig[] = [];
  for (const dir of folders) {
    const names = new Set(
      files
        .list(dir)
        .filter((e) => e.file)
        .map((e) => e.name),
    );
    // `docker compose --env-file` (run in the workspace root) replaces the root's .env.
    const dotEnvs = dir === '' && envFiles ? envFiles : names.has('.env') ? [joinRel(dir, '.env')] : [];
    const composeFile = composeFileVariable(loader, dir, dotEnvs);
    const base = COMPOSE_FILES.find((n) => names.has(n));
    let rels: string[];
    if (composeFile !== undefined) {
      const listed = composeFileList(loader, dir, composeFile);
      if (!listed) continue;
      rels = listed;
    } else {
      if (!base) continue;
      const override = COMPOSE_OVERRIDE_FILES.find((n) => names.has(n));
      rels = [joinRel(dir, base), ...(override ? [joinRel(dir, override)] : [])];
    }
    if (rels.some((r) => loader.loaded.has(r))) continue;
    loader.projectName = undefined;
    loader.profiles = undefined;
    const projectDir = posix.dirname(rels[0]) === '.' ? '' : posix.dirname(rels[0]);
    const services = loadProject(loader, rels, projectDir, dir === '' && envFiles ? envFiles : [joinRel(dir, '.env')], 0);
    for (const s of services) out.push(...toConfigs(s, files.root, loader.profiles));
  }
  return out;
}

/**
 * COMPOSE_FILE as `docker compose` run in this folder sees it: the environment's (for the workspace root, where
 * the CLI runs) or the folder's `.env`.
 */
function composeFileVariable(loader: Loader, dir: string, dotEnvs: string[]): { value: string; separator: string } | undefined {
  const dot: Record<string, string> = {};
  for (const f of dotEnvs)
    Object.assign(
      dot,
      parseDotEnv(loader.files.read(f) ?? '', () => undefined),
    );
  const get = (n: string) => (dir === '' ? loader.env(n) : undefined) ?? (Object.hasOwn(dot, n) ? dot[n] : undefined);
  const value = get('COMPOSE_FILE');
  if (value === undefined || value.trim() === '') return undefined;
  return { value, separator: get('COMPOSE_PATH_SEPARATOR') || ':' };
}

/** The files COMPOSE_FILE lists, relative to the folder compose runs in; undefined (with a problem) when one cannot be read. */
function composeFileList(loader: Loader, dir: string, variable: { value: string; separator: string }): string[] | undefined {
  const where = joinRel(dir, '.env');
  const rels: string[] = [];
  for (const name of variable.value
    .split(variable.separator)
    .map((n) => n.trim())
    .filter(Boolean)) {
    const rel = workspaceRel(loader.files.root, resolve(loader.files.root, dir, name));
    if (rel === undefined) {
      loader.problems.push({ file: where, message: `COMPOSE_FILE names ${name}, outside the workspace: not read.` });
      return undefined;
    }
    rels.push(rel);
  }
  return rels.length ? rels : undefined;
}

/** Compose's project name rule: lower case, only a-z, 0-9, `_` and `-`, not starting with `_` or `-`. */
export function normaliseProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-_a-z0-9]+/g, '')
    .replace(/^[-_]+/, '');
}

/**
 * One service of a compose project given by its files (workspace-relative; the first file's folder is the project
 * directory, as for `docker compose -f a -f b`): its build configurations, `[]` when it builds nothing (an image),
 * `undefined` when no file declares it. For devcontainer.json's `dockerComposeFile` + `service`.
 */
export function composeService(files: WorkspaceFiles, fileRels: string[], service: string, env: Lookup, problems: ConfigProblem[]): BuildConfig[] | undefined {
  const loader: Loader = { files, env, problems, loaded: new Set() };
  const dir = posix.dirname(fileRels[0]) === '.' ? '' : posix.dirname(fileRels[0]);
  const s = loadProject(loader, fileRels, dir, [joinRel(dir, '.env')], 0).find((x) => x.name === service);
  return s ? toConfigs(s, files.root, loader.profiles) : undefined;
}

function toConfigs(s: Service, root: string, active: Set<string> | undefined): BuildConfig[] {
  if (!s.build) return [];
  const b = s.build;
  const inactive = s.profiles?.length && !s.profiles.some((p) => active?.has(p) || active?.has('*'));
  const d: Declared = {
    kind: 'compose',
    source: { file: s.file, line: s.line, name: s.name },
    contextBase: b.contextBase,
    ...(b.context ? { context: b.context } : {}),
    ...(b.dockerfile ? { dockerfile: b.dockerfile } : {}),
    ...(b.inline ? { inline: true } : {}),
    ...(b.target ? { target: b.target } : {}),
    args: b.args,
    ...(b.platforms?.length ? { platforms: b.platforms } : s.platform ? { platforms: [s.platform] } : {}),
    namedContexts: b.namedContexts,
    argSources: b.argAt,
    ...(inactive
      ? { notes: [`only with profile ${s.profiles?.join(' or ')}, not active here (COMPOSE_PROFILES): \`docker compose build\` leaves it out.`] }
      : {}),
  };
  const config = finishConfig(d, root);
  if (s.profiles?.length) {
    config.profiles = s.profiles;
    if (inactive) config.inactive = true;
  }
  return [config];
}

/**
 * The services of one project: its files merged in order (paths in all of them are relative to `projectDir`),
 * extends resolved, included projects added.
 */
function loadProject(loader: Loader, fileRels: string[], projectDir: string, envFiles: string[], depth: number): Service[] {
  const { files, problems } = loader;
  for (const f of fileRels) loader.loaded.add(f);
  const dotenv: Record<string, string> = {};
  for (const envFile of envFiles) {
    const text = files.read(envFile);
    if (text !== undefined) Object.assign(dotenv, parseDotEnv(text, loader.env));
  }
  // Compose: the environment wins over the .env file.
  const outer: Lookup = (n) => loader.env(n) ?? (Object.hasOwn(dotenv, n) ? dotenv[n] : undefined);
  const projectAbs = resolve(files.root, projectDir);
  const parsed: YamlFile[] = [];
  for (const rel of fileRels) {
    const text = files.read(rel);
    if (text === undefined) continue;
    const yaml = parseYaml(rel, text, problems);
    if (!yaml) continue;
    if (!isObject(yaml.data)) {
      if (yaml.data !== null && yaml.data !== undefined) problems.push({ file: rel, message: 'is not a compose file (not a mapping).' });
      continue;
    }
    parsed.push(yaml);
  }
  // The project name is a variable too (COMPOSE_PROJECT_NAME): the environment's or .env's, else the last file's
  // top-level `name`, else the project folder's name, as compose normalises it; an included project has the includer's.
  let projectName: string | undefined = loader.projectName;
  if (depth === 0) {
    const fromEnv = outer('COMPOSE_PROJECT_NAME');
    const names = parsed.map((y) => (y.data as Record<string, unknown>).name).filter((n): n is string => typeof n === 'string');
    if (fromEnv !== undefined) {
      // From the environment or .env compose takes the name as it is, and refuses one with other characters (or capitals).
      projectName = fromEnv;
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(projectName)) {
        problems.push({
          file: fileRels[0],
          message: `COMPOSE_PROJECT_NAME "${fromEnv}" is not a valid project name (lowercase letters, digits, - and _): compose refuses it.`,
        });
        projectName = undefined;
      }
    } else {
      const declared = names.length ? interpolate(names[names.length - 1], outer).value : undefined;
      projectName = (declared === undefined ? '' : normaliseProjectName(declared)) || normaliseProjectName(posix.basename(projectAbs));
    }
    loader.projectName = projectName;
    const profiles = outer('COMPOSE_PROFILES');
    loader.profiles = new Set(
      (profiles ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    );
  }
  const lookup: Lookup = (n) => (n === 'COMPOSE_PROJECT_NAME' ? projectName : outer(n));
  const merged = new Map<string, Service>();
  const included: Service[] = [];
  for (const yaml of parsed) {
    for (const s of servicesOf(yaml, projectAbs, projectDir, lookup, problems)) {
      const before = merged.get(s.name);
      merged.set(s.name, before ? mergeService(before, s) : s);
    }
    included.push(...includes(loader, yaml, projectDir, lookup, depth));
  }
  const resolved = [...merged.values()].map((s) => resolveExtends(loader, s, merged, [], depth));
  for (const s of included) {
    if (merged.has(s.name))
      problems.push({ file: s.file, line: s.line, message: `service "${s.name}" is also defined by the file that includes it: Compose refuses this.` });
    else resolved.push(s);
  }
  return resolved;
}

function includes(loader: Loader, yaml: YamlFile, projectDir: string, lookup: Lookup, depth: number): Service[] {
  const data = yaml.data as Record<string, unknown>;
  if (data.include === undefined) return [];
  if (!Array.isArray(data.include)) {
    loader.problems.push({ file: yaml.rel, line: yaml.lineOf(['include']), message: '`include` must be a list.' });
    return [];
  }
  if (depth >= MAX_NESTING) {
    loader.problems.push({ file: yaml.rel, line: yaml.lineOf(['include']), message: `includes nest more than ${MAX_NESTING} deep: the rest are not read.` });
    return [];
  }
  const out: Service[] = [];
  data.include.forEach((entry, i) => {
    const line = yaml.lineOf(['include', i]);
    const spec = typeof entry === 'string' ? { path: entry } : isObject(entry) ? entry : undefined;
    const paths = spec ? (Array.isArray(spec.path) ? spec.path : [spec.path]).map((p) => scalarText(p)) : [];
    if (!spec || !paths.length || paths.some((p) => p === undefined)) {
      loader.problems.push({ file: yaml.rel, line, message: 'an `include` entry needs a `path`.' });
      return;
    }
    const rels: string[] = [];
    for (const p of paths as string[]) {
      const value = interpolate(p, lookup);
      const rel = workspaceRel(loader.files.root, resolve(loader.files.root, projectDir, value.value));
      if (value.unresolved.length || rel === undefined) {
        loader.problems.push({
          file: yaml.rel,
          line,
          message: value.unresolved.length ? `include ${p}: depends on ${value.unresolved.join(', ')}.` : `include ${p} is outside the workspace: not read.`,
        });
        return;
      }
      rels.push(rel);
    }
    if (rels.some((r) => loader.loaded.has(r))) {
      loader.problems.push({
        file: yaml.rel,
        line,
        message: `include ${rels.join(', ')}: already loaded (an include loop, or a file included twice): not read again.`,
      });
      return;
    }
    const dirText = scalarText(spec.project_directory);
    const dir =
      dirText !== undefined
        ? workspaceRel(loader.files.root, resolve(loader.files.root, projectDir, interpolate(dirText, lookup).value))
        : posix.dirname(rels[0]) === '.'
          ? ''
          : posix.dirname(rels[0]);
    if (dir === undefined) {
      loader.problems.push({ file: yaml.rel, line, message: `include ${rels[0]}: its project_directory is outside the workspace.` });
      return;
    }
    const envSpec =
      spec.env_file === undefined
        ? [joinRel(dir, '.env')]
        : (Array.isArray(spec.env_file) ? spec.env_file : [spec.env_file])
            .map((e) => scalarText(e))
            .filter((e): e is string => e !== undefined)
            .map((e) => workspaceRel(loader.files.root, resolve(loader.files.root, projectDir, e)))
            .filter((e): e is string => e !== undefined);
    out.push(...loadProject(loader, rels, dir, envSpec, depth + 1));
  });
  return out;
}

function servicesOf(yaml: YamlFile, projectAbs: string, projectDir: string, lookup: Lookup, problems: ConfigProblem[]): Service[] {
  const services = (yaml.data as Record<string, unknown>).services;
  if (services === undefined || services === null) return [];
  if (!isObject(services)) {
    problems.push({ file: yaml.rel, line: yaml.lineOf(['services']), message: '`services` must be a mapping.' });
    return [];
  }
  const out: Service[] = [];
  for (const [name, raw] of Object.entries(services)) {
    const s: Service = { name, file: yaml.rel, line: yaml.lineOf(['services', name]), dir: projectDir, lookup };
    if (!isObject(raw)) {
      if (raw !== null) problems.push({ file: yaml.rel, line: s.line, message: `service "${name}" must be a mapping.` });
      out.push(s);
      continue;
    }
    if (raw.build !== undefined && raw.build !== null) {
      const build = readBuild(raw.build, projectAbs, lookup);
      if (build) {
        if (isObject(raw.build)) build.argAt = argLines(raw.build.args, yaml, ['services', name, 'build', 'args']);
        s.build = build;
        s.line = yaml.lineOf(['services', name, 'build']);
      } else
        problems.push({ file: yaml.rel, line: yaml.lineOf(['services', name, 'build']), message: `service "${name}": \`build\` must be a path or a mapping.` });
    }
    if (raw.platform !== undefined) {
      const p = value(raw.platform, lookup);
      if (p) s.platform = p;
    }
    if (Array.isArray(raw.profiles))
      s.profiles = raw.profiles
        .map((p) => scalarText(p))
        .filter((p): p is string => p !== undefined)
        .map((p) => interpolate(p, lookup).value);
    if (typeof raw.extends === 'string') s.extends = { service: raw.extends };
    else if (isObject(raw.extends) && typeof raw.extends.service === 'string') {
      s.extends = { service: raw.extends.service, ...(typeof raw.extends.file === 'string' ? { file: interpolate(raw.extends.file, lookup).value } : {}) };
    }
    out.push(s);
  }
  return out;
}

function readBuild(raw: unknown, contextBase: string, lookup: Lookup): Build | undefined {
  if (typeof raw === 'string') return { contextBase, context: value(raw, lookup) ?? { value: '.' }, args: {}, namedContexts: {}, argAt: {} };
  if (!isObject(raw)) return undefined;
  const b: Build = { contextBase, args: {}, namedContexts: {}, argAt: {} };
  const context = value(raw.context, lookup);
  if (context) b.context = context;
  if (raw.dockerfile_inline !== undefined) b.inline = true;
  const dockerfile = value(raw.dockerfile, lookup);
  if (dockerfile) b.dockerfile = dockerfile;
  const target = value(raw.target, lookup);
  if (target) b.target = target;
  b.args = keyValues(raw.args, lookup, true);
  b.namedContexts = keyValues(raw.additional_contexts, lookup, false);
  if (Array.isArray(raw.platforms)) b.platforms = raw.platforms.map((p) => value(p, lookup)).filter((p): p is Maybe => p !== undefined);
  return b;
}

/** The line of each arg of a map or a `- KEY=VAL` list under this path. */
function argLines(raw: unknown, yaml: YamlFile, path: Array<string | number>): Record<string, { file: string; line: number }> {
  const out: Record<string, { file: string; line: number }> = {};
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      const text = scalarText(item);
      const name = text === undefined ? '' : (text.includes('=') ? text.slice(0, text.indexOf('=')) : text).trim();
      if (name) setOwn(out, name, { file: yaml.rel, line: yaml.lineOf([...path, i]) });
    });
  } else if (isObject(raw)) {
    for (const name of Object.keys(raw)) setOwn(out, name, { file: yaml.rel, line: yaml.lineOf([...path, name]) });
  }
  return out;
}

/** A map or a `- KEY=VAL` list; `KEY` alone (or `KEY:` with no value) takes the value from the environment or .env. */
function keyValues(raw: unknown, lookup: Lookup, bareFromEnv: boolean): Record<string, Maybe> {
  const out: Record<string, Maybe> = {};
  const bare = (name: string): void => {
    if (!bareFromEnv) return;
    const v = lookup(name);
    setOwn(out, name, v === undefined ? { why: 'not set in the environment or .env' } : { value: v });
  };
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const text = scalarText(item);
      if (text === undefined) continue;
      const eq = text.indexOf('=');
      if (eq < 0) bare(text.trim());
      else if (eq > 0) setOwn(out, text.slice(0, eq).trim(), value(text.slice(eq + 1), lookup) ?? { value: '' });
    }
  } else if (isObject(raw)) {
    for (const [name, v] of Object.entries(raw)) {
      if (v === null || v === undefined) bare(name);
      else {
        const got = value(v, lookup);
        if (got) setOwn(out, name, got);
      }
    }
  }
  return out;
}

function value(raw: unknown, lookup: Lookup): Maybe | undefined {
  const text = scalarText(raw);
  if (text === undefined) return undefined;
  const r = interpolate(text, lookup);
  if (r.errors.length) return { why: r.errors.join('; ') };
  return r.unresolved.length ? { why: `depends on ${r.unresolved.join(', ')}` } : { value: r.value };
}

function mergeBuild(base: Build | undefined, over: Build | undefined): Build | undefined {
  if (!base || !over) return over ?? base;
  const out: Build = { ...base, args: { ...base.args }, namedContexts: { ...base.namedContexts }, argAt: { ...base.argAt } };
  if (over.context) {
    out.context = over.context;
    out.contextBase = over.contextBase;
  }
  if (over.dockerfile) {
    out.dockerfile = over.dockerfile;
    delete out.inline;
  }
  if (over.inline) {
    out.inline = true;
    delete out.dockerfile;
  }
  if (over.target) out.target = over.target;
  for (const [k, v] of Object.entries(over.args)) setOwn(out.args, k, v);
  for (const [k, v] of Object.entries(over.argAt)) setOwn(out.argAt, k, v);
  for (const [k, v] of Object.entries(over.namedContexts)) setOwn(out.namedContexts, k, v);
  if (over.platforms)
    out.platforms = [...(base.platforms ?? []), ...over.platforms.filter((p) => !(base.platforms ?? []).some((q) => JSON.stringify(q) === JSON.stringify(p)))];
  return out;
}

function mergeService(base: Service, over: Service): Service {
  const build = mergeBuild(base.build, over.build);
  return {
    ...base,
    ...(build ? { build } : {}),
    ...(over.platform ? { platform: over.platform } : {}),
    ...(over.extends ? { extends: over.extends } : {}),
    ...(over.profiles ? { profiles: over.profiles } : {}),
    // A service only an override declares a build for: its line is there.
    ...(!base.build && over.build ? { file: over.file, line: over.line } : {}),
  };
}

/** The service with what it extends merged under it (the extended service's paths keep their own base folder). */
function resolveExtends(loader: Loader, s: Service, siblings: Map<string, Service>, stack: string[], depth: number): Service {
  if (!s.extends) return s;
  const key = `${s.file}#${s.name}`;
  if (stack.includes(key) || stack.length >= MAX_NESTING) {
    loader.problems.push({ file: s.file, line: s.line, message: `service "${s.name}": extends loops or nests too deep.` });
    return { ...s, extends: undefined };
  }
  let base: Service | undefined;
  let pool = siblings;
  if (s.extends.file !== undefined) {
    const rel = workspaceRel(loader.files.root, resolve(loader.files.root, posix.dirname(s.file), s.extends.file));
    if (rel === undefined) {
      loader.problems.push({ file: s.file, line: s.line, message: `service "${s.name}" extends ${s.extends.file}, outside the workspace: not read.` });
      return { ...s, extends: undefined };
    }
    const text = loader.files.read(rel);
    const yaml = text === undefined ? undefined : parseYaml(rel, text, loader.problems);
    const dir = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    pool = new Map(
      (yaml && isObject(yaml.data) ? servicesOf(yaml, resolve(loader.files.root, dir), dir, s.lookup, loader.problems) : []).map((x) => [x.name, x]),
    );
  }
  base = pool.get(s.extends.service);
  if (!base) {
    loader.problems.push({
      file: s.file,
      line: s.line,
      message: `service "${s.name}" extends "${s.extends.service}"${s.extends.file ? ` in ${s.extends.file}` : ''}, which is not defined.`,
    });
    return { ...s, extends: undefined };
  }
  base = resolveExtends(loader, base, pool, [...stack, key], depth);
  const build = mergeBuild(base.build, s.build);
  return {
    ...s,
    extends: undefined,
    ...(build ? { build } : {}),
    ...((s.platform ?? base.platform) ? { platform: (s.platform ?? base.platform) as Maybe } : {}),
  };
}

/** The workspace-relative POSIX path of an absolute path inside the root, or undefined outside it. */
export function workspaceRel(root: string, abs: string): string | undefined {
  const rel = posix.normalize(abs.slice(root.length).split('\\').join('/')).replace(/^\/+/, '');
  if (!(abs === root || abs.startsWith(root.endsWith('/') ? root : root + '/'))) return undefined;
  return rel === '.' ? '' : rel;
}
