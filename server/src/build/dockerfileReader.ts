// Which Dockerfile instruction each step a Docker engine reports belongs to. A small reader, independent of the
// core's parser on purpose (a bug there must not hide behind the same bug here): just enough to know each
// instruction's line, keyword and stage, and which instructions BuildKit counts in `[stage k/n]`.
// Shared by real builds (server/src/build) and the oracle tests (test/oracle).

export interface DfInstruction {
  line: number;
  keyword: string;
  /** Arguments, continuation lines joined (comment lines inside dropped), heredoc bodies not included. */
  args: string;
  /** -1 for global ARGs before the first FROM. */
  stage: number;
  /** Heredoc bodies (RUN/COPY/ADD `<<EOF`), when there are any: they are part of the step. */
  heredoc?: string;
}
export interface DfStage {
  index: number;
  /** Lower-cased `AS` name, or ''. */
  name: string;
  /** What FROM names (first word after flags), lower-cased. */
  base: string;
  instructions: DfInstruction[];
}
export interface DfFile {
  instructions: DfInstruction[];
  stages: DfStage[];
}

/**
 * `platform`: the build's `--platform` (`os/arch[/variant]`), which sets the TARGET* automatic args; the BUILD* ones
 * stay this machine's.
 */
export function readInstructions(text: string, platform?: string): DfFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  // Parser directives: leading `# key=value` lines before anything else.
  for (const l of lines) {
    const m = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(l);
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }
  const instructions: DfInstruction[] = [];
  const stages: DfStage[] = [];
  /** Defaults of the global ARGs (before the first FROM). */
  const globals = new Map<string, string>();
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const startLine = i + 1;
    let joined = '';
    let cur = raw;
    // continuation: line ends with the escape char (trailing whitespace allowed)
    for (;;) {
      const t = cur.replace(/\s+$/, '');
      if (t.endsWith(escape)) {
        joined += t.slice(0, -1);
        i++;
        // skip comment and empty lines inside a continuation
        while (i < lines.length && (lines[i].trim() === '' || lines[i].trim().startsWith('#'))) i++;
        if (i >= lines.length) break;
        cur = lines[i];
      } else {
        joined += cur;
        i++;
        break;
      }
    }
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(joined)!;
    const keyword = m[1].toUpperCase();
    const args = m[2];
    // heredocs (RUN/COPY/ADD): their bodies are not instructions
    const bodies: string[] = [];
    if (['RUN', 'COPY', 'ADD'].includes(keyword)) {
      const re = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
      let h: RegExpExecArray | null;
      while ((h = re.exec(args)) !== null) {
        const strip = h[1] === '-';
        const word = h[3];
        const from = i;
        while (i < lines.length) {
          const body = strip ? lines[i].replace(/^\t+/, '') : lines[i];
          i++;
          if (body === word) break;
        }
        bodies.push(lines.slice(from, i).join('\n'));
      }
    }
    if (keyword === 'ARG' && stages.length === 0) {
      for (const w of args.trim().split(/\s+/)) {
        const eq = w.indexOf('=');
        if (eq > 0) globals.set(w.slice(0, eq), w.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2'));
      }
    }
    if (keyword === 'FROM') {
      const words = args
        .trim()
        .split(/\s+/)
        .filter((w) => !w.startsWith('--'));
      const asIx = words.findIndex((w) => w.toLowerCase() === 'as');
      let base = (words[0] ?? '').toLowerCase();
      // `FROM go-${TARGETOS}` / `FROM ${BASE}` may name an earlier stage once global ARG defaults and BuildKit's
      // automatic platform ARGs are filled in (seen replaying fluxcd/source-controller and docker/compose)
      if (base.includes('$')) {
        const expanded = expandSimple(words[0] ?? '', globals, platform).toLowerCase();
        if (stages.some((st) => st.name !== '' && st.name === expanded)) base = expanded;
      }
      stages.push({ index: stages.length, name: asIx >= 0 ? (words[asIx + 1] ?? '').toLowerCase() : '', base, instructions: [] });
    }
    const ins: DfInstruction = { line: startLine, keyword, args, stage: stages.length - 1, ...(bodies.length ? { heredoc: bodies.join('\n') } : {}) };
    instructions.push(ins);
    if (stages.length) stages[stages.length - 1].instructions.push(ins);
  }
  return { instructions, stages };
}

/** BuildKit's automatic platform ARGs for a build on this machine, targeting `platform` when given. */
function automaticArgs(platform?: string): Map<string, string> {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  const os = 'linux';
  const [tOs = os, tArch = arch, tVariant = ''] = platform ? platform.toLowerCase().split('/') : [];
  const target = [tOs, tArch, tVariant].filter(Boolean).join('/');
  return new Map([
    ['TARGETOS', tOs],
    ['TARGETARCH', tArch],
    ['TARGETPLATFORM', target],
    ['TARGETVARIANT', tVariant],
    ['BUILDOS', os],
    ['BUILDARCH', arch],
    ['BUILDPLATFORM', `${os}/${arch}`],
    ['BUILDVARIANT', ''],
  ]);
}

/** `$NAME` and `${NAME}` from global ARG defaults, then automatic platform ARGs; anything else is left as it is. */
function expandSimple(word: string, globals: Map<string, string>, platform?: string): string {
  const auto = automaticArgs(platform);
  return word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a?: string, b?: string) => {
    const name = (a ?? b) as string;
    return globals.get(name) ?? auto.get(name) ?? m;
  });
}

/** Stage index a name or index string refers to, or -1. */
export function stageRef(df: DfFile, ref: string): number {
  const r = ref.toLowerCase();
  const named = df.stages.findIndex((s) => s.name === r);
  if (named >= 0) return named;
  return /^\d+$/.test(r) && Number(r) < df.stages.length ? Number(r) : -1;
}

