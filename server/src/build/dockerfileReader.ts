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
}
export interface DfStage {
  index: number;
  /** Lower-cased `AS` name, or ''. */
  name: string;
  /** What FROM names (first word after flags), lower-cased. */
  base: string;
  instructions: DfInstruction[];
}
export interface DfFile { instructions: DfInstruction[]; stages: DfStage[] }

export function readInstructions(text: string): DfFile {
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
    if (trimmed === '' || trimmed.startsWith('#')) { i++; continue; }
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
    // heredocs (RUN/COPY/ADD): skip their bodies
    if (['RUN', 'COPY', 'ADD'].includes(keyword)) {
      const re = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
      let h: RegExpExecArray | null;
      while ((h = re.exec(args)) !== null) {
        const strip = h[1] === '-';
        const word = h[3];
        while (i < lines.length) {
          const body = strip ? lines[i].replace(/^\t+/, '') : lines[i];
          i++;
          if (body === word) break;
        }
      }
    }
    if (keyword === 'ARG' && stages.length === 0) {
      for (const w of args.trim().split(/\s+/)) {
        const eq = w.indexOf('=');
        if (eq > 0) globals.set(w.slice(0, eq), w.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2'));
      }
    }
    if (keyword === 'FROM') {
      const words = args.trim().split(/\s+/).filter((w) => !w.startsWith('--'));
      const asIx = words.findIndex((w) => w.toLowerCase() === 'as');
      let base = (words[0] ?? '').toLowerCase();
      // `FROM go-${TARGETOS}` / `FROM ${BASE}` may name an earlier stage once global ARG defaults and BuildKit's
      // automatic platform ARGs are filled in (seen replaying fluxcd/source-controller and docker/compose)
      if (base.includes('$')) {
        const expanded = expandSimple(words[0] ?? '', globals).toLowerCase();
        if (stages.some((st) => st.name !== '' && st.name === expanded)) base = expanded;
      }
      stages.push({ index: stages.length, name: asIx >= 0 ? (words[asIx + 1] ?? '').toLowerCase() : '', base, instructions: [] });
    }
    const ins: DfInstruction = { line: startLine, keyword, args, stage: stages.length - 1 };
    instructions.push(ins);
    if (stages.length) stages[stages.length - 1].instructions.push(ins);
  }
  return { instructions, stages };
}

/** BuildKit's automatic platform ARGs for a build on this machine (no --platform). */
function automaticArgs(): Map<string, string> {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  const os = 'linux';
  return new Map([['TARGETOS', os], ['TARGETARCH', arch], ['TARGETPLATFORM', `${os}/${arch}`], ['TARGETVARIANT', ''],
    ['BUILDOS', os], ['BUILDARCH', arch], ['BUILDPLATFORM', `${os}/${arch}`], ['BUILDVARIANT', '']]);
}

/** `$NAME` and `${NAME}` from global ARG defaults, then automatic platform ARGs; anything else is left as it is. */
function expandSimple(word: string, globals: Map<string, string>): string {
  const auto = automaticArgs();
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
        if (st.base !== 'scratch' && !(fromStage >= 0 && fromStage < stageIx)) { ops.push(ins); total++; }
        break;
      }
      case 'RUN': case 'COPY': case 'ADD':
        ops.push(ins); total++;
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

