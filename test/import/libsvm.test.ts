import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importBytes, importFile } from '../../src-main/import/index.ts';
import { splitLibsvmLine } from '../../src-main/import/libsvm.ts';

const GOOD = join(import.meta.dirname, '..', 'fixtures', 'import', 'good');
const BAD = join(import.meta.dirname, '..', 'fixtures', 'import', 'bad');
const enc = (text: string) => new TextEncoder().encode(text);

describe('LIBSVM / svmlight import', () => {
  it('makes sparse rows dense (1-based indices), keeps +1/-1 as class names, ignores comments and qid', async () => {
    const { matrix, format } = await importFile(join(GOOD, 'sparse.libsvm'));
    expect(format).toBe('libsvm');
    expect(matrix.featureNames).toEqual(['x1', 'x2', 'x3', 'x4']);
    // prettier-ignore
    expect(Array.from(matrix.features)).toEqual([
      0.5, 0, 1.25, 0,
      0, 2, 0, -1,
      1, 0, 0, 3,
      0, 0, 0.75, 0,
    ]);
    expect(matrix.classNames).toEqual(['-1', '+1']);
    expect(Array.from(matrix.labels!)).toEqual([1, 0, 1, 0]);
  });

  it('reads a file with index 0 as 0-based, with a warning', async () => {
    const { matrix, warnings } = await importFile(join(GOOD, 'zero-based.svm'));
    expect(matrix.featureNames).toEqual(['x0', 'x1', 'x2']);
    expect(Array.from(matrix.features)).toEqual([1.5, 0, 2, 0, 3, 0]);
    expect(warnings).toEqual(['zero-based.svm: index 0 appears, so the indices are read as 0-based']);
  });

  it('label: null ignores the labels', async () => {
    const { matrix } = await importFile(join(GOOD, 'sparse.libsvm'), { label: null });
    expect(matrix.labels).toBeNull();
  });

  it('dropMissing drops lines with bad values', async () => {
    const text = '1 1:1 2:2\n2 1:x\n1 1:3 2:4\n';
    const { matrix, droppedRows } = await importBytes(enc(text), 'd.libsvm', { dropMissing: true });
    expect(droppedRows).toBe(1);
    expect(Array.from(matrix.features)).toEqual([1, 2, 3, 4]);
  });

  it('a file of labels without any index:value has no features', async () => {
    await expect(importBytes(enc('1\n2\n'), 'l.svm')).rejects.toThrow(
      'l.svm: no row has any index:value entry, so there are no features',
    );
  });

  it('detects the format from content for an unknown extension', async () => {
    const { format } = await importBytes(enc('1 1:2 3:4\n-1 2:1\n'), 'data.dat');
    expect(format).toBe('libsvm');
  });

  it('splitLibsvmLine explains malformed lines', () => {
    expect(splitLibsvmLine('  # only a comment', 1)).toBeNull();
    expect(splitLibsvmLine('1:2 3:4', 7)).toBe('row 7 starts with "1:2" instead of a label');
    expect(splitLibsvmLine('1 a:2', 3)).toBe('row 3: "a:2" is not index:value');
    expect(splitLibsvmLine('+1 qid:4 2:1.5', 1)).toEqual({ label: '+1', entries: [[2, '1.5']] });
  });

  it('the unsorted fixture names both problems', async () => {
    await expect(importFile(join(BAD, 'unsorted.libsvm'))).rejects.toThrow('row 1: index 2 is repeated');
  });
});
