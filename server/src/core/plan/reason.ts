// A step's reason as a value: a code and its arguments (files, line, keyword, stage, variable, a nested cause).
// The engine (predict.ts, reasons.ts, cacheKeys.ts) builds these values; renderReason() turns one into text with a
// `Translate`: englishT for the CLI (its text and `--json`'s `reason` are this rendering), the editor's l10n `t` for
// its display language (the translations are keyed by the English messages below, in l10n/bundle.l10n.*.json).
// Nothing parses the text back: every consumer keeps the value (StepPrediction.cause).
import { englishT, type Translate } from '../shared/translate';

/** At most three file names shown, the rest counted. */
export interface FileList {
  files: string[];
  more: number;
}

export type FileVerb = 'changed' | 'added' | 'removed';

export type Reason =
  | { code: 'baseUnchanged' | 'unchangedSinceRecorded' | 'sameContentAsRecorded' | 'notBuiltYet' | 'noRecordedStep' | 'lastBuildStopped' }
  | { code: 'emptyBase' | 'notABuildStep' | 'globalArg' | 'editedBaseChanged' }
  | { code: 'metaEnv' | 'metaUser' | 'metaShell' | 'workdirRoot' | 'metaOnly' }
  | { code: 'newInstruction' | 'notOnThisParent' | 'sourceStageChanged' | 'sourceFilesChanged' | 'notPredicted' }
  | { code: 'continuesStage' | 'afterTarget'; stage: string }
  /** `stage` is the target's label; absent when the target has none. */
  | { code: 'notNeededByTarget'; stage?: string }
  | { code: 'sameStepFirst' | 'sameStepOnce'; line: number; stage: string }
  | { code: 'parentRebuilds' | 'parentMayRebuild'; line: number; keyword: string; cause: Reason }
  /** `line`/`keyword`: the step of that stage that rebuilds, when one does. */
  | { code: 'dependsOnStage'; stage: string; line?: number; keyword?: string }
  | { code: 'secretAfterRerun'; line: number }
  /** A build read from Docker's history: `path` changed after it started, at `time` (`14:02`). */
  | { code: 'changedAfterBuild'; path: string; time: string }
  | { code: 'baseImageChanged' | 'platformChanged'; value: string; was: string }
  | { code: 'buildFails'; line: number }
  | { code: 'baseNotRecorded'; image: string }
  | { code: 'remoteAdd'; url: string }
  /** A named context the plan does not judge: a remote one, another build's output, a folder not read (cache-rules R27). */
  | { code: 'namedContextNotPlanned'; name: string; value: string; why: 'remote' | 'build' | 'unread' }
  /** FROM a named context that is a folder: BuildKit runs the steps on top of it again at every build (R27). */
  | { code: 'fromNamedFolder'; name: string }
  /** A named context that is another build's output, planned too (R27): all of it is cached. */
  | { code: 'namedContextBuildCached'; name: string; value: string }
  /**
   * The same, when a step of it rebuilds (or may): `line`/`keyword`/`file` are that step's. `copy`: the step reads
   * its files by content, so it is cached only if they come out identical.
   */
  | { code: 'namedContextBuildChanged'; name: string; value: string; status: 'rebuilds' | 'maybe'; line: number; keyword: string; file: string; copy?: true }
  /** A stage whose name a named context takes (R27): BuildKit does not build it. */
  | { code: 'replacedByNamedContext'; stage: string }
  | { code: 'envAdded' | 'envRemoved' | 'envChanged' | 'argSet' | 'argUnset' | 'argChanged'; variable: string }
  /** One part of the instruction's key (core/plan/reasons.ts): `part` is its name there (cmd, cwd, mounts, ...). */
  | { code: 'partChanged'; part: string }
  /** Files a step reads, compared with the last recorded build: changed, then added, then removed. */
  | { code: 'filesChanged'; changed?: FileList; added?: FileList; removed?: FileList }
  /** Build args whose value is unknown here (a discovered configuration), each with why. */
  | { code: 'unknownBuildArgs'; args: Array<{ name: string; why: string }> }
  /** What a simulation pretends: files changed and lines edited. */
  | { code: 'simulation'; files?: FileList; lines?: number[] };

export type ReasonCode = Reason['code'];

/**
 * The English message of each code with placeholders ({0}, ...): the CLI's text and the key of every translation.
 * Codes whose text depends on an argument (a part name, a file verb, a target label) have one message per case.
 */
