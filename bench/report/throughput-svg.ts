// Hand-written SVG bar chart (no charting dependency): a few rects and text elements are all a
// grouped bar chart needs, and the output stays small and diff-friendly in git.
import { STRATEGY_NAMES } from '../lib/bench-task.js';
import type { BenchResult } from '../lib/bench-result.js';
import { describeMachine } from '../lib/machine-info.js';
import { SCALE_NAMES, SCALES } from '../lib/scales.js';
import { escapeXml, formatCount } from './format.js';

const WIDTH = 900;
const HEIGHT = 420;
const MARGIN = { top: 56, right: 20, bottom: 70, left: 80 };
const SCALE_COLOURS: Readonly<Record<string, string>> = {
  small: '#9ca3af',
  medium: '#60a5fa',
  large: '#2563eb',
  xlarge: '#1e3a8a',
};

/**
 * Grouped bar chart of throughput (rows/s, log scale): one group per strategy, one bar per scale,
 * from every results file given (typically all of `bench/results/*.json`). The title names the
 * machine of the most recent result.
 */
export function renderThroughputSvg(results: readonly BenchResult[]): string {
  const ordered = SCALE_NAMES.flatMap((scale) => results.filter((r) => r.scale === scale));
  const rates = ordered
    .flatMap((r) => r.strategies.map((s) => s.rowsPerSecond))
    .filter((v) => v > 0 && Number.isFinite(v));
  const minExp = Math.floor(Math.log10(Math.min(...rates, 1e4)));
  const maxExp = Math.ceil(Math.log10(Math.max(...rates, 1e6)));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const y = (rate: number) =>
    MARGIN.top + plotH - ((Math.log10(rate) - minExp) / (maxExp - minExp)) * plotH;
  const groupW = plotW / STRATEGY_NAMES.length;
  const barW = Math.min(22, (groupW * 0.8) / Math.max(1, ordered.length));
  const latest = [...results].sort((a, b) => a.date.localeCompare(b.date)).at(-1);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Throughput per strategy (rows/s, log scale)</text>`,
  );
  if (latest) {
    parts.push(
      `<text x="${WIDTH / 2}" y="40" text-anchor="middle" fill="#555">${escapeXml(describeMachine(latest.machine))}</text>`,
    );
  }
  for (let exp = minExp; exp <= maxExp; exp++) {
    const lineY = y(10 ** exp).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${lineY}" y2="${lineY}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 6}" y="${lineY}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatCount(10 ** exp))}</text>`,
    );
  }
  const baseline = y(10 ** minExp);
  STRATEGY_NAMES.forEach((strategy, g) => {
    const groupX = MARGIN.left + g * groupW;
    const barsX = groupX + (groupW - barW * ordered.length) / 2;
    ordered.forEach((result, b) => {
      const found = result.strategies.find((s) => s.name === strategy);
      if (!found || !(found.rowsPerSecond > 0)) return;
      const top = y(found.rowsPerSecond);
      const title = `${strategy}, ${result.scale}: ${formatCount(found.rowsPerSecond)} rows/s`;
      parts.push(
        `<rect x="${(barsX + b * barW).toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(baseline - top).toFixed(1)}" fill="${SCALE_COLOURS[result.scale] ?? '#333'}"><title>${escapeXml(title)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(groupX + groupW / 2).toFixed(1)}" y="${baseline + 18}" text-anchor="middle">${strategy}</text>`,
    );
  });
  parts.push(
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${baseline}" y2="${baseline}" stroke="#111"/>`,
  );
  ordered.forEach((result, i) => {
    const x = MARGIN.left + i * 170;
    const label = `${result.scale} (${formatCount(SCALES[result.scale].messages)} msgs)`;
    parts.push(
      `<rect x="${x}" y="${HEIGHT - 26}" width="12" height="12" fill="${SCALE_COLOURS[result.scale] ?? '#333'}"/>`,
      `<text x="${x + 18}" y="${HEIGHT - 16}">${escapeXml(label)}</text>`,
    );
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
