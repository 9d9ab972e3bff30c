// BuildKit's automatic platform args and --platform (cache-rules R11a): one test per finding on the engines
// (Engine 26.1.5 / BuildKit v0.13 and the classic builder of Engine 20.10.24). The build machine is linux/amd64
// in these plans (test/helpers/plan.ts), as on the engines that showed the behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterBuilds, planState, reasonAt, statuses } from '../helpers/plan';
import { machinePlatform, normalizePlatform, parsePlatform, platformArgValues } from '../../server/src/core/dockerfile/platform';
import { stepKey } from '../../server/src/core/plan/cacheKeys';

const files = { 'f.txt': 'f' };
const state = (dockerfile: string, more: Record<string, unknown> = {}) => ({ dockerfile, files, ...more });

test('platform texts are normalised as the engine printed TARGETPLATFORM; bad ones are refused with the reason', () => {
  const seen: Record<string, string> = {
    'linux/aarch64': 'linux/arm64',
    'linux/arm64/v8': 'linux/arm64',
    'linux/arm': 'linux/arm/v7',
    'linux/armhf': 'linux/arm/v7',
    'linux/x86_64': 'linux/amd64',
    'linux/amd64/v1': 'linux/amd64',
    'linux/amd64/v2': 'linux/amd64/v2',
    'linux/arm/v6': 'linux/arm/v6',
    'linux/386': 'linux/386',
    'linux/arm64/v9': 'linux/arm64/v9',
    'LINUX/ARM64': 'linux/arm64',
    arm64: 'linux/arm64',
    'windows/amd64': 'windows/amd64',
  };
  for (const [given, printed] of Object.entries(seen)) assert.equal(normalizePlatform(given), printed, given);
  for (const bad of ['linux//arm64', 'foo', 'linux/amd64/v2/x', '', 'linux/a b']) {
    const r = parsePlatform(bad);
    assert.ok('error' in r, bad);
  }
  assert.match((parsePlatform('foo') as { error: string }).error, /not a known operating system or architecture/);
});

test("the machine platform: linux/ and node's architecture in Docker's words", () => {
  assert.equal(machinePlatform('x64'), 'linux/amd64');
  assert.equal(machinePlatform('arm64'), 'linux/arm64');
  assert.equal(machinePlatform('arm'), 'linux/arm/v7');
  assert.equal(machinePlatform('ia32'), 'linux/386');
  assert.equal(normalizePlatform(machinePlatform()), machinePlatform());
});

test('automatic values: BUILD* the machine, TARGET* the target; a platform without variant gives an empty VARIANT', () => {
  const v = platformArgValues('linux/amd64', 'linux/arm/v7');
  assert.deepEqual(Object.fromEntries(v), {
    BUILDPLATFORM: 'linux/amd64',
    BUILDOS: 'linux',
    BUILDARCH: 'amd64',
    BUILDVARIANT: '',
    TARGETPLATFORM: 'linux/arm/v7',
    TARGETOS: 'linux',
    TARGETARCH: 'arm',
    TARGETVARIANT: 'v7',
  });
});

test('BuildKit: ARG TARGETARCH without a default in a stage takes the automatic value, so later RUNs rebuild', () => {
  const before = state('FROM base\nRUN echo one\nARG OTHER\nRUN env\n');
  const after = state('FROM base\nRUN echo one\nARG TARGETARCH\nRUN env\n');
  const r = afterBuilds('buildkit', before, after);
  assert.deepEqual(statuses(r), ['1:cached', '2:cached', '3:none', '4:rebuilds']);
  assert.equal(reasonAt(r, 4), 'build arg TARGETARCH now has a value');
});

