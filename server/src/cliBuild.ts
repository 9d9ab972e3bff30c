// `layerlens build`: a real build of the Dockerfile with the same options as plan, through the docker CLI on PATH
// (DOCKER_HOST / docker context as usual). Predicts first, builds, records the built state with its timings and
// sizes into the store (after a failure or an interrupt, the steps Docker finished: its cache keeps them), prints
// predicted vs actual. Exit 0 when the build succeeded, 1 when it failed or docker could not be used (the message
// says what to do), 130 when interrupted.
import type { Project } from './diskProject';
import { buildProject } from './build/buildProject';
import { DockerProblem } from './build/docker';
import { formatBuildReport, stoppedBuildNote } from './build/report';
import { buildId, knownBuilds, recordBuild } from './core/plan/store';
import { StoreError, updateStore, type LoadedStore } from './storeFile';
import { renderMessage } from './core/shared/message';

export async function buildCommand(project: Project, loaded: LoadedStore, storePath: string, json: boolean): Promise<number> {
  const { builder, target } = project.options;
  const id = buildId(builder, project.dockerfileAbs, target);
  const abort = new AbortController();
  const interrupt = (): void => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    const report = await buildProject(
      project,
      knownBuilds(loaded.store, builder, id),
      (keys, build) => {
        // Added to the store as it is on disk now (under its lock): another process may have recorded while this build ran.
        const written = updateStore(storePath, (current) => recordBuild(current, builder, id, keys, build, { source: 'build', at: Date.now() }), {
          known: loaded,
        });
        for (const note of written.notes) process.stderr.write(`layerlens: ${renderMessage(note)}\n`);
      },
      { signal: abort.signal, onLog: (line) => process.stderr.write(`${line}\n`) },
    );
    if (json) process.stdout.write(JSON.stringify(report) + '\n');
    else process.stdout.write(`\n${formatBuildReport(report)}\n`);
    if (!report.ok) process.stderr.write(`layerlens: ${report.failure?.message ?? 'The build failed.'} ${stoppedBuildNote(report)}\n`);
    if (report.canceled) return 130;
    if (!report.ok) return 1;
    return 0;
  } catch (e) {
    if (e instanceof DockerProblem || e instanceof StoreError) {
      process.stderr.write(`layerlens: ${e.message}\n`);
      return e instanceof DockerProblem && e.kind === 'canceled' ? 130 : 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', interrupt);
  }
}
