// `layerlens check` and `layerlens fix`: the diagnostics and quick fixes of the editor, from a shell
// and in CI. A thin adapter over core/advise/: read the Dockerfile and the context, advise, print
// (text, JSON or SARIF), and for `fix` write the result atomically.
//
// check exits 1 when a finding is at least as severe as --fail-on (default: warning), 0 otherwise,
// like linters CI jobs already run (eslint, hadolint): a red build means "look at the findings".
// Information and hints never fail a build unless asked. 2 means a usage error or an input that
// cannot be read, so it is never mistaken for findings.
import { linkSync, lstatSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCommandLine, UsageError, usageExit } from './cliArgs';
import pc from 'picocolors';
import { InputError, openProject, type Project } from './diskProject';
import { adviseContextOf } from './adviseContext';
import { readDockerfileBytes } from './dockerfileFile';
import { cleanStaleTemps, errnoOf, fsProblem, removeQuietly, replaceAtomically, resolveLink, tempPathFor, writeNew } from './safeWrite';
import { renderMessage } from './core/shared/message';
import { advise } from './core/advise/advise';
import { fixAll } from './core/advise/apply';
import { unifiedDiff } from './core/advise/diff';
import { toSarif } from './core/advise/sarif';
import { ADVICE_CODES, type Advice, type AdviceCode, type AdviceSeverity } from './core/advise/types';
import { LimitError, limitText, parseWithinLimits } from './core/dockerfile/limits';
import type { ParsedDockerfile } from './core/dockerfile/parse';
import type { Builder } from './core/shared/types';
import { version as toolVersion } from '../../package.json';

const CHECK_USAGE = `Usage: layerlens check [DOCKERFILE] [options]   report cache problems, with the fixes available

Options:
  --context DIR          build context (default: the Dockerfile's folder)
  --format FORMAT        text (default), json or sarif (SARIF 2.1.0, for code scanning)
  --rule CODE            only this rule (repeatable): ${ADVICE_CODES.join(', ')}
  --fail-on LEVEL        exit 1 when a finding is at least: error, warning (default), info, hint, or none
  --builder NAME         buildkit (default) or classic
  -h, --help             this text

Exit codes: 0 no finding at the --fail-on level, 1 findings, 2 usage error or unreadable input.`;

const FIX_USAGE = `Usage: layerlens fix [DOCKERFILE] [options]   apply the quick fixes to the Dockerfile

Options:
  --context DIR          build context (default: the Dockerfile's folder)
  --rule CODE            only fixes of this rule (repeatable): ${ADVICE_CODES.join(', ')}
  --dry-run              show the changes, write nothing
  --builder NAME         buildkit (default) or classic
  -h, --help             this text

The Dockerfile is replaced atomically, and only if it still holds the text that was fixed; new files
(.dockerignore) are created only where none exists. Exit codes: 0 done (or nothing to fix), 1 refused
to write, 2 usage error or unreadable input.`;

const RANK: Record<AdviceSeverity | 'none', number> = { error: 4, warning: 3, info: 2, hint: 1, none: 99 };

interface Common {
  dockerfile: string;
  context?: string;
  builder: Builder;
  rules?: AdviceCode[];
}

function common(values: { context?: string; builder?: string; rule?: string[] }, positionals: string[]): Common {
  if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}": give at most one Dockerfile.`);
  const builder = values.builder ?? 'buildkit';
  if (builder !== 'buildkit' && builder !== 'classic') throw new UsageError(`--builder must be buildkit or classic, not "${builder}".`);
  const unknown = (values.rule ?? []).find((r) => !(ADVICE_CODES as readonly string[]).includes(r));
  if (unknown) throw new UsageError(`Unknown rule "${unknown}". Rules: ${ADVICE_CODES.join(', ')}.`);
  return {
    dockerfile: positionals[0] ?? 'Dockerfile',
    ...(values.context ? { context: values.context } : {}),
    builder,
    ...(values.rule?.length ? { rules: values.rule as AdviceCode[] } : {}),
  };
}

function shownPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

function run(usage: string, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (e instanceof UsageError) return usageExit(e.message, usage);
    if (e instanceof InputError) {
      process.stderr.write(`layerlens: ${e.message}\n`);
      return 2;
    }
    if (e instanceof LimitError) {
      // Text past a limit of core/dockerfile/limits.ts: its message, exit 1 (as the other commands).
      process.stderr.write(`layerlens: ${limitText({ line: e.line ?? 1, message: e.message })}\n`);
      return 1;
    }
    throw e;
  }
}

