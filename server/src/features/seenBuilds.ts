// Builds the user runs without Layer Lens (a `docker build` typed in the integrated terminal, a task) count as
// built: when the command starts, the builds it runs are recognised (commandLine.ts; compose services and Bake
// targets through the project's discovery) and each context is read, as Docker is about to be sent it; when it ends
// with exit code 0 those snapshots are recorded, with where they came from. A failed build records nothing (its
// output is not captured, so the steps Docker finished are not known). Trusted workspaces only.
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { homedir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { openProjectAsync, planProject, type Project } from '../diskProject';
import { recogniseCommandLine, type DockerfileBuild, type RecognisedBuild } from '../commandLine';
import type { BakeGroup } from '../configs/discover';
import { plannable, type BuildConfig, type Discovery } from '../configs/types';
import type { RecordedBuild } from '../core/plan/predict';
import { buildId, type BuildSource } from '../core/plan/store';
import type { Builder } from '../core/shared/types';
import { dockerEndpoint } from '../storeFile';
import type { BuildEndedParams, BuildEndedResult, BuildStartedParams, BuildStartedResult, SeenBuild } from '../protocol';
import { recordPlan, type WorkspaceStore } from '../store/record';
import { namedBuildConfigs, namedBuildOptions } from '../configs/namedBuilds';

export interface SeenBuildsHost {
  trusted(): boolean;
  workspaceFolders(): readonly string[];
  /** The build configurations of a workspace folder (compose, Bake, ...), as the editor found them. */
  discovery(folder: string): Promise<Discovery>;
  store(): WorkspaceStore;
  log(level: 'info' | 'warn', message: string): void;
  /** A build was recorded: every baseline is chosen again. */
  storeChanged(): void;
}

/** What one recognised build will record. */
interface Snapshot {
  label: string;
  dockerfile: string;
  builder: Builder;
  target: string | undefined;
  project: Project;
  keys: string[];
  recorded: RecordedBuild;
}

interface Pending {
  source: BuildSource;
  startedAt: number;
  snapshots: Promise<Array<Snapshot | { label: string; problem: string }>>;
}

/** Commands started and not ended are forgotten after a day, and at most this many are kept. */
const MAX_PENDING = 32;
const PENDING_MS = 24 * 60 * 60_000;

export class SeenBuilds {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly host: SeenBuildsHost) {}

  async started(params: BuildStartedParams): Promise<BuildStartedResult> {
    if (!this.host.trusted()) return { id: null, builds: [] };
    const startedAt = Date.now();
    const builds = await this.resolve(params);
    if (builds.length === 0) return { id: null, builds: [] };
    const seen: SeenBuild[] = builds.map((b) => ({ dockerfile: b.dockerfile ?? null, label: b.label, problem: 'problem' in b ? b.problem : null }));
    const recordable = builds.filter(
      (b): b is { label: string; dockerfile: string; build: DockerfileBuild; config?: BuildConfig; beside?: readonly BuildConfig[] } => !('problem' in b),
    );
    for (const b of seen) if (b.problem) this.host.log('info', `Seen in the ${params.source}: ${b.label}: not recorded: ${b.problem}`);
    if (recordable.length === 0) return { id: null, builds: seen };
    const id = randomBytes(8).toString('hex');
    // The contexts are read now, as the command starts: what Docker is sent, not what is on disk when it ends.
    const snapshots = Promise.all(
      recordable.map((b) =>
        this.snapshot(b.label, b.build, b.config, b.beside).catch((e: unknown) => ({
          label: b.label,
          problem: `its context could not be read: ${(e as Error).message}`,
        })),
      ),
    );
    this.forgetOld(startedAt);
    this.pending.set(id, { source: params.source, startedAt, snapshots });
    await snapshots;
    return { id, builds: seen };
  }

  async ended(params: BuildEndedParams): Promise<BuildEndedResult> {
    const pending = this.pending.get(params.id);
    this.pending.delete(params.id);
    if (!pending) return { messages: [], recorded: 0 };
    const snapshots = await pending.snapshots;
    const where = pending.source === 'terminal' ? 'the terminal' : 'a task';
    if (params.exitCode !== 0) {
      const why = params.exitCode === null ? 'the terminal did not report its exit code' : `it failed (exit code ${params.exitCode})`;
      const failed = [...new Set(snapshots.flatMap((s) => ('problem' in s || s.builder !== 'buildkit' ? [] : [s.dockerfile])))];
      return { messages: snapshots.map((s) => `Not recorded: ${s.label} in ${where}: ${why}.`), recorded: 0, ...(failed.length ? { failed } : {}) };
    }
    const messages: string[] = [];
    let recorded = 0;
    for (const s of snapshots) {
      if ('problem' in s) {
        messages.push(`Not recorded: ${s.label} in ${where}: ${s.problem}.`);
        continue;
      }
      const result = recordPlan(this.host.store(), s.project, s.keys, s.recorded, { source: pending.source, at: pending.startedAt });
      recorded++;
      messages.push(
        `Recorded the build of ${s.dockerfile}${s.target ? ` (target ${s.target})` : ''} (${s.builder}) run in ${where}: ${s.label}; ${s.keys.length} step keys${result.storePath ? ` in ${result.storePath}` : ' in memory'}.${result.warning ? ` ${result.warning}` : ''}`,
      );
    }
    if (recorded > 0) this.host.storeChanged();
    return { messages, recorded };
  }

  private forgetOld(now: number): void {
    for (const [id, p] of this.pending) if (now - p.startedAt > PENDING_MS) this.pending.delete(id);
    while (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
  }

  private async snapshot(label: string, build: DockerfileBuild, config: BuildConfig | undefined, beside: readonly BuildConfig[] = []): Promise<Snapshot> {
    // A Bake target's `target:NAME` named contexts: bake builds those targets with it, so they are planned (and recorded) too.
    const namedBuilds = config ? namedBuildOptions(namedBuildConfigs(config, beside)) : {};
    const target = build.target;
    const synced = this.host.store().data.builds[buildId(build.builder, build.dockerfile, target)]?.synced;
    const project = await openProjectAsync({
      dockerfile: build.dockerfile,
      context: build.context,
      builder: build.builder,
      buildArgs: build.buildArgs,
      ...(target ? { target } : {}),
      ...(build.platform ? { platform: build.platform } : {}),
      ...(synced ? { synced } : {}),
      ...(config && Object.keys(config.unresolvedArgs).length ? { unresolvedArgs: config.unresolvedArgs } : {}),
      ...(config && Object.keys(config.namedContexts).length ? { namedContexts: config.namedContexts } : {}),
      ...(Object.keys(namedBuilds).length ? { namedBuilds } : {}),
    });
    const plan = planProject(project, { has: () => false, empty: true });
    if (plan.fails) throw new Error(`this build fails at line ${plan.fails.line}: ${plan.fails.message}`);
    return { label, dockerfile: build.dockerfile, builder: build.builder, target, project, keys: plan.keys, recorded: plan.recorded };
  }

  /** The builds a command runs, each with the Dockerfile build it amounts to, or why it will not be recorded. */
  private async resolve(
    params: BuildStartedParams,
  ): Promise<
    Array<
      | { label: string; dockerfile: string; build: DockerfileBuild; config?: BuildConfig; beside?: readonly BuildConfig[] }
      | { label: string; dockerfile?: string; problem: string }
    >
  > {
    const cwd = params.cwd ?? undefined;
    let recognised: RecognisedBuild[];
    if (params.dockerBuild) {
      const task = taskBuild(params.dockerBuild, cwd);
      recognised = [task];
    } else if (params.commandLine) {
      recognised = recogniseCommandLine(params.commandLine, cwd ?? '', { home: homedir() });
      if (!cwd)
        recognised = recognised.map((r) =>
          r.kind === 'unknown' ? r : { kind: 'unknown', tool: r.tool, text: r.text, reason: 'the folder the command ran in is not known' },
        );
    } else recognised = [];
    const out: Array<
      | { label: string; dockerfile: string; build: DockerfileBuild; config?: BuildConfig; beside?: readonly BuildConfig[] }
      | { label: string; dockerfile?: string; problem: string }
    > = [];
    for (const r of recognised) {
      if (r.kind === 'unknown') {
        out.push({ label: r.text, problem: r.reason });
        continue;
      }
      const common = this.commonProblem(r);
      if (common) {
        out.push({ label: r.text, problem: common });
        continue;
      }
      if (r.kind === 'dockerfile') {
        out.push(this.checked(r.text, r));
        continue;
      }
      const folder = this.folderOf(r.kind === 'compose' ? r.projectDirectory : r.cwd);
      if (!folder) {
        out.push({ label: r.text, problem: 'it runs outside the open workspace folders' });
        continue;
      }
      const discovery = await this.host.discovery(folder);
      const configs =
        r.kind === 'compose'
          ? composeConfigs(discovery, folder, r.files, r.projectDirectory, r.services)
          : bakeConfigs(discovery, folder, r.files, r.cwd, r.targets);
      if (typeof configs === 'string') {
        out.push({ label: r.text, problem: configs });
        continue;
      }
      for (const c of configs) {
        const label = `${c.kind}:${c.source.name} (${r.tool})`;
        if (!plannable(c) || !c.dockerfile || !c.context) {
          out.push({
            label,
            problem:
              [...c.unresolved, c.inline ? 'its Dockerfile is inline' : '', c.remoteContext ? `its context ${c.remoteContext} is remote` : '']
                .filter(Boolean)
                .join('; ') || 'its Dockerfile or context is not known',
          });
          continue;
        }
        if (r.kind === 'bake' && r.sets.length) {
          out.push({ label, problem: `--set ${r.sets.join(' ')} changes the targets, and Layer Lens does not apply it` });
          continue;
        }
        const build: DockerfileBuild = {
          kind: 'dockerfile',
          tool: r.tool,
          cwd: r.cwd,
          text: r.text,
          context: c.context,
          dockerfile: c.dockerfile,
          ...(c.target ? { target: c.target } : {}),
          ...(c.platform ? { platform: c.platform } : {}),
          buildArgs: { ...c.args, ...r.buildArgs },
          noCache: r.noCache,
          builder: 'buildkit',
        };
        const checked = this.checked(label, build);
        out.push('problem' in checked ? checked : { ...checked, config: c, beside: discovery.configs });
      }
    }
    return out;
  }

  /** Problems of any build: another Docker daemon, another buildx builder, podman. */
  private commonProblem(r: Exclude<RecognisedBuild, { kind: 'unknown' }>): string | undefined {
    if (r.tool === 'podman build') return 'podman keeps its own build cache, not the one of the Docker daemon this store describes';
    if (r.endpoint && r.endpoint !== dockerEndpoint() && `context:${r.endpoint}` !== dockerEndpoint())
      return `it builds on another Docker daemon (${r.endpoint}) than the editor's (${dockerEndpoint()})`;
    if (r.buildxBuilder && r.buildxBuilder !== 'default')
      return `the buildx builder ${r.buildxBuilder} keeps its own cache; Layer Lens records the default builder's`;
    return undefined;
  }

  private checked(
    label: string,
    build: DockerfileBuild,
  ): { label: string; dockerfile: string; build: DockerfileBuild } | { label: string; dockerfile: string; problem: string } {
    if (!this.folderOf(build.dockerfile) || !this.folderOf(build.context))
      return { label, dockerfile: build.dockerfile, problem: 'its Dockerfile or context is outside the open workspace folders' };
    return { label, dockerfile: build.dockerfile, build };
  }

  private folderOf(path: string): string | undefined {
    return this.host.workspaceFolders().find((f) => path === f || path.startsWith(f.endsWith(sep) ? f : f + sep));
  }
}

/** A `docker-build` task: its paths are relative to the workspace folder the task runs in (`${workspaceFolder}` already resolved by VS Code). */
function taskBuild(fields: NonNullable<BuildStartedParams['dockerBuild']>, cwd: string | undefined): RecognisedBuild {
  const text = `docker-build task (${fields.dockerfile ?? 'Dockerfile'})`;
  if (!cwd && (!fields.context || !isAbsolute(fields.context)))
    return { kind: 'unknown', tool: 'docker build', text, reason: 'the folder the task runs in is not known' };
  const base = cwd ?? '/';
  const context = resolve(base, fields.context ?? '.');
  return {
    kind: 'dockerfile',
    tool: 'docker build',
    cwd: base,
    text,
    context,
    dockerfile: resolve(base, fields.dockerfile ?? 'Dockerfile'),
    ...(fields.target ? { target: fields.target } : {}),
    ...(fields.platform ? { platform: fields.platform } : {}),
    buildArgs: fields.buildArgs ?? {},
    noCache: false,
    builder: 'buildkit',
  };
}

function absolute(folder: string, rel: string): string {
  return resolve(folder, rel);
}

/** The compose services a `docker compose build` builds, found among the discovered configurations. */
function composeConfigs(discovery: Discovery, folder: string, files: string[], projectDirectory: string, services: string[]): BuildConfig[] | string {
  const compose = discovery.configs.filter((c) => c.kind === 'compose');
  const inFile = compose.filter((c) => {
    const file = absolute(folder, c.source.file);
    return files.length ? files.includes(file) : dirname(file) === projectDirectory;
  });
  if (inFile.length === 0) {
    const where = files.length ? files.map((f) => relative(folder, f)).join(', ') : `${relative(folder, projectDirectory) || '.'}`;
    return `no compose service with a build was found in ${where} (Layer Lens reads compose.yaml, docker-compose.yml and their overrides)`;
  }
  const picked = services.length ? inFile.filter((c) => services.includes(c.source.name)) : inFile;
  const missing = services.filter((s) => !inFile.some((c) => c.source.name === s));
  if (missing.length && picked.length === 0) return `the services ${missing.join(', ')} have no build here`;
  return picked;
}

/** The Bake targets a `docker buildx bake` builds (a group expanded; none named: the `default` group or target). */
function bakeConfigs(discovery: Discovery & { groups?: BakeGroup[] }, folder: string, files: string[], cwd: string, targets: string[]): BuildConfig[] | string {
  const bake = discovery.configs.filter(
    (c) => c.kind === 'bake' && (files.length ? files.includes(absolute(folder, c.source.file)) : dirname(absolute(folder, c.source.file)) === cwd),
  );
  if (bake.length === 0)
    return `no Bake target was found in ${relative(folder, cwd) || '.'} (Layer Lens reads docker-bake.json, and docker-bake.hcl through \`docker buildx bake --print\`)`;
  const groups = discovery.groups ?? [];
  const expand = (name: string, depth: number): string[] => {
    const group = groups.find((g) => g.name === name && dirname(absolute(folder, g.file)) === dirname(absolute(folder, bake[0].source.file)));
    if (!group || depth > 8) return [name];
    return group.targets.flatMap((t) => expand(t, depth + 1));
  };
  const wanted = new Set((targets.length ? targets : ['default']).flatMap((t) => expand(t, 0)));
  const picked = bake.filter((c) => wanted.has(c.source.name));
  if (picked.length === 0) return `the Bake targets ${[...wanted].join(', ')} were not found`;
  return picked;
}
