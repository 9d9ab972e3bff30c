// The English template of every message code (core/shared/message.ts): the CLI's text, and the key of each
// translation in l10n/bundle.l10n.*.json. A test walks every code and checks that each display language has it.
import { LIMIT_MESSAGES } from '../dockerfile/limitMessages';

const BASELINE = {
  baselineRecorded: 'Builds recorded with "Mark Current State as Built" ({0}).',
  baselineNoneYet: 'No build recorded yet ({0}): run "Layer Lens: Mark Current State as Built".',
  baselineNoGit: 'No build recorded for this Dockerfile, and no git HEAD to compare with: {0}.',
  baselineNotInHead: 'This Dockerfile is not in git HEAD ({0}), so nothing was built from it there.',
  baselineGitHead: 'The state at git HEAD ({0}), as if it had been built.',
  baselineRestricted: 'No build recorded for this Dockerfile, and git HEAD is not read in Restricted Mode: trust the workspace to compare with it.',
} as const;

/** The plan's diagnostics (core/dockerfile/parse.ts, stages.ts, platform.ts, plan/cacheKeys.ts, context.ts). */
const DIAGNOSTIC = {
  unknownInstruction: 'Unknown instruction "{0}": Docker will refuse to build this file. Check the spelling (known: {1}).',
  noFrom: 'No FROM instruction: a Dockerfile must start a build stage with FROM (after optional ARGs). Add e.g. "FROM node:20".',
  beforeFirstFrom: '{0} before the first FROM: only ARG may come before FROM. Move it below a FROM line.',
  unterminatedHeredoc: 'Unterminated heredoc: no line "{0}" ends the text that starts here, so Docker will refuse this file. Add a line containing only {1}.',
  invalidStageName: 'Invalid stage name "{0}": use letters, digits, "-", "_" or "." and start with a letter.',
  fromNeedsImage: 'FROM needs an image, e.g. "FROM node:20".',
  circularStage: 'Stage {0} depends on itself through --from: Docker refuses circular stage dependencies.',
  platformArgClassic:
    'FROM --platform={0}: the classic builder has no automatic platform args, so ${1} is empty here and the build fails ("failed to parse platform"). Declare it before the first FROM with a value, e.g. "ARG {2}={3}", or build with BuildKit.',
  platformEmptyArg:
    'FROM --platform={0} expands to an empty platform: the build fails ("failed to parse platform"). Give {1} a value: a global ARG with a default before the first FROM, or --build-arg.',
  platformEmpty:
    'FROM --platform={0} expands to an empty platform: the build fails ("failed to parse platform"). Name a platform, e.g. --platform=linux/amd64.',
  platformInvalid: 'FROM --platform={0} gives "{1}", which is not a platform ({2}): the build fails. Use os/arch[/variant], e.g. linux/amd64 or linux/arm64.',
  targetMissing: 'Target stage "{0}" is not in this Dockerfile (stage names: {1}). Name a stage with "FROM image AS {2}" or pick another --target.',
  runFlagBuildkit: 'RUN --{0} requires BuildKit: the classic builder rejects it.',
  heredocBuildkit: 'Heredocs require BuildKit: the classic builder does not support them.',
  flagBuildkit: '{0} --{1} requires BuildKit: the classic builder does not support it.',
  copyNeedsSource: '{0} needs at least one source and a destination, e.g. "{1} package.json /app/".',
  copyUrl: 'COPY does not accept URLs; use ADD or RUN curl.',
  sourceNotFoundBuildkit: '{0}: not found in the build context (missing, or excluded by .dockerignore); BuildKit fails with "{1}": not found.',
  sourceNotFoundClassic: '{0}: file not found in build context or excluded by .dockerignore; the classic builder fails.',
  sourceOutsideClassic: '{0}: forbidden path outside the build context; the classic builder fails (BuildKit would read it from inside the context).',
  namedContextProblem: 'named context {0}: {1}',
  noSourceFiles: 'No source files were specified: {0} matches nothing in the context; the classic builder fails (BuildKit allows an empty wildcard).',
} as const;

/** core/stack/layerStack.ts measure(): a layer's size, in words. */
const SIZE = {
  sizeRecorded: '{0} (recorded)',
  sizeMetadata: 'metadata only',
  sizeStageLayers: 'the layers of stage {0}',
  sizeEmptyImage: 'empty image',
  sizeImageUnknown: 'image size unknown until built',
  sizeFromFile: '≈ {0} from {1} file',
  sizeFromFiles: '≈ {0} from {1} files',
  sizeFolder: '≈ 0 B (a folder)',
  sizeUnknown: 'size unknown until built',
} as const;

/** core/dockerfile/limits.ts: text past a limit. */
const LIMIT = {
  limitFileSize: LIMIT_MESSAGES.fileSize,
  limitCharacters: LIMIT_MESSAGES.characters,
  limitLineLength: LIMIT_MESSAGES.lineLength,
  limitLines: LIMIT_MESSAGES.lines,
  limitStages: LIMIT_MESSAGES.stages,
  limitVariableLines: LIMIT_MESSAGES.variableLines,
  limitInstructions: LIMIT_MESSAGES.instructions,
  limitVariables: LIMIT_MESSAGES.variables,
  limitVariableRuns: LIMIT_MESSAGES.variableRuns,
  limitExpansionDepth: LIMIT_MESSAGES.expansionDepth,
  limitExpansionLength: LIMIT_MESSAGES.expansionLength,
} as const;

