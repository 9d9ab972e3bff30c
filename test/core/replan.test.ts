// Re-planning after edits takes shortcuts (core/context/changes.ts, lazy reads and records, selection counts):
// these tests check, over random contexts and random edits, that they give exactly what the plain
// computation gives: the same verdicts, reasons, reads and record as a fresh view without the shortcuts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeFingerprint, selectSources, updateView, viewContext, wholeContext, type ContextView } from '../../server/src/core/context/context';
import { lookup } from '../../server/src/core/context/view';
import { planBuild, type PlanContext, type RecordablePlan } from '../../server/src/core/plan/predict';
import { emptyStore, knownBuilds, recordBuild, type StoreData } from '../../server/src/core/plan/store';
import type { ContextSnapshot, PlanOptions, SourceSelection } from '../../server/src/core/shared/types';
import { snap, type Spec } from '../helpers/memoryContext';
import { seededRandom as rng } from '../helpers/random';

const OPTIONS: PlanOptions = { builder: 'buildkit', buildArgs: {}, dockerfilePath: 'Dockerfile' };
const DOCKERFILE = [
  'FROM alpine',
  'COPY package.json /app/',
  'RUN npm ci',
  'COPY . /app',
  'COPY src /src',
  'COPY *.txt d1 /t/',
  'COPY --exclude=*.md . /x',
  'COPY link-dir /l',
  'RUN --mount=type=bind,source=src,target=/s true',
  'RUN --mount=type=bind,target=/w true',
  'COPY d1 d1/d2 /overlap/',
].join('\n');

function randomSpec(r: () => number, files: number): Record<string, Spec> {
  const dirs = ['', 'src', 'src/lib', 'd1', 'd1/d2', 'd1/d2/d3', 'docs'];
  const spec: Record<string, Spec> = { Dockerfile: DOCKERFILE, 'package.json': '{}', 'link-dir': { link: 'd1' }, 'src/to-pkg': { link: '../package.json' } };
  for (let i = 0; i < files; i++) {
    const dir = dirs[Math.floor(r() * dirs.length)];
    const ext = ['js', 'txt', 'md'][i % 3];
    spec[`${dir ? dir + '/' : ''}f${i}.${ext}`] = { content: `content ${i} ${Math.floor(r() * 3)}`, mode: r() < 0.1 ? 0o755 : 0o644 };
  }
  return spec;
}

/** Random edits; returns the new spec and every path added, removed or modified. */
function edit(r: () => number, spec: Record<string, Spec>, n: number): { spec: Record<string, Spec>; changed: string[] } {
  const next = { ...spec };
  const changed: string[] = [];
  const files = () => Object.keys(next).filter((p) => p !== 'Dockerfile' && typeof next[p] === 'object' && (next[p] as { link?: string }).link === undefined);
  for (let i = 0; i < n; i++) {
    const pick = files()[Math.floor(r() * files().length)];
    const what = r();
    if (what < 0.35 && pick) {
      next[pick] = { ...(next[pick] as object), content: `edited ${r()}` };
      changed.push(pick);
    } else if (what < 0.5 && pick) {
      next[pick] = { ...(next[pick] as object), mode: 0o600 };
      changed.push(pick);
    } else if (what < 0.65 && pick) {
      delete next[pick];
      changed.push(pick);
    } else if (what < 0.75) {
      const dir = ['d1/d2', 'docs', 'src/lib'][Math.floor(r() * 3)];
      for (const p of Object.keys(next)) if (p.startsWith(dir + '/')) delete next[p];
      changed.push(dir);
    } else if (what < 0.85) {
      next['link-dir'] = { link: r() < 0.5 ? 'src' : 'd1/d2' };
      changed.push('link-dir');
    } else {
      const p = `${['new', 'src/new', 'd1/new/deeper'][Math.floor(r() * 3)]}/n${i}.txt`;
      next[p] = `new ${i}`;
      changed.push(p);
      // Folders a new file brings are new entries too.
      for (let j = p.indexOf('/'); j >= 0; j = p.indexOf('/', j + 1)) changed.push(p.slice(0, j));
    }
  }
  return { spec: next, changed };
}

/** Every entry added, removed or modified between two snapshots (what contextFs.updateSnapshot reports). */
function differences(a: ContextSnapshot, b: ContextSnapshot): string[] {
  const out: string[] = [];
  const digest = (s: ContextSnapshot, p: string) => (s.entries.get(p)?.type === 'file' ? s.contentDigest(p) : '');
  for (const [p, e] of b.entries) {
    const was = a.entries.get(p);
    if (!was || was.type !== e.type || was.mode !== e.mode || was.linkTarget !== e.linkTarget || digest(a, p) !== digest(b, p)) out.push(p);
  }
  for (const p of a.entries.keys()) if (!b.entries.has(p)) out.push(p);
  return out;
}

/** The plain computation: selections with only digest, paths and problems; fingerprints by lookup. */
function plainContext(view: ContextView): PlanContext {
  const plain = (sel: SourceSelection): SourceSelection => ({ digest: sel.digest, paths: sel.paths, problems: sel.problems });
  return {
    select: (sources, opts) => plain(selectSources(view, sources, opts)),
    whole: () => plain(wholeContext(view)),
    fingerprint: (path) => {
      const node = path === '' ? undefined : lookup(view.root, path);
      return node && nodeFingerprint(view, node);
    },
  };
}

