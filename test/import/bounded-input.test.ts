import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../../shared/errors.ts';
import { decodeIdx, checkDataDims } from '../../src-main/import/idx.ts';
import { importFile, previewFile } from '../../src-main/import/index.ts';
import { IDX_TYPE, idxBytes, IMAGES } from './idx-fixtures.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bounded-input-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gzip input bounded by the IDX header', () => {
  // A 5×3×2 image file followed by 64 MiB of zeros, compressed (about 64 KiB): a small gzip bomb.
  const images = idxBytes(IDX_TYPE.ubyte, [5, 3, 2], IMAGES);
  const zeros = new Uint8Array(64 * 1024 * 1024);
  const bomb = gzipSync(Buffer.concat([images, zeros]), { level: 9 });

  it('stops inflating at the first byte past the declared data, having read a few KiB of the compressed stream', async () => {
    let pulled = 0;
    async function* pieces() {
      for (let at = 0; at < bomb.length; at += 4096) {
        const piece = bomb.subarray(at, at + 4096);
        pulled += piece.length;
        yield piece;
      }
    }
    const refused = decodeIdx('bomb-idx3-ubyte.gz', pieces(), (h) => checkDataDims('bomb-idx3-ubyte.gz', h));
    await expect(refused).rejects.toThrow(ImportError);
    await expect(refused).rejects.toThrow(
      /^bomb-idx3-ubyte\.gz: the file holds more than its header declares: dimensions 5×3×2 ubyte need 30 data bytes, found at least \d+ \(reading stopped there\)/,
    );
    expect(bomb.length).toBeGreaterThan(60_000);
    expect(pulled).toBeLessThanOrEqual(2 * 4096);
  });

  it('refuses a header that declares more values than a dataset may hold, naming the limit, before reading the data', async () => {
    const header = idxBytes(IDX_TYPE.ubyte, [700_000, 28, 28], []);
    async function* once() {
      yield gzipSync(header);
    }
    await expect(decodeIdx('huge-idx3-ubyte.gz', once())).rejects.toThrow(
      'huge-idx3-ubyte.gz: the IDX dimensions 700000×28×28 hold 548,800,000 values; a dataset holds at most 536,870,912 feature values (4 GiB as float64)',
    );
  });
});

describe('non-regular files', () => {
  it('refuses a named pipe with no writer at once, naming it (import and preview)', async () => {
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const message = `${fifo}: not a regular file (it is a named pipe (FIFO)); import a file saved on disk`;
    await expect(importFile(fifo)).rejects.toThrow(message);
    await expect(previewFile(fifo)).rejects.toThrow(message);
  });

  it('refuses a character device', async () => {
    await expect(importFile('/dev/zero', { format: 'csv' })).rejects.toThrow('/dev/zero: not a regular file (it is a character device)');
  });
});