export function runCheck(argv: string[]): number {
  return run(CHECK_USAGE, () => {
    const parsed = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: {
        context: { type: 'string' },
        format: { type: 'string' },
        rule: { type: 'string', multiple: true },
        'fail-on': { type: 'string' },
        builder: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(CHECK_USAGE + '\n');
      return 0;
    }
    const opts = common(values, positionals);
    const format = values.format ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not "${format}".`);
    const failOn = (values['fail-on'] ?? 'warning') as AdviceSeverity | 'none';
    if (!(failOn in RANK)) throw new UsageError(`--fail-on must be error, warning, info, hint or none, not "${failOn}".`);
    const project = openProject({ dockerfile: opts.dockerfile, ...(opts.context ? { context: opts.context } : {}), builder: opts.builder, buildArgs: {} });
    const dockerfile = withinLimits(project.text);
    for (const p of project.problems) process.stderr.write(`layerlens: ${p}\n`);
    const findings = advise({
      text: project.text,
      parsed: dockerfile,
      builder: opts.builder,
      context: adviseContextOf(project),
      fileName: project.options.dockerfilePath,
      ...(opts.rules ? { rules: opts.rules } : {}),
    });
    const name = shownPath(project.dockerfileAbs);
    if (format === 'json') process.stdout.write(JSON.stringify({ dockerfile: name, findings }, null, 2) + '\n');
    else if (format === 'sarif') process.stdout.write(JSON.stringify(sarifOf(project, findings), null, 2) + '\n');
    else process.stdout.write(textReport(name, findings));
    return findings.some((f) => RANK[f.severity] >= RANK[failOn]) ? 1 : 0;
  });
}

function sarifOf(project: Project, findings: Advice[]): object {
  const cwd = process.cwd();
  const inside = (abs: string) => !relative(cwd, abs).startsWith('..') && !isAbsolute(relative(cwd, abs));
  const uri = (abs: string) => (inside(abs) ? relative(cwd, abs).split(sep).join('/') : pathToFileURL(abs).href);
  return toSarif(findings, {
    dockerfileUri: uri(project.dockerfileAbs),
    contextUri: uri(project.contextDir),
    srcRoot: pathToFileURL(cwd + sep).href,
    toolVersion,
  });
}

function textReport(name: string, findings: Advice[]): string {
  const color = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const paint: Record<AdviceSeverity, (s: string) => string> = { error: color.red, warning: color.yellow, info: color.cyan, hint: color.dim };
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${name}:${f.line}: ${paint[f.severity](f.severity)} ${f.message} ${color.dim(`[${f.code}]`)}`);
    for (const fix of f.fixes) out.push(`    ${color.green('fix')}: ${fix.title}`);
  }
  const count = (s: AdviceSeverity) => findings.filter((f) => f.severity === s).length;
  const parts = (['error', 'warning', 'info', 'hint'] as const)
    .filter((s) => count(s))
    .map((s) => `${count(s)} ${s}${count(s) === 1 ? '' : s === 'info' ? '' : 's'}`);
  const fixable = findings.filter((f) => f.fixes.length).length;
  if (!findings.length) out.push(`${name}: no findings.`);
  else out.push('', `${parts.join(', ')}${fixable ? `; ${fixable} can be fixed with: layerlens fix ${name}` : ''}.`);
  return out.join('\n') + '\n';
}

