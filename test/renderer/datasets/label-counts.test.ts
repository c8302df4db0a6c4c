import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import { backendWithDataset } from '../fake-backend.ts';

describe('the dataset page', () => {
  afterEach(() => cleanup());

  it('gives the comparison count beside the pair count in its summary line', async () => {
    const backend = backendWithDataset().handle('datasets.get', () => ({
      dataset: {
        id: 1, name: 'toy', rows: 6, features: 2, classes: ['a', 'b'], labeled: true, sourceFile: null, sourceSha256: null, contentHash: 'h',
        createdAt: '2026-01-01T00:00:00Z', constraintCount: 1, comparisonCount: 12,
        featureNames: ['size', 'color'], classNames: ['a', 'b'], imageShape: null, classCounts: [3, 3], format: 'csv', importOptions: {}, warnings: [],
        stats: [{ name: 'size', mean: 0, std: 1, min: -1, max: 1 }, { name: 'color', mean: 0, std: 1, min: -1, max: 1 }],
      },
    }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    expect(screen.getByText(/6 rows · 2 features · 2 classes · 1 pair · 12 comparisons$/)).toBeTruthy();
  });
});
