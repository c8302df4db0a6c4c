/**
 * One better-sqlite3 for every process: the Electron main (as electron-vite builds it) imports the package
 * from node_modules (not bundled, no `nativeBinding` override), and it resolves to the same package and the
 * same prebuilt N-API binary that the tests, the CLI and the worker threads load. Electron itself cannot be
 * downloaded here; N-API is what makes that one binary valid under Electron's Node as well.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/storage/store.ts';

const root = join(import.meta.dirname, '..', '..');
const requireHere = createRequire(import.meta.url);
let outDir: string;

function loadedSqliteBinaries(): string[] {
  const report = process.report.getReport() as unknown as { sharedObjects: string[] };
  return report.sharedObjects.filter((path) => path.includes('better-sqlite3') || path.endsWith('better_sqlite3.node'));
}

beforeAll(() => {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  // Inside the project, so that the bundle resolves node_modules exactly as out/ does.
  outDir = mkdtempSync(join(root, '.tmp', 'electron-build-'));
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--config', 'electron.config.ts', '--outDir', outDir, '--logLevel', 'error'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('better-sqlite3 in the Electron main and in Node', () => {
  it('the built main imports better-sqlite3 from node_modules, with no second native build', () => {
    const main = readFileSync(join(outDir, 'main', 'index.js'), 'utf8');
    expect(main).toMatch(/from "better-sqlite3"/);
    expect(main).not.toContain('nativeBinding');
    expect(main).not.toContain('.electron-native');
    // Nothing was compiled at install time: no node-gyp output in the package.
    expect(existsSync(join(root, 'node_modules', 'better-sqlite3', 'build'))).toBe(false);
  });

  it('resolves to the same package file and the same prebuilt binary that the store loads in this process and in a worker', async () => {
    const fromMain = createRequire(join(outDir, 'main', 'index.js')).resolve('better-sqlite3');
    expect(fromMain).toBe(requireHere.resolve('better-sqlite3'));
    const pkgDir = join(fromMain, '..', '..');
    expect(JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version).toMatch(/^13\./);
    const binding = requireHere(join(pkgDir, 'lib', 'binding.js')) as { getPrebuildPath: () => string | null };
    const prebuild = binding.getPrebuildPath();
    expect(prebuild).not.toBeNull();
    expect(readdirSync(join(pkgDir, 'prebuilds'))).toContain(`${process.platform}-${process.arch}.node`);

    const store = openStore(':memory:');
    try {
      expect(loadedSqliteBinaries()).toEqual([prebuild]);
    } finally {
      store.close();
    }
    // A worker thread loads the same file (N-API addons are context-aware): the process still maps one binary.
    const worker = new Worker(`const D = require(${JSON.stringify(fromMain)}); const db = new D(':memory:'); require('node:worker_threads').parentPort.postMessage(db.prepare('select sqlite_version() v').get().v); db.close();`, { eval: true });
    const version = await new Promise<string>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(version).toMatch(/^3\.\d+\.\d+$/);
    expect(loadedSqliteBinaries()).toEqual([prebuild]);
  });
});
