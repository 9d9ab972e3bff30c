// Dependency installs per ecosystem (cache-rules Part G): how to recognise the install command,
// which manifests it reads, and which folders it writes next to them. An 'install' command reads
// only the manifests, so it can run before the sources are copied; a 'build' command needs the
// sources but downloads dependencies too, so the fix adds a `prefetch` command that reads only
// the manifests and keeps the build where it is.
import { looseWords, stripPrefixes } from './shell';
import { has, onlyFlags, tool, type Classification, type Ecosystem } from './ecosystemTypes';
import { JS_ECOSYSTEMS } from './jsEcosystems';

export type { Classification, Ecosystem } from './ecosystemTypes';

export const ECOSYSTEMS: Ecosystem[] = [
  ...JS_ECOSYSTEMS,
  {
    id: 'pip',
    tools: ['pip', 'pip3'],
    downloadCache: /\.cache\/pip/,
    files: [],
    top: /^(requirements.*\.txt|constraints.*\.txt)$/,
    dirs: ['requirements'],
    required: /\.txt$/,
    outputs: [],
    classify: (w) => {
      const i = pipInstallAt(w);
      if (i < 0 || !has(w, '-r', '--requirement')) return undefined;
      // `pip install .` or `-e .` builds the project itself: it needs the sources.
      if (w.slice(i).some((x) => x === '.' || x.startsWith('./') || x === '-e' || x === '--editable')) return undefined;
      return { kind: 'install' };
    },
  },
  {
    id: 'pipenv',
    tools: ['pipenv'],
    downloadCache: /\.cache\/(pip|pipenv)/,
    files: ['Pipfile', 'Pipfile.lock'],
    required: /^Pipfile$/,
    outputs: ['.venv'],
    classify: (w) => (w[0] === 'pipenv' && ['install', 'sync'].includes(w[1]) && onlyFlags(w, 2) ? { kind: 'install' } : undefined),
  },
  {
    id: 'poetry',
    tools: ['poetry'],
    downloadCache: /pypoetry/,
    files: ['pyproject.toml', 'poetry.lock', 'poetry.toml'],
    required: /^pyproject\.toml$/,
    outputs: ['.venv'],
    classify: (w) => {
      if (w[0] !== 'poetry' || w[1] !== 'install' || has(w, '--only-root')) return undefined;
      if (has(w, '--no-root')) return { kind: 'install' };
      return onlyFlags(w, 2, ['--only', '--with', '--without', '-E', '--extras']) ? { kind: 'build', prefetch: [...w, '--no-root'].join(' ') } : undefined;
    },
  },
  {
    id: 'uv',
    tools: ['uv'],
    downloadCache: /\.cache\/uv|(^|\/)uv(-cache)?\/?$/,
    files: ['pyproject.toml', 'uv.lock', '.python-version'],
    required: /^(pyproject\.toml|uv\.lock)$/,
    outputs: ['.venv'],
    classify: (w) => {
      if (w[0] !== 'uv' || w[1] !== 'sync') return undefined;
      if (has(w, '--no-install-project', '--no-install-workspace')) return { kind: 'install' };
      return onlyFlags(w, 2, ['--extra', '--group', '--python', '-p']) ? { kind: 'build', prefetch: [...w, '--no-install-project'].join(' ') } : undefined;
    },
  },
  {
    id: 'go',
    tools: ['go', 'xx-go'],
    downloadCache: /\/pkg\/mod(\/|$)/,
    files: ['go.mod', 'go.sum', 'go.work', 'go.work.sum'],
    dirs: ['vendor'],
    required: /^go\.mod$/,
    outputs: [],
    prefetchOutputs: [],
    classify: (w) => {
      if (w[0] !== 'go') return undefined;
      if (w[1] === 'mod' && w[2] === 'download') return { kind: 'install' };
      if ((w[1] === 'build' || w[1] === 'install') && !w.slice(2).some((x) => x.includes('@'))) return { kind: 'build', prefetch: 'go mod download' };
      return undefined;
    },
  },
  {
    id: 'cargo',
    tools: ['cargo', 'xx-cargo'],
    downloadCache: /(cargo|\.cargo)\/(registry|git)(\/|$)/,
    files: ['Cargo.toml', 'Cargo.lock', 'rust-toolchain.toml', 'rust-toolchain'],
    dirs: ['.cargo'],
    required: /^Cargo\.toml$/,
    outputs: ['target'],
    prefetchOutputs: [],
    classify: (w) =>
      w[0] === 'cargo' && w[1] === 'chef' && w[2] === 'cook'
        ? // cargo-chef builds the dependencies from recipe.json alone.
          { kind: 'install' }
        : w[0] === 'cargo' && (w[1] === 'build' || (w[1] === 'install' && has(w, '--path')))
          ? // cargo reads the targets when it loads a manifest: give it empty ones, fetch, remove them.
            { kind: 'build', prefetch: 'mkdir -p src && echo "fn main() {}" > src/main.rs && touch src/lib.rs && cargo fetch && rm -rf src' }
          : undefined,
  },
  {
    id: 'maven',
    tools: ['mvn', 'mvnw'],
    downloadCache: /\.m2(\/|$)/,
    files: ['pom.xml', 'mvnw'],
    dirs: ['.mvn'],
    nested: /(^|\/)pom\.xml$/,
    required: /^pom\.xml$/,
    outputs: ['target'],
    prefetchOutputs: [],
    classify: (w) => {
      if (!tool(w[0], 'mvn', 'mvnw')) return undefined;
      const phases = ['package', 'install', 'verify', 'compile', 'test', 'deploy'];
      if (has(w, 'dependency:go-offline', 'dependency:resolve') && !w.some((x) => phases.includes(x))) return { kind: 'install' };
      return w.some((x) => phases.includes(x)) ? { kind: 'build', prefetch: `${w[0]} -B dependency:go-offline` } : undefined;
    },
  },
  {
    id: 'gradle',
    tools: ['gradle', 'gradlew'],
    downloadCache: /\.gradle(\/|$)/,
    files: ['settings.gradle', 'settings.gradle.kts', 'build.gradle', 'build.gradle.kts', 'gradle.properties', 'gradlew'],
    dirs: ['gradle', 'buildSrc'],
    nested: /(^|\/)build\.gradle(\.kts)?$/,
    required: /^(settings|build)\.gradle(\.kts)?$/,
    outputs: ['build', '.gradle'],
    classify: (w) => {
      if (!tool(w[0], 'gradle', 'gradlew')) return undefined;
      const tasks = w.slice(1).filter((x) => !x.startsWith('-'));
      if (tasks.length && tasks.every((x) => x === 'dependencies')) return { kind: 'install' };
      return tasks.some((x) => /^(build|assemble|jar|bootJar|shadowJar|installDist|distTar|distZip)$/.test(x))
        ? { kind: 'build', prefetch: `${w[0]} dependencies --no-daemon` }
        : undefined;
    },
  },
  {
    id: 'bundler',
    tools: ['bundle'],
    downloadCache: /bundle|gems/,
    files: ['Gemfile', 'Gemfile.lock', '.ruby-version'],
    top: /\.gemspec$/,
    required: /^Gemfile$/,
    outputs: ['vendor/bundle', '.bundle'],
    classify: (w) => (w[0] === 'bundle' && w[1] === 'install' ? { kind: 'install' } : undefined),
  },
  {
    id: 'composer',
    tools: ['composer', 'composer.phar'],
    downloadCache: /composer/,
    files: ['composer.json', 'composer.lock', 'auth.json'],
    required: /^composer\.json$/,
    outputs: ['vendor'],
    classify: (w) => {
      if (!tool(w[0], 'composer', 'composer.phar') || w[1] !== 'install' || !onlyFlags(w, 2)) return undefined;
      if (has(w, '--no-scripts') && has(w, '--no-autoloader')) return { kind: 'install' };
      const keep = w.filter((x) => !/^(-o|--optimize-autoloader|-a|--classmap-authoritative|--apcu-autoloader)$/.test(x));
      return { kind: 'build', prefetch: [...keep, ...(has(w, '--no-scripts') ? [] : ['--no-scripts']), '--no-autoloader'].join(' ') };
    },
  },
  {
    id: 'dotnet',
    tools: ['dotnet'],
    downloadCache: /\.nuget(\/|$)/,
    files: [],
    nested:
      /(^|\/)([^/]*\.(csproj|fsproj|vbproj|sln|slnx)|nuget\.config|directory\.build\.props|directory\.build\.targets|directory\.packages\.props|global\.json|packages\.lock\.json)$/i,
    required: /\.(csproj|fsproj|vbproj|sln|slnx)$/i,
    outputs: ['obj', 'bin'],
    classify: (w) => {
      if (w[0] !== 'dotnet') return undefined;
      if (w[1] === 'restore') return { kind: 'install' };
      if (w[1] !== 'publish' && w[1] !== 'build') return undefined;
      const project = w
        .slice(2)
        .find((x, i, all) => !x.startsWith('-') && !(all[i - 1] ?? '').startsWith('-') && /\.(csproj|fsproj|vbproj|sln|slnx)$/i.test(x));
      return { kind: 'build', prefetch: project ? `dotnet restore ${project}` : 'dotnet restore' };
    },
  },
  {
    id: 'mix',
    tools: ['mix'],
    downloadCache: /\.hex|\.mix/,
    files: ['mix.exs', 'mix.lock'],
    nested: /^(apps\/[^/]+\/mix\.exs|config\/(?!runtime\.exs$)[^/]+\.exs)$/,
    required: /^mix\.exs$/,
    outputs: ['deps', '_build'],
    classify: (w) => {
      if (w[0] !== 'mix') return undefined;
      if (w[1] === 'deps.get' || w[1] === 'deps.compile') return { kind: 'install' };
      return w[1] === 'compile' || w[1] === 'release' ? { kind: 'build', prefetch: 'mix deps.get' } : undefined;
    },
  },
];