/** Problems the editor shows whole: documents.ts, features/buildImage.ts, the store (storeFile.ts, store/record.ts). */
const PROBLEM = {
  notOnDisk: 'Layer Lens analyses Dockerfiles saved on disk: save this file so it has a build context.',
  cannotAnalyse: 'Layer Lens could not analyse this file: {0}',
  buildRunning: 'A build is already running ({0}). Wait for it or cancel it.',
  buildUntrusted: 'Layer Lens builds images only in trusted workspaces: a build runs the commands of the Dockerfile. Trust this workspace to build.',
  buildUnsaved: 'Layer Lens builds Dockerfiles saved on disk: save this file first.',
  recordFails: 'Nothing was recorded: this build fails at line {0}: {1}',
  sentences: '{0} {1}',
  recordedSessionOnly: 'The build was recorded for this session only: {0}',
  storeStartsEmpty: '{0} Predictions start from an empty store.',
  storeReadOnly: 'The cache store {0} is read-only; nothing was recorded. Make it writable (chmod u+w) or pass --store with another file.',
  storeLockedBy:
    'The cache store {0} is being written by another Layer Lens (process {1}) and stayed locked. Try again; if no layerlens is running, delete {2}.',
  storeLocked: 'The cache store {0} is being written by another Layer Lens and stayed locked. Try again; if no layerlens is running, delete {1}.',
  storeCannotWrite: 'Cannot write the cache store {0}: {1}. Nothing was recorded. Pass --store with a file in a folder you can write to.',
  storeCannotRead: 'The cache store {0} cannot be read: {1}. Check its permissions or pass --store with another file.',
  storeIsFolder: 'The cache store path {0} is a folder; pass --store with a file path or remove it.',
  storeIsFifo: 'The cache store path {0} is a FIFO (named pipe), not a file; it was left untouched. Pass --store with a file path.',
  storeIsSocket: 'The cache store path {0} is a socket, not a file; it was left untouched. Pass --store with a file path.',
  storeIsDevice: 'The cache store path {0} is a device, not a file; it was left untouched. Pass --store with a file path.',
  storeIsSpecial: 'The cache store path {0} is not a regular file, not a file; it was left untouched. Pass --store with a file path.',
  storeTooLarge: '{0} is {1} MB, larger than any Layer Lens store; it was left untouched. Pass --store with another path.',
  storeForeignFile: '{0} is not a Layer Lens cache store; it was left untouched. Pass --store with another path.',
  storeNotWritable: '{0} is not a Layer Lens store this version can write ({1}); it was left untouched. Pass --store with another path.',
  storeUnusable: 'The cache store {0} cannot be used: {1}. Predictions start from an empty store.',
  storeKeptAside: 'The unreadable store was kept as {0}.',
  // core/plan/store.ts: why a store file's text is not a store
  storeInvalidJson: 'it is not valid JSON ({0})',
  storeEmpty: 'it is empty',
  storeNotJson: 'it is not a Layer Lens cache store (not JSON)',
  storeNoFormat: 'it is not a Layer Lens cache store (no "format": "layer-lens-cache-store")',
  storeNewer: 'it was written by a newer Layer Lens (store version {0}, this one reads {1})',
} as const;

/** safeWrite.ts fsProblem: a file-system failure in words, with its errno code. */
const FS = {
  fsEACCES: 'permission denied ({0})',
  fsEPERM: 'the operation is not permitted ({0})',
  fsEROFS: 'the file system is read-only ({0})',
  fsENOSPC: 'no space is left on the device ({0})',
  fsEDQUOT: 'the disk quota is exceeded ({0})',
  fsENOTDIR: 'a part of the path is a file, not a folder ({0})',
  fsEEXIST: 'a file is in the way of a folder on the path ({0})',
  fsEISDIR: 'it is a folder ({0})',
  fsELOOP: 'too many symlinks (a symlink loop?) ({0})',
  fsENAMETOOLONG: 'the path is too long ({0})',
  fsENOENT: 'a folder on the path does not exist ({0})',
  fsEIO: 'an input/output error ({0})',
  fsEBUSY: 'it is busy ({0})',
  fsEMFILE: 'too many files are open ({0})',
  fsEXDEV: 'it is on another file system ({0})',
} as const;

/** gitBaseline.ts, gitRun.ts: why git HEAD is no baseline (inside baselineNoGit). */
const GIT = {
  gitOtherOwner: "git refuses to read the repository of {0}: it belongs to another user (see git's safe.directory setting)",
  gitNoRepository: '{0} is not in a git repository',
  gitNoCommit: 'the git repository has no commit yet',
  gitContextOutside: 'the build context {0} is not inside the git repository {1}',
  gitPartialOne: '1 file of git HEAD is not downloaded in this partial clone, and Layer Lens does not download anything',
  gitPartialMany: '{0} files of git HEAD are not downloaded in this partial clone, and Layer Lens does not download anything',
  gitMissing: 'git is not installed (no git on PATH)',
  gitTimeout: 'git {0} did not finish within {1} s and was stopped',
  gitTooMuchOutput: 'git {0} printed more than {1} MiB',
  gitFailedWith: 'git {0} failed: {1}',
  gitFailed: 'git {0} failed ({1})',
} as const;

export const MESSAGES = {
  /** Text with no template (an engine's or the system's own words): shown as it is. */
  verbatim: '{0}',
  ...BASELINE,
  ...DIAGNOSTIC,
  ...SIZE,
  ...LIMIT,
  ...PROBLEM,
  ...FS,
  ...GIT,
} as const;

export type MessageCode = keyof typeof MESSAGES;
