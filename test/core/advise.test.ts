import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advise } from '../../server/src/core/advise/advise';
import { fixAll } from '../../server/src/core/advise/apply';
import { applyEdits, insertLines, textModel } from '../../server/src/core/advise/text';
import type { Advice, AdviceCode, AdviseContext } from '../../server/src/core/advise/types';

function run(code: AdviceCode, text: string, context?: AdviseContext): Advice[] {
  return advise({ text, rules: [code], ...(context ? { context } : {}) });
}

function fix(a: Advice, text: string): string {
  assert.ok(a.fixes.length, `no fix for ${a.code}: ${a.message}`);
  return applyEdits(text, a.fixes[0].edits);
}

test('arg-declared-early moves the ARG (and its comment) down to its first use', () => {
  const text = 'FROM alpine\n# version of the app\nARG VERSION=1.0\nRUN apk add --no-cache curl\nRUN make deps\nLABEL v=$VERSION\n';
  const [a] = run('arg-declared-early', text);
  assert.equal(a.line, 3);
  assert.equal(a.severity, 'info');
  assert.match(a.message, /first used on line 6: a new value for it reruns the 2 RUN/);
  assert.equal(fix(a, text), 'FROM alpine\nRUN apk add --no-cache curl\nRUN make deps\n# version of the app\nARG VERSION=1.0\nLABEL v=$VERSION\n');
});

test('arg-declared-early leaves alone ARGs used at once, never used, read implicitly, or several per line', () => {
  assert.deepEqual(run('arg-declared-early', 'FROM alpine\nARG V=1\nRUN echo $V\nRUN make\n'), []);
  assert.deepEqual(run('arg-declared-early', 'FROM alpine\nARG V=1\nRUN make\n'), []);
  assert.deepEqual(run('arg-declared-early', 'FROM debian\nARG DEBIAN_FRONTEND=noninteractive\nRUN apt-get install -y x\nRUN echo $DEBIAN_FRONTEND\n'), []);
  assert.deepEqual(run('arg-declared-early', 'FROM alpine\nARG A=1 B=2\nRUN make\nRUN echo $A $B\n'), []);
  assert.deepEqual(run('arg-declared-early', 'ARG V=1\nFROM alpine:$V\nRUN make\n'), [], 'a global ARG is not a stage ARG');
  assert.equal(run('arg-declared-early', 'FROM alpine\nARG V\nRUN make\nRUN echo ${V:-x}\n').length, 1, '${V:-x} is a use');
});

test('apt-update-alone merges the update into the next install', () => {
  const text = 'FROM debian\n# refresh\nRUN apt-get update\nENV X=1\nRUN apt-get install -y --no-install-recommends \\\n    curl\n';
  const [a] = run('apt-update-alone', text);
  assert.equal(a.line, 3);
  assert.equal(a.fixes[0].title, 'Merge into the install on line 5');
  assert.equal(fix(a, text), 'FROM debian\n# refresh\nENV X=1\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n    curl\n');
  const flagged =
    'FROM debian\r\nRUN --mount=type=cache,target=/var/cache/apt apt-get update -qq\r\nRUN --mount=type=cache,target=/var/cache/apt apt-get -y install git\r\n';
  assert.equal(
    fix(run('apt-update-alone', flagged)[0], flagged),
    'FROM debian\r\nRUN --mount=type=cache,target=/var/cache/apt apt-get update -qq && apt-get -y install git\r\n',
  );
  const apk = 'FROM alpine\nRUN apk update\nRUN apk add curl\n';
  assert.equal(fix(run('apt-update-alone', apk)[0], apk), 'FROM alpine\nRUN apk update && apk add curl\n');
});

test('apt-update-alone without a fix: other flags, or no install after it', () => {
  const [a] = run('apt-update-alone', 'FROM debian\nRUN apt-get update\nRUN --network=host apt-get install -y x\n');
  assert.equal(a.fixes.length, 0);
  const [b] = run('apt-update-alone', 'FROM debian\nRUN apt-get update\nCMD ["bash"]\n');
  assert.match(b.message, /No later RUN of this stage installs packages/);
  assert.deepEqual(run('apt-update-alone', 'FROM debian\nRUN apt-get update && apt-get install -y x\n'), []);
});

