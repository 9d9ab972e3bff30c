import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'media/dist/**', 'node_modules/**', 'test/fixtures/**', 'examples/**', '.artifacts/**', '*.vsix', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The engine's core is pure: the Dockerfile parser, node's crypto and buffer, and itself. Everything that reads
  // disks, runs processes or talks to the editor lives above it (server/src), never below. A relative import may
  // climb only as far as server/src/core: one level from its folders, two from advise/rules.
  ...[
    { files: ['server/src/core/*.ts'], up: '\\./' },
    { files: ['server/src/core/*/*.ts'], up: '\\.\\.?/' },
    { files: ['server/src/core/*/*/*.ts'], up: '(\\./|(\\.\\./){1,2})' },
  ].map(({ files, up }) => ({
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(?!(dockerfile-ast|node:crypto|node:buffer|${up}[^./][^/]*(/[^./][^/]*)*)$)`,
              message: 'server/src/core may import only dockerfile-ast, node:crypto, node:buffer and core itself (it is the pure engine).',
            },
          ],
        },
      ],
    },
  })),
  {
    // The client and the webview talk to the server through the protocol module only. The three other server files
    // they still import go away when the remaining messages become data (they translate problem and baseline text and build the stack view).
    files: ['client/**/*.ts', 'media/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/server/(?!src/(protocol|l10n/reasonText|core/shared/translate|core/stack/layerStack)$)',
              message: 'client/ and media/ may import from the server only server/src/protocol (the shared contract).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
