import * as Plot from '@observablehq/plot';

/** A chart's figure: a title, the chart, and its numbers as a table for those who read them. */
export function figure(
  attributes: Record<string, string>,
  title: string,
  chart: Element,
  numbers: HTMLElement,
): HTMLElement {
  const element = document.createElement('figure');
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  element.className = 'chart';
  const caption = document.createElement('figcaption');
  caption.textContent = title;
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = 'numbers';
  details.append(summary, numbers);
  element.append(caption, chart, details);
  return element;
}

export interface SeriesPoint {
  readonly day: string;
  readonly value: number;
  readonly label: string;
}

/**
 * A daily series as a line with dots, its threshold drawn as a dashed red rule when it has one:
 * the axis always reaches the threshold, so that "well below" looks well below.
 */
export function dailyChart(
  points: readonly SeriesPoint[],
  threshold: number | null,
  percent: boolean,
): Element {
  const max = Math.max(threshold ?? 0, ...points.map((point) => point.value));
  const date = (point: SeriesPoint): Date => new Date(`${point.day}T00:00:00Z`);
  const marks: Plot.Markish[] = [
    Plot.ruleY([0]),
    Plot.lineY(points, { x: date, y: 'value', stroke: '#2f6fb0', strokeWidth: 1.5 }),
    Plot.dot(points, {
      x: date,
      y: 'value',
      fill: (p: SeriesPoint) => (threshold !== null && p.value > threshold ? '#c62828' : '#2f6fb0'),
      r: 3.5,
      title: (p: SeriesPoint) => `${p.day}: ${p.label}`,
      tip: true,
    }),
  ];
  if (threshold !== null) {
    marks.push(Plot.ruleY([threshold], { stroke: '#c62828', strokeDasharray: '5,4' }));
    marks.push(
      Plot.text([threshold], {
        y: (t: number) => t,
        frameAnchor: 'right',
        dy: -6,
        text: () => `threshold ${percent ? `${(threshold * 100).toFixed(2)}%` : threshold}`,
        fill: '#c62828',
        fontSize: 10,
      }),
    );
  }
  return Plot.plot({
    width: 520,
    height: 200,
    marginLeft: 56,
    // One tick per day while they fit; Plot picks coarser ones for longer series.
    x: {
      type: 'utc',
      label: null,
      ...(points.length <= 14 ? { ticks: 'day', tickFormat: '%b %-d' } : {}),
    },
    y: {
      domain: [0, max === 0 ? 1 : max * 1.15],
      grid: true,
      label: null,
      tickFormat: percent
        ? (v: number) => `${(v * 100).toFixed(v < 0.01 && v > 0 ? 2 : 1)}%`
        : undefined,
    },
    marks,
  });
}

/** Horizontal bars, one per label. */
export function barChart(rows: readonly { label: string; value: number }[], unit: string): Element {
  return Plot.plot({
    width: 560,
    height: 40 + rows.length * 24,
    marginLeft: 150,
    x: { grid: true, label: unit },
    y: { label: null },
    marks: [
      Plot.barX(rows, {
        x: 'value',
        y: 'label',
        fill: '#2f6fb0',
        sort: { y: '-x' },
        title: (r: { label: string; value: number }) => `${r.label}: ${r.value}`,
      }),
      Plot.ruleX([0]),
    ],
  });
}

/** A time series per group, for run times and consumer lag. */
export function timeChart(
  rows: readonly { at: Date; value: number; group: string }[],
  unit: string,
): Element {
  return Plot.plot({
    width: 560,
    height: 220,
    marginLeft: 56,
    color: { legend: new Set(rows.map((r) => r.group)).size > 1 },
    x: { type: 'utc', label: null },
    y: { grid: true, label: unit, zero: true },
    marks: [
      Plot.lineY(rows, { x: 'at', y: 'value', stroke: 'group' }),
      Plot.dot(rows, {
        x: 'at',
        y: 'value',
        fill: 'group',
        r: 3,
        title: (r: { at: Date; value: number }) => `${r.at.toISOString()}: ${r.value}`,
      }),
    ],
  });
}
