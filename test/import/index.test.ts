import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportError } from '../../shared/errors.ts';
import {
  formatFromContent,
  formatFromFileName,
  importBytes,
  importFile,
  previewBytes,
  previewFile,
} from '../../src-main/import/index.ts';

const GOOD = join(import.meta.dirname, '..', 'fixtures', 'import', 'good');
const SAMPLES = join(import.meta.dirname, '..', '..', 'src-main', 'samples', 'data');
const enc = (text: string) => new TextEncoder().encode(text);
const tmp = mkdtempSync(join(tmpdir(), 'wb-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('format detection', () => {
  it('maps extensions to formats; .txt and unknown ones are sniffed', () => {
    expect(formatFromFileName('a.CSV')).toBe('csv');
    expect(formatFromFileName('a.tsv')).toBe('tsv');
    expect(formatFromFileName('a.arff')).toBe('arff');
    expect(formatFromFileName('a.svm')).toBe('libsvm');
    expect(formatFromFileName('a.libsvm')).toBe('libsvm');
    expect(formatFromFileName('a.svmlight')).toBe('libsvm');
    expect(formatFromFileName('a.npy')).toBe('npy');
    expect(formatFromFileName('a.txt')).toBeNull();
    expect(formatFromFileName('README')).toBeNull();
  });

  it('sniffs content: npy magic, ARFF header, LIBSVM lines, else CSV', () => {
    expect(formatFromContent(readFileSync(join(GOOD, 'float64.npy')))).toBe('npy');
    expect(formatFromContent(enc('% comment\n@RELATION x\n'))).toBe('arff');
    expect(formatFromContent(enc('+1 1:0.5 7:2\n'))).toBe('libsvm');
    expect(formatFromContent(enc('a,b\n1,2\n'))).toBe('csv');
  });

  it('the format option overrides the extension; an unknown one is refused', async () => {
    const { format, matrix } = await importBytes(enc('a\tb\n1\t2\n3\t4\n'), 'x.csv', { format: 'tsv' });
    expect(format).toBe('tsv');
    expect(matrix.featureNames).toEqual(['a', 'b']);
    await expect(importBytes(enc('1,2'), 'x.csv', { format: 'xlsx' as never })).rejects.toThrow(
      new ImportError('x.csv: unknown format "xlsx"; use one of csv, tsv, arff, libsvm, npy, idx'),
    );
  });
});

