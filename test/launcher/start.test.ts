import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findElectronBinary, INSTALL_RETRY_AFTER_MS, installStatePath, isNetworkFailure, summariseInstallerOutput, type InstallerResult } from '../../src-main/launcher/electron-binary.ts';
import { parseStartArgs, runStart, type StartDeps } from '../../src-main/launcher/start.ts';

let root: string;
let clock: number;
let calls: string[];
let lines: string[];

/** A project root with node_modules/electron as `npm ci` leaves it: package.json and install.js, no binary. */
function makeRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'start-'));
  mkdirSync(join(dir, 'node_modules', 'electron'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'electron', 'package.json'), JSON.stringify({ version: '45.5.0' }));
  writeFileSync(join(dir, 'node_modules', 'electron', 'install.js'), '// fake');
  return dir;
}

/** What Electron's installer leaves behind on success. */
function installFakeBinary(dir: string): string {
  const exe = join(dir, 'node_modules', 'electron', 'dist', 'electron');
  mkdirSync(dirname(exe), { recursive: true });
  writeFileSync(exe, '#!/bin/sh\n');
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'node_modules', 'electron', 'path.txt'), 'electron');
  return exe;
}

function deps(installer: () => InstallerResult, env: Record<string, string> = {}): StartDeps {
  return {
    root,
    env,
    platform: 'linux',
    now: () => clock,
    exists: existsSync,
    readText: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : null),
    writeText: (path, text) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    },
    removeFile: (path) => rmSync(path, { force: true }),
    log: (line) => lines.push(line),
    runInstaller: async () => {
      calls.push('install');
      return installer();
    },
    buildDesktop: () => {
      calls.push('build');
      // electron-vite writes the main bundle that package.json's "main" names
      mkdirSync(join(root, 'out', 'main'), { recursive: true });
      writeFileSync(join(root, 'out', 'main', 'index.js'), '// built');
      return true;
    },
    spawnElectron: async (binary, args) => {
      calls.push(`electron ${binary} ${args.join(' ')} main=${existsSync(join(root, 'out', 'main', 'index.js'))}`);
      return 0;
    },
    startBrowserMode: async (args) => {
      calls.push(`browser ${args.join(' ')}`.trim());
      return 0;
    },
  };
}

const offline: () => InstallerResult = () => ({ ok: false, output: 'TypeError: fetch failed\n    at node:internal/deps/undici\n' });

