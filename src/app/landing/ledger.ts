import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../../base/warehouse/quote.js';
import { readScalar } from '../../base/warehouse/read-scalar.js';

/** One row of the `raw_loads` ledger. Offsets are null when nothing was accepted. */
export interface LoadRecord {
  readonly batchId: number;
  readonly kind: 'file' | 'simulation' | 'stream';
  readonly source: string;
  readonly contentSha256: string;
  readonly linesRead: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly firstOffset: number | null;
  readonly lastOffset: number | null;
  readonly replayOf: number | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/** Where the next batch goes: its id (1, 2, 3, ...) and the first free `_offset` (1 in a new warehouse). */
export interface NextBatch {
  readonly batchId: number;
  readonly firstOffset: number;
}

/**
 * Reads the next batch id and offset; call inside the batch's transaction. The offset continues
 * after the highest one ever landed, by `raw_messages` or by the ledger, so that an offset is never
 * given twice even if rows were deleted from `raw_messages` by hand.
 */
export async function nextBatch(connection: DuckDBConnection): Promise<NextBatch> {
  const lastBatch = Number(
    await readScalar(connection, 'select coalesce(max(batch_id), 0) from raw_loads'),
  );
  const lastOffset = Number(
    await readScalar(
      connection,
      `select greatest(
          coalesce((select max(_offset) from raw_messages), 0),
          coalesce((select max(last_offset) from raw_loads), 0))`,
    ),
  );
  return { batchId: lastBatch + 1, firstOffset: lastOffset + 1 };
}

/** The earliest batch (not itself a replay) that landed this content, if any. */
export async function findLandedContent(
  connection: DuckDBConnection,
  contentSha256: string,
): Promise<{ batchId: number; source: string; startedAt: string } | undefined> {
  const reader = await connection.runAndReadAll(
    `select batch_id, source, strftime(started_at at time zone 'UTC', '%Y-%m-%d %H:%M:%S UTC') as started_at
     from raw_loads
     where content_sha256 = ${quoteLiteral(contentSha256)}
     order by (replay_of is not null), batch_id
     limit 1`,
  );
  const row = reader.getRowObjectsJson()[0];
  if (!row) return undefined;
  return {
    batchId: Number(row['batch_id']),
    source: String(row['source']),
    startedAt: String(row['started_at']),
  };
}

/** A JS date as a TIMESTAMPTZ SQL literal (time-zone independent). */
export function timestampLiteral(date: Date): string {
  return `${quoteLiteral(date.toISOString())}::TIMESTAMPTZ`;
}

function nullable(value: number | null): string {
  return value === null ? 'NULL' : String(value);
}

/** Appends the batch's ledger row; call inside the batch's transaction. */
export async function recordLoad(connection: DuckDBConnection, record: LoadRecord): Promise<void> {
  await connection.run(
    `insert into raw_loads values (${[
      record.batchId,
      quoteLiteral(record.kind),
      quoteLiteral(record.source),
      quoteLiteral(record.contentSha256),
      record.linesRead,
      record.accepted,
      record.rejected,
      nullable(record.firstOffset),
      nullable(record.lastOffset),
      nullable(record.replayOf),
      timestampLiteral(record.startedAt),
      timestampLiteral(record.finishedAt),
      record.finishedAt.getTime() - record.startedAt.getTime(),
    ].join(', ')})`,
  );
}
