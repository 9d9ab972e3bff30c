// A generator of varied Dockerfiles with build contexts, shared by the fix and l10n tests (and a
// fuzz test of advice and hovers over truncated and garbled versions of them):
// directives, comments, blank lines, continuations with comments inside, heredocs, flags, several
// stages, lower-case keywords, CRLF line endings, and files without a final newline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advise } from '../../server/src/core/advise/advise';
import { hoverAt } from '../../server/src/core/explain/locate';
import { parseDockerfile } from '../../server/src/core/dockerfile/parse';
import type { AdviseContext } from '../../server/src/core/advise/types';
import { seededRandom } from '../helpers/random';

const rng = seededRandom;

const INSTALLS = [
  'npm ci',
  'npm install --omit=dev',
  'yarn install --frozen-lockfile',
  'pnpm install --frozen-lockfile',
  'bun install',
  'pip install --no-cache-dir -r requirements.txt',
  'pipenv install --deploy --system',
  'poetry install --no-root',
  'uv sync --locked',
  'go mod download',
  'go build -o /out/app .',
  'cargo build --release',
  'mvn -B package',
  './gradlew build --no-daemon',
  'bundle install',
  'composer install --no-dev',
  'dotnet restore',
  'dotnet publish -c Release -o /out',
  'mix deps.get',
];

