// Every user-facing string of the hovers and diagnostics is in the Korean bundle, translated with
// the same placeholders and code spans. Two ways to find the strings: a static scan of every
// `t('...')` call in server/src/core/explain*.ts and advise*.ts (which must all pass a literal),
// and a recording `t` while hovers and advice are produced for many inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { advise } from '../../server/src/core/advise/advise';
import { ruleSummary } from '../../server/src/core/advise/sarif';
import { ADVICE_CODES } from '../../server/src/core/advise/types';
import { explainFlag, explainInstruction } from '../../server/src/core/explain/explain';
import { formatMessage, type Translate } from '../../server/src/core/shared/translate';
import { KNOWN_KEYWORDS, parseDockerfile } from '../../server/src/core/dockerfile/parse';
import { generate } from './adviseGenerator.test';
import { MESSAGES } from '../../server/src/core/shared/message';
import { ALL_REASON_MESSAGES } from '../../server/src/core/plan/reason';
import { WEBVIEW_STRINGS } from '../../client/src/layerStack/messages';
import { HISTORY_WEBVIEW_STRINGS } from '../../client/src/history/messages';

const root = join(__dirname, '../..');
const bundle = JSON.parse(readFileSync(join(root, 'l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
const coreDir = join(root, 'server/src/core');
const tsIn = (dir: string) =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(root, dir, f));
// The language server's own words (lens verdicts, hover notes) too; l10n/ only hands messages on to @vscode/l10n.
const sources = [
  ...tsIn('server/src/core/explain'),
  ...tsIn('server/src/core/advise'),
  join(coreDir, 'stack/layerStack.ts'),
  join(coreDir, 'stack/stackText.ts'),
  join(coreDir, 'plan/cost.ts'),
  ...['server/src/features', 'server/src/document', 'server/src/store', 'server/src/lsp'].flatMap(tsIn),
];
// The client's own words (vscode.l10n.t, same bundle) and the layer stack webview's.
const clientDir = join(root, 'client/src');
const clientSources = readdirSync(clientDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(clientDir, f));

function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, '$1');
}

function scan(): Set<string> {
  const found = new Set<string>();
  for (const file of sources) {
    const src = readFileSync(file, 'utf8');
    const calls = src.match(/\bt\(/g)?.length ?? 0;
    const literals = [...src.matchAll(/\bt\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/g)].map((m) => unquote(m[1]));
    assert.equal(literals.length, calls, `${file}: every t(...) call must pass a string literal, so the bundle can be checked`);
    for (const l of literals) found.add(l);
  }
  // core/plan/reason.ts renders reasons through its table of messages, core/shared/message.ts other messages through
  // MESSAGES (checked in test/server/features/reasonText.test.ts and messages.test.ts): their templates are used too.
  const templates = Object.entries(MESSAGES).flatMap(([code, m]) => (code === 'verbatim' ? [] : [m]));
  for (const m of [...ALL_REASON_MESSAGES, ...templates]) found.add(m);
  for (const file of clientSources) {
    for (const m of readFileSync(file, 'utf8').matchAll(/vscode\.l10n\.t\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/g)) found.add(unquote(m[1]));
  }
  for (const m of [...WEBVIEW_STRINGS, ...HISTORY_WEBVIEW_STRINGS]) found.add(m);
  return found;
}

test('every string passed to t in explain*/advise* is translated in l10n/bundle.l10n.ko.json, and nothing else is there', () => {
  const used = scan();
  assert.ok(used.size > 100, `found ${used.size} strings`);
  const missing = [...used].filter((s) => !(s in bundle));
  assert.deepEqual(missing, [], 'strings without a Korean translation');
  const stale = Object.keys(bundle).filter((k) => !used.has(k));
  assert.deepEqual(stale, [], 'translations of strings the code no longer uses');
});

test('translations keep every placeholder and code span, and are Korean', () => {
  const spans = (s: string, re: RegExp) => [...s.matchAll(re)].map((m) => m[0]).sort();
  for (const [en, koText] of Object.entries(bundle)) {
    assert.deepEqual([...new Set(spans(koText, /\{\d+\}/g))], [...new Set(spans(en, /\{\d+\}/g))], `placeholders of: ${en}`);
    assert.deepEqual(spans(koText, /`[^`]+`/g), spans(en, /`[^`]+`/g), `code spans of: ${en}`);
    if (/[a-z]{3,} [a-z]{3,}/.test(en.replace(/`[^`]+`/g, ''))) assert.match(koText, /[\uac00-\ud7a3]/, `not translated: ${en}`);
  }
});

test('a recording t sees only bundled strings while hovers and advice are produced', () => {
  const seen = new Set<string>();
  const t: Translate = (m, ...args) => {
    seen.add(m);
    return formatMessage(bundle[m] ?? m, args);
  };
  for (const builder of ['buildkit', 'classic'] as const) {
    for (const keyword of KNOWN_KEYWORDS) {
      for (const args of ['x', '["a", "b"]', 'scratch', '/', '. .', 'apt-get update', 'curl x']) {
        const parsed = parseDockerfile(
          `FROM alpine\n${keyword} --from=a --chown=1 --chmod=2 --link --mount=type=cache,target=/c --mount=type=secret,id=s --mount=type=ssh --mount=type=tmpfs,target=/t --mount=target=/b --mount=from=a,source=x,target=/y --network=none --security=insecure --platform=x --exclude=y --parents --checksum=z --keep-git-dir --other ${args}\n`,
        );
        const ins = parsed.instructions[1];
        for (const cacheOnly of [false, true]) {
          explainInstruction(
            ins,
            { line: 2, endLine: 2, keyword, stage: '0', layer: 'none', status: 'maybe', reason: 'r', cause: { code: 'notPredicted' } },
            { builder, cacheOnly, t, instructions: parsed.instructions },
          );
          for (const f of ins.flags) explainFlag(ins, f, undefined, { builder, cacheOnly, t });
        }
      }
    }
  }
  for (const status of ['cached', 'rebuilds', 'skipped', 'none'] as const)
    explainInstruction(
      parseDockerfile('FROM a').instructions[0],
      { line: 1, endLine: 1, keyword: 'FROM', stage: '0', layer: 'filesystem', status, reason: 'r', cause: { code: 'notPredicted' } },
      { builder: 'buildkit', t },
    );
  for (const code of ADVICE_CODES) ruleSummary(code, t);
  for (let seed = 1; seed <= 150; seed++) {
    const { text, context } = generate(seed);
    advise({ text, context, t });
    advise({ text, t });
  }
  const missing = [...seen].filter((s) => !(s in bundle));
  assert.deepEqual(missing, []);
  assert.ok(seen.size > 120, `recorded ${seen.size} strings`);
});
