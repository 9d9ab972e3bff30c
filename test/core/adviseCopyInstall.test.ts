import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advise } from '../../server/src/core/advise/advise';
import { applyEdits } from '../../server/src/core/advise/text';
import type { Advice, AdviseContext } from '../../server/src/core/advise/types';

function only(text: string, context?: AdviseContext): Advice[] {
  return advise({ text, ...(context ? { context } : {}), rules: ['copy-before-install'] });
}

function fixed(text: string, paths: string[], files: Record<string, string> = {}): string {
  const [a] = only(text, { paths, readText: (p) => files[p] });
  assert.ok(a, 'expected a copy-before-install advice');
  assert.ok(a.fixes.length >= 1, a.message);
  assert.equal(a.fixes[0].isPreferred, true);
  assert.ok(
    a.fixes.slice(1).every((f) => !f.isPreferred),
    'only the COPY form is preferred',
  );
  return applyEdits(text, a.fixes[0].edits);
}

test('the classic Node Dockerfile: manifests first, install, then the sources', () => {
  const text = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n';
  const [a] = only(text, { paths: ['package.json', 'package-lock.json', '.npmrc', 'server.js'] });
  assert.equal(a.line, 3);
  assert.equal(a.severity, 'warning');
  assert.match(a.message, /line 4 \(`npm ci`\)/);
  assert.deepEqual(a.related, [{ line: 4, message: 'the dependency install' }]);
  assert.equal(a.fixes[0].title, 'Copy package.json, package-lock.json, .npmrc first, install, then copy the rest');
  assert.equal(
    applyEdits(text, a.fixes[0].edits),
    'FROM node:20-alpine\nWORKDIR /app\nCOPY package.json package-lock.json .npmrc ./\nRUN npm ci\nCOPY . .\nCMD ["node", "server.js"]\n',
  );
});

test('--chown, --chmod and --link and an absolute destination are kept; comments stay with their instruction', () => {
  const text = [
    'FROM node:20',
    'WORKDIR /app',
    '',
    '# the application',
    'COPY --chown=node:node --chmod=644 --link . /app',
    'ENV NODE_ENV=production',
    '# install dependencies',
    'RUN npm ci --omit=dev',
    'USER node',
    '',
  ].join('\n');
  assert.equal(
    fixed(text, ['package.json', 'package-lock.json']),
    [
      'FROM node:20',
      'WORKDIR /app',
      '',
      'ENV NODE_ENV=production',
      'COPY --chown=node:node --chmod=644 --link package.json package-lock.json /app/',
      '# install dependencies',
      'RUN npm ci --omit=dev',
      '# the application',
      'COPY --chown=node:node --chmod=644 --link . /app',
      'USER node',
      '',
    ].join('\n'),
  );
});

test('COPY src . takes the manifests from src/, and the WORKDIR-relative destination', () => {
  const text = 'FROM python:3.12\nWORKDIR /srv\nCOPY src .\nRUN pip install -r requirements.txt\n';
  assert.equal(
    fixed(text, ['src/requirements.txt', 'src/app.py', 'requirements.txt']),
    'FROM python:3.12\nWORKDIR /srv\nCOPY src/requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY src .\n',
  );
});

test('an install followed by a build in the same RUN is split around the COPY', () => {
  const text = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n';
  const out = fixed(text, ['package.json']);
  assert.equal(out, 'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n');
  const multi =
    'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci \\\n    && npm run build \\\n    && npm prune --omit=dev\n';
  assert.equal(
    fixed(multi, ['package.json']),
    'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\nRUN --mount=type=cache,target=/root/.npm npm run build \\\n    && npm prune --omit=dev\n',
  );
});

test('CRLF files get CRLF lines, and a file without a final newline stays without one', () => {
  const text = 'FROM node:20\r\nWORKDIR /app\r\nCOPY . .\r\nRUN npm ci';
  assert.equal(fixed(text, ['package.json', 'yarn.lock']), 'FROM node:20\r\nWORKDIR /app\r\nCOPY package.json ./\r\nRUN npm ci\r\nCOPY . .');
});

