// The layer and cache part of a hover: whether an instruction adds a filesystem layer with each
// builder (cache-rules R1, R26) and what its cache key is made of (R6-R19).
import type { Instruction } from '../dockerfile/parse';
import type { Translate } from '../shared/translate';
import type { Builder } from '../shared/types';

const METADATA = new Set(['ENV', 'ARG', 'LABEL', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'USER', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'MAINTAINER']);

/** One line per builder about layers; the builder in use is marked. */
export function layerLines(ins: Instruction, builder: Builder, t: Translate): string[] {
  const inUse = t('(in use)');
  const bk = buildkitLayer(ins, t);
  const cl = classicLayer(ins, t);
  return [`${t('BuildKit')}${builder === 'buildkit' ? ' ' + inUse : ''}: ${bk}`, `${t('Classic builder')}${builder === 'classic' ? ' ' + inUse : ''}: ${cl}`];
}

function isScratch(ins: Instruction): boolean {
  return (ins.args.trim().split(/\s+/)[0] ?? '').toLowerCase() === 'scratch';
}

function buildkitLayer(ins: Instruction, t: Translate): string {
  switch (ins.keyword) {
    case 'FROM':
      return isScratch(ins) ? t('no layers: the stage starts empty.') : t("the stage starts with the base image's layers; FROM adds none of its own.");
    case 'RUN':
    case 'COPY':
    case 'ADD':
      return t('adds one filesystem layer.');
    case 'WORKDIR':
      return ins.args.trim() === '/'
        ? t('`WORKDIR /` adds no layer and is not a build step.')
        : t('adds a small layer (it creates the folder) and is a build step.');
    case 'ONBUILD':
      return t('no layer: the instruction is stored in the image configuration for later builds.');
    default:
      return METADATA.has(ins.keyword) ? t('no layer and no build step: it only edits the image configuration.') : t('no layer.');
  }
}

function classicLayer(ins: Instruction, t: Translate): string {
  switch (ins.keyword) {
    case 'FROM':
      return isScratch(ins) ? t('no layers: the stage starts empty.') : t("the stage starts with the base image's layers; FROM adds none of its own.");
    case 'RUN':
    case 'COPY':
    case 'ADD':
      return t('a cached step that adds one filesystem layer (an empty one when nothing changed).');
    case 'WORKDIR':
      return t('a cached step; it adds a layer only when the folder did not exist.');
    default:
      return t('a cached step of its own that commits an empty layer: editing it rebuilds every later step of the stage.');
  }
}

/** What the cache key of this instruction includes, for the builder in use. */
export function cacheKeyText(ins: Instruction, builder: Builder, t: Translate): string {
  const classic = builder === 'classic';
  switch (ins.keyword) {
    case 'FROM':
      return classic
        ? t('the ID of the local base image: pulling a new version of the tag rebuilds everything after it.')
        : t(
            'the image digest the tag resolves to, and the platform. With the default `docker` driver a locally present image is used until you pull (`docker build --pull`), so an upstream tag update goes unnoticed until then.',
          );
    case 'RUN':
      return t(
        'the command text exactly as written (re-indenting continuation lines counts, comments inside do not), the environment (ENV and ARG values in scope), WORKDIR, USER, SHELL, its --mount and --network flags, and the previous step. Nothing outside the Dockerfile counts: a RUN never reruns because a package index, URL or Git branch changed, so `apt-get update` never refreshes by itself.',
      );
    case 'COPY':
      return t(
        'the names, content, permissions and types of the selected files (never modification times or owners on your machine), the destination, --chown, --chmod, --exclude and --parents, and the previous step.',
      );
    case 'ADD':
      return t(
        'as COPY for local files (a local tar archive by its own bytes); a URL is checked on every build by content and Last-Modified unless --checksum pins it; a Git source by the commit its ref resolves to.',
      );
    case 'WORKDIR':
      return classic ? t('its own text and the previous step.') : t('the absolute path, the current USER, and the previous step.');
    case 'ENV':
      return classic
        ? t('its own text: changing it rebuilds it and every later step.')
        : t('none of its own. The values join the key of every later RUN, so a change rebuilds from the first RUN after it; COPY in between stays cached.');
    case 'ARG':
      return classic
        ? t('its own text with the Dockerfile default; a --build-arg value joins the key of every later RUN, and the chain rebuilds everything after that RUN.')
        : t(
            'none of its own. Its value (default or --build-arg) joins the key of every later RUN of the stage, even RUNs that never mention it. Before the first FROM it only affects FROM lines.',
          );
    case 'USER':
      return classic
        ? t('its own text: changing it rebuilds it and every later step.')
        : t('none of its own; the user joins the key of later RUN and WORKDIR steps (not COPY or ADD).');
    case 'SHELL':
      return classic
        ? t('its own text: changing it rebuilds it and every later step.')
        : t('none of its own; the shell joins the key of later shell-form RUN steps.');
    case 'ONBUILD':
      return classic ? t('its own text: changing it rebuilds it and every later step.') : t('none: editing it never rebuilds anything in this build.');
    default:
      return classic ? t('its own text: changing it rebuilds it and every later step.') : t('none: editing it never rebuilds anything with BuildKit.');
  }
}

/** Extra cache notes for the instruction itself (not its flags). */
export function cacheNotes(ins: Instruction, t: Translate): string[] {
  const notes: string[] = [];
  const cmd = ins.args;
  if (ins.keyword === 'RUN' && /\b(apt-get|apt)\s+update\b/.test(cmd)) {
    notes.push(
      t(
        '`apt-get update` on this line never refreshes the package index by itself: the step stays cached while its text and the steps before it are unchanged. Keep it in the same RUN as `apt-get install` so a changed package list fetches a fresh index.',
      ),
    );
  } else if (ins.keyword === 'RUN' && /\b(curl|wget|git\s+clone|git\s+pull)\b/.test(cmd)) {
    notes.push(
      t(
        'Downloads on this line are not checked again: the step stays cached while its text and the steps before it are unchanged, even when the remote content changes.',
      ),
    );
  }
  if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && !ins.flags.some((f) => f.name === 'from')) {
    const sources = ins.args.split(/\s+/).slice(0, -1);
    if (sources.some((s) => s === '.' || s === './' || s === '*')) {
      notes.push(
        t(
          'This copies the whole context: any file change not excluded by .dockerignore (including the Dockerfile itself) rebuilds this step and every later one.',
        ),
      );
    }
  }
  return notes;
}
