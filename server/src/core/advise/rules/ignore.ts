// Rule missing-dockerignore: `COPY .` with no .dockerignore copies .git, node_modules and build
// output too; they bloat the context and rerun the COPY whenever they change (every commit
// changes .git, cache-rules R20). The fix creates a .dockerignore listing what was found, and only
// what the Dockerfile recreates itself (node_modules only when it installs, dist only when it
// builds), so the image keeps everything it needs.
import { classifyCommand } from '../ecosystems';
import { splitCommands } from '../shell';
import { copyOperands, makeAdvice, runCommand, type Rule } from '../rule';
import { flagValue } from '../../dockerfile/parse';
import type { Advice } from '../types';

const JS = new Set(['npm', 'yarn', 'pnpm', 'bun']);
const PY = new Set(['pip', 'pipenv', 'poetry', 'uv']);
const JS_BUILD = /\b(npm run build|yarn( run)? build|pnpm( run)? build|bun run build|tsc|next build|vite build|ng build|nuxt build|webpack)\b/;

export const missingDockerignore: Rule = (ctx) => {
  const index = ctx.index();
  if (!index || ctx.ignoreFile !== undefined) return [];
  const all = ctx.graph.stages.flatMap((s) => s.instructions);
  const copy = all.find(
    (i) =>
      (i.keyword === 'COPY' || i.keyword === 'ADD') &&
      flagValue(i, 'from') === undefined &&
      (copyOperands(i)?.sources ?? []).some((s) => s === '.' || s === './'),
  );
  if (!copy) return [];
  const runs = all.filter((i) => i.keyword === 'RUN').map(runCommand);
  const found = runs.flatMap((r) => splitCommands(r).commands.flatMap(classifyCommand));
  const installs = (ids: Set<string>) => found.some((f) => ids.has(f.ecosystem.id));
  const builds = (id: string) => found.some((f) => f.ecosystem.id === id && f.classification.kind === 'build');
  const jsBuild = runs.some((r) => JS_BUILD.test(r));
  const wanted: Array<[string, boolean]> = [
    ['.git', true],
    ['node_modules', installs(JS)],
    ['dist', jsBuild],
    ['build', jsBuild || builds('gradle')],
    ['out', jsBuild],
    ['.next', jsBuild],
    ['target', builds('cargo') || builds('maven')],
    ['bin', builds('dotnet')],
    ['obj', builds('dotnet')],
    ['.gradle', builds('gradle')],
    ['.venv', installs(PY)],
    ['__pycache__', true],
  ];
  const entries = wanted.filter(([p, ok]) => ok && index.has(p)).map(([p]) => p);
  if (index.below('').some((p) => /(^|\/)__pycache__$/.test(p) && p !== '__pycache__') && !entries.includes('__pycache__')) entries.push('**/__pycache__');
  else if (entries.includes('__pycache__')) entries[entries.indexOf('__pycache__')] = '**/__pycache__';
  if (!entries.length) return [];
  const { t } = ctx;
  const list = entries.join(', ');
  const message = t(
    'This COPY sends the whole build context and there is no .dockerignore, so {0} get copied too: a bigger context, and this step reruns whenever they change (every commit changes .git). Exclude them in a .dockerignore.',
    list,
  );
  const out: Advice[] = [
    makeAdvice(ctx, 'missing-dockerignore', 'warning', copy, message, [
      {
        title: t('Create .dockerignore with {0}', list),
        edits: [],
        createFiles: [{ path: '.dockerignore', text: entries.join('\n') + '\n' }],
        rewrites: [],
        isPreferred: true,
      },
    ]),
  ];
  return out;
};
