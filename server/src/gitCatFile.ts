// The output of `git cat-file --batch`, parsed as it streams in: per object asked, in order, a header line
// `<oid> <type> <size>` (or `<name> missing` / `<name> ambiguous`), then its contents and a newline. The caller
// sees each object's start, its bytes in chunks and its end, so no object has to be held whole.
import { GitError } from './gitRun';
import { verbatim } from './core/shared/message';

export interface CatFileSink {
  /** Object number `k` (in the order asked) is missing or ambiguous: nothing else comes for it. */
  missing(k: number): void;
  /** Object number `k` starts: `size` bytes follow. */
  start(k: number, size: number): void;
  /** A chunk of the current object's bytes. */
  data(chunk: Buffer): void;
  /** Object number `k` ended. */
  end(k: number): void;
}

/** An `onStdout` for runGitAsync that feeds `sink`; throws GitError on a header it cannot read. */
export function catFileBatchParser(sink: CatFileSink): (chunk: Buffer) => void {
  let header: Buffer[] = [];
  let k = 0;
  let left = -1; // bytes of contents still to come (-1: reading a header; 0: the newline after the contents)
  return (chunk: Buffer): void => {
    let pos = 0;
    while (pos < chunk.length) {
      if (left < 0) {
        const nl = chunk.indexOf(10, pos);
        header.push(chunk.subarray(pos, nl < 0 ? chunk.length : nl));
        if (nl < 0) return;
        pos = nl + 1;
        const line = Buffer.concat(header).toString('utf8');
        header = [];
        if (line.endsWith(' missing') || line.endsWith(' ambiguous')) {
          sink.missing(k++);
          continue;
        }
        left = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (!Number.isSafeInteger(left) || left < 0) throw new GitError(verbatim(`git cat-file printed an unexpected line: ${line.slice(0, 80)}`));
        sink.start(k, left);
        continue;
      }
      if (left > 0) {
        const take = Math.min(left, chunk.length - pos);
        sink.data(chunk.subarray(pos, pos + take));
        pos += take;
        left -= take;
        continue;
      }
      pos++; // the newline after the contents
      sink.end(k++);
      left = -1;
    }
  };
}
