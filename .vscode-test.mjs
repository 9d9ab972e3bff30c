// @vscode/test-cli configuration for `npm run test:vscode` (scripts/vscode/run-integration.mjs prepares the
// bundled tests and the VS Code download, then runs `vscode-test` with this file).
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'integration',
  files: '.artifacts/vscode-test/**/*.test.js',
  workspaceFolder: 'test/fixtures/e2e-workspace',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  useInstallation: process.env.LAYERLENS_VSCODE_EXECUTABLE ? { fromPath: process.env.LAYERLENS_VSCODE_EXECUTABLE } : undefined,
  mocha: { ui: 'bdd', timeout: 60_000 },
});
