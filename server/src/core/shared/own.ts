// Records keyed by names from outside (context paths, build-argument names) are plain objects, so a
// file or argument named `constructor`, `toString` or `__proto__` must not meet Object.prototype:
// read own properties only, and write `__proto__` as a property rather than a prototype.

/** record[key] when the record itself has that key. */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** record[key] = value, also for the key `__proto__` (which an assignment would take as the prototype). */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
