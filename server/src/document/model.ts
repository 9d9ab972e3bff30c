// One model per document version: the parsed text, the plan and the advice of one Dockerfile text with what the
// plan depends on (the project's context and build configuration, the baseline, the simulation), each computed the
// first time a feature asks and then shared by all of them (lenses, hovers, diagnostics, code actions, the layer
// stack, the status). documents.ts keeps one per open document and makes a new one when the text or any of those
// inputs changes; the CLI makes one from a file. Text past the limits of core/dockerfile/limits.ts is not parsed
// further: every feature then answers with the limit's message.
import { LimitError, parseWithinLimits, type LimitProblem } from '../core/dockerfile/limits';
import type { ParsedDockerfile } from '../core/dockerfile/parse';
import { advise, type Advice } from '../core/advise/advise';
import { textModel, type TextModel } from '../core/advise/text';
import type { Translate } from '../core/shared/translate';
import type { Builder } from '../core/shared/types';
import { adviseContextOf } from '../adviseContext';
import type { Project, ProjectPlan } from '../diskProject';

/** The parse of one text (and the limit it goes past, if any), made the first time it is asked for. */
export class ParsedText {
  private result: { parsed?: ParsedDockerfile; limit?: LimitProblem } | undefined;
  private textLines: TextModel | undefined;

  constructor(readonly text: string) {}

  /** parseDockerfile(text), or undefined where it throws or the text is past the limits. */
  get parsed(): ParsedDockerfile | undefined {
    return this.parse().parsed;
  }

  /** The text as lines (core/advise/text.ts), which the fixes and the hovers' ranges are made of. */
  get lines(): TextModel {
    this.textLines ??= textModel(this.text);
    return this.textLines;
  }

  /** The limit of core/dockerfile/limits.ts the text goes past, if any. */
  get limit(): LimitProblem | undefined {
    return this.parse().limit;
  }

  private parse(): { parsed?: ParsedDockerfile; limit?: LimitProblem } {
    if (!this.result) {
      try {
        this.result = parseWithinLimits(this.text);
      } catch {
        this.result = {};
      }
    }
    return this.result;
  }
}

export interface AdviceResult {
  advice: Advice[];
  /** Set when the text is past a limit of core/dockerfile/limits.ts: no advice, this one message instead. */
  limit?: LimitProblem;
}

/** What a model is made of besides its text; a model is current while each is the same object. */
export interface ModelInputs {
  /** The document (the advice's file name). */
  uri: string;
  builder: Builder;
  /** The project the text is planned in; its context is the advice's only when its text is the model's. */
  project?: Project;
  /** Makes the plan from the parse (undefined when it threw); absent when there is nothing to plan. */
  plan?: (parsed: ParsedDockerfile | undefined) => ProjectPlan;
  /** Identities the plan depends on beyond the project (settings, baseline, simulation), compared by `current`. */
  depends?: readonly unknown[];
  /** The parse of another text of the same document (one is kept for the document's newest text). */
  sourceFor?: (text: string) => ParsedText;
}

export class DocumentModel {
  private planned: ProjectPlan | undefined;
  private readonly advised = new Map<Translate, AdviceResult>();
  private newer: DocumentModel | undefined;

  constructor(
    readonly source: ParsedText,
    private readonly inputs: ModelInputs,
  ) {}

  get text(): string {
    return this.source.text;
  }

  get parsed(): ParsedDockerfile | undefined {
    return this.source.parsed;
  }

  get limit(): LimitProblem | undefined {
    return this.source.limit;
  }

  /** The project, when it holds this text (its context is the one the text is planned and advised in). */
  get project(): Project | undefined {
    const { project } = this.inputs;
    return project?.text === this.text ? project : undefined;
  }

  /** Whether this is the model of this text with these inputs (same objects). */
  current(text: string, project: Project | undefined, depends: readonly unknown[]): boolean {
    const mine = this.inputs.depends ?? [];
    return this.text === text && this.inputs.project === project && mine.length === depends.length && mine.every((d, i) => d === depends[i]);
  }

  /** Whether the plan was made already. */
  get hasPlan(): boolean {
    return this.planned !== undefined;
  }

  /**
   * The plan, made once; undefined when the model has nothing to plan (no project or baseline, or the text is past a
   * limit). Throws what planning throws (a LimitError past an expansion limit), and plans again when asked again.
   */
  plan(): ProjectPlan | undefined {
    if (this.planned || !this.inputs.plan || this.limit) return this.planned;
    this.planned = this.inputs.plan(this.parsed);
    return this.planned;
  }

  /** The advice of core/advise/ on this text in this language, over the project's context when it holds the text. */
  advice(t: Translate): AdviceResult {
    const known = this.advised.get(t);
    if (known) return known;
    let result: AdviceResult;
    const limit = this.limit;
    if (limit) result = { advice: [], limit };
    else {
      const { parsed, project } = this;
      try {
        result = {
          advice: advise({
            text: this.text,
            builder: this.inputs.builder,
            t,
            fileName: this.inputs.uri,
            ...(parsed ? { parsed } : {}),
            lines: this.source.lines,
            ...(project ? { context: adviseContextOf(project) } : {}),
          }),
        };
      } catch (e) {
        if (!(e instanceof LimitError)) throw e;
        result = { advice: [], limit: { line: e.line ?? 1, message: e.message, text: e.text } };
      }
    }
    this.advised.set(t, result);
    return result;
  }

  /**
   * The model of `text`: this one when it is this model's text; otherwise (an edit the analysis has not taken up
   * yet) a model of that text with no context and no plan, kept for the next feature that asks for the same text.
   */
  at(text: string): DocumentModel {
    if (text === this.text) return this;
    if (this.newer?.text !== text) {
      const source = this.inputs.sourceFor?.(text) ?? new ParsedText(text);
      this.newer = new DocumentModel(source, {
        uri: this.inputs.uri,
        builder: this.inputs.builder,
        ...(this.inputs.sourceFor ? { sourceFor: this.inputs.sourceFor } : {}),
      });
    }
    return this.newer;
  }
}
