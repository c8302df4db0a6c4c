import { describe, expect, it } from 'vitest';
import { electronBindingPath, resolveSqliteBinding } from '../../src-main/electron/native-binding.ts';

const base = { env: {}, packaged: false, projectRoot: '/repo' };
const node = { ...process.versions, electron: undefined } as unknown as NodeJS.ProcessVersions;
const electron = { ...process.versions, electron: '45.5.0' } as NodeJS.ProcessVersions;

describe('better-sqlite3 binding for Electron', () => {
  it('is never used under plain Node', () => {
    expect(resolveSqliteBinding({ ...base, versions: node, env: { METRIC_WORKBENCH_SQLITE_BINDING: '/x.node' }, exists: () => true })).toBeUndefined();
  });

  it('points at the per-version build under Electron when it exists', () => {
    const path = electronBindingPath('/repo', '45.5.0');
    expect(path).toBe('/repo/.electron-native/electron-45.5.0/better_sqlite3.node');
    expect(resolveSqliteBinding({ ...base, versions: electron, exists: (p) => p === path })).toBe(path);
    expect(resolveSqliteBinding({ ...base, versions: electron, exists: () => false })).toBeUndefined();
  });

  it('leaves a packaged app to its rebuilt module, unless overridden', () => {
    expect(resolveSqliteBinding({ ...base, versions: electron, packaged: true, exists: () => true })).toBeUndefined();
    expect(resolveSqliteBinding({ ...base, versions: electron, packaged: true, env: { METRIC_WORKBENCH_SQLITE_BINDING: '/x.node' } })).toBe('/x.node');
  });
});
