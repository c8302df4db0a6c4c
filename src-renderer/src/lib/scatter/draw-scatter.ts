import { classColor } from './palette.ts';
import type { Viewport } from './viewport.ts';

/** Above this many points, points are drawn as squares (see {@link drawBase}). */
export const SQUARE_POINTS = 20_000;

export interface ScatterLine {
  i: number;
  j: number;
  kind: 'must' | 'cannot';
  /** Derived (implied) constraints are drawn thinner and translucent. */
  derived?: boolean;
  /** A contradiction is drawn thicker. */
  flagged?: boolean;
}

export interface ScatterScene {
  xs: Float64Array;
  ys: Float64Array;
  /** Class index per point, or null: every point gets the first colour. */
  classes: Int32Array | null;
  lines: readonly ScatterLine[];
  /** Points ringed as selected: the pending pair, or a comparison query (anchor, first, second). */
  selected: readonly number[];
  hovered: number;
  /** 1 where a point lies beyond the robust view and is drawn at its edge (hollow), or null. */
  clamped?: Uint8Array | null;
  pointRadius: number;
  colors: { must: string; cannot: string; ring: string; background: string };
  /** The colour of a group of `classes` (default: the class palette); a continuous scale passes its binned colours. */
  groupColor?: (group: number) => string;
}

/**
 * Draws the constraint lines and the points in CSS pixels (the caller has already scaled the context by
 * devicePixelRatio). Points are batched into one path per class, so 10,000 points cost a dozen fill()
 * calls. Hover and selection go on a separate overlay ({@link drawOverlay}), so moving the mouse never
 * redraws the points.
 */
export function drawBase(ctx: CanvasRenderingContext2D, width: number, height: number, view: Viewport, scene: ScatterScene): void {
  ctx.clearRect(0, 0, width, height);
  const { xs, ys, classes, pointRadius: r } = scene;
  const n = xs.length;

  ctx.lineCap = 'round';
  for (const line of scene.lines) {
    if (line.i >= n || line.j >= n) continue;
    const [ax, ay] = view.toScreen(xs[line.i]!, ys[line.i]!);
    const [bx, by] = view.toScreen(xs[line.j]!, ys[line.j]!);
    ctx.beginPath();
    ctx.strokeStyle = line.kind === 'must' ? scene.colors.must : scene.colors.cannot;
    ctx.globalAlpha = line.derived ? 0.35 : 0.95;
    ctx.lineWidth = line.flagged ? 4 : line.derived ? 1 : 2;
    ctx.setLineDash(line.kind === 'cannot' ? [6, 4] : []);
    ctx.moveTo(ax, ay);
    ctx.lineTo(bx, by);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.globalAlpha = n > 3000 ? 0.6 : 0.85;

  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = classes ? classes[i]! : 0;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(i);
  }
  // Past SQUARE_POINTS points (a 60,000-image dataset) each point is a small square: at that density the
  // shape is not visible, and rectangles rasterise several times faster than arcs.
  const squares = n > SQUARE_POINTS;
  const side = r * 1.8;
  const clamped = scene.clamped ?? null;
  for (const [c, members] of groups) {
    const color = scene.groupColor ? scene.groupColor(c) : classColor(c);
    ctx.fillStyle = color;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    // Points drawn at the edge of the robust view (not where they are) are hollow, so they do not read as data there.
    const edge: number[] = [];
    ctx.beginPath();
    for (const i of members) {
      if (clamped?.[i]) {
        edge.push(i);
        continue;
      }
      const [x, y] = view.toScreen(xs[i]!, ys[i]!);
      if (x < -r || y < -r || x > width + r || y > height + r) continue;
      if (squares) {
        ctx.rect(x - side / 2, y - side / 2, side, side);
      } else {
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
      }
    }
    ctx.fill();
    if (edge.length > 0) {
      ctx.beginPath();
      for (const i of edge) {
        const [x, y] = view.toScreen(xs[i]!, ys[i]!);
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, Math.PI * 2);
      }
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
}

/**
 * Draws the hovered point, the selected points and their dotted lines (clears first): the pending pair joined, or
 * a comparison query of three (anchor, first, second) with both candidates joined to the anchor and tagged A, 1, 2.
 */
export function drawOverlay(ctx: CanvasRenderingContext2D, width: number, height: number, view: Viewport, scene: ScatterScene): void {
  ctx.clearRect(0, 0, width, height);
  const { xs, ys, pointRadius: r } = scene;
  const n = xs.length;
  const triad = scene.selected.length === 3;
  if (scene.selected.length === 2 || triad) {
    // Thin neutral dotted lines, so every end is easy to find.
    const [a, ...others] = scene.selected as [number, ...number[]];
    for (const b of others) {
      if (a >= n || b >= n) continue;
      const [ax, ay] = view.toScreen(xs[a]!, ys[a]!);
      const [bx, by] = view.toScreen(xs[b]!, ys[b]!);
      ctx.beginPath();
      ctx.globalAlpha = 0.8;
      ctx.strokeStyle = scene.colors.ring;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([2, 4]);
      ctx.moveTo(ax, ay);
      ctx.lineTo(bx, by);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    }
  }
  const ring = (i: number, radius: number, color: string, widthPx: number): void => {
    if (i < 0 || i >= n) return;
    const [x, y] = view.toScreen(xs[i]!, ys[i]!);
    ctx.beginPath();
    ctx.strokeStyle = color;
    ctx.lineWidth = widthPx;
    ctx.arc(x, y, radius, 0, Math.PI * 2);
    ctx.stroke();
  };
  ring(scene.hovered, r + 3, scene.colors.ring, 1.5);
  scene.selected.forEach((i, k) => {
    // The anchor of a comparison query gets a wider ring than its candidates.
    const radius = triad && k === 0 ? r + 8 : r + 5;
    ring(i, radius, scene.colors.background, 5);
    ring(i, radius, scene.colors.ring, 2.5);
  });
  if (triad) {
    ctx.font = 'bold 13px system-ui, sans-serif';
    ctx.textBaseline = 'bottom';
    ctx.lineWidth = 3;
    scene.selected.forEach((i, k) => {
      if (i < 0 || i >= n) return;
      const [x, y] = view.toScreen(xs[i]!, ys[i]!);
      const tag = ['A', '1', '2'][k]!;
      ctx.strokeStyle = scene.colors.background;
      ctx.strokeText(tag, x + r + 7, y - r - 4);
      ctx.fillStyle = scene.colors.ring;
      ctx.fillText(tag, x + r + 7, y - r - 4);
    });
  }
}
