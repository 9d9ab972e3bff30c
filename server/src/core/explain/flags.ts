// Hover text for instruction flags (--mount types, --from, --chown, --chmod, --link, --platform,
// --network, --exclude, --parents, ...): what each does and what it adds to the cache key
// (cache-rules R8, R15-R19, R6).
import { mountOptions } from '../dockerfile/stages';
import { REFERENCE_URL } from './keywords';
import type { Flag } from '../dockerfile/parse';
import type { Translate } from '../shared/translate';

export interface FlagText {
  /** What the flag does and how it enters the cache key. */
  text: string;
  /** Whether only the cache part is left when hovers are reduced to layers and caching. */
  cacheText: string;
  link: string;
}

function anchor(keyword: string, flag: string): string {
  return `${REFERENCE_URL}#${keyword.toLowerCase()}---${flag}`;
}

export function explainFlagText(keyword: string, flag: Flag, t: Translate): FlagText {
  const both = (text: string, cacheText: string, link: string): FlagText => ({ text, cacheText, link });
  switch (flag.name) {
    case 'mount':
      return mountText(flag.value ?? '', t);
    case 'network':
      return both(
        t('`--network`: the network this command runs with: `default`, `none` (no network at all) or `host`.'),
        t('The network mode is part of the cache key: changing it reruns the step.'),
        anchor('RUN', 'network'),
      );
    case 'security':
      return both(
        t('`--security=insecure` runs the command with elevated privileges (it needs the `security.insecure` entitlement).'),
        t('The security mode is part of the cache key.'),
        anchor('RUN', 'security'),
      );
    case 'from':
      return both(
        t('`--from`: copies from an earlier stage, or from an image, instead of the build context.'),
        t('Keyed by the content of the copied files: when that stage rebuilds but produces identical files, this step stays cached.'),
        anchor('COPY', 'from'),
      );
    case 'chown':
      return both(
        t('`--chown=user:group`: owner of the copied files. Without it they belong to root, whatever USER says.'),
        t("The flag's text is in the cache key: changing `app:app` to `1000:1000` reruns the step even when both name the same user."),
        `${REFERENCE_URL}#copy---chown---chmod`,
      );
    case 'chmod':
      return both(
        t('`--chmod`: permissions of the copied files. The classic builder rejects it; together with `--link` the copy is done as a plain COPY.'),
        t('The mode is part of the cache key.'),
        `${REFERENCE_URL}#copy---chown---chmod`,
      );
    case 'link':
      return both(
        t('`--link`: copies into an independent layer that is then placed on top of the previous ones.'),
        t(
          'On builders with the merge operation (containerd image store, docker-container builders) the copied layer is reused when earlier steps change; later steps still rebuild. The default graphdriver image store treats it as a plain COPY, and the classic builder ignores it.',
        ),
        anchor('COPY', 'link'),
      );
    case 'platform':
      return both(
        t('`--platform`: which platform of the base image to use, e.g. `linux/amd64`.'),
        t('The platform is part of every later key of the stage: changing it rebuilds everything in it.'),
        `${REFERENCE_URL}#from`,
      );
    case 'exclude':
      return both(
        t('`--exclude=<pattern>`: leaves matching paths out of the copy (BuildKit, Dockerfile syntax 1.7 or later).'),
        t('The pattern is part of the cache key; excluded files never affect it.'),
        anchor('COPY', 'exclude'),
      );
    case 'parents':
      return both(
        t('`--parents`: keeps the parent folders of each source path under the destination (BuildKit, Dockerfile syntax 1.7 or later).'),
        t('The flag is part of the cache key.'),
        anchor('COPY', 'parents'),
      );
    case 'checksum':
      return both(
        t('`--checksum`: the expected checksum of a downloaded file, or the commit of a Git source.'),
        t('With a checksum the URL is not asked again on each build: the checksum is the cache key.'),
        anchor('ADD', 'checksum'),
      );
    case 'keep-git-dir':
      return both(t('`--keep-git-dir`: keeps the `.git` folder of a Git source.'), t('The flag is part of the cache key.'), anchor('ADD', 'keep-git-dir'));
    default:
      return both(
        t('`--{0}`: a flag of {1}.', flag.name, keyword),
        t('Flags of build steps are part of their cache key.'),
        `${REFERENCE_URL}#${keyword.toLowerCase()}`,
      );
  }
}

function mountText(value: string, t: Translate): FlagText {
  const opts = mountOptions(value);
  const type = opts.get('type') ?? 'bind';
  const link = `${REFERENCE_URL}#run---mount`;
  const fromStage = opts.get('from') ? ' ' + t('With `from=`, the mounted files come from that stage or image and are keyed by their content.') : '';
  switch (type) {
    case 'cache':
      return {
        text: t(
          "`--mount=type=cache`: a persistent folder (e.g. a package manager's download cache) shared between builds for this command; it is not part of the image.",
        ),
        cacheText: t('Its contents are never part of the cache key; `target` and the options are (`id` and `sharing` are not).'),
        link,
      };
    case 'secret':
      return {
        text: t(
          '`--mount=type=secret`: exposes a secret (as a file, or as an environment variable with `env=`) to this command only; it never lands in the image.',
        ),
        cacheText: t("The secret's value is never part of the cache key: changing it does not rerun the step."),
        link,
      };
    case 'ssh':
      return {
        text: t('`--mount=type=ssh`: forwards your SSH agent to this command (e.g. to clone private repositories).'),
        cacheText: t('Keys never affect the cache key; the id and target do.'),
        link,
      };
    case 'tmpfs':
      return {
        text: t('`--mount=type=tmpfs`: an empty in-memory folder for this command only.'),
        cacheText: t('The target and size are part of the cache key.'),
        link,
      };
    default:
      return {
        text:
          t('`--mount=type=bind`: makes files from the build context available to this command without copying them into the image (read-only unless `rw`).') +
          fromStage,
        cacheText:
          opts.get('source') || opts.get('src')
            ? t('The content of the mounted source is part of the cache key, like a COPY source.')
            : t('Without `source=`, the whole context is mounted and hashed: any file change reruns this step.'),
        link,
      };
  }
}
