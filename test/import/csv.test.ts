import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectHeader, sniffDelimiter } from '../../src-main/import/csv.ts';
import { importBytes, importFile } from '../../src-main/import/index.ts';

const GOOD = join(import.meta.dirname, '..', 'fixtures', 'import', 'good');
const BAD = join(import.meta.dirname, '..', 'fixtures', 'import', 'bad');
const good = (name: string) => join(GOOD, name);
const enc = (text: string) => new TextEncoder().encode(text);

describe('CSV/TSV import of tricky but valid files', () => {
  it('strips a UTF-8 byte-order mark (the first column name is clean) and takes the text last column as labels', async () => {
    const { matrix, options } = await importFile(good('bom.csv'));
    expect(matrix.featureNames).toEqual(['sepal_length', 'sepal_width']);
    expect(matrix.classNames).toEqual(['setosa', 'virginica']);
    expect(Array.from(matrix.labels!)).toEqual([0, 0, 1, 1]);
    expect(Array.from(matrix.features)).toEqual([5.1, 3.5, 4.9, 3.0, 6.3, 3.3, 5.8, 2.7]);
    expect(options).toEqual({ format: 'csv', delimiter: ',', header: true, label: 'species', dropMissing: false });
  });

  it('sniffs a ; delimiter and reads decimal commas', async () => {
    const { matrix, options } = await importFile(good('semicolon.csv'));
    expect(options['delimiter']).toBe(';');
    expect(options['decimalComma']).toBe(true);
    expect(matrix.featureNames).toEqual(['height', 'weight']);
    expect(Array.from(matrix.features)).toEqual([1.5, 60.2, 1.7, 72.8, 1.62, 55]);
    expect(matrix.classNames).toEqual(['a', 'b']);
  });

  it('keeps delimiters and doubled quotes inside quoted fields', async () => {
    const { matrix } = await importFile(good('quoted.csv'));
    expect(matrix.classNames).toEqual(['Smith, J.', 'say "hi"']);
    expect(Array.from(matrix.labels!)).toEqual([0, 1, 0]);
    expect(Array.from(matrix.features)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads CRLF line endings (no \\r left in the last column)', async () => {
    const { matrix } = await importFile(good('crlf.csv'));
    expect(matrix.classNames).toEqual(['no', 'yes']);
    expect(Array.from(matrix.labels!)).toEqual([1, 0, 1]);
  });

  it('detects a missing header: columns x0…, label by index', async () => {
    const { matrix, options } = await importFile(good('no-header.csv'));
    expect(options['header']).toBe(false);
    expect(options['label']).toBe(3);
    expect(matrix.nRows).toBe(4);
    expect(matrix.featureNames).toEqual(['x0', 'x1', 'x2']);
    expect(matrix.classNames).toEqual(['setosa', 'versicolor']);
  });

  it('reads TSV by extension with the label column named target', async () => {
    const { matrix, format, options } = await importFile(good('tabs.tsv'));
    expect(format).toBe('tsv');
    expect(options['delimiter']).toBe('\t');
    expect(matrix.featureNames).toEqual(['f1', 'f2', 'f3']);
    expect(matrix.classNames).toEqual(['0', '1']);
    expect(Array.from(matrix.features.subarray(0, 3))).toEqual([0.5, 1.5, 2]);
  });

  it('leaves all-numeric data without a label column unlabeled', async () => {
    const { matrix, options } = await importFile(good('unlabeled.csv'));
    expect(matrix.labels).toBeNull();
    expect(matrix.classNames).toEqual([]);
    expect(matrix.nFeatures).toBe(3);
    expect(options['label']).toBeNull();
  });

  it('finds a column named Class (any case) anywhere, not only last', async () => {
    const { matrix } = await importFile(good('class-middle.csv'));
    expect(matrix.featureNames).toEqual(['a', 'b']);
    expect(Array.from(matrix.features)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(matrix.classNames).toEqual(['x', 'y']);
  });

  it('orders numeric labels numerically (1, 2, 10), not as text', async () => {
    const { matrix } = await importFile(good('numeric-labels.csv'));
    expect(matrix.classNames).toEqual(['1', '2', '10']);
    expect(Array.from(matrix.labels!)).toEqual([2, 1, 0, 1, 2]);
  });

  it('sniffs | in a .txt file and a space-separated .txt (runs of spaces are one delimiter)', async () => {
    const pipe = await importFile(good('pipe.txt'));
    expect(pipe.options['delimiter']).toBe('|');
    expect(Array.from(pipe.matrix.features)).toEqual([1, 2, 3, 4, 5, 6]);
    const spaces = await importFile(good('whitespace.txt'));
    expect(spaces.options['delimiter']).toBe(' ');
    expect(Array.from(spaces.matrix.features)).toEqual([1, 2, 0, 3, 4, 1, 5, 6, 1]);
    expect(spaces.matrix.labels).toBeNull();
  });

  it('ignores a trailing delimiter at the end of rows', async () => {
    const { matrix } = await importFile(good('trailing-delimiter.csv'));
    expect(matrix.nFeatures).toBe(3);
    expect(Array.from(matrix.features)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names an unnamed header column (a pandas index) after its index, with a warning; y is a label name', async () => {
    const { matrix, warnings } = await importFile(good('unnamed-index.csv'));
    expect(matrix.featureNames).toEqual(['x0', 'x']);
    expect(matrix.classNames).toEqual(['2', '3', '5']);
    expect(warnings).toEqual(['unnamed-index.csv: a column has no name in the header; named "x0" after its 0-based index']);
  });

  it('warns about constant features and a single class', async () => {
    expect((await importFile(good('constant.csv'))).warnings).toEqual([
      'constant.csv: 1 feature is constant (the same value in every row): "b"',
    ]);
    expect((await importFile(good('single-class.csv'))).warnings).toEqual([
      'single-class.csv: the label column "label" has a single class ("only"); classification scores need at least 2 classes, but pair constraints can still be used',
    ]);
  });

  it('sets imageShape for pixel0…pixel15 (a perfect square)', async () => {
    const { matrix } = await importFile(good('pixels.csv'));
    expect(matrix.imageShape).toEqual([4, 4]);
    expect(matrix.nFeatures).toBe(16);
  });
});

describe('CSV options', () => {
  it('label by name, by index, by index text and null', async () => {
    const byName = await importFile(good('unlabeled.csv'), { label: 'v' });
    expect(byName.matrix.featureNames).toEqual(['u', 'w']);
    expect(byName.matrix.classNames).toEqual(['2', '5', '8']);
    const byIndex = await importFile(good('unlabeled.csv'), { label: 0 });
    expect(byIndex.matrix.featureNames).toEqual(['v', 'w']);
    const fromEnd = await importFile(good('unlabeled.csv'), { label: -1 });
    expect(fromEnd.matrix.featureNames).toEqual(['u', 'v']);
    const byText = await importFile(good('unlabeled.csv'), { label: '1' });
    expect(byText.matrix.featureNames).toEqual(['u', 'w']);
    const none = await importFile(good('tabs.tsv'), { label: null });
    expect(none.matrix.labels).toBeNull();
    expect(none.matrix.featureNames).toEqual(['f1', 'f2', 'f3', 'target']);
  });

  it('a label name matches case-insensitively when unique', async () => {
    const { matrix } = await importFile(good('crlf.csv'), { label: 'CLASS' });
    expect(matrix.classNames).toEqual(['no', 'yes']);
  });

  it('header: false reads the first row as data; header: true as names', async () => {
    const noHeader = await importBytes(enc('1,2\n3,4\n5,6\n'), 'a.csv', { header: true });
    expect(noHeader.matrix.featureNames).toEqual(['1', '2']);
    expect(noHeader.matrix.nRows).toBe(2);
    const asData = await importBytes(enc('1,2\n3,4\n'), 'a.csv', { header: false });
    expect(asData.matrix.nRows).toBe(2);
  });

  it('dropMissing drops the bad rows with a warning that counts them and names the rows', async () => {
    const { matrix, droppedRows, warnings } = await importFile(join(BAD, 'missing-values.csv'), { dropMissing: true });
    expect(droppedRows).toBe(3);
    expect(matrix.nRows).toBe(3);
    expect(Array.from(matrix.features)).toEqual([5.1, 3.5, 0.2, 4.9, 3.0, 0.2, 6.0, 2.2, 1.5]);
    expect(matrix.classNames).toEqual(['setosa', 'versicolor']);
    expect(warnings).toEqual([
      'missing-values.csv: dropped 3 rows with a missing or non-numeric feature (rows are 1-based line numbers in the file): row 4, row 5, row 6',
    ]);
  });

  it('dropMissing that leaves fewer than 2 rows is an error saying so', async () => {
    await expect(importBytes(enc('a,b,c\n1,x,1\n2,3,4\n'), 'few.csv', { dropMissing: true })).rejects.toThrow(
      'few.csv: need at least 2 data rows, found 1 after dropping 1 row with missing values',
    );
  });

  it('an explicit delimiter overrides sniffing', async () => {
    const { matrix } = await importBytes(enc('a;b,c\n1;2,3\n4;5,6\n'), 'x.csv', { delimiter: ',', label: 'a;b' });
    expect(matrix.featureNames).toEqual(['c']);
    expect(matrix.classNames).toEqual(['1;2', '4;5']);
  });

  it('refuses hexadecimal and other non-decimal numbers that Number() would accept', async () => {
    await expect(importBytes(enc('a,b,c\n1,0x10,1\n2,3,4\n'), 'hex.csv')).rejects.toThrow(
      'hex.csv: 1 row has a missing or non-numeric feature (use --drop-missing to skip them; rows are 1-based line numbers in the file): row 2, column "b": "0x10"',
    );
  });

  it('lists at most five offenders, then …', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => `${i},?`).join('\n');
    await expect(importBytes(enc(`a,b\n${rows}\n`), 'many.csv')).rejects.toThrow(
      'many.csv: 8 rows have a missing or non-numeric feature (use --drop-missing to skip them; rows are 1-based line numbers in the file): ' +
        'row 2, column "b": "?"; row 3, column "b": "?"; row 4, column "b": "?"; row 5, column "b": "?"; row 6, column "b": "?"; …',
    );
  });
});

describe('sniffing helpers', () => {
  it('sniffDelimiter picks the consistent delimiter', () => {
    expect(sniffDelimiter('a,b,c\n1,2,3\n')).toBe(',');
    expect(sniffDelimiter('a;b;c\n1,5;2;3\n')).toBe(';');
    expect(sniffDelimiter('a\tb\n1,5\t2\n')).toBe('\t');
    expect(sniffDelimiter('"x;y",b\n"1;2",3\n')).toBe(',');
    expect(sniffDelimiter('single\n1\n2\n')).toBe(',');
  });

  it('detectHeader: text over numbers is a header; NA/? in the first row is not', () => {
    expect(detectHeader([['a', 'b'], ['1', '2']])).toBe(true);
    expect(detectHeader([['1', '2'], ['3', '4']])).toBe(false);
    expect(detectHeader([['1', 'NA'], ['3', '4']])).toBe(false);
    expect(detectHeader([['1', 'x'], ['3', 'y']])).toBe(false);
    expect(detectHeader([['a', 'label'], ['1', 'x']])).toBe(true);
  });
});
