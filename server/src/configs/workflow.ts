// GitHub Actions workflows (.github/workflows/*.yml|yaml) with `docker/build-push-action`: `file` is relative to
// the workspace root (the runner's working directory); without `context` the action builds the git repository
// (the commit), taken here as the repository root; `build-args` and `build-contexts` are newline lists KEY=VAL,
// `platforms` a comma or newline list. `${{ }}` expressions are unknown values, except `matrix.*` of a literal
// matrix (one configuration per combination), `env.*` with a literal value, and `github.workspace`.
import { posix, resolve } from 'node:path';
import { setOwn } from '../core/shared/own';
import { finishConfig, isObject, scalarText, type Declared, type Maybe } from './common';
import type { WorkspaceFiles } from './files';
import type { BuildConfig, ConfigProblem } from './types';
import { parseYaml } from './yamlFile';

const ACTION = /^docker\/build-push-action(@|$)/;
const MAX_COMBINATIONS = 64;

export function workflowFiles(files: WorkspaceFiles): string[] {
  return files
    .list('.github/workflows')
    .filter((e) => e.file && /\.ya?ml$/.test(e.name))
    .map((e) => `.github/workflows/${e.name}`)
    .sort();
}

type Combination = Record<string, string> | 'unknown';

export function discoverWorkflows(files: WorkspaceFiles, problems: ConfigProblem[]): BuildConfig[] {
  const out: BuildConfig[] = [];
  for (const rel of workflowFiles(files)) {
    const text = files.read(rel);
    if (text === undefined) continue;
    const yaml = parseYaml(rel, text, problems);
    if (!yaml || !isObject(yaml.data) || !isObject(yaml.data.jobs)) continue;
    const workflowEnv = literalEnv(yaml.data.env);
    for (const [jobId, job] of Object.entries(yaml.data.jobs)) {
      if (!isObject(job) || !Array.isArray(job.steps)) continue;
      const jobEnv = { ...workflowEnv, ...literalEnv(job.env) };
      const strategy = isObject(job.strategy) ? job.strategy : {};
      const combos = combinations(strategy.matrix);
      if (combos.length > MAX_COMBINATIONS)
        problems.push({
          file: rel,
          line: yaml.lineOf(['jobs', jobId, 'strategy', 'matrix']),
          message: `the matrix of job ${jobId} has ${combos.length} combinations: the first ${MAX_COMBINATIONS} are listed.`,
        });
      const buildSteps = job.steps.map((s, i) => ({ s, i })).filter(({ s }) => isObject(s) && typeof s.uses === 'string' && ACTION.test(s.uses.trim()));
      for (const { s, i } of buildSteps) {
        const step = s as Record<string, unknown>;
        const env = { ...jobEnv, ...literalEnv(step.env) };
        const w = isObject(step.with) ? step.with : {};
        for (const combo of combos.slice(0, MAX_COMBINATIONS)) {
          const val = (raw: unknown): Maybe | undefined => {
            const t = scalarText(raw);
            return t === undefined ? undefined : expressions(t, combo, env, files.root);
          };
          const stepName = buildSteps.length > 1 ? `.${i + 1}` : '';
          const comboName =
            combo === 'unknown'
              ? '[matrix unknown]'
              : Object.keys(combo).length
                ? `[${Object.entries(combo)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(',')}]`
                : '';
          let context = val(w.context);
          // `{{defaultContext}}` (or `{{defaultContext}}:subdir`) is the action's git context: the repository (a folder of it).
          const git = context && 'value' in context ? /^\{\{\s*defaultContext\s*\}\}(?::(.*))?$/.exec(context.value) : null;
          if (git) context = undefined;
          const gitSubdir = git?.[1]?.trim();
          const file = val(w.file);
          const target = val(w.target);
          const notes: string[] = [];
          if (!context)
            notes.push(
              'no `context`: the action builds the git repository at the commit; planned with the workspace folder, so files that are not committed may differ.',
            );
          if (git)
            notes[0] =
              'the context `{{defaultContext}}` is the git repository at the commit; planned with the workspace folder, so files that are not committed may differ.';
          const contextMaybe = context ?? { value: gitSubdir || '.' };
          const args: Record<string, Maybe> = {};
          for (const line of lines(w['build-args'], false)) {
            const eq = line.indexOf('=');
            if (eq > 0) setOwn(args, line.slice(0, eq).trim(), expressions(line.slice(eq + 1), combo, env, files.root));
          }
          const namedContexts: Record<string, Maybe> = {};
          for (const line of lines(w['build-contexts'], false)) {
            const eq = line.indexOf('=');
            if (eq > 0) setOwn(namedContexts, line.slice(0, eq).trim(), expressions(line.slice(eq + 1), combo, env, files.root));
          }
          const platforms = lines(w.platforms, true).map((p) => expressions(p, combo, env, files.root));
          let dockerfileAbs: Maybe;
          if (file) dockerfileAbs = 'why' in file ? file : { value: resolve(files.root, file.value) };
          else if ('why' in contextMaybe) dockerfileAbs = { why: `the default \`{context}/Dockerfile\`: context ${contextMaybe.why}` };
          else dockerfileAbs = { value: resolve(files.root, contextMaybe.value, 'Dockerfile') };
          const d: Declared = {
            kind: 'workflow',
            source: { file: rel, line: yaml.lineOf(['jobs', jobId, 'steps', i]), name: `${posix.basename(rel)}#${jobId}${stepName}${comboName}` },
            contextBase: files.root,
            context: contextMaybe,
            dockerfileAbs,
            ...(target ? { target } : {}),
            args,
            ...(platforms.length ? { platforms } : {}),
            namedContexts,
            notes,
          };
          out.push(finishConfig(d, files.root));
        }
      }
    }
  }
  return out;
}

