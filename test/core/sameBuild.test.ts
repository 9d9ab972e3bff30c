// Same-build reuse (cache-rules R4): a step whose key an earlier step of the same build makes. Classic: `Using cache`
// even in a cold build (the earlier stage has just committed that child image); BuildKit: one vertex for both lines.
// Expectations as observed on Engine 20.10.24 (classic) and 26.1.5 (BuildKit v0.13), oracle scenarios same-build-reuse-*.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBuild } from '../../server/src/core/plan/predict';
import { planContext } from '../../server/src/diskProject';
import { buildId, emptyStore, knownBuilds, recordBuild, type StoreData } from '../../server/src/core/plan/store';
import { snap } from '../helpers/memoryContext';
import { afterBuilds, planState, reasonAt, statuses } from '../helpers/plan';
import type { Builder } from '../../server/src/core/shared/types';

const lines = (...l: string[]) => l.join('\n') + '\n';
const prefix = lines(
  'FROM base AS a',
  'ENV A=1',
  'WORKDIR /app',
  'RUN echo same > /s',
  'COPY f.txt /f',
  'RUN echo a-only',
  'FROM base AS b',
  'ENV A=1',
  'WORKDIR /app',
  'RUN echo same > /s',
  'COPY f.txt /f',
  'RUN echo b-only',
  'FROM a AS c',
  'RUN echo fromA',
  'FROM a AS d',
  'RUN echo fromA',
  'COPY --from=b /s /s2',
  'COPY --from=c /s /s3',
);
const v1 = { dockerfile: prefix, files: { 'f.txt': 'f1' } };
const v2 = { dockerfile: prefix, files: { 'f.txt': 'f2' } };
/** Status letters per instruction, stages separated: = cached, R rebuilds, ? maybe, . none. */
const brief = (r: ReturnType<typeof planState>) =>
  r.steps
    .map((s) => (s.keyword === 'FROM' ? ' -' : { cached: '=', rebuilds: 'R', maybe: '?', none: '.', skipped: 's' }[s.status]))
    .join('')
    .trim();

test("cold plan, classic: the later stage's copies of the same steps are cached, with the line that makes them first", () => {
  const r = planState(v1, 'classic');
  assert.equal(brief(r), '-RRRRR -====R -R -=RR');
  assert.equal(reasonAt(r, 8), 'same step as line 2 (stage a), which this build makes first');
  assert.equal(reasonAt(r, 11), 'same step as line 5 (stage a), which this build makes first');
  assert.equal(reasonAt(r, 16), 'same step as line 14 (stage c), which this build makes first');
  // the step after the shared prefix is the stage's own: not built yet
  assert.equal(reasonAt(r, 12), 'not built yet: no recorded build');
});

test('cold plan, BuildKit: the same steps are one vertex, so they rebuild with the first line', () => {
  const r = planState(v1, 'buildkit');
  assert.equal(brief(r), '-.RRRR -.RRRR -R -RRR');
  assert.equal(reasonAt(r, 9), 'same step as line 3 (stage a): BuildKit runs it once for both lines');
  assert.equal(reasonAt(r, 16), 'same step as line 14 (stage c): BuildKit runs it once for both lines');
});

test("after a record, the first stage's copy rebuilds: classic reuses it in the second, BuildKit runs it once for both", () => {
  const cl = afterBuilds('classic', v1, v2);
  assert.equal(brief(cl), '-===RR -====R -R -=RR');
  assert.equal(reasonAt(cl, 11), 'same step as line 5 (stage a), which this build makes first');
  // after a step reused from a rebuilt one, the chain is that one's: the next own step rebuilds for its cause
  assert.equal(reasonAt(cl, 12), 'parent step rebuilds: line 5 COPY (f.txt changed)');
  const bk = afterBuilds('buildkit', v1, v2);
  assert.equal(brief(bk), '-.==RR -.==RR -R -RRR');
  assert.equal(reasonAt(bk, 11), 'same step as line 5 (stage a): BuildKit runs it once for both lines');
  assert.equal(reasonAt(bk, 12), 'parent step rebuilds: line 5 COPY (f.txt changed)');
  // nothing changed: the usual reasons, no same-step ones
  for (const builder of ['classic', 'buildkit'] as const) {
    const same = afterBuilds(builder, v1, v1);
    assert.ok(
      same.steps.every((s) => s.status !== 'rebuilds' && !s.reason.startsWith('same step')),
      builder,
    );
  }
});

