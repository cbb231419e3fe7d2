import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../../base/warehouse/quote.js';
import { timestampLiteral } from '../landing/ledger.js';

/** Where a consumer of a stream stands in the warehouse. */
export interface StreamCheckpoint {
  /** When the broker created the stream: a stream deleted and made again restarts its sequences. */
  readonly streamCreatedAt: Date;
  /** The last stream sequence landed (0 before the first). */
  readonly lastSequence: number;
}

/** The checkpoint of `consumer` on `stream`, or undefined before its first batch. */
export async function readCheckpoint(
  connection: DuckDBConnection,
  stream: string,
  consumer: string,
): Promise<StreamCheckpoint | undefined> {
  const reader = await connection.runAndReadAll(
    `select epoch_ms(stream_created_at), last_sequence from raw_stream_checkpoints
     where stream = ${quoteLiteral(stream)} and consumer = ${quoteLiteral(consumer)}`,
  );
  const row = reader.getRows()[0];
  if (!row) return undefined;
  return { streamCreatedAt: new Date(Number(row[0])), lastSequence: Number(row[1]) };
}

/** Moves the checkpoint to `lastSequence`; call inside the batch's transaction. */
export async function writeCheckpoint(
  connection: DuckDBConnection,
  at: { stream: string; consumer: string; batchId: number; updatedAt: Date },
  checkpoint: StreamCheckpoint,
): Promise<void> {
  const key = `stream = ${quoteLiteral(at.stream)} and consumer = ${quoteLiteral(at.consumer)}`;
  await connection.run(`delete from raw_stream_checkpoints where ${key}`);
  await connection.run(
    `insert into raw_stream_checkpoints values (${[
      quoteLiteral(at.stream),
      quoteLiteral(at.consumer),
      timestampLiteral(checkpoint.streamCreatedAt),
      checkpoint.lastSequence,
      at.batchId,
      timestampLiteral(at.updatedAt),
    ].join(', ')})`,
  );
}
