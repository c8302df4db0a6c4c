import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { DatasetPreview } from '../../../src-renderer/src/lib/backend/types.ts';
import { cellProblem } from '../../../src-renderer/src/lib/datasets/preview-cells.ts';
import { backendWithDataset } from '../fake-backend.ts';

const COLUMNS = ['size', 'hue', 'weight', 'variety'];
/** 12 data rows; row 4 has an empty hue, row 10 an 'NA' weight (lines 6 and 12 of the file). */
const ROWS = Array.from({ length: 12 }, (_, r) => [String(r), r === 4 ? '' : '0.5', r === 10 ? 'NA' : '7', r % 2 ? 'gala' : 'fuji']);

/** What main answers: without dropping, the trial parse fails; with it, 10 of the 12 rows are kept. */
function preview(dropMissing: boolean): DatasetPreview {
  const base = {
    fileName: 'orchard.csv', format: 'csv' as const, header: true, columns: COLUMNS, rows: ROWS, labelColumn: 'variety',
    featureCount: 3, classes: ['fuji', 'gala'], warnings: [],
  };
  return dropMissing
    ? { ...base, totalRows: 10, droppedRows: 2, errors: [] }
    : { ...base, totalRows: 12, errors: [{ message: 'orchard.csv: 2 rows have a missing or non-numeric feature (use --drop-missing to skip them; rows are 1-based line numbers in the file): row 6, column "hue": ""; row 12, column "weight": "NA"' }] };
}

async function openPreview() {
  const backend = backendWithDataset().handle('datasets.preview', ({ options }) => ({ preview: preview(options?.dropMissing === true) }));
  render(App, { props: { backend } });
  await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
  const input = document.getElementById('import-file') as HTMLInputElement;
  await fireEvent.change(input, { target: { files: [new File(['x'], 'orchard.csv')] } });
  await waitFor(() => screen.getByTestId('detected-format'));
  return backend;
}

describe('cellProblem', () => {
  it('reads cells as the CSV importer does', () => {
    expect(['', ' ', '?', 'NA', 'nan', '-'].map(cellProblem)).toEqual(Array(6).fill('missing'));
    expect(['abc', '1.2.3', 'inf'].map(cellProblem)).toEqual(Array(3).fill('non-numeric'));
    expect(['0', '-1.5', '2e-3', '3,5', '.5'].map(cellProblem)).toEqual(Array(5).fill(null));
  });
});

describe('Import preview (issue 14)', () => {
  afterEach(() => cleanup());

  it('counts the rows that would be stored once rows with missing values are dropped', async () => {
    await openPreview();
    expect(screen.getByTestId('preview-rows').textContent).toBe('12 rows');
    await fireEvent.click(screen.getByLabelText('Drop rows with missing values'));
    await waitFor(() => expect(screen.getByTestId('preview-rows').textContent).toBe('10 rows to import (2 rows with missing values dropped, of 12 in the file)'));
    expect(screen.getByRole('button', { name: 'Import 10 rows' })).toBeTruthy();
  });

  it('marks the offending cells, even past the first rows, and numbers rows as the app does', async () => {
    await openPreview();
    const bad = [...document.querySelectorAll('td[data-problem]')];
    expect(bad.map((td) => [td.closest('tr')!.querySelector('th')!.textContent, td.getAttribute('data-problem'), td.getAttribute('title')])).toEqual([
      ['4', 'missing', 'Missing value in column “hue”'],
      ['10', 'missing', 'Missing value in column “weight”'],
    ]);
    // Row 10 is past the first eight rows but is shown because it holds a marked cell.
    expect(screen.getByRole('rowheader', { name: '10' }).getAttribute('title')).toBe('line 12 of the file');
    expect(screen.getByTestId('row-numbering').textContent).toContain('2 cells with a missing or non-numeric value');
    expect(screen.getByTestId('row-numbering').textContent).toContain('here line = row + 2');
  });
});