/** The stage a stage continues (`FROM <earlier stage>`), or -1 when it starts from an image. */
export function parentStage(df: DfFile, stageIx: number): number {
  const base = df.stages[stageIx]?.base;
  return df.stages.findIndex((st, i) => i < stageIx && (st.name === base || String(i) === base));
}

/** BuildKit: instructions of a stage that count in `[k/n]`: {ops (vertices, in order), total n}. */
export function buildkitOps(df: DfFile, stageIx: number): { ops: DfInstruction[]; total: number } {
  const st = df.stages[stageIx];
  const ops: DfInstruction[] = [];
  let total = 0;
  for (const ins of st.instructions) {
    switch (ins.keyword) {
      case 'FROM': {
        const fromStage = stageRef(df, st.base);
        if (st.base !== 'scratch' && !(fromStage >= 0 && fromStage < stageIx)) {
          ops.push(ins);
          total++;
        }
        break;
      }
      case 'RUN':
      case 'COPY':
      case 'ADD':
        ops.push(ins);
        total++;
        break;
      case 'WORKDIR':
        total++;
        if (ins.args.trim() !== '/') ops.push(ins);
        break;
      default:
        break;
    }
  }
  return { ops, total };
}

/** Stages a stage needs built first: the stage it continues, `--from=` of COPY/ADD and of RUN mounts. */
export function stageDeps(df: DfFile, stageIx: number): number[] {
  const deps = new Set<number>();
  const parent = parentStage(df, stageIx);
  if (parent >= 0) deps.add(parent);
  for (const ins of df.stages[stageIx]?.instructions ?? []) {
    const refs: string[] = [];
    if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
      const m = /(?:^|\s)--from=(\S+)/.exec(ins.args);
      if (m) refs.push(m[1]);
    } else if (ins.keyword === 'RUN') {
      for (const m of ins.args.matchAll(/--mount=(\S+)/g)) {
        const from = /(?:^|,)from=([^,\s]+)/.exec(m[1]);
        if (from) refs.push(from[1]);
      }
    }
    for (const r of refs) {
      const ix = stageRef(df, r.replace(/^["']|["']$/g, ''));
      if (ix >= 0 && ix !== stageIx) deps.add(ix);
    }
  }
  return [...deps];
}

/** BuildKit: the stages a build of `target` (a name or index; default the last stage) builds (cache-rules R23). */
export function builtStages(df: DfFile, target?: string): Set<number> {
  const t = target !== undefined ? stageRef(df, target) : df.stages.length - 1;
  const out = new Set<number>();
  const visit = (i: number): void => {
    if (i < 0 || out.has(i)) return;
    out.add(i);
    for (const d of stageDeps(df, i)) visit(d);
  };
  visit(t);
  return out;
}

/** Instructions that leave BuildKit's ops as they are (image config only, cache-rules R1, R14). */
const CONFIG_ONLY = new Set(['LABEL', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'MAINTAINER', 'ONBUILD']);

/**
 * BuildKit runs identical operations once per build (same LLB digest): two stages that start from the same image
 * (or the same stage) and repeat the same steps share one vertex for each of them, reported once, under one of
 * the stages' names (seen on Engine 26.1.5 / BuildKit v0.13: `[b 2/5] WORKDIR /app` stood for the same WORKDIR in
 * stages a and b). For every op of the stages built, the ops of other built stages that are the same operation by
 * the text of everything they are built on: the same base and the same instructions (RUN, COPY, ADD, WORKDIR, ENV,
 * ARG, USER, SHELL; heredoc bodies included) from FROM up to them. Text-identical is enough for the same digest;
 * it is not necessary (e.g. a LABEL only in one stage, `--from=0` vs `--from=a`), so some merged steps may still
 * go unreported.
 */
export function buildkitTwins(df: DfFile, target?: string): Map<number, DfInstruction[]> {
  const built = builtStages(df, target);
  const chainText = new Map<number, string>();
  const bySignature = new Map<string, DfInstruction[]>();
  const squashed = (t: string) => t.replace(/\s+/g, ' ').trim();
  const stepText = (ins: DfInstruction) => `\n${ins.keyword} ${squashed(ins.args)}${ins.heredoc !== undefined ? `\n${ins.heredoc}` : ''}`;
  const counts = (ins: DfInstruction) => ins.keyword !== 'FROM' && !CONFIG_ONLY.has(ins.keyword);
  // What a stage starts from: the text of the stage it continues (always an earlier one), or its FROM line.
  const startText = (ix: number): string => {
    const parent = parentStage(df, ix);
    return parent >= 0 ? endText(parent) : `FROM ${squashed(df.stages[ix].instructions[0]?.args ?? '').replace(/\s+as\s+\S+$/i, '')}`;
  };
  const endText = (ix: number): string => {
    let text = chainText.get(ix);
    if (text === undefined) {
      text = startText(ix) + df.stages[ix].instructions.filter(counts).map(stepText).join('');
      chainText.set(ix, text);
    }
    return text;
  };
  for (const ix of [...built].sort((a, b) => a - b)) {
    let text = startText(ix);
    const ops = new Set(buildkitOps(df, ix).ops);
    for (const ins of df.stages[ix].instructions) {
      if (counts(ins)) text += stepText(ins);
      if (!ops.has(ins)) continue;
      const list = bySignature.get(text) ?? [];
      list.push(ins);
      bySignature.set(text, list);
    }
  }
  const twins = new Map<number, DfInstruction[]>();
  for (const list of bySignature.values()) {
    if (list.length < 2) continue;
    for (const ins of list)
      twins.set(
        ins.line,
        list.filter((o) => o !== ins),
      );
  }
  return twins;
}
