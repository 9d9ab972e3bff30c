// A handler that fails answers with a harmless value and says why in the output channel: bad input must
// never take the server down or leave the editor with an error popup.
export type Log = (message: string) => void;

export function guarded<P extends unknown[], R>(log: Log, name: string, fallback: R, handler: (...params: P) => R | Promise<R>): (...params: P) => Promise<R> {
  return async (...params) => {
    try {
      return await handler(...params);
    } catch (e) {
      log(`Layer Lens ${name} failed: ${(e as Error)?.stack ?? String(e)}`);
      return fallback;
    }
  };
}
