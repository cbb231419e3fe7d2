import type { ParquetColumn } from './parquet-row-group.js';

/**
 * The columns a simulation is staged in: the generator's numbers only, in the order of
 * `SimulatedRow`'s fields. DuckDB builds the strings (ids, timestamps, payload JSON) from them in
 * parallel, far faster than JavaScript could build and ship the JSON text. Numbers that can grow
 * past 2^31 with the run or the warehouse's stream are DOUBLEs (exact integers below 2^53, cast
 * back to BIGINT in SQL); the codes, partition, amount and customer number are bounded by the
 * generator.
 */
export const STAGED_COLUMNS: readonly ParquetColumn[] = [
  { name: 'ordinal', type: 'DOUBLE' },
  { name: 'message_no', type: 'DOUBLE' },
  { name: 'sequence_id', type: 'DOUBLE' },
  { name: 'partition_id', type: 'INT32' },
  { name: 'created_ms', type: 'DOUBLE' },
  { name: 'transaction_no', type: 'DOUBLE' },
  { name: 'event_type_code', type: 'INT32' },
  { name: 'amount_cents', type: 'INT32' },
  { name: 'currency_code', type: 'INT32' },
  { name: 'customer_no', type: 'INT32' },
  { name: 'method_code', type: 'INT32' },
  { name: 'reserialised', type: 'INT32' },
];
