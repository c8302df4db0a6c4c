import { describe, expect, it } from 'vitest';
import { parseCell } from '../../src-main/import/cells.ts';
import { detectImageShape, finalizeTable, orderClasses } from '../../src-main/import/finalize.ts';

describe('parseCell', () => {
  it('accepts plain decimals only', () => {
    expect(parseCell('12')).toBe(12);
    expect(parseCell(' -3.5 ')).toBe(-3.5);
    expect(parseCell('.5')).toBe(0.5);
    expect(parseCell('1e-3')).toBe(0.001);
    expect(parseCell('+7.')).toBe(7);
    for (const text of ['', ' ', 'abc', '0x1F', '1_000', '12abc', 'NaN', '1,5']) expect(parseCell(text)).toBeNaN();
  });

  it('tells infinities apart from missing values', () => {
    expect(parseCell('inf')).toBe(Infinity);
    expect(parseCell('-Infinity')).toBe(-Infinity);
    expect(parseCell('1e999')).toBe(Infinity);
  });

  it('reads decimal commas only when asked', () => {
    expect(parseCell('1,5', true)).toBe(1.5);
    expect(parseCell('-0,25', true)).toBe(-0.25);
    expect(parseCell('1,5,6', true)).toBeNaN();
  });
});

describe('orderClasses', () => {
  it('numbers: numeric order, one class per value, named by first spelling', () => {
    const { classNames, classOf } = orderClasses(['+1', '-1', '1.0', '10', '2']);
    expect(classNames).toEqual(['-1', '+1', '2', '10']);
    expect(Array.from(classOf)).toEqual([1, 0, 1, 3, 2]);
  });

  it('text: code-point order; declared: the used values in code-point order (np.unique of the strings)', () => {
    expect(orderClasses(['b', 'a', 'B']).classNames).toEqual(['B', 'a', 'b']);
    const declared = orderClasses(['no', 'yes'], ['yes', 'maybe', 'no']);
    expect(declared.classNames).toEqual(['no', 'yes']);
    expect(Array.from(declared.classOf)).toEqual([0, 1]);
    // Declared numbers stay strings: np.unique(['1', '10', '2']).
    expect(orderClasses(['2', '10', '1'], ['2', '10', '1']).classNames).toEqual(['1', '10', '2']);
  });

  it('sorts by code point, as numpy does, not by UTF-16 code unit', () => {
    // U+1F600 (a surrogate pair in UTF-16) is above U+FF21 in code points, below it in code units.
    expect(orderClasses(['\u{1F600}', '\uFF21', 'a']).classNames).toEqual(['a', '\uFF21', '\u{1F600}']);
    expect(['\u{1F600}', '\uFF21'].sort()).toEqual(['\u{1F600}', '\uFF21']);
  });
});

describe('detectImageShape', () => {
  const grid = (r: number, c: number) =>
    Array.from({ length: r * c }, (_, i) => `pixel_${Math.floor(i / c)}_${i % c}`);

  it('finds full pixel_R_C grids in row-major order and square pixelK runs', () => {
    expect(detectImageShape(grid(8, 8))).toEqual([8, 8]);
    expect(detectImageShape(grid(2, 3))).toEqual([2, 3]);
    expect(detectImageShape(Array.from({ length: 9 }, (_, i) => `pixel${i + 1}`))).toEqual([3, 3]);
  });

  it('refuses incomplete, shuffled or non-square layouts', () => {
    expect(detectImageShape(grid(8, 8).slice(0, 63))).toBeNull();
    expect(detectImageShape([...grid(2, 2)].reverse())).toBeNull();
    expect(detectImageShape(Array.from({ length: 8 }, (_, i) => `pixel${i}`))).toBeNull();
    expect(detectImageShape(['a', 'b', 'c', 'd'])).toBeNull();
  });
});

describe('finalizeTable', () => {
  it('needs at least one feature and two rows', () => {
    const base = { fileName: 'f.csv', labelIds: null, labelValues: [], labelColumn: null };
    expect(() => finalizeTable({ ...base, nRows: 3, features: new Float64Array(0), featureNames: [] }, [])).toThrow(
      'f.csv: there are no feature columns',
    );
    expect(() => finalizeTable({ ...base, nRows: 1, features: new Float64Array(1), featureNames: ['a'] }, [])).toThrow(
      'f.csv: need at least 2 data rows, found 1',
    );
  });
});
