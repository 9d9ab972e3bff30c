// What counts as built for one Dockerfile: the builds recorded in the workspace's cache store, the state at
// git HEAD, or nothing. The choice follows `layerLens.baseline`; the answer says which one is in use and why.
import { planContext, type Project } from '../diskProject';
import { planBuild, type KnownBuilds } from '../core/plan/predict';
import { buildId, knownBuilds, type StoreData } from '../core/plan/store';
import type { GitHeadResult } from '../gitBaseline';
import type { BaselineInfo } from '../protocol';
import type { BaselineSetting } from '../settings';
import { msg, type Message } from '../core/shared/message';

export interface Baseline {
  info: BaselineInfo;
  known: KnownBuilds;
}

const NOTHING: KnownBuilds = { has: () => false, empty: true };

/** Why there is no git HEAD baseline in an untrusted workspace. */
export const RESTRICTED_GIT_DETAIL: Message = msg('baselineRestricted');

/**
 * `gitHead` is called only when the choice needs it (it reads git objects, off the event loop); undefined in an
 * untrusted workspace, where git never runs (a repository's own config could make it run a command).
 */
export async function chooseBaseline(
  setting: BaselineSetting,
  store: StoreData,
  project: Project,
  gitHead: (() => Promise<GitHeadResult>) | undefined,
): Promise<Baseline> {
  const { builder, target } = project.options;
  const id = buildId(builder, project.dockerfileAbs, target);
  const hasRecord = store.builds[id] !== undefined;
  const origin = store.builds[id]?.origin;
  const recorded = (): Baseline => ({
    info: {
      kind: 'recorded',
      label: 'recorded build',
      detail: msg('baselineRecorded', builder),
      ...(origin ? { origin: { source: origin.source, at: origin.at } } : {}),
    },
    known: knownBuilds(store, builder, id),
  });
  if (setting === 'recorded') {
    if (hasRecord || Object.keys(store.keys[builder]).length > 0) return recorded();
    return nothing(msg('baselineNoneYet', builder));
  }
  if (setting === 'auto' && hasRecord) return recorded();
  if (!gitHead) return nothing(RESTRICTED_GIT_DETAIL);
  const git = await gitHead();
  if (!git.ok) return nothing(msg('baselineNoGit', git.reason));
  if (git.head.dockerfileText === undefined) return nothing(msg('baselineNotInHead', git.head.commit.slice(0, 7)));
  return {
    info: { kind: 'gitHead', label: 'git HEAD', detail: msg('baselineGitHead', git.head.commit.slice(0, 7)) },
    known: gitHeadKnown(project, git),
  };
}

/** The keys a build of the HEAD state would have left: its Dockerfile planned over its context. */
function gitHeadKnown(project: Project, git: Extract<GitHeadResult, { ok: true }>): KnownBuilds {
  const { head } = git;
  const context = planContext(head.snapshot, head.ignoreText, project.options.builder);
  const built = planBuild({ text: head.dockerfileText ?? '', options: project.options, context, known: NOTHING });
  const keys = new Set(built.keys);
  return { has: (k) => keys.has(k), empty: false, last: built.recorded };
}

function nothing(detail: Message): Baseline {
  return { info: { kind: 'none', label: 'nothing built yet', detail }, known: NOTHING };
}
