// Small helpers for the benchmark: order statistics, formatting, plain-text tables, CPU profiles.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { dirname } from 'node:path';

export function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  // nearest rank
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export const median = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const p95 = (xs: number[]): number => quantile(xs, 0.95);

/** Milliseconds, with precision that suits the magnitude. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x < 1) return `${x.toFixed(2)} ms`;
  if (x < 100) return `${x.toFixed(1)} ms`;
  if (x < 10_000) return `${Math.round(x)} ms`;
  return `${(x / 1000).toFixed(1)} s`;
}

export function ratio(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return x >= 100 ? `${Math.round(x)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A plain-text table: first row is the header; numbers and ratios right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const right = (s: string) => /^[-+]?[\d.,]+( ?(ms|s|MB|x|%|MB\/s))?$|^-$/.test(s);
  const line = (r: string[]) =>
    r
      .map((c, i) => (right(c) && rows.indexOf(r) > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function now(): number {
  return performance.now();
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/**
 * Run `fn` under the V8 CPU profiler, save the .cpuprofile (open it in Chrome DevTools or VS Code),
 * and return the hottest functions by inclusive and self time.
 */
export async function profile(file: string, fn: () => void | Promise<void>, top = 12): Promise<string> {
  const s = new Session();
  s.connect();
  const post = <T>(method: string, params: object = {}): Promise<T> => new Promise((res, rej) => s.post(method, params, (e, v) => (e ? rej(e) : res(v as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 250 });
  await post('Profiler.start');
  let prof: { nodes: ProfileNode[]; samples: number[] };
  try {
    await fn();
  } finally {
    prof = (await post<{ profile: { nodes: ProfileNode[]; samples: number[] } }>('Profiler.stop')).profile;
    s.disconnect();
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(prof));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts = new Map<number, number>();
  for (const id of prof.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const name = (n: ProfileNode): string => {
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const m = /\/(server\/src\/.*|node_modules\/[^/]+)/.exec(url);
    const where = m ? m[1] : url.startsWith('node:') ? url : url ? url.split('/').slice(-1)[0] : '';
    // (no line numbers: tsx's transformed sources do not keep them)
    return `${n.callFrame.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (const [id, c] of counts) {
    const n = byId.get(id)!;
    self.set(name(n), (self.get(name(n)) ?? 0) + c);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = name(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + c);
    }
  }
  const total = prof.samples.length || 1;
  const fmt = (m: Map<string, number>, filter: (k: string) => boolean) =>
    [...m]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, c]) => `    ${((100 * c) / total).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return [`  profile saved: ${file}`, '  inclusive (engine functions):', fmt(incl, (k) => k.includes('server/src/')), '  self:', fmt(self, () => true)].join(
    '\n',
  );
}
