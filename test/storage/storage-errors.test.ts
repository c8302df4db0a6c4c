/**
 * Storage errors that diagnose, on real files: a read-only folder or file opens read-only (reading works, a write
 * is DATABASE_READ_ONLY naming the file, and no -wal/-shm is left), a truncated file is DATABASE_TRUNCATED, a
 * malformed page DATABASE_DAMAGED (and the command that hit it reports what was committed: nothing), a full disk
 * DATABASE_DISK_FULL; over HTTP these are 503 with the sentence, and nothing is logged as an internal error.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpStatusOf } from '../../src-main/services/gateway.ts';
import { createWorkbench } from '../../src-main/services/workbench.ts';
import { openStore } from '../../src-main/storage/store.ts';
import { runCli } from '../cli/helpers.ts';
import { canMount, isRoot, mountTmpfs, readOnlyFolder } from '../helpers/fs-faults.ts';
import { damageFirstLeafOf, truncateDatabase } from '../helpers/sqlite-damage.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const READ_ONLY_FS = 'it is on a read-only file system';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-storage-errors-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cli = (db: string, ...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });
const errorOf = (r: { errorJson: unknown }) => (r.errorJson as { error: { code: string; message: string } }).error;

async function irisDatabase(path: string, pairs = 0): Promise<void> {
  expect((await cli(path, 'samples', 'add', 'iris')).code).toBe(0);
  if (pairs > 0) expect((await cli(path, 'constraints', 'generate', '--dataset', 'iris', '--pairs', String(pairs))).code).toBe(0);
}

describe('a database that cannot be written', () => {
  it('in a read-only folder: reading commands work, a write is DATABASE_READ_ONLY, no -wal/-shm is created', async () => {
    const folder = readOnlyFolder((d) => {
      const store = openStore(join(d, 'w.sqlite'));
      store.datasets.insert({ name: 'tiny', matrix: { nRows: 2, nFeatures: 1, features: Float64Array.of(1, 2), featureNames: ['x'], labels: null, classNames: [] } });
      store.close();
    });
    try {
      const db = join(folder.dir, 'w.sqlite');
      const listed = await cli(db, 'datasets');
      expect(listed.code).toBe(0);
      expect((listed.json as { datasets: Array<{ name: string }> }).datasets.map((d) => d.name)).toEqual(['tiny']);
      const write = await cli(db, 'constraints', 'add', '--dataset', 'tiny', '0', '1', 'must');
      const why = isRoot ? READ_ONLY_FS : `its folder ${folder.dir} cannot be written`;
      expect(errorOf(write)).toEqual({
        code: 'DATABASE_READ_ONLY',
        message: `The database ${db} is read-only (${why}), so nothing was saved: make it writable, or copy it to a folder you can write and use --db.`,
      });
      expect(readdirSync(folder.dir)).toEqual(['w.sqlite']);
      const created = await cli(join(folder.dir, 'new.sqlite'), 'datasets');
      expect(errorOf(created)).toEqual({
        code: 'DATABASE_READ_ONLY',
        message: `Cannot create the database ${join(folder.dir, 'new.sqlite')}: ${why}; choose a folder you can write with --db.`,
      });
    } finally {
      folder.remove();
    }
  });

  it('answers a write through the gateway with DATABASE_READ_ONLY (HTTP 503) and logs no internal error', async () => {
    const folder = readOnlyFolder((d) => openStore(join(d, 'w.sqlite')).close());
    const logged: string[] = [];
    try {
      const workbench = await createWorkbench({ dbPath: join(folder.dir, 'w.sqlite'), mode: 'browser', log: (line) => logged.push(line) });
      try {
        expect(workbench.store.readOnlyBecause).not.toBeNull();
        const added = await workbench.dispatch('samples.add', { name: 'iris' });
        expect(added).toEqual({ ok: false, error: { code: 'DATABASE_READ_ONLY', message: expect.stringMatching(/^The database .* is read-only \(/) } });
        expect(httpStatusOf('DATABASE_READ_ONLY')).toBe(503);
        expect(logged).toEqual([]);
      } finally {
        await workbench.close();
      }
    } finally {
      folder.remove();
    }
  });

  it('a read-only file in a writable folder: read-only, and no 0444 -wal/-shm left behind', async () => {
    const db = join(dir, 'w.sqlite');
    await irisDatabase(db);
    chmodSync(db, 0o444);
    chmodSync(dir, 0o777);
    const home = mkdtempSync(join(tmpdir(), 'wb-nobody-home-'));
    chmodSync(home, 0o777);
    // Root ignores permission bits: the commands then run as the unprivileged user nobody.
    const run = (...args: string[]) => {
      const argv = [process.execPath, '--import', 'tsx', join(ROOT, 'bin', 'workbench.mjs'), '--db', db, '--json', ...args];
      const command = isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
      const result = spawnSync(command[0]!, command.slice(1), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, HOME: home, TMPDIR: home } });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    const listed = run('datasets');
    expect([listed.code, listed.stderr]).toEqual([0, '']);
    const write = run('constraints', 'add', '--dataset', 'iris', '0', '1', 'must');
    expect(write.code).toBe(1);
    expect(JSON.parse(write.stderr)).toEqual({
      error: {
        code: 'DATABASE_READ_ONLY',
        message: `The database ${db} is read-only (the file cannot be written), so nothing was saved: make it writable, or copy it to a folder you can write and use --db.`,
      },
    });
    expect(readdirSync(dir)).toEqual(['w.sqlite']);
    rmSync(home, { recursive: true, force: true });
  }, 180_000); // three CLI processes in a row
});

describe('a damaged database', () => {
  it('cut short: DATABASE_TRUNCATED with the sizes, also below a header', async () => {
    const db = join(dir, 'w.sqlite');
    await irisDatabase(db);
    const size = statSync(db).size;
    const cut = join(dir, 'cut.sqlite');
    copyFileSync(db, cut);
    truncateDatabase(cut, Math.floor(size / 2));
    expect(errorOf(await cli(cut, 'datasets'))).toEqual({
      code: 'DATABASE_TRUNCATED',
      message: `The database ${cut} is truncated (${Math.floor(size / 2)} bytes of the ${size} its header declares), so it cannot be used: restore it from a backup, or start a new database with --db.`,
    });
    truncateDatabase(cut, 40);
    expect(errorOf(await cli(cut, 'datasets'))).toEqual({
      code: 'DATABASE_TRUNCATED',
      message: `The database ${cut} is truncated (40 bytes, shorter than an SQLite header), so it cannot be used: restore it from a backup, or start a new database with --db.`,
    });
  });

  it('with a malformed page: DATABASE_DAMAGED, and a pair whose transaction hit it is not saved', async () => {
    const db = join(dir, 'w.sqlite');
    await irisDatabase(db, 2000);
    const listed = (await cli(db, 'constraints', 'list', '--dataset', 'iris')).json as { constraints: Array<{ i: number; j: number }> };
    const taken = new Set(listed.constraints.map((c) => `${c.i},${c.j}`));
    const free = [0, 1, 2, 3, 4, 5].flatMap((i) => [146, 147, 148, 149].map((j) => [i, j] as const)).find(([i, j]) => !taken.has(`${i},${j}`))!;
    damageFirstLeafOf(db, 'constraints');
    const add = await cli(db, 'constraints', 'add', '--dataset', 'iris', String(free[0]), String(free[1]), 'must');
    expect(add.code).toBe(1);
    expect(errorOf(add)).toEqual({
      code: 'DATABASE_DAMAGED',
      message: `The database ${db} has a malformed page (SQLite: database disk image is malformed), so this was not done: restore it from a backup, or recover what is readable with \`sqlite3 ${db} .recover\`.`,
    });
    // The newest rows are on pages that are intact: the last one is still the 2000th generated pair.
    const raw = new Database(db, { readonly: true });
    try {
      expect(raw.prepare('SELECT seq FROM constraints ORDER BY rowid DESC LIMIT 1').get()).toEqual({ seq: 2000 });
    } finally {
      raw.close();
    }
  });
});

describe.runIf(canMount)('a full disk', () => {
  it('is DATABASE_DISK_FULL naming the file, and the import is not stored', async () => {
    const disk = mountTmpfs(384 * 1024);
    try {
      const db = join(disk.dir, 'w.sqlite');
      await irisDatabase(db);
      const r = await cli(db, 'samples', 'add', 'digits');
      expect(errorOf(r)).toEqual({
        code: 'DATABASE_DISK_FULL',
        message: `The disk holding the database ${db} is full, so nothing was saved: free some space and try again.`,
      });
      expect((await cli(db, 'datasets')).json).toMatchObject({ datasets: [{ name: 'iris' }] });
    } finally {
      disk.unmount();
    }
  });
});
