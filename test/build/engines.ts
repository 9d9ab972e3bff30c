// How the build tests reach the private engines of scripts/engines (paths from test/oracle/engine.ts): the engine's
// own docker CLI, its socket as DOCKER_HOST, and the DOCKER_CONFIG that holds the buildx plugin.
import { dirname, join } from 'node:path';
import { engineDockerCli, engineSocket, toolsDir, type Engine } from '../oracle/engine';

export function engineEnv(engine: Engine): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // `docker` on PATH is this engine's CLI (what `layerlens build` and the editor run).
    PATH: `${dirname(engineDockerCli(engine))}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    DOCKER_HOST: `unix://${engineSocket(engine)}`,
    DOCKER_CONFIG: join(toolsDir(), 'docker-config'),
    DOCKER_CLI_HINTS: 'false',
  };
  for (const k of Object.keys(env)) if (/^(http|https|ftp|no|all)_proxy$/i.test(k)) delete env[k];
  delete env.DOCKER_CONTEXT;
  delete env.BUILDX_BUILDER;
  return env;
}

/** Options for runBuild / the CLI that build on this engine. */
export function engineRun(engine: Engine): { docker: string; env: NodeJS.ProcessEnv } {
  return { docker: engineDockerCli(engine), env: engineEnv(engine) };
}
