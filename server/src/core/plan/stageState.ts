// A stage's state as the instructions change it (ENV, ARG, WORKDIR, USER, SHELL): what later words expand with and
// what every RUN's key carries of the environment. Split from cacheKeys.ts.
import { argDeclarations, splitKeepingQuotes } from '../dockerfile/stages';
import { ownValue } from '../shared/own';
import { processWord } from '../dockerfile/words';
import type { Instruction } from '../dockerfile/parse';
import type { Builder } from '../shared/types';
import type { KeyInputs, StageState } from './keyInputs';
import { recurringDigest } from './keyDigest';

export const PROXY_ARGS = new Set(['http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'all_proxy']);
/** The marker an edited line's values get in a simulation, so the keys change. */
export const SIM = '\u0000edited';

export function initialState(): StageState {
  return { env: [], args: new Map(), workdir: '/', shell: ['/bin/sh', '-c'] };
}

export function cloneState(s: StageState, builder: Builder): StageState {
  // The classic builder does not carry ARGs into stages built FROM another stage (R11).
  return { env: [...s.env], args: builder === 'classic' ? new Map() : new Map(s.args), workdir: s.workdir, user: s.user, shell: [...s.shell] };
}

/**
 * What a state's variables give, computed once per state until an ENV or ARG changes them (applyState
 * forgets it): every instruction expands words with them and every RUN's key has the whole environment.
 */
const fromVariables = new WeakMap<StageState, { vars?: ReadonlyMap<string, string>; runEnv?: Array<[string, string]> }>();

function variablesOf(s: StageState): { vars?: ReadonlyMap<string, string>; runEnv?: Array<[string, string]> } {
  let d = fromVariables.get(s);
  if (!d) {
    d = {};
    fromVariables.set(s, d);
  }
  return d;
}

/** Variables available for expansion: ARG values, overridden by ENV of the same name. */
export function expansionVars(s: StageState): ReadonlyMap<string, string> {
  const d = variablesOf(s);
  if (!d.vars) {
    const vars = new Map<string, string>();
    for (const [k, v] of s.args) if (v !== undefined) vars.set(k, v);
    for (const [k, v] of s.env) vars.set(k, v);
    d.vars = vars;
  }
  return d.vars;
}

/** RUN's key parts of the environment (R7, R10, R11), in order: ENV values, their order, then ARG values not shadowed by ENV. */
export function runEnvironment(s: StageState): Array<[string, string]> {
  const d = variablesOf(s);
  if (!d.runEnv) {
    const out: Array<[string, string]> = [];
    const envNames = new Set(s.env.map(([k]) => k));
    for (const [k, v] of s.env) out.push([`env:${k}`, recurringDigest(v)]);
    out.push(['envOrder', recurringDigest(s.env.map(([k]) => k).join('\n'))]);
    for (const [k, v] of s.args) if (v !== undefined && !envNames.has(k)) out.push([`arg:${k}`, recurringDigest(v)]);
    d.runEnv = out;
  }
  return d.runEnv;
}

/** State changes: ENV, ARG, WORKDIR, USER, SHELL (both builders). */
export function applyState(ins: Instruction, state: StageState, inputs: KeyInputs): void {
  const edited = inputs.edited.has(ins.line) ? SIM : '';
  const vars = expansionVars(state);
  if (ins.keyword === 'ENV' || ins.keyword === 'ARG') fromVariables.delete(state);
  switch (ins.keyword) {
    case 'ENV':
      for (const [k, v] of nameValues(ins, vars, inputs.escape)) {
        const i = state.env.findIndex(([name]) => name === k);
        if (i >= 0) state.env[i] = [k, v + edited];
        else state.env.push([k, v + edited]);
      }
      break;
    case 'ARG':
      for (const [name, dflt] of argDeclarations(ins, vars, inputs.escape)) {
        const passed = ownValue(inputs.buildArgs, name);
        if (PROXY_ARGS.has(name.toLowerCase()) && passed === undefined && dflt === undefined) {
          state.args.set(name, undefined);
          continue;
        }
        // --build-arg, then the in-stage default, then the global value: with BuildKit that includes the automatic
        // platform args, so `ARG TARGETARCH` alone has the target's architecture (R11a).
        const value = passed !== undefined ? passed : (dflt ?? inputs.globalVars.get(name));
        state.args.set(name, value === undefined ? (edited ? edited : undefined) : value + edited);
      }
      break;
    case 'WORKDIR':
      state.workdir = resolvePath(state.workdir, processWord(ins.args, vars, inputs.escape).value) + edited;
      break;
    case 'USER':
      state.user = processWord(ins.args, vars, inputs.escape).value + edited;
      break;
    case 'SHELL':
      if (ins.json) state.shell = edited ? [...ins.json, edited] : ins.json;
      break;
  }
}

export function expand(text: string, state: StageState, inputs: KeyInputs): string {
  return processWord(text, expansionVars(state), inputs.escape).value;
}

/** `ENV a=1 b=2` or legacy `ENV a 1`; LABEL the same; values expanded. */
export function nameValues(ins: Instruction, vars: ReadonlyMap<string, string>, escape: string): Array<[string, string]> {
  const words = splitKeepingQuotes(ins.args);
  if (words.length && !words[0].includes('=')) {
    const name = processWord(words[0], vars, escape).value;
    const rest = ins.args.slice(ins.args.indexOf(words[0]) + words[0].length).trim();
    return [[name, processWord(rest, vars, escape).value]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    return [processWord(w.slice(0, eq), vars, escape).value, processWord(w.slice(eq + 1), vars, escape).value];
  });
}

export function resolvePath(cwd: string, p: string): string {
  const joined = p.startsWith('/') ? p : `${cwd.replace(/\/+$/, '')}/${p}`;
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}
