// Rule run-starts-app: a RUN that starts the application (`node server.js`, `npm start`,
// `python app.py`, ...) runs during the build, which then waits for a server that never exits.
// The fix turns it into CMD in exec form; when the stage already has a CMD or ENTRYPOINT (which a
// new CMD would replace or feed), the fix removes the RUN instead.
import { commandWords, looseWords, splitCommands, stripPrefixes } from '../shell';
import { flagText, keywordAsWritten, makeAdvice, type Rule } from '../rule';
import { deleteLines, replaceLines } from '../text';
import type { Advice, Fix } from '../types';

const SCRIPT = /^(\.\/)?((src|dist|build|bin|lib|app|server)\/)?(server|app|index|main|start|www)(\.(c|m)?(js|ts))?$/;
const PY = /^(\.\/)?((src|app)\/)?(app|main|server|run|wsgi|asgi)\.py$/;

/** Whether a command (words after VAR=value prefixes) starts a long-running application. */
export function startsApp(command: string): boolean {
  let w = stripPrefixes(looseWords(command));
  if (w[0] === 'bundle' && w[1] === 'exec') w = w.slice(2);
  const [a, b, c] = w;
  if (a === undefined) return false;
  if (
    (a === 'node' || a === 'nodejs' || a === 'bun' || a === 'deno' || a === 'ts-node' || a === 'tsx') &&
    b !== undefined &&
    (SCRIPT.test(b) || b === 'bin/www')
  )
    return true;
  if (
    ['npm', 'yarn', 'pnpm', 'bun'].includes(a) &&
    (b === 'start' || (b === 'run' && /^(start|dev|serve|prod)$/.test(c ?? '')) || (a !== 'npm' && /^(dev|serve)$/.test(b ?? '')))
  )
    return true;
  if (/^python(3(\.\d+)?)?$/.test(a)) {
    if (b !== undefined && PY.test(b)) return true;
    if (b === 'manage.py' && c === 'runserver') return true;
    if (b === '-m' && (['uvicorn', 'gunicorn', 'http.server', 'hypercorn'].includes(c ?? '') || (c === 'flask' && w[3] === 'run'))) return true;
  }
  if (['uvicorn', 'gunicorn', 'hypercorn', 'daphne', 'puma', 'rackup', 'unicorn'].includes(a)) return true;
  if ((a === 'flask' || a === 'streamlit') && b === 'run') return true;
  if ((a === 'rails' || a === 'bin/rails' || a === './bin/rails') && (b === 'server' || b === 's')) return true;
  if (a === 'java' && b === '-jar') return true;
  if (a === 'dotnet' && (b === 'run' || /\.dll$/.test(b ?? ''))) return true;
  if (a === 'go' && b === 'run') return true;
  if (a === 'php' && (b === '-S' || (b === 'artisan' && c === 'serve'))) return true;
  if (a === 'nginx' && w.join(' ').includes('daemon off')) return true;
  return ['apache2-foreground', 'httpd-foreground', 'php-fpm'].includes(a) || (a === 'caddy' && b === 'run');
}

/** CMD in exec form: plain words when the command needs no shell, else `sh -c`. */
export function execForm(command: string): string {
  const words = commandWords(command);
  const plain = words && words.length > 0 && !words[0].includes('=') && !/[|&;<>()*?~]/.test(command);
  return JSON.stringify(plain ? words : ['/bin/sh', '-c', command]).replace(/","/g, '", "');
}

export const runStartsApp: Rule = (ctx) => {
  const out: Advice[] = [];
  const { t, model } = ctx;
  for (const stage of ctx.graph.stages) {
    const starters = stage.instructions.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'RUN' || ins.heredocs.length) continue;
      const list = ins.json ? { commands: [ins.json.join(' ')], separators: [], simple: true } : splitCommands(ins.args);
      const last = list.commands[list.commands.length - 1];
      if (!last || !startsApp(last)) continue;
      const fixes: Fix[] = [];
      const comments = model.lines
        .slice(ins.line, ins.endLine)
        .filter((l) => /^\s*#/.test(l))
        .map((l) => l + model.eol)
        .join('');
      const cmdKeyword = keywordAsWritten(model, ins) === 'run' ? 'cmd' : 'CMD';
      const command = ins.json ? JSON.stringify(ins.json).replace(/","/g, '", "') : execForm(last);
      const earlier = list.commands.slice(0, -1);
      const chainable = list.simple && list.separators.every((s) => s === '&&');
      if (starters.length) {
        const other = starters[starters.length - 1];
        if (!earlier.length) {
          fixes.push({
            title: t('Remove this RUN (the {0} on line {1} starts the container)', other.keyword, other.line),
            edits: [deleteLines(model, ins.line - 1, ins.endLine - 1)],
            rewrites: [ins.line],
            isPreferred: true,
          });
        }
      } else if (!earlier.length || chainable) {
        const run = earlier.length ? [keywordAsWritten(model, ins), ...ins.flags.map(flagText), earlier.join(' && ')].join(' ') + model.eol : '';
        fixes.push({
          title: t('Turn into {0}', `CMD ${command}`),
          edits: [replaceLines(model, ins.line - 1, ins.endLine - 1, comments + run + `${cmdKeyword} ${command}` + model.eol)],
          rewrites: [ins.line],
          isPreferred: true,
        });
      }
      const message = t(
        'This RUN starts the application (`{0}`) during the build: the build waits for it to exit, and a server never does. Start it when the container starts, with CMD.',
        last.length > 60 ? last.slice(0, 59) + '…' : last,
      );
      out.push(makeAdvice(ctx, 'run-starts-app', 'warning', ins, message, fixes));
    }
  }
  return out;
};