describe('importFile and importBytes', () => {
  it('give the same dataset; sourceSha256 is the sha256 of the bytes and sourceFile the base name', async () => {
    const path = join(SAMPLES, 'wine.csv');
    const bytes = readFileSync(path);
    const fromFile = await importFile(path);
    const fromBytes = await importBytes(new Uint8Array(bytes), 'C:\\Users\\me\\wine.csv');
    // The file on disk has a manifest.json beside it that names the classes; uploaded bytes do not.
    expect(fromFile.matrix.classNames).toEqual(['class_0', 'class_1', 'class_2']);
    expect(fromFile.options['classNamesFrom']).toBe('manifest.json');
    expect(fromBytes.matrix.classNames).toEqual(['0', '1', '2']);
    expect(fromBytes.matrix).toEqual({ ...fromFile.matrix, classNames: ['0', '1', '2'] });
    expect(fromFile.sourceFile).toBe('wine.csv');
    expect(fromBytes.sourceFile).toBe('wine.csv');
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(fromFile.sourceSha256).toBe(expected);
    expect(fromBytes.sourceSha256).toBe(expected);
  });

  it('takes class names from a manifest.json beside the file only when it lists the file and the labels are 0…k−1', async () => {
    const dir = mkdtempSync(join(tmp, 'manifest-'));
    writeFileSync(join(dir, 'a.csv'), 'x,label\n1,0\n2,1\n3,1\n');
    writeFileSync(join(dir, 'b.csv'), 'x,label\n1,1\n2,2\n');
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ a: { file: 'a.csv', classes: ['cat', 'dog'], n_samples: 3 }, b: { file: 'b.csv', classes: ['p', 'q'] } }),
    );
    expect((await importFile(join(dir, 'a.csv'))).matrix.classNames).toEqual(['cat', 'dog']);
    // b's labels are 1 and 2, not the indices 0 and 1 of its two classes: left alone.
    expect((await importFile(join(dir, 'b.csv'))).matrix.classNames).toEqual(['1', '2']);
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    expect((await importFile(join(dir, 'a.csv'))).matrix.classNames).toEqual(['0', '1']);
  });

  it('streams a multi-chunk file: values, line numbers and multi-byte characters across 1 MiB chunk boundaries', async () => {
    const rows: string[] = ['x,y,label'];
    for (let i = 0; i < 130_000; i++) rows.push(`${i},${(i * 0.5).toFixed(1)},${i % 3 === 0 ? 'grün' : 'rot'}`);
    const bad = rows.length + 1; // 1-based line number of the row pushed next (rows[k] is line k + 1)
    rows.push('7,oops,rot');
    const text = `${rows.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(2 * 1024 * 1024);
    const path = join(tmp, 'big.csv');
    writeFileSync(path, text);
    await expect(importFile(path)).rejects.toThrow(`row ${bad}, column "y": "oops"`);
    const fractions: number[] = [];
    const { matrix } = await importFile(path, { dropMissing: true, onProgress: (f) => fractions.push(f) });
    expect(matrix.nRows).toBe(130_000);
    expect(matrix.classNames).toEqual(['grün', 'rot']);
    expect(matrix.features[129_999 * 2 + 1]).toBe(64_999.5);
    expect(fractions.length).toBeGreaterThan(1);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= fractions[i - 1]!))).toBe(true);
  });

  it('an error thrown by onProgress (a cancellation) aborts the import with that error, for every format', async () => {
    const stop = new Error('cancelled by the user');
    const onProgress = () => {
      throw stop;
    };
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 7},${i % 2}`).join('\n');
    const path = join(tmp, 'cancel.csv');
    writeFileSync(path, `a,b,label\n${rows}\n`);
    await expect(importFile(path, { onProgress })).rejects.toBe(stop);
    await expect(importFile(join(GOOD, 'nominal.arff'), { onProgress })).rejects.toBe(stop);
    await expect(importFile(join(GOOD, 'sparse.libsvm'), { onProgress })).rejects.toBe(stop);
    await expect(importFile(join(GOOD, 'float64.npy'), { onProgress })).rejects.toBe(stop);
  });

  it('reports progress for in-memory bytes too', async () => {
    const fractions: number[] = [];
    await importBytes(readFileSync(join(SAMPLES, 'iris.csv')), 'iris.csv', { onProgress: (f) => fractions.push(f) });
    expect(fractions.at(-1)).toBe(1);
  });

  it('imports every bundled CSV with the manifest counts', async () => {
    const manifest = JSON.parse(readFileSync(join(SAMPLES, 'manifest.json'), 'utf8')) as Record<
      string,
      { file: string; n_samples: number; n_features: number; n_classes: number; class_counts: number[] }
    >;
    for (const entry of Object.values(manifest)) {
      const { matrix } = await importFile(join(SAMPLES, entry.file));
      expect([matrix.nRows, matrix.nFeatures, matrix.classNames.length]).toEqual([
        entry.n_samples,
        entry.n_features,
        entry.n_classes,
      ]);
      const counts = new Array<number>(matrix.classNames.length).fill(0);
      for (const c of matrix.labels!) counts[c]!++;
      expect(counts).toEqual(entry.class_counts);
    }
  });
});

