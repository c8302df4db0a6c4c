import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ScatterCanvas from '../../../src-renderer/src/components/scatter/ScatterCanvas.svelte';
import type { ScatterHook } from '../../../src-renderer/src/lib/app/test-hooks.ts';

// Four corners span the view (100 × 100 data units at about 3.6 px each); A and B lie 0.3 units apart on each axis,
// about 1.5 px on screen, as two neighbours of a dense labeling scatter do.
const NAMES = ['corner', 'corner', 'corner', 'corner', 'A', 'B'];
const A = 4, B = 5;
const xs = new Float64Array([0, 100, 0, 100, 50.1, 50.4]);
const ys = new Float64Array([0, 0, 100, 100, 49.9, 49.6]);

type Point = { x: number; y: number };
const dist = (p: Point, q: Point) => Math.hypot(p.x - q.x, p.y - q.y);

async function mountScatter() {
  const picks: [number, boolean][] = [];
  render(ScatterCanvas, {
    props: { xs, ys, label: 'Two close points', hookName: 'close', describe: (i: number) => `row ${i} · ${NAMES[i]}`, onpick: (i: number, repeat: boolean) => picks.push([i, repeat]) },
  });
  const hook = await waitFor(() => {
    const h: ScatterHook | undefined = window.__workbench?.scatters.close;
    if (!h) throw new Error('scatter not registered yet');
    return h;
  });
  const canvas = screen.getByLabelText(/^Two close points\./);
  const a = hook.pointToClient(A)!, b = hook.pointToClient(B)!;
  // The premise: the two points are drawn between 1 and 2 px apart, A at a fractional position.
  expect(dist(a, b)).toBeGreaterThan(1);
  expect(dist(a, b)).toBeLessThan(2);
  expect(Number.isInteger(a.x) || Number.isInteger(a.y)).toBe(false);
  // The whole pixel a browser may report for a click at A (one of the four around it) that lies nearer B than A.
  const whole = [Math.floor, Math.ceil].flatMap((fx) => [Math.floor, Math.ceil].map((fy) => ({ x: fx(a.x), y: fy(a.y) })));
  const rounded = whole.find((p) => dist(p, b) < dist(p, a));
  expect(rounded).toBeDefined();
  return { canvas, a, b, rounded: rounded!, picks };
}

describe('ScatterCanvas: a click picks the point the hover showed', () => {
  afterEach(() => cleanup());

  it('picks the point under the fractional pointer release, not the neighbour nearer the click\'s whole-pixel position', async () => {
    const { canvas, a, rounded, picks } = await mountScatter();
    await fireEvent.pointerMove(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    expect(screen.getByText(`row ${A} · A`)).toBeTruthy();
    await fireEvent.pointerDown(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    await fireEvent.pointerUp(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    await fireEvent.click(canvas, { clientX: rounded.x, clientY: rounded.y, detail: 1 });
    expect(picks).toEqual([[A, false]]);
    // A second quick click on the same spot is the same pick, repeated.
    await fireEvent.pointerDown(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    await fireEvent.pointerUp(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    await fireEvent.click(canvas, { clientX: rounded.x, clientY: rounded.y, detail: 2 });
    expect(picks).toEqual([[A, false], [A, true]]);
  });

  it('a click with no pointer release before it (a synthetic click) picks at its own position, not at an earlier release', async () => {
    const { canvas, a, b, rounded, picks } = await mountScatter();
    await fireEvent.pointerDown(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    await fireEvent.pointerUp(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    await fireEvent.click(canvas, { clientX: rounded.x, clientY: rounded.y, detail: 1 });
    await fireEvent.click(canvas, { clientX: b.x, clientY: b.y, detail: 1 });
    expect(picks).toEqual([[A, false], [B, false]]);
  });

  it('a drag that starts and ends on the points picks nothing', async () => {
    const { canvas, a, rounded, picks } = await mountScatter();
    await fireEvent.pointerDown(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    await fireEvent.pointerMove(canvas, { clientX: a.x + 20, clientY: a.y, pointerId: 1 });
    await fireEvent.pointerMove(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    await fireEvent.pointerUp(canvas, { clientX: a.x, clientY: a.y, pointerId: 1 });
    await fireEvent.click(canvas, { clientX: rounded.x, clientY: rounded.y, detail: 1 });
    expect(picks).toEqual([]);
  });
});
