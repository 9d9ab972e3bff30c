// SARIF 2.1.0 for `layerlens check --format sarif` (CI code scanning): one run, the rules that
// exist, one result per advice with its location, and the quick fixes as SARIF fixes.
import { ADVICE_CODES, type Advice, type AdviceCode, type AdviceSeverity, type Range } from './types';
import { englishT, type Translate } from '../shared/translate';

export function ruleSummary(code: AdviceCode, t: Translate): string {
  switch (code) {
    case 'copy-before-install':
      return t('A broad COPY comes before a dependency install, so every source edit reruns the install.');
    case 'arg-declared-early':
      return t('An ARG is declared long before its first use, so a new value reruns every RUN in between.');
    case 'apt-update-alone':
      return t('apt-get update runs in its own RUN, so its package index goes stale in the cache.');
    case 'run-starts-app':
      return t('A RUN starts the application during the build; it belongs in CMD.');
    case 'cmd-overridden':
      return t('A stage has more than one CMD or ENTRYPOINT; only the last one counts.');
    case 'missing-dockerignore':
      return t('COPY . copies .git, node_modules or build output because there is no .dockerignore.');
    case 'consecutive-runs':
      return t('Consecutive RUN instructions could share one layer (a caching trade-off).');
    case 'template-not-analysed':
      return t('A Dockerfile template (Jinja, Go template) is not analysed: its lines are template syntax.');
  }
}

const LEVEL: Record<AdviceSeverity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
const DEFAULT_LEVEL: Record<AdviceCode, 'warning' | 'note'> = {
  'copy-before-install': 'warning',
  'arg-declared-early': 'note',
  'apt-update-alone': 'warning',
  'run-starts-app': 'warning',
  'cmd-overridden': 'warning',
  'missing-dockerignore': 'warning',
  'consecutive-runs': 'note',
  'template-not-analysed': 'note',
};

function pascal(code: string): string {
  return code
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/** LSP range (0-based, end exclusive) → SARIF region (1-based lines and columns, end column exclusive). */
function region(range: Range): Record<string, number> {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

export interface SarifOptions {
  /** URI of the Dockerfile relative to the source root (forward slashes), or an absolute file URI. */
  dockerfileUri: string;
  /** URI prefix for files a fix creates (the build context), relative like dockerfileUri. */
  contextUri: string;
  /** Absolute file URI of the source root, ending with '/', when dockerfileUri is relative. */
  srcRoot?: string;
  toolVersion: string;
  t?: Translate;
}

export function toSarif(advice: readonly Advice[], options: SarifOptions): object {
  const t = options.t ?? englishT;
  const relative = !/^[a-z]+:/i.test(options.dockerfileUri);
  const location = (uri: string) => (relative ? { uri, uriBaseId: '%SRCROOT%' } : { uri });
  const rules = ADVICE_CODES.map((code) => ({
    id: code,
    name: pascal(code),
    shortDescription: { text: ruleSummary(code, t) },
    defaultConfiguration: { level: DEFAULT_LEVEL[code] },
  }));
  const results = advice.map((a) => ({
    ruleId: a.code,
    ruleIndex: ADVICE_CODES.indexOf(a.code),
    level: LEVEL[a.severity],
    message: { text: a.message },
    locations: [{ physicalLocation: { artifactLocation: location(options.dockerfileUri), region: region(a.range) } }],
    ...(a.related?.length
      ? {
          relatedLocations: a.related.map((r, i) => ({
            id: i + 1,
            message: { text: r.message },
            physicalLocation: { artifactLocation: location(options.dockerfileUri), region: { startLine: r.line } },
          })),
        }
      : {}),
    ...(a.fixes.length
      ? {
          fixes: a.fixes.map((f) => ({
            description: { text: f.title },
            artifactChanges: [
              ...(f.edits.length
                ? [
                    {
                      artifactLocation: location(options.dockerfileUri),
                      replacements: f.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
                    },
                  ]
                : []),
              ...(f.createFiles ?? []).map((c) => ({
                artifactLocation: location(
                  options.contextUri === '' || options.contextUri === '.' ? c.path : `${options.contextUri.replace(/\/$/, '')}/${c.path}`,
                ),
                replacements: [{ deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }, insertedContent: { text: c.text } }],
              })),
            ],
          })),
        }
      : {}),
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Layer Lens', version: options.toolVersion, rules } },
        ...(relative && options.srcRoot ? { originalUriBaseIds: { '%SRCROOT%': { uri: options.srcRoot } } } : {}),
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
