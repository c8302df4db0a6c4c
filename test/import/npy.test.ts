import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importBytes, importFile } from '../../src-main/import/index.ts';
import { readNpyHeader } from '../../src-main/import/npy.ts';

// The fixtures were written by NumPy itself (test/fixtures/import/make_npy.py).
const GOOD = join(import.meta.dirname, '..', 'fixtures', 'import', 'good');
const good = (name: string) => join(GOOD, name);

describe('NumPy .npy import', () => {
  it('reads <f8 in C order; labelColumnIndex takes a column out as labels', async () => {
    const plain = await importFile(good('float64.npy'));
    expect(plain.matrix.nRows).toBe(4);
    expect(plain.matrix.featureNames).toEqual(['x0', 'x1', 'x2']);
    expect(plain.matrix.labels).toBeNull();
    const { matrix, options } = await importFile(good('float64.npy'), { labelColumnIndex: 2 });
    expect(matrix.featureNames).toEqual(['x0', 'x1']);
    expect(Array.from(matrix.features)).toEqual([5.1, 3.5, 4.9, 3.0, 6.3, 3.3, 5.8, 2.7]);
    expect(matrix.classNames).toEqual(['0', '1', '2']);
    expect(Array.from(matrix.labels!)).toEqual([0, 0, 2, 1]);
    expect(options).toMatchObject({ format: 'npy', label: 2, dtype: '<f8', fortranOrder: false, shape: [4, 3] });
  });

  it('the label option as a number or integer text works like labelColumnIndex', async () => {
    const a = await importFile(good('float64.npy'), { label: -1 });
    const b = await importFile(good('float64.npy'), { label: '2' });
    expect(Array.from(a.matrix.labels!)).toEqual([0, 0, 2, 1]);
    expect(Array.from(b.matrix.labels!)).toEqual([0, 0, 2, 1]);
  });

  it('a label name is refused: npy columns have no names', async () => {
    await expect(importFile(good('float64.npy'), { label: 'species' })).rejects.toThrow(
      'float64.npy: npy columns have no names, so the label column "species" must be a 0-based column index (or use a labels file)',
    );
  });

  it('reads big-endian float32 to the float32 values', async () => {
    const { matrix } = await importFile(good('float32-be.npy'));
    expect(Array.from(matrix.features.subarray(0, 3))).toEqual([Math.fround(5.1), 3.5, 0]);
  });

  it('reads integer dtypes <i4, <i8, |u1', async () => {
    const i4 = await importFile(good('int32.npy'), { labelColumnIndex: 2 });
    expect(Array.from(i4.matrix.features)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(i4.matrix.classNames).toEqual(['0', '1']);
    expect(Array.from((await importFile(good('int64.npy'))).matrix.features)).toEqual([1, -2, 3, 4, -5, 6]);
    expect(Array.from((await importFile(good('uint8.npy'))).matrix.features)).toEqual([0, 255, 128, 7]);
  });

  it('reads Fortran order into the same row-major matrix', async () => {
    const { matrix, options } = await importFile(good('fortran.npy'));
    expect(options['fortranOrder']).toBe(true);
    expect(Array.from(matrix.features)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reads a version 2.0 header', async () => {
    expect(readNpyHeader('v2.npy', readFileSync(good('v2.npy'))).version).toBe('2.0');
    expect(Array.from((await importFile(good('v2.npy'))).matrix.features)).toEqual([1, 2, 3, 4]);
  });

  it('reads a 3-D array as images with imageShape and pixel_R_C names', async () => {
    const { matrix } = await importFile(good('images.npy'));
    expect(matrix.imageShape).toEqual([2, 3]);
    expect(matrix.featureNames).toEqual(['pixel_0_0', 'pixel_0_1', 'pixel_0_2', 'pixel_1_0', 'pixel_1_1', 'pixel_1_2']);
    expect(Array.from(matrix.features)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('takes labels from a sibling .npy (numbers or strings) or .txt file (header line skipped)', async () => {
    const numeric = await importFile(good('features.npy'), { labelsFile: 'labels.npy' });
    expect(numeric.matrix.classNames).toEqual(['0', '1']);
    expect(Array.from(numeric.matrix.labels!)).toEqual([1, 0, 1]);
    expect(numeric.options['labelsFile']).toBe('labels.npy');
    const strings = await importFile(good('features.npy'), { labelsFile: 'labels-str.npy' });
    expect(strings.matrix.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(strings.matrix.labels!)).toEqual([0, 1, 0]);
    const text = await importFile(good('features.npy'), { labelsFile: good('labels.txt') });
    expect(text.matrix.classNames).toEqual(['setosa', 'versicolor']);
    expect(Array.from(text.matrix.labels!)).toEqual([0, 1, 0]);
  });


  it('importBytes reads npy bytes the same as importFile', async () => {
    const bytes = readFileSync(good('fortran.npy'));
    const fromBytes = await importBytes(new Uint8Array(bytes), 'upload.npy');
    const fromFile = await importFile(good('fortran.npy'));
    expect(fromBytes.matrix).toEqual(fromFile.matrix);
    expect(fromBytes.sourceSha256).toBe(fromFile.sourceSha256);
  });

  it('a label column index out of range names the column count', async () => {
    await expect(importFile(good('float64.npy'), { labelColumnIndex: 3 })).rejects.toThrow(
      'float64.npy: label column index 3 is out of range: the array has 3 columns (indexes 0 to 2)',
    );
  });
});

describe('npy written by the exporter', () => {
  it('round-trips shared/export writeNpy bit-exactly', async () => {
    const { writeNpy } = await import('../../shared/export/npy.ts');
    const values = [0.1, -2.5e-300, 3, 1 / 3, 5e10, -0];
    const { matrix } = await importBytes(writeNpy(values, [3, 2]), 'm.npy');
    expect(Array.from(matrix.features)).toEqual(values);
    expect(Object.is(matrix.features[5], -0)).toBe(true);
  });

  it('dropMissing drops rows with NaN or infinity and names them by 0-based index', async () => {
    const { writeNpy } = await import('../../shared/export/npy.ts');
    const bytes = writeNpy([1, 2, NaN, 3, 4, Infinity, 5, 6], [4, 2]);
    const { matrix, warnings, droppedRows } = await importBytes(bytes, 'gaps.npy', { dropMissing: true });
    expect(droppedRows).toBe(2);
    expect(Array.from(matrix.features)).toEqual([1, 2, 5, 6]);
    expect(warnings).toEqual([
      'gaps.npy: dropped 2 rows with a missing or non-numeric feature or a non-finite feature value (infinite or beyond the float64 range) (rows are 0-based array indices): row 1, row 2',
    ]);
  });
});
