// The third source of builds the user ran: Docker's own build history (server/src/build/dockerHistory.ts). When a
// Dockerfile is opened (or the window is focused again) the client asks; the server lists the daemon's build
// records, inspects each new one once to learn its Dockerfile, and records those of this Dockerfile newer than the
// last build the store knows, oldest first, with where they came from (`dockerHistory`) and when they started.
// Trusted workspaces only (the client does not ask otherwise, and the server checks again).
import { statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { openProjectAsync, planProject } from '../diskProject';
import {
  changedDefinition,
  historyLogs,
  dockerConfigDir,
  historyRecord,
  inspectHistory,
  localState,
  mayBuild,
  listHistory,
  ownBuilder,
  type HistoryBuild,
  type HistoryRunner,
  type InspectResult,
} from '../build/dockerHistory';
import { buildId } from '../core/plan/store';
import { clockTime } from '../core/plan/verdict';
import { recordPlan, type WorkspaceStore } from '../store/record';

export interface DockerHistoryHost {
  trusted(): boolean;
  workspaceFolders(): readonly string[];
  store(): WorkspaceStore;
  storeChanged(): void;
}

export interface DockerHistoryResult {
  /** One line per build of this Dockerfile: what was recorded, or why not (for the output channel). */
  messages: string[];
  recorded: number;
  /** Why Docker's history could not be read at all (no buildx history, no daemon), or null. */
  problem: string | null;
}

/** Only this many of the newest records are looked at. */
export const MAX_RECORDS = 500;
/**
 * A stored build of the Dockerfile seen by Layer Lens itself (the terminal, a task, its own `build`) that started at
 * most this long before a record (or any time after it) is that same build: the record is not recorded again.
 */
export const SAME_BUILD_MS = 30_000;

export class DockerHistoryReader {
  private readonly inspected = new Map<string, InspectResult>();
  /** Records already recorded or refused, by id: each is said once. */
  private readonly handled = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: DockerHistoryHost,
    private readonly runner: HistoryRunner,
    private readonly configDir: string = dockerConfigDir(),
  ) {}

  /** Reads the builds of `dockerfile` (absolute) from Docker's history; one read at a time. */
  read(dockerfile: string): Promise<DockerHistoryResult> {
    const next = this.queue.then(() => this.readNow(dockerfile));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readNow(dockerfile: string): Promise<DockerHistoryResult> {
    if (!this.host.trusted()) return { messages: [], recorded: 0, problem: null };
    const list = await listHistory(this.runner);
    if ('problem' in list) return { messages: [], recorded: 0, problem: list.problem };
    const fresh = list
      .filter((e) => e.status !== 'running' && ownBuilder(e) && !this.handled.has(e.id))
      .slice(0, MAX_RECORDS)
      .filter((e) => mayBuild(localState(this.configDir, e), dockerfile));
    const builds: HistoryBuild[] = [];
    for (const e of fresh) {
      let info = this.inspected.get(e.id);
      if (!info) {
        info = await inspectHistory(this.runner, e.id);
        this.inspected.set(e.id, info);
      }
      if ('build' in info && info.build.dockerfiles.includes(dockerfile)) builds.push(info.build);
    }
    builds.sort((a, b) => a.startedAt - b.startedAt);
    const messages: string[] = [];
    let recorded = 0;
    for (const b of builds) {
      const message = await this.recordOne(dockerfile, b);
      this.handled.add(b.id);
      if (message.recorded) recorded++;
      if (message.text) messages.push(message.text);
    }
    if (recorded > 0) this.host.storeChanged();
    return { messages, recorded, problem: null };
  }

  private async recordOne(dockerfile: string, b: HistoryBuild): Promise<{ recorded: boolean; text?: string }> {
    const at = `${clockTime(b.startedAt)} (${b.id})`;
    const label = `docker buildx history, ${at}`;
    const store = this.host.store();
    const stored = store.data.builds[buildId('buildkit', dockerfile, b.target)];
    // Known already: this record or a newer one read from the history, or this build as Layer Lens saw it run.
    const origin = stored?.origin;
    if (origin && origin.at >= b.startedAt - (origin.source === 'dockerHistory' ? 0 : SAME_BUILD_MS)) return { recorded: false };
    const not = (why: string) => ({ recorded: false, text: `Not recorded: the build of ${dockerfile} in ${label}: ${why}.` });
    if (b.status === 'canceled' && b.completedAt === undefined) return not('it did not finish');
    if (!this.inside(dockerfile) || !this.inside(b.context)) return not('its Dockerfile or context is outside the open workspace folders');
    let project;
    try {
      project = await openProjectAsync({
        dockerfile,
        context: b.context,
        builder: 'buildkit',
        buildArgs: b.buildArgs,
        ...(b.target ? { target: b.target } : {}),
        ...(b.platform ? { platform: b.platform } : {}),
      });
    } catch (e) {
      return not(`its context could not be read: ${(e as Error).message}`);
    }
    const changed = changedDefinition([dockerfile, project.ignoreFile ? join(project.contextDir, project.ignoreFile) : undefined], b.startedAt);
    if (changed) return not(`${changed} changed after the build started, so which instructions Docker built is not known`);
    const plan = planProject(project, { has: () => false, empty: true });
    if (plan.fails) return not(`this Dockerfile cannot be built as it is now (line ${plan.fails.line}: ${plan.fails.message})`);
    const logs = await historyLogs(this.runner, b.id);
    if (typeof logs !== 'string') return not(`its steps could not be read: ${logs.problem}`);
    let rec;
    try {
      rec = historyRecord(plan, project.text, b, logs, project.snapshot, stored, mtimeOf(project.contextDir));
    } catch (e) {
      return not(`its steps do not match this Dockerfile as it is now (${(e as Error).message})`);
    }
    if (rec.keys.length === 0)
      return not(b.status === 'completed' ? 'every step read a file changed after it started' : 'Docker finished none of its steps before it stopped');
    const result = recordPlan(store, project, rec.keys, rec.build, { source: 'dockerHistory', at: b.startedAt });
    const maybe = [...rec.uncertain.entries()];
    const after = maybe.length
      ? ` Not recorded (maybe): ${maybe.map(([line]) => `line ${line}`).join(', ')}, after ${[...new Set(maybe.map(([, p]) => p))].slice(0, 3).join(', ')} changed after it started.`
      : '';
    const how = b.status === 'completed' ? '' : ` It ${b.status === 'canceled' ? 'was cancelled' : 'failed'}: the steps Docker finished are recorded.`;
    return {
      recorded: true,
      text: `Recorded the build of ${dockerfile}${b.target ? ` (target ${b.target})` : ''} from ${label}: lines ${rec.lines.join(', ')}; ${rec.keys.length} step keys${result.storePath ? ` in ${result.storePath}` : ' in memory'}.${how}${after}${result.warning ? ` ${result.warning}` : ''}`,
    };
  }

  private inside(path: string): boolean {
    return this.host.workspaceFolders().some((f) => path === f || path.startsWith(f.endsWith(sep) ? f : f + sep));
  }
}

/** The modification time of the context folder (a file at its top removed or renamed changes it), if it can be read. */
function mtimeOf(folder: string): number | undefined {
  try {
    return statSync(folder).mtimeMs;
  } catch {
    return undefined;
  }
}
