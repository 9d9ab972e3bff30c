// The Docker that "Layer Lens: Build Image" finds inside code-server: the private BuildKit engine of
// scripts/engines (its docker CLI first on PATH, its socket as DOCKER_HOST, the DOCKER_CONFIG holding buildx),
// when it is installed. Without it the environment is left as it is and the build test says why it skips.
import { existsSync } from 'node:fs';
import { engineDockerCli } from '../../oracle/engine';
import { engineEnv } from '../../build/engines';

export function codeServerEnv(): NodeJS.ProcessEnv {
  return existsSync(engineDockerCli('buildkit')) ? engineEnv('buildkit') : process.env;
}
