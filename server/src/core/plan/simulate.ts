// "What if these files change / this line is edited?" against the current state assumed fully
// built: plan once to get the keys of the current state, then plan the perturbed state against
// exactly those keys.
import { planBuild, type PlanContext, type RecordablePlan } from './predict';
import type { ContextEntry, ContextSnapshot, Diagnostic, PlanOptions } from '../shared/types';
import { parseDockerfile, type ParsedDockerfile } from '../dockerfile/parse';

export interface SimulateInput {
  text: string;
  /** parseDockerfile(text), when the caller has it already. */
  parsed?: ParsedDockerfile;
  options: PlanOptions;
  /** The context as it is now. */
  context: PlanContext;
  /** Makes the context with the given paths changed (see withChangedFiles). */
  changedContext(paths: string[]): PlanContext;
  changedFiles: string[];
  /** 1-based lines pretended edited; any line of an instruction counts for the whole instruction. */
  editedLines: number[];
  /** PlanInput.named: the named contexts that are folders (their files are not among those a simulation changes). */
  named?: Record<string, PlanContext>;
}

export function simulateBuild(input: SimulateInput): RecordablePlan {
  const named = input.named ? { named: input.named } : {};
  const parsed = input.parsed ?? parseDockerfile(input.text);
  const built = planBuild({ text: input.text, parsed, options: input.options, context: input.context, known: { has: () => false, empty: true }, ...named });
  const keys = new Set(built.keys);
  const diagnostics: Diagnostic[] = [];
  const edited = new Set<number>();
  const instructions = parsed.instructions;
  for (const line of input.editedLines) {
    const ins = instructions.find((i) => line >= i.line && line <= i.endLine);
    if (ins) edited.add(ins.line);
    else
      diagnostics.push({
        line,
        severity: 'info',
        message: `Line ${line} is not part of an instruction: editing it changes no step, except through COPY/ADD of the Dockerfile itself.`,
      });
  }
  // An edit anywhere changes the Dockerfile's own bytes, which COPY . reads unless .dockerignore excludes it (R20).
  const changed = [...input.changedFiles, ...(input.editedLines.length ? [input.options.dockerfilePath] : [])];
  const context = changed.length ? input.changedContext(changed) : input.context;
  const result = planBuild({
    text: input.text,
    parsed,
    options: input.options,
    context,
    known: { has: (k) => keys.has(k), empty: false, last: built.recorded },
    edited,
    ...named,
  });
  return { ...result, diagnostics: [...result.diagnostics, ...diagnostics] };
}

/** A snapshot in which the given paths have new content (paths that do not exist become new files). */
export function withChangedFiles(snapshot: ContextSnapshot, paths: string[]): ContextSnapshot {
  const changed = new Set(paths.map(normalize));
  const entries = new Map(snapshot.entries);
  for (const p of changed) {
    const existing = entries.get(p);
    if (!existing || existing.type !== 'file') {
      const entry: ContextEntry = { path: p, type: 'file', mode: 0o644, size: 1 };
      entries.set(p, entry);
      // Parents of a new file must exist as folders for the walk to reach it.
      for (let dir = parent(p); dir; dir = parent(dir)) if (!entries.has(dir)) entries.set(dir, { path: dir, type: 'dir', mode: 0o755, size: 0 });
    }
  }
  return {
    entries,
    problems: snapshot.problems,
    contentDigest: (p, entry) => (changed.has(p) ? `simulated-change:${p}` : snapshot.contentDigest(p, entry)),
  };
}

function normalize(p: string): string {
  return p
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '');
}

function parent(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
