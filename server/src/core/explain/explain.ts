// Hover text (Markdown) for one instruction or one of its flags: what it does, when it runs,
// whether it adds a layer with each builder, what its cache key includes, and this step's verdict.
// `cacheOnly` keeps only the layer and cache part, for users whose other Docker extension already
// documents the instructions. Every sentence goes through the injected `t`.
import { cacheKeyText, cacheNotes, layerLines } from './cache';
import { explainFlagText } from './flags';
import { referenceLink, whatItDoes, whenItRuns } from './keywords';
import { englishT, type Translate } from '../shared/translate';
import { argDeclarations } from '../dockerfile/stages';
import type { Flag, Instruction } from '../dockerfile/parse';
import type { Builder, StepPrediction } from '../shared/types';

export interface ExplainOptions {
  builder: Builder;
  /** Only the layer and cache part. */
  cacheOnly?: boolean;
  t?: Translate;
  /** Every instruction of the file, so a hover can name the CMD that replaces this one, etc. */
  instructions?: readonly Instruction[];
}

export function explainInstruction(ins: Instruction, step: StepPrediction | undefined, options: ExplainOptions): string {
  const t = options.t ?? englishT;
  const out: string[] = [`**${ins.keyword}** · [${t('Dockerfile reference')}](${referenceLink(ins.keyword)})`];
  if (!options.cacheOnly) {
    const what = whatItDoes(ins.keyword, t);
    if (what) out.push(what);
    const when = whenItRuns(ins.keyword, t);
    if (when) out.push(`**${t('When')}:** ${when}`);
    const specific = specifics(ins, options, t);
    if (specific.length) out.push(specific.join(' '));
  }
  out.push(
    `**${t('Layer')}:**\n` +
      layerLines(ins, options.builder, t)
        .map((l) => `- ${l}`)
        .join('\n'),
  );
  out.push(`**${t('Cache key')}:** ${cacheKeyText(ins, options.builder, t)}`);
  out.push(...cacheNotes(ins, t));
  if (ins.flags.length) {
    const lines = ins.flags.map((f) => `- \`--${f.name}${f.value !== undefined ? '=' + f.value : ''}\`: ${explainFlagText(ins.keyword, f, t).cacheText}`);
    out.push(`**${t('Flags')}:**\n` + lines.join('\n'));
  }
  if (options.builder === 'classic' && ins.keyword === 'RUN' && ins.flags.length)
    out.push(t('The classic builder rejects RUN flags: this line needs BuildKit.'));
  if (step) out.push('---\n' + verdictLine(step, t));
  return out.join('\n\n');
}

export function explainFlag(ins: Instruction, flag: Flag, step: StepPrediction | undefined, options: ExplainOptions): string {
  const t = options.t ?? englishT;
  const text = explainFlagText(ins.keyword, flag, t);
  const out = [`**${ins.keyword} --${flag.name}** · [${t('Dockerfile reference')}](${text.link})`];
  if (!options.cacheOnly) out.push(text.text);
  out.push(`**${t('Cache key')}:** ${text.cacheText}`);
  if (step) out.push('---\n' + verdictLine(step, t));
  return out.join('\n\n');
}

export function statusText(status: StepPrediction['status'], t: Translate): string {
  switch (status) {
    case 'cached':
      return t('cached');
    case 'rebuilds':
      return t('rebuilds');
    case 'maybe':
      return t('may rebuild');
    case 'skipped':
      return t('skipped');
    default:
      return t('not a build step');
  }
}

function verdictLine(step: StepPrediction, t: Translate): string {
  return `**${t('This step')}:** ${statusText(step.status, t)} — ${step.reason}`;
}

/** The instructions of the stage `ins` belongs to (from its FROM up to the next). */
function stageOf(ins: Instruction, all: readonly Instruction[]): Instruction[] {
  const at = all.indexOf(ins);
  if (at < 0) return [ins];
  let start = at;
  while (start > 0 && all[start].keyword !== 'FROM') start--;
  let end = at + 1;
  while (end < all.length && all[end].keyword !== 'FROM') end++;
  return all.slice(start, end);
}

function specifics(ins: Instruction, options: ExplainOptions, t: Translate): string[] {
  const out: string[] = [];
  const all = options.instructions ?? [];
  const stage = stageOf(ins, all);
  const later = stage.slice(stage.indexOf(ins) + 1);
  switch (ins.keyword) {
    case 'RUN':
      if (ins.json) out.push(t('This line uses the exec form: the command runs without a shell, so `&&`, pipes and variables are not interpreted.'));
      if (ins.heredocs.length) out.push(t('The heredoc text is part of the command: editing it reruns the step (BuildKit only).'));
      break;
    case 'CMD':
    case 'ENTRYPOINT': {
      out.push(
        ins.json
          ? t(
              'This line uses the exec form (a JSON array): the program runs directly, without a shell, so it receives stop signals; variables such as $PORT are not expanded.',
            )
          : t(
              'This line uses the shell form: Docker runs it with `/bin/sh -c`, which expands variables, but the shell becomes the main process and may not pass stop signals on to the program.',
            ),
      );
      if (ins.keyword === 'CMD') out.push(t('Only the last CMD counts, and arguments after the image name in `docker run <image> ...` replace it.'));
      else out.push(t('Only the last ENTRYPOINT counts; `docker run --entrypoint` replaces it.'));
      const replacing = later.find((i) => i.keyword === ins.keyword);
      if (replacing) out.push(t('The {0} on line {1} replaces this one.', ins.keyword, replacing.line));
      const entry = stage.find((i) => i.keyword === 'ENTRYPOINT');
      if (ins.keyword === 'CMD' && entry) out.push(t('With the ENTRYPOINT on line {0}, this CMD only supplies its default arguments.', entry.line));
      break;
    }
    case 'EXPOSE': {
      const ports = ins.args.split(/\s+/).filter(Boolean);
      if (ports.length) {
        const publish = ports.map((p) => {
          const [port, proto] = p.split('/');
          return `-p ${port}:${port}${proto ? '/' + proto : ''}`;
        });
        out.push(
          t(
            'To reach it from your machine, publish it when you run the container: `{0}`, or `{1}` to publish every exposed port on a random host port.',
            `docker run ${publish.join(' ')} <image>`,
            'docker run -P <image>',
          ),
        );
      }
      break;
    }
    case 'ARG':
      if (all.includes(ins) && !all.slice(0, all.indexOf(ins)).some((i) => i.keyword === 'FROM')) {
        const name = argDeclarations(ins, new Map(), '\\')[0]?.[0] ?? '';
        out.push(t('Declared before the first FROM: only FROM lines can use it, unless a stage declares `ARG {0}` again.', name));
      }
      break;
  }
  return out;
}