export const REASON_MESSAGES = {
  baseUnchanged: 'base image unchanged',
  unchangedSinceRecorded: 'unchanged since a recorded build',
  sameContentAsRecorded: 'same content as a recorded build',
  notBuiltYet: 'not built yet: no recorded build',
  noRecordedStep: 'no recorded build of this Dockerfile has this step',
  lastBuildStopped: 'the last build stopped before this step finished',
  changedAfterBuild: '{0} changed after the last build at {1}',
  emptyBase: 'empty base image: nothing to build',
  notABuildStep: 'not a build step',
  globalArg: 'global ARG: usable only in FROM lines unless a stage declares it again',
  continuesStage: 'continues stage {0}',
  afterTarget: 'stage {0} comes after the target stage; it is not built',
  notNeededByTarget: 'stage not needed by target {0}',
  notNeededByTargetNoLabel: 'stage not needed by target',
  sameStepFirst: 'same step as line {0} (stage {1}), which this build makes first',
  sameStepOnce: 'same step as line {0} (stage {1}): BuildKit runs it once for both lines',
  parentRebuilds: 'parent step rebuilds: line {0} {1} ({2})',
  parentMayRebuild: 'parent step may rebuild: line {0} {1} ({2})',
  dependsOnStage: "depends on stage {0}'s output: cached only if the copied files come out identical",
  dependsOnStageRebuilds: "depends on stage {0}'s output (line {1} {2} rebuilds): cached only if the copied files come out identical",
  dependsOnStageShort: "depends on stage {0}'s output",
  secretAfterRerun:
    'cached only if line {0} RUN changes no files: BuildKit reuses a secret-mount step after a re-run step that left the filesystem as it was (cache-rules C24)',
  editedBaseChanged: 'line edited (simulated): base image changed',
  baseImageChanged: 'base image changed: {0} (was {1})',
  platformChanged: 'platform changed: {0} (was {1})',
  buildFails: 'the build fails: line {0} FROM --platform gives no valid platform (see the error on that line)',
  baseNotRecorded: 'base image {0} not in a recorded build',
  metaEnv: 'metadata only: no rebuild by itself; its value is part of every later RUN key',
  metaUser: 'metadata only: no rebuild by itself; later RUN and WORKDIR keys include the user',
  metaShell: 'metadata only: no rebuild by itself; later shell-form RUN keys include the shell',
  workdirRoot: 'WORKDIR /: nothing to create, no build step',
  metaOnly: 'metadata only: no rebuild',
  remoteAdd: 'ADD of {0}: Docker checks the remote on every build',
  namedContextRemote: 'remote named context {0}: not planned',
  namedContextBuild: 'named context {0} is the output of {1}: not planned (cached only if its files come out identical)',
  namedContextUnread: 'named context {0} ({1}) is not read here: not planned',
  namedContextBuildCached: 'named context {0} ({1}): every step of it cached',
  namedContextBuildRebuilds: 'named context {0} ({1}) rebuilds: its line {2} {3} ({4})',
  namedContextBuildMaybe: 'named context {0} ({1}) may rebuild: its line {2} {3} ({4})',
  namedContextBuildCopy: 'named context {0} ({1}) rebuilds (its line {2} {3}, {4}): cached only if the files read come out identical',
  fromNamedFolder: 'FROM named context {0} (a folder): BuildKit takes no step on top of a folder from its cache, so this stage runs again at every build',
  replacedByNamedContext: 'stage replaced by named context {0}: BuildKit does not build it',
  newInstruction: 'new instruction: not in the last recorded build',
  notOnThisParent: 'not built on top of this parent before',
  sourceStageChanged: 'source stage output changed',
  sourceFilesChanged: 'source files changed',
  envAdded: 'ENV {0} added',
  envRemoved: 'ENV {0} removed',
  envChanged: 'ENV {0} changed',
  argSet: 'build arg {0} now has a value',
  argUnset: 'build arg {0} no longer has a value',
  argChanged: 'build arg {0} changed',
  notPredicted: 'not predicted',
  filesChanged: '{0} changed',
  filesChangedMore: '{0} and {1} more changed',
  filesAdded: '{0} added',
  filesAddedMore: '{0} and {1} more added',
  filesRemoved: '{0} removed',
  filesRemovedMore: '{0} and {1} more removed',
  unknownBuildArgs: 'depends on build arg {0}',
  unknownBuildArg: '{0}, unknown here ({1})',
  nothingChanged: 'nothing changed',
  lineEdited: 'line {0} edited',
  linesEdited: 'lines {0} edited',
  /** A part with no text of its own in PART_MESSAGES (none today): its name. */
  partChanged: '{0} changed',
} as const;

/** One changed part of an instruction's key (core/plan/reasons.ts), by the part's name there. */
export const PART_MESSAGES: Readonly<Record<string, string>> = {
  cmd: 'command changed',
  '~shell': 'SHELL changed',
  envOrder: 'ENV order changed',
  cwd: 'WORKDIR changed',
  user: 'USER changed',
  network: '--network changed',
  security: '--security changed',
  mounts: '--mount changed',
  dest: 'destination changed',
  chown: '--chown changed',
  chmod: '--chmod changed',
  link: '--link changed',
  parents: '--parents changed',
  exclude: '--exclude changed',
  checksum: '--checksum changed',
  unpack: '--unpack changed',
  'keep-git-dir': '--keep-git-dir changed',
  heredoc: 'heredoc text changed',
  sources: 'source paths changed',
  urls: 'URL changed',
  from: '--from changed',
  path: 'path changed',
  epoch: 'SOURCE_DATE_EPOCH changed',
  text: 'instruction changed',
  argPrefix: 'build args changed',
  keyword: 'instruction changed',
  edited: 'line edited (simulated)',
};