test('BuildKit: a default equal to the automatic value changes nothing; ${TARGETARCH} in the default is empty there', () => {
  const plain = state('FROM base\nRUN echo one\nARG TARGETARCH\nRUN env\n');
  const same = state('FROM base\nRUN echo one\nARG TARGETARCH=amd64\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', plain, same)), ['1:cached', '2:cached', '3:none', '4:cached']);
  // The stage does not see the automatic value until it declares it: the default expands to ''.
  const selfRef = state('FROM base\nRUN echo one\nARG TARGETARCH=$TARGETARCH\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', plain, selfRef)), ['1:cached', '2:cached', '3:none', '4:rebuilds']);
  // Another default wins over the automatic value.
  const other = state('FROM base\nRUN echo one\nARG TARGETARCH=arm64\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', plain, other)), ['1:cached', '2:cached', '3:none', '4:rebuilds']);
  assert.deepEqual(statuses(afterBuilds('buildkit', other, { ...plain, platform: 'linux/arm64' })).slice(-1), ['4:rebuilds'], 'FROM base changed platform');
});

test('BuildKit: --build-arg wins over an in-stage default; for an automatic arg the stage does not declare it changes nothing', () => {
  const dflt = state('FROM base\nARG TARGETARCH=foo\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', dflt, { ...dflt, buildArgs: { TARGETARCH: 'foo' } })), ['1:cached', '2:none', '3:cached']);
  assert.deepEqual(statuses(afterBuilds('buildkit', dflt, { ...dflt, buildArgs: { TARGETARCH: 'x' } })), ['1:cached', '2:none', '3:rebuilds']);
  const none = state('FROM base\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', none, { ...none, buildArgs: { TARGETARCH: 'x', BUILDOS: 'b' } })), ['1:cached', '2:cached']);
  const plain = state('FROM base\nARG TARGETARCH\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', plain, { ...plain, buildArgs: { TARGETARCH: 'amd64' } })), ['1:cached', '2:none', '3:cached']);
});

test('BuildKit: a declared TARGETVARIANT is in the env with an empty value (amd64 has none); "=" with nothing is the same', () => {
  const a = state('FROM base\nARG TARGETARCH\nRUN env\n');
  const b = state('FROM base\nARG TARGETARCH TARGETVARIANT\nRUN env\n');
  const c = state('FROM base\nARG TARGETARCH TARGETVARIANT=\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', a, b)), ['1:cached', '2:none', '3:rebuilds']);
  assert.deepEqual(statuses(afterBuilds('buildkit', b, c)), ['1:cached', '2:none', '3:cached']);
});

test('BuildKit: a global ARG without a value takes the automatic value away; a global default replaces it', () => {
  const stageOnly = state('FROM base\nARG TARGETOS\nRUN env\n');
  const globalNoValue = state('ARG TARGETOS\nFROM base\nARG TARGETOS\nRUN env\n');
  const globalSame = state('ARG TARGETOS=linux\nFROM base\nARG TARGETOS\nRUN env\n');
  const globalOther = state('ARG TARGETOS=gos\nFROM base\nARG TARGETOS\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', stageOnly, globalNoValue)).slice(-1), ['4:rebuilds']);
  assert.deepEqual(statuses(afterBuilds('buildkit', stageOnly, globalSame)).slice(-1), ['4:cached']);
  assert.deepEqual(statuses(afterBuilds('buildkit', stageOnly, globalOther)).slice(-1), ['4:rebuilds']);
});

test('BuildKit: FROM --platform=$BUILDPLATFORM needs no ARG and keys like a plain FROM (also written out, or declared globally)', () => {
  const plain = state('FROM base\nRUN echo a\n');
  const forms = [
    'FROM --platform=$BUILDPLATFORM base\nRUN echo a\n',
    'ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM base\nRUN echo a\n',
    'FROM --platform=linux/amd64 base\nRUN echo a\n',
    'FROM --platform=linux/x86_64 base\nRUN echo a\n',
    'FROM --platform=$TARGETPLATFORM base\nRUN echo a\n',
  ];
  for (const df of forms) {
    const r = afterBuilds('buildkit', plain, state(df));
    assert.deepEqual(
      r.steps.filter((s) => s.keyword !== 'ARG').map((s) => s.status),
      ['cached', 'cached'],
      df,
    );
    assert.deepEqual(r.diagnostics, []);
  }
  // Keys recorded before platforms were resolved stored '' for a FROM without --platform: still the same key.
  assert.equal(planState(plain, 'buildkit').steps[0].key, stepKey('FROM', { image: 'base', platform: '' }));
});

