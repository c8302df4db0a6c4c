import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitArffList } from '../../src-main/import/arff.ts';
import { importBytes, importFile } from '../../src-main/import/index.ts';

const GOOD = join(import.meta.dirname, '..', 'fixtures', 'import', 'good');
const BAD = join(import.meta.dirname, '..', 'fixtures', 'import', 'bad');
const enc = (text: string) => new TextEncoder().encode(text);

describe('ARFF import', () => {
  it('one-hot encodes nominal features as name=value and orders the nominal class by code point, as scikit-learn sees its strings', async () => {
    const { matrix, format, options, warnings } = await importFile(join(GOOD, 'nominal.arff'));
    expect(format).toBe('arff');
    expect(warnings).toEqual([]);
    expect(matrix.featureNames).toEqual([
      'outlook=sunny',
      'outlook=overcast',
      'outlook=rainy',
      'temperature',
      'relative humidity',
      'windy=TRUE',
      'windy=FALSE',
    ]);
    // Declared {yes, no}; np.unique gives ['no', 'yes'].
    expect(matrix.classNames).toEqual(['no', 'yes']);
    // play: no, yes, yes, no, yes
    expect(Array.from(matrix.labels!)).toEqual([0, 1, 1, 0, 1]);
    const row = (i: number) => Array.from(matrix.features.subarray(i * 7, i * 7 + 7));
    expect(row(0)).toEqual([1, 0, 0, 85, 85, 0, 1]);
    expect(row(4)).toEqual([0, 1, 0, 64, 65, 1, 0]); // quoted value with spaces around
    expect(options).toEqual({ format: 'arff', label: 'play', dropMissing: false, relation: 'weather nominal' });
  });

  it('reads sparse rows (omitted numeric = 0, omitted nominal = first value) and skips string attributes', async () => {
    const { matrix, warnings } = await importFile(join(GOOD, 'sparse.arff'));
    expect(matrix.featureNames).toEqual(['x1', 'x2', 'x3']);
    expect(Array.from(matrix.features)).toEqual([1.5, 0, 0, 0, 2, -1, 3, 0, 0]);
    expect(matrix.classNames).toEqual(['neg', 'pos']);
    expect(Array.from(matrix.labels!)).toEqual([1, 0, 1]);
    expect(warnings).toEqual(['sparse.arff: skipped string/date attribute "note"']);
  });

  it('the label option picks another attribute; a nominal label feature then becomes one-hot', async () => {
    const { matrix } = await importFile(join(GOOD, 'nominal.arff'), { label: 'outlook' });
    expect(matrix.classNames).toEqual(['overcast', 'rainy', 'sunny']);
    expect(matrix.featureNames).toEqual(['temperature', 'relative humidity', 'windy=TRUE', 'windy=FALSE', 'play=yes', 'play=no']);
  });

  it('a numeric last attribute without a label name means unlabeled data', async () => {
    const text = '@relation r\n@attribute a numeric\n@attribute b numeric\n@data\n1,2\n3,4\n';
    const { matrix } = await importBytes(enc(text), 'r.arff');
    expect(matrix.labels).toBeNull();
    expect(Array.from(matrix.features)).toEqual([1, 2, 3, 4]);
  });


  it('dropMissing that leaves one row still fails with the row count', async () => {
    await expect(importFile(join(BAD, 'bad-nominal.arff'), { dropMissing: true })).rejects.toThrow(
      'bad-nominal.arff: need at least 2 data rows, found 1',
    );
  });

  it('refuses an unknown label attribute, listing the attributes', async () => {
    await expect(importFile(join(GOOD, 'nominal.arff'), { label: 'class' })).rejects.toThrow(
      'nominal.arff: the label column "class" does not exist; the columns are "outlook", "temperature", "relative humidity", "windy", "play"',
    );
  });

  it('refuses a line that is not @relation/@attribute/@data in the header', async () => {
    await expect(importBytes(enc('@relation r\nhello\n'), 'h.arff')).rejects.toThrow(
      'h.arff: line 2: expected @relation, @attribute or @data in the ARFF header, got "hello"',
    );
  });

  it('splitArffList honours both quote kinds and escapes', () => {
    expect(splitArffList(`a, 'b c' ,"d,e", 'it\\'s'`)).toEqual(['a', 'b c', 'd,e', "it's"]);
    expect(splitArffList("O'Brien, x")).toEqual(["O'Brien", 'x']);
  });
});

describe('ARFF dropMissing and label by index', () => {
  const text = [
    '@relation r',
    '@attribute a numeric',
    '@attribute kind {p, q}',
    '@attribute class {x, y}',
    '@data',
    '1, p, x',
    '?, q, y',
    '2, r, y',
    '3, q, y',
    '4, p, ?',
  ].join('\n');

  it('drops rows with ?, undeclared values and missing labels, naming their lines', async () => {
    const { matrix, droppedRows, warnings } = await importBytes(enc(text), 'd.arff', { dropMissing: true });
    expect(droppedRows).toBe(3);
    expect(Array.from(matrix.features)).toEqual([1, 1, 0, 3, 0, 1]);
    expect(Array.from(matrix.labels!)).toEqual([0, 1]);
    expect(warnings).toEqual([
      'd.arff: dropped 3 rows with a missing or non-numeric feature or a value that is not declared for its nominal attribute or a missing label (rows are 1-based line numbers in the file): row 7, row 8, row 10',
    ]);
  });

  it('the label may be an attribute index', async () => {
    const { matrix } = await importBytes(enc(text), 'd.arff', { dropMissing: true, label: 1 });
    expect(matrix.classNames).toEqual(['p', 'q']);
    expect(matrix.featureNames).toEqual(['a', 'class=x', 'class=y']);
  });
});
