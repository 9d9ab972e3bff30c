// Rule apt-update-alone: `RUN apt-get update` on its own is keyed by its text only (cache-rules R7),
// so its package index stays in the cache and later installs read a stale index. The fix removes
// that RUN and starts the next install RUN of the stage with the same update command.
import { commandStart, makeAdvice, type Rule } from '../rule';
import { deleteLines } from '../text';
import { looseWords, splitCommands } from '../shell';
import type { Advice, Fix } from '../types';
import type { Instruction } from '../../dockerfile/parse';

const UPDATE = /^(apt-get|apt)( +-[-a-zA-Z=]+)* update( +-[-a-zA-Z=]+)*$|^apk( +-[-a-zA-Z=]+)* update$/;
const INSTALL = { apt: /\b(apt-get|apt)\b[^&|;]*\binstall\b/, apk: /\bapk\b[^&|;]*\badd\b/ };

function updateOnly(ins: Instruction): { family: 'apt' | 'apk'; text: string } | undefined {
  if (ins.keyword !== 'RUN' || ins.json || ins.heredocs.length) return undefined;
  const list = splitCommands(ins.args);
  if (!list.simple || !list.commands.length) return undefined;
  const normal = list.commands.map((c) => looseWords(c).join(' '));
  if (!normal.every((c) => UPDATE.test(c))) return undefined;
  return { family: normal[0].startsWith('apk') ? 'apk' : 'apt', text: list.commands.join(' && ') };
}

function sameFlags(a: Instruction, b: Instruction): boolean {
  const key = (i: Instruction) =>
    i.flags
      .map((f) => `${f.name}=${f.value ?? ''}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
}

export const aptUpdateAlone: Rule = (ctx) => {
  const out: Advice[] = [];
  const { t, model } = ctx;
  for (const stage of ctx.graph.stages) {
    stage.instructions.forEach((ins, i) => {
      const update = updateOnly(ins);
      if (!update) return;
      const later = stage.instructions.slice(i + 1);
      const installAt = later.findIndex((x) => x.keyword === 'RUN' && INSTALL[update.family].test(x.json ? x.json.join(' ') : x.args));
      const fixes: Fix[] = [];
      let message = t(
        '`{0}` alone in a RUN is cached by its text: the package index it downloaded is reused by later builds until this line or an earlier step changes, so the installs after it can get outdated or missing package versions.',
        update.text,
      );
      if (installAt < 0) {
        message += ' ' + t('No later RUN of this stage installs packages: this step only adds a layer.');
      } else {
        const install = later[installAt];
        message += ' ' + t('Run it in the same RUN as the install on line {0}.', install.line);
        const between = later.slice(0, installAt);
        const start = install.json || install.heredocs.length ? undefined : commandStart(model, install, ctx.parsed.escape);
        const blocked = between.some((x) => x.keyword === 'RUN' && /\b(apt|apt-get|apt-cache|dpkg|add-apt-repository|apk)\b/.test(x.args));
        if (start && sameFlags(ins, install) && !blocked) {
          fixes.push({
            title: t('Merge into the install on line {0}', install.line),
            edits: [deleteLines(model, ins.line - 1, ins.endLine - 1), { range: { start, end: start }, newText: `${update.text} && ` }],
            rewrites: [ins.line, install.line],
            isPreferred: true,
          });
        }
      }
      out.push(
        makeAdvice(
          ctx,
          'apt-update-alone',
          'warning',
          ins,
          message,
          fixes,
          installAt < 0 ? {} : { related: [{ line: later[installAt].line, message: t('the package install') }] },
        ),
      );
    });
  }
  return out;
};
