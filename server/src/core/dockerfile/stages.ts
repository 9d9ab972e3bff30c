// Build stages, their dependencies, and which of them a build needs (cache-rules R23):
// BuildKit builds the target and the stages it reaches through FROM <stage>, COPY --from and
// RUN --mount=from=; the classic builder builds every stage up to the target in file order.
import { flagValue, type Instruction, type ParsedDockerfile } from './parse';
import { atLine } from './limits';
import { ownValue } from '../shared/own';
import { processWord, type Vars } from './words';
import { formatPlatform, machinePlatform, normalizePlatform, parsePlatform, PLATFORM_ARGS, platformArgValues } from './platform';
import type { Builder, Diagnostic } from '../shared/types';
import { argDeclarations, mountOptions } from './instructionWords';

export { argDeclarations, mountOptions, splitKeepingQuotes } from './instructionWords';
import { diagnosticOf, msg, type Message } from '../shared/message';

export interface Stage {
  index: number;
  /** Lower-case stage name (Docker compares them case-insensitively). */
  name?: string;
  /** Name or index as text: what the CLI prints as the stage. */
  label: string;
  from: Instruction;
  /** Base image reference after global-ARG expansion; undefined for `FROM <stage>`. */
  image?: string;
  /** Stage this one continues (`FROM <stage>`). */
  parent?: number;
  /** The `--platform` flag after global-ARG expansion, when there is one. */
  platform?: string;
  /** The platform the stage is built for, normalised: its --platform, else the build's target platform (R11a). */
  resolvedPlatform: string;
  /** Set when the --platform flag gives no valid platform: the build fails (R11a); the text says what to do. */
  platformError?: Message;
  instructions: Instruction[];
  /** Stages whose output this stage reads (parent, COPY --from, RUN --mount=from=). */
  deps: number[];
}

export interface StageGraph {
  globalArgs: Instruction[];
  stages: Stage[];
  /**
   * Values of the variables FROM lines and in-stage `ARG NAME` (without a default) see: BuildKit's automatic
   * platform args (R11a), then global ARGs (defaults, then --build-arg; one declared with no value has none).
   */
  globalVars: Map<string, string>;
  /** The build machine's platform and the target platform, normalised (R11a). */
  buildPlatform: string;
  targetPlatform: string;
  diagnostics: Diagnostic[];
  /** GraphOptions.namedContexts (BuildKit only): these names read a named context, not a stage (R27). */
  namedContexts?: ReadonlySet<string>;
}

export interface GraphOptions {
  /** Default buildkit: the classic builder has no automatic platform args. */
  builder?: Builder;
  /** Target platform (docker build --platform); default the machine's. */
  platform?: string;
  /** Build machine's platform; default the machine's. */
  buildPlatform?: string;
  /**
   * Names of the build's named contexts (`--build-context`, compose `additional_contexts`, Bake `contexts`), BuildKit
   * only: a `FROM`, `--from` or `from=` naming one reads that context, even where a stage has the same name (R27).
   */
  namedContexts?: readonly string[];
}

/** The graph options of a plan's (or a view's) options: builder, and the platforms when they are given. */
export function graphOptions(o: { builder: Builder; platform?: string; buildPlatform?: string; namedContexts?: Record<string, unknown> }): GraphOptions {
  const named = o.builder === 'buildkit' && o.namedContexts ? Object.keys(o.namedContexts) : [];
  return {
    builder: o.builder,
    ...(o.platform ? { platform: o.platform } : {}),
    ...(o.buildPlatform ? { buildPlatform: o.buildPlatform } : {}),
    ...(named.length ? { namedContexts: named } : {}),
  };
}

export const GLOBAL_STAGE = '(global)';

