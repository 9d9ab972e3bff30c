// A real `docker buildx bake` of targets whose named context is another target's output (`contexts = { base =
// "target:base" }`) on the BuildKit engine, compared step by step with `layerlens plan --bake` made before each build
// (cache-rules R27). `app` is `FROM base` + COPY + RUN; `copy` reads base's output with `COPY --from=base` and copies a
// file of its own. Bake builds base inside each build (its steps are in the same output), so base's steps are compared
// with `layerlens plan --bake base` as well. Rounds: the first build; nothing changed; a file only app and copy read;
// a file only base copies; base's RUN edited so that it writes the same bytes. What the engine did in each (seen on
// Engine 26.1 with buildx 0.29): FROM base goes on from base's last step, so app reruns whenever any step of base
// reruns, even with identical files; COPY --from=base is by content: it reruns only when the files differ, which the
// plan cannot know, so it says `maybe` there, and the steps after it too.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, planJson, recordBuild, type PlanJson } from './compare';
import { docker, engineProblem, readDockerfile, toolsDir, wantedEngines, withEngineLock } from './engine';
import { plainVertices } from '../../server/src/build/progress';

const SKIP = process.env.LAYERLENS_SKIP_ORACLE === '1';

const files: Record<string, string> = {
  'base.Dockerfile': ['FROM localbase:1', 'WORKDIR /b', 'COPY base.txt ./', 'RUN cat base.txt > /b/out', ''].join('\n'),
  'app.Dockerfile': ['FROM base', 'COPY app.txt ./', 'RUN cat app.txt /b/out > /b/app.out', ''].join('\n'),
  'copy.Dockerfile': ['FROM localbase:1', 'WORKDIR /c', 'COPY --from=base /b/out ./copied', 'RUN cat copied > /c/c.out', 'COPY app.txt ./', ''].join('\n'),
  'docker-bake.json': JSON.stringify(
    {
      target: {
        base: { context: '.', dockerfile: 'base.Dockerfile' },
        app: { context: '.', dockerfile: 'app.Dockerfile', contexts: { base: 'target:base' }, tags: ['ll-bake-named:app'] },
        copy: { context: '.', dockerfile: 'copy.Dockerfile', contexts: { base: 'target:base' }, tags: ['ll-bake-named:copy'] },
      },
    },
    null,
    2,
  ),
};

interface Verdict {
  target: string;
  line: number;
  keyword: string;
  engine: 'cached' | 'rebuilds';
  ours: string;
  reason: string;
}

/**
 * The steps of one Dockerfile in a bake build's output. Bake names a vertex after any target that shares it (base's
 * steps read `[app 2/4] WORKDIR /b` as often as `[base 2/4] ...`), so a vertex is taken by its instruction text
 * (each Dockerfile here has its own), not by that name. FROM lines are left out, as in the scenario oracle (R5).
 */
function stepsOf(output: string, dockerfile: string): Array<{ line: number; keyword: string; cached: boolean }> {
  const norm = (text: string) => text.trim().replace(/\s+/g, ' ');
  const ops = readDockerfile(dockerfile).stages[0].instructions.filter((i) => i.keyword !== 'FROM');
  const steps = new Map<number, { line: number; keyword: string; cached: boolean }>();
  for (const v of plainVertices(output)) {
    // `[app 1/3] COPY app.txt ./`: after FROM a named context the engine counts the ops from the first after it
    const m = /^\[[^\]]*\d+\/\d+\] (.*)$/.exec(v.name);
    const ins = m ? ops.find((i) => norm(`${i.keyword} ${i.args}`) === norm(m[1])) : undefined;
    if (!ins || steps.has(ins.line)) continue;
    if (v.outcome !== 'cached' && v.outcome !== 'ran') throw new Error(`bake: step at line ${ins.line} ended ${v.outcome}: ${v.name}`);
    steps.set(ins.line, { line: ins.line, keyword: ins.keyword, cached: v.outcome === 'cached' });
  }
  return [...steps.values()].sort((a, b) => a.line - b.line);
}

function verdicts(target: string, steps: ReturnType<typeof stepsOf>, plan: PlanJson): Verdict[] {
  return steps.map((s) => {
    const ours = plan.steps.find((p) => p.line === s.line);
    return { target, line: s.line, keyword: s.keyword, engine: s.cached ? 'cached' : 'rebuilds', ours: ours?.status ?? 'missing', reason: ours?.reason ?? '' };
  });
}

