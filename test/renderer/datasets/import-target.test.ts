import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { DatasetPreview } from '../../../src-renderer/src/lib/backend/types.ts';
import { backendWithDataset } from '../fake-backend.ts';

afterEach(() => cleanup());

const COLUMNS = ['rooms', 'area', 'city', 'price'];
const ROWS = Array.from({ length: 25 }, (_, r) => [String(r % 5), String(40 + r), r % 2 ? 'a' : 'b', String(100 + 7 * r)]);

/** What main answers: price detected as the label, suggested as a regression target; with a target asked for, no classes. */
function preview(target: number | undefined): DatasetPreview {
  const base = { fileName: 'homes.csv', format: 'csv' as const, header: true, columns: COLUMNS, rows: ROWS, featureCount: 3, totalRows: 25, warnings: [], errors: [] };
  return target === undefined
    ? {
        ...base,
        labelColumn: 'price',
        classes: ROWS.map((r) => r[3]!),
        numericColumns: ['rooms', 'area', 'price'],
        targetColumn: null,
        targetSuggestion: { column: 'price', reason: "'price' is numeric with 25 distinct values in the first 25 rows (more than 20): likely a quantity to predict, not 25 classes." },
      }
    : { ...base, labelColumn: null, classes: [], numericColumns: ['rooms', 'area', 'price'], targetColumn: COLUMNS[target]!, targetSuggestion: null };
}

describe('Import preview: a numeric column as the regression target', () => {
  it('offers numeric columns under Target (regression), suggests price with the reason, and imports with options.target', async () => {
    const backend = backendWithDataset()
      .handle('datasets.preview', ({ options }) => ({ preview: preview(options?.target as number | undefined) }))
      .handle('datasets.import', () => ({
        dataset: { id: 9, name: 'homes', rows: 25, features: 3, classes: [], labeled: false, sourceFile: 'homes.csv', sourceSha256: null, contentHash: 'h', createdAt: 'now', task: 'regression' as const, target: 'price' },
        warnings: [],
        droppedRows: 0,
      }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    const input = document.getElementById('import-file') as HTMLInputElement;
    await fireEvent.change(input, { target: { files: [new File(['x'], 'homes.csv')] } });
    await waitFor(() => screen.getByTestId('target-suggestion'));
    const group = document.querySelector('optgroup[label="Target (regression)"]')!;
    expect(Array.from(group.querySelectorAll('option')).map((o) => o.textContent)).toEqual(['rooms (regression target)', 'area (regression target)', 'price (regression target)']);
    expect(screen.getByTestId('target-suggestion').textContent).toContain('likely a quantity to predict, not 25 classes');
    await fireEvent.click(screen.getByRole('button', { name: 'Import “price” as a regression target' }));
    await waitFor(() => expect(screen.queryByTestId('target-suggestion')).toBeNull());
    expect(backend.callsTo('datasets.preview').at(-1)).toMatchObject({ options: { target: 3 } });
    await fireEvent.click(screen.getByRole('button', { name: /^Import/ }));
    await waitFor(() => expect(backend.callsTo('datasets.import')).toHaveLength(1));
    expect(backend.callsTo('datasets.import')[0]).toMatchObject({ options: { target: 3 } });
  });
});
