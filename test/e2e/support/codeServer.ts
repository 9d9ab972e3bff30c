// Runs code-server (VS Code for the web) with a fresh user-data-dir and extensions-dir, the extension under
// test installed from its .vsix. Everything it starts lives in one process group, ended on stop or exit.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './poll';
import { killGroup } from './processes';
import { codeServerEnv } from './dockerEnv';

export interface CodeServerOptions {
  /** The folder holding out/node/entry.js (printed by scripts/vscode/setup.sh). */
  codeServerDir: string;
  vsix: string;
  workspace: string;
  /** A fresh folder for this run's user data, extensions, config and logs. */
  runDir: string;
  /** VS Code's display language (code-server --locale), e.g. 'ko'. Default: English. */
  locale?: string;
  /** More extensions to install first (a language pack for `locale`). */
  extraVsix?: string[];
  /** Runs after the extensions are installed, before code-server starts. */
  beforeStart?: (dirs: { userDataDir: string; extensionsDir: string }) => void;
  /**
   * Workspace trust on, the folder not trusted and no prompt: VS Code opens it in Restricted Mode. Default: trust
   * is off (every folder trusted), so the other tests never meet the trust prompt.
   */
  restrictedMode?: boolean;
  /** Set in code-server's environment (and so the extension host's and the language server's). */
  env?: NodeJS.ProcessEnv;
}

export interface CodeServer {
  /** Opens the workspace folder in the workbench. */
  url: string;
  extensionsDir: string;
  userDataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

/** Settings a first-time user would dismiss by hand; they only keep popups out of the tests' way. */
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'files.autoSave': 'off',
  'layerLens.trace.server': 'off',
  // Docker's build history off: the Build Image tests warm the engine's cache behind the editor's back on purpose
  // (their self-check must see steps the store did not know), and with the history source on the editor may read that
  // build as soon as the window gets the focus. The history source has its own real test (test/build/dockerHistory.test.ts).
  'layerLens.record.dockerHistory': false,
  // The terminal test types a docker build in bash; shell integration (on by default) reports it to extensions.
  'terminal.integrated.defaultProfile.linux': 'bash',
  'terminal.integrated.shellIntegration.enabled': true,
  // One view line per output line: the output view wraps by default, and a wrapped line reads back with breaks.
  '[Log]': { 'editor.wordWrap': 'off' },
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const entry = join(options.codeServerDir, 'out/node/entry.js');
  const userDataDir = join(options.runDir, 'user-data');
  const extensionsDir = join(options.runDir, 'extensions');
  const configFile = join(options.runDir, 'config.yaml');
  const logFile = join(options.runDir, 'code-server.log');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const settings = options.restrictedMode
    ? {
        ...userSettings,
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'always',
      }
    : userSettings;
  writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify(settings, null, 2));
  // An explicit config keeps code-server from writing one into the user's home.
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  for (const vsix of [...(options.extraVsix ?? []), options.vsix]) {
    const installed = await promisify(execFile)(process.execPath, [entry, ...common, '--install-extension', vsix], { timeout: 120_000 });
    if (!/successfully installed/i.test(installed.stdout + installed.stderr)) {
      throw new Error(`code-server did not install ${vsix}:\n${installed.stdout}${installed.stderr}`);
    }
  }

  options.beforeStart?.({ userDataDir, extensionsDir });
  const port = await freePort();
  const log = createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [
      entry,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.restrictedMode ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(options.locale ? ['--locale', options.locale] : []),
      options.workspace,
    ],
    // The machine's store of this run only: never the user's ~/.cache/layer-lens.
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...codeServerEnv(), LAYERLENS_STORE: join(options.runDir, 'cache-store.json'), ...options.env },
    },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  // Whatever happens to this process, code-server, its extension host and the language server go with it.
  const onExit = (): void => killGroup(pid, 'SIGKILL');
  // A signal ends Node without 'exit' handlers unless someone listens for it.
  const onSignal = (signal: NodeJS.Signals): void => {
    killGroup(pid, 'SIGKILL');
    process.exit(128 + (constants.signals[signal] ?? 1));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  process.on('exit', onExit);
  for (const signal of signals) process.on(signal, onSignal);

  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    'code-server to answer /healthz',
    async () => {
      if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${logFile}`);
      const response = await fetch(`${base}/healthz`);
      return response.ok;
    },
    { timeoutMs: 60_000 },
  );

  return {
    url: `${base}/?folder=${encodeURIComponent(options.workspace)}`,
    extensionsDir,
    userDataDir,
    logFile,
    async stop() {
      killGroup(pid, 'SIGTERM');
      try {
        await waitFor('code-server to stop', () => child.exitCode !== null || child.signalCode !== null, { timeoutMs: 10_000 });
      } catch {
        killGroup(pid, 'SIGKILL');
      }
      killGroup(pid, 'SIGKILL'); // Children that ignored SIGTERM.
      process.off('exit', onExit);
      for (const signal of signals) process.off(signal, onSignal);
      log.end();
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