test('not the same step: a LABEL (classic only), another ENV value, an in-scope ARG, another base', () => {
  const df = lines(
    'FROM base AS a',
    'LABEL x=1',
    'RUN echo same',
    'COPY f.txt /f',
    'FROM base AS b',
    'ENV X=2',
    'RUN echo same',
    'COPY f.txt /f',
    'FROM base AS c',
    'ARG V=1',
    'RUN echo same',
    'COPY f.txt /f',
    'FROM other AS o',
    'RUN echo same',
    'FROM base',
    'RUN echo same',
    'COPY f.txt /f',
    'COPY --from=a /f /a',
    'COPY --from=b /f /b',
    'COPY --from=c /f /c',
    'COPY --from=o /f /o',
  );
  const s = { dockerfile: df, files: { 'f.txt': 'f1' } };
  assert.equal(brief(planState(s, 'classic')), '-RRR -RRR -RRR -R -RRRRRR');
  // BuildKit: the LABEL is in no key, so the last stage's RUN and COPY are stage a's
  const bk = planState(s, 'buildkit');
  assert.equal(brief(bk), '-.RR -.RR -.RR -R -RRRRRR');
  assert.equal(reasonAt(bk, 16), 'same step as line 3 (stage a): BuildKit runs it once for both lines');
  assert.equal(reasonAt(bk, 17), 'same step as line 4 (stage a): BuildKit runs it once for both lines');
  assert.equal(reasonAt(bk, 7), 'not built yet: no recorded build');
});

test('a stage that is not built makes nothing: no reuse from it (BuildKit, classic after the target)', () => {
  const df = lines('FROM base AS unused', 'RUN echo same', 'FROM base AS a', 'RUN echo same', 'FROM base AS late', 'RUN echo same');
  const bk = planState({ dockerfile: df, target: 'a' }, 'buildkit');
  assert.equal(reasonAt(bk, 4), 'not built yet: no recorded build');
  const cl = planState({ dockerfile: df, target: 'a' }, 'classic');
  // classic builds every stage before the target: line 2 runs first, line 4 reuses it
  assert.equal(reasonAt(cl, 4), 'same step as line 2 (stage unused), which this build makes first');
  assert.equal(statuses(cl).join(' '), '1:rebuilds 2:rebuilds 3:rebuilds 4:cached 5:skipped 6:skipped');
});

test('a maybe step (COPY --from of a stage that rebuilds) in two stages: classic cached, BuildKit maybe, and the chain stays maybe', () => {
  const df = lines(
    'FROM base AS src',
    'COPY f.txt /f',
    'RUN cat /f > /out',
    'FROM base AS a',
    'COPY --from=src /out /out',
    'RUN echo a',
    'FROM base AS b',
    'COPY --from=src /out /out',
    'RUN echo a',
    'RUN echo b',
    'FROM base',
    'COPY --from=a /out /a',
    'COPY --from=b /out /b',
  );
  const s1 = { dockerfile: df, files: { 'f.txt': 'f1' } };
  const s2 = { dockerfile: df, files: { 'f.txt': 'f2' } };
  const cl = afterBuilds('classic', s1, s2);
  assert.deepEqual(
    [5, 6, 8, 9, 10].map((l) => cl.steps.find((x) => x.line === l)?.status),
    ['maybe', 'maybe', 'cached', 'cached', 'maybe'],
  );
  assert.equal(reasonAt(cl, 8), 'same step as line 5 (stage a), which this build makes first');
  assert.match(reasonAt(cl, 10) ?? '', /^parent step may rebuild: line 5 COPY/);
  const bk = afterBuilds('buildkit', s1, s2);
  assert.deepEqual(
    [5, 6, 8, 9, 10].map((l) => bk.steps.find((x) => x.line === l)?.status),
    ['maybe', 'maybe', 'maybe', 'maybe', 'maybe'],
  );
  assert.equal(reasonAt(bk, 9), 'same step as line 6 (stage a): BuildKit runs it once for both lines');
});

function planWith(store: StoreData, dockerfile: string, path: string, files: Record<string, string>, builder: Builder) {
  const context = planContext(snap({ [path]: dockerfile, ...files }), undefined, builder);
  return planBuild({
    text: dockerfile,
    options: { builder, buildArgs: {}, dockerfilePath: path },
    context,
    known: knownBuilds(store, builder, buildId(builder, path, undefined)),
  });
}

test("across Dockerfiles: a recorded build of A makes the shared prefix of B cached (the store's keys are per builder)", () => {
  const A = lines('FROM base', 'ENV APP=1', 'WORKDIR /app', 'COPY f.txt ./', 'RUN echo a');
  const B = lines('FROM base', 'ENV APP=1', 'WORKDIR /app', 'COPY f.txt ./', 'RUN echo b', 'RUN echo more');
  const files = { 'f.txt': 'f1' };
  for (const builder of ['classic', 'buildkit'] as const) {
    const a = planWith(emptyStore(), A, 'A.Dockerfile', files, builder);
    const store = recordBuild(emptyStore(), builder, buildId(builder, 'A.Dockerfile', undefined), a.keys, a.recorded);
    const b = planWith(store, B, 'B.Dockerfile', files, builder);
    assert.equal(brief(b), builder === 'classic' ? '-===RR' : '-.==RR', builder);
    // B has no recorded build of its own: its new steps say so
    assert.equal(reasonAt(b, 5), 'no recorded build of this Dockerfile has this step', builder);
    // recorded with the other builder: nothing is shared
    const other = builder === 'classic' ? 'buildkit' : 'classic';
    assert.ok(
      planWith(store, B, 'B.Dockerfile', files, other).steps.every((s) => s.status !== 'cached'),
      builder,
    );
  }
});
