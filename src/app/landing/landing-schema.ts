import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * The landing tables, whose schemas are a contract the pipeline models read as sources:
 * `raw_messages` (accepted messages), `raw_rejected` (rejected lines), `raw_loads` (the ledger, one row
 * per landed file or simulation) and `raw_simulations` (the simulator's ground truth per batch).
 */
const LANDING_DDL: readonly string[] = [
  `create table if not exists raw_messages (
    _offset BIGINT NOT NULL,
    message_id VARCHAR NOT NULL USING COMPRESSION fsst,
    sequence_id BIGINT NOT NULL,
    partition_id INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    transaction_id VARCHAR NOT NULL USING COMPRESSION fsst,
    event_type VARCHAR NOT NULL USING COMPRESSION dictionary,
    amount DECIMAL(18,2) NOT NULL,
    currency VARCHAR NOT NULL USING COMPRESSION dictionary,
    customer_id VARCHAR,
    payload JSON NOT NULL USING COMPRESSION fsst,
    _batch_id BIGINT NOT NULL,
    _source VARCHAR NOT NULL USING COMPRESSION dictionary,
    _line BIGINT NOT NULL,
    _loaded_at TIMESTAMPTZ NOT NULL
  )`,
  `create table if not exists raw_rejected (
    _batch_id BIGINT,
    _source VARCHAR,
    _line BIGINT,
    raw_line VARCHAR,
    reason VARCHAR,
    _loaded_at TIMESTAMPTZ
  )`,
  `create table if not exists raw_loads (
    batch_id BIGINT,
    kind VARCHAR,
    source VARCHAR,
    content_sha256 VARCHAR,
    lines_read BIGINT,
    accepted BIGINT,
    rejected BIGINT,
    first_offset BIGINT,
    last_offset BIGINT,
    replay_of BIGINT,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    duration_ms BIGINT
  )`,
  `create table if not exists raw_simulations (
    batch_id BIGINT,
    seed BIGINT,
    messages BIGINT,
    unique_messages BIGINT,
    redeliveries BIGINT,
    payload_conflicts BIGINT,
    missing_sequences BIGINT,
    late_messages BIGINT,
    out_of_order_messages BIGINT,
    transactions BIGINT,
    malformed_lines BIGINT,
    partitions INTEGER,
    duplicate_rate DOUBLE,
    out_of_order_rate DOUBLE,
    missing_rate DOUBLE,
    late_rate DOUBLE,
    conflict_rate DOUBLE,
    malformed_rate DOUBLE,
    watermark_minutes INTEGER,
    start_at TIMESTAMPTZ
  )`,
];

/**
 * Creates the landing tables in the warehouse's main schema when they do not exist (idempotent;
 * existing tables and their rows are left as they are). Used by the loader and the simulator.
 */
export async function ensureLandingTables(connection: DuckDBConnection): Promise<void> {
  for (const ddl of LANDING_DDL) await connection.run(ddl);
}
