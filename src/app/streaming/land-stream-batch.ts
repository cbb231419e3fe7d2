import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction } from '../../base/warehouse/in-transaction.js';
import { quoteLiteral } from '../../base/warehouse/quote.js';
import { nextBatch, recordLoad, timestampLiteral, type NextBatch } from '../landing/ledger.js';
import { validateLinesSql } from '../landing/message-contract.js';
import { crashPoint } from './crash-point.js';
import type { SourceMessage } from './message-source.js';
import { writeCheckpoint } from './stream-checkpoint.js';

/** Which stream a batch comes from and which consumer lands it. */
export interface StreamBatchTarget {
  /** The stream's name in rows (`nats:ORDERS`): `_source` of its rows. */
  readonly source: string;
  /** The broker's stream name, in the checkpoint and delivery tables. */
  readonly stream: string;
  readonly consumer: string;
  readonly streamCreatedAt: Date;
}

/** What the consumer saw of the stream around a batch, kept with it for `npm run health`. */
export interface StreamBatchObservation {
  /** Deliveries at or below the checkpoint that came with the batch's fetch (skipped). */
  readonly skipped: number;
  /** The stream's last sequence as the batch lands; null when the broker did not say. */
  readonly streamLastSequence: number | null;
}

/** What one landed batch holds. */
export interface LandedStreamBatch {
  readonly batchId: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly firstPosition: number;
  readonly lastPosition: number;
  /**
   * The batch id and first `_offset` of the batch after this one, for a caller that is the
   * warehouse's only writer and so need not look them up again.
   */
  readonly next: NextBatch;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Lands consecutive stream messages as one batch in one transaction: accepted messages into
 * `raw_messages`, bad ones into `raw_rejected` (the same contract and reasons as a JSONL file, the
 * stream sequence as `_line`), one `raw_stream_deliveries` row each, the `raw_loads` ledger row
 * (kind 'stream'), its `raw_stream_batches` row and the checkpoint. Either all of it commits or none of it does; the caller
 * acknowledges the messages only afterwards.
 */
export async function landStreamBatch(
  connection: DuckDBConnection,
  target: StreamBatchTarget,
  messages: readonly SourceMessage[],
  observed: StreamBatchObservation,
  cursor?: NextBatch,
): Promise<LandedStreamBatch> {
  const first = messages[0];
  const last = messages[messages.length - 1];
  if (!first || !last) throw new Error('landStreamBatch needs at least one message');
  const startedAt = new Date();
  return inTransaction(connection, async () => {
    const { batchId, firstOffset } = cursor ?? (await nextBatch(connection));
    const digest = await stageMessages(connection, messages);
    const counts = await insertMessages(connection, target, { batchId, firstOffset, startedAt });
    crashPoint('staged');
    const finishedAt = new Date();
    await recordLoad(connection, {
      batchId,
      kind: 'stream',
      source: target.source,
      contentSha256: digest,
      linesRead: messages.length,
      accepted: counts.accepted,
      rejected: counts.rejected,
      firstOffset: counts.accepted > 0 ? firstOffset : null,
      lastOffset: counts.accepted > 0 ? firstOffset + counts.accepted - 1 : null,
      replayOf: null,
      startedAt,
      finishedAt,
    });
    await recordBatch(connection, target, observed, {
      batchId,
      ...counts,
      firstPosition: first.position,
      lastPosition: last.position,
      startedAt,
    });
    await writeCheckpoint(
      connection,
      { stream: target.stream, consumer: target.consumer, batchId, updatedAt: finishedAt },
      { streamCreatedAt: target.streamCreatedAt, lastSequence: last.position },
    );
    await connection.run('drop table _stream_lines');
    return {
      batchId,
      ...counts,
      firstPosition: first.position,
      lastPosition: last.position,
      next: { batchId: batchId + 1, firstOffset: firstOffset + counts.accepted },
    };
  });
}

/** Appends the batch to a temporary table; returns the SHA-256 of the bodies, in order. */
async function stageMessages(
  connection: DuckDBConnection,
  messages: readonly SourceMessage[],
): Promise<string> {
  await connection.run(
    `create or replace temp table _stream_lines (
        line_no BIGINT, raw VARCHAR, delivery_count INTEGER, published_ms BIGINT)`,
  );
  const appender = await connection.createAppender('_stream_lines', 'main', 'temp');
  const hash = createHash('sha256');
  for (const message of messages) {
    hash.update(message.data).update('\n');
    appender.appendBigInt(BigInt(message.position));
    appender.appendVarchar(decoder.decode(message.data));
    appender.appendInteger(message.deliveryCount);
    if (message.publishedAt === null) appender.appendNull();
    else appender.appendBigInt(BigInt(message.publishedAt.getTime()));
    appender.endRow();
  }
  appender.closeSync();
  return hash.digest('hex');
}

/** Moves the checked messages into `raw_messages`, `raw_rejected` and `raw_stream_deliveries`. */
async function insertMessages(
  connection: DuckDBConnection,
  target: StreamBatchTarget,
  batch: { batchId: number; firstOffset: number; startedAt: Date },
): Promise<{ accepted: number; rejected: number }> {
  const loadedAt = timestampLiteral(batch.startedAt);
  const source = quoteLiteral(target.source);
  await connection.run(`
    create or replace temp table _stream_numbered as
    with checked as (${validateLinesSql('(select line_no, raw from _stream_lines)')})
    select
        checked.*,
        lines.delivery_count,
        make_timestamptz(lines.published_ms * 1000) as published_at,
        case when checked.reason is null
            then ${batch.firstOffset - 1} + row_number() over (
                partition by checked.reason is null order by checked.line_no)
        end as _offset
    from checked
    inner join _stream_lines as lines using (line_no)`);
  const accepted = await connection.run(`
    insert into raw_messages
    select
        _offset, message_id, sequence_id, partition_id, created_at, transaction_id, event_type,
        amount, currency, customer_id, payload,
        ${batch.batchId} as _batch_id, ${source} as _source, line_no as _line, ${loadedAt} as _loaded_at
    from _stream_numbered
    where reason is null
    order by line_no`);
  const rejected = await connection.run(`
    insert into raw_rejected
    select ${batch.batchId}, ${source}, line_no, raw, reason, ${loadedAt}
    from _stream_numbered
    where reason is not null
    order by line_no`);
  await connection.run(`
    insert into raw_stream_deliveries
    select
        ${batch.batchId}, ${quoteLiteral(target.stream)}, line_no, delivery_count, _offset,
        published_at, ${loadedAt}
    from _stream_numbered
    order by line_no`);
  await connection.run('drop table _stream_numbered');
  return { accepted: accepted.rowsChanged, rejected: rejected.rowsChanged };
}

/** The batch's `raw_stream_batches` row; `landed_at` is its deliveries' `landed_at`. */
async function recordBatch(
  connection: DuckDBConnection,
  target: StreamBatchTarget,
  observed: StreamBatchObservation,
  batch: Omit<LandedStreamBatch, 'next'> & { startedAt: Date },
): Promise<void> {
  const values = [
    batch.batchId,
    quoteLiteral(target.stream),
    quoteLiteral(target.consumer),
    batch.firstPosition,
    batch.lastPosition,
    batch.accepted,
    batch.rejected,
    observed.skipped,
    observed.streamLastSequence ?? 'null',
    timestampLiteral(batch.startedAt),
  ];
  await connection.run(`insert into raw_stream_batches values (${values.join(', ')})`);
}
