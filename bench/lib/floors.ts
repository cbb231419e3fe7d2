import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './bench-result.js';
import { SCALE_NAMES, incrementalMessages, type ScaleName } from './scales.js';

/**
 * The floors: the cheapest form of each piece of work the pipeline's contract (issue 4) cannot
 * skip, as bare DuckDB statements on the landed arrivals. No runner, no macros, no tests: a
 * strategy or a build that does this work cannot take less time than its floors on this machine.
 *
 * Each step runs after the previous ones, on the tables they made, in one DuckDB instance per
 * repeat opened on a fresh copy of the landed warehouse; every statement commits on its own
 * (autocommit), so a step's time includes its commit.
 */
export const FLOOR_STEPS = [
  {
    name: 'first_write',
    what: "the first write transaction of a process (an empty table): DuckDB's cost grows with the file",
    sql: 'create table floor_first_write (x integer)',
  },
  {
    name: 'commit',
    what: 'a later write transaction of one row: the fixed cost of any model or test that writes',
    sql: 'create table floor_commit as select 1 as x',
  },
  {
    name: 'copy_landed',
    what: 'copy every landed row, all columns, into a new table (Bronze without hashes)',
    sql: 'create table floor_bronze as select * from raw_messages',
  },
  {
    name: 'copy_hashed',
    what: "copy every landed row with Bronze's two SHA-256 (plain text, no canonical JSON)",
    sql: `create table floor_bronze_hashed as
          select
              *,
              sha256(concat_ws('|', message_id, sequence_id, partition_id)) as composite_hash,
              sha256(payload) as payload_hash
          from raw_messages`,
  },
  {
    name: 'dedup_narrow',
    what: 'the first copy of each key on the key columns and _offset alone (no watermark), in memory',
    sql: `create temp table floor_survivors as
          select min(_offset) as _offset
          from floor_bronze
          group by message_id, sequence_id, partition_id`,
  },
  {
    name: 'copy_survivors',
    what: "write the surviving rows, landed columns only, into a new table (Silver's write)",
    sql: `create table floor_silver as
          select floor_bronze.*
          from floor_bronze
          semi join floor_survivors on floor_bronze._offset = floor_survivors._offset`,
  },
  {
    name: 'merge_survivors',
    what: 'MERGE one row per transaction_id of the survivors into an empty table (the merge strategy)',
    setup: `create table floor_transactions (
              transaction_id varchar, status varchar, amount decimal(18, 2),
              updated_at timestamptz, event_count bigint
            )`,
    sql: `merge into floor_transactions as target
          using (
              select
                  transaction_id,
                  arg_max(event_type, created_at) as status,
                  arg_max(amount, created_at) as amount,
                  max(created_at) as updated_at,
                  count(*) as event_count
              from floor_silver
              group by transaction_id
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
] as const satisfies readonly FloorStep[];

/** One floor step: a bare statement, timed with its commit; `setup` runs before it, untimed. */
export interface FloorStep {
  readonly name: string;
  readonly what: string;
  readonly setup?: string;
  readonly sql: string;
}

export type FloorStepName = (typeof FLOOR_STEPS)[number]['name'];

/** One step: its median over the repeats and every repeat's seconds, in run order. */
export interface FloorStepResult {
  readonly name: FloorStepName;
  readonly what: string;
  /** Rows the step reads (landed rows, or the survivors; 0 for the fixed costs). */
  readonly rows: number;
  readonly seconds: number;
  readonly runs: readonly number[];
}

/** What `npm run bench:floors` writes to `bench/results/floors-<scale>.json`. */
export interface FloorsResult {
  readonly scale: ScaleName;
  readonly messages: number;
  readonly seed: number;
  readonly repeat: number;
  /** ISO timestamp of the end of the run. */
  readonly date: string;
  readonly machine: MachineInfo;
  readonly settings: { readonly memoryLimit: string | null; readonly threads: number | null };
  /** Rows that survive the narrow dedup (first copy of each key). */
  readonly survivors: number;
  readonly steps: readonly FloorStepResult[];
}

/**
 * The floor of a piece of work: the sum of the medians of the steps it cannot skip. `rows` is
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
 * What each strategy of `npm run bench` must at least do, in floor steps. Each step does less
 * than the real work: plain-text hashes instead of canonical JSON, no watermark, survivors
 * without their hash columns, a MERGE of five columns.
 * - bronze writes every landed row with its two hashes; window finds the survivors and writes
 *   them; eager writes the survivors (finding them in TypeScript is not counted); merge merges
 *   one row per transaction.
 * - The full build does all of these in one fresh process, so it also pays the first write.
 * - The incremental build writes at least once in a fresh process: the first write.
 */
export const FLOOR_BOUNDS: readonly FloorBound[] = [
  { id: 'eager', description: 'eager', rows: 'messages', steps: ['copy_survivors'] },
  { id: 'bronze', description: 'bronze', rows: 'messages', steps: ['copy_hashed'] },
  {
    id: 'window',
    description: 'window',
    rows: 'messages',
    steps: ['dedup_narrow', 'copy_survivors'],
  },
  { id: 'merge', description: 'merge', rows: 'survivors', steps: ['merge_survivors'] },
  {
    id: 'build',
    description: 'full build',
    rows: 'messages',
    steps: ['first_write', 'copy_hashed', 'dedup_narrow', 'copy_survivors', 'merge_survivors'],
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

/** Seconds of a bound: the sum of its steps' medians (`null` when a step is missing). */
export function boundSeconds(result: FloorsResult, bound: FloorBound): number | null {
  let total = 0;
  for (const name of bound.steps) {
    const step = result.steps.find((s) => s.name === name);
    if (!step) return null;
    total += step.seconds;
  }
  return total;
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
