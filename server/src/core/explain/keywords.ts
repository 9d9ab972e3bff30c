// What each instruction does and when it runs, for hovers. The cache side lives in
// cache.ts; the flags in flags.ts. Wording follows the Dockerfile reference.
import type { Translate } from '../shared/translate';

export const REFERENCE_URL = 'https://docs.docker.com/reference/dockerfile/';

/** Anchors of the Dockerfile reference, per instruction. */
const ANCHORS: Record<string, string> = {
  FROM: 'from',
  RUN: 'run',
  CMD: 'cmd',
  LABEL: 'label',
  MAINTAINER: 'maintainer-deprecated',
  EXPOSE: 'expose',
  ENV: 'env',
  ADD: 'add',
  COPY: 'copy',
  ENTRYPOINT: 'entrypoint',
  VOLUME: 'volume',
  USER: 'user',
  WORKDIR: 'workdir',
  ARG: 'arg',
  ONBUILD: 'onbuild',
  STOPSIGNAL: 'stopsignal',
  HEALTHCHECK: 'healthcheck',
  SHELL: 'shell',
};

export function referenceLink(keyword: string): string {
  const anchor = ANCHORS[keyword];
  return anchor ? `${REFERENCE_URL}#${anchor}` : REFERENCE_URL;
}

/** One sentence or two: what the instruction does. */
export function whatItDoes(keyword: string, t: Translate): string | undefined {
  switch (keyword) {
    case 'FROM':
      return t(
        'Starts a build stage from a base image (or from an earlier stage, or from the empty image `scratch`). `AS name` names the stage for `COPY --from` and `docker build --target`.',
      );
    case 'RUN':
      return t('Runs a command in a temporary container during the build and keeps the files it changes as a new layer of the image.');
    case 'CMD':
      return t('Sets the default command of the image: what a container runs when it starts. Nothing runs during the build.');
    case 'ENTRYPOINT':
      return t(
        'Sets the program a container runs when it starts; CMD, or the arguments given to `docker run`, become its arguments. `docker run --entrypoint` replaces it.',
      );
    case 'EXPOSE':
      return t('Documents the port(s) the application listens on. It opens and publishes nothing by itself.');
    case 'COPY':
      return t('Copies files and folders from the build context (or, with `--from`, from another stage or image) into the image.');
    case 'ADD':
      return t('Copies like COPY, and can also download URLs, fetch Git repositories and unpack local tar archives. Prefer COPY for plain files.');
    case 'ENV':
      return t('Sets environment variables for the later instructions of the stage and for every container started from the image.');
    case 'ARG':
      return t(
        'Declares a build argument, set with `docker build --build-arg NAME=value` or by its default. It is not kept in the environment of running containers.',
      );
    case 'WORKDIR':
      return t('Sets the working folder for later RUN, CMD, ENTRYPOINT, COPY and ADD instructions (creating it when missing), and for running containers.');
    case 'USER':
      return t("Sets the user (and optionally the group) that later RUN instructions and the container's processes run as.");
    case 'LABEL':
      return t('Adds key-value metadata to the image; `docker inspect` shows it.');
    case 'VOLUME':
      return t('Marks a path as a volume: each container gets an anonymous volume there unless one is mounted.');
    case 'STOPSIGNAL':
      return t("Sets the signal `docker stop` sends to the container's main process (SIGTERM by default).");
    case 'HEALTHCHECK':
      return t('Sets a command Docker runs at intervals inside a running container to report it healthy or unhealthy (`NONE` turns an inherited check off).');
    case 'SHELL':
      return t('Sets the shell that runs the shell form of later RUN, CMD and ENTRYPOINT instructions (default `["/bin/sh", "-c"]`).');
    case 'ONBUILD':
      return t('Stores an instruction in the image that runs later, when another Dockerfile builds FROM this image.');
    case 'MAINTAINER':
      return t('Deprecated: sets the author field of the image. Use `LABEL org.opencontainers.image.authors="..."` instead.');
    default:
      return undefined;
  }
}

/** When the instruction has an effect: during the build, when a container starts, or both. */
export function whenItRuns(keyword: string, t: Translate): string | undefined {
  switch (keyword) {
    case 'FROM':
    case 'RUN':
    case 'COPY':
    case 'ADD':
      return t('At build time (`docker build`).');
    case 'CMD':
    case 'ENTRYPOINT':
      return t('When a container starts (`docker run`), not during the build.');
    case 'WORKDIR':
      return t('At build time (it creates the folder), and again as the working folder of running containers.');
    case 'ENV':
      return t('During the build for the instructions after it, and in every container started from the image.');
    case 'ARG':
      return t('Only during the build.');
    case 'USER':
      return t('During the build for later RUN instructions, and for the processes of running containers.');
    case 'SHELL':
      return t('During the build for later shell-form RUN instructions, and at container start for a shell-form CMD or ENTRYPOINT.');
    case 'HEALTHCHECK':
      return t('Repeatedly while a container runs.');
    case 'ONBUILD':
      return t('When another image is built FROM this one, right after its FROM line.');
    case 'EXPOSE':
    case 'LABEL':
    case 'VOLUME':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      return t('Nothing runs: it only records image metadata.');
    default:
      return undefined;
  }
}
