// Which commit HEAD is, asked on every CodeLens request while the history suffix is on: git runs only when
// something HEAD depends on changed on disk. The repository's git folders are found once per build context (one
// `git rev-parse`); after that a HEAD read is remembered with a stamp of the files that name it (HEAD itself,
// the branch's loose ref, packed-refs, a reftable's table list: a commit, checkout, reset or pack-refs rewrites one
// of them by lock file and rename), and comparing stamps costs a small read and a few stats, no process. The same
// comparison, polled, tells the lens suffix that HEAD moved when no file event says so (`moved`).
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { GitError, runGitAsync } from '../gitRun';
import { HistoryError, repositoryOf, resolveCommit } from './gitHistory';

export type HeadAnswer = { repo: string; head: string } | { problem: string };

interface Located {
  repo: string;
  gitDir: string;
  commonDir: string;
}

export class HeadCache {
  /** By build context folder: its repository's folders, or why it has none (forgotten after events in .git). */
  private readonly located = new Map<string, Located | { problem: string }>();
  /** By git folder: the last HEAD read and the stamp it was read at. */
  private readonly heads = new Map<string, { stamp: string; answer: HeadAnswer }>();
  /** By git folder: the stamp `moved` last said, so that one change is said once. */
  private readonly noticed = new Map<string, string>();

  /** HEAD as last read, when no file it depends on changed since; undefined when git must be asked (read()). */
  cached(dir: string): HeadAnswer | undefined {
    const found = this.located.get(dir);
    if (!found) return undefined;
    if ('problem' in found) return found;
    const kept = this.heads.get(found.gitDir);
    return kept && kept.stamp === stampOf(found) ? kept.answer : undefined;
  }

  /** HEAD now: git runs only for what the stamps cannot vouch for. */
  async read(dir: string): Promise<HeadAnswer> {
    let found = this.located.get(dir);
    if (!found) {
      found = await locate(dir);
      this.located.set(dir, found);
    }
    if ('problem' in found) return found;
    const stamp = stampOf(found);
    if (stamp === undefined) {
      // The git folder is gone (the repository moved or was deleted): found again next time.
      this.located.delete(dir);
      return { problem: `the git repository of ${dir} cannot be read any more` };
    }
    const kept = this.heads.get(found.gitDir);
    if (kept?.stamp === stamp) return kept.answer;
    let answer: HeadAnswer;
    try {
      answer = { repo: found.repo, head: await resolveCommit(found.repo, 'HEAD') };
    } catch (e) {
      if (!(e instanceof HistoryError)) throw e;
      answer = { problem: e.message };
    }
    this.heads.set(found.gitDir, { stamp, answer });
    return answer;
  }

  /**
   * Whether the files naming HEAD changed in a repository read before, since it was read (stats only, no git): each
   * change is said once, so a poll that finds one asks for the lenses once, whether or not they are asked.
   */
  moved(): boolean {
    let any = false;
    for (const found of this.located.values()) {
      if ('problem' in found) continue;
      const kept = this.heads.get(found.gitDir);
      if (!kept) continue;
      const stamp = stampOf(found) ?? '';
      if (stamp === kept.stamp || stamp === this.noticed.get(found.gitDir)) continue;
      this.noticed.set(found.gitDir, stamp);
      any = true;
    }
    return any;
  }

  /** After events inside a .git folder: a folder that was no repository may be one now (git init, a clone). */
  forgetProblems(): void {
    for (const [dir, found] of this.located) if ('problem' in found) this.located.delete(dir);
  }
}

async function locate(dir: string): Promise<Located | { problem: string }> {
  try {
    const repo = await repositoryOf(dir);
    const [gitDir, commonDir] = (await runGitAsync(repo, ['rev-parse', '--absolute-git-dir', '--git-common-dir'])).toString('utf8').trim().split('\n');
    if (!gitDir || !commonDir) return { problem: `git did not name the git folder of ${repo}` };
    return { repo, gitDir, commonDir: isAbsolute(commonDir) ? commonDir : resolve(repo, commonDir) };
  } catch (e) {
    if (e instanceof HistoryError) return { problem: e.message };
    if (e instanceof GitError) return { problem: e.reason };
    throw e;
  }
}

/** What HEAD's value depends on, as text; undefined when HEAD cannot be read. */
function stampOf({ gitDir, commonDir }: Located): string | undefined {
  let head: string;
  try {
    head = readFileSync(join(gitDir, 'HEAD'), 'utf8');
  } catch {
    return undefined;
  }
  const ref = /^ref:\s*(refs\/\S+)/.exec(head)?.[1];
  const files = [join(commonDir, 'packed-refs'), join(commonDir, 'reftable', 'tables.list')];
  // A ref path is read from the repository: only stat it where it stays inside the git folders.
  if (ref && !ref.split('/').includes('..')) files.push(join(commonDir, ref), join(gitDir, ref));
  return [head, ...files.map(fileStamp)].join('|');
}

function fileStamp(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return '-';
  }
}