test('run-starts-app turns the RUN into CMD in exec form', () => {
  const cases: Array<[string, string]> = [
    ['RUN node server.js', 'CMD ["node", "server.js"]'],
    ['RUN npm start', 'CMD ["npm", "start"]'],
    ['RUN python3 app.py', 'CMD ["python3", "app.py"]'],
    ['RUN ["node", "dist/main.js"]', 'CMD ["node", "dist/main.js"]'],
    ['RUN uvicorn main:app --host 0.0.0.0', 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]'],
    ['RUN node server.js --port $PORT', 'CMD ["/bin/sh", "-c", "node server.js --port $PORT"]'],
    ['RUN npm run build && npm start', 'RUN npm run build\nCMD ["npm", "start"]'],
    ['run java -jar app.jar', 'cmd ["java", "-jar", "app.jar"]'],
  ];
  for (const [line, expected] of cases) {
    const text = `FROM node:20\n${line}\nEXPOSE 3000\n`;
    const [a] = run('run-starts-app', text);
    assert.ok(a, line);
    assert.equal(fix(a, text), `FROM node:20\n${expected}\nEXPOSE 3000\n`, line);
  }
});

test('run-starts-app removes the RUN when a CMD or ENTRYPOINT already starts the container, and ignores build steps', () => {
  const text = 'FROM node:20\nRUN node server.js\nCMD ["node", "server.js"]\n';
  const [a] = run('run-starts-app', text);
  assert.equal(a.fixes[0].title, 'Remove this RUN (the CMD on line 3 starts the container)');
  assert.equal(fix(a, text), 'FROM node:20\nCMD ["node", "server.js"]\n');
  for (const line of [
    'RUN node build.js',
    'RUN npm run build',
    'RUN python setup.py install',
    'RUN python manage.py collectstatic',
    'RUN go build ./...',
    'RUN npm install',
  ]) {
    assert.deepEqual(run('run-starts-app', `FROM x\n${line}\n`), [], line);
  }
});

test('cmd-overridden flags every CMD/ENTRYPOINT but the last of a stage; the fix removes it and keeps comments', () => {
  const text = 'FROM node:20 AS a\nCMD ["a"]\nFROM node:20\n# first\nCMD ["node", \\\n  "x.js"]\nENTRYPOINT ["/e"]\nCMD ["node", "y.js"]\nENTRYPOINT ["/f"]\n';
  const advice = run('cmd-overridden', text);
  assert.deepEqual(
    advice.map((a) => [a.line, a.endLine]),
    [
      [5, 6],
      [7, 7],
    ],
  );
  assert.deepEqual(advice[0].tags, ['unnecessary']);
  assert.match(advice[0].message, /Only the last CMD of a stage counts: the one on line 8/);
  assert.equal(fix(advice[0], text), 'FROM node:20 AS a\nCMD ["a"]\nFROM node:20\n# first\nENTRYPOINT ["/e"]\nCMD ["node", "y.js"]\nENTRYPOINT ["/f"]\n');
});

test('missing-dockerignore creates a .dockerignore with what the Dockerfile recreates', () => {
  const text = 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n';
  const paths = ['.git', '.git/HEAD', 'node_modules/x/index.js', 'dist/app.js', 'src/a.py', 'src/__pycache__/a.pyc', 'package.json'];
  const [a] = run('missing-dockerignore', text, { paths });
  assert.equal(a.line, 3);
  assert.equal(a.fixes[0].title, 'Create .dockerignore with .git, node_modules, dist, **/__pycache__');
  assert.deepEqual(a.fixes[0].createFiles, [{ path: '.dockerignore', text: '.git\nnode_modules\ndist\n**/__pycache__\n' }]);
  assert.deepEqual(a.fixes[0].edits, []);
  // No install and no build in the Dockerfile: node_modules and dist are what the image runs on.
  const [b] = run('missing-dockerignore', 'FROM node:20\nCOPY . /app\nCMD ["node", "/app/dist/app.js"]\n', { paths });
  assert.deepEqual(b.fixes[0].createFiles, [{ path: '.dockerignore', text: '.git\n**/__pycache__\n' }]);
  assert.deepEqual(run('missing-dockerignore', text, { paths, ignoreFile: '.dockerignore' }), []);
  assert.deepEqual(run('missing-dockerignore', 'FROM node:20\nCOPY src /app\n', { paths }), []);
  assert.deepEqual(run('missing-dockerignore', text, { paths: ['src/a.js'] }), []);
});

