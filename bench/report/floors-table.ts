import Table from 'cli-table3';
import { FLOOR_BOUNDS, boundRows, boundSeconds, type FloorsResult } from '../lib/floors.js';
import { formatCount, formatRate, formatSeconds } from './format.js';

/** The issue 5 targets a floor can rule out: 1M rows/s at 10K messages, 40 s for the 10M build. */
const MIN_ROWS_PER_SECOND = 1_000_000;
const MAX_BUILD_SECONDS = 40;

const HEADINGS = ['step', 'rows', 'time (median)', 'runs (min–max)', 'rows/s', 'what'];

function stepRows(result: FloorsResult): string[][] {
  return result.steps.map((step) => [
    step.name,
    step.rows > 0 ? formatCount(step.rows) : '',
    formatSeconds(step.seconds),
    `${step.runs.length}× (${formatSeconds(Math.min(...step.runs))}–${formatSeconds(Math.max(...step.runs))})`,
    step.rows > 0 && step.seconds > 0 ? formatRate(step.rows / step.seconds) : '',
    step.what,
  ]);
}

/** The floors for the terminal (cli-table3). */
export function renderFloorsTable(result: FloorsResult): string {
  const table = new Table({ head: HEADINGS, style: { head: [], border: [] } });
  for (const row of stepRows(result)) table.push(row);
  return table.toString();
}

/** The floors as a Markdown table (README.md's benchmark section). */
export function renderFloorsMarkdown(result: FloorsResult): string {
  const lines = [`| ${HEADINGS.join(' | ')} |`, `|${HEADINGS.map(() => '---').join('|')}|`];
  for (const row of stepRows(result)) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** One judged bound: the least time some work can take, against the target it must meet. */
export interface FloorVerdict {
  readonly description: string;
  readonly seconds: number;
  readonly target: string;
  /** True when even the floor misses the target: no implementation can meet it here. */
  readonly ruledOut: boolean;
}

/**
 * The bounds judged against the issue 5 target of the result's scale: at medium each writing
 * strategy's floor against 1M rows/s (the scale's messages in 10 ms); at xlarge the full build's
 * floor against 40 s. Other scales judge nothing.
 */
export function floorVerdicts(result: FloorsResult): FloorVerdict[] {
  const verdicts: FloorVerdict[] = [];
  for (const bound of FLOOR_BOUNDS) {
    const seconds = boundSeconds(result, bound);
    if (seconds === null) continue;
    if (result.scale === 'medium') {
      const rows = boundRows(result, bound);
      const budget = rows / MIN_ROWS_PER_SECOND;
      verdicts.push({
        description: `${bound.description}: at least ${formatSeconds(seconds)} (${bound.steps.join(' + ')}), at most ${formatRate(rows / seconds)}`,
        seconds,
        target: `1,000,000 rows/s = ${formatBudget(budget)} for ${formatCount(rows)} rows`,
        ruledOut: seconds > budget,
      });
    } else if (result.scale === 'xlarge' && bound.id === 'build') {
      verdicts.push({
        description: `${bound.description}: at least ${formatSeconds(seconds)} (${bound.steps.join(' + ')})`,
        seconds,
        target: `under ${MAX_BUILD_SECONDS} s`,
        ruledOut: seconds >= MAX_BUILD_SECONDS,
      });
    }
  }
  return verdicts;
}

/** A time budget below 1 s in milliseconds (`0.1 ms`, `10 ms`), else as {@link formatSeconds}. */
function formatBudget(seconds: number): string {
  if (seconds >= 1) return formatSeconds(seconds);
  const ms = seconds * 1000;
  return `${ms < 1 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

/** `RULED OUT  bronze: at least 0.045 s (...) — target 1,000,000 rows/s = 0.010 s ...`. */
export function floorVerdictLines(result: FloorsResult): string[] {
  return floorVerdicts(result).map(
    (v) => `${v.ruledOut ? 'RULED OUT' : 'possible '}  ${v.description}; target ${v.target}`,
  );
}
