/**
 * Finding, and when missing installing, Electron's binary for `npm start`.
 *
 * Electron 45's npm package has no postinstall: after `npm ci`, `node_modules/electron/path.txt` and
 * `dist/` do not exist until Electron's own installer (`node_modules/electron/install.js`, which honours
 * `ELECTRON_MIRROR`, `electron_config_cache` and the download cache) has run once. We run that installer
 * when the binary is missing, and remember a failure caused by having no network, so that an offline user's
 * next `npm start` goes straight to the browser mode instead of waiting for the same failure again.
 *
 * Everything that touches the outside world is passed in (`ElectronInstallDeps`), so the decision is tested
 * with a fake installer and a temporary folder (test/launcher/electron-binary.test.ts).
 */
import { join } from 'node:path';

/** How long a failed download for lack of network is remembered before `npm start` tries again. */
export const INSTALL_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export interface InstallerResult {
  ok: boolean;
  /** What the installer wrote to stderr/stdout (used to explain a failure). */
  output: string;
}

export interface ElectronInstallDeps {
  /** Project root (holds node_modules/electron). */
  root: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  now: () => number;
  exists: (path: string) => boolean;
  readText: (path: string) => string | null;
  writeText: (path: string, text: string) => void;
  removeFile: (path: string) => void;
  /** Runs Electron's installer; resolves when it has exited. */
  runInstaller: () => Promise<InstallerResult>;
  log: (line: string) => void;
}

export type ElectronResolution =
  | { kind: 'desktop'; binary: string; installed: boolean }
  | { kind: 'browser'; reason: string; retryHint: string };

/** A remembered installer failure (node_modules/.cache/metric-workbench/electron-install.json). */
export interface InstallFailureRecord {
  at: number;
  version: string;
  noNetwork: boolean;
  reason: string;
}

const EXECUTABLE: Partial<Record<NodeJS.Platform, string>> = {
  win32: 'electron.exe',
  darwin: 'Electron.app/Contents/MacOS/Electron',
};

export function electronPackageDir(root: string): string {
  return join(root, 'node_modules', 'electron');
}

/** Where a failed install is remembered; `METRIC_WORKBENCH_ELECTRON_STATE` overrides it (tests). */
export function installStatePath(root: string, env: ElectronInstallDeps['env']): string {
  return env.METRIC_WORKBENCH_ELECTRON_STATE || join(root, 'node_modules', '.cache', 'metric-workbench', 'electron-install.json');
}

/**
 * Path of the Electron executable, or null when it is not installed. `ELECTRON_OVERRIDE_DIST_PATH`
 * (Electron's own variable: a folder holding a locally built or unpacked Electron) takes precedence.
 */
export function findElectronBinary(deps: Pick<ElectronInstallDeps, 'root' | 'env' | 'platform' | 'exists' | 'readText'>): string | null {
  const dir = electronPackageDir(deps.root);
  const pathFile = deps.readText(join(dir, 'path.txt'))?.trim();
  const override = deps.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = join(override, pathFile || EXECUTABLE[deps.platform] || 'electron');
    return deps.exists(candidate) ? candidate : null;
  }
  if (!pathFile) return null;
  const executable = join(dir, 'dist', pathFile);
  return deps.exists(executable) ? executable : null;
}

const NO_NETWORK = /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|socket hang up|network/i;

/** Whether the installer's output says it could not reach the download server. */
export function isNetworkFailure(output: string): boolean {
  return NO_NETWORK.test(output);
}

/** The installer's error in one short line (its last meaningful line, without the stack). */
export function summariseInstallerOutput(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('at '));
  const line = lines.find((l) => /error/i.test(l)) ?? lines[lines.length - 1] ?? 'the installer failed without a message';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function electronVersion(deps: ElectronInstallDeps): string {
  const text = deps.readText(join(electronPackageDir(deps.root), 'package.json'));
  if (!text) return 'unknown';
  try {
    return String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

function readFailure(deps: ElectronInstallDeps, path: string): InstallFailureRecord | null {
  const text = deps.readText(path);
  if (!text) return null;
  try {
    const record = JSON.parse(text) as Partial<InstallFailureRecord>;
    if (typeof record.at !== 'number' || typeof record.reason !== 'string') return null;
    return { at: record.at, version: String(record.version ?? ''), noNetwork: record.noNetwork === true, reason: record.reason };
  } catch {
    return null;
  }
}

function formatAgo(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

export const RETRY_FLAG = '--retry-electron';

/**
 * Decides how `npm start` opens the app: the desktop window when Electron's binary is there or can be
 * installed now; otherwise the browser mode, with the reason in one line and how to retry.
 * @param options.retry  ignore a remembered no-network failure (`npm start -- --retry-electron`)
 */
export async function resolveElectron(deps: ElectronInstallDeps, options: { retry?: boolean } = {}): Promise<ElectronResolution> {
  const existing = findElectronBinary(deps);
  if (existing) return { kind: 'desktop', binary: existing, installed: false };
  const version = electronVersion(deps);
  const retryHint = `Retry with \`npm start -- ${RETRY_FLAG}\` once you are online (or set ELECTRON_MIRROR to a mirror you can reach).`;
  if (deps.env.ELECTRON_OVERRIDE_DIST_PATH) {
    return { kind: 'browser', reason: `ELECTRON_OVERRIDE_DIST_PATH is set to ${deps.env.ELECTRON_OVERRIDE_DIST_PATH}, but no Electron executable is there`, retryHint: 'Point ELECTRON_OVERRIDE_DIST_PATH at a folder that holds an Electron build, or unset it.' };
  }
  if (!deps.exists(join(electronPackageDir(deps.root), 'install.js'))) {
    return { kind: 'browser', reason: 'the electron package is not installed (node_modules/electron/install.js is missing)', retryHint: 'Run `npm ci` first.' };
  }
  const statePath = installStatePath(deps.root, deps.env);
  const previous = readFailure(deps, statePath);
  const age = previous ? deps.now() - previous.at : Infinity;
  if (!options.retry && previous?.noNetwork && previous.version === version && age >= 0 && age < INSTALL_RETRY_AFTER_MS) {
    return {
      kind: 'browser',
      reason: `Electron ${version} could not be downloaded ${formatAgo(age)} (${previous.reason}); not trying again for ${Math.ceil((INSTALL_RETRY_AFTER_MS - age) / 3_600_000)} h`,
      retryHint,
    };
  }
  deps.log(`npm start: Electron ${version} is not installed yet; downloading it with Electron's installer (node_modules/electron/install.js) …`);
  const result = await deps.runInstaller();
  const installed = findElectronBinary(deps);
  if (result.ok && installed) {
    deps.removeFile(statePath);
    deps.log(`npm start: Electron ${version} installed.`);
    return { kind: 'desktop', binary: installed, installed: true };
  }
  const noNetwork = isNetworkFailure(result.output);
  const detail = result.ok ? 'the installer finished but no executable was found' : summariseInstallerOutput(result.output);
  const reason = noNetwork ? `no network: ${detail}` : detail;
  const record: InstallFailureRecord = { at: deps.now(), version, noNetwork, reason };
  try {
    deps.writeText(statePath, `${JSON.stringify(record)}\n`);
  } catch {
    // Not being able to remember the failure only means the next start tries again.
  }
  return { kind: 'browser', reason: `Electron ${version} could not be downloaded (${reason})`, retryHint };
}
