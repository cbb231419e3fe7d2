import type { WarehouseSettings } from '../../src/base/warehouse/open-warehouse.js';

/** The jobs a benchmark child process can run: the measured strategies and one preparation step. */
export const STRATEGY_NAMES = [
  'simulate',
  'eager',
  'bronze',
  'window',
  'merge',
  'naive',
  'build',
  'incremental',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** `land-more`: lands 1% more arrivals continuing the stream (prepares the incremental run, not measured). */
export type JobName = StrategyName | 'land-more';

/** What the parent asks one child process to do (serialised as JSON into a task file). */
export interface BenchTask {
  readonly job: JobName;
  /** The warehouse copy the job works on (created by `simulate`). */
  readonly dbPath: string;
  /** The dbt-style project to build (the repository root). */
  readonly projectDir: string;
  /** DuckDB `memory_limit` / `threads` for every warehouse the job opens. */
  readonly settings: WarehouseSettings;
  /** Messages of the scale (simulate) or of the 1% extra batch (land-more). */
  readonly messages: number;
  readonly seed: number;
  /** Where the child writes its {@link TaskOutcome} as JSON. */
  readonly resultPath: string;
}

/** Counts a job reports; `details` holds extra numbers worth keeping (per-model seconds, late rows...). */
export interface JobReport {
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly details?: Readonly<Record<string, number | string>>;
}

/** One measured run of a job, as written by the child process. */
export interface RunMeasurement extends JobReport {
  /** Seconds of the measured work only (setup and counting excluded), from `performance.now()`. */
  readonly seconds: number;
  /** The child's peak resident memory (`process.resourceUsage().maxRSS`), in bytes. */
  readonly maxRssBytes: number;
  /** Warehouse file size (plus WAL) before the work and after it, after a CHECKPOINT. */
  readonly dbBytesBefore: number;
  readonly dbBytesAfter: number;
}

/** What the child writes: a measurement, or the error that stopped it. */
export type TaskOutcome =
  | { readonly ok: true; readonly run: RunMeasurement }
  | { readonly ok: false; readonly error: string };
