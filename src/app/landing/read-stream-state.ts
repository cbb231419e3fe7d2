import type { DuckDBConnection } from '@duckdb/node-api';
import { readScalar } from '../../base/warehouse/read-scalar.js';
import type { StreamState } from './stream-state.js';

/** Reads where the warehouse's stream stands, so that a simulation continues it. */
export async function readStreamState(connection: DuckDBConnection): Promise<StreamState> {
  const partitions = new Map<number, { min: number; max: number; distinct: number }>();
  const reader = await connection.runAndReadAll(
    `select partition_id, min(sequence_id), max(sequence_id), count(distinct sequence_id)
     from raw_messages group by partition_id`,
  );
  for (const [p, min, max, distinct] of reader.getRows()) {
    partitions.set(Number(p), { min: Number(min), max: Number(max), distinct: Number(distinct) });
  }
  const maxCreated = await readScalar(
    connection,
    'select epoch_ms(max(created_at)) from raw_messages',
  );
  return {
    partitions,
    maxCreatedMs: maxCreated === null || maxCreated === undefined ? null : Number(maxCreated),
  };
}
