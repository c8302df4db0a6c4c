import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import { ConstraintHistory } from '../../../src-renderer/src/lib/labeling/constraint-history.svelte.ts';
import { backendWithDataset } from '../fake-backend.ts';

describe('renderer stores own their state (issue 11, item 4)', () => {
  afterEach(() => cleanup());

  it('unsubscribes from every backend event when the app goes away', async () => {
    const backend = backendWithDataset();
    const app = render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    expect(backend.listenerCount()).toBeGreaterThan(0);
    app.unmount();
    expect(backend.listenerCount()).toBe(0);
  });

  it('ConstraintHistory: undo/redo stacks, a new edit clears redo', () => {
    const history = new ConstraintHistory();
    expect([history.canUndo, history.canRedo]).toEqual([false, false]);
    history.record({ i: 0, j: 1, before: null, after: 'must' });
    history.record({ i: 0, j: 2, before: null, after: 'cannot' });
    expect(history.undo()).toEqual({ i: 0, j: 2, before: null, after: 'cannot' });
    expect([history.canUndo, history.canRedo]).toEqual([true, true]);
    expect(history.redo()).toEqual({ i: 0, j: 2, before: null, after: 'cannot' });
    history.undo();
    history.record({ i: 3, j: 4, before: null, after: 'must' });
    expect(history.canRedo).toBe(false);
    history.clear();
    expect([history.canUndo, history.canRedo, history.undo(), history.redo()]).toEqual([false, false, undefined, undefined]);
  });

  it('the Undo and Redo buttons follow the history with no counter to bump', async () => {
    const backend = backendWithDataset();
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Label' }));
    const undo = (await waitFor(() => screen.getByRole('button', { name: 'Undo' }))) as HTMLButtonElement;
    const redo = screen.getByRole('button', { name: 'Redo' }) as HTMLButtonElement;
    expect([undo.disabled, redo.disabled]).toEqual([true, true]);
    await fireEvent.keyDown(window, { key: 'n' });
    await waitFor(() => screen.getByText(/^Suggested:/));
    await fireEvent.keyDown(window, { key: 'c' });
    await waitFor(() => expect(undo.disabled).toBe(false));
    await fireEvent.click(undo);
    await waitFor(() => expect(redo.disabled).toBe(false));
    expect(undo.disabled).toBe(true);
  });
});
