/**
 * The suggestion strategy radio group both suggestion panels share (StrategyPicker): one radio per strategy with its
 * hint as tooltip, the chosen one's hint under them, and a choice reaching the panel's session.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import StrategyPicker from '../../../src-renderer/src/components/labeling/StrategyPicker.svelte';
import { backendWithDataset } from '../fake-backend.ts';

const strategies = [
  { value: 'near', label: 'Near', hint: 'close ones' },
  { value: 'far', label: 'Far', hint: 'distant ones' },
] as const;

describe('StrategyPicker', () => {
  afterEach(() => cleanup());

  it('shows one radio per strategy, the chosen one checked with its hint and suffix, and reports a new choice', async () => {
    const onchange = vi.fn();
    render(StrategyPicker, { props: { name: 'test-strategy', strategies, value: 'near', onchange, hintSuffix: ' (under L)' } });
    const group = screen.getByRole('group', { name: 'Suggestion strategy' });
    const radios = within(group).getAllByRole('radio');
    expect(radios.map((r) => (r as HTMLInputElement).value)).toEqual(['near', 'far']);
    expect(radios.map((r) => (r as HTMLInputElement).name)).toEqual(['test-strategy', 'test-strategy']);
    expect((screen.getByRole('radio', { name: 'Near' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('radio', { name: 'Far' }).closest('label')!.title).toBe('distant ones');
    expect(screen.getByText('close ones (under L).')).toBeTruthy();
    await fireEvent.click(screen.getByRole('radio', { name: 'Far' }));
    expect(onchange).toHaveBeenCalledWith('far');
  });

  it('in the pair suggestion panel, choosing Explore sets the labeling strategy and shows its hint', async () => {
    render(App, { props: { backend: backendWithDataset() } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Label' }));
    const panel = await waitFor(() => screen.getByRole('region', { name: 'Suggest next pair' }));
    expect((within(panel).getByRole('radio', { name: 'Most uncertain' }) as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(within(panel).getByRole('radio', { name: 'Explore' }));
    await waitFor(() => expect(within(panel).getByText('points far from everything labeled so far.')).toBeTruthy());
    expect((within(panel).getByRole('radio', { name: 'Explore' }) as HTMLInputElement).checked).toBe(true);
  });
});
