// An instruction's whole text, for telling the same instruction apart from a moved or edited one: its lines
// (continuations and heredoc bodies included) each trimmed, the line-continuation backslash dropped, blank lines
// left out. The editor's steps and the replay's summary rows (the Dockerfile at HEAD) are compared by it.

/** `source` holds the Dockerfile's lines; `line` and `endLine` are 1-based and inclusive. */
export function instructionText(source: readonly string[], line: number, endLine: number): string {
  const out: string[] = [];
  for (let i = line - 1; i < Math.max(line, endLine) && i < source.length; i++) {
    const text = (source[i] ?? '').trim().replace(/\s*\\$/, '');
    if (text) out.push(text);
  }
  return out.join('\n');
}
