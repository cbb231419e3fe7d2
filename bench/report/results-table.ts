import Table from 'cli-table3';
import type { BenchResult, TargetResult } from '../lib/bench-result.js';
import { formatBytes, formatCount, formatRate, formatRatio, formatSeconds } from './format.js';

const HEADINGS = ['strategy', 'records in', 'records out', 'time', 'memory', 'disk', 'throughput'];

/** The results as rows of text (one per strategy), in the order of {@link HEADINGS}. */
export function resultRows(result: BenchResult): string[][] {
  return result.strategies.map((s) => [
    s.name,
    formatCount(s.recordsIn),
    formatCount(s.recordsOut),
    formatSeconds(s.seconds),
    formatBytes(s.peakMemoryBytes),
    formatBytes(s.diskGrowthBytes),
    formatRate(s.rowsPerSecond),
  ]);
}

/** The results table for the terminal (cli-table3). */
export function renderResultsTable(result: BenchResult): string {
  const table = new Table({ head: HEADINGS, style: { head: [], border: [] } });
  for (const row of resultRows(result)) table.push(row);
  return table.toString();
}

/** The results as a Markdown table (for README.md's benchmark section). */
export function renderResultsMarkdown(result: BenchResult): string {
  const lines = [`| ${HEADINGS.join(' | ')} |`, `|${HEADINGS.map(() => '---').join('|')}|`];
  for (const row of resultRows(result)) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** "build vs naive: 2.10× faster; incremental / build: 4.2%". */
export function describeRatios(result: BenchResult): string {
  const { naiveOverBuild, incrementalOverBuild } = result.ratios;
  const incremental =
    incrementalOverBuild === null ? 'n/a' : `${(incrementalOverBuild * 100).toFixed(1)}%`;
  return `naive / build time: ${formatRatio(naiveOverBuild)} (build faster when > 1); incremental / build time: ${incremental}`;
}

/** One line per target: `PASS`, `FAIL`, or `info` when it applies at another scale. */
export function targetLines(targets: readonly TargetResult[]): string[] {
  return targets.map((t) => {
    const verdict = t.passed === null ? 'info' : t.passed ? 'PASS' : 'FAIL';
    const where = t.passed === null ? ` (judged at ${t.appliesAt})` : '';
    return `${verdict.padEnd(4)}  ${t.description}: ${t.measured}${where}`;
  });
}
