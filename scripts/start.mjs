#!/usr/bin/env node
// `npm start`: build and open the desktop app. Where Electron's binary is not installed (it is downloaded
// on first use, and some machines cannot reach its download server), say so in one line and start the
// browser mode instead (`npm run serve`), print its address and open a browser where there is one.
// Arguments after `npm start --` go to the browser mode (e.g. `--port 8080 --db FILE`).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const require = createRequire(import.meta.url);

/** Path of the Electron executable, or null when it is not downloaded (we never trigger a download here). */
function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const name = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
    const candidate = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name);
    return existsSync(candidate) ? candidate : null;
  }
  if (!existsSync(pathFile)) return null;
  const executable = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : null;
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  return result.status === 0;
}

/**
 * better-sqlite3 for Electron's ABI, next to (not instead of) the Node build in node_modules, which the
 * tests, the CLI and the browser mode keep using. Built once per Electron version with node-gyp against
 * Electron's headers; src-main/electron/native-binding.ts loads it through better-sqlite3's `nativeBinding`.
 */
function ensureElectronSqlite() {
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const target = join(root, '.electron-native', `electron-${version}`, 'better_sqlite3.node');
  if (existsSync(target)) return true;
  console.log(`Building better-sqlite3 for Electron ${version} (once; about a minute) …`);
  const work = join(root, '.electron-native', 'build');
  rmSync(work, { recursive: true, force: true });
  cpSync(join(root, 'node_modules', 'better-sqlite3'), work, { recursive: true, filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`) });
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [dirname(process.execPath), join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm')] });
  const env = { ...process.env };
  delete env.npm_config_nodedir; // npm's nodedir=/usr would build against Node's headers (see TOOLCHAIN.md)
  const ok = run(process.execPath, [nodeGyp, 'rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers', `--arch=${process.arch}`], { cwd: work, env });
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!ok || !existsSync(built)) return false;
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(built, target);
  return true;
}

function openBrowser(url) {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const commandArgs = process.platform === 'win32' ? ['/c', 'start', '""', url] : [url];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  try {
    const child = spawn(command, commandArgs, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser opener on this machine: the address is printed above.
  }
}

/** Newest modification time under the given files and folders. */
function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

/** Whether out/renderer is missing or older than its sources. */
function rendererIsStale() {
  const index = join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(index)) return true;
  const sources = ['src-renderer', 'shared', 'vite.renderer.config.ts', 'svelte.config.js', 'package.json'].map((p) => join(root, p));
  return newestMtime(sources) > statSync(index).mtimeMs;
}

function startBrowserMode() {
  if (rendererIsStale() && !run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'])) {
    console.error('npm start: building the renderer failed (see above).');
    process.exit(1);
  }
  const child = spawn(process.execPath, [join(root, 'bin', 'serve.mjs'), ...args], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  let opened = false;
  child.stdout.on('data', (chunk) => {
    const text = chunk.toString();
    process.stdout.write(text);
    const match = /(http:\/\/\S+#token=\S+)/.exec(text);
    if (match && !opened) {
      opened = true;
      openBrowser(match[1]);
    }
  });
  // Ctrl+C in a terminal reaches the server directly (same process group); stay alive until it has stopped.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startDesktop(binary) {
  if (!run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--config', 'electron.config.ts'])) {
    console.error('npm start: the build failed (see above).');
    process.exit(1);
  }
  if (!ensureElectronSqlite()) {
    console.log('npm start: better-sqlite3 could not be built for Electron (no network to electronjs.org?); starting the browser mode instead.');
    startBrowserMode();
    return;
  }
  const child = spawn(binary, ['.'], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

const binary = electronBinary();
if (binary) startDesktop(binary);
else {
  console.log("npm start: Electron's binary is not installed on this machine (node_modules/electron/dist is missing), so Metric Workbench starts in browser mode instead.");
  startBrowserMode();
}
