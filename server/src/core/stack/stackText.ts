// The layer stack's words for one block: the instruction on one line, sizes in Docker's units, durations.
// Split from layerStack.ts.
import type { Instruction } from '../dockerfile/parse';
import { englishT, type Translate } from '../shared/translate';

/** Characters of an instruction's text in a block before it is shortened. */
export const MAX_TEXT = 90;

/** The instruction on one line as written: keyword, flags, arguments; long ones end in "…". */
export function instructionText(ins: Instruction): string {
  const flags = ins.flags.map((f) => (f.value === undefined ? `--${f.name}` : `--${f.name}=${f.value}`));
  const text = [ins.keyword, ...flags, ins.args].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** Docker's units (powers of 1000): "0 B", "512 B", "1.2 kB", "34 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "42 s", "1 min 5 s", "850 ms" (in the display language when the editor passes its `t`). */
export function formatDuration(ms: number, t: Translate = englishT): string {
  if (ms < 1000) return t('{0} ms', Math.round(ms));
  const s = Math.round(ms / 1000);
  if (s < 60) return t('{0} s', s);
  return s % 60 ? t('{0} min {1} s', Math.floor(s / 60), s % 60) : t('{0} min', Math.floor(s / 60));
}
