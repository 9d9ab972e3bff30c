// Oracle scenarios: small build contexts plus a sequence of changes ("rounds"), as data.
//
// Each scenario is built with a real engine (round 0), then each round applies its changes and builds again.
// `expect` says what the ENGINE reported for that round, one character per Dockerfile instruction in file order
// (spaces are ignored, use them to separate stages):
//   =  the engine reused its cache for the step        R  the engine ran the step
//   .  the engine does not report the step at all (BuildKit: metadata instructions, `WORKDIR /`, unneeded stages)
//   -  not compared (FROM lines; global ARGs before the first FROM in classic)
//   ?  either = or R
// The expectations were written from docs/cache-rules.md (the `rules` field cites the rule / Part F case) and
// then checked against the real engines (scripts/engines): they are the engines' observed behaviour.
import type { Engine } from './engine';

/** A file in the build context: text content (mode 0644), or a richer description. */
export type FileSpec =
  | string
  | { content: string; mode?: number; /** seconds since the epoch */ mtime?: number }
  | { symlink: string }
  | { dir: true; mode?: number }
  | { tar: Record<string, string>; mtime: number };

export type Op =
  | { op: 'write'; path: string; content: string; mode?: number; /** set this mtime (s) after writing */ mtime?: number }
  | { op: 'edit'; path: string; from: string; to: string }
  | { op: 'rm'; path: string }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'chown'; path: string; uid: number; gid: number }
  | { op: 'touch'; path: string }
  | { op: 'symlink'; path: string; target: string }
  | { op: 'mkdir'; path: string }
  | { op: 'tar'; path: string; entries: Record<string, string>; mtime: number };

export interface Round {
  /** What this round changes, in words. */
  does: string;
  ops?: Op[];
  /** Build args from this round on (replaces the previous set). */
  buildArgs?: Record<string, string>;
  /** Target stage from this round on. */
  target?: string;
  /** Dockerfile (path inside the context) built from this round on: another Dockerfile sharing the same store. */
  dockerfile?: string;
  /** Target platform (docker build --platform) from this round on; '' goes back to none. */
  platform?: string;
  expect: Partial<Record<Engine, string>>;
  /**
   * The engine's build is expected to fail, with this text in its output (then `expect` is not checked for that
   * engine, and Layer Lens must give no verdicts: every step skipped, and `record` refuses).
   */
  fails?: Partial<Record<Engine, string>>;
}

export interface Scenario {
  name: string;
  /** cache-rules.md references (R = rule, C = Part F case, G = Part G). */
  rules: string[];
  /** Only meaningful for (or only supported by) one builder. */
  only?: Engine;
  /** Dockerfile path inside the context. Default `Dockerfile`. */
  dockerfile?: string;
  files: Record<string, FileSpec>;
  buildArgs?: Record<string, string>;
  target?: string;
  /** Target platform (docker build --platform) of the first build. */
  platform?: string;
  /** Optional expectation for the first build (default: not checked). */
  initial?: Partial<Record<Engine, string>>;
  rounds: Round[];
}

// ---- helpers to keep the data short ------------------------------------------------------------------------
const write = (path: string, content: string, mode?: number): Op => ({ op: 'write', path, content, mode });
const writeWithMtime = (path: string, content: string, mtime: number): Op => ({ op: 'write', path, content, mtime });
const edit = (path: string, from: string, to: string): Op => ({ op: 'edit', path, from, to });
const df = (from: string, to: string): Op => edit('Dockerfile', from, to);
const rm = (path: string): Op => ({ op: 'rm', path });
const chmod = (path: string, mode: number): Op => ({ op: 'chmod', path, mode });
const chown = (path: string, uid: number, gid: number): Op => ({ op: 'chown', path, uid, gid });
const touch = (path: string): Op => ({ op: 'touch', path });
const symlink = (path: string, target: string): Op => ({ op: 'symlink', path, target });
const mkdir = (path: string): Op => ({ op: 'mkdir', path });
const tar = (path: string, entries: Record<string, string>, mtime: number): Op => ({ op: 'tar', path, entries, mtime });
/** Same expectation for both engines. */
const both = (s: string): Partial<Record<Engine, string>> => ({ buildkit: s, classic: s });
const lines = (...l: string[]): string => l.join('\n') + '\n';

