/**
 * `npm start`: build and open the desktop app; where Electron's binary is missing, install it with
 * Electron's own installer first; where that cannot be done (no network, say), say why in one line and
 * serve the browser mode instead (`npm run serve`), print its address and open a browser where there is one.
 *
 * Arguments after `npm start --` go to the browser mode (e.g. `--port 8080 --db FILE`), except
 * `--retry-electron` (try the download again even if it failed for lack of network in the last day) and
 * `--browser` (skip Electron altogether).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ElectronInstallDeps, type ElectronResolution, RETRY_FLAG, resolveElectron } from './electron-binary.ts';

export const BROWSER_FLAG = '--browser';

export interface StartDeps extends ElectronInstallDeps {
  /** Builds main, preload and renderer into out/ (electron-vite); false when the build failed. */
  buildDesktop: () => boolean;
  /** Spawns Electron on the built app (package.json `main` = out/main/index.js) and waits for it to exit. */
  spawnElectron: (binary: string, args: readonly string[]) => Promise<number>;
  /** Serves the browser mode with the given arguments (never returns while it runs). */
  startBrowserMode: (args: readonly string[]) => Promise<number>;
}

export interface StartOutcome {
  resolution: ElectronResolution | { kind: 'browser'; reason: string; retryHint: string };
  exitCode: number;
}

/** Splits our own flags from the ones that go to the browser mode. */
export function parseStartArgs(args: readonly string[]): { retry: boolean; browserOnly: boolean; rest: string[] } {
  return {
    retry: args.includes(RETRY_FLAG),
    browserOnly: args.includes(BROWSER_FLAG),
    rest: args.filter((a) => a !== RETRY_FLAG && a !== BROWSER_FLAG),
  };
}

export async function runStart(argv: readonly string[], deps: StartDeps): Promise<StartOutcome> {
  const { retry, browserOnly, rest } = parseStartArgs(argv);
  if (browserOnly) {
    const resolution = { kind: 'browser' as const, reason: `${BROWSER_FLAG} was given`, retryHint: '' };
    deps.log('npm start: starting the browser mode (--browser).');
    return { resolution, exitCode: await deps.startBrowserMode(rest) };
  }
  const resolution = await resolveElectron(deps, { retry });
  if (resolution.kind === 'desktop') {
    if (!deps.buildDesktop()) {
      deps.log('npm start: the build failed (see above).');
      return { resolution, exitCode: 1 };
    }
    return { resolution, exitCode: await deps.spawnElectron(resolution.binary, ['.']) };
  }
  deps.log(`npm start: ${resolution.reason}, so Metric Workbench starts in browser mode instead. ${resolution.retryHint}`.trim());
  return { resolution, exitCode: await deps.startBrowserMode(rest) };
}

// ---- the real machine -------------------------------------------------------------------------------

function run(root: string, command: string, args: readonly string[]): boolean {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status === 0;
}

function newestMtime(paths: readonly string[]): number {
  let newest = 0;
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

function rendererIsStale(root: string): boolean {
  const index = join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(index)) return true;
  const sources = ['src-renderer', 'shared', 'vite.renderer.config.ts', 'svelte.config.js', 'package.json'].map((p) => join(root, p));
  return newestMtime(sources) > statSync(index).mtimeMs;
}

function openBrowser(url: string): void {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const commandArgs = process.platform === 'win32' ? ['/c', 'start', '""', url] : [url];
  try {
    const child = spawn(command, commandArgs, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser opener on this machine: the address is printed.
  }
}

/** The real dependencies of `npm start`, for scripts/start.mjs. */
export function realStartDeps(root: string): StartDeps {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  return {
    root,
    env: process.env,
    platform: process.platform,
    now: () => Date.now(),
    exists: existsSync,
    readText: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
    writeText: (path, text) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    },
    removeFile: (path) => rmSync(path, { force: true }),
    log: (line) => console.log(line),
    runInstaller: () =>
      new Promise((resolve) => {
        // The installer prints @electron/get's progress to stderr: show it and keep it to explain a failure.
        const child = spawn(process.execPath, [installer], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        const forward = (chunk: Buffer): void => {
          output += chunk.toString();
          if (output.length > 64_000) output = output.slice(-32_000);
        };
        child.stdout.on('data', forward);
        child.stderr.on('data', forward);
        child.on('error', (error) => resolve({ ok: false, output: `${output}\n${error.message}` }));
        child.on('exit', (code) => resolve({ ok: code === 0, output }));
      }),
    buildDesktop: () => run(root, process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--config', 'electron.config.ts']),
    spawnElectron: (binary, args) =>
      new Promise((resolve) => {
        const child = spawn(binary, [...args], { cwd: root, stdio: 'inherit' });
        child.on('error', (error) => {
          console.error(`npm start: could not start Electron (${binary}): ${error.message}`);
          resolve(1);
        });
        child.on('exit', (code) => resolve(code ?? 0));
      }),
    startBrowserMode: (args) =>
      new Promise((resolve) => {
        if (rendererIsStale(root) && !run(root, process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'])) {
          console.error('npm start: building the renderer failed (see above).');
          resolve(1);
          return;
        }
        const child = spawn(process.execPath, [join(root, 'bin', 'serve.mjs'), ...args], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
        let opened = false;
        child.stdout.on('data', (chunk: Buffer) => {
          const text = chunk.toString();
          process.stdout.write(text);
          const match = /(http:\/\/\S+#token=\S+)/.exec(text);
          if (match && !opened) {
            opened = true;
            openBrowser(match[1]!);
          }
        });
        // Ctrl+C in a terminal reaches the server directly (same process group); stay alive until it has stopped.
        process.on('SIGINT', () => undefined);
        process.on('SIGTERM', () => child.kill('SIGTERM'));
        child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      }),
  };
}
