/**
 * Reads the pipeline relations of a built warehouse into plain, comparable values, and projects the
 * reference model's result into the same shape, so a test compares both with one `toEqual`.
 *
 * Values are normalised by meaning rather than by SQL type: timestamps as epoch milliseconds, dates
 * as `YYYY-MM-DD`, money as integer hundredths, counts as numbers. Column types are the models'
 * choice; the values are the contract.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { withWarehouse } from '../../src/base/warehouse/open-warehouse.js';
import { quoteIdentifier, quoteLiteral } from '../../src/base/warehouse/quote.js';
import type { ReferenceResult } from './pipeline-reference.js';

/** The relations of the exactly-once pipeline, in build order. */
export const PIPELINE_RELATIONS = [
  'bronze_events',
  'silver_events',
  'silver_late_events',
  'silver_transactions',
  'gold_daily_revenue',
  'audit_duplicates',
  'audit_health',
  'audit_reconciliation',
] as const;

/** The relations that must be identical however the arrivals were split into loads. */
export const SPLIT_INVARIANT_RELATIONS = [
  'silver_events',
  'silver_late_events',
  'silver_transactions',
  'gold_daily_revenue',
  'audit_health',
] as const;

export interface EventRow {
  offset: number;
  messageId: string;
  sequenceId: number;
  partitionId: number;
  createdAtMs: number;
  transactionId: string;
  eventType: string;
  amountCents: number;
  currency: string;
  customerId: string | null;
  payload: string;
  compositeHash: string;
  partitionDate: string;
}

export interface LateRow extends EventRow {
  watermarkMs: number;
}

export interface TransactionRow {
  transactionId: string;
  status: string;
  amountCents: number;
  currency: string;
  customerId: string | null;
  lastMessageId: string;
  updatedAtMs: number;
  eventCount: number;
}

export interface RevenueRow {
  day: string;
  currency: string;
  transactions: number;
  capturedCents: number;
  refundedCents: number;
}

export interface DuplicateRow {
  compositeHash: string;
  messageId: string;
  sequenceId: number;
  partitionId: number;
  copies: number;
  firstOffset: number;
  lastOffset: number;
  distinctPayloads: number;
}

/** Everything the reference model predicts, in the reference model's order. */
export interface PipelineSnapshot {
  bronze: EventRow[];
  silverEvents: EventRow[];
  lateEvents: LateRow[];
  transactions: TransactionRow[];
  dailyRevenue: RevenueRow[];
  duplicates: DuplicateRow[];
  /** The counting metrics of `audit_health`, by metric name. */
  health: Record<string, number>;
}

const EVENT_COLUMNS = `
    _offset::BIGINT as "offset",
    message_id as "messageId",
    sequence_id::BIGINT as "sequenceId",
    partition_id::BIGINT as "partitionId",
    epoch_ms(created_at) as "createdAtMs",
    transaction_id as "transactionId",
    event_type as "eventType",
    round(amount * 100)::BIGINT as "amountCents",
    currency,
    customer_id as "customerId",
    payload::VARCHAR as payload,
    composite_hash as "compositeHash",
    partition_date::DATE::VARCHAR as "partitionDate"`;

/** The health metrics the reference model counts exactly. */
export const COUNTED_HEALTH_METRICS = [
  'total_messages',
  'unique_messages',
  'duplicate_messages',
  'late_messages',
  'out_of_order_messages',
  'missing_sequences',
  'payload_conflicts',
  'rejected_lines',
] as const;

/** Runs `sql` and returns its rows with BIGINTs as numbers and everything else JSON-like. */
export async function queryRows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  const types = reader.columnTypes().map((t) => t.toString());
  const names = reader.columnNames();
  return reader.getRowObjectsJson().map((row) => {
    const out: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const value = row[name];
      const type = types[i] ?? '';
      out[name] =
        value !== null && /^(BIGINT|HUGEINT|INTEGER|UBIGINT|SMALLINT)$/.test(type)
          ? Number(value)
          : value;
    });
    return out;
  });
}

/** Reads the built pipeline of a warehouse into a {@link PipelineSnapshot}. */
export async function readPipeline(connection: DuckDBConnection): Promise<PipelineSnapshot> {
  const bronze = await queryRows(
    connection,
    `select ${EVENT_COLUMNS} from bronze_events order by _offset`,
  );
  const silverEvents = await queryRows(
    connection,
    `select ${EVENT_COLUMNS} from silver_events order by _offset`,
  );
  const lateEvents = await queryRows(
    connection,
    `select ${EVENT_COLUMNS}, epoch_ms(watermark) as "watermarkMs" from silver_late_events order by _offset`,
  );
  const transactions = await queryRows(
    connection,
    `select transaction_id as "transactionId", status, round(amount * 100)::BIGINT as "amountCents", currency,
        customer_id as "customerId", last_message_id as "lastMessageId", epoch_ms(updated_at) as "updatedAtMs",
        event_count::BIGINT as "eventCount"
     from silver_transactions order by transaction_id`,
  );
  const dailyRevenue = await queryRows(
    connection,
    `select day::DATE::VARCHAR as day, currency, transactions::BIGINT as transactions,
        round(captured_amount * 100)::BIGINT as "capturedCents", round(refunded_amount * 100)::BIGINT as "refundedCents"
     from gold_daily_revenue order by day, currency`,
  );
  const duplicates = await queryRows(
    connection,
    `select composite_hash as "compositeHash", message_id as "messageId", sequence_id::BIGINT as "sequenceId",
        partition_id::BIGINT as "partitionId", copies::BIGINT as copies, first_offset::BIGINT as "firstOffset",
        last_offset::BIGINT as "lastOffset", distinct_payloads::BIGINT as "distinctPayloads"
     from audit_duplicates order by first_offset`,
  );
  const healthRows = await queryRows(
    connection,
    `select metric, value::DOUBLE as value from audit_health`,
  );
  const health: Record<string, number> = {};
  for (const row of healthRows) {
    const metric = String(row['metric']);
    if ((COUNTED_HEALTH_METRICS as readonly string[]).includes(metric))
      health[metric] = Number(row['value']);
  }
  return {
    bronze: bronze as unknown as EventRow[],
    silverEvents: silverEvents as unknown as EventRow[],
    lateEvents: lateEvents as unknown as LateRow[],
    transactions: transactions as unknown as TransactionRow[],
    dailyRevenue: dailyRevenue as unknown as RevenueRow[],
    duplicates: duplicates as unknown as DuplicateRow[],
    health,
  };
}