export const SCENARIOS: Scenario[] = [
  // ------------------------------------------------------------------ context content (R9)
  {
    name: 'content-edit',
    rules: ['R9', 'R3'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY app/ /app/', 'RUN cat /app/main.txt > /out', 'COPY extra.txt /extra.txt', 'RUN echo done'),
      'app/main.txt': 'main v1\n',
      'app/util.txt': 'util v1\n',
      'extra.txt': 'extra v1\n',
    },
    rounds: [
      { does: 'edit a file inside the copied dir', ops: [write('app/util.txt', 'util v2\n')], expect: both('-RRRR') },
      { does: 'edit the file of the second COPY', ops: [write('extra.txt', 'extra v2\n')], expect: both('-==RR') },
    ],
  },
  {
    // A file name that is not UTF-8 ("caf\xe9.txt", latin-1): Docker hashes names as bytes; Layer Lens keeps the
    // byte as the lone surrogate U+DCE9 (server/src/core/context/names.ts) and must not lose the file.
    name: 'non-utf8-name',
    rules: ['R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY . /app/', 'RUN echo done'),
      'a.txt': 'a\n',
      'caf\udce9.txt': 'v1\n',
    },
    rounds: [
      { does: 'edit the file whose name is not UTF-8', ops: [write('caf\udce9.txt', 'v2\n')], expect: both('-RR') },
      {
        does: 'rename it to another name that is not UTF-8 (\\xe9 -> \\xe8), same content',
        ops: [rm('caf\udce9.txt'), write('caf\udce8.txt', 'v2\n')],
        expect: both('-RR'),
      },
      { does: 'touch it: nothing changes', ops: [touch('caf\udce8.txt')], expect: both('-==') },
    ],
  },
  {
    name: 'chmod',
    rules: ['C6', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY app/ /app/', 'RUN ls -l /app > /ls.txt'),
      'app/run.sh': { content: 'echo hi\n', mode: 0o644 },
      'app/data.txt': 'data\n',
    },
    rounds: [
      { does: 'chmod +x a copied file', ops: [chmod('app/run.sh', 0o755)], expect: both('-RR') },
      { does: 'chmod it back (state of round 0)', ops: [chmod('app/run.sh', 0o644)], expect: both('-==') },
    ],
  },
  {
    name: 'new-and-deleted-files',
    rules: ['R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY app/ /app/', 'RUN ls /app > /ls.txt'),
      'app/a.txt': 'a\n',
      'app/b.txt': 'b\n',
    },
    rounds: [
      { does: 'add a file to the copied dir', ops: [write('app/new.txt', 'new\n')], expect: both('-RR') },
      { does: 'delete it again (round-0 state)', ops: [rm('app/new.txt')], expect: both('-==') },
      { does: 'delete an original file', ops: [rm('app/b.txt')], expect: both('-RR') },
    ],
  },
  {
    name: 'empty-dir',
    rules: ['C8', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY app/ /app/', 'RUN find /app > /find.txt'),
      'app/a.txt': 'a\n',
    },
    rounds: [
      { does: 'add an empty dir inside the copied dir', ops: [mkdir('app/empty')], expect: both('-RR') },
      { does: 'remove it again', ops: [rm('app/empty')], expect: both('-==') },
    ],
  },
  {
    name: 'symlinks',
    rules: ['C8', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY app/ /app/', 'RUN readlink /app/link > /link.txt'),
      'app/a.txt': 'a\n',
      'app/b.txt': 'b\n',
      'app/link': { symlink: 'a.txt' },
    },
    rounds: [
      { does: 'retarget a symlink inside the copied dir', ops: [symlink('app/link', 'b.txt')], expect: both('-RR') },
      { does: 'add a new symlink', ops: [symlink('app/l2', 'a.txt')], expect: both('-RR') },
    ],
  },
  {
    name: 'mtime-touch',
    rules: ['C5', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY app/ /app/', 'COPY top.txt /top.txt', 'RUN cat /top.txt > /o'),
      'app/a.txt': 'a\n',
      'top.txt': 'top\n',
    },
    rounds: [{ does: 'touch every file (mtime only)', ops: [touch('app/a.txt'), touch('top.txt'), touch('Dockerfile'), touch('app')], expect: both('-===') }],
  },
  {
    name: 'host-chown',
    rules: ['C7', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY app/ /app/', 'RUN ls -ln /app > /ls.txt'),
      'app/a.txt': 'a\n',
    },
    rounds: [{ does: 'chown a copied file on the host', ops: [chown('app/a.txt', 1234, 1234)], expect: both('-==') }],
  },
  {
    name: 'multi-source-copy',
    rules: ['R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY a.txt b.txt /d/', 'RUN ls /d > /ls.txt'),
      'a.txt': 'a\n',
      'b.txt': 'b\n',
    },
    rounds: [{ does: 'edit the second source', ops: [write('b.txt', 'b2\n')], expect: both('-RR') }],
  },
  {
    name: 'copy-wildcard',
    rules: ['C19', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY *.json /j/', 'RUN ls /j > /ls.txt'),
      'one.json': '{}\n',
      'readme.txt': 'r\n',
    },
    rounds: [
      { does: 'add a file the wildcard matches', ops: [write('two.json', '[]\n')], expect: both('-RR') },
      { does: 'add a file it does not match', ops: [write('notes.txt', 'n\n')], expect: both('-==') },
    ],
  },
  {
    name: 'copy-source-dir-renamed',
    rules: ['C22', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY other/x.txt /x.txt', 'RUN cat /x.txt > /o'),
      'other/x.txt': 'x\n',
    },
    rounds: [
      {
        does: 'move the source file to another dir, same name and bytes',
        ops: [rm('other/x.txt'), write('other2/x.txt', 'x\n'), df('COPY other/x.txt', 'COPY other2/x.txt')],
        expect: { buildkit: '-==', classic: '-RR' },
      },
    ],
  },

  // ------------------------------------------------------------------ .dockerignore and the context (R20, R21)
  {
    name: 'dockerignore-basic',
    rules: ['R20', 'R21'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY . /app/', 'RUN ls -R /app > /ls.txt'),
      '.dockerignore': lines('*.log', 'build'),
      'src.txt': 'src\n',
      'debug.log': 'log 1\n',
      'build/out.bin': 'bin\n',
    },
    rounds: [
      { does: 'edit an ignored file', ops: [write('debug.log', 'log 2\n')], expect: both('-==') },
      { does: 'add a file in an ignored dir', ops: [write('build/new.bin', 'x\n')], expect: both('-==') },
      { does: 'edit a file that is not ignored', ops: [write('src.txt', 'src 2\n')], expect: both('-RR') },
    ],
  },
  {
    name: 'dockerignore-negation',
    rules: ['R21'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY . /app/', 'RUN ls -R /app > /ls.txt'),
      '.dockerignore': lines('docs', '!docs/keep.md'),
      'main.txt': 'main\n',
      'docs/keep.md': 'keep\n',
      'docs/other.md': 'other\n',
    },
    rounds: [
      { does: 'edit a file in the excluded dir', ops: [write('docs/other.md', 'other 2\n')], expect: both('-==') },
      { does: 'edit the re-included file (!docs/keep.md)', ops: [write('docs/keep.md', 'keep 2\n')], expect: both('-RR') },
    ],
  },
  {
    name: 'dockerignore-doublestar',
    rules: ['R21'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY . /app/', 'RUN ls -R /app > /ls.txt'),
      '.dockerignore': lines('**/*.tmp', '*.bak'),
      'top.tmp': 't\n',
      'top.bak': 'b\n',
      'sub/y.bak': 'y\n',
      'sub/deep/x.tmp': 'x\n',
      'sub/deep/x.txt': 'x\n',
    },
    rounds: [
      { does: 'edit **/*.tmp files at depth 0 and 2', ops: [write('top.tmp', 't2\n'), write('sub/deep/x.tmp', 'x2\n')], expect: both('-==') },
      { does: 'edit top-level *.bak', ops: [write('top.bak', 'b2\n')], expect: both('-==') },
      { does: 'edit sub/y.bak (*.bak is anchored at the root)', ops: [write('sub/y.bak', 'y2\n')], expect: both('-RR') },
      { does: 'edit a normal deep file', ops: [write('sub/deep/x.txt', 'x2\n')], expect: both('-RR') },
    ],
  },
  {
    name: 'dockerfile-in-context',
    rules: ['C10', 'R20'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY . /app/', 'RUN ls -a /app > /ls.txt'),
      'data.txt': 'd\n',
    },
    rounds: [
      {
        does: 'append a comment to the Dockerfile (COPY . copies it)',
        ops: [edit('Dockerfile', 'RUN ls -a /app > /ls.txt\n', 'RUN ls -a /app > /ls.txt\n# comment\n')],
        expect: both('-RR'),
      },
      { does: 'create a .dockerignore that ignores nothing present', ops: [write('.dockerignore', 'nothing-here\n')], expect: both('-RR') },
    ],
  },
  {
    name: 'dockerignore-excludes-itself',
    rules: ['C10', 'R20'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY . /app/', 'RUN ls -a /app > /ls.txt'),
      '.dockerignore': lines('Dockerfile', '.dockerignore'),
      'data.txt': 'd\n',
    },
    rounds: [
      {
        does: 'append a comment to the Dockerfile',
        ops: [edit('Dockerfile', 'RUN ls -a /app > /ls.txt\n', 'RUN ls -a /app > /ls.txt\n# comment\n')],
        expect: both('-=='),
      },
      { does: 'append a comment to .dockerignore', ops: [edit('.dockerignore', '.dockerignore\n', '.dockerignore\n# c\n')], expect: both('-==') },
      { does: 'edit a copied file', ops: [write('data.txt', 'd2\n')], expect: both('-RR') },
    ],
  },
  {
    name: 'dockerfile-specific-ignore',
    rules: ['R21'],
    only: 'buildkit',
    dockerfile: 'app.Dockerfile',
    files: {
      'app.Dockerfile': lines('FROM localbase:1', 'COPY . /app/', 'RUN ls -a /app > /ls.txt'),
      '.dockerignore': lines('secret.txt'),
      'app.Dockerfile.dockerignore': lines('*.md'),
      'README.md': 'readme\n',
      'secret.txt': 's\n',
    },
    rounds: [
      { does: 'edit README.md (ignored by app.Dockerfile.dockerignore)', ops: [write('README.md', 'readme 2\n')], expect: { buildkit: '-==' } },
      { does: 'edit secret.txt (root .dockerignore is replaced, so it is in the context)', ops: [write('secret.txt', 's2\n')], expect: { buildkit: '-RR' } },
    ],
  },

  // ------------------------------------------------------------------ Dockerfile edits per instruction
  {
    name: 'edit-run',
    rules: ['R7', 'R3'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY a.txt /a', 'RUN echo one > /1', 'RUN echo two > /2', 'COPY b.txt /b'),
      'a.txt': 'a\n',
      'b.txt': 'b\n',
    },
    rounds: [
      { does: 'edit the second RUN', ops: [df('echo two', 'echo TWO')], expect: both('-==RR') },
      { does: 'revert it', ops: [df('echo TWO', 'echo two')], expect: both('-====') },
    ],
  },
  {
    name: 'edit-copy',
    rules: ['R9', 'R3'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'RUN echo first > /f', 'COPY a.txt /a', 'RUN echo after > /af'),
      'a.txt': 'a\n',
    },
    rounds: [{ does: 'change the COPY destination', ops: [df('COPY a.txt /a\n', 'COPY a.txt /a2\n')], expect: both('-=RR') }],
  },
  {
    name: 'edit-add-local-file',
    rules: ['R17', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'ADD conf.txt /etc/conf.txt', 'RUN cat /etc/conf.txt > /o'),
      'conf.txt': 'conf 1\n',
    },
    rounds: [
      { does: 'edit the added file', ops: [write('conf.txt', 'conf 2\n')], expect: both('-RR') },
      { does: 'touch it', ops: [touch('conf.txt')], expect: both('-==') },
      { does: 'ADD -> COPY, same file', ops: [df('ADD conf.txt', 'COPY conf.txt')], expect: both('-RR') },
    ],
  },
  {
    name: 'add-local-tar',
    rules: ['C20', 'R17'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'ADD arch.tar /x/', 'RUN ls -R /x > /ls.txt'),
      'arch.tar': { tar: { 'a.txt': 'A\n', 'd/b.txt': 'B\n' }, mtime: 1_000_000_000 },
    },
    rounds: [
      { does: 're-create the tar byte-identical', ops: [tar('arch.tar', { 'a.txt': 'A\n', 'd/b.txt': 'B\n' }, 1_000_000_000)], expect: both('-==') },
      { does: 're-create it with new inner mtimes only', ops: [tar('arch.tar', { 'a.txt': 'A\n', 'd/b.txt': 'B\n' }, 1_100_000_000)], expect: both('-RR') },
      { does: 'add a member', ops: [tar('arch.tar', { 'a.txt': 'A\n', 'd/b.txt': 'B\n', 'c.txt': 'C\n' }, 1_100_000_000)], expect: both('-RR') },
    ],
  },
  {
    name: 'edit-env',
    rules: ['C2', 'R10'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'ENV X=1', 'COPY a.txt /a', 'RUN echo r1 > /r1', 'COPY b.txt /b'),
      'a.txt': 'a\n',
      'b.txt': 'b\n',
    },
    rounds: [
      { does: 'ENV X=2', ops: [df('ENV X=1', 'ENV X=2')], expect: { buildkit: '-.=RR', classic: '-RRRR' } },
      { does: 'ENV X=1 again', ops: [df('ENV X=2', 'ENV X=1')], expect: { buildkit: '-.===', classic: '-====' } },
    ],
  },
  {
    name: 'env-expanded-in-workdir',
    rules: ['R10', 'R12'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'ENV D=/w1', 'WORKDIR $D', 'COPY a.txt .'),
      'a.txt': 'a\n',
    },
    rounds: [{ does: 'ENV D=/w2 (used by WORKDIR)', ops: [df('ENV D=/w1', 'ENV D=/w2')], expect: { buildkit: '-.RR', classic: '-RRR' } }],
  },
  {
    name: 'edit-arg-default',
    rules: ['R11'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'ARG V=1', 'COPY a.txt /a', 'RUN echo plain > /p'),
      'a.txt': 'a\n',
    },
    rounds: [{ does: 'ARG V=2 (unused by the command)', ops: [df('ARG V=1', 'ARG V=2')], expect: { buildkit: '-.=R', classic: '-RRR' } }],
  },
  {
    name: 'edit-label',
    rules: ['C1', 'R14'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'LABEL v=1', 'COPY app /app', 'RUN cat /app/x > /o'),
      'app/x': 'x\n',
    },
    rounds: [
      { does: 'LABEL v=2', ops: [df('LABEL v=1', 'LABEL v=2')], expect: { buildkit: '-.==', classic: '-RRR' } },
      { does: 'LABEL v=1 again', ops: [df('LABEL v=2', 'LABEL v=1')], expect: { buildkit: '-.==', classic: '-===' } },
    ],
  },
  {
    name: 'edit-expose-cmd-entrypoint',
    rules: ['R14'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'EXPOSE 80', 'COPY a.txt /a', 'RUN echo r > /r', 'CMD ["sh"]', 'ENTRYPOINT ["/bin/sh", "-c"]'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: 'EXPOSE 8080', ops: [df('EXPOSE 80', 'EXPOSE 8080')], expect: { buildkit: '-.==..', classic: '-RRRRR' } },
      { does: 'edit CMD', ops: [df('CMD ["sh"]', 'CMD ["sh", "-x"]')], expect: { buildkit: '-.==..', classic: '-===RR' } },
      { does: 'edit ENTRYPOINT', ops: [df('ENTRYPOINT ["/bin/sh", "-c"]', 'ENTRYPOINT ["/bin/sh"]')], expect: { buildkit: '-.==..', classic: '-====R' } },
    ],
  },
  {
    name: 'edit-stopsignal-healthcheck-volume',
    rules: ['R14'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY a.txt /a', 'STOPSIGNAL SIGTERM', 'HEALTHCHECK CMD true', 'VOLUME /data', 'RUN echo after > /after'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: 'STOPSIGNAL SIGINT', ops: [df('SIGTERM', 'SIGINT')], expect: { buildkit: '-=...=', classic: '-=RRRR' } },
      { does: 'edit HEALTHCHECK', ops: [df('HEALTHCHECK CMD true', 'HEALTHCHECK --interval=5s CMD true')], expect: { buildkit: '-=...=', classic: '-==RRR' } },
      { does: 'VOLUME /data2', ops: [df('VOLUME /data', 'VOLUME /data2')], expect: { buildkit: '-=...=', classic: '-===RR' } },
    ],
  },
  {
    name: 'edit-user',
    rules: ['C17', 'R13', 'R12'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'USER app', 'COPY a.txt /a', 'RUN id -u > /tmp/uid', 'WORKDIR /w'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: 'USER root', ops: [df('USER app', 'USER root')], expect: { buildkit: '-.=RR', classic: '-RRRR' } },
      { does: 'USER app again', ops: [df('USER root', 'USER app')], expect: { buildkit: '-.===', classic: '-====' } },
    ],
  },
  {
    name: 'edit-workdir',
    rules: ['C30', 'R12'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'WORKDIR /app', 'COPY a.txt .', 'RUN pwd > /pwd'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: 'WORKDIR /srv', ops: [df('WORKDIR /app', 'WORKDIR /srv')], expect: both('-RRR') },
      { does: 'insert WORKDIR / before it', ops: [df('FROM localbase:1\n', 'FROM localbase:1\nWORKDIR /\n')], expect: { buildkit: '-.===', classic: '-RRRR' } },
    ],
  },
  {
    name: 'edit-shell',
    rules: ['R7'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'SHELL ["/bin/sh", "-c"]', 'RUN ["/bin/echo", "exec form"]', 'RUN echo shell form > /s'),
    },
    rounds: [
      {
        does: 'SHELL with -e (exec-form RUN unaffected in BuildKit)',
        ops: [df('SHELL ["/bin/sh", "-c"]', 'SHELL ["/bin/sh", "-e", "-c"]')],
        expect: { buildkit: '-.=R', classic: '-RRR' },
      },
    ],
  },
  {
    name: 'comment-and-blank-lines',
    rules: ['R7'],
    files: {
      Dockerfile: lines('FROM localbase:1', '# install things', 'RUN echo a > /a', 'COPY a.txt /a.txt'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: 'edit a comment, add blank lines', ops: [df('# install things\n', '# install other things\n\n\n')], expect: both('-==') },
      { does: 'add a comment before FROM', ops: [df('FROM localbase:1\n', '# top comment\nFROM localbase:1\n')], expect: both('-==') },
    ],
  },
  {
    name: 'continuation-reflow',
    rules: ['C29', 'R7'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'RUN echo a > /a && \\', '# first comment', '    echo b > /b', 'RUN echo after > /after'),
    },
    rounds: [
      { does: 'edit the comment line inside the continuation', ops: [df('# first comment', '# changed comment')], expect: both('-==') },
      { does: 're-indent the continuation line', ops: [df('    echo b > /b', '  echo b > /b')], expect: both('-RR') },
    ],
  },
  {
    name: 'shell-vs-exec-form',
    rules: ['C13', 'R7'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'RUN echo hi > /hi', 'RUN echo next > /next'),
    },
    rounds: [
      { does: 'shell form -> equivalent exec form', ops: [df('RUN echo hi > /hi', 'RUN ["/bin/sh", "-c", "echo hi > /hi"]')], expect: both('-==') },
      { does: 'lower-case keyword', ops: [df('RUN echo next', 'run echo next')], expect: both('-==') },
      { does: 'extra space inside the command', ops: [df('run echo next', 'run echo  next')], expect: both('-=R') },
    ],
  },

  // ------------------------------------------------------------------ build args (R11, C3, C4, C28)
  {
    name: 'build-arg-declared',
    rules: ['C3', 'R11'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'ARG V', 'COPY a.txt /a', 'RUN echo plain > /p', 'ARG W=w1', 'RUN echo other > /o'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: '--build-arg V=1 (was absent)', buildArgs: { V: '1' }, expect: { buildkit: '-.=R.R', classic: '-==RRR' } },
      { does: 'also W=w2', buildArgs: { V: '1', W: 'w2' }, expect: { buildkit: '-.==.R', classic: '-====R' } },
      { does: 'also an undeclared arg', buildArgs: { V: '1', W: 'w2', UNDECLARED: 'x' }, expect: { buildkit: '-.==.=', classic: '-=====' } },
      { does: 'V= (empty) instead of V=1', buildArgs: { V: '', W: 'w2' }, expect: { buildkit: '-.=R.R', classic: '-==RRR' } },
    ],
  },
  {
    name: 'arg-expanded-in-copy',
    rules: ['R11', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'ARG F=a.txt', 'COPY ${F} /f', 'RUN cat /f > /o'),
      'a.txt': 'a\n',
      'b.txt': 'b\n',
    },
    rounds: [{ does: '--build-arg F=b.txt', buildArgs: { F: 'b.txt' }, expect: { buildkit: '-.RR', classic: '-=RR' } }],
  },
  {
    name: 'build-arg-proxy',
    rules: ['C3', 'C28', 'R11'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY a.txt /a', 'RUN echo p > /p', 'RUN echo q > /q'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: 'first --build-arg HTTP_PROXY', buildArgs: { HTTP_PROXY: 'http://proxy-one:3128' }, expect: { buildkit: '-===', classic: '-=RR' } },
      { does: 'another HTTP_PROXY value', buildArgs: { HTTP_PROXY: 'http://proxy-two:3128' }, expect: both('-===') },
    ],
  },
  {
    name: 'build-arg-proxy-declared',
    rules: ['R11'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'ARG HTTP_PROXY', 'COPY a.txt /a', 'RUN echo p > /p'),
      'a.txt': 'a\n',
    },
    rounds: [
      {
        does: '--build-arg HTTP_PROXY with ARG HTTP_PROXY declared',
        buildArgs: { HTTP_PROXY: 'http://proxy-one:3128' },
        expect: { buildkit: '-.=R', classic: '-==R' },
      },
    ],
  },
  {
    name: 'build-arg-global-only',
    rules: ['C4', 'R11'],
    files: {
      Dockerfile: lines('ARG VER=1', 'FROM localbase:1', 'RUN echo hi > /hi'),
    },
    rounds: [
      { does: '--build-arg VER=2 (global ARG, not re-declared)', buildArgs: { VER: '2' }, expect: both('--=') },
      {
        does: 're-declare ARG VER in the stage',
        ops: [df('FROM localbase:1\n', 'FROM localbase:1\nARG VER\n')],
        expect: { buildkit: '--.R', classic: '--RR' },
      },
    ],
  },
  {
    name: 'from-arg-base-switch',
    rules: ['R6', 'C4'],
    files: {
      Dockerfile: lines('ARG BASE=1', 'FROM localbase:${BASE}', 'COPY a.txt /a', 'RUN cat /etc/localbase-release > /r'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: '--build-arg BASE=2 (another base image)', buildArgs: { BASE: '2' }, expect: both('--RR') },
      { does: 'back to the default base', buildArgs: {}, expect: both('--==') },
    ],
  },
  {
    name: 'base-image-switch',
    rules: ['R6'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY a.txt /a', 'RUN cat /etc/localbase-release > /r'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: 'FROM localbase:2', ops: [df('localbase:1', 'localbase:2')], expect: both('-RR') },
      { does: 'FROM localbase:1 again', ops: [df('localbase:2', 'localbase:1')], expect: both('-==') },
    ],
  },

  // ------------------------------------------------------------------ multi-stage (R15, R23, C11, C12)
  {
    name: 'copy-from-stage',
    rules: ['C11', 'R15', 'R3'],
    files: {
      Dockerfile: lines(
        'FROM localbase:1 AS builder',
        'RUN echo v1 > /out',
        'RUN echo extra > /tmp/x',
        'FROM localbase:1',
        'RUN echo ff > /ff',
        'COPY --from=builder /out /out',
        'RUN cat /out > /o',
        'WORKDIR /w',
        'RUN echo last > /l',
      ),
    },
    rounds: [
      { does: 'builder changes, copied artifact identical', ops: [df('echo extra', 'echo extra2')], expect: both('-=R -=====') },
      { does: 'builder changes the artifact', ops: [df('echo v1', 'echo v2')], expect: both('-RR -=RRRR') },
    ],
  },
  {
    name: 'own-change-after-copy-from',
    rules: ['C11', 'R15', 'R3'],
    files: {
      Dockerfile: lines(
        'FROM localbase:1 AS b',
        'COPY dep.txt /d',
        'RUN cat /d > /out',
        'FROM localbase:1',
        'COPY --from=b /out /out',
        'COPY app.txt /app.txt',
        'RUN cat /app.txt /out > /all',
      ),
      'dep.txt': 'dep v1\n',
      'app.txt': 'app v1\n',
    },
    rounds: [
      {
        does: "the artifact and the later COPY's own file change",
        ops: [write('dep.txt', 'dep v2\n'), write('app.txt', 'app v2\n')],
        expect: both('-RR -RRR'),
      },
      {
        does: "the artifact comes out identical, the later COPY's file changes",
        ops: [df('cat /d > /out', 'cat /d > /out && true'), write('app.txt', 'app v3\n')],
        expect: both('-=R -=RR'),
      },
      { does: 'only the artifact changes', ops: [write('dep.txt', 'dep v3\n')], expect: both('-RR -RRR') },
    ],
  },
  {
    name: 'target-unneeded-stage',
    rules: ['C12', 'R23'],
    target: 'prod',
    files: {
      Dockerfile: lines(
        'FROM localbase:1 AS base',
        'RUN echo base > /base',
        'FROM base AS test',
        'RUN echo test > /test',
        'FROM base AS prod',
        'RUN echo prod > /prod',
      ),
    },
    rounds: [
      { does: 'edit the stage the target does not need', ops: [df('echo test', 'echo test2')], expect: { buildkit: '-=-.-=', classic: '-=-R-=' } },
      { does: 'edit the shared base stage', ops: [df('echo base', 'echo base2')], expect: { buildkit: '-R-.-R', classic: '-R-R-R' } },
    ],
  },
  {
    name: 'unreachable-stage-no-target',
    rules: ['C12', 'R23'],
    files: {
      Dockerfile: lines('FROM localbase:1 AS unused', 'RUN echo unused > /u', 'FROM localbase:1', 'RUN echo final > /f'),
    },
    rounds: [{ does: 'edit the stage nothing uses', ops: [df('echo unused', 'echo unused2')], expect: { buildkit: '-.-=', classic: '-R-=' } }],
  },

  // ------------------------------------------------------------------ BuildKit-only syntax (R8, R16, R18, C14, C16, C18, C21)
  {
    name: 'heredoc-run',
    rules: ['C21', 'R7'],
    only: 'buildkit',
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY a.txt /a', 'RUN <<EOF', 'echo one > /one', 'echo two > /two', 'EOF', 'RUN echo after > /after'),
      'a.txt': 'a\n',
    },
    rounds: [{ does: 'edit the heredoc body', ops: [df('echo two', 'echo TWO')], expect: { buildkit: '-=RR' } }],
  },
  {
    name: 'heredoc-copy',
    rules: ['C21', 'R9'],
    only: 'buildkit',
    files: {
      Dockerfile: lines('FROM localbase:1', 'RUN echo before > /b', 'COPY <<EOF /h.txt', 'hello', 'EOF', 'RUN cat /h.txt > /o'),
    },
    rounds: [{ does: 'edit the heredoc file', ops: [df('hello\n', 'hello again\n')], expect: { buildkit: '-=RR' } }],
  },
  {
    name: 'run-mount-bind',
    rules: ['C14', 'R8'],
    only: 'buildkit',
    files: {
      Dockerfile: lines(
        'FROM localbase:1',
        'RUN --mount=type=bind,source=a.txt,target=/m/a.txt cat /m/a.txt > /copy',
        'RUN --mount=type=bind,target=/ctx ls /ctx > /ls.txt',
      ),
      'a.txt': 'a\n',
      'b.txt': 'b\n',
    },
    rounds: [
      { does: 'edit b.txt (only the whole-context mount sees it)', ops: [write('b.txt', 'b2\n')], expect: { buildkit: '-=R' } },
      { does: 'edit a.txt', ops: [write('a.txt', 'a2\n')], expect: { buildkit: '-RR' } },
      { does: 'touch b.txt', ops: [touch('b.txt')], expect: { buildkit: '-==' } },
    ],
  },
  {
    name: 'run-mount-cache',
    rules: ['C16', 'R8'],
    only: 'buildkit',
    files: {
      Dockerfile: lines('FROM localbase:1', 'RUN --mount=type=cache,target=/cache,id=c1 echo x > /x'),
    },
    rounds: [
      { does: 'change the cache id', ops: [df('id=c1', 'id=c2')], expect: { buildkit: '-=' } },
      { does: 'change the cache target', ops: [df('target=/cache,', 'target=/cache2,')], expect: { buildkit: '-R' } },
    ],
  },
  {
    name: 'copy-chmod',
    rules: ['R16'],
    only: 'buildkit',
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY --chmod=644 a.sh /a.sh', 'RUN ls -l /a.sh > /l'),
      'a.sh': 'echo a\n',
    },
    rounds: [
      { does: '--chmod=755', ops: [df('--chmod=644', '--chmod=755')], expect: { buildkit: '-RR' } },
      { does: '--chmod=644 again', ops: [df('--chmod=755', '--chmod=644')], expect: { buildkit: '-==' } },
    ],
  },
  {
    name: 'copy-chown',
    rules: ['R16'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY --chown=app:app a.txt /a.txt', 'RUN ls -ln /a.txt > /l'),
      'a.txt': 'a\n',
    },
    rounds: [
      { does: '--chown=1000:1000 (same ids, other text)', ops: [df('--chown=app:app', '--chown=1000:1000')], expect: both('-RR') },
      { does: '--chown=app:app again', ops: [df('--chown=1000:1000', '--chown=app:app')], expect: both('-==') },
    ],
  },
  {
    name: 'copy-link-graphdriver',
    rules: ['C18', 'R18'],
    only: 'buildkit',
    files: {
      Dockerfile: lines('FROM localbase:1', 'RUN echo top > /top', 'COPY --link a.txt /a.txt', 'RUN echo after > /after'),
      'a.txt': 'a\n',
    },
    rounds: [{ does: 'edit the RUN before COPY --link', ops: [df('echo top', 'echo top2')], expect: { buildkit: '-RRR' } }],
  },

  // ------------------------------------------------------------------ observed engine quirks and smaller rules
  {
    name: 'same-size-same-mtime',
    rules: ['C9', 'R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY f.txt /f.txt', 'RUN cat /f.txt > /o'),
      'f.txt': { content: 'AAAA\n', mtime: 1_577_836_800 },
    },
    rounds: [
      // BuildKit's incremental context sync trusts size + mtime: it keeps the old bytes (stale cache hit).
      { does: 'new content, same size, same mtime', ops: [writeWithMtime('f.txt', 'BBBB\n', 1_577_836_800)], expect: { buildkit: '-==', classic: '-RR' } },
      { does: 'same new content, fresh mtime', ops: [write('f.txt', 'BBBB\n')], expect: { buildkit: '-RR', classic: '-==' } },
    ],
  },
  {
    name: 'secret-mount-after-noop-run',
    rules: ['C24', 'R3'],
    only: 'buildkit',
    files: {
      Dockerfile: lines('FROM localbase:1', 'RUN echo A-1', 'RUN --mount=type=secret,id=tok true', 'RUN echo n3'),
    },
    rounds: [{ does: 'edit the RUN before the secret step (it changes no files)', ops: [df('A-1', 'A-2')], expect: { buildkit: '-R==' } }],
  },
  {
    name: 'workdir-trailing-slash',
    rules: ['R12'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'WORKDIR /dir/', 'RUN pwd > /pwd'),
      'a.txt': 'a\n',
    },
    // cache-rules R12 reports a classic miss on `WORKDIR /dir/`; it is a hit on Engine 20.10.24 (and 26.1.5).
    rounds: [{ does: 'rebuild with an unrelated file changed', ops: [write('a.txt', 'a2\n')], expect: both('-==') }],
  },
  {
    name: 'env-reordered',
    rules: ['R10'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'ENV A=1 B=2', 'RUN echo x > /x'),
    },
    rounds: [{ does: 'ENV B=2 A=1 (same values, other order)', ops: [df('ENV A=1 B=2', 'ENV B=2 A=1')], expect: { buildkit: '-.R', classic: '-RR' } }],
  },
  {
    name: 'maintainer-onbuild',
    rules: ['R14'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'MAINTAINER me', 'ONBUILD RUN echo hi', 'RUN echo x > /x'),
    },
    rounds: [
      { does: 'edit MAINTAINER', ops: [df('MAINTAINER me', 'MAINTAINER you')], expect: { buildkit: '-..=', classic: '-RRR' } },
      { does: 'edit ONBUILD', ops: [df('echo hi', 'echo ho')], expect: { buildkit: '-..=', classic: '-=RR' } },
    ],
  },
  {
    name: 'symlink-as-source',
    rules: ['R9'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY link.txt /l.txt', 'RUN cat /l.txt > /o'),
      'real.txt': 'r\n',
      'link.txt': { symlink: 'real.txt' },
    },
    rounds: [{ does: 'edit the file the copied symlink points to', ops: [write('real.txt', 'r2\n')], expect: both('-RR') }],
  },

  // ------------------------------------------------------------------ history and typical projects
  {
    name: 'revert-after-two-builds',
    rules: ['R4'],
    files: {
      Dockerfile: lines('FROM localbase:1', 'COPY conf.txt /conf', 'RUN cat /conf > /o'),
      'conf.txt': 'v1\n',
    },
    rounds: [
      { does: 'conf v2', ops: [write('conf.txt', 'v2\n')], expect: both('-RR') },
      { does: 'conf v3', ops: [write('conf.txt', 'v3\n')], expect: both('-RR') },
      { does: 'back to v1', ops: [write('conf.txt', 'v1\n')], expect: both('-==') },
    ],
  },
  {
    name: 'node-app-naive',
    rules: ['G', 'R20'],
    files: {
      Dockerfile: lines(
        'FROM localbase:1',
        'WORKDIR /app',
        'COPY . /app',
        'RUN mkdir -p node_modules && cp package.json node_modules/.installed && echo npm install',
        'CMD ["node", "src/index.js"]',
      ),
      '.dockerignore': lines('node_modules', '.git'),
      'package.json': '{"name":"app","version":"1.0.0"}\n',
      'package-lock.json': '{"lockfileVersion":3}\n',
      'src/index.js': 'console.log(1)\n',
    },
    rounds: [
      { does: 'edit a source file', ops: [write('src/index.js', 'console.log(2)\n')], expect: { buildkit: '-=RR.', classic: '-=RRR' } },
      { does: 'write into node_modules (ignored)', ops: [write('node_modules/x/index.js', 'x\n')], expect: { buildkit: '-===.', classic: '-====' } },
    ],
  },
  {
    name: 'node-app-optimised',
    rules: ['G', 'R9'],
    files: {
      Dockerfile: lines(
        'FROM localbase:1',
        'WORKDIR /app',
        'COPY package.json package-lock.json ./',
        'RUN mkdir -p node_modules && cp package.json node_modules/.installed && echo npm install',
        'COPY . .',
        'RUN cat src/index.js > /app/build.out',
        'CMD ["node", "src/index.js"]',
      ),
      '.dockerignore': lines('node_modules', '.git'),
      'package.json': '{"name":"app","version":"1.0.0"}\n',
      'package-lock.json': '{"lockfileVersion":3}\n',
      'src/index.js': 'console.log(1)\n',
    },
    rounds: [
      { does: 'edit a source file', ops: [write('src/index.js', 'console.log(2)\n')], expect: { buildkit: '-===RR.', classic: '-===RRR' } },
      { does: 'bump package.json', ops: [write('package.json', '{"name":"app","version":"1.0.1"}\n')], expect: { buildkit: '-=RRRR.', classic: '-=RRRRR' } },
    ],
  },

  // ------------------------------------------------------------------ same-build reuse (R4): identical steps in one build
  {
    // Stages a and b start FROM the same image with the same ENV/WORKDIR/RUN/COPY; c and d repeat a RUN on a.
    // Classic: b's copies (and d's) are `Using cache` even in the first build: a (c) has just made them.
    // BuildKit: one vertex for each shared step, reported once: both lines did what it did.
    name: 'same-build-reuse-prefix',
    rules: ['R4', 'R3'],
    files: {
      Dockerfile: lines(
        'FROM localbase:1 AS a',
        'ENV A=1',
        'WORKDIR /app',
        'RUN echo same > /s',
        'COPY f.txt /f',
        'RUN echo a-only > /o',
        'FROM localbase:1 AS b',
        'ENV A=1',
        'WORKDIR /app',
        'RUN echo same > /s',
        'COPY f.txt /f',
        'RUN echo b-only > /o',
        'FROM a AS c',
        'RUN echo fromA > /c',
        'FROM a AS d',
        'RUN echo fromA > /c',
        'COPY --from=b /s /s2',
        'COPY --from=c /c /c2',
      ),
      'f.txt': 'f1\n',
    },
    initial: { classic: '-RRRRR -====R -R -=RR', buildkit: '-.RRRR -.RRRR -R -RRR' },
    rounds: [
      {
        does: "edit the file both stages copy: a's copy runs, b's is a's",
        ops: [write('f.txt', 'f2\n')],
        expect: { classic: '-===RR -====R -R -=RR', buildkit: '-.==RR -.==RR -R -RRR' },
      },
      {
        does: 'edit a RUN only stage b has',
        ops: [df('echo b-only', 'echo b-only2')],
        expect: { classic: '-===== -====R -= -===', buildkit: '-.==== -.===R -= -===' },
      },
      {
        does: 'edit the shared RUN in stage a only: the stages part',
        ops: [df('echo same > /s', 'echo same2 > /s')],
        expect: { classic: '-==RRR -===== -R -=RR', buildkit: '-.=RRR -.==== -R -RRR' },
      },
    ],
  },
  {
    // Where the two stages are not the same: a LABEL (classic: a step; BuildKit: not in any key), a different ENV
    // value (both: in the RUN key), an in-scope ARG (both: in the RUN key).
    name: 'same-build-reuse-not-quite',
    rules: ['R4', 'R10', 'R11', 'R14'],
    files: {
      Dockerfile: lines(
        'FROM localbase:1 AS a',
        'LABEL x=1',
        'RUN echo same > /s',
        'COPY f.txt /f',
        'FROM localbase:1 AS b',
        'ENV X=2',
        'RUN echo same > /s',
        'COPY f.txt /f',
        'FROM localbase:1 AS c',
        'ARG V=1',
        'RUN echo same > /s',
        'COPY f.txt /f',
        'FROM localbase:1',
        'RUN echo same > /s',
        'COPY f.txt /f',
        'COPY --from=a /f /a',
        'COPY --from=b /f /b',
        'COPY --from=c /f /c',
      ),
      'f.txt': 'f1\n',
    },
    initial: { classic: '-RRR -RRR -RRR -RRRRR', buildkit: '-.RR -.RR -.RR -RRRRR' },
    rounds: [{ does: 'edit the copied file', ops: [write('f.txt', 'f2\n')], expect: { classic: '-==R -==R -==R -=RRRR', buildkit: '-.=R -.=R -.=R -=RRRR' } }],
  },
  {
    // Two stages alike for k steps, then different: the rest of each stage is its own.
    name: 'same-build-reuse-after-k',
    rules: ['R4', 'R3'],
    files: {
      Dockerfile: lines(
        'FROM localbase:2 AS a',
        'WORKDIR /w',
        'COPY f.txt ./',
        'RUN echo two-a > /t',
        'RUN echo three > /3',
        'FROM localbase:2',
        'WORKDIR /w',
        'COPY f.txt ./',
        'RUN echo two-b > /t',
        'RUN echo three > /3',
        'COPY --from=a /t /ta',
      ),
      'f.txt': 'f1\n',
    },
    initial: { classic: '-RRRR -==RRR', buildkit: '-RRRR -RRRRR' },
    rounds: [
      { does: "edit stage a's own RUN", ops: [df('echo two-a', 'echo two-A')], expect: both('-==RR -====R') },
      { does: 'edit the shared file', ops: [write('f.txt', 'f2\n')], expect: { classic: '-=RRR -==RRR', buildkit: '-=RRR -=RRRR' } },
    ],
  },
  {
    // The same COPY --from (content-addressed) and RUN in two stages: whatever the first copy does, classic reuses it
    // in the second; BuildKit runs it once.
    name: 'same-build-reuse-copy-from',
    rules: ['R4', 'R15'],
    files: {
      Dockerfile: lines(
        'FROM localbase:1 AS src',
        'COPY f.txt /f',
        'RUN cat /f > /out',
        'FROM localbase:1 AS a',
        'COPY --from=src /out /out',
        'RUN echo a > /a',
        'FROM localbase:1 AS b',
        'COPY --from=src /out /out',
        'RUN echo a > /a',
        'RUN echo b > /b',
        'FROM localbase:1',
        'COPY --from=a /out /a',
        'COPY --from=b /out /b',
      ),
      'f.txt': 'f1\n',
    },
    initial: { classic: '-RR -RR -==R -RR', buildkit: '-RR -RR -RRR -RR' },
    rounds: [
      { does: 'the artifact changes', ops: [write('f.txt', 'f2\n')], expect: { classic: '-RR -RR -==R -RR', buildkit: '-RR -RR -RRR -RR' } },
      { does: 'the source stage re-runs, artifact identical', ops: [df('cat /f > /out', 'cat /f > /out && true')], expect: both('-=R -== -=== -==') },
    ],
  },
  {
    // Across Dockerfiles: B shares A's base and first steps; built after A, B's shared prefix is cached (the store's
    // keys are per builder, not per Dockerfile).
    name: 'same-build-reuse-other-dockerfile',
    rules: ['R4', 'C23'],
    dockerfile: 'A.Dockerfile',
    files: {
      'A.Dockerfile': lines('FROM localbase:1', 'ENV APP=1', 'WORKDIR /app', 'COPY f.txt ./', 'RUN echo a > /a'),
      'B.Dockerfile': lines('FROM localbase:1', 'ENV APP=1', 'WORKDIR /app', 'COPY f.txt ./', 'RUN echo b > /b', 'RUN echo more > /m'),
      'f.txt': 'f1\n',
    },
    initial: { classic: '-RRRR', buildkit: '-.RRR' },
    rounds: [
      { does: 'build B.Dockerfile after A', dockerfile: 'B.Dockerfile', expect: { classic: '-===RR', buildkit: '-.==RR' } },
      {
        does: 'edit the shared file, build A again',
        dockerfile: 'A.Dockerfile',
        ops: [write('f.txt', 'f2\n')],
        expect: { classic: '-==RR', buildkit: '-.=RR' },
      },
      { does: 'then B: its copy is the one A just made', dockerfile: 'B.Dockerfile', expect: { classic: '-===RR', buildkit: '-.==RR' } },
    ],
  },

  // ------------------------------------------------------------------ automatic platform args (R11a)
  // Platform values below that name an architecture (linux/amd64) are the engines' machine: the oracle's engines
  // and base images are amd64. TARGETOS=linux is the same on any Linux machine.
  {
    name: 'platform-args-declare-in-stage',
    rules: ['R11a', 'R11'],
    files: { Dockerfile: lines('FROM localbase:1', 'RUN echo one > /a', 'RUN env > /e', 'RUN echo two > /b') },
    rounds: [
      // BuildKit: the declared automatic arg has its value (linux) and enters the env of later RUNs.
      // Classic: no automatic args, but the new ARG line is a step of its own (chain).
      {
        does: 'declare ARG TARGETOS (no default) in the stage',
        ops: [df('RUN echo one > /a\n', 'RUN echo one > /a\nARG TARGETOS\n')],
        expect: { buildkit: '-=.RR', classic: '-=RRR' },
      },
      {
        does: 'give it a default equal to the automatic value',
        ops: [df('ARG TARGETOS\n', 'ARG TARGETOS=linux\n')],
        expect: { buildkit: '-=.==', classic: '-=RRR' },
      },
      {
        does: 'a default that differs from the automatic value wins',
        ops: [df('ARG TARGETOS=linux\n', 'ARG TARGETOS=plan9\n')],
        expect: { buildkit: '-=.RR', classic: '-=RRR' },
      },
      {
        does: 'no default again, --build-arg TARGETOS=plan9 (the value of the last round)',
        ops: [df('ARG TARGETOS=plan9\n', 'ARG TARGETOS\n')],
        buildArgs: { TARGETOS: 'plan9' },
        expect: { buildkit: '-=.==', classic: '-==RR' },
      },
      { does: '--build-arg of an automatic arg the stage does not declare', buildArgs: { TARGETARCH: 'x' }, expect: { buildkit: '-=.==', classic: '-====' } },
    ],
  },
  {
    name: 'platform-args-from-buildplatform',
    rules: ['R11a', 'R6'],
    files: { Dockerfile: lines('FROM localbase:1', 'RUN echo p > /a', 'RUN echo q > /b') },
    rounds: [
      // BuildKit: $BUILDPLATFORM needs no declaration and is the machine's platform, the one FROM used anyway.
      // Classic: it has no value, and an empty platform fails the build.
      {
        does: 'FROM --platform=$BUILDPLATFORM without a global ARG',
        ops: [df('FROM localbase:1', 'FROM --platform=$BUILDPLATFORM localbase:1')],
        expect: { buildkit: '-==' },
        fails: { classic: 'failed to parse platform' },
      },
      {
        does: 'declare ARG BUILDPLATFORM=linux/amd64 before FROM',
        ops: [df('FROM --platform', 'ARG BUILDPLATFORM=linux/amd64\nFROM --platform')],
        expect: { buildkit: '.-==', classic: '--==' },
      },
      {
        does: 'back to a plain FROM',
        ops: [df('ARG BUILDPLATFORM=linux/amd64\nFROM --platform=$BUILDPLATFORM localbase:1', 'FROM localbase:1')],
        expect: both('-=='),
      },
      {
        does: "FROM --platform=linux/amd64 (the machine's, written out)",
        ops: [df('FROM localbase:1', 'FROM --platform=linux/amd64 localbase:1')],
        expect: both('-=='),
      },
      {
        does: 'FROM --platform=linux/x86_64 (the same platform, another name)',
        ops: [df('--platform=linux/amd64', '--platform=linux/x86_64')],
        expect: both('-=='),
      },
    ],
  },
  {
    name: 'platform-args-target-platform',
    rules: ['R11a', 'R25'],
    // Only amd64 images exist: a FROM for another platform would need a registry, so the stage runs on $BUILDPLATFORM.
    only: 'buildkit',
    files: { Dockerfile: lines('FROM --platform=$BUILDPLATFORM localbase:1', 'RUN echo x > /a', 'ARG TARGETARCH', 'RUN env > /e') },
    rounds: [
      {
        does: '--platform linux/arm64: the stage stays on the build platform, TARGETARCH becomes arm64',
        platform: 'linux/arm64',
        expect: { buildkit: '-=.R' },
      },
      { does: 'no --platform again', platform: '', expect: { buildkit: '-=.=' } },
      {
        does: 'ARG TARGETARCH=arm64: the default wins over the automatic value',
        ops: [df('ARG TARGETARCH\n', 'ARG TARGETARCH=arm64\n')],
        expect: { buildkit: '-=.=' },
      },
      {
        does: '--platform linux/arm64/v8 is linux/arm64',
        platform: 'linux/arm64/v8',
        ops: [df('ARG TARGETARCH=arm64\n', 'ARG TARGETARCH\n')],
        expect: { buildkit: '-=.=' },
      },
      { does: '--platform linux/arm/v7 (TARGETARCH arm, and TARGETVARIANT v7 is not declared)', platform: 'linux/arm/v7', expect: { buildkit: '-=.R' } },
      { does: 'declare TARGETVARIANT as well', ops: [df('ARG TARGETARCH\n', 'ARG TARGETARCH TARGETVARIANT\n')], expect: { buildkit: '-=.R' } },
    ],
  },
  {
    name: 'platform-args-global-declaration',
    rules: ['R11a', 'C4'],
    files: { Dockerfile: lines('FROM localbase:1', 'ARG TARGETOS', 'RUN env > /e') },
    rounds: [
      // BuildKit: a global ARG without a value takes the automatic value away from the stage's ARG.
      {
        does: 'global ARG TARGETOS without a value',
        ops: [df('FROM localbase:1', 'ARG TARGETOS\nFROM localbase:1')],
        expect: { buildkit: '.-.R', classic: '--==' },
      },
      { does: 'global ARG TARGETOS=linux', ops: [df('ARG TARGETOS\nFROM', 'ARG TARGETOS=linux\nFROM')], expect: { buildkit: '.-.=', classic: '--=R' } },
    ],
  },
  {
    name: 'platform-args-scratch-stage',
    rules: ['R11a'],
    only: 'buildkit',
    files: { Dockerfile: lines('FROM scratch', 'COPY f.txt /f.txt', 'WORKDIR /w'), 'f.txt': 'f\n' },
    // BuildKit's COPY and WORKDIR ops carry no platform: a scratch stage keeps its cache on another platform.
    rounds: [{ does: '--platform linux/arm64', platform: 'linux/arm64', expect: { buildkit: '-==' } }],
  },
  {
    name: 'platform-args-bad-platform-other-stage',
    rules: ['R11a', 'R23'],
    target: 'final',
    files: { Dockerfile: lines('FROM localbase:1 AS final', 'RUN echo f > /f') },
    rounds: [
      // BuildKit parses every stage's platform before building, reachable or not; classic never reaches a stage
      // after the target.
      {
        does: 'add a stage after the target whose --platform is empty',
        ops: [write('Dockerfile', lines('FROM localbase:1 AS final', 'RUN echo f > /f', 'FROM --platform=$NOPE localbase:1 AS later', 'RUN echo l'))],
        expect: { classic: '-= ..' },
        fails: { buildkit: 'failed to parse platform' },
      },
    ],
  },
];

/** Scenarios that apply to an engine. */
export function scenariosFor(engine: Engine, filter?: RegExp): Scenario[] {
  return SCENARIOS.filter((s) => (!s.only || s.only === engine) && (!filter || filter.test(s.name)));
}