test('BuildKit: a variant is another platform: FROM --platform=linux/amd64/v2 rebuilds and says what changed', () => {
  const r = afterBuilds('buildkit', state('FROM base\nRUN echo a\n'), state('FROM --platform=linux/amd64/v2 base\nRUN echo a\n'));
  assert.deepEqual(statuses(r), ['1:rebuilds', '2:rebuilds']);
  assert.equal(reasonAt(r, 1), 'platform changed: linux/amd64/v2 (was linux/amd64)');
});

test("--platform: the machine's own changes nothing; another one rebuilds FROM img but not a stage on $BUILDPLATFORM", () => {
  const plain = state('FROM base\nARG TARGETARCH\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', plain, { ...plain, platform: 'linux/amd64' })), ['1:cached', '2:none', '3:cached']);
  const arm = afterBuilds('buildkit', plain, { ...plain, platform: 'linux/arm64' });
  assert.deepEqual(statuses(arm), ['1:rebuilds', '2:none', '3:rebuilds']);
  assert.equal(reasonAt(arm, 1), 'platform changed: linux/arm64 (was linux/amd64)');
  const onBuild = state('FROM --platform=$BUILDPLATFORM base\nRUN echo x\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', onBuild, { ...onBuild, platform: 'linux/arm64' })), ['1:cached', '2:cached']);
  const onBuildArg = state('FROM --platform=$BUILDPLATFORM base\nRUN echo x\nARG TARGETARCH\nRUN env\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', onBuildArg, { ...onBuildArg, platform: 'linux/arm64' })), ['1:cached', '2:cached', '3:none', '4:rebuilds']);
  // --platform linux/arm64/v8 is linux/arm64
  assert.deepEqual(statuses(afterBuilds('buildkit', { ...plain, platform: 'linux/arm64' }, { ...plain, platform: 'linux/arm64/v8' })), [
    '1:cached',
    '2:none',
    '3:cached',
  ]);
});

test('BuildKit: --build-arg BUILDPLATFORM reaches FROM lines; --build-arg TARGETPLATFORM does not move a plain FROM', () => {
  const onBuild = state('FROM --platform=$BUILDPLATFORM base\nRUN echo a\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', onBuild, { ...onBuild, buildArgs: { BUILDPLATFORM: 'linux/amd64/v2' } })), ['1:rebuilds', '2:rebuilds']);
  const plain = state('FROM base\nRUN echo a\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', plain, { ...plain, buildArgs: { TARGETPLATFORM: 'linux/amd64/v2' } })), ['1:cached', '2:cached']);
});

test('BuildKit: FROM lines see automatic args without a declaration (FROM base-$TARGETARCH continues that stage); classic does not', () => {
  const df = 'FROM base AS base-amd64\nRUN echo a\nFROM base-$TARGETARCH\nRUN echo b\n';
  const bk = planState(state(df), 'buildkit');
  assert.equal(bk.steps.find((s) => s.line === 3)?.reason, 'continues stage base-amd64');
  const cl = planState(state(df), 'classic');
  assert.notEqual(cl.steps.find((s) => s.line === 3)?.reason, 'continues stage base-amd64');
});

test('BuildKit: a scratch stage keeps its cache on another platform (its COPY has no platform)', () => {
  const s = state('FROM scratch\nCOPY f.txt /f\n');
  assert.deepEqual(statuses(afterBuilds('buildkit', s, { ...s, platform: 'linux/arm64' })), ['1:none', '2:cached']);
});

