// The workspace's cache store (a file in the extension's storage, given at initialize) and "Mark Current State
// as Built", which adds the current state's keys to it.
import { planProject, type Project } from '../analysis';
import type { RecordedBuild } from '../core/predict';
import { buildId, emptyStore, recordBuild, type StoreData } from '../core/store';
import { loadStore, saveStore, type LoadedStore } from '../storeFile';
import type { RecordResult } from '../protocol';

export interface WorkspaceStore {
  /** Absent: recorded builds live in memory until the server stops. */
  readonly path: string | undefined;
  data: StoreData;
  /** Problems met reading the file, for the output channel. */
  warning?: string;
}

export function openWorkspaceStore(path: string | undefined): WorkspaceStore {
  if (!path) return { path, data: emptyStore() };
  try {
    const loaded = loadStore(path);
    return { path, data: loaded.store, ...(loaded.warning ? { warning: loaded.warning } : {}) };
  } catch (e) {
    return { path, data: emptyStore(), warning: (e as Error).message };
  }
}

/** Records the project's current state. */
export function recordProject(store: WorkspaceStore, project: Project): RecordResult {
  const plan = planProject(project, { has: () => false, empty: true });
  return recordPlan(store, project, plan.keys, plan.recorded);
}

/** Adds a state's keys and record to the store. The file is read again first: another window may have recorded too. */
export function recordPlan(store: WorkspaceStore, project: Project, keys: string[], recorded: RecordedBuild): RecordResult {
  const { builder, target } = project.options;
  const id = buildId(builder, project.dockerfileAbs, target);
  let loaded: LoadedStore = { store: store.data };
  let warning: string | null = null;
  if (store.path) {
    try {
      loaded = loadStore(store.path);
      if (loaded.warning) warning = loaded.warning;
    } catch (e) {
      warning = (e as Error).message;
    }
  }
  store.data = recordBuild(loaded.store, builder, id, keys, recorded);
  if (!store.path) return { keys: keys.length, storePath: null, warning };
  try {
    const note = saveStore(store.path, loaded, store.data);
    if (note) warning = warning ? `${warning} ${note}` : note;
    return { keys: keys.length, storePath: store.path, warning };
  } catch (e) {
    return { keys: keys.length, storePath: null, warning: `The build was recorded for this session only: ${(e as Error).message}` };
  }
}