export function runFix(argv: string[]): number {
  return run(FIX_USAGE, () => {
    const parsed = parseCommandLine({
      args: argv,
      allowPositionals: true,
      options: {
        context: { type: 'string' },
        rule: { type: 'string', multiple: true },
        'dry-run': { type: 'boolean' },
        builder: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(FIX_USAGE + '\n');
      return 0;
    }
    const opts = common(values, positionals);
    const abs = resolve(opts.dockerfile);
    const original = readBytes(abs);
    const text = original.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(original)) {
      process.stderr.write(`layerlens: ${abs} is not valid UTF-8; it was left untouched.\n`);
      return 1;
    }
    withinLimits(text);
    const project = openProject({ dockerfile: abs, ...(opts.context ? { context: opts.context } : {}), builder: opts.builder, buildArgs: {}, text });
    const result = fixAll({ text, builder: opts.builder, context: adviseContextOf(project) }, opts.rules ? { rules: opts.rules } : {});
    const name = shownPath(abs);
    const diff = unifiedDiff(text, result.text, `a/${name}`, `b/${name}`);
    const out: string[] = [];
    if (diff) out.push(diff.trimEnd());
    for (const f of result.createFiles) {
      out.push(unifiedDiff('', f.text, '/dev/null', `b/${shownPath(join(project.contextDir, f.path))}`).trimEnd());
    }
    for (const a of result.applied) out.push(`fixed [${a.code}] ${a.title}`);
    const left = result.remaining.filter((a) => !opts.rules || opts.rules.includes(a.code));
    for (const a of left) out.push(`left  [${a.code}] line ${a.line}: ${a.fixes.length ? a.fixes[0].title : 'no automatic fix'}`);
    if (!result.applied.length) out.push(`${name}: nothing to fix.`);
    if (values['dry-run']) {
      out.push('Dry run: nothing was written.');
      process.stdout.write(out.join('\n') + '\n');
      return 0;
    }
    process.stdout.write(out.join('\n') + '\n');
    if (!result.applied.length) return 0;
    return writeResults(
      abs,
      original,
      result.text,
      result.createFiles.map((f) => ({ abs: join(project.contextDir, ...f.path.split('/')), text: f.text })),
    );
  });
}

/** The parsed text; a LimitError past a limit of core/dockerfile/limits.ts. */
function withinLimits(text: string): ParsedDockerfile {
  const { parsed, limit } = parseWithinLimits(text);
  if (limit) throw new LimitError(limit.text, limit.line);
  return parsed;
}

function readBytes(abs: string): Buffer {
  return readDockerfileBytes(abs);
}

/**
 * Writes the fix. The Dockerfile may be a symlink: the file it points to is fixed and the link kept. Its temporary
 * file is in the real file's folder (rename is atomic only within one file system), lives for one write, and one
 * left by a killed run is removed here next time (safeWrite.ts). Refuses, writing nothing, when the Dockerfile is
 * read-only, was edited meanwhile, or a file to create is already there in any form (a symlink is never written
 * through). Returns the exit code; every failure is one line that says what to do.
 */
export function writeResults(dockerfile: string, original: Buffer, text: string, files: Array<{ abs: string; text: string }>): number {
  const fail = (message: string): number => {
    process.stderr.write(`layerlens: ${message}\n`);
    return 1;
  };
  let target: string;
  let st: Stats;
  try {
    target = resolveLink(dockerfile);
    st = statSync(target);
  } catch (e) {
    return fail(`Cannot write ${dockerfile}: ${renderMessage(fsProblem(e))}; nothing was written.`);
  }
  // The mode bits, not access(): root may write anything, and a read-only file says "do not change me".
  if ((st.mode & 0o222) === 0) return fail(`${dockerfile} is read-only; nothing was written. Make it writable (chmod u+w) to fix it.`);
  for (const f of files) {
    const there = entryKind(f.abs);
    if (there === 'file') return fail(`${f.abs} exists now; nothing was written. Run layerlens fix again.`);
    if (there)
      return fail(
        `${f.abs} is ${there}, not a regular file; nothing was written (a fix never writes through a link or into a folder). Remove or rename it, then run layerlens fix again.`,
      );
  }
  try {
    const replaced = replaceAtomically(target, text, st, () => readFileSync(target).equals(original));
    if (!replaced) return fail(`${dockerfile} changed while it was being fixed; it was left as it is. Run layerlens fix again.`);
  } catch (e) {
    return fail(`Cannot write ${dockerfile}: ${renderMessage(fsProblem(e))}; nothing was written. Check that you can write to ${dirname(target)}.`);
  }
  for (const f of files) {
    try {
      createFile(f.abs, f.text);
    } catch (e) {
      const why = errnoOf(e) === 'EEXIST' ? 'it appeared meanwhile and was left as it is' : renderMessage(fsProblem(e));
      return fail(`Could not create ${f.abs} (${why}); the Dockerfile was fixed. Check that you can write to ${dirname(f.abs)}, then run layerlens fix again.`);
    }
  }
  return 0;
}

/** What is at `path` without following a symlink: undefined when nothing. */
function entryKind(path: string): 'file' | 'a folder' | 'a symlink' | 'a special file' | undefined {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return undefined;
  }
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'a folder';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'a special file';
}

/**
 * Creates a file that must not exist, complete or not at all: written to a temporary file, then hard-linked to its
 * name (link() fails when the name exists, a symlink included, so nothing is overwritten or written through).
 */
function createFile(abs: string, data: string): void {
  cleanStaleTemps(dirname(abs), basename(abs));
  const tmp = tempPathFor(abs);
  writeNew(tmp, data);
  try {
    linkSync(tmp, abs);
  } catch (e) {
    // A file system without hard links: create the name exclusively instead (still never overwritten).
    if (errnoOf(e) === 'EPERM' || errnoOf(e) === 'ENOTSUP' || errnoOf(e) === 'EOPNOTSUPP') writeNew(abs, data);
    else throw e;
  } finally {
    removeQuietly(tmp);
  }
}
