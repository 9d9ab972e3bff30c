// A matcher that runs in time linear in the text, for patterns written by users (.dockerignore lines,
// `layerLens.dockerfiles` keys): JavaScript's RegExp backtracks, and a pattern like `**/**/*a*a*a*a*b` never
// finishes on a long name. The pattern is compiled to a Thompson NFA (RE2's design, the engine Go's regexp
// package and so Docker use); matching walks the set of live NFA states one symbol at a time, and caches each
// set it meets as a DFA state with its transitions (a lazy DFA), so that common patterns cost one table lookup
// per character. The cache has a budget: past it, it is dropped and rebuilt as the walk goes on, so the time
// stays O(text × pattern) and the memory bounded whatever the pattern.

import { anchoredAtBegin, MAX_PROGRAM, PatternTooLarge, type Assertion, type Node } from './patternNode';

export { alt, cat, charTest, EMPTY, literal, MAX_PROGRAM, PatternTooLarge, type Assertion, type Node } from './patternNode';

/** How a text is read: Go's regexp reads code points, a JavaScript RegExp without the u flag UTF-16 units. */
export type Symbols = 'codePoints' | 'units';

const CHAR = 0;
const SPLIT = 1;
const ASSERT = 2;
const MATCH = 3;

const UNKNOWN = -1;
const MATCHED = -2;
/** The state `advance` returns once the pattern has matched, whatever text follows. */
export const MATCHED_STATE = MATCHED;
/** Cache budget per pattern: DFA states, and transitions on non-ASCII symbols. */
export const MAX_STATES = 2000;
const MAX_WIDE = 20000;

const ASSERT_CODE: Record<Assertion, number> = { begin: 0, end: 1, word: 2, notWord: 3 };

/** Go's syntax.IsWordChar: ASCII letters, digits and '_'. */
export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

interface DState {
  readonly kernel: readonly number[];
  readonly begin: boolean;
  readonly prevWord: boolean;
  wide: Map<number, number> | undefined;
  /** Whether the pattern matches when the text ends here: -1 unknown, 0, 1. */
  final: number;
}

/** A compiled pattern. `matches` is safe to call on any text: linear time, bounded memory. */
export class LinearMatcher {
  private readonly op: number[] = [];
  private readonly arg: number[] = [];
  private readonly next: number[] = [];
  private readonly tests: Array<((c: number) => boolean) | undefined> = [];
  private readonly lits: number[] = [];
  private readonly start: number;
  /** False when a match may start anywhere (Go's MatchString searches): a thread starts at every symbol. */
  private readonly anchored: boolean;
  private readonly usesWord: boolean;
  /** ASCII symbol → equivalence class (symbols no instruction tells apart share one). */
  private readonly asciiClass = new Uint8Array(128);
  private readonly classCount: number;
  private states: DState[] = [];
  private index = new Map<string, number>();
  private wideCount = 0;
  /** Next state per (state, ASCII class) at state × classCount + class; UNKNOWN until computed, MATCHED past a match. */
  private table = new Int32Array(0);
  private startId = -1;
  private epochs = 0;
  private mark: Int32Array;
  private generation = 0;

  constructor(
    pattern: Node,
    private readonly symbols: Symbols = 'codePoints',
  ) {
    const matchPc = this.emit(MATCH, 0, -1);
    this.start = this.compile(pattern, matchPc);
    if (this.op.length > MAX_PROGRAM) throw new PatternTooLarge();
    this.anchored = anchoredAtBegin(pattern);
    this.usesWord = this.op.some((o, pc) => o === ASSERT && this.arg[pc] >= 2);
    this.mark = new Int32Array(this.op.length);
    // A symbol's signature: the instructions that accept it (a literal only marks its own symbol).
    const sigs = new Array<string>(128).fill('');
    if (this.usesWord) for (let c = 0; c < 128; c++) if (isWordChar(c)) sigs[c] = 'w';
    for (let pc = 0; pc < this.op.length; pc++) {
      if (this.op[pc] !== CHAR) continue;
      const lit = this.lits[pc];
      if (lit >= 0) {
        if (lit < 128) sigs[lit] += pc + ',';
      } else for (let c = 0; c < 128; c++) if (this.tests[pc]!(c)) sigs[c] += pc + ',';
    }
    const classes = new Map<string, number>();
    for (let c = 0; c < 128; c++) {
      const sig = sigs[c];
      let id = classes.get(sig);
      if (id === undefined) classes.set(sig, (id = classes.size));
      this.asciiClass[c] = id;
    }
    this.classCount = classes.size;
  }

  /** The number of NFA instructions (the pattern's size as the matcher sees it). */
  get size(): number {
    return this.op.length;
  }

  private emit(op: number, arg: number, next: number, test?: (c: number) => boolean, lit = -1): number {
    if (this.op.length > MAX_PROGRAM) throw new PatternTooLarge();
    this.op.push(op);
    this.arg.push(arg);
    this.next.push(next);
    this.tests.push(test);
    this.lits.push(lit);
    return this.op.length - 1;
  }

  /** Thompson's construction, back to front: returns the entry of `node` continuing at `next`. */
  private compile(node: Node, next: number): number {
    switch (node.k) {
      case 'char':
        return this.emit(CHAR, 0, next, node.test, node.lit ?? -1);
      case 'cat': {
        for (let i = node.xs.length - 1; i >= 0; i--) next = this.compile(node.xs[i], next);
        return next;
      }
      case 'alt': {
        if (node.xs.length === 0) return next;
        let entry = this.compile(node.xs[node.xs.length - 1], next);
        for (let i = node.xs.length - 2; i >= 0; i--) entry = this.emit(SPLIT, this.compile(node.xs[i], next), entry);
        return entry;
      }
      case 'star': {
        const loop = this.emit(SPLIT, -1, next);
        this.arg[loop] = this.compile(node.x, loop);
        return loop;
      }
      case 'plus': {
        const loop = this.emit(SPLIT, -1, next);
        const body = this.compile(node.x, loop);
        this.arg[loop] = body;
        return body;
      }
      case 'quest':
        return this.emit(SPLIT, this.compile(node.x, next), next);
      case 'assert':
        return this.emit(ASSERT, ASSERT_CODE[node.a], next);
      case 'empty':
        return next;
    }
  }

