// Hand-written SVG line charts, as throughput-svg.ts draws its bars: a few polylines, circles and
// text elements, small and diff-friendly in git.
import { describeMachine } from '../lib/machine-info.js';
import type { StreamBenchResult } from '../lib/stream-result.js';
import { escapeXml, formatCount } from './format.js';

const WIDTH = 900;
const PANEL_HEIGHT = 220;
const TOP = 56;
const GAP = 50;
const MARGIN = { right: 150, left: 80 };

interface Series {
  readonly label: string;
  readonly colour: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** Dots instead of a line (points that are not a time series). */
  readonly dots?: boolean;
}

interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly series: readonly Series[];
  /** The x axis's upper bound, to share it between panels (default: from the points). */
  readonly xMax?: number;
  /** A horizontal reference line (a target). */
  readonly limit?: { readonly y: number; readonly label: string };
}

/** A "nice" upper bound for an axis: 1, 2 or 5 times a power of ten, at least `value`. */
function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((m) => m * power >= value) ?? 10) * power;
}

/** An axis tick: whole numbers with separators, or two decimals on a small axis. */
function tick(value: number, axisMax: number): string {
  return axisMax <= 10 ? value.toFixed(2) : formatCount(value);
}

function renderPanel(panel: Panel, top: number): string[] {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - 50;
  const all = panel.series.flatMap((s) => s.points);
  const xMax = niceMax(panel.xMax ?? Math.max(...all.map((p) => p.x), 0));
  const yMax = niceMax(Math.max(...all.map((p) => p.y), panel.limit?.y ?? 0));
  const x = (v: number): string => (MARGIN.left + (v / xMax) * plotW).toFixed(1);
  const y = (v: number): string => (top + plotH - (v / yMax) * plotH).toFixed(1);
  const out = [
    `<text x="${MARGIN.left}" y="${top - 10}" font-weight="bold">${escapeXml(panel.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax / 4) * i;
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(v)}" text-anchor="end" dominant-baseline="middle">${escapeXml(tick(v, yMax))}</text>`,
      `<text x="${x((xMax / 4) * i)}" y="${top + plotH + 16}" text-anchor="middle">${escapeXml(tick((xMax / 4) * i, xMax))}</text>`,
    );
  }
  out.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${top + plotH + 32}" text-anchor="middle" fill="#555">${escapeXml(panel.xLabel)}</text>`,
  );
  if (panel.limit) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(panel.limit.y)}" y2="${y(panel.limit.y)}" stroke="#dc2626" stroke-dasharray="6 4"/>`,
      `<text x="${MARGIN.left + plotW + 6}" y="${y(panel.limit.y)}" dominant-baseline="middle" fill="#dc2626">${escapeXml(panel.limit.label)}</text>`,
    );
  }
  panel.series.forEach((series, i) => {
    if (series.dots) {
      for (const p of series.points)
        out.push(`<circle cx="${x(p.x)}" cy="${y(p.y)}" r="2.5" fill="${series.colour}"/>`);
    } else if (series.points.length > 0) {
      const path = series.points.map((p) => `${x(p.x)},${y(p.y)}`).join(' ');
      out.push(
        `<polyline points="${path}" fill="none" stroke="${series.colour}" stroke-width="1.5"/>`,
      );
    }
    out.push(
      `<rect x="${MARGIN.left + plotW + 6}" y="${top + i * 18}" width="12" height="12" fill="${series.colour}"/>`,
      `<text x="${MARGIN.left + plotW + 22}" y="${top + i * 18 + 10}">${escapeXml(series.label)}</text>`,
    );
  });
  out.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(0)}" y2="${y(0)}" stroke="#111"/>`,
  );
  return out;
}

/**
 * Three panels of the sustained run: latency publish → `silver_transactions` (p50 and p99 per
 * window of publish time, ms), the consumer's RSS (MB) over the same time, and each micro-batch
 * build's seconds against the rows landed before it.
 */
export function renderStreamSvg(result: StreamBenchResult): string {
  const s = result.sustained;
  // Latency and memory share the time axis; samples before the first publish are left out.
  const rss = s.rss.filter((r) => r.t >= 0);
  const xMax = Math.max(...s.timeline.map((w) => w.t), ...rss.map((r) => r.t), 0);
  const panels: Panel[] = [
    {
      title: 'Latency publish → silver_transactions (ms)',
      xLabel: 'seconds since the first publish',
      xMax,
      series: [
        { label: 'p50', colour: '#60a5fa', points: s.timeline.map((w) => ({ x: w.t, y: w.p50 })) },
        { label: 'p99', colour: '#1e3a8a', points: s.timeline.map((w) => ({ x: w.t, y: w.p99 })) },
      ],
      limit: { y: 5000, label: 'p99 target' },
    },
    {
      title: 'Consumer RSS (MB)',
      xLabel: 'seconds since the first publish',
      xMax,
      series: [
        {
          label: 'VmRSS',
          colour: '#059669',
          points: rss.map((r) => ({ x: r.t, y: r.bytes / 1024 ** 2 })),
        },
      ],
    },
    {
      title: 'Micro-batch build seconds against history',
      xLabel: 'rows landed before the build',
      series: [
        {
          label: 'build',
          colour: '#d97706',
          dots: true,
          points: s.builds
            .filter((b) => b.newMessages > 0)
            .map((b) => ({ x: b.historyRows, y: b.seconds })),
        },
      ],
    },
  ];
  const height = TOP + panels.length * (PANEL_HEIGHT + GAP);
  const title = `Streaming, ${result.mode} run: ${formatCount(result.settings.rate)} msg/s for ${result.settings.seconds} s`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${WIDTH / 2}" y="40" text-anchor="middle" fill="#555">${escapeXml(describeMachine(result.machine))}</text>`,
  ];
  panels.forEach((panel, i) =>
    parts.push(...renderPanel(panel, TOP + 30 + i * (PANEL_HEIGHT + GAP))),
  );
  parts.push('</svg>', '');
  return parts.join('\n');
}