test('consecutive-runs is a hint without a fix, one per group', () => {
  const advice = run('consecutive-runs', 'FROM a\nRUN a\n# c\nRUN b\nRUN c\nENV X=1\nRUN d\nRUN e\n');
  assert.deepEqual(
    advice.map((a) => [a.line, a.endLine, a.severity, a.fixes.length]),
    [
      [2, 5, 'hint', 0],
      [7, 8, 'hint', 0],
    ],
  );
  assert.match(advice[0].message, /^3 RUN instructions in a row make 3 layers/);
});

test('advice comes sorted by line with LSP ranges; rules can be chosen', () => {
  const text = 'FROM node:20\nRUN apt-get update\nRUN apt-get install -y x\nCMD ["a"]\nCMD ["b"]\n';
  const all = advise({ text });
  assert.deepEqual(
    all.map((a) => [a.line, a.code]),
    [
      [2, 'apt-update-alone'],
      [2, 'consecutive-runs'],
      [4, 'cmd-overridden'],
    ],
  );
  assert.deepEqual(all[0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 18 } });
  assert.deepEqual(
    advise({ text, rules: ['cmd-overridden'] }).map((a) => a.code),
    ['cmd-overridden'],
  );
});

test('fixAll applies fixes one by one and reports what it created', () => {
  const text = 'FROM node:20\nARG V=1\nWORKDIR /app\nCOPY . .\nRUN apt-get update\nRUN apt-get install -y git\nRUN npm ci\nRUN echo $V\nRUN node server.js\n';
  const result = fixAll({ text, context: { paths: ['package.json', 'package-lock.json', '.git/HEAD', 'node_modules/a/b.js'] } });
  assert.equal(
    result.text,
    'FROM node:20\nWORKDIR /app\nRUN apt-get update && apt-get install -y git\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nARG V=1\nRUN echo $V\nCMD ["node", "server.js"]\n',
  );
  assert.deepEqual(result.createFiles, [{ path: '.dockerignore', text: '.git\nnode_modules\n' }]);
  assert.deepEqual(result.applied.map((a) => a.code).sort(), [
    'apt-update-alone',
    'arg-declared-early',
    'copy-before-install',
    'missing-dockerignore',
    'run-starts-app',
  ]);
  assert.ok(result.remaining.every((a) => a.fixes.length === 0));
});

test('text edits: inserting after a last line without newline, and overlapping edits are refused', () => {
  const model = textModel('FROM a\nRUN b');
  assert.equal(applyEdits(model.text, [insertLines(model, 2, 'RUN c\n')]), 'FROM a\nRUN b\nRUN c');
  const crlf = textModel('FROM a\r\n');
  assert.equal(applyEdits(crlf.text, [insertLines(crlf, 2, 'RUN c\r\n')]), 'FROM a\r\nRUN c\r\n');
  const r = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
  assert.throws(
    () =>
      applyEdits('FROM a', [
        { range: r, newText: 'x' },
        { range: { start: { line: 0, character: 2 }, end: { line: 0, character: 5 } }, newText: 'y' },
      ]),
    /Overlapping/,
  );
});

test('a Dockerfile template gets one notice and no findings from its template syntax', () => {
  const text = 'FROM {{ base }}\n{% if dev %}\nRUN apt-get update\n{% endif %}\nCOPY . .\nRUN npm ci\nRUN a\nRUN b\n';
  for (const name of ['Dockerfile.j2', 'docker/Dockerfile.tmpl', 'Dockerfile.in', 'file:///w/app/Dockerfile.template', 'C:\\w\\Dockerfile.jinja']) {
    const advice = advise({ text, fileName: name, context: { paths: ['package.json'] } });
    assert.deepEqual(
      advice.map((a) => [a.code, a.severity, a.line]),
      [['template-not-analysed', 'info', 1]],
      name,
    );
    assert.match(advice[0].message, /does not analyse templates/);
    assert.deepEqual(advise({ text, fileName: name, rules: ['copy-before-install'] }), [], `${name}: only the rules asked for`);
  }
  // Plain Dockerfiles, named or not, get their findings and no notice.
  for (const name of ['Dockerfile', 'app.Dockerfile', 'Dockerfile.prod', 'Containerfile', undefined]) {
    const codes = advise({ text: 'FROM a\nRUN a\nRUN b\n', ...(name ? { fileName: name } : {}) }).map((a) => a.code);
    assert.deepEqual(codes, ['consecutive-runs'], String(name));
  }
});