test('classic: no automatic args: a declared TARGETARCH has no value, and --build-arg gives it one like any ARG', () => {
  const a = state('FROM base\nARG TARGETARCH\nRUN env\n');
  // Built with TARGETARCH=amd64 passed, then without: BuildKit's automatic value is the same, classic has none.
  const passed = { ...a, buildArgs: { TARGETARCH: 'amd64' } };
  assert.deepEqual(statuses(afterBuilds('classic', passed, a)), ['1:cached', '2:cached', '3:rebuilds']);
  assert.deepEqual(statuses(afterBuilds('buildkit', passed, a)), ['1:cached', '2:none', '3:cached']);
  assert.deepEqual(statuses(afterBuilds('classic', a, { ...a, buildArgs: { TARGETARCH: 'x' } })), ['1:cached', '2:cached', '3:rebuilds']);
  // An ARG line is a classic step: ARG TARGETARCH → ARG TARGETARCH=amd64 rebuilds from there.
  assert.deepEqual(statuses(afterBuilds('classic', a, state('FROM base\nARG TARGETARCH=amd64\nRUN env\n'))), ['1:cached', '2:rebuilds', '3:rebuilds']);
});

test('classic: FROM --platform=$BUILDPLATFORM without a global ARG fails the build: an error that says what to do, no verdicts', () => {
  for (const buildArgs of [{}, { BUILDPLATFORM: 'linux/amd64' }]) {
    const r = afterBuilds('classic', state('FROM base\nRUN echo a\n'), state('FROM --platform=$BUILDPLATFORM base\nRUN echo a\n', { buildArgs }));
    assert.deepEqual(statuses(r), ['1:skipped', '2:skipped']);
    assert.match(reasonAt(r, 2) ?? '', /^the build fails: line 1 FROM --platform/);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].severity, 'error');
    assert.match(r.diagnostics[0].message, /classic builder has no automatic platform args.*"ARG BUILDPLATFORM=linux\/amd64", or build with BuildKit/);
    assert.deepEqual(r.keys, []);
    assert.equal(r.fails?.line, 1);
  }
  // Declared globally with a value (or with --build-arg to a global declaration) it builds, on the cache of FROM base.
  for (const s of [
    state('ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM base\nRUN echo a\n'),
    state('ARG BUILDPLATFORM\nFROM --platform=$BUILDPLATFORM base\nRUN echo a\n', { buildArgs: { BUILDPLATFORM: 'linux/amd64' } }),
  ]) {
    const r = afterBuilds('classic', state('FROM base\nRUN echo a\n'), s);
    assert.deepEqual(
      r.steps.filter((x) => x.keyword !== 'ARG').map((x) => x.status),
      ['cached', 'cached'],
    );
    assert.equal(r.fails, undefined);
  }
});

test('BuildKit fails too on a --platform that expands to nothing or to no platform, in any stage; classic only up to the target', () => {
  const empty = planState(state('FROM --platform=$NOPE base\nRUN echo a\n'), 'buildkit');
  assert.deepEqual(statuses(empty), ['1:skipped', '2:skipped']);
  assert.match(empty.diagnostics[0].message, /expands to an empty platform.*Give \$NOPE a value/);
  const noValue = planState(state('ARG BUILDPLATFORM\nFROM --platform=$BUILDPLATFORM base\nRUN echo a\n'), 'buildkit');
  assert.equal(noValue.fails?.line, 2);
  const foo = planState(state('FROM --platform=foo base\nRUN echo a\n'), 'buildkit');
  assert.match(foo.diagnostics[0].message, /gives "foo", which is not a platform/);
  const later = 'FROM base AS final\nRUN echo f\nFROM --platform=$NOPE base AS later\nRUN echo l\n';
  assert.equal(planState(state(later, { target: 'final' }), 'buildkit').fails?.line, 3);
  const cl = planState(state(later, { target: 'final' }), 'classic');
  assert.equal(cl.fails, undefined);
  assert.deepEqual(statuses(cl), ['1:rebuilds', '2:rebuilds', '3:skipped', '4:skipped']);
  assert.equal(planState(state('FROM --platform=$NOPE base AS first\nRUN echo u\nFROM base AS final\nRUN echo f\n'), 'classic').fails?.line, 1);
});
