// Lenses on the compose services and Bake targets that build an image: each says what a build of that
// configuration would do ("Layer Lens: 9 steps, 2 rebuild"), planned with its Dockerfile, context, target, args
// and platform. Clicking one opens the Dockerfile planned with that configuration (the client's command).
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openProjectAsync, planProject, type ProjectPlan } from '../diskProject';
import { DigestCache } from '../contextFs';
import { englishT, type Translate } from '../core/shared/translate';
import { configLabel, plannable, type BuildConfig, type Discovery } from '../configs/types';
import { headCommitAsync, readGitHeadAsync, type BlobDigests } from '../gitBaseline';
import type { Analysis } from '../documents';
import type { BaselineKind, ConfigLens } from '../protocol';
import { dockerfileSettings, normaliseSettings, type LayerLensSettings } from '../settings';
import { chooseBaseline } from '../document/baseline';
import { configId, withConfiguration } from '../document/buildConfig';
import type { WorkspaceStore } from '../store/record';
import { messageOf, renderMessage, verbatim, type Message } from '../core/shared/message';

export interface ConfigLensHost {
  workspaceFolders(): readonly string[];
  discovery(folder: string): Promise<Discovery>;
  settingsFor(uri: string): Promise<LayerLensSettings>;
  store(): WorkspaceStore;
  trusted(): boolean;
  /** The analysis of the open Dockerfile at this path when it is planned with this configuration (its unsaved text). */
  openAnalysis(dockerfile: string, configId: string): Promise<Analysis | undefined>;
  /** Bumped whenever files, settings, trust or the store change: a remembered plan of an older revision is dropped. */
  revision(): number;
}

/** The kinds that get a lens: the files a user edits to say how an image is built. */
const LENS_KINDS: ReadonlySet<BuildConfig['kind']> = new Set(['compose', 'bake']);

export class ConfigLenses {
  private readonly digestCache = new DigestCache();
  private readonly blobDigests: BlobDigests = new Map();
  /** Plans per configuration and revision: a lens request after each keystroke plans nothing again. */
  private plans = new Map<string, Promise<LensPlan>>();
  private plansRevision = -1;

  constructor(private readonly host: ConfigLensHost) {}

  /** The lenses of one file (a file URI); empty when no compose service or Bake target of it builds an image. */
  async lenses(uri: string, t: Translate = englishT): Promise<ConfigLens[]> {
    const path = filePath(uri);
    if (!path) return [];
    const folder = folderOf(this.host.workspaceFolders(), path);
    if (!folder) return [];
    const rel = relative(folder, path).split(sep).join('/');
    const discovery = await this.host.discovery(folder);
    const configs = discovery.configs.filter((c) => LENS_KINDS.has(c.kind) && c.source.file === rel);
    if (!configs.length) return [];
    if (this.plansRevision !== this.host.revision()) {
      this.plans = new Map();
      this.plansRevision = this.host.revision();
    }
    return Promise.all(configs.map(async (c) => lensOf(c, plannable(c) ? await this.plan(c, folder, discovery.configs) : undefined, t)));
  }

  private plan(c: BuildConfig, folder: string, all: readonly BuildConfig[]): Promise<LensPlan> {
    const key = JSON.stringify([configId(c), c.dockerfile, c.context, c.target, c.platform, c.args, c.unresolvedArgs, c.namedContexts]);
    let found = this.plans.get(key);
    if (!found) {
      found = this.planOnce(c, folder, all).catch((e: unknown) => ({ problem: messageOf(e) }));
      this.plans.set(key, found);
    }
    return found;
  }

