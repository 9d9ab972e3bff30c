// `layerlens record --from-docker-history [DOCKERFILE]`: the builds of this Dockerfile that Docker's own build
// history holds (`docker buildx history`), recorded in the store as the editor records them when it opens the
// Dockerfile (features/dockerHistory.ts, the same reader): for a build made in a terminal the editor never saw, by
// a script, or on a machine whose editor is closed. The build's context, target, build args and platform come from
// Docker's record, so the options that name them are refused here.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DockerHistoryReader } from './features/dockerHistory';
import { dockerHistoryRunner } from './build/dockerHistory';
import { openWorkspaceStore } from './store/record';
import { renderMessage } from './core/shared/message';
import { UsageError } from './cliArgs';

export interface FromHistoryValues {
  context?: string;
  builder?: string;
  'build-arg'?: string[];
  'build-context'?: string[];
  target?: string;
  platform?: string;
  compose?: string;
  bake?: string;
  devcontainer?: string;
  json?: boolean;
}

/** Options that name what Docker's record already says: given with --from-docker-history, they are an error. */
const FROM_RECORD = ['context', 'build-arg', 'build-context', 'target', 'platform', 'compose', 'bake', 'devcontainer'] as const;

export async function recordFromDockerHistory(values: FromHistoryValues, dockerfileArg: string | undefined, storePath: string): Promise<number> {
  const given = FROM_RECORD.filter((k) => values[k] !== undefined);
  if (given.length)
    throw new UsageError(
      `--from-docker-history reads the context, target, build args and platform from Docker's record of each build: leave out --${given.join(', --')}.`,
    );
  if (values.builder !== undefined && values.builder !== 'buildkit')
    throw new UsageError(`Docker's build history holds BuildKit builds only: --builder must be buildkit with --from-docker-history, not "${values.builder}".`);
  const dockerfile = resolve(dockerfileArg ?? 'Dockerfile');
  if (!existsSync(dockerfile)) {
    process.stderr.write(`layerlens: ${dockerfile} does not exist: name the Dockerfile whose builds to read.\n`);
    return 1;
  }
  const store = openWorkspaceStore(storePath);
  if (store.warning) process.stderr.write(`layerlens: ${renderMessage(store.warning)}\n`);
  const reader = new DockerHistoryReader(
    // The user named this Dockerfile on the command line: its builds are read wherever their context is, with the
    // docker of the user's PATH (as `layerlens build` runs it).
    { trusted: () => true, workspaceFolders: () => ['/'], store: () => store, storeChanged: () => undefined },
    dockerHistoryRunner('docker', () => [], process.env),
  );
  const result = await reader.read(dockerfile);
  if (result.problem) {
    process.stderr.write(`layerlens: Docker's build history could not be read: ${result.problem}.\n`);
    return 1;
  }
  if (values.json) {
    process.stdout.write(JSON.stringify({ dockerfile, recorded: result.recorded, store: storePath, messages: result.messages }) + '\n');
    return 0;
  }
  for (const m of result.messages) process.stdout.write(`${m}\n`);
  if (result.recorded === 0 && result.messages.length === 0)
    process.stdout.write(`No build of ${dockerfile} newer than the last one recorded in ${storePath} is in Docker's build history.\n`);
  return 0;
}
