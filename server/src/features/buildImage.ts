// "Layer Lens: Build Image" in the server, which owns the store: a real build of the Dockerfile with its settings,
// recorded with timings and sizes (a failed or cancelled build: the steps Docker finished), compared with the
// prediction made right before. The project is read afresh from disk (the client saves first), so a file event
// still on its way cannot make the record wrong.
import { fileURLToPath } from 'node:url';
import { InputError, openProject } from '../diskProject';
import { buildProject } from '../build/buildProject';
import { DockerProblem } from '../build/docker';
import { formatBuildReport } from '../build/report';
import { buildId, knownBuilds } from '../core/plan/store';
import type { DockerfileDocuments } from '../documents';
import type { BuildImageResult } from '../protocol';
import { msg, renderMessage, verbatim, type Message } from '../core/shared/message';
import { recordPlan } from '../store/record';

/** Output lines are sent in batches: a chatty RUN must not flood the connection. */
const OUTPUT_BATCH_MS = 100;

let running: string | undefined;

export async function buildImage(
  documents: DockerfileDocuments,
  uri: string,
  signal: AbortSignal,
  sendOutput: (lines: string[]) => void,
): Promise<BuildImageResult> {
  if (running) return failed(msg('buildRunning', running));
  const analysis = await documents.analysis(uri);
  if (!analysis?.project || !uri.startsWith('file:')) return failed(analysis?.problem ?? msg('buildUnsaved'));
  if (analysis.limit) return failed(analysis.limit.text);
  const { settings } = analysis;
  const store = documents.store;
  let pending: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    if (pending.length) sendOutput(pending);
    pending = [];
  };
  running = fileURLToPath(uri);
  try {
    const dockerfile = fileURLToPath(uri);
    const id = buildId(settings.builder, dockerfile, settings.target);
    const synced = store.data.builds[id]?.synced;
    const project = openProject({
      dockerfile,
      builder: settings.builder,
      buildArgs: settings.buildArgs,
      ...(settings.context ? { context: settings.context } : {}),
      ...(settings.target ? { target: settings.target } : {}),
      ...(settings.platform ? { platform: settings.platform } : {}),
      ...(synced ? { synced } : {}),
    });
    let warning: Message | null = null;
    const report = await buildProject(
      project,
      knownBuilds(store.data, settings.builder, id),
      (keys, build) => {
        warning = recordPlan(store, project, keys, build, { source: 'build', at: Date.now() }).warning;
      },
      {
        signal,
        onLog: (line) => {
          pending.push(line);
          timer ??= setTimeout(flush, OUTPUT_BATCH_MS);
        },
      },
    );
    if (timer) clearTimeout(timer);
    flush();
    if (report.recordedKeys > 0) documents.storeChanged();
    const text = formatBuildReport(report);
    return { report, reportText: warning ? `${text}\n${renderMessage(warning)}` : text, problem: null };
  } catch (e) {
    if (e instanceof DockerProblem || e instanceof InputError) return failed(verbatim(e.message));
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
    running = undefined;
  }
}

function failed(problem: Message): BuildImageResult {
  return { report: null, reportText: null, problem };
}