/** An action input list: one item per line (and per comma when `commas`), blank lines and `#` comments dropped. */
function lines(raw: unknown, commas: boolean): string[] {
  const text = scalarText(raw);
  if (text === undefined) return Array.isArray(raw) ? raw.map((x) => scalarText(x) ?? '').filter(Boolean) : [];
  return text
    .split(commas ? /[\n,]/ : /\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** `env:` values that are literal (no expression): usable in `${{ env.X }}`. */
function literalEnv(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(raw)) return out;
  for (const [k, v] of Object.entries(raw)) {
    const t = scalarText(v);
    if (t !== undefined && !t.includes('${{')) setOwn(out, k, t);
  }
  return out;
}

function expressions(text: string, combo: Combination, env: Record<string, string>, root: string): Maybe {
  const unknown: string[] = [];
  const value = text.replace(/\$\{\{([\s\S]*?)\}\}/g, (whole, inner: string) => {
    const expr = inner.trim();
    let m: RegExpExecArray | null;
    if (expr === 'github.workspace') return root;
    if ((m = /^matrix\.([A-Za-z0-9_-]+)$/.exec(expr)) && combo !== 'unknown' && Object.hasOwn(combo, m[1])) return combo[m[1]];
    if ((m = /^env\.([A-Za-z0-9_]+)$/.exec(expr)) && Object.hasOwn(env, m[1])) return env[m[1]];
    unknown.push(whole);
    return whole;
  });
  return unknown.length ? { why: `depends on ${unknown.join(', ')}` } : { value: value.trim() };
}

/** The literal matrix's combinations (`include` and `exclude` applied), one empty combination without a matrix. */
export function combinations(matrix: unknown): Combination[] {
  if (matrix === undefined || matrix === null) return [{}];
  if (!isObject(matrix)) return ['unknown'];
  let combos: Array<Record<string, string>> = [{}];
  const base: Record<string, true> = {};
  for (const [key, values] of Object.entries(matrix)) {
    if (key === 'include' || key === 'exclude') continue;
    if (!Array.isArray(values)) return ['unknown'];
    const texts = values.map((v) => scalarText(v));
    if (texts.some((t) => t === undefined)) return ['unknown'];
    base[key] = true;
    combos = combos.flatMap((c) => (texts as string[]).map((t) => ({ ...c, [key]: t })));
    if (combos.length > MAX_COMBINATIONS * 4) return ['unknown'];
  }
  if (Object.keys(base).length === 0) combos = [];
  if (Array.isArray(matrix.exclude)) {
    for (const ex of matrix.exclude) {
      if (!isObject(ex)) continue;
      combos = combos.filter((c) => !Object.entries(ex).every(([k, v]) => c[k] === scalarText(v)));
    }
  }
  if (matrix.include !== undefined && !Array.isArray(matrix.include)) return ['unknown'];
  for (const inc of (matrix.include as unknown[] | undefined) ?? []) {
    if (!isObject(inc)) continue;
    const entries = Object.entries(inc).map(([k, v]) => [k, scalarText(v)] as const);
    if (entries.some(([, v]) => v === undefined)) return ['unknown'];
    // Added to every combination whose original values it does not change; a new combination otherwise.
    let added = false;
    for (const c of combos) {
      if (entries.every(([k, v]) => !base[k] || c[k] === v)) {
        for (const [k, v] of entries) if (!base[k]) c[k] = v as string;
        added = true;
      }
    }
    if (!added) combos.push(Object.fromEntries(entries) as Record<string, string>);
  }
  return combos.length ? combos : [{}];
}
