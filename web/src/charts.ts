/** chart.js line charts over packet time, with a vertical marker at the moment shown. */
import type { Chart as ChartInstance, ChartDataset, Plugin, TooltipItem } from 'chart.js';
import { clockTime } from './format.js';

export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

/** Draws a vertical line at `options.plugins.moment.at` (packet time), when set. */
const momentMarker: Plugin<'line', { at: number | null }> = {
  id: 'moment',
  afterDatasetsDraw(chart, _args, options) {
    if (options.at === null || options.at === undefined) return;
    const x = chart.scales['x']!.getPixelForValue(options.at);
    const { top, bottom, left, right } = chart.chartArea;
    if (x < left || x > right) return;
    const context = chart.ctx;
    context.save();
    context.strokeStyle = '#111827';
    context.setLineDash([4, 3]);
    context.beginPath();
    context.moveTo(x, top);
    context.lineTo(x, bottom);
    context.stroke();
    context.restore();
  },
};

/** Dash patterns by series: lines that lie on top of each other (two links with the same members) stay told apart. */
const DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3]];

export interface ChartOptions {
  yTitle: string;
  stepped: boolean;
  at: number | null;
  /** The x range shown: every chart of a page on the same span. */
  from: number;
  to: number;
  /** Counts (members): whole-number ticks. */
  integer: boolean;
}

/** Whether any series has a point to draw: an empty chart is told in words, not drawn as a bare axis. */
export function hasData(series: Series[]): boolean {
  return series.some((entry) => entry.points.length > 0);
}

export function lineChart(canvas: HTMLCanvasElement, series: Series[], options: ChartOptions): ChartInstance<'line'> {
  // Earlier series are drawn wider, beneath the later ones: where they coincide both show.
  const datasets: ChartDataset<'line', { x: number; y: number }[]>[] = series.map((entry, index) => ({
    label: entry.label, data: entry.points, stepped: options.stepped, borderColor: COLORS[index % COLORS.length], backgroundColor: COLORS[index % COLORS.length],
    pointRadius: entry.points.length > 60 ? 0 : 2, borderWidth: 2 + 1.5 * (series.length - 1 - index), borderDash: DASHES[index % DASHES.length], tension: 0,
    order: series.length - index,
  }));
  return new Chart<'line', { x: number; y: number }[]>(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', min: options.from, max: options.to, ticks: { callback: (value) => clockTime(Number(value)).slice(0, 8), maxTicksLimit: 8 } },
        y: { beginAtZero: true, title: { display: true, text: options.yTitle }, ticks: options.integer ? { precision: 0, stepSize: 1 } : {} },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { title: (items: TooltipItem<'line'>[]) => (items[0] ? clockTime(items[0].parsed.x ?? 0) : '') } },
        moment: { at: options.at },
      } as never,
    },
    plugins: [momentMarker as Plugin<'line'>],
  });
}
