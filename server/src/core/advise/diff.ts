// A unified diff of two texts (line based, 3 lines of context), for `layerlens fix` to show what
// it changes. Longest common subsequence over lines; large files fall back to one hunk.

const MAX_CELLS = 16_000_000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}

type Op = { kind: ' ' | '-' | '+'; text: string; a: number; b: number };

function diffOps(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: ' ', text: a[i], a: i, b: i });
  const n = endA - start;
  const m = endB - start;
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    for (let i = start; i < endA; i++) ops.push({ kind: '-', text: a[i], a: i, b: start });
    for (let j = start; j < endB; j++) ops.push({ kind: '+', text: b[j], a: endA, b: j });
  } else {
    // lcs[i][j]: LCS length of a[start+i..endA) and b[start+j..endB).
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] =
          a[start + i] === b[start + j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push({ kind: ' ', text: a[start + i], a: start + i, b: start + j });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
        ops.push({ kind: '-', text: a[start + i], a: start + i, b: start + j });
        i++;
      } else {
        ops.push({ kind: '+', text: b[start + j], a: start + i, b: start + j });
        j++;
      }
    }
  }
  for (let i = endA, j = endB; i < a.length; i++, j++) ops.push({ kind: ' ', text: a[i], a: i, b: j });
  return ops;
}

/** `--- a` / `+++ b` and hunks; an empty string when the texts have the same lines. */
export function unifiedDiff(before: string, after: string, beforeName: string, afterName: string, context = 3): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffOps(a, b);
  const changed = ops.map((o, i) => (o.kind !== ' ' ? i : -1)).filter((i) => i >= 0);
  if (!changed.length) return '';
  const out = [`--- ${beforeName}`, `+++ ${afterName}`];
  let k = 0;
  while (k < changed.length) {
    const from = Math.max(0, changed[k] - context);
    let to = Math.min(ops.length - 1, changed[k] + context);
    while (k + 1 < changed.length && changed[k + 1] - context <= to + 1) {
      k++;
      to = Math.min(ops.length - 1, changed[k] + context);
    }
    k++;
    const hunk = ops.slice(from, to + 1);
    const aLines = hunk.filter((o) => o.kind !== '+').length;
    const bLines = hunk.filter((o) => o.kind !== '-').length;
    const aStart = aLines ? hunk.find((o) => o.kind !== '+')!.a + 1 : hunk[0].a;
    const bStart = bLines ? hunk.find((o) => o.kind !== '-')!.b + 1 : hunk[0].b;
    out.push(`@@ -${aStart},${aLines} +${bStart},${bLines} @@`);
    for (const o of hunk) out.push(o.kind + o.text);
  }
  return out.join('\n') + '\n';
}
