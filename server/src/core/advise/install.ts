// Reading RUN and COPY for the copy-before-install rule: which commands of a RUN install or fetch
// dependencies (per ecosystem), which COPYs bring in a whole folder, and which manifests already
// reach the install some other way.
import { classifyCommand, ECOSYSTEMS, isSourceFree, type Ecosystem } from './ecosystems';
import { looseWords, splitCommands, stripPrefixes } from './shell';
import { copyOperands, runCommand, type RuleContext } from './rule';
import { flagValue, type Instruction } from '../dockerfile/parse';
import { mountOptions, type Stage } from '../dockerfile/stages';
import { goMatcher } from '../context/glob';

export type PartKind = 'install' | 'build' | 'free' | 'cd' | 'other';

export interface RunPart {
  text: string;
  kind: PartKind;
  ecosystems: Ecosystem[];
  prefetch?: string;
}

export interface RunAnalysis {
  parts: RunPart[];
  separators: string[];
  /** Only `&&`/`;` between plain commands: the RUN can be split. */
  simple: boolean;
  ecosystems: Ecosystem[];
}

export function analyseRun(ins: Instruction): RunAnalysis {
  const list = ins.json ? { commands: [runCommand(ins)], separators: [], simple: false } : splitCommands(ins.args);
  const parts = list.commands.map((text): RunPart => {
    const found = classifyCommand(text);
    if (found.length) {
      const build = found.find((f) => f.classification.kind === 'build');
      if (build && build.classification.kind === 'build')
        return { text, kind: 'build', ecosystems: found.map((f) => f.ecosystem), prefetch: build.classification.prefetch };
      return { text, kind: 'install', ecosystems: found.map((f) => f.ecosystem) };
    }
    if (/^cd\s+\S+$/.test(text)) return { text, kind: 'cd', ecosystems: [] };
    return { text, kind: isSourceFree(text) ? 'free' : 'other', ecosystems: [] };
  });
  const ecosystems = [...new Set(parts.flatMap((p) => p.ecosystems))];
  return { parts, separators: list.separators, simple: list.simple, ecosystems };
}

function normalSource(s: string): string {
  // COPY sources are relative to the context even when written with a leading slash.
  return s
    .replace(/^\/+/, '')
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .replace(/^\.$/, '');
}

/** A COPY of a whole folder of the context (not single files), without --from. */
export function isBroadCopy(ctx: RuleContext, ins: Instruction): boolean {
  if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') return false;
  if (flagValue(ins, 'from') !== undefined) return false;
  const ops = copyOperands(ins);
  if (!ops) return false;
  const index = ctx.index();
  return ops.sources.some((raw) => {
    const s = normalSource(raw);
    if (s === '') return true;
    if (/[*?[]/.test(s) || /^[a-z]+:\/\//i.test(s)) return false;
    if (index) return index.isDir(s);
    return !s.slice(s.lastIndexOf('/') + 1).includes('.');
  });
}

/** The shell commands of a RUN: its command line, or each line of its heredoc scripts (continuations joined). */
export function runCommands(ins: Instruction): string[] {
  const texts = ins.heredocs.length ? ins.heredocs.flatMap((h) => h.content.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) : [runCommand(ins)];
  return texts
    .flatMap((t) => splitCommands(t).commands)
    .map((c) => c.trim())
    .filter((c) => c !== '' && !c.startsWith('#'));
}

/**
 * What a RUN does with each ecosystem, shell keywords (`if ...; then cargo build; fi`) and heredoc scripts included:
 * `tools` runs the ecosystem's tool at all (a dummy-project `cargo build`, `./gradlew downloadRepos`, `cargo fetch`),
 * `installs` runs a command that reads only the manifests (`cargo chef cook`, `go mod download`, `pnpm fetch`).
 */
export function toolsRun(ins: Instruction): { tools: Set<Ecosystem>; installs: Set<Ecosystem> } {
  const tools = new Set<Ecosystem>();
  const installs = new Set<Ecosystem>();
  for (const command of runCommands(ins)) {
    const words = stripPrefixes(looseWords(command).filter((w) => !/^(if|then|else|elif|do|!|\{|\()$/.test(w)));
    const name = (words[0] ?? '').replace(/^\.\//, '');
    for (const eco of ECOSYSTEMS) if (eco.tools.includes(name)) tools.add(eco);
    for (const f of classifyCommand(words.join(' '))) if (f.classification.kind === 'install') installs.add(f.ecosystem);
  }
  return { tools, installs };
}

/** Ecosystems whose manifests a COPY/ADD of the context names among its sources (globs too). */
export function manifestsNamed(ins: Instruction): Set<Ecosystem> {
  const out = new Set<Ecosystem>();
  if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || flagValue(ins, 'from') !== undefined) return out;
  const ops = copyOperands(ins);
  for (const eco of ECOSYSTEMS) if (ops?.sources.some((s) => namesManifest(s, eco))) out.add(eco);
  return out;
}

/** Ecosystems whose manifests a RUN bind-mounts from the context (`--mount=type=bind,source=package.json`). */
export function manifestsMounted(ins: Instruction): Set<Ecosystem> {
  const out = new Set<Ecosystem>();
  for (const f of ins.flags) {
    if (f.name !== 'mount' || !f.value) continue;
    const opts = mountOptions(f.value);
    const source = opts.get('source') ?? opts.get('src');
    if ((opts.get('type') ?? 'bind') === 'bind' && source && !opts.has('from')) for (const eco of ECOSYSTEMS) if (namesManifest(source, eco)) out.add(eco);
  }
  return out;
}

/** Cache-mount targets of a RUN. */
export function cacheTargets(ins: Instruction): string[] {
  const out: string[] = [];
  for (const f of ins.flags) {
    if (f.name !== 'mount' || !f.value) continue;
    const opts = mountOptions(f.value);
    const target = opts.get('target') ?? opts.get('dst') ?? opts.get('destination');
    if (opts.get('type') === 'cache' && target) out.push(target);
  }
  return out;
}

/** Base-name test: does a COPY source (maybe a glob) name one of the ecosystem's manifests? */
function namesManifest(source: string, eco: Ecosystem): boolean {
  const base = source.replace(/\/+$/, '').slice(source.replace(/\/+$/, '').lastIndexOf('/') + 1);
  // Docker's COPY glob (Go path.Match, linear): a RegExp built from the source backtracked for ever on `*****x`.
  const glob = goMatcher(base);
  return eco.files.some((f) => glob(f) === true) || eco.required.test(base) || Boolean(eco.top?.test(base)) || Boolean(eco.nested?.test(base));
}

/** Ecosystems whose manifests reach the install before the broad COPY: earlier COPYs or bind mounts of the RUN. */
export function manifestsProvided(stage: Stage, copyIndex: number, run: Instruction, ecosystems: Ecosystem[]): Set<Ecosystem> {
  const provided = new Set<Ecosystem>();
  for (const ins of stage.instructions.slice(0, copyIndex)) {
    if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || flagValue(ins, 'from') !== undefined) continue;
    const ops = copyOperands(ins);
    for (const eco of ecosystems) if (ops?.sources.some((s) => namesManifest(s, eco))) provided.add(eco);
  }
  for (const f of run.flags) {
    if (f.name !== 'mount' || !f.value) continue;
    const opts = mountOptions(f.value);
    const source = opts.get('source') ?? opts.get('src');
    if ((opts.get('type') ?? 'bind') === 'bind' && source) for (const eco of ecosystems) if (namesManifest(source, eco)) provided.add(eco);
  }
  return provided;
}
