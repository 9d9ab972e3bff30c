// One model per document version (server/src/document/model.ts): the real server over in-memory streams parses,
// plans and advises a version once, however many features ask (lenses, hover, pushed diagnostics, code actions, the
// layer stack, the status), and once more per new version; a context change plans and advises again without parsing
// again. Counted by core/shared/workCounts.ts (every parseDockerfile, planBuild and advise of this process).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { workCounts } from '../../../server/src/core/shared/workCounts';
import { layerStackRequest, statusRequest } from '../../../server/src/protocol';
import { diskProject } from '../../helpers/diskProject';
import { TestServer } from '../support/lspClient';

const roots: string[] = [];
after(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

const dockerfile = (run: string): string =>
  ['FROM node:20-alpine', 'WORKDIR /app', 'COPY . .', `RUN ${run}`, 'RUN apt-get update', 'CMD ["node", "server.js"]', ''].join('\n');

void test('one parse, one plan and one advice per document version, whichever features ask and how often', async () => {
  const root = diskProject('ll-model-', { Dockerfile: dockerfile('npm install'), 'package.json': '{"name":"app"}', 'server.js': 'listen(3000)' }, roots);
  const storePath = `${root}-store.json`;
  roots.push(storePath);
  const s = await TestServer.start({ storePath, workspaceFolders: [root] });
  try {
    const since = { ...workCounts };
    const counted = () => ({ parses: workCounts.parses - since.parses, plans: workCounts.plans - since.plans, advice: workCounts.advice - since.advice });
    // Every feature, twice over, on the current version; each answer checked so the features really ran.
    const everyFeature = async (u: string, version: number, run: string): Promise<void> => {
      const diagnostics = await s.diagnosticsFor(u, version);
      assert.ok(
        diagnostics.some((d) => d.code === 'copy-before-install'),
        diagnostics.map((d) => d.code).join(),
      );
      for (let round = 0; round < 2; round++) {
        const [lenses, hover, actions, stack, status] = await Promise.all([
          s.titles(u),
          s.hover(u, 3, 1),
          s.codeActions(u, 2, 3),
          s.request(layerStackRequest, { uri: u }),
          s.request(statusRequest, { uri: u }),
        ]);
        assert.equal(lenses[4], 'rebuilds: not built yet');
        assert.ok(hover?.includes(run) || hover?.includes('**RUN**'), hover ?? 'no hover');
        assert.ok(actions.length > 0, 'a quick fix for COPY . . before the install');
        assert.ok(stack?.model?.stages.length === 1, 'the layer stack has the one stage');
        assert.equal(status.instructionCount, 6);
      }
    };

    const u = await s.open(join(root, 'Dockerfile'), dockerfile('npm install'));
    await everyFeature(u, 1, 'npm install');
    assert.deepEqual(counted(), { parses: 1, plans: 1, advice: 1 }, 'the first version');

    await s.edit(u, dockerfile('npm ci'));
    await everyFeature(u, 2, 'npm ci');
    assert.deepEqual(counted(), { parses: 2, plans: 2, advice: 2 }, 'a second version makes exactly one more of each');

    // What the plan depends on changes, the text does not: a new model plans (and advises, the context being
    // part of the advice) again over the same parse.
    const refreshes = s.refreshes;
    fs.writeFileSync(join(root, 'server.js'), 'listen(8080)');
    await s.filesChanged([join(root, 'server.js')]);
    await s.until(() => s.refreshes > refreshes || s.updates > 0, 'the server takes up the changed file');
    await everyFeature(u, 2, 'npm ci');
    assert.deepEqual(counted(), { parses: 2, plans: 3, advice: 3 }, 'a context change: one more plan and advice, no parse');
  } finally {
    await s.stop();
  }
});
