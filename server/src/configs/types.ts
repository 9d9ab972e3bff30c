// What discovery (server/src/configs) yields: every configuration of the workspace that builds a Dockerfile,
// with the values a `docker build` of it would get. Paths are absolute; values that cannot be known from the
// files (an unset `${VAR}`, a `${{ }}` expression) are never guessed: they are carried as unresolved.

export type ConfigKind = 'devcontainer' | 'compose' | 'bake' | 'workflow';

/** Editor precedence among discovered configurations (after the setting and the user's pick). */
export const KIND_ORDER: readonly ConfigKind[] = ['devcontainer', 'compose', 'bake', 'workflow'];

export interface ConfigSource {
  /** Workspace-relative POSIX path of the file that declares the build. */
  file: string;
  /** 1-based line of the declaration (the service, target, step, or `build` key). */
  line: number;
  /** Service, target, job/step or devcontainer name. */
  name: string;
}

export interface BuildConfig {
  kind: ConfigKind;
  source: ConfigSource;
  /** Absolute path of the Dockerfile; absent when inline, remote or unresolved (see `unresolved`). */
  dockerfile?: string;
  /** The Dockerfile is written inline (compose `dockerfile_inline`, Bake `dockerfile-inline`): nothing on disk to plan. */
  inline?: boolean;
  /** Absolute build context folder; absent when remote or unresolved. */
  context?: string;
  /** A git or http(s) context: said, not planned. */
  remoteContext?: string;
  target?: string;
  /** Build args whose values are known. */
  args: Record<string, string>;
  /** Build args whose value cannot be known here: name → why (`depends on VERSION`, `${{ secrets.X }}`). */
  unresolvedArgs: Record<string, string>;
  /** The platform a plan uses: the only one declared, or the first of several (see `platforms`). */
  platform?: string;
  /** Every platform declared, when more than one. */
  platforms?: string[];
  /** `additional_contexts` / Bake `contexts` / `build-contexts`: name → absolute folder, or the value as written (image, URL). */
  namedContexts: Record<string, string>;
  /** Where each build arg (known or not) is declared, when found: for hovers on ARG (`compose.yaml:14`). */
  argSources?: Record<string, { file: string; line: number }>;
  /** Fields that could not be resolved, each a sentence (`context: depends on APP_DIR`). */
  unresolved: string[];
  /** Other remarks (`planned for linux/amd64, the first of 2 platforms`). */
  notes: string[];
  /** Compose `profiles` of the service, when it has some. */
  profiles?: string[];
  /** A compose service none of whose profiles is active (COMPOSE_PROFILES): `docker compose build` leaves it out. */
  inactive?: true;
}

export interface ConfigProblem {
  /** Workspace-relative POSIX path. */
  file: string;
  line?: number;
  message: string;
}

export interface Discovery {
  /** Absolute workspace root. */
  root: string;
  configs: BuildConfig[];
  /** Files that could not be read or understood, and formats not resolved (Bake HCL without buildx). */
  problems: ConfigProblem[];
  /** Workspace-relative files that were read (so an editor can re-discover when one of them changes). */
  files: string[];
}

/** `compose:api (target prod)`, `bake:web`, `devcontainer:.devcontainer/devcontainer.json`, `workflow:ci.yml#build`. */
export function configLabel(c: BuildConfig): string {
  return `${c.kind}:${c.source.name}${c.target ? ` (target ${c.target})` : ''}`;
}

/** Whether the configuration can be planned: a Dockerfile on disk and a local context, both known. */
export function plannable(c: BuildConfig): boolean {
  return c.dockerfile !== undefined && c.context !== undefined && !c.inline && c.remoteContext === undefined;
}