/**
 * The reference model's result in the shape of {@link readPipeline}. `rejectedLines` (default 0) is
 * the number of malformed lines landed, which the reference model never sees.
 */
export function snapshotOfReference(
  reference: ReferenceResult,
  rejectedLines = 0,
): PipelineSnapshot {
  const event = (r: ReferenceResult['bronze'][number]): EventRow => ({
    offset: r.offset,
    messageId: r.messageId,
    sequenceId: r.sequenceId,
    partitionId: r.partitionId,
    createdAtMs: r.createdAtMs,
    transactionId: r.transactionId,
    eventType: r.eventType,
    amountCents: r.amountCents,
    currency: r.currency,
    customerId: r.customerId,
    payload: r.payload,
    compositeHash: r.compositeHash,
    partitionDate: r.partitionDate,
  });
  return {
    bronze: reference.bronze.map(event),
    silverEvents: reference.silverEvents.map(event),
    lateEvents: reference.lateEvents.map((r) => ({ ...event(r), watermarkMs: r.watermarkMs })),
    transactions: reference.transactions.map((t) => ({ ...t })),
    dailyRevenue: reference.dailyRevenue.map((d) => ({ ...d })),
    duplicates: reference.duplicates.map((d) => ({ ...d })),
    health: { ...reference.health, rejected_lines: rejectedLines },
  };
}

/**
 * Checks that `payload_hash` in `bronze_events` is equal exactly when the canonical payload content
 * is equal: returns a description of every violation (empty when none).
 */
export async function payloadHashViolations(
  connection: DuckDBConnection,
  canonicalByOffset: ReadonlyMap<number, string>,
): Promise<string[]> {
  const rows = await queryRows(
    connection,
    `select _offset::BIGINT as o, payload_hash::VARCHAR as h from bronze_events`,
  );
  const hashByCanonical = new Map<string, string>();
  const canonicalByHash = new Map<string, string>();
  const violations: string[] = [];
  for (const row of rows) {
    const offset = Number(row['o']);
    const hash = String(row['h']);
    const canonical = canonicalByOffset.get(offset);
    if (canonical === undefined) {
      violations.push(`offset ${offset} is in bronze_events but was never landed`);
      continue;
    }
    const seenHash = hashByCanonical.get(canonical);
    if (seenHash !== undefined && seenHash !== hash)
      violations.push(`offset ${offset}: same content, another payload_hash`);
    const seenCanonical = canonicalByHash.get(hash);
    if (seenCanonical !== undefined && seenCanonical !== canonical) {
      violations.push(`offset ${offset}: other content, same payload_hash`);
    }
    hashByCanonical.set(canonical, hash);
    canonicalByHash.set(hash, canonical);
  }
  return violations;
}

/** Rows of `audit_reconciliation` that did not pass. */
export async function failedReconciliations(
  connection: DuckDBConnection,
): Promise<Record<string, unknown>[]> {
  return queryRows(
    connection,
    `select * from audit_reconciliation where not passed order by check_name`,
  );
}

/**
 * Dumps whole relations for run-to-run comparisons: every column but `exclude`, all rows ordered by
 * all columns (so the order is total and independent of how the rows were written).
 */
export async function dumpRelations(
  connection: DuckDBConnection,
  relations: readonly string[],
  exclude: readonly string[] = [],
): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const relation of relations) {
    const columns = await queryRows(
      connection,
      `select column_name as c from information_schema.columns where table_name = ${quoteLiteral(relation)}
       order by ordinal_position`,
    );
    const kept = columns.map((c) => String(c['c'])).filter((c) => !exclude.includes(c));
    if (kept.length === 0)
      throw new Error(`relation ${relation} does not exist or has no columns left`);
    dump[relation] = await queryRows(
      connection,
      `select ${kept.map(quoteIdentifier).join(', ')} from ${quoteIdentifier(relation)} order by all`,
    );
  }
  return dump;
}

/** {@link dumpRelations} of the warehouse file at `dbPath`, opened read-only for the dump. */
export function dumpWarehouseFile(
  dbPath: string,
  relations: readonly string[],
  exclude: readonly string[] = [],
): Promise<Record<string, unknown[]>> {
  return withWarehouse(dbPath, { readOnly: true }, ({ connection }) =>
    dumpRelations(connection, relations, exclude),
  );
}
