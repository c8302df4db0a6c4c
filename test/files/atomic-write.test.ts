/**
 * Atomic writes (src-main/files/atomic-write.ts), the one writer behind every export: the old file survives every
 * failure byte for byte, no temp file is left, multi-file writes are all or nothing, and the error names the path
 * and the cause in words.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExportError } from '../../shared/errors.ts';
import { writeFileAtomic, writeFileAtomicSync, writeFilesAtomic, writeFilesAtomicSync } from '../../src-main/files/atomic-write.ts';
import { canMount, mountTmpfs, readOnlyFolder } from '../helpers/fs-faults.ts';

/** Lets one test make the n-th rename fail, as a disk that fails between two renames would. */
const renameFaults = vi.hoisted(() => ({ failOnCall: 0, calls: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      renameFaults.calls++;
      if (renameFaults.calls === renameFaults.failOnCall) throw Object.assign(new Error(`EIO: i/o error, rename '${from}' -> '${to}'`), { code: 'EIO' });
      return actual.rename(from, to);
    },
  };
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-atomic-'));
  renameFaults.failOnCall = 0;
  renameFaults.calls = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const caught = async (work: () => Promise<unknown>): Promise<ExportError> => {
  try {
    await work();
  } catch (error) {
    return error as ExportError;
  }
  throw new Error('expected the write to fail');
};

describe('writeFileAtomic', () => {
  it('creates missing folders, writes the bytes and leaves no temp file', async () => {
    const path = join(dir, 'a', 'b', 'out.json');
    expect(await writeFileAtomic(path, '{"x":1}\n')).toEqual({ path, bytes: 8 });
    expect(readFileSync(path, 'utf8')).toBe('{"x":1}\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.json']);
  });

  it('replaces an existing file and keeps its permission bits', async () => {
    const path = join(dir, 'keep.csv');
    writeFileSync(path, 'old');
    chmodSync(path, 0o640);
    await writeFileAtomic(path, new Uint8Array([110, 101, 119]));
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('refuses a target that is a folder with EXPORT_FAILED and writes nothing', async () => {
    const path = join(dir, 'out.json');
    mkdirSync(path);
    const error = await caught(() => writeFileAtomic(path, 'x'));
    expect(error).toBeInstanceOf(ExportError);
    expect(error.code).toBe('EXPORT_FAILED');
    expect(error.message).toBe(`Cannot write ${path}: ${path} is a folder. Nothing was written; an existing file there is unchanged.`);
    expect(readdirSync(dir)).toEqual(['out.json']);
    expect(readdirSync(path)).toEqual([]);
  });

  it('names a file in the way of a folder', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    const path = join(dir, 'file', 'sub', 'out.json');
    const error = await caught(() => writeFileAtomic(path, 'x'));
    expect(error.message).toBe(`Cannot write ${path}: a part of the folder ${join(dir, 'file', 'sub')} is a file, not a folder. Nothing was written; an existing file there is unchanged.`);
  });

  it('leaves the old file intact in a folder it cannot write (the folder is read-only)', async () => {
    const folder = readOnlyFolder((d) => writeFileSync(join(d, 'keep.json'), '{"good":true}'));
    try {
      const path = join(folder.dir, 'keep.json');
      const error = await caught(() => writeFileAtomic(path, '{"bad":1}'));
      expect(error.code).toBe('EXPORT_FAILED');
      expect(error.message).toMatch(new RegExp(`^Cannot write ${path}: the folder (${folder.dir} )?is read-only`));
      expect(readFileSync(path, 'utf8')).toBe('{"good":true}');
      expect(readdirSync(folder.dir)).toEqual(['keep.json']);
    } finally {
      folder.remove();
    }
  });

  it.runIf(canMount)('on a full disk keeps the old file byte for byte and leaves no temp (tmpfs of 64 KiB)', async () => {
    const disk = mountTmpfs(64 * 1024);
    try {
      const path = join(disk.dir, 'keep.json');
      const good = new Uint8Array(8 * 1024).fill(65);
      writeFileSync(path, good);
      const error = await caught(() => writeFileAtomic(path, new Uint8Array(256 * 1024).fill(66)));
      expect(error.message).toBe(`Cannot write ${path}: the disk is full. Nothing was written; an existing file there is unchanged.`);
      expect(new Uint8Array(readFileSync(path))).toEqual(good);
      expect(readdirSync(disk.dir)).toEqual(['keep.json']);
      // The synchronous writer (grid bundles, array-task results) behaves the same.
      expect(() => writeFileAtomicSync(path, new Uint8Array(256 * 1024))).toThrow(`Cannot write ${path}: the disk is full.`);
      expect(new Uint8Array(readFileSync(path))).toEqual(good);
      expect(readdirSync(disk.dir)).toEqual(['keep.json']);
    } finally {
      disk.unmount();
    }
  });
});

describe('writeFilesAtomic (all or nothing)', () => {
  it('writes every file', async () => {
    const files = [
      { path: join(dir, 'm_L.npy'), content: 'L' },
      { path: join(dir, 'm_M.npy'), content: 'MM' },
    ];
    expect(await writeFilesAtomic(files)).toEqual([
      { path: files[0]!.path, bytes: 1 },
      { path: files[1]!.path, bytes: 2 },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['m_L.npy', 'm_M.npy']);
  });

  it('writes neither file when the second target is a folder (the old first file keeps its bytes)', async () => {
    writeFileSync(join(dir, 'm_L.npy'), 'old L');
    mkdirSync(join(dir, 'm_M.npy'));
    const error = await caught(() =>
      writeFilesAtomic([
        { path: join(dir, 'm_L.npy'), content: 'new L' },
        { path: join(dir, 'm_M.npy'), content: 'new M' },
      ]),
    );
    expect(error.message).toBe(`Cannot write ${join(dir, 'm_M.npy')}: ${join(dir, 'm_M.npy')} is a folder. Nothing was written; an existing file there is unchanged.`);
    expect(readFileSync(join(dir, 'm_L.npy'), 'utf8')).toBe('old L');
    expect(readdirSync(dir).sort()).toEqual(['m_L.npy', 'm_M.npy']);
  });

  it('puts the first file back when the second rename fails after the first succeeded', async () => {
    writeFileSync(join(dir, 'm_L.npy'), 'old L');
    renameFaults.failOnCall = 2;
    const error = await caught(() =>
      writeFilesAtomic([
        { path: join(dir, 'm_L.npy'), content: 'new L' },
        { path: join(dir, 'm_M.npy'), content: 'new M' },
      ]),
    );
    expect(error.message).toBe(`Cannot write ${join(dir, 'm_M.npy')}: an input/output error (the disk may be failing). Nothing was written; an existing file there is unchanged.`);
    expect(readFileSync(join(dir, 'm_L.npy'), 'utf8')).toBe('old L');
    expect(readdirSync(dir)).toEqual(['m_L.npy']);
  });

  it('removes a first file that did not exist before when the second rename fails', async () => {
    renameFaults.failOnCall = 2;
    await caught(() =>
      writeFilesAtomic([
        { path: join(dir, 'm_L.npy'), content: 'new L' },
        { path: join(dir, 'm_M.npy'), content: 'new M' },
      ]),
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it.runIf(canMount)('on a full disk writes neither file and leaves no temp (the synchronous writer too)', async () => {
    const disk = mountTmpfs(64 * 1024);
    try {
      const L = join(disk.dir, 'm_L.npy');
      const M = join(disk.dir, 'm_M.npy');
      const files = [
        { path: L, content: new Uint8Array(16 * 1024).fill(1) },
        { path: M, content: new Uint8Array(256 * 1024).fill(2) },
      ];
      await expect(writeFilesAtomic(files)).rejects.toThrow(`Cannot write ${M}: the disk is full.`);
      expect(readdirSync(disk.dir)).toEqual([]);
      expect(() => writeFilesAtomicSync(files)).toThrow(`Cannot write ${M}: the disk is full.`);
      expect(readdirSync(disk.dir)).toEqual([]);
    } finally {
      disk.unmount();
    }
  });
});
