// A YAML configuration file read with the `yaml` library: its data as plain values (merge keys `<<` on, aliases
// bounded) and the line of any mapping key, for `source.line`.
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigProblem } from './types';

export interface YamlFile {
  rel: string;
  data: unknown;
  /** 1-based line of the key at this path of mapping keys (of the deepest one found; 1 when none). */
  lineOf(path: Array<string | number>): number;
}

export function parseYaml(rel: string, text: string, problems: ConfigProblem[]): YamlFile | undefined {
  const lineCounter = new LineCounter();
  let doc: Document;
  let data: unknown;
  try {
    doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false });
    if (doc.errors.length) {
      const e = doc.errors[0];
      problems.push({ file: rel, line: lineCounter.linePos(e.pos[0]).line, message: `not valid YAML: ${e.message.split('\n')[0]}` });
      return undefined;
    }
    // A bounded number of alias expansions: a "billion laughs" file is refused, not expanded.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    problems.push({ file: rel, message: `cannot be read as YAML: ${(e as Error).message.split('\n')[0]}` });
    return undefined;
  }
  return {
    rel,
    data,
    lineOf(path) {
      let node: unknown = doc.contents;
      let line = 1;
      for (const key of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
          if (!pair) break;
          const range = (pair.key as { range?: [number, number, number] }).range;
          if (range) line = lineCounter.linePos(range[0]).line;
          node = pair.value;
        } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items) && typeof key === 'number') {
          const item = (node as { items: Array<{ range?: [number, number, number] }> }).items[key];
          if (!item) break;
          if (item.range) line = lineCounter.linePos(item.range[0]).line;
          node = item;
        } else break;
      }
      return line;
    },
  };
}