export function buildStageGraph(parsed: ParsedDockerfile, buildArgs: Record<string, string>, opts: GraphOptions = {}): StageGraph {
  const diagnostics: Diagnostic[] = [];
  const globalArgs: Instruction[] = [];
  const globalVars = new Map<string, string>();
  const stages: Stage[] = [];
  const builder = opts.builder ?? 'buildkit';
  const buildPlatform = normalizePlatform(opts.buildPlatform ?? machinePlatform()) ?? machinePlatform();
  const targetPlatform = (opts.platform !== undefined ? normalizePlatform(opts.platform) : undefined) ?? buildPlatform;
  const automatic = platformArgValues(buildPlatform, targetPlatform);
  if (builder === 'buildkit') {
    // Automatic platform args: FROM lines see them without a declaration; --build-arg overrides them there too.
    for (const [name, value] of automatic) globalVars.set(name, value);
    for (const name of PLATFORM_ARGS) {
      const passed = ownValue(buildArgs, name);
      if (passed !== undefined) globalVars.set(name, passed);
    }
  }
  const platforms = { builder, target: targetPlatform, automatic };
  // Named contexts are a BuildKit feature; the classic builder has none.
  const namedContexts: ReadonlySet<string> = new Set(builder === 'buildkit' ? (opts.namedContexts ?? []) : []);
  for (const ins of parsed.instructions) {
    if (ins.keyword === 'FROM') {
      stages.push(atLine(ins.line, () => makeStage(ins, stages, globalVars, parsed.escape, diagnostics, platforms, namedContexts)));
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        globalArgs.push(ins);
        for (const [name, value] of atLine(ins.line, () => argDeclarations(ins, globalVars, parsed.escape))) {
          const passed = ownValue(buildArgs, name);
          const v = passed !== undefined ? passed : value;
          // A global ARG without a value leaves the name without one, automatic platform args included (R11a).
          if (v !== undefined) globalVars.set(name, v);
          else globalVars.delete(name);
        }
      }
    } else {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  for (const stage of stages) stage.deps = stageDeps(stage, stages, namedContexts);
  return { globalArgs, stages, globalVars, buildPlatform, targetPlatform, diagnostics, namedContexts };
}

function makeStage(
  from: Instruction,
  earlier: Stage[],
  globalVars: Vars,
  escape: string,
  diagnostics: Diagnostic[],
  platforms: { builder: Builder; target: string; automatic: Map<string, string> },
  namedContexts: ReadonlySet<string>,
): Stage {
  const index = earlier.length;
  const words = from.args.split(/\s+/).filter(Boolean);
  let name: string | undefined;
  if (words.length >= 3 && words[words.length - 2].toUpperCase() === 'AS') {
    name = words[words.length - 1].toLowerCase();
    if (!/^[a-z][a-z0-9-_.]*$/.test(name)) {
      diagnostics.push(diagnosticOf(from.line, 'error', msg('invalidStageName', name)));
    }
  }
  const imageWord = words[0] ?? '';
  if (!imageWord) diagnostics.push(diagnosticOf(from.line, 'error', msg('fromNeedsImage')));
  const image = processWord(imageWord, globalVars, escape).value;
  const platformFlag = flagValue(from, 'platform');
  const platform = platformFlag === undefined ? undefined : processWord(platformFlag, globalVars, escape).value;
  // A named context of that name wins over a stage (R27): the FROM then reads the context.
  const parent = namedContexts.has(image) ? undefined : earlier.find((s) => s.name !== undefined && s.name === image.toLowerCase());
  let resolvedPlatform = platforms.target;
  let platformError: Message | undefined;
  if (platformFlag !== undefined && platform !== undefined) {
    const parsed = parsePlatform(platform);
    if ('platform' in parsed) resolvedPlatform = formatPlatform(parsed.platform);
    else {
      resolvedPlatform = platform;
      platformError = platformProblem(platformFlag, platform, parsed.error, platforms.builder, platforms.automatic);
    }
  }
  return {
    index,
    ...(name ? { name } : {}),
    label: name ?? String(index),
    from,
    ...(parent ? { parent: parent.index } : { image }),
    ...(platform !== undefined ? { platform } : {}),
    resolvedPlatform,
    ...(platformError ? { platformError } : {}),
    instructions: [],
    deps: [],
  };
}

/** What to say about a FROM --platform that gives no valid platform (both builders fail the build, R11a). */
function platformProblem(flag: string, value: string, why: string, builder: Builder, automaticValues: Map<string, string>): Message {
  const names = [...flag.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
  const automatic = names.find((n) => (PLATFORM_ARGS as readonly string[]).includes(n));
  if (value === '' && builder === 'classic' && automatic) {
    return msg('platformArgClassic', flag, automatic, automatic, automaticValues.get(automatic) ?? '');
  }
  if (value === '') {
    if (names.length) return msg('platformEmptyArg', flag, names.map((n) => `$${n}`).join(', '));
    return msg('platformEmpty', flag);
  }
  return msg('platformInvalid', flag, value, why);
}

/**
 * Resolves a `--from` / `from=` value to a stage by name (any other stage: BuildKit allows later
 * ones and rejects cycles) or by the index of an earlier stage.
 */
export function resolveStageRef(ref: string, stages: Stage[], before: number, namedContexts?: ReadonlySet<string>): Stage | undefined {
  // A named context of that name wins over a stage of the same name (R27).
  if (namedContexts?.has(ref)) return undefined;
  const lower = ref.toLowerCase();
  const byName = stages.find((s) => s.index !== before && s.name === lower);
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const i = Number(ref);
    if (i < before) return stages[i];
  }
  return undefined;
}

function stageDeps(stage: Stage, stages: Stage[], namedContexts: ReadonlySet<string>): number[] {
  const deps = new Set<number>();
  if (stage.parent !== undefined) deps.add(stage.parent);
  for (const ins of stage.instructions) {
    const refs: string[] = [];
    if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && flagValue(ins, 'from') !== undefined) refs.push(flagValue(ins, 'from') as string);
    if (ins.keyword === 'RUN') {
      for (const f of ins.flags)
        if (f.name === 'mount' && f.value) {
          const from = mountOptions(f.value).get('from');
          if (from) refs.push(from);
        }
    }
    for (const ref of refs) {
      const dep = resolveStageRef(ref, stages, stage.index, namedContexts);
      if (dep) deps.add(dep.index);
    }
  }
  return [...deps];
}