beforeEach(() => {
  root = makeRoot();
  clock = Date.UTC(2026, 11, 2, 8, 0, 0);
  calls = [];
  lines = [];
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('npm start: choosing the desktop app or the browser mode', () => {
  it('installs a missing Electron with its installer, then builds and spawns Electron on the built main', async () => {
    const outcome = await runStart([], deps(() => ({ ok: true, output: installFakeBinary(root) && 'done' })));
    const exe = join(root, 'node_modules', 'electron', 'dist', 'electron');
    expect(calls).toEqual(['install', 'build', `electron ${exe} . main=true`]);
    expect(outcome).toEqual({ resolution: { kind: 'desktop', binary: exe, installed: true }, exitCode: 0 });
    expect(lines[0]).toBe("npm start: Electron 45.5.0 is not installed yet; downloading it with Electron's installer (node_modules/electron/install.js) …");
    expect(lines[1]).toBe('npm start: Electron 45.5.0 installed.');
  });

  it('does not run the installer when the binary is already there', async () => {
    const exe = installFakeBinary(root);
    await runStart([], deps(() => ({ ok: false, output: 'should not run' })));
    expect(calls).toEqual(['build', `electron ${exe} . main=true`]);
  });

  it('falls back to the browser mode with the reason when the installer fails for lack of network, and passes the other arguments on', async () => {
    const outcome = await runStart(['--port', '8080'], deps(offline));
    expect(calls).toEqual(['install', 'browser --port 8080']);
    expect(outcome.resolution.kind).toBe('browser');
    expect(lines.at(-1)).toBe(
      'npm start: Electron 45.5.0 could not be downloaded (no network: TypeError: fetch failed), so Metric Workbench starts in browser mode instead. Retry with `npm start -- --retry-electron` once you are online (or set ELECTRON_MIRROR to a mirror you can reach).',
    );
    const record = JSON.parse(readFileSync(installStatePath(root, {}), 'utf8'));
    expect(record).toEqual({ at: clock, version: '45.5.0', noNetwork: true, reason: 'no network: TypeError: fetch failed' });
  });

  it('remembers a no-network failure for a day: the next start does not try again, --retry-electron does, and after a day it tries by itself', async () => {
    await runStart([], deps(offline));
    calls = [];
    lines = [];
    clock += 60 * 60 * 1000; // an hour later
    await runStart([], deps(offline));
    expect(calls).toEqual(['browser']);
    expect(lines[0]).toBe(
      'npm start: Electron 45.5.0 could not be downloaded 60 min ago (no network: TypeError: fetch failed); not trying again for 23 h, so Metric Workbench starts in browser mode instead. Retry with `npm start -- --retry-electron` once you are online (or set ELECTRON_MIRROR to a mirror you can reach).',
    );
    calls = [];
    await runStart(['--retry-electron'], deps(() => ({ ok: true, output: installFakeBinary(root) })));
    expect(calls[0]).toBe('install');
    expect(calls[1]).toBe('build');
    expect(existsSync(installStatePath(root, {}))).toBe(false); // success forgets the failure
  });

  it('tries again on its own once the remembered failure is older than a day', async () => {
    await runStart([], deps(offline));
    clock += INSTALL_RETRY_AFTER_MS + 1;
    calls = [];
    await runStart([], deps(offline));
    expect(calls).toEqual(['install', 'browser']);
  });

  it('does not remember a failure that was not about the network (the next start tries again)', async () => {
    const broken = () => ({ ok: false, output: 'Error: EACCES: permission denied, mkdir /root/.cache/electron\n    at x' });
    await runStart([], deps(broken));
    expect(lines.at(-1)).toContain('could not be downloaded (Error: EACCES: permission denied, mkdir /root/.cache/electron)');
    calls = [];
    await runStart([], deps(broken));
    expect(calls).toEqual(['install', 'browser']);
  });

  it('uses ELECTRON_OVERRIDE_DIST_PATH when it holds an executable, and says so when it does not', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'electron-dist-'));
    try {
      const env = { ELECTRON_OVERRIDE_DIST_PATH: dist };
      const missing = await runStart([], deps(offline, env));
      expect(calls).toEqual(['browser']);
      expect(missing.resolution.kind === 'browser' && missing.resolution.reason).toBe(`ELECTRON_OVERRIDE_DIST_PATH is set to ${dist}, but no Electron executable is there`);
      writeFileSync(join(dist, 'electron'), '');
      calls = [];
      await runStart([], deps(offline, env));
      expect(calls).toEqual(['build', `electron ${join(dist, 'electron')} . main=true`]);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });

  it('--browser skips Electron altogether', async () => {
    await runStart(['--browser', '--db', 'x.sqlite'], deps(offline));
    expect(calls).toEqual(['browser --db x.sqlite']);
  });
});

describe('installer output', () => {
  it('tells network failures from others and keeps one line', () => {
    expect(isNetworkFailure('RequestError: getaddrinfo ENOTFOUND github.com')).toBe(true);
    expect(isNetworkFailure('connect ECONNREFUSED 127.0.0.1:1')).toBe(true);
    expect(isNetworkFailure('Error: EACCES: permission denied')).toBe(false);
    expect(summariseInstallerOutput('Downloading\nHTTPError: Response code 404 (Not Found)\n    at foo (x.js:1:1)\n')).toBe('HTTPError: Response code 404 (Not Found)');
    expect(parseStartArgs(['--retry-electron', '--port', '1'])).toEqual({ retry: true, browserOnly: false, rest: ['--port', '1'] });
  });

  it('finds no binary when path.txt points at a file that does not exist', () => {
    writeFileSync(join(root, 'node_modules', 'electron', 'path.txt'), 'electron');
    expect(findElectronBinary({ root, env: {}, platform: 'linux', exists: existsSync, readText: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : null) })).toBeNull();
  });
});
