// The real-history data files (one per repository), in the format fixed by HISTORY-FORMAT (see README.md here):
// types, loading and a check that a file has the shape the replayer relies on.
import { readFileSync } from 'node:fs';

/** [mode, blob id] for a file, [mode, target] for a symlink (mode 120000), null for a removal. */
export type FileChange = [string, string] | null;

export interface HistoryState {
  commit: string;
  date: string;
  subject: string;
  dockerfileText: string;
  ignoreText: string | null;
  files: Record<string, FileChange>;
}

export interface HistoryRepo {
  format: 1;
  repo: string;
  url: string;
  license: string;
  /** Dockerfile path relative to the repository root. */
  dockerfile: string;
  /** Build-context folder relative to the repository root ('' = root). */
  context: string;
  why: string;
  states: HistoryState[];
}

const MODES = new Set(['100644', '100755', '120000']);

/** Reads and checks one data file; throws an Error naming the file and what is wrong. */
export function loadHistory(file: string): HistoryRepo {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not readable JSON: ${(e as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  const d = data as Partial<HistoryRepo>;
  if (!d || typeof d !== 'object') fail('not a JSON object');
  if (d.format !== 1) fail(`"format" is ${JSON.stringify(d.format)}, expected 1`);
  for (const k of ['repo', 'dockerfile', 'context'] as const) if (typeof d[k] !== 'string') fail(`"${k}" must be a string`);
  if (!/^[^/\s]+\/[^/\s]+$/.test(d.repo as string)) fail(`"repo" must be owner/name, got "${d.repo}"`);
  if (!Array.isArray(d.states) || d.states.length === 0) fail('"states" must be a non-empty array');
  const norm = (p: string) => p.replace(/^\/+|\/+$/g, '');
  if (/(^|\/)\.\.(\/|$)/.test(d.dockerfile as string) || /(^|\/)\.\.(\/|$)/.test(d.context as string))
    fail('"dockerfile" and "context" must stay inside the repository');
  (d as HistoryRepo).context = norm(d.context as string);
  (d.states as HistoryState[]).forEach((s, i) => {
    const where = `state ${i} (${s?.commit ?? '?'})`;
    if (typeof s.commit !== 'string' || typeof s.subject !== 'string') fail(`${where}: "commit" and "subject" must be strings`);
    if (typeof s.dockerfileText !== 'string') fail(`${where}: "dockerfileText" must be a string`);
    if (s.ignoreText !== null && typeof s.ignoreText !== 'string') fail(`${where}: "ignoreText" must be a string or null`);
    if (!s.files || typeof s.files !== 'object') fail(`${where}: "files" must be an object`);
    for (const [p, c] of Object.entries(s.files)) {
      if (!p || p.startsWith('/') || /(^|\/)\.\.?(\/|$)/.test(p)) fail(`${where}: bad path "${p}"`);
      if (c === null) {
        if (i === 0) fail(`${where}: a removal ("${p}": null) in the first state`);
        continue;
      }
      if (!Array.isArray(c) || c.length !== 2 || !MODES.has(c[0]) || typeof c[1] !== 'string')
        fail(`${where}: "${p}" must be [mode, blob id or link target] with mode 100644, 100755 or 120000`);
    }
  });
  return d as HistoryRepo;
}

/**
 * At most `max` states of a repository's history, for a replay that fits the test tier's time: every state whose
 * Dockerfile or ignore file changed is kept first (with the state just before it, so the change is built against
 * its real predecessor), then states spread evenly over the rest, in history order. The commits between two kept
 * states are folded into the later one (their file changes applied together, as a `git pull` of several commits
 * would), so every kept state still holds exactly the files of its commit. State 0 is always kept.
 */
export function sampleStates(repo: HistoryRepo, max: number): HistoryRepo {
  const st = repo.states;
  if (st.length <= max) return repo;
  const changed = (i: number) => i > 0 && (st[i].dockerfileText !== st[i - 1].dockerfileText || st[i].ignoreText !== st[i - 1].ignoreText);
  const keep = new Set<number>([0]);
  const add = (list: number[]) => {
    for (const i of list) if (keep.size < max) keep.add(i);
  };
  const changes = st.map((_, i) => i).filter(changed);
  add(changes);
  add(changes.map((i) => i - 1));
  const rest = st.map((_, i) => i).filter((i) => !keep.has(i));
  const want = max - keep.size;
  add(Array.from({ length: want }, (_, j) => rest[Math.floor(((j + 0.5) * rest.length) / want)]));
  const kept = [...keep].sort((a, b) => a - b);
  const states: HistoryState[] = [];
  let from = 0;
  for (const k of kept) {
    const files: Record<string, FileChange> = {};
    for (let i = from; i <= k; i++) Object.assign(files, st[i].files);
    const folded = k - from;
    states.push({
      ...st[k],
      files,
      ...(from > 0 && folded > 0 ? { subject: `${st[k].subject} (+${folded} earlier commit${folded > 1 ? 's' : ''} folded in)` } : {}),
    });
    from = k + 1;
  }
  return { ...repo, states };
}
