import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunHeader } from './bench-result.js';
import { median } from './median.js';
import { SCALE_NAMES, incrementalMessages } from './scales.js';

/**
 * The floors: the cheapest form of each piece of work the pipeline's contract cannot
 * skip, as bare DuckDB statements on the landed arrivals. No runner, no macros, no tests, no
 * canonical JSON: a strategy or a build that does this work cannot take less time than its floors
 * on this machine.
 *
 * Each repeat runs the steps in order in one DuckDB instance opened on a fresh, fsynced copy of
 * the landed warehouse. Before each step an untimed `checkpoint` writes out what the previous
 * steps left in the WAL, and `setup` (untimed) declares the table it fills. Every statement
 * commits on its own (autocommit), so a step's time includes its commit.
 *
 * Each step does less than the work it stands for:
 * - tables are declared with the compression methods the models declare (`COMPRESSION`), so
 *   DuckDB skips the same analysis as in the real build;
 * - hashes are SHA-256 of plain text, not of canonical JSON;
 * - survivors are written with the landed columns only (Silver also has the hashes and
 *   `partition_date`), and the dedup step has no watermark;
 * - the transactions have five columns (`silver_transactions` has ten).
 */
/** One row per transaction_id of the survivors: the latest status and amount, and the count. */
const PER_TRANSACTION = `
    select
        transaction_id,
        arg_max(event_type, created_at) as status,
        arg_max(amount, created_at) as amount,
        max(created_at) as updated_at,
        count(*) as event_count
    from floor_silver
    group by transaction_id`;

export const FLOOR_STEPS = [
  {
    name: 'first_write',
    rows: 'none',
    what: 'the first write transaction of a process (an empty table)',
    sql: 'create table floor_first_write (x integer)',
  },
  {
    name: 'commit',
    rows: 'none',
    what: 'a later write transaction of one row: the fixed cost of any model or test that writes',
    sql: 'create table floor_commit as select 1 as x',
  },
  {
    name: 'copy_hashed',
    rows: 'landed',
    what: "write every landed row with Bronze's two SHA-256 (of plain text), as Bronze declares it",
    setup: (landed: string) => [
      `create table floor_bronze (${landed}, composite_hash varchar using compression ${COMPRESSION['composite_hash']}, payload_hash varchar using compression ${COMPRESSION['payload_hash']})`,
    ],
    sql: `insert into floor_bronze
          select
              *,
              sha256(concat_ws('|', message_id, sequence_id, partition_id)),
              sha256(payload)
          from raw_messages`,
  },
  {
    name: 'watermark',
    rows: 'landed',
    what: 'whether each landed row is late: the running greatest earlier created_at, on (_offset, created_at) alone',
    sql: `create temp table floor_watermarks as
          select
              _offset,
              created_at < max(created_at) over (
                  order by _offset rows between unbounded preceding and 1 preceding
              ) - interval 60 minute as is_late,
          from raw_messages`,
  },
  {
    name: 'dedup_narrow',
    rows: 'landed',
    what: 'the first copy of each key, on the key columns and _offset alone (no watermark), in memory',
    sql: `create temp table floor_first_copies as
          select min(_offset) as _offset
          from raw_messages
          group by message_id, sequence_id, partition_id`,
  },
  {
    name: 'copy_survivors',
    rows: 'survivors',
    what: "write Silver's rows (first on-time copy of each key), landed columns only (Silver's write)",
    // Which rows survive is computed untimed from the watermark step, with Silver's semantics
    // (watermark_minutes 60, the project's default): the step times their write only.
    setup: (landed: string) => [
      `create temp table floor_survivors as
          select min(raw_messages._offset) as _offset
          from raw_messages
          join floor_watermarks on raw_messages._offset = floor_watermarks._offset
          where floor_watermarks.is_late is not true
          group by message_id, sequence_id, partition_id`,
      `create table floor_silver (${landed})`,
    ],
    sql: `insert into floor_silver
          select raw_messages.*
          from raw_messages
          semi join floor_survivors on raw_messages._offset = floor_survivors._offset`,
  },
  {
    name: 'uniq_survivors',
    rows: 'survivors',
    what: 'the uniq = total data test the contract requires on the survivors: a distinct count of their keys',
    sql: `select count(*) = count(distinct (message_id, sequence_id, partition_id))
          from floor_silver`,
  },
  {
    name: 'merge_survivors',
    rows: 'survivors',
    what: 'MERGE one row per transaction_id of the survivors into an empty table (the merge strategy)',
    setup: () => [
      `create table floor_merged (
          transaction_id varchar, status varchar, amount decimal(18, 2),
          updated_at timestamptz, event_count bigint
      )`,
    ],
    sql: `merge into floor_merged as target
          using (
${PER_TRANSACTION}
          ) as source
          on target.transaction_id = source.transaction_id
          when matched then update set
              status = source.status,
              amount = source.amount,
              updated_at = source.updated_at,
              event_count = target.event_count + source.event_count
          when not matched then insert values (
              source.transaction_id, source.status, source.amount, source.updated_at,
              source.event_count
          )`,
  },
  {
    name: 'aggregate_transactions',
    rows: 'survivors',
    what: "one row per transaction_id of the survivors into a new table (a full build's first silver_transactions)",
    sql: `create table floor_transactions as ${PER_TRANSACTION}`,
  },
] as const satisfies readonly FloorStep[];