  /**
   * Follows empty moves from `kernel` with what is known at this point of the text; returns the CHAR
   * instructions reached, or undefined when MATCH is reached.
   */
  private closure(kernel: readonly number[], begin: boolean, end: boolean, prevWord: boolean, nextWord: boolean): number[] | undefined {
    if (++this.generation === 0x7fffffff) {
      this.mark.fill(0);
      this.generation = 1;
    }
    const gen = this.generation;
    const chars: number[] = [];
    const stack = [...kernel];
    while (stack.length) {
      const pc = stack.pop()!;
      if (this.mark[pc] === gen) continue;
      this.mark[pc] = gen;
      switch (this.op[pc]) {
        case CHAR:
          chars.push(pc);
          break;
        case MATCH:
          return undefined;
        case SPLIT:
          stack.push(this.next[pc], this.arg[pc]);
          break;
        case ASSERT: {
          const a = this.arg[pc];
          const ok = a === 0 ? begin : a === 1 ? end : a === 2 ? prevWord !== nextWord : prevWord === nextWord;
          if (ok) stack.push(this.next[pc]);
          break;
        }
      }
    }
    return chars;
  }

  private intern(kernel: number[], begin: boolean, prevWord: boolean): number {
    kernel.sort((a, b) => a - b);
    let w = 0;
    for (let i = 0; i < kernel.length; i++) if (i === 0 || kernel[i] !== kernel[i - 1]) kernel[w++] = kernel[i];
    kernel.length = w;
    const pw = this.usesWord && prevWord;
    const key = (begin ? 'b' : '') + (pw ? 'w' : '') + kernel.join(',');
    let id = this.index.get(key);
    if (id === undefined) {
      id = this.states.length;
      this.states.push({ kernel, begin, prevWord: pw, wide: undefined, final: -1 });
      const need = this.states.length * this.classCount;
      if (need > this.table.length) {
        const grown = new Int32Array(Math.max(need, this.table.length * 2)).fill(UNKNOWN);
        grown.set(this.table);
        this.table = grown;
      }
      this.index.set(key, id);
    }
    return id;
  }

  private reset(): void {
    this.epochs++;
    this.states = [];
    this.index = new Map();
    this.wideCount = 0;
    this.table.fill(UNKNOWN);
    this.startId = -1;
  }

  /** The transition from state `id` on symbol `c`, computed and cached. */
  private step(id: number, c: number): number {
    const from = this.states[id];
    const word = isWordChar(c);
    const chars = this.closure(from.kernel, from.begin, false, from.prevWord, word);
    let to: number;
    if (!chars) to = MATCHED;
    else {
      const kernel: number[] = this.anchored ? [] : [this.start];
      for (const pc of chars) if (this.tests[pc]!(c)) kernel.push(this.next[pc]);
      if (this.states.length >= MAX_STATES || this.wideCount >= MAX_WIDE) {
        this.reset();
        return this.intern(kernel, false, word);
      }
      to = this.intern(kernel, false, word);
    }
    if (c < 128) this.table[id * this.classCount + this.asciiClass[c]] = to;
    else {
      (from.wide ??= new Map()).set(c, to);
      this.wideCount++;
    }
    return to;
  }

  private final(id: number): boolean {
    const s = this.states[id];
    if (s.final < 0) s.final = this.closure(s.kernel, s.begin, true, s.prevWord, false) ? 0 : 1;
    return s.final === 1;
  }

  /** Whether the pattern matches somewhere in `text` (Go's MatchString; anchor with a begin assertion). */
  matches(text: string): boolean {
    return this.accepts(this.advance(text, this.startState(), 0, text.length));
  }

  /** The state before any symbol: pass it to `advance`. */
  startState(): number {
    if (this.startId < 0) this.startId = this.index.get('b' + this.start) ?? this.intern([this.start], true, false);
    return this.startId;
  }

  /**
   * The state after reading text[from, to) from state `id` (a state this matcher returned since its cache was last
   * rebuilt: see `epoch`), or MATCHED_STATE once a match is certain whatever follows.
   */
  advance(text: string, id: number, from: number, to: number): number {
    if (id === MATCHED) return id;
    const units = this.symbols === 'units';
    const cls = this.asciiClass;
    const k = this.classCount;
    for (let i = from; i < to;) {
      let c = text.charCodeAt(i++);
      let next: number;
      if (c < 128) next = this.table[id * k + cls[c]];
      else {
        if (!units && c >= 0xd800 && c <= 0xdbff && i < to) {
          const lo = text.charCodeAt(i);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
            i++;
          }
        }
        next = this.states[id].wide?.get(c) ?? UNKNOWN;
      }
      if (next === UNKNOWN) next = this.step(id, c);
      if (next === MATCHED) return MATCHED;
      id = next;
    }
    return id;
  }

  /** Whether the text read so far matches, if it ends here. */
  accepts(id: number): boolean {
    return id === MATCHED || this.final(id);
  }

  /** Bumped each time the cache is rebuilt: states returned before are then no longer valid. */
  get epoch(): number {
    return this.epochs;
  }
}
