import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { previewFile } from '../../src-main/import/index.ts';

const CREDIT = join(import.meta.dirname, '..', 'e2e', 'fixtures', 'credit-like.arff');

describe('ARFF preview: nominal attributes', () => {
  it('names each nominal feature attribute with its one-hot column count, and the class is not one of them', async () => {
    const preview = await previewFile(CREDIT);
    expect(preview.columns).toHaveLength(21);
    expect(preview.labelColumn).toBe('class');
    expect(preview.nominal).toHaveLength(13);
    expect(preview.nominal!.find((a) => a.column === 'purpose')).toEqual({ column: 'purpose', columns: 11 });
    expect(preview.nominal!.reduce((sum, a) => sum + a.columns, 0)).toBe(56);
    // 7 numeric attributes + 56 one-hot columns.
    expect(preview.featureCount).toBe(63);
  });
});
