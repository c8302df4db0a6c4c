import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../shared/errors.ts';
import { importFile, type ImportOptions } from '../../src-main/import/index.ts';

const BAD = join(import.meta.dirname, '..', 'fixtures', 'import', 'bad');
const LINES = 'rows are 1-based line numbers in the file';
const DROP = `use --drop-missing to skip them; ${LINES}`;

/** Every malformed file of the corpus with the exact message it must be refused with. */
const CASES: Array<[file: string, message: string, options?: ImportOptions]> = [
  ['empty.csv', 'empty.csv: the file is empty'],
  ['blank-lines.csv', 'blank-lines.csv: the file is empty'],
  ['header-only.csv', 'header-only.csv: the file has a header row but no data rows'],
  ['one-row.csv', 'one-row.csv: need at least 2 data rows, found 1'],
  [
    'ragged.csv',
    `ragged.csv: 2 rows have the wrong number of fields (expected 3, as in the header; ${LINES}): row 3 has 2 fields; row 5 has 4 fields`,
  ],
  ['duplicate-columns.csv', 'duplicate-columns.csv: duplicate column names in the header (columns counted from 1): "a" (columns 1 and 3)'],
  [
    'missing-values.csv',
    `missing-values.csv: 3 rows have a missing or non-numeric feature (${DROP}): ` +
      'row 4, column "petal_width": "abc"; row 5, column "sepal_length": ""; row 6, column "sepal_width": "NA"',
  ],
  [
    'non-finite.csv',
    `non-finite.csv: 2 rows have a non-finite feature value (infinite or beyond the float64 range) (${DROP}): ` +
      'row 3, column "a": "inf"; row 4, column "b": "1e999"',
  ],
  ['unclosed-quote.csv', `unclosed-quote.csv: row 3: a quoted field is never closed (a " without its closing "; ${LINES})`],
  [
    'stray-quote.csv',
    `stray-quote.csv: row 2: a field has a stray " inside it (quote the whole field and write "" for a quote; ${LINES})`,
  ],
  ['missing-label.csv', `missing-label.csv: 1 row has a missing label (${DROP}): row 3, column "label": ""`],
  ['label-only.csv', 'label-only.csv: there are no feature columns besides the label column "label"'],
  // The quoted label on line 2 spans two lines, so the bad value sits on line 5 as an editor counts.
  ['newline-in-quotes.csv', `newline-in-quotes.csv: 1 row has a missing or non-numeric feature (${DROP}): row 5, column "b": "oops"`],
  ['semicolon-bad.csv', `semicolon-bad.csv: 1 row has a missing or non-numeric feature (${DROP}): row 3, column "b": "x"`],
  [
    'text-only.csv',
    `text-only.csv: 2 rows have a missing or non-numeric feature (${DROP}): row 2, column "name": "foo"; row 3, column "name": "bar"`,
  ],
  [
    'bad-nominal.arff',
    `bad-nominal.arff: 1 row has a missing or non-numeric feature (${DROP}): row 8, column "temperature": "?". ` +
      'Also, 1 row has a value that is not declared for its nominal attribute: row 7, column "outlook": "cloudy"',
  ],
  ['no-data.arff', 'no-data.arff: the ARFF header has no @data line'],
  [
    'bad-type.arff',
    'bad-type.arff: line 3: attribute type "relational" is not supported (numeric, real, integer, nominal {…}, string, date)',
  ],
  [
    'ragged.arff',
    `ragged.arff: 1 row is malformed (expected 3 values, one per @attribute; ${LINES}): row 7 has 2 values`,
  ],
  [
    'bad-token.libsvm',
    `bad-token.libsvm: 1 row is not in LIBSVM format "label index:value …" (${LINES}): row 2: "two" is not index:value`,
  ],
  [
    'bad-value.libsvm',
    `bad-value.libsvm: 1 row has a missing or non-numeric feature (${DROP}): row 3, column "x2": "abc". ` +
      'Also, 1 row has a non-finite feature value (infinite or beyond the float64 range): row 2, column "x1": "inf"',
  ],
  [
    'unsorted.libsvm',
    `unsorted.libsvm: 2 rows are not in LIBSVM format "label index:value …" (${LINES}): ` +
      'row 1: index 2 is repeated; row 2: index 1 comes after a larger index',
  ],
  [
    'one-dim.npy',
    'one-dim.npy: the array has 1 dimension (shape (3)); expected 2 (rows, features), or 3 (rows, height, width) for images',
  ],
  [
    'complex.npy',
    'complex.npy: dtype "<c16" is not supported; use a numeric dtype: <f8 <f4 <f2 <i8 <i4 <i2 |i1 <u8 <u4 <u2 |u1 |b1 (either byte order)',
  ],
  [
    'nan.npy',
    'nan.npy: 1 row has a missing or non-numeric feature (use --drop-missing to skip them; rows are 0-based array indices): ' +
      'row 1, column "x0": "NaN". Also, 1 row has a non-finite feature value (infinite or beyond the float64 range): ' +
      'row 2, column "x1": "Infinity"',
  ],
  ['truncated.npy', 'truncated.npy: the data is truncated: shape (4, 3) of <f8 needs 96 bytes, the file has 76'],
  ['not-npy.npy', 'not-npy.npy: not a NumPy .npy file (it does not start with \\x93NUMPY)'],
  ['nan.npy', 'short-labels.txt: has 2 labels but nan.npy has 3 rows', { labelsFile: 'short-labels.txt' }],
  [
    'missing-values.csv',
    'missing-values.csv: the label column "variety" does not exist; the columns are "sepal_length", "sepal_width", "petal_width", "species"',
    { label: 'variety' },
  ],
  [
    'missing-values.csv',
    'missing-values.csv: label column index 4 is out of range: the file has 4 columns (indexes 0 to 3, or -1 to -4 from the end)',
    { label: 4 },
  ],
];

describe('the malformed-file corpus (test/fixtures/import/bad)', () => {
  it('has at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES)('%s is refused with: %s', async (file, message, options) => {
    const attempt = importFile(join(BAD, file), options);
    await expect(attempt).rejects.toThrow(ImportError);
    await expect(attempt).rejects.toThrow(message);
    // The exact message, not just a prefix.
    const error = await attempt.then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe(message);
  });

  it('a file that does not exist is an ImportError naming the path', async () => {
    const path = join(BAD, 'no-such-file.csv');
    await expect(importFile(path)).rejects.toThrow(new ImportError(`${path}: cannot read the file: no such file`));
  });
});