/**
 * The compression methods `bronze_events` and `silver_events` declare (`column_compression`),
 * which `raw_messages` declares too for its own columns; a test checks they still agree.
 */
export const COMPRESSION: Readonly<Record<string, string>> = {
  message_id: 'fsst',
  composite_hash: 'fsst',
  payload_hash: 'fsst',
  transaction_id: 'fsst',
  payload: 'fsst',
  event_type: 'dictionary',
  currency: 'dictionary',
  _source: 'dictionary',
};

/**
 * One floor step: a bare statement, timed with its commit. `setup` (untimed) gets the landed
 * columns declared with {@link COMPRESSION} (`name type [using compression m], …`) and returns
 * the statements to run first.
 */
export interface FloorStep {
  readonly name: string;
  /** What the step reads: the landed rows, Silver's rows, or nothing (a fixed cost). */
  readonly rows: 'landed' | 'survivors' | 'none';
  readonly what: string;
  readonly setup?: (landedColumns: string) => readonly string[];
  readonly sql: string;
}

export type FloorStepName = (typeof FLOOR_STEPS)[number]['name'];

/** One step: its median over the repeats and every repeat's seconds, in run order. */
export interface FloorStepResult {
  readonly name: FloorStepName;
  readonly what: string;
  /** Rows the step reads (landed rows, or the survivors; 0 for the fixed costs). */
  readonly rows: number;
  /** Median over the repeats. */
  readonly seconds: number;
  /** Seconds of each repeat, in run order (`runs[i]` of every step come from repeat i). */
  readonly runs: readonly number[];
}

/** What `npm run bench:floors` writes to `bench/results/floors-<scale>.json`. */
export interface FloorsResult extends RunHeader {
  /** Silver's rows: the first on-time copy of each key. */
  readonly survivors: number;
  readonly steps: readonly FloorStepResult[];
}

/**
 * The floor of a piece of work: the steps it cannot skip (see {@link boundTime}). `rows` is
 * what its throughput counts, as `npm run bench` does: the landed messages, the survivors (the
 * merge strategy reads Silver), or the 1% landed for the incremental build.
 */
export interface FloorBound {
  readonly id: string;
  readonly description: string;
  readonly rows: 'messages' | 'survivors' | 'incremental';
  readonly steps: readonly FloorStepName[];
}

/**
 * What each strategy of `npm run bench` must at least do, in floor steps.
 * - bronze writes every landed row with its two hashes; window computes the watermark, finds the
 *   survivors and writes them; eager writes the survivors (more rows than Silver: it has no watermark; finding them in
 *   TypeScript is not counted); merge merges one row per transaction.
 * - The full build does bronze's, window's and a first silver_transactions' work, and runs the
 *   uniq = total test on Silver's keys, in one fresh process, so it also pays the first write.
 * - The incremental build writes at least once in a fresh process: the first write.
 */
export const FLOOR_BOUNDS: readonly FloorBound[] = [
  { id: 'eager', description: 'eager', rows: 'messages', steps: ['copy_survivors'] },
  { id: 'bronze', description: 'bronze', rows: 'messages', steps: ['copy_hashed'] },
  {
    id: 'window',
    description: 'window',
    rows: 'messages',
    steps: ['watermark', 'dedup_narrow', 'copy_survivors'],
  },
  { id: 'merge', description: 'merge', rows: 'survivors', steps: ['merge_survivors'] },
  {
    id: 'build',
    description: 'full build',
    rows: 'messages',
    steps: [
      'first_write',
      'copy_hashed',
      'watermark',
      'dedup_narrow',
      'copy_survivors',
      'uniq_survivors',
      'aggregate_transactions',
    ],
  },
  {
    id: 'incremental',
    description: 'incremental build',
    rows: 'incremental',
    steps: ['first_write'],
  },
];

/** The rows a bound's throughput counts, from a result's messages and survivors. */
export function boundRows(result: FloorsResult, bound: FloorBound): number {
  if (bound.rows === 'messages') return result.messages;
  if (bound.rows === 'survivors') return result.survivors;
  return incrementalMessages(result.messages);
}

/** A bound's time: the least (for verdicts) and the typical (for reading). */
export interface BoundTime {
  /**
   * The sum of each step's fastest repeat: no repeat was faster at any of its steps, so a target
   * this misses is missed by every repeat measured.
   */
  readonly least: number;
  /** The median over repeats of the repeat's sum of the steps. */
  readonly typical: number;
}

/** A bound's time, or null when a step is missing from the result. */
export function boundTime(result: FloorsResult, bound: FloorBound): BoundTime | null {
  const steps = bound.steps.map((name) => result.steps.find((s) => s.name === name));
  if (steps.some((s) => s === undefined || s.runs.length === 0)) return null;
  const measured = steps as FloorStepResult[];
  const least = measured.reduce((sum, step) => sum + Math.min(...step.runs), 0);
  const repeats = Math.min(...measured.map((s) => s.runs.length));
  const sums = Array.from({ length: repeats }, (_, i) =>
    measured.reduce((sum, step) => sum + step.runs[i]!, 0),
  );
  return { least, typical: median(sums) };
}

/** Every `floors-<scale>.json` in `resultsDir`, in scale order. */
export function readAllFloors(resultsDir: string): FloorsResult[] {
  const found: FloorsResult[] = [];
  for (const scale of SCALE_NAMES) {
    try {
      found.push(
        JSON.parse(readFileSync(join(resultsDir, `floors-${scale}.json`), 'utf8')) as FloorsResult,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return found;
}
