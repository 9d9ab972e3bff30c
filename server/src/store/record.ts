// The workspace's cache store (a file in the extension's storage, given at initialize) and "Mark Current State
// as Built", which adds the current state's keys to it.
import { statSync } from 'node:fs';
import { planProject, type Project } from '../diskProject';
import type { RecordedBuild } from '../core/plan/predict';
import { buildId, emptyStore, recordBuild, type BuildOrigin, type StoreData } from '../core/plan/store';
import { defaultStorePath, LOCK_TIMING, loadStore, moveStoreInto, updateStore } from '../storeFile';
import type { InitializationOptions, RecordResult } from '../protocol';
import { messageOf, msg, type Message } from '../core/shared/message';

/**
 * The store file the server uses: the one the client names (tests), else the machine's (shared with the CLI) when
 * the client asks for it, else none (builds kept in memory). The editor's older per-workspace store is moved into
 * it once.
 */
export function storePathOf(
  options: InitializationOptions,
  log: (level: 'info' | 'warn', message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const path = typeof options.storePath === 'string' ? options.storePath : options.machineStore === true ? defaultStorePath(env) : undefined;
  const legacy = options.legacyStorePath;
  if (path && typeof legacy === 'string' && legacy !== path) {
    try {
      const moved = moveStoreInto(legacy, path);
      if (moved !== undefined)
        log(
          'info',
          `Moved ${moved} recorded builds from this workspace's old store ${legacy} into ${path} (shared with the layerlens CLI); the old file is now ${legacy}.moved.`,
        );
    } catch (e) {
      log('warn', `The recorded builds of this workspace's old store ${legacy} were not moved into ${path}: ${(e as Error).message}`);
    }
  }
  return path;
}

export interface WorkspaceStore {
  /** Absent: recorded builds live in memory until the server stops. */
  readonly path: string | undefined;
  /** The store as last read or written by this server. */
  readonly data: StoreData;
  /** Problems met reading the file, for the output channel. */
  warning?: Message;
  /**
   * Reads the file again if it changed since (another window or `layerlens record` wrote it: every write replaces
   * the file, so its inode changes). Returns whether the data changed. A stat when nothing did.
   */
  refresh(): boolean;
  /** Replaces the data after this server wrote (or, without a file, recorded in memory). */
  set(data: StoreData): void;
}

/** What identifies one version of the file. */
function versionOf(path: string): string {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'none';
  }
}

export function openWorkspaceStore(path: string | undefined): WorkspaceStore {
  let data = emptyStore();
  let seen = '';
  const store: WorkspaceStore = {
    path,
    get data(): StoreData {
      return data;
    },
    refresh(): boolean {
      if (!path) return false;
      const now = versionOf(path);
      if (now === seen) return false;
      seen = now;
      const loaded = loadStore(path);
      data = loaded.store;
      if (loaded.warning) store.warning = loaded.warning;
      else delete store.warning;
      return true;
    },
    set(next: StoreData): void {
      data = next;
      if (path) seen = versionOf(path);
    },
  };
  store.refresh();
  return store;
}

/**
 * The server waits for the store's lock at most this long: the wait blocks its event loop, and a CLI holds the
 * lock for one write (milliseconds). Past it, the build is kept for this session and the warning says why.
 */
const SERVER_LOCK_TIMING = { ...LOCK_TIMING, waitMs: 2_000 };

/** Records the project's current state. */
export function recordProject(store: WorkspaceStore, project: Project): RecordResult {
  const plan = planProject(project, { has: () => false, empty: true });
  if (plan.fails) return { keys: 0, storePath: null, warning: msg('recordFails', plan.fails.line, plan.fails.text) };
  return recordPlan(store, project, plan.keys, plan.recorded, { source: 'editor', at: Date.now() });
}

/**
 * Adds a state's keys and record to the store: to the file as it is now, under its lock (another window or the
 * CLI may have recorded too), so no one's record is lost.
 */
export function recordPlan(store: WorkspaceStore, project: Project, keys: string[], recorded: RecordedBuild, origin?: BuildOrigin): RecordResult {
  const { builder, target } = project.options;
  const id = buildId(builder, project.dockerfileAbs, target);
  const add = (current: StoreData) => recordBuild(current, builder, id, keys, recorded, origin);
  if (!store.path) {
    store.set(add(store.data));
    return { keys: keys.length, storePath: null, warning: null };
  }
  try {
    const written = updateStore(store.path, add, { timing: SERVER_LOCK_TIMING });
    store.set(written.store);
    return { keys: keys.length, storePath: store.path, warning: written.notes.length ? written.notes.reduce((a, b) => msg('sentences', a, b)) : null };
  } catch (e) {
    store.set(add(store.data));
    return { keys: keys.length, storePath: null, warning: msg('recordedSessionOnly', messageOf(e)) };
  }
}
