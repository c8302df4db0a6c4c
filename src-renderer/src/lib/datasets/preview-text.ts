import type { DatasetPreview } from '../backend/types.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * How the preview's columns become features, when nominal attributes are one-hot encoded: "13 nominal
 * attributes become 56 one-hot columns (one 0/1 column per declared value): 7 numeric + 56 = 63 features".
 * Null when no attribute is expanded. Counted from the preview itself (its nominal attributes and feature count).
 */
export function nominalExpansion(preview: Pick<DatasetPreview, 'nominal' | 'featureCount'>): string | null {
  const nominal = preview.nominal ?? [];
  if (nominal.length === 0) return null;
  const oneHot = nominal.reduce((sum, a) => sum + a.columns, 0);
  const numeric = preview.featureCount - oneHot;
  return (
    `${plural(nominal.length, 'nominal attribute')} ${nominal.length === 1 ? 'becomes' : 'become'} ${plural(oneHot, 'one-hot column')} ` +
    `(one 0/1 column per declared value): ${numeric} numeric + ${oneHot} = ${plural(preview.featureCount, 'feature')}`
  );
}

/**
 * What the researcher can do about the errors of a trial import, only what could help: another label column
 * when a column is not numeric (it may be the label), dropping rows when rows have missing values, else fixing
 * the file (e.g. a header without data rows, which no option mends).
 */
export function importAdvice(messages: readonly string[]): string {
  const text = messages.join('\n');
  const cells = text.includes('--drop-missing');
  if (cells && text.includes('non-numeric')) {
    return 'Fix the file, choose another label column (a text column may be the label), or tick “Drop rows with missing values”.';
  }
  if (cells) return 'Fix the file, or tick “Drop rows with missing values”.';
  return 'Fix the file and choose it again.';
}