const cases: Array<{ name: string; run: string; paths: string[]; files?: Record<string, string>; expect: string[] }> = [
  {
    name: 'yarn berry',
    run: 'yarn install --immutable',
    paths: ['package.json', 'yarn.lock', '.yarnrc.yml', '.yarn/releases/yarn-4.js', '.yarn/cache/x.zip'],
    expect: ['COPY package.json yarn.lock .yarnrc.yml ./', 'COPY .yarn/releases ./.yarn/releases/', 'RUN yarn install --immutable'],
  },
  {
    name: 'pnpm workspace',
    run: 'pnpm install --frozen-lockfile',
    paths: ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'packages/a/package.json', 'packages/a/index.js'],
    expect: ['COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./', 'COPY packages/a/package.json ./packages/a/', 'RUN pnpm install --frozen-lockfile'],
  },
  {
    name: 'npm without workspaces',
    run: 'npm ci',
    paths: ['package.json', 'package-lock.json', 'examples/x/package.json'],
    files: { 'package.json': '{"name":"x"}' },
    expect: ['COPY package.json package-lock.json ./', 'RUN npm ci'],
  },
  {
    name: 'bun',
    run: 'bun install --frozen-lockfile',
    paths: ['package.json', 'bun.lock', 'bunfig.toml'],
    expect: ['COPY package.json bun.lock bunfig.toml ./', 'RUN bun install --frozen-lockfile'],
  },
  {
    name: 'pip with an included requirements file',
    run: 'pip install --no-cache-dir -r requirements.txt',
    paths: ['requirements.txt', 'requirements/base.txt', 'app.py'],
    files: { 'requirements.txt': '-r requirements/base.txt\nflask\n' },
    expect: ['COPY requirements.txt ./', 'COPY requirements ./requirements/', 'RUN pip install --no-cache-dir -r requirements.txt'],
  },
  {
    name: 'pipenv',
    run: 'pipenv install --deploy --system',
    paths: ['Pipfile', 'Pipfile.lock'],
    expect: ['COPY Pipfile Pipfile.lock ./', 'RUN pipenv install --deploy --system'],
  },
  {
    name: 'poetry --no-root',
    run: 'poetry install --no-root --only main',
    paths: ['pyproject.toml', 'poetry.lock'],
    expect: ['COPY pyproject.toml poetry.lock ./', 'RUN poetry install --no-root --only main'],
  },
  {
    name: 'bundler',
    run: 'bundle install',
    paths: ['Gemfile', 'Gemfile.lock', '.ruby-version'],
    expect: ['COPY Gemfile Gemfile.lock .ruby-version ./', 'RUN bundle install'],
  },
  { name: 'go mod download', run: 'go mod download', paths: ['go.mod', 'go.sum', 'main.go'], expect: ['COPY go.mod go.sum ./', 'RUN go mod download'] },
  {
    name: 'mix',
    run: 'mix deps.get --only prod',
    paths: ['mix.exs', 'mix.lock', 'config/config.exs', 'config/prod.exs', 'config/runtime.exs', 'lib/app.ex'],
    expect: ['COPY mix.exs mix.lock ./', 'COPY config/config.exs config/prod.exs ./config/', 'RUN mix deps.get --only prod'],
  },
  {
    name: '.NET restore keeps project paths',
    run: 'dotnet restore',
    paths: ['App.sln', 'src/App/App.csproj', 'src/Lib/Lib.csproj', 'NuGet.config', 'src/App/Program.cs'],
    expect: ['COPY App.sln NuGet.config ./', 'COPY src/App/App.csproj ./src/App/', 'COPY src/Lib/Lib.csproj ./src/Lib/', 'RUN dotnet restore'],
  },
];

for (const c of cases) {
  test(`manifests for ${c.name}`, () => {
    const text = `FROM base\nWORKDIR /app\nCOPY . .\nRUN ${c.run}\n`;
    assert.equal(fixed(text, c.paths, c.files), `FROM base\nWORKDIR /app\n${c.expect.join('\n')}\nCOPY . .\n`);
  });
}

const prefetch: Array<{ name: string; run: string; paths: string[]; expect: string[] }> = [
  { name: 'go build', run: 'go build -o /out/app .', paths: ['go.mod', 'go.sum'], expect: ['COPY go.mod go.sum ./', 'RUN go mod download'] },
  {
    name: 'maven with modules',
    run: './mvnw -B package -DskipTests',
    paths: ['pom.xml', 'mvnw', '.mvn/wrapper/maven-wrapper.properties', 'core/pom.xml', 'target/classes/x/pom.xml'],
    expect: ['COPY pom.xml mvnw ./', 'COPY core/pom.xml ./core/', 'COPY .mvn ./.mvn/', 'RUN ./mvnw -B dependency:go-offline'],
  },
  {
    name: 'gradle',
    run: './gradlew build --no-daemon',
    paths: ['settings.gradle.kts', 'build.gradle.kts', 'gradlew', 'gradle/wrapper/gradle-wrapper.properties'],
    expect: ['COPY settings.gradle.kts build.gradle.kts gradlew ./', 'COPY gradle ./gradle/', 'RUN ./gradlew dependencies --no-daemon'],
  },
  {
    name: 'cargo',
    run: 'cargo build --release',
    paths: ['Cargo.toml', 'Cargo.lock', 'src/main.rs'],
    expect: ['COPY Cargo.toml Cargo.lock ./', 'RUN mkdir -p src && echo "fn main() {}" > src/main.rs && touch src/lib.rs && cargo fetch && rm -rf src'],
  },
  {
    name: 'poetry installing the project',
    run: 'poetry install --only main',
    paths: ['pyproject.toml', 'poetry.lock'],
    expect: ['COPY pyproject.toml poetry.lock ./', 'RUN poetry install --only main --no-root'],
  },
  {
    name: 'uv sync',
    run: 'uv sync --locked',
    paths: ['pyproject.toml', 'uv.lock'],
    expect: ['COPY pyproject.toml uv.lock ./', 'RUN uv sync --locked --no-install-project'],
  },
  {
    name: 'composer with scripts',
    run: 'composer install --no-dev -o',
    paths: ['composer.json', 'composer.lock'],
    expect: ['COPY composer.json composer.lock ./', 'RUN composer install --no-dev --no-scripts --no-autoloader'],
  },
  {
    name: 'dotnet publish',
    run: 'dotnet publish src/App/App.csproj -c Release -o /out',
    paths: ['src/App/App.csproj'],
    expect: ['COPY src/App/App.csproj ./src/App/', 'RUN dotnet restore src/App/App.csproj'],
  },
];

