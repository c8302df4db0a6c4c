import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../../shared/errors.ts';
import { formatFromContent, formatFromFileName, importBytes, importFile, previewFile } from '../../src-main/import/index.ts';
import { IdxDecoder } from '../../src-main/import/idx.ts';
import { gzip, IDX_TYPE, idxBytes, IMAGES, LABELS } from './idx-fixtures.ts';

let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'idx-test-'));
  const images = idxBytes(IDX_TYPE.ubyte, [5, 3, 2], IMAGES);
  const labels = idxBytes(IDX_TYPE.ubyte, [5], LABELS);
  writeFileSync(at('train-images-idx3-ubyte'), images);
  writeFileSync(at('train-labels-idx1-ubyte'), labels);
  writeFileSync(at('train-images-idx3-ubyte.gz'), gzip(images));
  writeFileSync(at('train-labels-idx1-ubyte.gz'), gzip(labels));
  writeFileSync(at('images.bin'), images); // no telling extension: found by its magic
  writeFileSync(at('images.bin.gz'), gzip(images));
  writeFileSync(at('labels-short.idx1-ubyte'), idxBytes(IDX_TYPE.ubyte, [4], LABELS.slice(0, 4)));
  writeFileSync(at('labels-3d.idx3-ubyte'), idxBytes(IDX_TYPE.ubyte, [5, 1, 1], LABELS).subarray(0));
  writeFileSync(at('labels.txt'), 'label\nshirt\nboot\nshirt\ncoat\nboot\n');
  writeFileSync(at('bad-magic-idx3-ubyte'), Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 1]));
  writeFileSync(at('bad-type-idx3-ubyte'), Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 1, 9]));
  writeFileSync(at('empty-idx3-ubyte'), new Uint8Array(0));
  writeFileSync(at('short-header-idx3-ubyte'), images.subarray(0, 10));
  writeFileSync(at('truncated-idx3-ubyte'), images.subarray(0, images.length - 7));
  writeFileSync(at('truncated-idx3-ubyte.gz'), gzip(images).subarray(0, 30));
  writeFileSync(at('extra-idx3-ubyte'), Uint8Array.from([...images, 1, 2, 3]));
  writeFileSync(at('vector-idx1-ubyte'), labels);
  writeFileSync(at('four-d-idx4-ubyte'), idxBytes(IDX_TYPE.ubyte, [1, 2, 2, 1], [1, 2, 3, 4]));
  writeFileSync(at('corrupt-idx3-ubyte.gz'), Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]));
  writeFileSync(at('notidx.csv.gz'), gzip(new TextEncoder().encode('a,b\n1,2\n3,4\n')));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('IDX import', () => {
  it('reads 3-D ubyte images flattened row-major, with imageShape and pixel_R_C names, labels from an IDX file', async () => {
    const { matrix, format, options } = await importFile(at('train-images-idx3-ubyte'), { labelsFile: 'train-labels-idx1-ubyte' });
    expect(format).toBe('idx');
    expect(matrix.nRows).toBe(5);
    expect(matrix.nFeatures).toBe(6);
    expect(matrix.imageShape).toEqual([3, 2]);
    expect(matrix.featureNames).toEqual(['pixel_0_0', 'pixel_0_1', 'pixel_1_0', 'pixel_1_1', 'pixel_2_0', 'pixel_2_1']);
    expect(Array.from(matrix.features)).toEqual(IMAGES);
    expect(matrix.classNames).toEqual(['0', '1', '3']);
    expect(Array.from(matrix.labels!)).toEqual([2, 1, 2, 0, 1]);
    expect(options).toEqual({
      format: 'idx',
      labelsFile: 'train-labels-idx1-ubyte',
      dropMissing: false,
      dtype: 'ubyte',
      dims: [5, 3, 2],
      gzip: false,
    });
  });

  it('reads .gz images and labels to the same dataset, and hashes the compressed bytes as stored', async () => {
    const raw = await importFile(at('train-images-idx3-ubyte'), { labelsFile: 'train-labels-idx1-ubyte' });
    const gz = await importFile(at('train-images-idx3-ubyte.gz'), { labelsFile: 'train-labels-idx1-ubyte.gz' });
    expect(Array.from(gz.matrix.features)).toEqual(Array.from(raw.matrix.features));
    expect(Array.from(gz.matrix.labels!)).toEqual(Array.from(raw.matrix.labels!));
    expect(gz.options['gzip']).toBe(true);
    expect(gz.sourceSha256).not.toBe(raw.sourceSha256);
  });

  it('is found by the MNIST file names, by .idx extensions and by its magic number (raw or gzip)', async () => {
    expect(formatFromFileName('train-images-idx3-ubyte')).toBe('idx');
    expect(formatFromFileName('t10k-labels-idx1-ubyte.gz')).toBe('idx');
    expect(formatFromFileName('emnist-letters.idx3-ubyte')).toBe('idx');
    expect(formatFromFileName('x.idx')).toBe('idx');
    expect(formatFromFileName('data.csv.gz')).toBeNull();
    expect(formatFromFileName('idx.csv')).toBe('csv');
    expect((await importFile(at('images.bin'))).format).toBe('idx');
    expect((await importFile(at('images.bin.gz'))).matrix.imageShape).toEqual([3, 2]);
    expect(formatFromContent(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1]))).toBe('idx');
    expect(formatFromContent(new TextEncoder().encode('a,b\n1,2\n'))).toBe('csv');
  });

  it('takes text labels (one per line) beside IDX images', async () => {
    const { matrix } = await importFile(at('train-images-idx3-ubyte.gz'), { labelsFile: at('labels.txt') });
    expect(matrix.classNames).toEqual(['boot', 'coat', 'shirt']);
    expect(Array.from(matrix.labels!)).toEqual([2, 0, 2, 1, 0]);
  });

  it('reads every element type big-endian: byte, short, int, float, double; and 2-D (rows, features)', async () => {
    const values = [-3, 7, 1000, -20000, 5, 0];
    const cases: Array<[number, number[]]> = [
      [IDX_TYPE.byte, [-3, 7, 100, -128, 5, 0]],
      [IDX_TYPE.short, values],
      [IDX_TYPE.int, [-3, 7, 1000, -2_000_000_000, 5, 0]],
      [IDX_TYPE.float, [0.5, -1.25, 3.1, 1e-3, 5, 0]],
      [IDX_TYPE.double, [0.1, -1e300, 3.141592653589793, 2, 5, 0]],
    ];
    for (const [type, v] of cases) {
      const { matrix } = await importBytes(idxBytes(type, [2, 3], v), 'x.idx');
      expect(matrix.imageShape).toBeNull();
      expect(matrix.featureNames).toEqual(['x0', 'x1', 'x2']);
      expect(Array.from(matrix.features)).toEqual(type === IDX_TYPE.float ? v.map(Math.fround) : v);
    }
  });

  it('decodes the same values whatever the size of the pieces it is fed (elements split across pieces)', () => {
    const v = [0.1, -2, 3.5, 1e10, -7.25, 0];
    const bytes = idxBytes(IDX_TYPE.double, [3, 2], v);
    for (const step of [1, 3, 5, 7, 13, bytes.length]) {
      const decoder = new IdxDecoder('x.idx');
      for (let k = 0; k < bytes.length; k += step) decoder.push(bytes.subarray(k, k + step));
      const { header, values } = decoder.finish();
      expect(header.dims).toEqual([3, 2]);
      expect(Array.from(values)).toEqual(v);
    }
  });

  it('previews the first rows with the label column from the labels file', async () => {
    const preview = await previewFile(at('train-images-idx3-ubyte.gz'), { labelsFile: 'train-labels-idx1-ubyte.gz' }, 2);
    expect(preview.format).toBe('idx');
    expect(preview.featureCount).toBe(6);
    expect(preview.totalRows).toBe(5);
    expect(preview.rows).toEqual([
      ['0', '1', '2', '3', '4', '5', '3'],
      ['10', '11', '12', '13', '14', '15', '1'],
    ]);
    expect(preview.classes).toEqual(['0', '1', '3']);
  });
});

