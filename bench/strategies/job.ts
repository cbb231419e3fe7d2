import type { WarehouseSettings } from '../../src/base/warehouse/open-warehouse.js';
import type { JobName, JobReport } from '../lib/bench-task.js';

/** What a job needs to know, inside its child process. */
export interface JobContext {
  /** The warehouse copy to work on. */
  readonly dbPath: string;
  /** The project whose models are built (the repository root). */
  readonly projectDir: string;
  /** DuckDB `memory_limit` and `threads`, passed to every warehouse the job opens. */
  readonly settings: WarehouseSettings;
  /** Messages to simulate: the scale's for `simulate`, the 1% extra batch's for `land-more`. */
  readonly messages: number;
  readonly seed: number;
}

/**
 * Accumulates a job's measured seconds. Only what runs inside `time(...)` (or is `add`ed) counts;
 * counting records in and out, opening the warehouse to count, and the final CHECKPOINT stay outside.
 */
export interface Timer {
  /** Runs `work` and adds its duration. */
  time<T>(work: () => Promise<T>): Promise<T>;
  /** Adds seconds measured elsewhere (the runner's own per-model timing). */
  add(seconds: number): void;
}

/** One benchmark job: a strategy to measure, or a preparation step. */
export interface Job {
  readonly name: JobName;
  run(context: JobContext, timer: Timer): Promise<JobReport>;
}
