/**
 * Materialises the reference model's relations as plain tables with the contract's names and column
 * types, from the landed `raw_messages`. Used only to test the harness itself (that
 * {@link readPipeline} reads back exactly what a correct pipeline holds), never to test the models.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../../src/base/warehouse/quote.js';
import { formatCents, type ReferenceResult } from './pipeline-reference.js';

function offsets(list: readonly { offset: number }[]): string {
  return list.length === 0 ? 'NULL' : list.map((r) => r.offset).join(', ');
}

function ts(ms: number): string {
  return `${quoteLiteral(new Date(ms).toISOString())}::TIMESTAMPTZ`;
}

function text(value: string | null): string {
  return value === null ? 'NULL' : quoteLiteral(value);
}

/** Creates `bronze_events` … `audit_reconciliation` holding the reference result. */
export async function materialiseReference(
  connection: DuckDBConnection,
  reference: ReferenceResult,
): Promise<void> {
  await connection.run(`create or replace table bronze_events as
    select *,
        sha256(message_id || '|' || sequence_id || '|' || partition_id) as composite_hash,
        sha256(payload::VARCHAR) as payload_hash,
        (created_at at time zone 'UTC')::DATE as partition_date
    from raw_messages`);
  await connection.run(
    `create or replace table silver_events as select * from bronze_events where _offset in (${offsets(reference.silverEvents)})`,
  );
  const watermarks = reference.lateEvents.map((r) => `(${r.offset}, ${ts(r.watermarkMs)})`);
  await connection.run(`create or replace table silver_late_events as
    select b.*, w.watermark from bronze_events as b
    join (select * from (values ${watermarks.length ? watermarks.join(', ') : '(NULL, NULL::TIMESTAMPTZ)'}) as v(o, watermark)) as w
        on b._offset = w.o`);
  await connection.run(`create or replace table silver_transactions (transaction_id VARCHAR, status VARCHAR,
    amount DECIMAL(18,2), currency VARCHAR, customer_id VARCHAR, last_message_id VARCHAR, updated_at TIMESTAMPTZ,
    event_count BIGINT)`);
  for (const t of reference.transactions) {
    await connection.run(`insert into silver_transactions values (${text(t.transactionId)}, ${text(t.status)},
      ${formatCents(t.amountCents)}, ${text(t.currency)}, ${text(t.customerId)}, ${text(t.lastMessageId)},
      ${ts(t.updatedAtMs)}, ${t.eventCount})`);
  }
  await connection.run(`create or replace table gold_daily_revenue (day DATE, currency VARCHAR, transactions BIGINT,
    captured_amount DECIMAL(38,2), refunded_amount DECIMAL(38,2))`);
  for (const d of reference.dailyRevenue) {
    await connection.run(`insert into gold_daily_revenue values (${quoteLiteral(d.day)}, ${text(d.currency)},
      ${d.transactions}, ${formatCents(d.capturedCents)}, ${formatCents(d.refundedCents)})`);
  }
  await connection.run(`create or replace table audit_duplicates (composite_hash VARCHAR, message_id VARCHAR,
    sequence_id BIGINT, partition_id INTEGER, copies BIGINT, first_offset BIGINT, last_offset BIGINT,
    distinct_payloads BIGINT)`);
  for (const d of reference.duplicates) {
    await connection.run(`insert into audit_duplicates values (${text(d.compositeHash)}, ${text(d.messageId)},
      ${d.sequenceId}, ${d.partitionId}, ${d.copies}, ${d.firstOffset}, ${d.lastOffset}, ${d.distinctPayloads})`);
  }
  await connection.run(
    `create or replace table audit_health (metric VARCHAR, value DOUBLE, threshold DOUBLE, status VARCHAR)`,
  );
  for (const [metric, value] of Object.entries(reference.health)) {
    await connection.run(`insert into audit_health values (${text(metric)}, ${value}, NULL, 'ok')`);
  }
  await connection.run(
    `insert into audit_health select 'rejected_lines', count(*), NULL, 'ok' from raw_rejected`,
  );
  await connection.run(`create or replace table audit_reconciliation as
    select check_name, expected, actual, expected = actual as passed
    from (
        select
            'bronze rows = landed rows' as check_name,
            (select count(*) from raw_messages) as expected,
            (select count(*) from bronze_events) as actual
    )`);
}
