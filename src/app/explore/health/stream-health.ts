import { sql, type Kysely } from 'kysely';
import type { WarehouseDatabase } from '../../../generated/warehouse-types.js';

/** Publish → landed, in milliseconds: nearest observed values (`quantile_disc`). */
export interface LatencyPercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** One consumer of one stream, as its micro-batches left it in the warehouse. */
export interface StreamHealth {
  readonly stream: string;
  readonly consumer: string;
  /** The last stream sequence landed. */
  readonly checkpoint: number;
  readonly batches: number;
  readonly landed: number;
  readonly rejected: number;
  /** Broker redeliveries of landed sequences that came with the batches' fetches. */
  readonly skipped: number;
  /** The stream's last sequence minus the checkpoint, as of the last batch; null when unknown. */
  readonly lag: number | null;
  /** Over the messages of the last batch that carried their publish time. */
  readonly latencyLastBatch: LatencyPercentiles | null;
  /** Over the messages landed in the hour up to the last landing. */
  readonly latencyLastHour: LatencyPercentiles | null;
  /** When the last batch committed (the checkpoint's time). */
  readonly lastLandedAt: Date;
}

/** The tables the stream section reads; without the first two there is no section. */
const STREAM_TABLES = ['raw_stream_checkpoints', 'raw_stream_deliveries', 'raw_stream_batches'];

/** Stands in for `raw_stream_batches` in a warehouse made before it (opened read-only, so not added). */
const NO_BATCHES = `select
    null::BIGINT as _batch_id, null::VARCHAR as stream, null::VARCHAR as consumer,
    null::BIGINT as last_sequence, null::INTEGER as accepted, null::INTEGER as rejected,
    null::INTEGER as skipped_redeliveries, null::BIGINT as stream_last_sequence,
    null::TIMESTAMPTZ as landed_at
where false`;

/** `NAME_p50`, `NAME_p95`, `NAME_p99` of `latency_ms` over the rows where `filter` holds. */
const percentiles = (name: string, filter: string): string =>
  [50, 95, 99]
    .map((p) => `quantile_disc(latency_ms, ${p / 100}) filter (where ${filter}) as ${name}_p${p}`)
    .join(',\n        ');

/**
 * Per stream and consumer: checkpoint, batches, landed, rejected, skipped redeliveries, lag as
 * of the last batch, publish → landed latency and the last landing. Empty when the warehouse has
 * no stream tables (nothing was ever consumed): that is no error.
 */
export async function loadStreamHealth(
  db: Kysely<WarehouseDatabase>,
): Promise<readonly StreamHealth[]> {
  const present = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'main' and table_name in (${sql.join(STREAM_TABLES)})`.execute(db);
  const found = new Set(present.rows.map((row) => row.name));
  if (!found.has('raw_stream_checkpoints') || !found.has('raw_stream_deliveries')) return [];
  const batches = found.has('raw_stream_batches') ? 'select * from raw_stream_batches' : NO_BATCHES;
  const result = await sql<Record<string, unknown>>`
    with
    batches as (${sql.raw(batches)}),
    per_consumer as (
        select
            stream, consumer,
            count(*) as batches,
            sum(accepted) as landed,
            sum(rejected) as rejected,
            sum(skipped_redeliveries) as skipped,
            max(_batch_id) as last_batch_id,
            max(landed_at) as last_landed_at
        from batches
        group by stream, consumer
    ),
    latencies as (
        select
            batches.stream, batches.consumer,
            epoch_ms(deliveries.landed_at) - epoch_ms(deliveries.published_at) as latency_ms,
            batches._batch_id = per_consumer.last_batch_id as in_last_batch
        from batches
        inner join per_consumer using (stream, consumer)
        inner join raw_stream_deliveries as deliveries
            on deliveries._batch_id = batches._batch_id and deliveries.stream = batches.stream
        -- Only the hour up to the last landing, which holds the last batch.
        where deliveries.published_at is not null
            and deliveries.landed_at >= per_consumer.last_landed_at - interval 1 hour
    ),
    latency as (
        select
            stream, consumer,
            ${sql.raw(percentiles('last', 'in_last_batch'))},
            ${sql.raw(percentiles('hour', 'true'))}
        from latencies
        group by stream, consumer
    )
    select
        checkpoints.stream, checkpoints.consumer,
        checkpoints.last_sequence as checkpoint,
        coalesce(per_consumer.batches, 0) as batches,
        coalesce(per_consumer.landed, 0) as landed,
        coalesce(per_consumer.rejected, 0) as rejected,
        coalesce(per_consumer.skipped, 0) as skipped,
        -- greatest() skips nulls: an unknown lag stays null rather than becoming 0.
        case when last_batch.stream_last_sequence is not null
            then greatest(0, last_batch.stream_last_sequence - last_batch.last_sequence)
        end as lag,
        latency.* exclude (stream, consumer),
        epoch_ms(checkpoints.updated_at) as last_landed_ms
    from raw_stream_checkpoints as checkpoints
    left join per_consumer using (stream, consumer)
    left join batches as last_batch
        on last_batch._batch_id = per_consumer.last_batch_id
        and last_batch.stream = checkpoints.stream
        and last_batch.consumer = checkpoints.consumer
    left join latency using (stream, consumer)
    order by checkpoints.stream, checkpoints.consumer`.execute(db);
  return result.rows.map(streamHealthOf);
}

/** A number from whatever numeric form the query interface hands back. */
function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function latencyOf(row: Record<string, unknown>, name: string): LatencyPercentiles | null {
  const at = (p: number): number | null => numberOrNull(row[`${name}_p${p}`]);
  const [p50, p95, p99] = [at(50), at(95), at(99)];
  return p50 === null || p95 === null || p99 === null ? null : { p50, p95, p99 };
}

function streamHealthOf(row: Record<string, unknown>): StreamHealth {
  return {
    stream: String(row['stream']),
    consumer: String(row['consumer']),
    checkpoint: Number(row['checkpoint']),
    batches: Number(row['batches']),
    landed: Number(row['landed']),
    rejected: Number(row['rejected']),
    skipped: Number(row['skipped']),
    lag: numberOrNull(row['lag']),
    latencyLastBatch: latencyOf(row, 'last'),
    latencyLastHour: latencyOf(row, 'hour'),
    lastLandedAt: new Date(Number(row['last_landed_ms'])),
  };
}
