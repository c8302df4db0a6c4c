import { describe, expect, it } from 'vitest';
import { ImportError } from '../../shared/errors.ts';
import { importBytes, previewBytes } from '../../src-main/import/index.ts';

const enc = (text: string) => new TextEncoder().encode(text);

/** A CSV of n rows: two features and a numeric column `price` with n distinct values. */
function prices(n: number): string {
  const rows = Array.from({ length: n }, (_, i) => `${i % 7},${(i * 3) % 11},${(100 + 2.5 * i).toFixed(1)}`);
  return ['a,b,price', ...rows].join('\n') + '\n';
}

describe('a numeric target column (regression)', () => {
  it('imports the column as Float64 targets, not classes, and leaves it out of the features', async () => {
    const parsed = await importBytes(enc(prices(30)), 'prices.csv', { target: 'price' });
    expect(parsed.matrix.labels).toBeNull();
    expect(parsed.matrix.classNames).toEqual([]);
    expect(parsed.matrix.featureNames).toEqual(['a', 'b']);
    expect(Array.from(parsed.matrix.targets!.slice(0, 3))).toEqual([100, 102.5, 105]);
    expect(parsed.targetName).toBe('price');
    expect(parsed.options).toMatchObject({ label: null, target: 'price' });
  });

  it('by 0-based index too, and decimal commas in ;-separated files', async () => {
    const parsed = await importBytes(enc('a;b;y\n1;2;3,5\n4;5;6,25\n'), 'semi.csv', { target: 2 });
    expect(Array.from(parsed.matrix.targets!)).toEqual([3.5, 6.25]);
  });

  it('refuses a non-numeric or missing target naming the rows and the column', async () => {
    const text = 'a,b,y\n1,2,3\n4,5,?\n7,8,x9\n';
    await expect(importBytes(enc(text), 'bad.csv', { target: 'y' })).rejects.toThrow(ImportError);
    await expect(importBytes(enc(text), 'bad.csv', { target: 'y' })).rejects.toThrow(
      'bad.csv: 2 rows have a missing or non-numeric target (use --drop-missing to skip them; rows are 1-based line numbers in the file): row 3, column "y": "?"; row 4, column "y": "x9"',
    );
    // --drop-missing skips those rows instead.
    const kept = await importBytes(enc(text + '1,1,1\n'), 'bad.csv', { target: 'y', dropMissing: true });
    expect(Array.from(kept.matrix.targets!)).toEqual([3, 1]);
  });

  it('is read from CSV/TSV only, and not together with a label column', async () => {
    await expect(importBytes(enc('@relation r\n@attribute a numeric\n@data\n1\n'), 'r.arff', { target: 'a' })).rejects.toThrow(
      'r.arff: a regression target column is read from CSV/TSV files only; this file is arff',
    );
    await expect(importBytes(enc(prices(5)), 'p.csv', { target: 'price', label: 'a' })).rejects.toThrow(
      'p.csv: give a label column (classification) or a target column (regression), not both',
    );
  });
});

describe('the import preview and regression targets', () => {
  it('suggests the target when a numeric label column has more than 20 distinct values, with the reason', async () => {
    const preview = await previewBytes(enc(prices(30)), 'prices.csv', { label: 'price' });
    expect(preview.labelColumn).toBe('price');
    expect(preview.numericColumns).toEqual(['a', 'b', 'price']);
    expect(preview.targetSuggestion).toEqual({
      column: 'price',
      reason: "'price' is numeric with 30 distinct values in the first 30 rows (more than 20): likely a quantity to predict, not 30 classes.",
    });
  });

  it('does not suggest it for 20 distinct values or fewer, or for a text label', async () => {
    expect((await previewBytes(enc(prices(20)), 'p.csv', { label: 'price' })).targetSuggestion).toBeNull();
    const text = ['a,kind', ...Array.from({ length: 30 }, (_, i) => `${i},k${i}`)].join('\n');
    const preview = await previewBytes(enc(text), 't.csv', { label: 'kind' });
    expect(preview.targetSuggestion).toBeNull();
    expect(preview.numericColumns).toEqual(['a']);
  });

  it('with a target chosen: the target column, no label, no classes', async () => {
    const preview = await previewBytes(enc(prices(30)), 'prices.csv', { target: 'price' });
    expect(preview).toMatchObject({ labelColumn: null, targetColumn: 'price', classes: [], featureCount: 2, targetSuggestion: null });
  });
});
