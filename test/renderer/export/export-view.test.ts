import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import { backendWithRuns } from '../compare/runs-fixture.ts';

describe('Export view in the browser (issue 14)', () => {
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  it('says where the downloaded file went', async () => {
    URL.createObjectURL = vi.fn(() => 'blob:metric');
    URL.revokeObjectURL = vi.fn();
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const backend = backendWithRuns().handle('export.build', ({ runId }) => ({
      fileName: `metric-run-${runId}.json`, mimeType: 'application/json', base64: btoa('{"M": [[1]]}'),
    }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Export' }));
    await fireEvent.click(await waitFor(() => screen.getByRole('button', { name: 'Download' })));
    await waitFor(() => expect(clicked).toHaveBeenCalledTimes(1));
    const message = await waitFor(() => screen.getByText(/^Downloaded metric-run-5\.json/));
    expect(message.textContent).toBe(
      'Downloaded metric-run-5.json (12 bytes): your browser saved it to its downloads folder (usually Downloads in your home folder; ' +
        'Ctrl+J or ⌘+Shift+J lists recent downloads), unless it asked you where to save it.',
    );
  });
});
