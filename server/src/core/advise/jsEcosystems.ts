// The JavaScript package managers' entries of ECOSYSTEMS (npm, yarn, pnpm, bun). Split from ecosystems.ts.
import { has, onlyFlags, type Ecosystem } from './ecosystemTypes';

const JS_OUT = ['node_modules'];
const YARN_VALUED = ['--network-timeout', '--network-concurrency', '--cache-folder', '--modules-folder', '--mutex', '--registry'];

export const JS_ECOSYSTEMS: Ecosystem[] = [
  {
    id: 'npm',
    tools: ['npm'],
    downloadCache: /\.npm(\/|$)/,
    files: ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', '.npmrc'],
    required: /^package\.json$/,
    outputs: JS_OUT,
    workspaces: true,
    classify: (w) =>
      w[0] === 'npm' &&
      ['ci', 'install', 'i', 'clean-install'].includes(w[1]) &&
      !has(w, '-g', '--global') &&
      onlyFlags(w, 2, ['--omit', '--include', '--loglevel'])
        ? { kind: 'install' }
        : undefined,
  },
  {
    id: 'yarn',
    tools: ['yarn'],
    downloadCache: /yarn/,
    files: ['package.json', 'yarn.lock', '.yarnrc', '.yarnrc.yml', '.npmrc'],
    dirs: ['.yarn/releases', '.yarn/plugins', '.yarn/patches'],
    required: /^package\.json$/,
    outputs: JS_OUT,
    workspaces: true,
    classify: (w) => {
      if (w[0] !== 'yarn') return undefined;
      // `yarn workspaces focus` (Yarn Berry) installs the named workspaces from the manifests only.
      if (w[1] === 'workspaces' && w[2] === 'focus') return { kind: 'install' };
      return (w.length === 1 || w[1].startsWith('-') || w[1] === 'install') && onlyFlags(w, w[1] === 'install' ? 2 : 1, YARN_VALUED)
        ? { kind: 'install' }
        : undefined;
    },
  },
  {
    id: 'pnpm',
    tools: ['pnpm'],
    downloadCache: /pnpm/,
    files: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc', '.pnpmfile.cjs'],
    dirs: ['patches'],
    required: /^package\.json$/,
    outputs: JS_OUT,
    workspaces: true,
    classify: (w) => (w[0] === 'pnpm' && ['install', 'i', 'fetch'].includes(w[1]) && onlyFlags(w, 2) ? { kind: 'install' } : undefined),
  },
  {
    id: 'bun',
    tools: ['bun'],
    downloadCache: /\.bun/,
    files: ['package.json', 'bun.lock', 'bun.lockb', 'bunfig.toml', '.npmrc'],
    required: /^package\.json$/,
    outputs: JS_OUT,
    workspaces: true,
    classify: (w) => (w[0] === 'bun' && ['install', 'i'].includes(w[1]) && onlyFlags(w, 2) ? { kind: 'install' } : undefined),
  },
];
