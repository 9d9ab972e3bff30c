// Values computed on first read. A plan makes many things only some callers need (every path a
// `COPY . .` reads, the fingerprints a record stores); defining them lazily keeps a re-plan after
// one edit proportional to the edit, while JSON.stringify, spreads and deep equality still see a
// plain enumerable property.

/** Define `key` on `obj` as an enumerable property whose value `compute` gives on first read. */
export function lazyProperty<T extends object>(obj: T, key: PropertyKey, compute: () => unknown): T {
  // Dropped once used, so a kept value does not hold on to what computing it needed (a whole context view).
  let pending: (() => unknown) | undefined = compute;
  let value: unknown;
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (pending) {
        const fn = pending;
        value = fn();
        pending = undefined;
      }
      return value;
    },
    set: (v: unknown) => {
      value = v;
      pending = undefined;
    },
  });
  return obj;
}