function pipInstallAt(w: string[]): number {
  if (tool(w[0], 'pip', 'pip3') && w[1] === 'install') return 2;
  if (/^python(3(\.\d+)?)?$/.test(w[0] ?? '') && w[1] === '-m' && w[2] === 'pip' && w[3] === 'install') return 4;
  if (w[0] === 'uv' && w[1] === 'pip' && w[2] === 'install') return 3;
  return -1;
}

/** Requirement files a pip command names with -r / -c. */
export function pipRequirementFiles(words: string[]): string[] {
  const out: string[] = [];
  words.forEach((x, i) => {
    if ((x === '-r' || x === '--requirement' || x === '-c' || x === '--constraint') && words[i + 1]) out.push(words[i + 1]);
    const m = /^(?:--requirement|--constraint)=(.+)$/.exec(x);
    if (m) out.push(m[1]);
  });
  return out;
}

/** Commands that read nothing from the sources, allowed next to an install in the same RUN. */
export function isSourceFree(command: string): boolean {
  const w = stripPrefixes(looseWords(command));
  const line = w.join(' ');
  return (
    /^(apt-get|apt|apk|yum|dnf|microdnf|zypper)\s/.test(line) ||
    /^rm -(r|f|rf|fr) \/(var|tmp|root)\//.test(line) ||
    /^(corepack|true)(\s|$)/.test(line) ||
    /^npm (cache|config) /.test(line) ||
    /^npm (i|install) (-g|--global) /.test(line) ||
    /^(yarn|pnpm) (cache|config|store) /.test(line) ||
    /^(python3? -m )?pip3? install (-U|--upgrade) (pip|setuptools|wheel)(\s|$)/.test(line) ||
    /^(python3? -m )?pip3? install (--no-cache-dir )?(poetry|pipenv|uv)(==\S+)?$/.test(line) ||
    /^(bundle|poetry) config /.test(line) ||
    /^gem install bundler(\s|$)/.test(line) ||
    /^mix local\.(hex|rebar)/.test(line) ||
    /^go mod verify$/.test(line) ||
    /^mkdir -p \S+$/.test(line)
  );
}

/** The ecosystems whose install or build `command` is, with its classification. */
export function classifyCommand(command: string): Array<{ ecosystem: Ecosystem; classification: Classification }> {
  const words = stripPrefixes(looseWords(command));
  const out: Array<{ ecosystem: Ecosystem; classification: Classification }> = [];
  for (const ecosystem of ECOSYSTEMS) {
    const classification = ecosystem.classify(words);
    if (classification) out.push({ ecosystem, classification });
  }
  return out;
}
