// A JSON-with-comments configuration file (devcontainer.json, docker-bake.json) read with jsonc-parser: its data
// and the line of any property, for `source.line`.
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ConfigProblem } from './types';

export interface JsonFile {
  rel: string;
  data: unknown;
  /** 1-based line of the property at this path (of the deepest one found; 1 when none). */
  lineOf(path: Array<string | number>): number;
}

export function parseJsonc(rel: string, text: string, problems: ConfigProblem[]): JsonFile | undefined {
  const errors: ParseError[] = [];
  const data: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const lineAt = (offset: number): number => {
    let line = 1;
    for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  };
  if (errors.length) {
    problems.push({ file: rel, line: lineAt(errors[0].offset), message: `not valid JSON: ${printParseErrorCode(errors[0].error)}` });
    return undefined;
  }
  const tree = parseTree(text, [], { allowTrailingComma: true });
  return {
    rel,
    data,
    lineOf(path) {
      if (!tree) return 1;
      for (let n = path.length; n > 0; n--) {
        const node = findNodeAtLocation(tree, path.slice(0, n));
        if (node) return lineAt(node.parent?.type === 'property' ? node.parent.offset : node.offset);
      }
      return 1;
    },
  };
}
