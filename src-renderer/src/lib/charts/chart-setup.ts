import {
  BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement,
  PointElement, ScatterController, Title, Tooltip, type Plugin,
} from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';

let registered = false;

/** Reads a theme colour from the CSS variables in app.css. */
export function themeColor(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Paints the panel colour under the chart, so a saved PNG is not transparent. */
const background: Plugin = {
  id: 'panelBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = themeColor('--panel', '#ffffff');
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/**
 * Whiskers for mean ± std: a dataset may carry `errorBars: number[]` (one std per bar, same units as the
 * data); this plugin draws them on top of the bars.
 */
export const errorBars: Plugin = {
  id: 'errorBars',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((dataset, di) => {
      const errors = (dataset as { errorBars?: number[] }).errorBars;
      if (!errors) return;
      const meta = chart.getDatasetMeta(di);
      const yScale = chart.scales[meta.yAxisID ?? 'y'];
      if (!yScale || meta.hidden) return;
      ctx.save();
      ctx.strokeStyle = themeColor('--text', '#222');
      ctx.lineWidth = 1.5;
      meta.data.forEach((bar, k) => {
        const value = dataset.data[k];
        const err = errors[k];
        if (typeof value !== 'number' || typeof err !== 'number' || !Number.isFinite(err)) return;
        const x = bar.x;
        const top = yScale.getPixelForValue(value + err);
        const bottom = yScale.getPixelForValue(value - err);
        ctx.beginPath();
        ctx.moveTo(x, top); ctx.lineTo(x, bottom);
        ctx.moveTo(x - 6, top); ctx.lineTo(x + 6, top);
        ctx.moveTo(x - 6, bottom); ctx.lineTo(x + 6, bottom);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/** Registers the chart.js pieces the app uses (tree-shaken build), once. */
export function setupCharts(): void {
  if (registered) return;
  registered = true;
  Chart.register(
    BarController, BarElement, CategoryScale, Filler, Legend, LinearScale, LineController, LineElement,
    PointElement, ScatterController, Title, Tooltip, MatrixController, MatrixElement, background,
  );
  Chart.defaults.color = themeColor('--muted', '#5a6475');
  Chart.defaults.borderColor = themeColor('--border', '#d5dae2');
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
}

export { Chart };