/** Every malformed IDX file with the exact message it is refused with. */
const BAD: Array<[file: string, message: string, labelsFile?: string]> = [
  [
    'bad-magic-idx3-ubyte',
    'bad-magic-idx3-ubyte: not an IDX file (bad magic number 0x50 0x4B 0x03 0x04: an IDX file starts with 0x00 0x00, a type byte and the number of dimensions)',
  ],
  [
    'bad-type-idx3-ubyte',
    'bad-type-idx3-ubyte: IDX type byte 0x07 is not one of 0x08 (ubyte), 0x09 (byte), 0x0B (short), 0x0C (int), 0x0D (float), 0x0E (double)',
  ],
  ['empty-idx3-ubyte', 'empty-idx3-ubyte: the file is empty'],
  [
    'short-header-idx3-ubyte',
    'short-header-idx3-ubyte: the IDX header is truncated: 3 dimensions need 16 header bytes, the file has 10',
  ],
  ['truncated-idx3-ubyte', 'truncated-idx3-ubyte: the data is truncated: dimensions 5×3×2 ubyte need 30 data bytes, the file has 23'],
  ['truncated-idx3-ubyte.gz', 'truncated-idx3-ubyte.gz: the gzip data is truncated (the compressed stream ends early)'],
  [
    'extra-idx3-ubyte',
    'extra-idx3-ubyte: the file holds more than its header declares: dimensions 5×3×2 ubyte need 30 data bytes, found at least 33 (reading stopped there); is the header right?',
  ],
  [
    'vector-idx1-ubyte',
    'vector-idx1-ubyte: the IDX array has 1 dimension (5); expected 2 (rows, features), or 3 (rows, height, width) for images ' +
      '(a 1-D IDX file holds labels: give it with --labels-file beside the images file)',
  ],
  [
    'four-d-idx4-ubyte',
    'four-d-idx4-ubyte: the IDX array has 4 dimensions (1×2×2×1); expected 2 (rows, features), or 3 (rows, height, width) for images',
  ],
  ['train-images-idx3-ubyte', 'labels-short.idx1-ubyte: has 4 labels but train-images-idx3-ubyte has 5 rows', 'labels-short.idx1-ubyte'],
  [
    'train-images-idx3-ubyte',
    'labels-3d.idx3-ubyte: labels must be a 1-D IDX array (or one column), got dimensions 5×1×1',
    'labels-3d.idx3-ubyte',
  ],
  ['notidx.csv.gz', 'notidx.csv.gz: gzip-compressed files are read only for IDX (MNIST) data; decompress it first'],
];

describe('malformed IDX files are refused with a message naming the file', () => {
  it.each(BAD)('%s', async (file, message, labelsFile) => {
    const refused = importFile(at(file), labelsFile ? { labelsFile } : {});
    await expect(refused).rejects.toThrow(ImportError);
    await expect(refused).rejects.toThrow(message);
    await expect(importFile(at(file), labelsFile ? { labelsFile } : {})).rejects.toSatisfy(
      (e: Error) => e.message === message,
    );
  });

  it('a corrupt gzip stream names the file', async () => {
    await expect(importFile(at('corrupt-idx3-ubyte.gz'))).rejects.toThrow(/^corrupt-idx3-ubyte\.gz: the gzip data is corrupt \(/);
  });

  it('a label column option is refused: IDX has no columns to take labels from', async () => {
    await expect(importFile(at('train-images-idx3-ubyte'), { label: 0 })).rejects.toThrow(
      'train-images-idx3-ubyte: IDX files hold no label column; give the labels as a 1-D IDX file with --labels-file',
    );
  });
});
