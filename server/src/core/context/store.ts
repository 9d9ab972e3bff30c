// Pure containers behind contextFs.ts snapshots: a bounded digest cache and a copy-on-write map.
// No I/O here; loading and saving the cache live in contextFs.ts.

/**
 * A bounded map from stat key to sha256. Two generations approximate least-recently-used
 * eviction without reordering a 100k-entry Map on every hit: hits are promoted to the young
 * generation; when it is full the old one is dropped.
 */
export class DigestCache {
  private young = new Map<string, string>();
  private old = new Map<string, string>();
  /** Whether set() added or changed a digest since this flag was last cleared (nothing new to save otherwise). */
  dirty = false;
  constructor(readonly maxEntries = 250_000) {}
  get size(): number {
    let n = this.young.size;
    for (const k of this.old.keys()) if (!this.young.has(k)) n++;
    return n;
  }
  get(key: string): string | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.put(key, o);
    return o;
  }
  set(key: string, digest: string): void {
    if ((this.young.get(key) ?? this.old.get(key)) !== digest) this.dirty = true;
    this.put(key, digest);
  }
  /** set() without looking the key up first: for a key get() just missed, or when loading (saves two lookups per file). */
  add(key: string, digest: string): void {
    this.dirty = true;
    this.put(key, digest);
  }
  private put(key: string, digest: string): void {
    if (this.young.size >= Math.max(1, Math.ceil(this.maxEntries / 2)) && !this.young.has(key)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, digest);
  }
  /** Oldest first, at most maxEntries. */
  *entries(): IterableIterator<[string, string]> {
    for (const [k, v] of this.old) if (!this.young.has(k)) yield [k, v];
    yield* this.young;
  }
}

const DELETED = Symbol('deleted');

/** A ReadonlyMap over a shared base plus a small overlay, so an update does not copy 100k entries. */
export class LayeredMap<V> implements ReadonlyMap<string, V> {
  constructor(
    private readonly base: ReadonlyMap<string, V>,
    private readonly top = new Map<string, V | typeof DELETED>(),
    private count = base.size,
  ) {}
  get size(): number {
    return this.count;
  }
  get(k: string): V | undefined {
    if (this.top.size === 0) return this.base.get(k);
    const t = this.top.get(k);
    if (t !== undefined) return t === DELETED ? undefined : t;
    return this.base.get(k);
  }
  has(k: string): boolean {
    if (this.top.size === 0) return this.base.has(k);
    const t = this.top.get(k);
    return t !== undefined ? t !== DELETED : this.base.has(k);
  }
  set(k: string, v: V): void {
    if (!this.has(k)) this.count++;
    this.top.set(k, v);
  }
  delete(k: string): void {
    if (!this.has(k)) return;
    this.count--;
    if (this.base.has(k)) this.top.set(k, DELETED);
    else this.top.delete(k);
  }
  /** A copy to modify; folds the overlay into a new base once it grows. */
  fork(): LayeredMap<V> {
    if (this.top.size > Math.max(4096, this.base.size / 8)) return new LayeredMap(new Map(this.entries()));
    return new LayeredMap(this.base, new Map(this.top), this.count);
  }
  *entries(): IterableIterator<[string, V]> {
    for (const [k, v] of this.base) if (!this.top.has(k)) yield [k, v];
    for (const [k, v] of this.top) if (v !== DELETED) yield [k, v];
  }
  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }
}