/** The shortcuts, checking on the way that every selection's count and includes agree with its paths. */
function fastContext(view: ContextView, probe: string[]): PlanContext {
  return {
    select: (sources, opts) => {
      // A second selection, so `paths` is not listed before `count` is asked.
      const counted = selectSources(view, sources, opts).count;
      const sel = selectSources(view, sources, opts);
      assert.equal(counted, sel.paths.length, `count of ${sources.join(' ')}`);
      for (const p of [...probe, ...sel.paths.slice(0, 50)]) assert.equal(sel.includes?.(p), sel.paths.includes(p), `includes ${p} in ${sources.join(' ')}`);
      return sel;
    },
    whole: () => wholeContext(view),
    fingerprint: (path) => {
      const node = path === '' ? undefined : lookup(view.root, path);
      return node && nodeFingerprint(view, node);
    },
  };
}

function summary(plan: RecordablePlan): unknown {
  return {
    steps: plan.steps.map((s) => ({ line: s.line, status: s.status, reason: s.reason, reads: s.reads })),
    recorded: JSON.parse(JSON.stringify(plan.recorded)) as unknown,
    keys: plan.keys,
  };
}

function record(view: ContextView, keepReads: boolean): StoreData {
  const first = planBuild({ text: DOCKERFILE, options: OPTIONS, context: plainContext(view), known: { has: () => false, empty: true } });
  const stored = JSON.parse(JSON.stringify(recordBuild(emptyStore(), 'buildkit', 'bk', first.keys, first.recorded))) as StoreData;
  // A selection of more than MAX_RECORDED_READS paths is recorded without them: take that path too.
  if (!keepReads) for (const step of Object.values(stored.builds.bk.steps)) delete step.reads;
  return stored;
}

for (const keepReads of [true, false]) {
  void test(`re-plan after random edits: shortcuts give the plain answer (${keepReads ? 'recorded reads' : 'large selections, no recorded reads'})`, () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = rng(seed * 7919);
      const original = randomSpec(r, 60);
      let view = viewContext(snap(original), '*.log\n');
      const store = record(view, keepReads);
      const known = knownBuilds(store, 'buildkit', 'bk');
      let spec = original;
      let rebuilt = 0;
      for (let round = 0; round < 8; round++) {
        const back = round === 5;
        const e = back ? { spec: original, changed: [...new Set([...Object.keys(spec), ...Object.keys(original)])] } : edit(r, spec, 1 + Math.floor(r() * 3));
        spec = e.spec;
        const snapshot: ContextSnapshot = snap(spec);
        view = updateView(view, snapshot, differences(view.snapshot, snapshot));
        const fresh = viewContext(snapshot, '*.log\n');
        const probe = [...e.changed, 'd1', 'd1/d2', 'src/lib', 'nope/x', ''];
        const fast = planBuild({ text: DOCKERFILE, options: OPTIONS, context: fastContext(view, probe), known });
        const again = planBuild({ text: DOCKERFILE, options: OPTIONS, context: fastContext(view, probe), known });
        const plain = planBuild({ text: DOCKERFILE, options: OPTIONS, context: plainContext(fresh), known });
        const what = `seed ${seed} round ${round}: ${e.changed.join(', ')}`;
        assert.deepEqual(summary(fast), summary(plain), what);
        assert.deepEqual(summary(again), summary(plain), `${what} (planned twice on one view)`);
        if (back)
          assert.ok(
            fast.steps.every((s) => s.status === 'cached' || s.status === 'none'),
            `${what}: back to the recorded state is cached`,
          );
        rebuilt += fast.steps.filter((s) => s.status === 'rebuilds' && / (changed|added|removed)/.test(s.reason)).length;
      }
      assert.ok(rebuilt > 0, `seed ${seed}: some edits gave file reasons (the comparison compared something)`);
    }
  });
}

void test('a plan lists no context paths until asked, and the record and step reads are listed on first read', () => {
  const view = viewContext(snap(randomSpec(rng(3), 40)));
  let listed = 0;
  const context: PlanContext = {
    ...plainContext(view),
    select: (sources, opts) => {
      const sel = selectSources(view, sources, opts);
      const paths = Object.getOwnPropertyDescriptor(sel, 'paths')!;
      return Object.defineProperty(sel, 'paths', {
        enumerable: true,
        get: () => {
          listed++;
          return paths.get!.call(sel) as string[];
        },
      });
    },
  };
  const plan = planBuild({ text: DOCKERFILE, options: OPTIONS, context, known: { has: () => false, empty: true } });
  assert.equal(listed, 0, 'planning listed no selection');
  const copyAll = plan.steps.find((s) => s.line === 4)!;
  assert.ok(copyAll.reads && copyAll.reads.includes('src/lib') && copyAll.reads.includes('package.json'));
  assert.ok(listed > 0);
  assert.ok(Object.keys(plan.recorded.files).includes('d1/d2'));
  assert.deepEqual(plan.recorded.steps['0#3'].reads, copyAll.reads);
});
