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
    // The client talks to the server through the contract module only (server/src/protocol.ts: every request and
    // notification as a typed vscode-jsonrpc declaration) and the pure helpers of server/src/shared it re-exports.
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/server/(?!src/(protocol|shared/[a-z]+)$)',
              message: 'client/ may import from the server only server/src/protocol (the shared contract) and server/src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    // The webviews: the pure helpers of server/src/shared, and the contract's types only (its value imports would
    // bundle the RPC library into the page).
    files: ['media/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/server/(?!src/(protocol|shared/[a-z]+)$)',
              message: 'media/ may import from the server only server/src/shared and the types of server/src/protocol.',
            },
            {
              regex: '/server/src/protocol$',
              allowTypeImports: true,
              message: 'media/ may import only types from server/src/protocol (its values bundle the RPC library); use server/src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    // Requests and notifications go through their declaration (server/src/protocol.ts) whole: its method name is not
    // sent on its own, and a result type comes from the declaration, not from a cast on sendRequest.
    files: ['client/**/*.ts', 'server/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[object.name=/(Request|Notification)$/][property.name="method"]',
          message: 'Pass the declaration itself (sendRequest(someRequest, params), onRequest(someRequest, handler)), not its method name.',
        },
        {
          selector: 'CallExpression[callee.property.name=/^(sendRequest|sendNotification|onRequest|onNotification)$/][typeArguments]',
          message: 'The declaration types the call: no type arguments on sendRequest/onRequest.',
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
  },
);