type Gen = () => number;
const pick = <T>(r: Gen, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function body(r: Gen, stage: number, names: string[]): string[] {
  const out: string[] = [];
  const n = 3 + Math.floor(r() * 10);
  const copy = () => {
    const flags = [r() < 0.3 ? '--chown=app:app' : '', r() < 0.2 ? '--link' : '', r() < 0.1 ? '--chmod=644' : ''].filter(Boolean).join(' ');
    return `${r() < 0.1 ? 'copy' : 'COPY'} ${flags ? flags + ' ' : ''}${pick(r, ['. .', '. /app', './ ./', 'src .', 'package*.json ./', 'requirements.txt .', 'src ./src'])}`;
  };
  for (let i = 0; i < n; i++) {
    const k = Math.floor(r() * 24);
    if (k === 0) out.push(`# step ${i} of stage ${stage}`);
    else if (k === 1) out.push('');
    else if (k === 2) out.push(pick(r, ['WORKDIR /app', 'WORKDIR src', 'WORKDIR /']));
    else if (k === 3) out.push(`ARG V${i}=${i}`, `RUN echo first`, `RUN echo $V${i}`);
    else if (k === 4) out.push(pick(r, ['ENV NODE_ENV=production', 'ENV A=1 B=2', 'USER app', 'LABEL x=y']));
    else if (k === 5 || k === 6) out.push(copy());
    else if (k === 7)
      out.push(
        'RUN apt-get update',
        pick(r, [
          'RUN apt-get install -y curl',
          'RUN --mount=type=cache,target=/var/cache/apt apt-get install -y git',
          '# later',
          'RUN apt-get install -y \\\n    make \\\n    gcc',
        ]),
      );
    else if (k === 8 || k === 9) out.push(`RUN ${pick(r, INSTALLS)}`);
    else if (k === 10) out.push(`RUN ${pick(r, INSTALLS)} \\\n    # build it\n    && make build`);
    else if (k === 11)
      out.push(`RUN --mount=type=cache,target=/root/.cache ${pick(r, INSTALLS)} && ${pick(r, ['npm run build', 'echo done', 'rm -rf /tmp/x'])}`);
    else if (k === 12) out.push('RUN <<EOF\nset -e\n# not a comment: heredoc\necho hi\nEOF');
    else if (k === 13) out.push('COPY <<EOT /etc/motd\nhello\nEOT');
    else if (k === 14)
      out.push(
        pick(r, [
          'RUN node server.js',
          'RUN npm start',
          'RUN python app.py',
          'RUN npm run build && npm start',
          'RUN PORT=3000 node index.js',
          'RUN ["node", "server.js"]',
        ]),
      );
    else if (k === 15) out.push(pick(r, ['CMD ["node", "a.js"]', 'CMD npm start', 'ENTRYPOINT ["/entry.sh"]', 'cmd ["x"]']));
    else if (k === 16) out.push(`EXPOSE ${pick(r, ['3000', '80 443', '8080/udp'])}`);
    else if (k === 17 && names.length) out.push(`COPY --from=${pick(r, names)} /out /out`);
    else if (k === 18) out.push('RUN echo a \\\n  && echo b', 'RUN echo c');
    else if (k === 19) out.push('  RUN   echo indented   ');
    else if (k === 20) out.push('RUN apk update', 'RUN apk add --no-cache curl');
    else if (k === 21)
      out.push(
        'WORKDIR /app',
        `# sources${i}`,
        copy().replace(/ \S+ \S+$/, ` ${pick(r, ['. .', './ ./', 'src .'])}`),
        ...(r() < 0.3 ? ['ENV CI=1'] : []),
        `RUN ${pick(r, INSTALLS)}${r() < 0.3 ? ' && npm run build' : ''}`,
      );
    else out.push(`RUN echo step${i}`);
  }
  return out;
}

export function generate(seed: number): { text: string; context: AdviseContext } {
  const r = rng(seed);
  const lines: string[] = [];
  if (r() < 0.4) lines.push('# syntax=docker/dockerfile:1');
  if (r() < 0.3) lines.push('# a Dockerfile comment', '');
  if (r() < 0.3) lines.push('ARG BASE=node:20');
  const stages = 1 + Math.floor(r() * 3);
  const names: string[] = [];
  for (let s = 0; s < stages; s++) {
    const name = `s${s}`;
    lines.push(`${r() < 0.1 ? 'from' : 'FROM'} ${pick(r, ['node:20', 'python:3.12', 'golang:1.22', '${BASE}', ...names])}${r() < 0.7 ? ` AS ${name}` : ''}`);
    lines.push(...body(r, s, names));
    names.push(name);
  }
  const eol = r() < 0.4 ? '\r\n' : '\n';
  let text = lines.join('\n').replace(/\n/g, eol);
  if (r() < 0.8) text += eol;
  const all = [
    'package.json',
    'package-lock.json',
    'yarn.lock',
    'pnpm-lock.yaml',
    'bun.lock',
    'requirements.txt',
    'Pipfile',
    'pyproject.toml',
    'poetry.lock',
    'uv.lock',
    'go.mod',
    'go.sum',
    'Cargo.toml',
    'Cargo.lock',
    'pom.xml',
    '.mvn/wrapper/maven-wrapper.properties',
    'build.gradle',
    'settings.gradle',
    'gradlew',
    'Gemfile',
    'Gemfile.lock',
    'composer.json',
    'composer.lock',
    'src/App/App.csproj',
    'App.sln',
    'mix.exs',
    'mix.lock',
    'config/config.exs',
    'src/index.js',
    'src/main.py',
    '.git/HEAD',
    'node_modules/x/index.js',
    'dist/app.js',
    'packages/a/package.json',
  ];
  const paths = all.filter(() => r() < 0.5);
  return { text, context: { paths, ...(r() < 0.2 ? { ignoreFile: '.dockerignore' } : {}) } };
}

test('the generator writes varied Dockerfiles that parse', () => {
  const texts = Array.from({ length: 200 }, (_, i) => generate(i + 1).text);
  assert.ok(texts.some((t) => t.includes('\r\n')) && texts.some((t) => !t.includes('\r\n')));
  assert.ok(texts.some((t) => /<<EOF/.test(t)) && texts.some((t) => /\\\r?\n\s+# build it/.test(t)) && texts.some((t) => !/\n$/.test(t)));
  assert.ok(texts.some((t) => (t.match(/^from |^FROM /gim) ?? []).length >= 3));
  for (const t of texts) assert.ok(parseDockerfile(t).instructions.length > 2);
});

test('advice and hovers never throw on truncated or garbled Dockerfiles', () => {
  const r = rng(99);
  for (let i = 1; i <= 150; i++) {
    const { text, context } = generate(i);
    const cut = text.slice(0, Math.floor(r() * text.length));
    const garbled = [...cut].map((c) => (r() < 0.03 ? pick(r, ['\\', '"', "'", '[', '<<', '\r', '\n', '$', '{', '#', '\u00e9', ' --']) : c)).join('');
    for (const t of [cut, garbled]) {
      const advice = advise({ text: t, context });
      assert.ok(
        advice.every((a) => !a.message.startsWith('Layer Lens could not check')),
        advice.map((a) => a.message).join('\n'),
      );
      const lines = t.split('\n');
      for (let k = 0; k < 5; k++) {
        const line = Math.floor(r() * lines.length);
        hoverAt(t, { line, character: Math.floor(r() * (lines[line].length + 2)) }, { builder: r() < 0.5 ? 'buildkit' : 'classic' });
      }
    }
  }
});
