// Just enough shell to read RUN commands: split a command line into the commands joined by
// `&&` or `;` (outside quotes, `$(...)` and backquotes), and split one command into words.
// Anything more complex (pipes, `||`, subshells, redirections) makes the callers decline a fix.

export interface CommandList {
  commands: string[];
  /** Separators between commands: '&&' or ';'. */
  separators: string[];
  /** False when the text uses operators we do not rewrite: `|`, `||`, `&`, redirections, subshells. */
  simple: boolean;
}

export function splitCommands(text: string): CommandList {
  const commands: string[] = [];
  const separators: string[] = [];
  let simple = true;
  let cur = '';
  let quote = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      cur += c;
      if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[++i];
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      quote = c;
      cur += c;
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      depth++;
      cur += '$(';
      i++;
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      if (c === ')') depth--;
      cur += c;
      continue;
    }
    if (c === '&' && text[i + 1] === '&') {
      commands.push(cur.trim());
      separators.push('&&');
      cur = '';
      i++;
      continue;
    }
    if (c === ';') {
      commands.push(cur.trim());
      separators.push(';');
      cur = '';
      continue;
    }
    if (c === '|' || c === '&' || c === '>' || c === '<' || c === '(' || c === ')' || c === '{' || c === '}') simple = false;
    cur += c;
  }
  if (quote || depth) simple = false;
  commands.push(cur.trim());
  if (commands.some((c) => c === '')) {
    // `a && && b` or a trailing `;`: keep only real commands but never rewrite such text.
    simple = false;
  }
  return { commands: commands.filter((c) => c !== ''), separators, simple };
}

/** Words of one simple command with quotes removed; undefined when it expands variables or substitutes commands. */
export function commandWords(command: string): string[] | undefined {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote = '';
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i];
      else if ((c === '$' || c === '`') && quote === '"') return undefined;
      else cur += c;
      continue;
    }
    if (c === '$' || c === '`') return undefined;
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(cur);
  return words;
}

/** Loose words of a command (variables kept as text), for recognising it. */
export function looseWords(command: string): string[] {
  return command.replace(/["']/g, '').split(/\s+/).filter(Boolean);
}

/** Drops leading `VAR=value` assignments and wrappers that do not change what runs (`exec`, `env`). */
export function stripPrefixes(words: string[]): string[] {
  let i = 0;
  while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || words[i] === 'exec' || words[i] === 'env')) i++;
  return words.slice(i);
}
