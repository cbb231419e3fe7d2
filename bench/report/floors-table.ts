import Table from 'cli-table3';
import { FLOOR_BOUNDS, boundRows, boundTime, type FloorsResult } from '../lib/floors.js';
import { formatCount, formatRate, formatSeconds } from './format.js';

/** The targets a floor can rule out: 1M rows/s at 10K messages, 40 s for the 10M build. */
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
  /** The sum of each step's fastest repeat (what the verdict uses). */
  readonly least: number;
  /** The median over repeats of the steps' sum. */
  readonly typical: number;
  readonly target: string;
  /** True when even the least time misses the target: no implementation can meet it here. */
  readonly ruledOut: boolean;
}

/**
 * The bounds judged against the target of the result's scale: at medium each strategy's
 * floor against 1M rows/s (its rows in 10 ms); at xlarge the full build's floor against 40 s.
 * Other scales judge nothing. A target is ruled out only when the least time (each step's fastest
 * repeat) misses it.
 */
export function floorVerdicts(result: FloorsResult): FloorVerdict[] {
  const verdicts: FloorVerdict[] = [];
  for (const bound of FLOOR_BOUNDS) {
    const time = boundTime(result, bound);
    if (time === null) continue;
    const steps = bound.steps.join(' + ');
    if (result.scale === 'medium') {
      const rows = boundRows(result, bound);
      const budget = rows / MIN_ROWS_PER_SECOND;
      verdicts.push({
        description: `${bound.description}: at least ${formatBudget(time.least)}, typically ${formatBudget(time.typical)} (${steps}), so at most ${formatRate(rows / time.least)}`,
        ...time,
        target: `1,000,000 rows/s = ${formatBudget(budget)} for ${formatCount(rows)} rows`,
        ruledOut: time.least > budget,
      });
    } else if (result.scale === 'xlarge' && bound.id === 'build') {
      verdicts.push({
        description: `${bound.description}: at least ${formatSeconds(time.least)}, typically ${formatSeconds(time.typical)} (${steps})`,
        ...time,
        target: `under ${MAX_BUILD_SECONDS} s`,
        ruledOut: time.least >= MAX_BUILD_SECONDS,
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
