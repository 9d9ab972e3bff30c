// The cache store: like Docker's own cache, a set of keys per builder that recorded builds
// produced (so reverting to an older state is cached again, R4), plus the last recorded build of
// each Dockerfile to explain what changed since. Pure data in, data out; the file I/O is in
// server/src/storeFile.ts.
import { setOwn } from '../shared/own';
import type { KnownBuilds, RecordedBuild, RecordedStep } from './predict';
import type { Builder } from '../shared/types';
import { msg, type Message } from '../shared/message';

export const STORE_FORMAT = 'layer-lens-cache-store';
export const STORE_VERSION = 1;

/** Bounds that keep the file small: oldest keys and builds are dropped first. */
export const LIMITS = { keysPerBuilder: 50_000, builds: 40, filesPerBuild: 120_000, filesTotal: 300_000 };

export interface StoreData {
  format: typeof STORE_FORMAT;
  version: typeof STORE_VERSION;
  /** Increases with every record: the age of keys and builds. */
  seq: number;
  keys: Record<Builder, Record<string, number>>;
  builds: Record<string, StoredBuild>;
}

/** Where a recorded build came from, for the status bar ("built 3 min ago in the terminal"). */
export type BuildSource = 'editor' | 'cli' | 'build' | 'terminal' | 'task' | 'dockerHistory';
export const BUILD_SOURCES: readonly BuildSource[] = ['editor', 'cli', 'build', 'terminal', 'task', 'dockerHistory'];

export interface BuildOrigin {
  source: BuildSource;
  /** When the build was made (ms since the epoch): its start for a build seen in the terminal, a task or Docker's history. */
  at: number;
}

export type StoredBuild = RecordedBuild & { seq: number; origin?: BuildOrigin };

export function emptyStore(): StoreData {
  return { format: STORE_FORMAT, version: STORE_VERSION, seq: 0, keys: { buildkit: {}, classic: {} }, builds: {} };
}

export type StoreRead = { ok: true; store: StoreData } | { ok: false; kind: 'corrupt' | 'foreign' | 'newer'; message: Message };

/** The start of every store this tool writes (JSON.stringify puts "format" first); a test that needs no parse. */
const STORE_HEAD = /^\s*\{\s*"format"\s*:\s*"layer-lens-cache-store"/;

/** True when text (or its first bytes) starts like a store this tool wrote. */
export function looksLikeStore(head: string): boolean {
  return STORE_HEAD.test(head);
}

/**
 * Parses store file text. Never throws: a bad file is described so the caller can start fresh. "corrupt" means
 * recognisably ours but damaged (it starts like a store, or is empty), so it may be replaced; anything else that is
 * not a store is "foreign" and must be left alone.
 */
export function readStore(text: string): StoreRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (looksLikeStore(text)) return { ok: false, kind: 'corrupt', message: msg('storeInvalidJson', (e as Error).message) };
    if (!text.trim()) return { ok: false, kind: 'corrupt', message: msg('storeEmpty') };
    return { ok: false, kind: 'foreign', message: msg('storeNotJson') };
  }
  if (!isObject(value) || value.format !== STORE_FORMAT) {
    return { ok: false, kind: 'foreign', message: msg('storeNoFormat') };
  }
  if (typeof value.version !== 'number' || !(value.version <= STORE_VERSION)) {
    return {
      ok: false,
      kind: 'newer',
      message: msg('storeNewer', String(value.version), STORE_VERSION),
    };
  }
  const store = emptyStore();
  store.seq = typeof value.seq === 'number' && Number.isFinite(value.seq) ? value.seq : 0;
  const keys = isObject(value.keys) ? value.keys : {};
  for (const b of ['buildkit', 'classic'] as const) {
    const k = keys[b];
    if (isObject(k)) for (const [key, seq] of Object.entries(k)) if (typeof seq === 'number' && Number.isFinite(seq)) setOwn(store.keys[b], key, seq);
  }
  if (isObject(value.builds)) {
    for (const [id, b] of Object.entries(value.builds)) {
      const build = storedBuild(b);
      if (build) setOwn(store.builds, id, build);
    }
  }
  return { ok: true, store };
}

