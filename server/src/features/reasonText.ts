// The engine's step reasons in the editor's display language. The core (server/src/core/predict.ts, reasons.ts,
// cacheKeys.ts) writes its reasons in English: that text is the CLI's contract (`layerlens plan`, `--json`). Here,
// at the presentation layer, each reason is matched whole against the exact English templates below and rebuilt
// with the translated template; a reason that nests another one ("parent step rebuilds: line 4 COPY (<reason>)")
// has it translated too. Anything not matched stays English. test/server/features/reasonText.test.ts checks that
// every template has a Korean translation and that every reason the engine produces in its scenarios matches one.
import { englishT, type Translate } from '../core/explainTranslate';
import { LIMIT_MESSAGES } from '../core/limitMessages';

/**
 * What a placeholder may hold: any text, a number, file names (never "; "), another reason or another problem
 * message (PROBLEM_TEMPLATES; both translated too).
 */
type Slot = 'text' | 'num' | 'files' | 'reason' | 'problem';

export interface Template {
  message: string;
  slots: Slot[];
  pattern: RegExp;
}

const SLOT_PATTERN: Record<Slot, string> = { text: '(.+?)', num: '(\\d+)', files: '((?:(?!; ).)+?)', reason: '(.+)', problem: '(.+)' };

export function template(message: string, ...slots: Slot[]): Template {
  const source = message.split(/(\{\d+\})/).map((piece) => {
    const slot = /^\{(\d+)\}$/.exec(piece);
    return slot ? SLOT_PATTERN[slots[Number(slot[1])] ?? 'text'] : piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('');
  return { message, slots, pattern: new RegExp(`^${source}$`) };
}

/**
 * Every reason the engine writes, most specific first (the generic "{0} changed" of a file list comes last).
 * Placeholders follow the order of the arguments in the core's template literals.
 */
export const REASON_TEMPLATES: readonly Template[] = [
  // predict.ts: verdicts
  template('base image unchanged'),
  template('unchanged since a recorded build'),
  template('same content as a recorded build'),
  template('not built yet: no recorded build'),
  template('no recorded build of this Dockerfile has this step'),
  template('the last build stopped before this step finished'),
  template('empty base image: nothing to build'),
  template('not a build step'),
  template('global ARG: usable only in FROM lines unless a stage declares it again'),
  template('continues stage {0}'),
  template('stage {0} comes after the target stage; it is not built'),
  template('stage not needed by target {0}'),
  template('stage not needed by target'),
  template('same step as line {0} (stage {1}), which this build makes first', 'num', 'text'),
  template('same step as line {0} (stage {1}): BuildKit runs it once for both lines', 'num', 'text'),
  template('parent step rebuilds: line {0} {1} ({2})', 'num', 'text', 'reason'),
  template('parent step may rebuild: line {0} {1} ({2})', 'num', 'text', 'reason'),
  template("depends on stage {0}'s output (line {1} {2} rebuilds): cached only if the copied files come out identical", 'text', 'num'),
  template("depends on stage {0}'s output: cached only if the copied files come out identical"),
  template('cached only if line {0} RUN changes no files: BuildKit reuses a secret-mount step after a re-run step that left the filesystem as it was (cache-rules C24)', 'num'),
  template('line edited (simulated): base image changed'),
  template('base image changed: {0} (was {1})'),
  template('platform changed: {0} (was {1})'),
  template('the build fails: line {0} FROM --platform gives no valid platform (see the error on that line)', 'num'),
  template('base image {0} not in a recorded build'),
  template('metadata only: no rebuild by itself; its value is part of every later RUN key'),
  template('metadata only: no rebuild by itself; later RUN and WORKDIR keys include the user'),
  template('metadata only: no rebuild by itself; later shell-form RUN keys include the shell'),
  template('WORKDIR /: nothing to create, no build step'),
  template('metadata only: no rebuild'),
  // cacheKeys.ts: a remote ADD
  template('ADD of {0}: Docker checks the remote on every build'),
  // reasons.ts: what changed since the last recorded build
  template('new instruction: not in the last recorded build'),
  template('not built on top of this parent before'),
  template('source stage output changed'),
  template('source files changed'),
  template('ENV {0} added'),
  template('ENV {0} removed'),
  template('ENV {0} changed'),
  template('build arg {0} now has a value'),
  template('build arg {0} no longer has a value'),
  template('build arg {0} changed'),
  // reasons.ts PART_TEXT: one changed part of the instruction
  template('command changed'),
  template('SHELL changed'),
  template('ENV order changed'),
  template('WORKDIR changed'),
  template('USER changed'),
  template('--network changed'),
  template('--security changed'),
  template('--mount changed'),
  template('destination changed'),
  template('--chown changed'),
  template('--chmod changed'),
  template('--link changed'),
  template('--parents changed'),
  template('--exclude changed'),
  template('--checksum changed'),
  template('--unpack changed'),
  template('--keep-git-dir changed'),
  template('heredoc text changed'),
  template('source paths changed'),
  template('URL changed'),
  template('--from changed'),
  template('path changed'),
  template('SOURCE_DATE_EPOCH changed'),
  template('instruction changed'),
  template('build args changed'),
  template('line edited (simulated)'),
  // layerStack.ts: a line the plan has no step for
  template('not predicted'),
  // The lens's and the layer stack's short forms (the tail after ": cached only if" or " (line N ...)" cut off).
  template("depends on stage {0}'s output"),
  // documents.ts simulationLabel: what a simulation pretends ("src/app.js changed; line 4 edited").
  template('nothing changed'),
  template('line {0} edited', 'files'),
  template('lines {0} edited', 'files'),
  // reasons.ts: files, at most three named, joined with "; " (and the fallback for a part without a text).
  template('{0} and {1} more changed', 'files', 'num'),
  template('{0} and {1} more added', 'files', 'num'),
  template('{0} and {1} more removed', 'files', 'num'),
  template('{0} added', 'files'),
  template('{0} removed', 'files'),
  template('{0} changed', 'files'),
];

/** features/baseline.ts: what counts as built, said in the status bar's tooltip (the client translates it). */
export const BASELINE_TEMPLATES: readonly Template[] = [
  template('Builds recorded with "Mark Current State as Built" ({0}).'),
  template('No build recorded yet ({0}): run "Layer Lens: Mark Current State as Built".'),
  template('No build recorded for this Dockerfile, and no git HEAD to compare with: {0}.', 'problem'),
  template('This Dockerfile is not in git HEAD ({0}), so nothing was built from it there.'),
  template('The state at git HEAD ({0}), as if it had been built.'),
  template('No build recorded for this Dockerfile, and git HEAD is not read in Restricted Mode: trust the workspace to compare with it.'),
];

/**
 * The engine's plan diagnostics (core/parse.ts, stages.ts, cacheKeys.ts, context.ts): the ones a Dockerfile being
 * written meets most. Others (nested engine errors) stay English.
 */
export const DIAGNOSTIC_TEMPLATES: readonly Template[] = [
  template('Unknown instruction "{0}": Docker will refuse to build this file. Check the spelling (known: {1}).'),
  template('No FROM instruction: a Dockerfile must start a build stage with FROM (after optional ARGs). Add e.g. "FROM node:20".'),
  template('{0} before the first FROM: only ARG may come before FROM. Move it below a FROM line.'),
  template('Unterminated heredoc: no line "{0}" ends the text that starts here, so Docker will refuse this file. Add a line containing only {1}.'),
  template('Invalid stage name "{0}": use letters, digits, "-", "_" or "." and start with a letter.'),
  template('FROM needs an image, e.g. "FROM node:20".'),
  template('Stage {0} depends on itself through --from: Docker refuses circular stage dependencies.'),
  template('FROM --platform={0}: the classic builder has no automatic platform args, so ${1} is empty here and the build fails ("failed to parse platform"). Declare it before the first FROM with a value, e.g. "ARG {2}={3}", or build with BuildKit.'),
  template('FROM --platform={0} expands to an empty platform: the build fails ("failed to parse platform"). Give {1} a value: a global ARG with a default before the first FROM, or --build-arg.'),
  template('FROM --platform={0} expands to an empty platform: the build fails ("failed to parse platform"). Name a platform, e.g. --platform=linux/amd64.'),
  template('FROM --platform={0} gives "{1}", which is not a platform ({2}): the build fails. Use os/arch[/variant], e.g. linux/amd64 or linux/arm64.'),
  template('Target stage "{0}" is not in this Dockerfile (stage names: {1}). Name a stage with "FROM image AS {2}" or pick another --target.'),
  template('RUN --{0} requires BuildKit: the classic builder rejects it.'),
  template('Heredocs require BuildKit: the classic builder does not support them.'),
  template('{0} --{1} requires BuildKit: the classic builder does not support it.'),
  template('{0} needs at least one source and a destination, e.g. "{1} package.json /app/".'),
  template('COPY does not accept URLs; use ADD or RUN curl.'),
  template('{0}: not found in the build context (missing, or excluded by .dockerignore); BuildKit fails with "{1}": not found.'),
  template('{0}: file not found in build context or excluded by .dockerignore; the classic builder fails.'),
  template('{0}: forbidden path outside the build context; the classic builder fails (BuildKit would read it from inside the context).'),
  template('No source files were specified: {0} matches nothing in the context; the classic builder fails (BuildKit allows an empty wildcard).'),
];

/** core/layerStack.ts measure()'s size words, in the layer stack. */
export const SIZE_TEMPLATES: readonly Template[] = [
  template('{0} (recorded)'),
  template('metadata only'),
  template('the layers of stage {0}'),
  template('empty image'),
  template('image size unknown until built'),
  template('≈ {0} from {1} file', 'text', 'num'),
  template('≈ {0} from {1} files', 'text', 'num'),
  template('≈ 0 B (a folder)'),
  template('size unknown until built'),
];

/** core/limits.ts: text past a limit (one diagnostic, the lens, Mark as Built and Build Image say it). */
export const LIMIT_TEMPLATES: readonly Template[] = Object.values(LIMIT_MESSAGES).map((message) => template(message));

/**
 * Other messages the editor shows whole: in the lens and hover when a Dockerfile cannot be analysed, in Mark as
 * Built's and Build Image's notifications (storeFile.ts, features/record.ts, features/buildImage.ts), and the git
 * reasons nested in the status bar's baseline detail (gitBaseline.ts, gitRun.ts). Each matches the English text
 * those files write; placeholders of kind 'problem' are translated in turn (a file-system phrase, a git reason).
 */
export const PROBLEM_TEMPLATES: readonly Template[] = [
  ...LIMIT_TEMPLATES,
  // documents.ts, features/buildImage.ts
  template('Layer Lens could not analyse this file: {0}', 'problem'),
  template('A build is already running ({0}). Wait for it or cancel it.'),
  template('Layer Lens builds Dockerfiles saved on disk: save this file first.'),
  // features/record.ts, storeFile.ts: Mark Current State as Built
  template('The build was recorded for this session only: {0}', 'problem'),
  template('{0} Predictions start from an empty store.', 'problem'),
  template('The cache store {0} is read-only; nothing was recorded. Make it writable (chmod u+w) or pass --store with another file.'),
  template('The cache store {0} is being written by another Layer Lens (process {1}) and stayed locked. Try again; if no layerlens is running, delete {2}.', 'text', 'num'),
  template('The cache store {0} is being written by another Layer Lens and stayed locked. Try again; if no layerlens is running, delete {1}.'),
  template('Cannot write the cache store {0}: {1}. Nothing was recorded. Pass --store with a file in a folder you can write to.', 'text', 'problem'),
  template('The cache store {0} cannot be read: {1}. Check its permissions or pass --store with another file.', 'text', 'problem'),
  template('The cache store path {0} is a folder; pass --store with a file path or remove it.'),
  template('The cache store path {0} is a FIFO (named pipe), not a file; it was left untouched. Pass --store with a file path.'),
  template('The cache store path {0} is a socket, not a file; it was left untouched. Pass --store with a file path.'),
  template('The cache store path {0} is a device, not a file; it was left untouched. Pass --store with a file path.'),
  template('The cache store path {0} is not a regular file, not a file; it was left untouched. Pass --store with a file path.'),
  template('{0} is {1} MB, larger than any Layer Lens store; it was left untouched. Pass --store with another path.', 'text', 'num'),
  template('{0} is not a Layer Lens cache store; it was left untouched. Pass --store with another path.'),
  template('{0} is not a Layer Lens store this version can write ({1}); it was left untouched. Pass --store with another path.', 'text', 'problem'),
  template('The cache store {0} cannot be used: {1}. Predictions start from an empty store.', 'text', 'problem'),
  template('The unreadable store was kept as {0}.'),
  // core/store.ts: why a store file's text is not a store
  template('it is not valid JSON ({0})'),
  template('it is empty'),
  template('it is not a Layer Lens cache store (not JSON)'),
  template('it is not a Layer Lens cache store (no "format": "layer-lens-cache-store")'),
  template('it was written by a newer Layer Lens (store version {0}, this one reads {1})'),
  // safeWrite.ts fsProblem: a file-system failure in words, with its errno code
  template('permission denied ({0})'),
  template('the operation is not permitted ({0})'),
  template('the file system is read-only ({0})'),
  template('no space is left on the device ({0})'),
  template('the disk quota is exceeded ({0})'),
  template('a part of the path is a file, not a folder ({0})'),
  template('a file is in the way of a folder on the path ({0})'),
  template('it is a folder ({0})'),
  template('too many symlinks (a symlink loop?) ({0})'),
  template('the path is too long ({0})'),
  template('a folder on the path does not exist ({0})'),
  template('an input/output error ({0})'),
  template('it is busy ({0})'),
  template('too many files are open ({0})'),
  template('it is on another file system ({0})'),
  // gitBaseline.ts, gitRun.ts: why git HEAD is no baseline (inside "... no git HEAD to compare with: {0}.")
  template("git refuses to read the repository of {0}: it belongs to another user (see git's safe.directory setting)"),
  template('{0} is not in a git repository'),
  template('the git repository has no commit yet'),
  template('the build context {0} is not inside the git repository {1}'),
  template('1 file of git HEAD is not downloaded in this partial clone, and Layer Lens does not download anything'),
  template('{0} files of git HEAD are not downloaded in this partial clone, and Layer Lens does not download anything', 'num'),
  template('git is not installed (no git on PATH)'),
  template('git {0} did not finish within {1} s and was stopped'),
  template('git {0} printed more than {1} MiB'),
  template('git {0} failed: {1}'),
  template('git {0} failed ({1})'),
];

/** Every message this module translates through its templates (t is called with them, not with literals). */
export const TEMPLATE_MESSAGES: readonly string[] = [...REASON_TEMPLATES, ...BASELINE_TEMPLATES, ...SIZE_TEMPLATES, ...DIAGNOSTIC_TEMPLATES, ...PROBLEM_TEMPLATES].map((tpl) => tpl.message);

/**
 * A whole problem message (PROBLEM_TEMPLATES: a limit, the store, a build refusal, a git reason) in the display
 * language `t` stands for; unchanged when it is English or no template matches.
 */
export function translateProblem(message: string, t: Translate = englishT): string {
  if (t === englishT) return message;
  return matchTemplate(message, PROBLEM_TEMPLATES, t) ?? message;
}

const FILE_TEMPLATES = REASON_TEMPLATES.filter((t) => t.slots[0] === 'files');

/** The reason templates by their first word; those that start with a placeholder are tried for every reason. */
const firstWord = (text: string): string => /^[^\s{]*/.exec(text)?.[0] ?? '';
const BY_FIRST_WORD = new Map<string, Template[]>();
const OPEN_START: Template[] = [];
for (const tpl of REASON_TEMPLATES) {
  if (tpl.message.startsWith('{')) OPEN_START.push(tpl);
  else BY_FIRST_WORD.set(firstWord(tpl.message), [...(BY_FIRST_WORD.get(firstWord(tpl.message)) ?? []), tpl]);
}

/** The templates `reason` can match, in table order (specific ones before the open-start ones, as in the table). */
function candidates(reason: string): readonly Template[] {
  return [...(BY_FIRST_WORD.get(firstWord(reason)) ?? []), ...OPEN_START];
}

/** Remembered translations per `t` (lenses ask again on every refresh); dropped whole past MAX_REMEMBERED. */
const remembered = new WeakMap<Translate, Map<string, string>>();
const MAX_REMEMBERED = 10_000;

/** `reason` in the display language `t` stands for; English (unchanged) when no template matches. */
export function translateReason(reason: string, t: Translate = englishT): string {
  if (t === englishT) return reason;
  let memo = remembered.get(t);
  if (!memo) remembered.set(t, (memo = new Map()));
  let out = memo.get(reason);
  if (out === undefined) {
    if (memo.size >= MAX_REMEMBERED) memo.clear();
    memo.set(reason, (out = translateOnce(reason, t)));
  }
  return out;
}

function translateOnce(reason: string, t: Translate): string {
  const whole = matchTemplate(reason, candidates(reason), t);
  if (whole !== undefined) return whole;
  // "a.js changed; b.js added; c.js removed": each part alone, or nothing.
  const parts = reason.split('; ');
  if (parts.length > 1) {
    const translated = parts.map((p) => matchTemplate(p, FILE_TEMPLATES, t));
    if (translated.every((p) => p !== undefined)) return translated.join('; ');
  }
  return reason;
}

/** The first template `reason` matches whole, filled in with `t`; undefined when none does. */
export function matchTemplate(reason: string, templates: readonly Template[], t: Translate): string | undefined {
  for (const tpl of templates) {
    const m = tpl.pattern.exec(reason);
    if (!m) continue;
    const args = m.slice(1).map((value, i) => (tpl.slots[i] === 'reason' ? translateReason(value, t) : tpl.slots[i] === 'problem' ? translateProblem(value, t) : value));
    return t(tpl.message, ...args);
  }
  return undefined;
}
