// Root hooks for the e2e suite (loaded first by scripts/vscode/run-e2e.mjs): one VS Code for all tests,
// and a screenshot after every test, passed or failed, into .artifacts/e2e/.
import { screenshot, startSession, stopSession } from './support/session';

let testNumber = 0;

before(async function () {
  this.timeout(240_000);
  await startSession();
});

afterEach(async function () {
  const test = this.currentTest;
  if (!test) return;
  testNumber += 1;
  const slug = test.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  const file = await screenshot(`${String(testNumber).padStart(2, '0')}-${slug}`).catch(() => undefined);
  if (file) console.log(`      screenshot: ${file}`);
});

after(async function () {
  this.timeout(60_000);
  await stopSession();
});