describe('preview', () => {
  it('CSV: format, delimiter, header, columns, first rows, label column, feature count, classes', async () => {
    const p = await previewFile(join(SAMPLES, 'iris.csv'), {}, 2);
    expect(p).toEqual({
      fileName: 'iris.csv',
      format: 'csv',
      delimiter: ',',
      header: true,
      columns: ['sepal_length_(cm)', 'sepal_width_(cm)', 'petal_length_(cm)', 'petal_width_(cm)', 'label'],
      rows: [
        ['5.1', '3.5', '1.4', '0.2', '0'],
        ['4.9', '3', '1.4', '0.2', '0'],
      ],
      labelColumn: 'label',
      featureCount: 4,
      classes: ['0', '1', '2'],
      totalRows: 150,
      warnings: [],
      targetColumn: null,
      numericColumns: ['sepal_length_(cm)', 'sepal_width_(cm)', 'petal_length_(cm)', 'petal_width_(cm)', 'label'],
      targetSuggestion: null,
    });
  });

  it('CSV without header names the label column by index', async () => {
    const p = await previewFile(join(GOOD, 'no-header.csv'));
    expect(p.header).toBe(false);
    expect(p.labelColumn).toBe(3);
    expect(p.columns).toEqual(['x0', 'x1', 'x2', 'x3']);
    expect(p.rows.length).toBe(4);
  });

  it('ARFF, LIBSVM and npy previews', async () => {
    const arff = await previewFile(join(GOOD, 'nominal.arff'), {}, 2);
    expect(arff.columns).toEqual(['outlook', 'temperature', 'relative humidity', 'windy', 'play']);
    expect(arff.rows).toEqual([
      ['sunny', '85', '85', 'FALSE', 'no'],
      ['overcast', '83', '86', 'FALSE', 'yes'],
    ]);
    expect(arff.labelColumn).toBe('play');
    expect(arff.featureCount).toBe(7);
    expect(arff.classes).toEqual(['no', 'yes']);

    const svm = await previewFile(join(GOOD, 'sparse.libsvm'), {}, 2);
    expect(svm.columns).toEqual(['label', 'x1', 'x2', 'x3', 'x4']);
    expect(svm.rows).toEqual([
      ['+1', '0.5', '0', '1.25', '0'],
      ['-1', '0', '2', '0', '-1'],
    ]);

    const npy = await previewFile(join(GOOD, 'float64.npy'), { labelColumnIndex: 2 }, 1);
    expect(npy.columns).toEqual(['x0', 'x1', 'x2']);
    expect(npy.rows).toEqual([['5.1', '3.5', '0']]);
    expect(npy.totalRows).toBe(4);
    expect(npy.classes).toEqual(['0', '1', '2']);
  });

  it('previewBytes refuses an empty upload and an unknown label column like an import', async () => {
    await expect(previewBytes(new Uint8Array(0), 'e.csv')).rejects.toThrow('e.csv: the file is empty');
    await expect(previewBytes(enc('a,b\n1,2\n'), 'l.csv', { label: 'z' })).rejects.toThrow(
      'l.csv: the label column "z" does not exist; the columns are "a", "b"',
    );
  });
});

describe('very wide rows', () => {
  it('sniffs a header longer than the first 256 KiB by reading further', async () => {
    const d = 40_000;
    const header = Array.from({ length: d }, (_, j) => `feature_number_${j}`).join(',');
    const row = (v: number) => Array.from({ length: d }, (_, j) => String((v + j) % 10)).join(',');
    const text = `${header}\n${row(0)}\n${row(1)}\n${row(2)}\n`;
    expect(header.length).toBeGreaterThan(256 * 1024);
    const { matrix } = await importBytes(enc(text), 'wide.csv');
    expect(matrix.nFeatures).toBe(d);
    expect(matrix.nRows).toBe(3);
    expect(matrix.featureNames[d - 1]).toBe(`feature_number_${d - 1}`);
    expect(matrix.features[2 * d + d - 1]).toBe((2 + d - 1) % 10);
  });
});