/** Stage indexes with every dependency before its dependents; a cycle is reported, not followed. */
export function buildOrder(graph: StageGraph, needed: Set<number>): { order: number[]; diagnostics: Diagnostic[] } {
  const order: number[] = [];
  const diagnostics: Diagnostic[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number) => {
    if (state.get(i) === 'done') return;
    if (state.get(i) === 'visiting') {
      diagnostics.push(diagnosticOf(graph.stages[i].from.line, 'error', msg('circularStage', graph.stages[i].label)));
      return;
    }
    state.set(i, 'visiting');
    for (const d of graph.stages[i].deps) if (needed.has(d)) visit(d);
    state.set(i, 'done');
    order.push(i);
  };
  for (const s of graph.stages) if (needed.has(s.index)) visit(s.index);
  return { order, diagnostics };
}

export interface StageSelection {
  /** Index of the target stage, or -1 when there is none. */
  target: number;
  needed: Set<number>;
  diagnostics: Diagnostic[];
}

export function selectStages(graph: StageGraph, builder: Builder, target: string | undefined): StageSelection {
  const diagnostics: Diagnostic[] = [];
  const { stages } = graph;
  let targetIndex = stages.length - 1;
  if (target !== undefined) {
    const found = stages.find((s) => s.name === target.toLowerCase());
    if (found) targetIndex = found.index;
    else {
      const names =
        stages
          .filter((s) => s.name)
          .map((s) => s.name)
          .join(', ') || 'none are named';
      diagnostics.push(diagnosticOf(1, 'error', msg('targetMissing', target, names, target)));
    }
  }
  const needed = new Set<number>();
  if (targetIndex < 0) return { target: -1, needed, diagnostics };
  if (builder === 'classic') {
    for (let i = 0; i <= targetIndex; i++) needed.add(i);
  } else {
    const visit = (i: number) => {
      if (needed.has(i)) return;
      needed.add(i);
      for (const d of stages[i].deps) visit(d);
    };
    visit(targetIndex);
  }
  return { target: targetIndex, needed, diagnostics };
}
