// The e2e tests that build share the BuildKit engine of scripts/engines with the oracle tiers: they skip, saying
// why, when it is not running, and hold its lock while their describe builds.
import type { Context } from 'mocha';
import { engineProblem, withEngineLock } from '../../oracle/engine';

/** Skips the describe (with the reason) without the engine; else waits for its lock and returns what gives it back. */
export async function holdBuildkit(ctx: Context): Promise<() => Promise<void>> {
  const why = await engineProblem('buildkit');
  if (why) {
    console.log(`      SKIPPED: the BuildKit engine is not running (${why}); start it with bash scripts/engines/start.sh buildkit`);
    ctx.skip();
  }
  let release: (() => void) | undefined;
  let locked: Promise<void> | undefined;
  // An oracle run on the same daemon may hold the lock for a while (withEngineLock waits up to 20 minutes).
  await new Promise<void>((acquired) => {
    locked = withEngineLock('buildkit', () => {
      acquired();
      return new Promise<void>((done) => (release = done));
    });
  });
  return async () => {
    release?.();
    await locked;
  };
}
