import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileRegistry, safeFileName, type FileRegistry } from '../../src-main/services/uploads.ts';

let registry: FileRegistry | undefined;
afterEach(async () => {
  await registry?.close();
});

describe('file registry', () => {
  it('keeps only a safe base name', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\me\\data set.csv')).toBe('data set.csv');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('a;rm -rf$.csv')).toBe('a_rm -rf_.csv');
    expect(safeFileName('..')).toBe('upload');
  });

  it('stores uploads under opaque ids, resolves them, and deletes them on close', async () => {
    registry = createFileRegistry();
    const ref = await registry.storeStream('../x.csv', Readable.from([Buffer.from('a,b\n'), Buffer.from('1,2\n')]));
    expect(ref).toEqual({ fileId: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'x.csv', size: 8 });
    const file = registry.resolve(ref.fileId);
    expect(readFileSync(file.path, 'utf8')).toBe('a,b\n1,2\n');
    expect(() => registry!.resolve('0123')).toThrow("Unknown file id '0123': upload or choose the file again.");
    await registry.close();
    expect(existsSync(file.path)).toBe(false);
    expect(() => registry!.resolve(ref.fileId)).toThrow("Unknown file id");
  });

  it('refuses an upload over the limit and keeps nothing of it', async () => {
    registry = createFileRegistry();
    await expect(registry.storeStream('big.csv', Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 1000)).rejects.toThrow(
      "Upload 'big.csv' is larger than the limit of 1000 bytes.",
    );
  });
});
