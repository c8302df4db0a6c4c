import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { DatasetPreview, DatasetSummary } from '../../../src-renderer/src/lib/backend/types.ts';
import { importAdvice, nominalExpansion } from '../../../src-renderer/src/lib/datasets/preview-text.ts';
import { backendWithDataset } from '../fake-backend.ts';

const summary = (id: number, name: string, features: number): DatasetSummary => ({
  id, name, rows: 6, features, classes: ['a', 'b'], labeled: true, sourceFile: null, sourceSha256: null, contentHash: `h${id}`,
  createdAt: '2026-01-01T00:00:00Z',
});

const preview = (fileName: string, featureCount: number): DatasetPreview => ({
  fileName, format: 'csv', header: true, columns: ['size', 'color', 'class'], rows: [['1', '2', 'a']], labelColumn: 'class',
  featureCount, classes: ['a', 'b'], totalRows: 6, warnings: [], errors: [],
});

/** The toy dataset (id 1, 2 features) open; an import of `file` creates a dataset with `features` features. */
function backend(features: number) {
  const list = [summary(1, 'toy', 2)];
  return {
    list,
    backend: backendWithDataset()
      .handle('datasets.list', () => ({ datasets: [...list] }))
      .handle('datasets.preview', () => ({ preview: preview('toy-test.csv', features) }))
      .handle('datasets.import', () => {
        const dataset = summary(list.length + 1, `imported-${list.length + 1}`, features);
        list.push(dataset);
        return { dataset, warnings: [], droppedRows: 0 };
      })
      .handle('datasets.delete', ({ id }) => {
        const at = list.findIndex((d) => d.id === id);
        const [dataset] = list.splice(at, 1);
        return { deleted: true as const, id, dataset: dataset!, constraintsRemoved: 0, runsRemoved: 0 };
      }),
  };
}

async function importFile() {
  const input = document.getElementById('import-file') as HTMLInputElement;
  await fireEvent.change(input, { target: { files: [new File(['x'], 'toy-test.csv')] } });
  await fireEvent.click(await waitFor(() => screen.getByRole('button', { name: 'Import 6 rows' })));
  await waitFor(() => screen.getByTestId('import-done'));
}

const openId = () => (window.__workbench!.state.currentDataset!() as number | null);

describe('The open dataset is kept', () => {
  afterEach(() => cleanup());

  it('importing a test set (same features) keeps the open dataset; another import opens', async () => {
    const same = backend(2);
    render(App, { props: { backend: same.backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await importFile();
    expect(openId()).toBe(1);
    await waitFor(() => screen.getByTestId('import-kept-open'));
    expect(openId()).toBe(1);
    expect(screen.getByTestId('import-kept-open').textContent).toContain('“toy” stays open: “imported-2” has the same 2 features, so it can be its test set');
    // …and a new window opens on the last opened dataset, not the last import.
    expect(JSON.parse(localStorage.getItem('metric-workbench.ui')!)).toMatchObject({ datasetId: 1 });
    await fireEvent.click(screen.getByRole('button', { name: 'Open “imported-2” instead' }));
    await waitFor(() => expect(openId()).toBe(2));
    cleanup();

    const other = backend(5);
    render(App, { props: { backend: other.backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await importFile();
    await waitFor(() => expect(openId()).toBe(2));
  });

  it('deleting the open dataset opens another, and the header switcher stays', async () => {
    const { backend: b, list } = backend(2);
    list.push(summary(2, 'wine', 2));
    render(App, { props: { backend: b } });
    // The most recent dataset opens on a first start.
    await fireEvent.click(await waitFor(() => screen.getByRole('button', { name: 'Delete dataset wine' })));
    expect(openId()).toBe(2);
    await fireEvent.click(screen.getByRole('button', { name: 'Delete wine?' }));
    await waitFor(() => expect(openId()).toBe(1));
    expect(screen.queryByText('No dataset open')).toBeNull();
    const switcher = screen.getByLabelText('Dataset') as HTMLSelectElement;
    expect([...switcher.options].map((o) => o.textContent)).toEqual(['toy · 6×2']);
  });
});

describe('Import preview texts', () => {
  it('says how nominal attributes expand, counted from the preview', () => {
    const nominal = [3, 4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8].map((columns, k) => ({ column: `a${k}`, columns }));
    expect(nominal.reduce((s, a) => s + a.columns, 0)).toBe(56);
    expect(nominalExpansion({ nominal, featureCount: 63 })).toBe(
      '13 nominal attributes become 56 one-hot columns (one 0/1 column per declared value): 7 numeric + 56 = 63 features',
    );
    expect(nominalExpansion({ nominal: [{ column: 'color', columns: 3 }], featureCount: 4 })).toBe(
      '1 nominal attribute becomes 3 one-hot columns (one 0/1 column per declared value): 1 numeric + 3 = 4 features',
    );
    expect(nominalExpansion({ featureCount: 4 })).toBeNull();
  });

  it('suggests another label column only where it can help', () => {
    expect(importAdvice(['h.csv: the file has a header row but no data rows'])).toBe('Fix the file and choose it again.');
    expect(importAdvice(['x.csv: 2 rows have a missing or non-numeric feature (use --drop-missing to skip them; …): row 3, column "b": "abc"'])).toBe(
      'Fix the file, choose another label column (a text column may be the label), or tick “Drop rows with missing values”.',
    );
  });
});
