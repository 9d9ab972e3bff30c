// Messages other than step reasons, in the editor's display language: the status bar's baseline detail, the plan
// diagnostics, the layer stack's size words and the problems (limits, the store, git) that other modules write as
// English text. Each is matched whole against the exact English templates below and rebuilt with the translated
// template; anything not matched stays English. Step reasons and simulations are values (core/plan/reason.ts) and are
// rendered, never matched here.
import { englishT, type Translate } from '../core/shared/translate';
import { LIMIT_MESSAGES } from '../core/dockerfile/limitMessages';

/** What a placeholder may hold: any text, a number, file names (never "; ") or another problem message (translated too). */
type Slot = 'text' | 'num' | 'files' | 'problem';

export interface Template {
  message: string;
  slots: Slot[];
  pattern: RegExp;
}

const SLOT_PATTERN: Record<Slot, string> = { text: '(.+?)', num: '(\\d+)', files: '((?:(?!; ).)+?)', problem: '(.+)' };

export function template(message: string, ...slots: Slot[]): Template {
  const source = message
    .split(/(\{\d+\})/)
    .map((piece) => {
      const slot = /^\{(\d+)\}$/.exec(piece);
      return slot ? SLOT_PATTERN[slots[Number(slot[1])] ?? 'text'] : piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { message, slots, pattern: new RegExp(`^${source}$`) };
}

/** document/baseline.ts: what counts as built, said in the status bar's tooltip (the client translates it). */
export const BASELINE_TEMPLATES: readonly Template[] = [
  template('Builds recorded with "Mark Current State as Built" ({0}).'),
  template('No build recorded yet ({0}): run "Layer Lens: Mark Current State as Built".'),
  template('No build recorded for this Dockerfile, and no git HEAD to compare with: {0}.', 'problem'),
  template('This Dockerfile is not in git HEAD ({0}), so nothing was built from it there.'),
  template('The state at git HEAD ({0}), as if it had been built.'),
  template('No build recorded for this Dockerfile, and git HEAD is not read in Restricted Mode: trust the workspace to compare with it.'),
];

/**
 * The engine's plan diagnostics (core/dockerfile/parse.ts, stages.ts, cacheKeys.ts, context.ts): the ones a Dockerfile being
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
  template(
    'FROM --platform={0}: the classic builder has no automatic platform args, so ${1} is empty here and the build fails ("failed to parse platform"). Declare it before the first FROM with a value, e.g. "ARG {2}={3}", or build with BuildKit.',
  ),
  template(
    'FROM --platform={0} expands to an empty platform: the build fails ("failed to parse platform"). Give {1} a value: a global ARG with a default before the first FROM, or --build-arg.',
  ),
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

/** core/stack/layerStack.ts measure()'s size words, in the layer stack. */
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

/** core/dockerfile/limits.ts: text past a limit (one diagnostic, the lens, Mark as Built and Build Image say it). */
export const LIMIT_TEMPLATES: readonly Template[] = Object.values(LIMIT_MESSAGES).map((message) => template(message));

/**
 * Other messages the editor shows whole: in the lens and hover when a Dockerfile cannot be analysed, in Mark as
 * Built's and Build Image's notifications (storeFile.ts, store/record.ts, features/buildImage.ts), and the git
 * reasons nested in the status bar's baseline detail (gitBaseline.ts, gitRun.ts). Each matches the English text
 * those files write; placeholders of kind 'problem' are translated in turn (a file-system phrase, a git reason).
 */
export const PROBLEM_TEMPLATES: readonly Template[] = [
  ...LIMIT_TEMPLATES,
  // documents.ts, features/buildImage.ts
  template('Layer Lens could not analyse this file: {0}', 'problem'),
  template('A build is already running ({0}). Wait for it or cancel it.'),
  template('Layer Lens builds Dockerfiles saved on disk: save this file first.'),
  // store/record.ts, storeFile.ts: Mark Current State as Built
  template('The build was recorded for this session only: {0}', 'problem'),
  template('{0} Predictions start from an empty store.', 'problem'),
  template('The cache store {0} is read-only; nothing was recorded. Make it writable (chmod u+w) or pass --store with another file.'),
  template(
    'The cache store {0} is being written by another Layer Lens (process {1}) and stayed locked. Try again; if no layerlens is running, delete {2}.',
    'text',
    'num',
  ),
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
  // core/plan/store.ts: why a store file's text is not a store
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
export const TEMPLATE_MESSAGES: readonly string[] = [...BASELINE_TEMPLATES, ...SIZE_TEMPLATES, ...DIAGNOSTIC_TEMPLATES, ...PROBLEM_TEMPLATES].map(
  (tpl) => tpl.message,
);

/**
 * A whole problem message (PROBLEM_TEMPLATES: a limit, the store, a build refusal, a git reason) in the display
 * language `t` stands for; unchanged when it is English or no template matches.
 */
export function translateProblem(message: string, t: Translate = englishT): string {
  if (t === englishT) return message;
  return matchTemplate(message, PROBLEM_TEMPLATES, t) ?? message;
}

/** The first template `message` matches whole, filled in with `t`; undefined when none does. */
export function matchTemplate(message: string, templates: readonly Template[], t: Translate): string | undefined {
  for (const tpl of templates) {
    const m = tpl.pattern.exec(message);
    if (!m) continue;
    const args = m.slice(1).map((value, i) => (tpl.slots[i] === 'problem' ? translateProblem(value, t) : value));
    return t(tpl.message, ...args);
  }
  return undefined;
}
