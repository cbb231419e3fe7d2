import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The tables a stream consumer keeps beside the landing tables:
 * - `raw_stream_checkpoints`: per stream and consumer, the last stream sequence landed. The
 *   warehouse owns the position, as a Kafka sink that stores its offsets with its data: it is
 *   written in the same transaction as the batch, so that it can never be ahead of or behind the
 *   rows it stands for, whatever the broker believes was acknowledged.
 * - `raw_stream_deliveries`: one row per landed stream message, accepted or rejected: its stream
 *   sequence, how often the broker had delivered it, when it was published and when it landed.
 *   `_offset` joins it to `raw_messages` (null for a rejected message, which `raw_rejected` holds
 *   with the stream sequence as `_line`).
 * - `raw_stream_batches`: one row per landed batch and consumer: its sequences, counts, the
 *   redeliveries skipped in its fetch, and the stream's last sequence as it landed, so that the
 *   consumer's lag at any batch (`stream_last_sequence - last_sequence`) can be read back later by
 *   `npm run health`; null when the broker did not say. A warehouse made before this table gets it
 *   empty: its health figures count the batches recorded since.
 */
const STREAM_DDL: readonly string[] = [
  `create table if not exists raw_stream_checkpoints (
    stream VARCHAR NOT NULL,
    consumer VARCHAR NOT NULL,
    stream_created_at TIMESTAMPTZ NOT NULL,
    last_sequence BIGINT NOT NULL,
    last_batch_id BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  )`,
  `create table if not exists raw_stream_deliveries (
    _batch_id BIGINT NOT NULL,
    stream VARCHAR NOT NULL,
    stream_sequence BIGINT NOT NULL,
    delivery_count INTEGER NOT NULL,
    _offset BIGINT,
    published_at TIMESTAMPTZ,
    landed_at TIMESTAMPTZ NOT NULL
  )`,
  `create table if not exists raw_stream_batches (
    _batch_id BIGINT NOT NULL,
    stream VARCHAR NOT NULL,
    consumer VARCHAR NOT NULL,
    first_sequence BIGINT NOT NULL,
    last_sequence BIGINT NOT NULL,
    accepted INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    skipped_redeliveries INTEGER NOT NULL,
    stream_last_sequence BIGINT,
    landed_at TIMESTAMPTZ NOT NULL
  )`,
];

/** Creates the stream tables when they do not exist (idempotent). */
export async function ensureStreamTables(connection: DuckDBConnection): Promise<void> {
  for (const ddl of STREAM_DDL) await connection.run(ddl);
}
