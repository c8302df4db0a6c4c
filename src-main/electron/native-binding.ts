/**
 * better-sqlite3 exists in two builds: node_modules holds the one for Node (tests, CLI, browser mode);
 * the desktop app under Electron needs one for Electron's ABI. A packaged app gets it from
 * electron-builder's rebuild. For `npm start` in a checkout, scripts/start.mjs builds a copy into
 * `.electron-native/electron-<version>/better_sqlite3.node`, and this module points better-sqlite3's
 * `nativeBinding` option at it — only when running under Electron, so Node never sees it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function electronBindingPath(projectRoot: string, electronVersion: string): string {
  return join(projectRoot, '.electron-native', `electron-${electronVersion}`, 'better_sqlite3.node');
}

/**
 * The `nativeBinding` to pass to better-sqlite3, or undefined to load the default build.
 * `METRIC_WORKBENCH_SQLITE_BINDING` overrides the lookup.
 */
export function resolveSqliteBinding(options: {
  versions: NodeJS.ProcessVersions;
  env: Readonly<Record<string, string | undefined>>;
  packaged: boolean;
  projectRoot: string;
  exists?: (path: string) => boolean;
}): string | undefined {
  const electron = options.versions.electron;
  if (!electron) return undefined;
  const override = options.env.METRIC_WORKBENCH_SQLITE_BINDING;
  if (override) return override;
  if (options.packaged) return undefined;
  const candidate = electronBindingPath(options.projectRoot, electron);
  return (options.exists ?? existsSync)(candidate) ? candidate : undefined;
}
