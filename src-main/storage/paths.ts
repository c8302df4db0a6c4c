/**
 * Where the database lives by default: Electron's `userData` folder for the app name "Metric Workbench",
 * computed without Electron so that the CLI, the browser-mode server and the desktop app share one file.
 */
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export const APP_NAME = 'Metric Workbench';
export const DATABASE_FILE_NAME = 'workbench.sqlite';

/**
 * The userData folder Electron uses for {@link APP_NAME}:
 * - Linux and other Unix: `$XDG_CONFIG_HOME/Metric Workbench`, else `~/.config/Metric Workbench`
 * - macOS: `~/Library/Application Support/Metric Workbench`
 * - Windows: `%APPDATA%\Metric Workbench`, else `~\AppData\Roaming\Metric Workbench`
 */
export function userDataDirectory(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    const appData = env.APPDATA && env.APPDATA !== '' ? env.APPDATA : win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, APP_NAME);
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_NAME);
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : posix.join(home, '.config');
  return posix.join(config, APP_NAME);
}

/** `<userData>/workbench.sqlite` (see {@link userDataDirectory}). The folder is created when the store is opened. */
export function defaultDatabasePath(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const dir = userDataDirectory(env, platform, home);
  return platform === 'win32' ? win32.join(dir, DATABASE_FILE_NAME) : posix.join(dir, DATABASE_FILE_NAME);
}