/** A recorded build as the planner expects it, or undefined when the stored one does not have that shape. */
function storedBuild(b: unknown): StoreData['builds'][string] | undefined {
  if (!isObject(b) || !isObject(b.steps) || !isObject(b.files)) return undefined;
  const steps: Record<string, RecordedStep> = {};
  for (const [slot, step] of Object.entries(b.steps)) {
    if (!isObject(step) || typeof step.keyword !== 'string' || typeof step.key !== 'string' || !isStringRecord(step.parts)) continue;
    if (step.reads !== undefined && !isStringArray(step.reads)) continue;
    setOwn(steps, slot, step as unknown as RecordedStep);
  }
  if (!isStringRecord(b.files)) return undefined;
  const build: StoreData['builds'][string] = { steps, files: b.files, seq: typeof b.seq === 'number' && Number.isFinite(b.seq) ? b.seq : 0 };
  if (isStringRecord(b.synced)) build.synced = b.synced;
  // Named contexts' files (a later addition: older stores have none, and older readers skip it).
  if (isObject(b.named) && Object.values(b.named).every(isStringRecord)) build.named = b.named as Record<string, Record<string, string>>;
  if (isStringArray(b.unfinished)) build.unfinished = b.unfinished;
  const after = b.changedAfter;
  if (isObject(after) && typeof after.at === 'number' && Number.isFinite(after.at) && isStringRecord(after.slots))
    build.changedAfter = { at: after.at, slots: after.slots };
  const origin = b.origin;
  if (
    isObject(origin) &&
    typeof origin.source === 'string' &&
    (BUILD_SOURCES as readonly string[]).includes(origin.source) &&
    typeof origin.at === 'number' &&
    Number.isFinite(origin.at)
  ) {
    build.origin = { source: origin.source as BuildSource, at: origin.at };
  }
  return build;
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function buildId(builder: Builder, dockerfile: string, target: string | undefined): string {
  return `${builder}:${dockerfile}${target ? `#${target}` : ''}`;
}

/** What planBuild needs from the store for one Dockerfile and builder. */
export function knownBuilds(store: StoreData, builder: Builder, id: string): KnownBuilds {
  const keys = store.keys[builder];
  const last = store.builds[id];
  return { has: (k) => Object.prototype.hasOwnProperty.call(keys, k), empty: Object.keys(keys).length === 0, ...(last ? { last } : {}) };
}

/** A copy of the store with a build's keys added and its record kept as the last build. */
export function recordBuild(store: StoreData, builder: Builder, id: string, keys: string[], build: RecordedBuild, origin?: BuildOrigin): StoreData {
  // A copy of what changes (the key maps and the table of builds); the builds themselves are replaced, never
  // changed, so they are shared (a deep copy of every kept build's files made each record cost the whole store).
  const next: StoreData = {
    ...store,
    keys: { buildkit: { ...store.keys.buildkit }, classic: { ...store.keys.classic } },
    builds: { ...store.builds },
  };
  next.seq += 1;
  for (const k of keys) next.keys[builder][k] = next.seq;
  const namedCount = Object.values(build.named ?? {}).reduce((n, f) => n + Object.keys(f).length, 0);
  const big = Object.keys(build.files).length + namedCount > LIMITS.filesPerBuild;
  next.builds[id] = {
    steps: build.steps,
    files: big ? {} : build.files,
    ...(build.named && namedCount && !big ? { named: build.named } : {}),
    ...(build.synced && !big ? { synced: build.synced } : {}),
    ...(build.unfinished ? { unfinished: build.unfinished } : {}),
    ...(build.changedAfter ? { changedAfter: build.changedAfter } : {}),
    seq: next.seq,
    ...(origin ? { origin } : {}),
  };
  return prune(next);
}

/**
 * A copy of `into` with what `from` knows and `into` does not: every key of `from`, and each build `into` has no
 * record of (a build both have keeps `into`'s, the newer one for the machine). Used once, to move a workspace's
 * old store into the machine's.
 */
export function mergeStore(into: StoreData, from: StoreData): StoreData {
  const next: StoreData = structuredClone(into);
  const base = next.seq;
  let top = base;
  for (const b of ['buildkit', 'classic'] as const) {
    for (const [k, seq] of Object.entries(from.keys[b])) {
      if (Object.prototype.hasOwnProperty.call(next.keys[b], k)) continue;
      setOwn(next.keys[b], k, base + seq);
      top = Math.max(top, base + seq);
    }
  }
  for (const [id, build] of Object.entries(from.builds)) {
    if (Object.prototype.hasOwnProperty.call(next.builds, id)) continue;
    setOwn(next.builds, id, { ...build, seq: base + build.seq });
    top = Math.max(top, base + build.seq);
  }
  next.seq = top;
  return prune(next);
}

function prune(store: StoreData): StoreData {
  for (const b of ['buildkit', 'classic'] as const) {
    const entries = Object.entries(store.keys[b]);
    if (entries.length > LIMITS.keysPerBuilder) {
      entries.sort((x, y) => y[1] - x[1]);
      store.keys[b] = Object.fromEntries(entries.slice(0, LIMITS.keysPerBuilder));
    }
  }
  const builds = Object.entries(store.builds).sort((x, y) => y[1].seq - x[1].seq);
  let files = 0;
  store.builds = {};
  for (const [id, b] of builds.slice(0, LIMITS.builds)) {
    const n = Object.keys(b.files).length + Object.values(b.named ?? {}).reduce((m, f) => m + Object.keys(f).length, 0);
    files += n;
    store.builds[id] =
      files > LIMITS.filesTotal
        ? {
            steps: b.steps,
            files: {},
            ...(b.unfinished ? { unfinished: b.unfinished } : {}),
            ...(b.changedAfter ? { changedAfter: b.changedAfter } : {}),
            seq: b.seq,
            ...(b.origin ? { origin: b.origin } : {}),
          }
        : b;
  }
  return store;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
