// Dev containers (containers.dev reference): `.devcontainer/devcontainer.json`, `.devcontainer.json`,
// `.devcontainer/<folder>/devcontainer.json`. `build.dockerfile` and `build.context` are relative to the folder of
// the devcontainer.json (context default "."); `build.args`, `build.target`; the legacy top-level `dockerFile` and
// `context` too. `${localEnv:VAR}` / `${localEnv:VAR:default}` and `${localWorkspaceFolder}` are resolved; any other
// `${...}` is unresolved.
import { basename, posix, resolve } from 'node:path';
import { setOwn } from '../core/shared/own';
import { finishConfig, isObject, scalarText, type Declared, type Maybe } from './common';
import { composeService, workspaceRel } from './compose';
import type { WorkspaceFiles } from './files';
import { parseJsonc, type JsonFile } from './jsonFile';
import type { Lookup } from './interpolate';
import type { BuildConfig, ConfigProblem } from './types';

/** The devcontainer.json files a workspace may have, in the order the Dev Containers tools list them. */
export function devcontainerFiles(files: WorkspaceFiles): string[] {
  const out: string[] = [];
  const top = files.list('.devcontainer');
  if (top.some((e) => e.file && e.name === 'devcontainer.json')) out.push('.devcontainer/devcontainer.json');
  if (files.list('').some((e) => e.file && e.name === '.devcontainer.json')) out.push('.devcontainer.json');
  for (const e of top.filter((x) => x.dir).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (files.list(`.devcontainer/${e.name}`).some((x) => x.file && x.name === 'devcontainer.json')) out.push(`.devcontainer/${e.name}/devcontainer.json`);
  }
  return out;
}

export function discoverDevcontainers(files: WorkspaceFiles, env: Lookup, problems: ConfigProblem[]): BuildConfig[] {
  const out: BuildConfig[] = [];
  for (const rel of devcontainerFiles(files)) {
    const text = files.read(rel);
    if (text === undefined) continue;
    const json = parseJsonc(rel, text, problems);
    if (!json) continue;
    if (!isObject(json.data)) {
      problems.push({ file: rel, message: 'is not a devcontainer.json (not an object).' });
      continue;
    }
    const data = json.data;
    const build = isObject(data.build) ? data.build : undefined;
    const legacyFile = scalarText(data.dockerFile);
    const file = scalarText(build?.dockerfile) ?? legacyFile;
    const dir = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    const base = resolve(files.root, dir);
    if (file === undefined) {
      // `dockerComposeFile` + `service`: the service's build, by compose's rules; an `image` builds nothing here
      if (data.dockerComposeFile !== undefined) out.push(...composeBuild(files, rel, json, base, env, problems));
      continue;
    }
    const sub = (raw: unknown): Maybe | undefined => {
      const t = scalarText(raw);
      return t === undefined ? undefined : substitute(t, env, files.root);
    };
    const context = sub(build?.context) ?? sub(data.context);
    const args: Record<string, Maybe> = {};
    if (isObject(build?.args)) {
      for (const [k, v] of Object.entries(build.args)) {
        const value = sub(v);
        if (value) setOwn(args, k, value);
      }
    }
    const target = sub(build?.target);
    const dockerfile = sub(file) as Maybe;
    const platforms = platformOption(build?.options, env, files.root);
    const d: Declared = {
      kind: 'devcontainer',
      source: { file: rel, line: json.lineOf(build?.dockerfile !== undefined ? ['build', 'dockerfile'] : ['dockerFile']), name: dir || rel },
      contextBase: base,
      ...(context ? { context } : {}),
      // Relative to the devcontainer.json's folder, not to the context.
      dockerfileAbs: 'why' in dockerfile ? dockerfile : { value: resolve(base, dockerfile.value) },
      ...(target ? { target } : {}),
      args,
      ...(platforms ? { platforms } : {}),
    };
    out.push(finishConfig(d, files.root));
  }
  return out;
}

/**
 * The build of a devcontainer.json's compose `service`: its `dockerComposeFile` (one path or a list) is relative to
 * the devcontainer.json's folder; the first file's folder is the compose project directory.
 */
function composeBuild(files: WorkspaceFiles, rel: string, json: JsonFile, base: string, env: Lookup, problems: ConfigProblem[]): BuildConfig[] {
  const data = json.data as Record<string, unknown>;
  const line = json.lineOf(['dockerComposeFile']);
  const raw = Array.isArray(data.dockerComposeFile) ? data.dockerComposeFile : [data.dockerComposeFile];
  const paths = raw.map((p) => scalarText(p));
  const service = scalarText(data.service);
  if (!paths.length || paths.some((p) => p === undefined) || service === undefined) {
    problems.push({ file: rel, line, message: '`dockerComposeFile` needs a path (or a list of paths) and `service` a name.' });
    return [];
  }
  const rels: string[] = [];
  for (const p of paths as string[]) {
    const value = substitute(p, env, files.root);
    const r = 'why' in value ? undefined : workspaceRel(files.root, resolve(base, value.value));
    if (r === undefined) {
      problems.push({
        file: rel,
        line,
        message: 'why' in value ? `dockerComposeFile ${p}: ${value.why}.` : `dockerComposeFile ${p} is outside the workspace: not read.`,
      });
      return [];
    }
    rels.push(r);
  }
  const configs = composeService(files, rels, service, env, problems);
  if (configs === undefined) {
    problems.push({ file: rel, line: json.lineOf(['service']), message: `service "${service}" is not in ${rels.join(', ')}.` });
    return [];
  }
  const dir = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
  return configs.map((c) => ({
    ...c,
    kind: 'devcontainer' as const,
    source: { file: rel, line: json.lineOf(['service']), name: dir || rel },
    notes: [...c.notes, `compose service ${service} of ${rels.join(', ')}`],
  }));
}

/** `--platform=X` or `--platform X` in `build.options`. */
function platformOption(raw: unknown, env: Lookup, root: string): Maybe[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const opts = raw.map((o) => scalarText(o) ?? '');
  for (let i = 0; i < opts.length; i++) {
    const m = /^--platform(?:=(.*))?$/.exec(opts[i]);
    if (!m) continue;
    const value = m[1] ?? opts[i + 1];
    if (value !== undefined) return [substitute(value, env, root)];
  }
  return undefined;
}

/** devcontainer.json's variables in a value. */
export function substitute(text: string, env: Lookup, root: string): Maybe {
  const unknown: string[] = [];
  const value = text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner === 'localWorkspaceFolder') return root;
    if (inner === 'localWorkspaceFolderBasename') return basename(root);
    const m = /^(?:localEnv|env):([A-Za-z_][A-Za-z0-9_]*)(?::(.*))?$/.exec(inner);
    if (m) {
      const v = env(m[1]);
      if (v !== undefined) return v;
      if (m[2] !== undefined) return m[2];
      unknown.push(m[1]);
      return whole;
    }
    unknown.push(whole);
    return whole;
  });
  return unknown.length ? { why: `depends on ${unknown.join(', ')}` } : { value };
}