for (const c of prefetch) {
  test(`a build that downloads dependencies gets a prefetch first: ${c.name}`, () => {
    const text = `FROM base\nWORKDIR /app\nCOPY . .\nRUN --mount=type=cache,target=/cache ${c.run}\n`;
    const flagged = c.expect.map((l) => l.replace(/^RUN /, 'RUN --mount=type=cache,target=/cache '));
    assert.equal(fixed(text, c.paths), `FROM base\nWORKDIR /app\n${flagged.join('\n')}\nCOPY . .\nRUN --mount=type=cache,target=/cache ${c.run}\n`);
  });
}

test('manifests already copied: the broad COPY just moves below the install', () => {
  const text = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nCOPY src ./src\nRUN npm ci\n';
  const [a] = only(text, { paths: ['package.json', 'src', 'src/index.js'] });
  assert.equal(a.line, 4);
  assert.equal(a.fixes[0].title, 'Move this COPY below the install on line 5');
  assert.equal(applyEdits(text, a.fixes[0].edits), 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY src ./src\n');
});

test('an optimised Dockerfile gets no advice', () => {
  const text = 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n';
  assert.deepEqual(only(text, { paths: ['package.json', 'src/a.js'] }), []);
  const go = 'FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n';
  assert.deepEqual(only(go, { paths: ['go.mod', 'go.sum', 'main.go'] }), []);
});

test('no fix, with the reason, when the rewrite could change the image', () => {
  const reason = (text: string, paths: string[], files: Record<string, string> = {}) => {
    const [a] = only(text, { paths, readText: (p) => files[p] });
    assert.equal(a.fixes.length, 0);
    return /No automatic fix: (.*)\.$/.exec(a.message)?.[1];
  };
  const base = 'FROM node:20\nWORKDIR /app\nCOPY . .\n';
  assert.match(reason(base + 'RUN npm ci\n', ['package.json', 'node_modules', 'node_modules/x/i.js']) ?? '', /node_modules.*\.dockerignore/);
  assert.equal(reason(base + 'RUN chmod +x run.sh\nRUN npm ci\n', ['package.json']), 'other build steps sit between this COPY and the install');
  assert.equal(reason(base + 'RUN npm ci\n', ['src/a.js']), 'none of the npm manifests is in the context');
  assert.equal(
    reason(base + 'RUN npm ci\n', ['package.json'], { 'package.json': '{"scripts":{"postinstall":"node build.js"}}' }),
    'package.json has install scripts that may need the sources',
  );
  assert.equal(
    reason('FROM node:20\nWORKDIR /app\nCOPY . /srv\nRUN npm ci\n', ['package.json']),
    'the install does not run in the folder the sources are copied to',
  );
  assert.equal(reason(base + 'RUN make deps && npm ci && npm run build\n', ['package.json']), 'the install is mixed with other commands in the same RUN');
  assert.equal(
    reason(base + 'RUN cargo build\n', ['Cargo.toml', 'crates/a/Cargo.toml']),
    'this is a Cargo workspace; copy its member manifests by hand or use cargo-chef',
  );
  const noContext = advise({ text: base + 'RUN npm ci\n', rules: ['copy-before-install'] });
  assert.equal(noContext.length, 1);
  assert.match(noContext[0].message, /the build context is not known/);
});

test('source-free RUNs and metadata between the COPY and the install stay where they are', () => {
  const text = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN apt-get update && apt-get install -y git\nARG NPM_TOKEN\nRUN npm ci\n';
  assert.equal(
    fixed(text, ['package.json']),
    'FROM node:20\nWORKDIR /app\nRUN apt-get update && apt-get install -y git\nARG NPM_TOKEN\nCOPY package.json ./\nRUN npm ci\nCOPY . .\n',
  );
});

test('each stage is looked at on its own; COPY --from is never broad', () => {
  const text = 'FROM node:20 AS deps\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM node:20\nWORKDIR /app\nCOPY --from=deps /app .\nRUN npm ci\n';
  const advice = only(text, { paths: ['package.json'] });
  assert.deepEqual(
    advice.map((a) => a.line),
    [3],
  );
});
