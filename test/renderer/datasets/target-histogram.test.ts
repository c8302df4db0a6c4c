import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import TargetHistogram from '../../../src-renderer/src/components/datasets/TargetHistogram.svelte';
import ColorBar from '../../../src-renderer/src/components/scatter/ColorBar.svelte';
import { histogram } from '../../../src-renderer/src/lib/datasets/target-histogram.ts';
import { scaleBins, scaleColor, SCALE_STEPS } from '../../../src-renderer/src/lib/scatter/continuous-scale.ts';

afterEach(() => cleanup());

describe('histogram (Sturges)', () => {
  it('⌈log₂ n⌉ + 1 equal-width bins over [min, max], the maximum in the last bin', () => {
    const values = Float64Array.from({ length: 16 }, (_, i) => i); // 0 … 15: 5 bins of width 3
    const h = histogram(values);
    expect(h.edges).toEqual([0, 3, 6, 9, 12, 15]);
    expect(h.counts).toEqual([3, 3, 3, 3, 4]);
  });

  it('constant values: one bin around the value', () => {
    expect(histogram(Float64Array.from([2, 2, 2]))).toEqual({ edges: [1.5, 2.5], counts: [3] });
  });
});

describe('the continuous colour scale', () => {
  it('runs from viridis dark purple to yellow and bins values linearly', () => {
    expect(scaleColor(0)).toBe('rgb(68, 1, 84)');
    expect(scaleColor(1)).toBe('rgb(253, 231, 37)');
    const { bins, min, max } = scaleBins(Float64Array.from([10, 20, 30]));
    expect([min, max]).toEqual([10, 30]);
    expect(Array.from(bins)).toEqual([0, SCALE_STEPS / 2, SCALE_STEPS - 1]);
    expect(Array.from(scaleBins(Float64Array.from([5, 5])).bins)).toEqual([SCALE_STEPS / 2, SCALE_STEPS / 2]);
  });
});

describe('TargetHistogram and ColorBar components', () => {
  it('the histogram says what it counts and sums to every row', () => {
    const values = Float64Array.from({ length: 40 }, (_, i) => 100 + 3 * i);
    render(TargetHistogram, { props: { values, name: 'price' } });
    expect(screen.getByText('Distribution of the target “price”')).toBeTruthy();
    const counts = screen.getByTestId('target-histogram').textContent!.split(' ').map(Number);
    expect(counts).toHaveLength(Math.ceil(Math.log2(40)) + 1);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(40);
    expect(screen.getByTestId('target-summary').textContent).toBe('40 rows · min 100 · mean 159 · max 217 · 7 bins (Sturges)');
  });

  it('the colour bar names the variable and its range, for screen readers too', () => {
    render(ColorBar, { props: { name: 'price', min: 100, max: 217 } });
    expect(screen.getByTestId('colorbar-min').textContent).toBe('100');
    expect(screen.getByTestId('colorbar-max').textContent).toBe('217');
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe('Colour scale: price from 100 (dark purple) to 217 (yellow)');
  });
});