/** A fresh folder for a bake test (removed after it), or undefined once the test is skipped with the reason. */
async function bakeFolder(t: TestContext, prefix: string): Promise<string | undefined> {
  if (!existsSync(join(toolsDir(), 'docker-config', 'cli-plugins', 'docker-buildx'))) {
    t.skip('the buildx plugin is not installed (scripts/engines/setup.sh)');
    return undefined;
  }
  const problem = await engineProblem('buildkit');
  if (problem) {
    t.skip(problem);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

void test(
  'docker buildx bake with target: named contexts equals the plan made from the other target’s plan (BuildKit)',
  { skip: SKIP || !wantedEngines().includes('buildkit') ? 'the BuildKit engine is not wanted here' : false },
  async (t) => {
    const dir = await bakeFolder(t, 'll-bake-named-');
    if (!dir) return;
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    // nonces: round 1 runs the steps that read them, whatever an earlier run left in the engine's cache
    writeFileSync(join(dir, 'base.txt'), `base ${Date.now()}\n`);
    writeFileSync(join(dir, 'app.txt'), `app ${Date.now()}\n`);
    const store = join(dir, 'store.json');
    const env = cliEnv(join(dir, 'digests.json'));
    const args = (target: string) => ['--bake', target, '--workspace', dir, '--store', store, '--builder', 'buildkit'];
    const bake = async (target: string) => {
      const r = await docker('buildkit', ['buildx', 'bake', '--progress', 'plain', '-f', 'docker-bake.json', target], { cwd: dir, timeoutMs: 120_000 });
      assert.equal(r.code, 0, `docker buildx bake ${target} failed:\n${r.output.split('\n').slice(-30).join('\n')}`);
      return r.output;
    };
    const all: Verdict[] = [];
    /** Plans base, app and copy, builds app then copy, and compares every step each build reported. */
    const round = async (name: string, change: () => void) => {
      change();
      const plans = { base: await planJson(args('base'), env), app: await planJson(args('app'), env), copy: await planJson(args('copy'), env) };
      const appOut = await bake('app');
      const copyOut = await bake('copy');
      const v = [
        ...verdicts('base', stepsOf(appOut, files['base.Dockerfile']), plans.base),
        ...verdicts('app', stepsOf(appOut, files['app.Dockerfile']), plans.app),
        ...verdicts('copy', stepsOf(copyOut, files['copy.Dockerfile']), plans.copy),
      ];
      t.diagnostic(`${name}: bake vs plan: ${v.map((x) => `${x.target}:${x.line} ${x.keyword} ${x.engine}/${x.ours}`).join(', ')}`);
      all.push(...v);
      // 'maybe' is allowed (the plan says it cannot know); cached or rebuilds must be what the engine did.
      assert.deepEqual(
        v.filter((x) => x.ours !== x.engine && x.ours !== 'maybe'),
        [],
        `${name}: every step bake ran has the verdict the plan gave it`,
      );
      assert.deepEqual(
        v.map((x) => `${x.target}:${x.line}`).sort(),
        ['app:2', 'app:3', 'base:2', 'base:3', 'base:4', 'copy:2', 'copy:3', 'copy:4', 'copy:5'],
        `${name}: the steps the builds reported`,
      );
      await recordBuild(args('app'), env);
      await recordBuild(args('copy'), env);
      return { v, plans };
    };
    const at = (v: Verdict[], target: string, line: number) => v.find((x) => x.target === target && x.line === line) as Verdict;
    await withEngineLock('buildkit', async () => {
      const first = await round('first build', () => {});
      assert.ok(
        first.v.some((x) => x.engine === 'rebuilds'),
        'round 1 ran something',
      );
      const same = await round('nothing changed', () => {});
      assert.deepEqual(
        same.v.map((x) => `${x.engine}/${x.ours}`),
        same.v.map(() => 'cached/cached'),
      );
      assert.equal(same.plans.app.steps.find((p) => p.line === 1)?.reason, 'named context base (target:base): every step of it cached');
      const appFile = await round('app.txt changed', () => writeFileSync(join(dir, 'app.txt'), `app ${Date.now()} 2\n`));
      assert.deepEqual(
        appFile.v.filter((x) => x.engine === 'rebuilds').map((x) => `${x.target}:${x.line}`),
        ['app:2', 'app:3', 'copy:5'],
      );
      assert.ok(appFile.v.every((x) => x.ours === x.engine));
      const baseFile = await round('base.txt changed', () => writeFileSync(join(dir, 'base.txt'), `base ${Date.now()} 2\n`));
      // base's COPY and RUN rerun; app on top of it reruns; copy reads the new bytes: it reruns from its COPY --from
      assert.deepEqual(
        baseFile.v.filter((x) => x.engine === 'rebuilds').map((x) => `${x.target}:${x.line}`),
        ['base:3', 'base:4', 'app:2', 'app:3', 'copy:3', 'copy:4', 'copy:5'],
      );
      assert.equal(at(baseFile.v, 'app', 2).ours, 'rebuilds');
      assert.equal(baseFile.plans.app.steps.find((p) => p.line === 1)?.reason, 'named context base (target:base) rebuilds: its line 3 COPY (base.Dockerfile)');
      assert.equal(at(baseFile.v, 'copy', 3).ours, 'maybe');
      const sameBytes = await round('base RUN edited, same bytes', () => {
        files['base.Dockerfile'] = files['base.Dockerfile'].replace('RUN cat base.txt > /b/out', 'RUN cat base.txt > /b/out && true');
        writeFileSync(join(dir, 'base.Dockerfile'), files['base.Dockerfile']);
      });
      // base's RUN reruns; app's steps rerun though base's files are the same; copy's COPY --from is cached by content
      assert.deepEqual(
        sameBytes.v.filter((x) => x.engine === 'rebuilds').map((x) => `${x.target}:${x.line}`),
        ['base:4', 'app:2', 'app:3'],
      );
      assert.equal(at(sameBytes.v, 'app', 3).ours, 'rebuilds');
      assert.equal(at(sameBytes.v, 'copy', 3).ours, 'maybe');
      assert.equal(at(sameBytes.v, 'copy', 2).ours, 'cached');
    });
    const wrong = all.filter((x) => x.ours !== x.engine && x.ours !== 'maybe').length;
    const maybe = all.filter((x) => x.ours === 'maybe').length;
    t.diagnostic(`${all.length} steps compared over 5 rounds: ${all.length - wrong - maybe} right, ${maybe} maybe, ${wrong} wrong`);
  },
);

// FROM a named context that is a folder (here a Bake `contexts = { base = "./basedir" }`): BuildKit loads the folder
// as the stage's root and takes no step on top of it from its cache, not even when nothing changed (seen on Engine
// 26.1 with buildx 0.29: every build ran both COPYs again). The plan says so (R27).
const folderFiles: Record<string, string> = {
  'folder.Dockerfile': ['FROM base', 'COPY app.txt /app.txt', 'COPY other.txt /other.txt', ''].join('\n'),
  'docker-bake.json': JSON.stringify({ target: { folder: { context: '.', dockerfile: 'folder.Dockerfile', contexts: { base: './basedir' } } } }, null, 2),
};

void test(
  'docker buildx bake FROM a named folder: the steps on top run again at every build, as the plan says (BuildKit)',
  { skip: SKIP || !wantedEngines().includes('buildkit') ? 'the BuildKit engine is not wanted here' : false },
  async (t) => {
    const dir = await bakeFolder(t, 'll-bake-folder-');
    if (!dir) return;
    for (const [name, text] of Object.entries(folderFiles)) writeFileSync(join(dir, name), text);
    mkdirSync(join(dir, 'basedir'));
    writeFileSync(join(dir, 'basedir', 'b.txt'), `b ${Date.now()}\n`);
    writeFileSync(join(dir, 'app.txt'), `app ${Date.now()}\n`);
    writeFileSync(join(dir, 'other.txt'), 'other\n');
    const store = join(dir, 'store.json');
    const env = cliEnv(join(dir, 'digests.json'));
    const args = ['--bake', 'folder', '--workspace', dir, '--store', store, '--builder', 'buildkit'];
    const all: Verdict[] = [];
    await withEngineLock('buildkit', async () => {
      for (const [name, change] of [
        ['first build', () => {}],
        ['nothing changed', () => {}],
        ['a file of the folder changed', () => writeFileSync(join(dir, 'basedir', 'b.txt'), `b ${Date.now()} 2\n`)],
      ] as const) {
        change();
        const plan = await planJson(args, env);
        const r = await docker('buildkit', ['buildx', 'bake', '--progress', 'plain', '-f', 'docker-bake.json', 'folder'], { cwd: dir, timeoutMs: 120_000 });
        assert.equal(r.code, 0, `docker buildx bake folder failed:\n${r.output.split('\n').slice(-30).join('\n')}`);
        const v = verdicts('folder', stepsOf(r.output, folderFiles['folder.Dockerfile']), plan);
        t.diagnostic(`${name}: bake vs plan: ${v.map((x) => `${x.line} ${x.keyword} ${x.engine}/${x.ours}`).join(', ')}`);
        assert.deepEqual(
          v.map((x) => `${x.line} ${x.engine}/${x.ours}`),
          ['2 rebuilds/rebuilds', '3 rebuilds/rebuilds'],
          `${name}: both COPYs ran, as planned`,
        );
        assert.match(
          plan.steps.find((p) => p.line === 1)?.reason ?? '',
          /^FROM named context base \(a folder\): BuildKit takes no step on top of a folder from its cache/,
        );
        all.push(...v);
        await recordBuild(args, env);
      }
    });
    t.diagnostic(`${all.length} steps compared over 3 rounds, ${all.filter((x) => x.ours === x.engine).length} right`);
  },
);
