// What counts as built for one Dockerfile: the builds recorded in the workspace's cache store, the state at
// git HEAD, or nothing. The choice follows `layerLens.baseline`; the answer says which one is in use and why.
import { planContext, type Project } from '../diskProject';
import { planBuild, type KnownBuilds } from '../core/plan/predict';
import { buildId, knownBuilds, type StoreData } from '../core/plan/store';
import type { GitHeadResult } from '../gitBaseline';
import type { BaselineInfo } from '../protocol';
import type { BaselineSetting } from '../settings';

export interface Baseline {
  info: BaselineInfo;
  known: KnownBuilds;
}

const NOTHING: KnownBuilds = { has: () => false, empty: true };

/** Why there is no git HEAD baseline in an untrusted workspace (BASELINE_TEMPLATES translates it). */
export const RESTRICTED_GIT_DETAIL =
  'No build recorded for this Dockerfile, and git HEAD is not read in Restricted Mode: trust the workspace to compare with it.';

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
      detail: `Builds recorded with "Mark Current State as Built" (${builder}).`,
      ...(origin ? { origin: { source: origin.source, at: origin.at } } : {}),
    },
    known: knownBuilds(store, builder, id),
  });
  if (setting === 'recorded') {
    if (hasRecord || Object.keys(store.keys[builder]).length > 0) return recorded();
    return nothing(`No build recorded yet (${builder}): run "Layer Lens: Mark Current State as Built".`);
  }
  if (setting === 'auto' && hasRecord) return recorded();
  if (!gitHead) return nothing(RESTRICTED_GIT_DETAIL);
  const git = await gitHead();
  if (!git.ok) return nothing(`No build recorded for this Dockerfile, and no git HEAD to compare with: ${git.reason}.`);
  if (git.head.dockerfileText === undefined)
    return nothing(`This Dockerfile is not in git HEAD (${git.head.commit.slice(0, 7)}), so nothing was built from it there.`);
  return {
    info: { kind: 'gitHead', label: 'git HEAD', detail: `The state at git HEAD (${git.head.commit.slice(0, 7)}), as if it had been built.` },
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

function nothing(detail: string): Baseline {
  return { info: { kind: 'none', label: 'nothing built yet', detail }, known: NOTHING };
}
