import type { StrategyName } from '../lib/bench-task.js';

/** One row of the lab table (Python/Polars/Delta Lake, 10,000 messages, ~10% duplicates) we compare against. */
export interface LabRow {
  /** The lab's name for the pattern. */
  readonly pattern: string;
  /** Our strategy doing the same job. */
  readonly strategy: StrategyName;
  readonly records: number;
  readonly seconds: number;
  readonly memoryMb: number;
  readonly diskMb: number;
  /** The lab's throughput, as it reported it (records in per second). */
  readonly rowsPerSecond: number;
}

/** The lab table, each row paired with the strategy of ours that does the same job. */
export const LAB_BASELINE: readonly LabRow[] = [
  {
    pattern: 'eager dedup (hash set at ingestion)',
    strategy: 'eager',
    records: 9_999,
    seconds: 0.337,
    memoryMb: 145,
    diskMb: 1.15,
    rowsPerSecond: 32_000,
  },
  {
    pattern: 'Bronze append (everything, + hashes, partitioned)',
    strategy: 'bronze',
    records: 10_992,
    seconds: 0.098,
    memoryMb: 167,
    diskMb: 1.87,
    rowsPerSecond: 112_000,
  },
  {
    pattern: 'merge in a dataframe (sort + unique, last wins)',
    strategy: 'window',
    records: 9_999,
    seconds: 0.024,
    memoryMb: 170,
    diskMb: 1.15,
    rowsPerSecond: 453_000,
  },
  {
    pattern: 'Delta Lake MERGE',
    strategy: 'merge',
    records: 10_097,
    seconds: 0.66,
    memoryMb: 238,
    diskMb: 1.15,
    rowsPerSecond: 16_000,
  },
];