  private async planOnce(c: BuildConfig, folder: string, all: readonly BuildConfig[]): Promise<LensPlan> {
    const dockerfile = c.dockerfile as string;
    const id = configId(c);
    // The Dockerfile is open and planned with this configuration: its lenses and this one agree (unsaved text included).
    const open = await this.host.openAnalysis(dockerfile, id);
    if (open) return open.plan ? { plan: open.plan, baseline: open.baseline.kind } : { problem: open.problem ?? verbatim('not planned') };
    const raw = await this.host.settingsFor(pathToFileURL(dockerfile).toString()).catch(() => normaliseSettings(undefined));
    // The lens is about this service or target: a layerLens.dockerfiles entry for the Dockerfile does not replace it.
    const base = dockerfileSettings({ ...raw, dockerfiles: {} }, dockerfile, folder);
    const settings = withConfiguration(base, [c], undefined, all);
    const project = await openProjectAsync({
      dockerfile,
      builder: settings.builder,
      buildArgs: settings.buildArgs,
      ...(settings.context ? { context: settings.context } : {}),
      ...(settings.target ? { target: settings.target } : {}),
      ...(settings.platform ? { platform: settings.platform } : {}),
      ...(settings.unresolvedArgs ? { unresolvedArgs: settings.unresolvedArgs } : {}),
      ...(settings.namedContexts ? { namedContexts: settings.namedContexts } : {}),
      ...(settings.namedBuilds ? { namedBuilds: settings.namedBuilds } : {}),
      digestCache: this.digestCache,
    });
    const gitHead = this.host.trusted()
      ? async () => {
          const head = await headCommitAsync(project.contextDir);
          if ('reason' in head) return { ok: false as const, reason: head.reason };
          return readGitHeadAsync(
            {
              contextDir: project.contextDir,
              dockerfileAbs: project.dockerfileAbs,
              dockerfilePath: project.options.dockerfilePath,
              builder: project.options.builder,
              worktree: project.snapshot,
              blobDigests: this.blobDigests,
            },
            head,
          );
        }
      : undefined;
    const baseline = await chooseBaseline(settings.baseline, this.host.store().data, project, gitHead);
    return { plan: planProject(project, baseline.known), baseline: baseline.info.kind };
  }
}

type LensPlan = { plan: ProjectPlan; baseline: BaselineKind } | { problem: Message };

/** `Layer Lens: 9 steps, 2 rebuild` (and `, 1 maybe`), or why the configuration is not planned. */
export function lensOf(c: BuildConfig, planned: LensPlan | undefined, t: Translate = englishT): ConfigLens {
  const label = configLabel(c);
  const dockerfileUri = c.dockerfile ? pathToFileURL(c.dockerfile).toString() : undefined;
  const base = { line: c.source.line, ...(dockerfileUri ? { dockerfileUri } : {}) };
  if (!planned) {
    const why = c.inline
      ? t('the Dockerfile is inline')
      : c.remoteContext
        ? t('remote context {0}', c.remoteContext)
        : c.unresolved.length
          ? c.unresolved.join('; ')
          : t('nothing to plan');
    return { ...base, title: t('Layer Lens: not planned: {0}', why), tooltip: label };
  }
  if ('problem' in planned) return { ...base, title: t('Layer Lens: {0}', renderMessage(planned.problem, t)), tooltip: label };
  const steps = planned.plan.steps.filter((s) => s.status === 'cached' || s.status === 'rebuilds' || s.status === 'maybe');
  const rebuild = steps.filter((s) => s.status === 'rebuilds').length;
  const maybe = steps.filter((s) => s.status === 'maybe').length;
  const title = maybe
    ? t('Layer Lens: {0} steps, {1} rebuild, {2} maybe', steps.length, rebuild, maybe)
    : t('Layer Lens: {0} steps, {1} rebuild', steps.length, rebuild);
  const unknown = Object.keys(c.unresolvedArgs);
  const tooltip = [
    t(
      '{0}: compared with {1}. Click to open the Dockerfile planned with this configuration.',
      label,
      planned.baseline === 'recorded' ? t('recorded build') : planned.baseline === 'gitHead' ? 'git HEAD' : t('nothing built yet'),
    ),
    ...(unknown.length ? [t('Build args unknown here: {0}', unknown.join(', '))] : []),
  ].join('\n');
  return { ...base, title, tooltip, ...(dockerfileUri ? { configId: configId(c) } : {}) };
}

function filePath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function folderOf(folders: readonly string[], path: string): string | undefined {
  return folders.filter((f) => path === f || path.startsWith(f.endsWith(sep) ? f : f + sep)).sort((a, b) => b.length - a.length)[0];
}
