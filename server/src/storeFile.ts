// Reads and writes the cache store file. Writes are atomic (temp file + rename); a corrupt
// store is moved aside, never silently overwritten, and a file that is not ours is never touched.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { emptyStore, readStore, type StoreData } from './core/store';

export class StoreError extends Error {}

/** Outside any build context, so recording never changes what `COPY . .` copies. */
export function defaultStorePath(): string {
  if (process.env.LAYERLENS_STORE) return process.env.LAYERLENS_STORE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'layer-lens', 'cache-store.json');
}

/** Where the CLI keeps file digests between runs (beside the default store, outside any context). */
export function defaultDigestCachePath(): string {
  return process.env.LAYERLENS_DIGEST_CACHE || join(dirname(defaultStorePath()), 'digest-cache.json');
}

export interface LoadedStore {
  store: StoreData;
  /** Set when the file existed but could not be used; the store is then empty. */
  warning?: string;
  /** Why the file must not be overwritten (foreign or newer), if so. */
  readOnly?: string;
  corrupt?: boolean;
}

export function loadStore(file: string): LoadedStore {
  if (!existsSync(file)) return { store: emptyStore() };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new StoreError(`Cannot read the cache store ${file}: ${(e as Error).message}. Check its permissions or pass --store with another file.`);
  }
  const read = readStore(text);
  if (read.ok) return { store: read.store };
  const warning = `The cache store ${file} cannot be used: ${read.message}. Predictions start from an empty store.`;
  if (read.kind === 'corrupt') return { store: emptyStore(), warning, corrupt: true };
  return { store: emptyStore(), warning, readOnly: `${file} is not a Layer Lens store this version can write (${read.message}); it was left untouched. Pass --store with another path.` };
}

export function saveStore(file: string, loaded: LoadedStore, next: StoreData): string | undefined {
  if (loaded.readOnly) throw new StoreError(loaded.readOnly);
  let note: string | undefined;
  mkdirSync(dirname(file), { recursive: true });
  if (loaded.corrupt && existsSync(file)) {
    const aside = `${file}.corrupt-${Date.now()}`;
    renameSync(file, aside);
    note = `The unreadable store was kept as ${aside}.`;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(next));
  renameSync(tmp, file);
  return note;
}