/** Every message a reason can be rendered from (what each display language must translate). */
export const ALL_REASON_MESSAGES: readonly string[] = [...new Set([...Object.values(REASON_MESSAGES), ...Object.values(PART_MESSAGES)])];

/** Options of renderReason: `short` drops a reason's tail where the lens and the layer stack have no room. */
export interface RenderOptions {
  short?: boolean;
}

/** `reason` as text in the language `t` stands for (englishT: the CLI's English). */
export function renderReason(reason: Reason, t: Translate = englishT, options: RenderOptions = {}): string {
  const m = REASON_MESSAGES;
  switch (reason.code) {
    case 'continuesStage':
    case 'afterTarget':
      return t(m[reason.code], reason.stage);
    case 'notNeededByTarget':
      return reason.stage ? t(m.notNeededByTarget, reason.stage) : t(m.notNeededByTargetNoLabel);
    case 'sameStepFirst':
    case 'sameStepOnce':
      return t(m[reason.code], reason.line, reason.stage);
    case 'parentRebuilds':
    case 'parentMayRebuild':
      return t(m[reason.code], reason.line, reason.keyword, renderReason(reason.cause, t, options));
    case 'dependsOnStage':
      if (options.short) return t(m.dependsOnStageShort, reason.stage);
      return reason.line !== undefined ? t(m.dependsOnStageRebuilds, reason.stage, reason.line, reason.keyword ?? '') : t(m.dependsOnStage, reason.stage);
    case 'secretAfterRerun':
    case 'buildFails':
      return t(m[reason.code], reason.line);
    case 'baseImageChanged':
    case 'platformChanged':
      return t(m[reason.code], reason.value, reason.was);
    case 'changedAfterBuild':
      return t(m.changedAfterBuild, reason.path, reason.time);
    case 'baseNotRecorded':
      return t(m.baseNotRecorded, reason.image);
    case 'remoteAdd':
      return t(m.remoteAdd, reason.url);
    case 'namedContextNotPlanned':
      if (reason.why === 'remote') return t(m.namedContextRemote, reason.name);
      if (reason.why === 'build') return t(m.namedContextBuild, reason.name, reason.value);
      return t(m.namedContextUnread, reason.name, reason.value);
    case 'namedContextBuildCached':
      return t(m.namedContextBuildCached, reason.name, reason.value);
    case 'fromNamedFolder':
      return t(m.fromNamedFolder, reason.name);
    case 'namedContextBuildChanged':
      return t(
        reason.status === 'maybe' ? m.namedContextBuildMaybe : reason.copy ? m.namedContextBuildCopy : m.namedContextBuildRebuilds,
        reason.name,
        reason.value,
        reason.line,
        reason.keyword,
        reason.file,
      );
    case 'replacedByNamedContext':
      return t(m.replacedByNamedContext, reason.stage);
    case 'envAdded':
    case 'envRemoved':
    case 'envChanged':
    case 'argSet':
    case 'argUnset':
    case 'argChanged':
      return t(m[reason.code], reason.variable);
    case 'partChanged': {
      const message = PART_MESSAGES[reason.part];
      return message !== undefined && Object.hasOwn(PART_MESSAGES, reason.part) ? t(message) : t(m.partChanged, reason.part);
    }
    case 'filesChanged': {
      const parts: string[] = [];
      if (reason.changed) parts.push(fileList(reason.changed, 'changed', t));
      if (reason.added) parts.push(fileList(reason.added, 'added', t));
      if (reason.removed) parts.push(fileList(reason.removed, 'removed', t));
      return parts.length ? parts.join('; ') : t(m.sourceFilesChanged);
    }
    case 'unknownBuildArgs':
      return t(m.unknownBuildArgs, reason.args.map((a) => t(m.unknownBuildArg, a.name, a.why)).join('; '));
    case 'simulation': {
      const parts: string[] = [];
      if (reason.files) parts.push(fileList(reason.files, 'changed', t));
      if (reason.lines?.length) parts.push(t(reason.lines.length === 1 ? m.lineEdited : m.linesEdited, reason.lines.join(', ')));
      return parts.length ? parts.join('; ') : t(m.nothingChanged);
    }
    default:
      return t(m[reason.code]);
  }
}

const FILE_MESSAGES: Record<FileVerb, [string, string]> = {
  changed: [REASON_MESSAGES.filesChanged, REASON_MESSAGES.filesChangedMore],
  added: [REASON_MESSAGES.filesAdded, REASON_MESSAGES.filesAddedMore],
  removed: [REASON_MESSAGES.filesRemoved, REASON_MESSAGES.filesRemovedMore],
};

function fileList(list: FileList, verb: FileVerb, t: Translate): string {
  const [one, more] = FILE_MESSAGES[verb];
  const shown = list.files.join(', ');
  return list.more > 0 ? t(more, shown, list.more) : t(one, shown);
}

/** The first `max` of `paths` (sorted by the caller when order matters) and how many are left out. */
export function fileListOf(paths: readonly string[], max: number): FileList {
  return { files: paths.slice(0, max), more: Math.max(0, paths.length - max) };
}
