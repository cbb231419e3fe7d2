import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { quoteLiteral } from '../../src/base/warehouse/quote.js';
import type { BuildLine } from './consumer-log.js';

/** Nearest-rank percentiles of one latency, in milliseconds, over `count` messages. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** One window of publish time: the latency to `silver_transactions` of the messages published in it. */
export interface LatencyWindow {
  /** Seconds from the first publish to the window's start. */
  readonly t: number;
  readonly p50: number;
  readonly p99: number;
}

/** What the warehouse says about a run, joined with the times the builds finished. */
export interface StreamLatency {
  /** `raw_stream_deliveries` rows: one per landed stream message. */
  readonly deliveries: number;
  readonly distinctSequences: number;
  readonly firstSequence: number;
  readonly lastSequence: number;
  /** Delivered messages that no finished build covered. */
  readonly unbuilt: number;
  /** The first publish time (ms since the epoch). */
  readonly firstPublishedAt: number;
  /** When the last message became visible in `silver_transactions` (ms since the epoch). */
  readonly lastVisibleAt: number | null;
  /** Publish → its batch committed (`landed_at`). */
  readonly landed: Percentiles | null;
  /** Publish → the end of the first build covering it, for the rows in `silver_events`. */
  readonly silverEvents: Percentiles | null;
  /** The same for the Silver rows that `silver_transactions` has counted. */
  readonly silverTransactions: Percentiles | null;
  readonly timeline: readonly LatencyWindow[];
}

const percentileColumns = (expression: string): string =>
  `count(${expression}) as n,
   quantile_disc(${expression}, 0.5) as p50,
   quantile_disc(${expression}, 0.95) as p95,
   quantile_disc(${expression}, 0.99) as p99,
   max(${expression}) as mx`;

async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

async function percentiles(connection: DuckDBConnection, sql: string): Promise<Percentiles | null> {
  const [row] = await rows(connection, sql);
  if (!row || Number(row['n']) === 0) return null;
  return {
    count: Number(row['n']),
    p50: Number(row['p50']),
    p95: Number(row['p95']),
    p99: Number(row['p99']),
    max: Number(row['mx']),
  };
}

/**
 * Reads a finished run's warehouse (read-only, attached to an in-memory DuckDB): each delivery's
 * publish time and `_offset`, which offsets reached `silver_events` and `silver_transactions`,
 * and, through an as-of join on the stream sequence, the first build that covered each message.
 * A build's line is printed after its models and tests committed, so its time bounds from above
 * when the message became visible.
 */
export async function readStreamLatency(
  dbPath: string,
  stream: string,
  builds: readonly BuildLine[],
  windowSeconds: number,
): Promise<StreamLatency> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`attach ${quoteLiteral(dbPath)} as w (read_only)`);
    const values = builds.map((b) => `(${b.covers}, ${b.at})`).join(', ');
    await connection.run(
      `create table builds as select covers, min(finished_ms) as finished_ms
       from (${values ? `values ${values}` : 'select 0::bigint, 0::bigint where false'}) as t(covers, finished_ms)
       group by covers`,
    );
    await connection.run(
      `create table visible as
       select d.stream_sequence, d._offset,
           epoch_ms(d.published_at) as published_ms,
           epoch_ms(d.landed_at) - epoch_ms(d.published_at) as landed_ms,
           b.finished_ms - epoch_ms(d.published_at) as built_ms,
           d._offset in (select _offset from w.silver_events) as in_silver,
           d._offset in (select _offset from w.silver_events)
               and d._offset <= (select max(max_event_offset) from w.silver_transactions) as in_transactions,
       from (select * from w.raw_stream_deliveries where stream = ${quoteLiteral(stream)}) as d
       asof left join builds as b on d.stream_sequence <= b.covers`,
    );
    const [facts] = await rows(
      connection,
      `select count(*) as deliveries, count(distinct stream_sequence) as distinct_sequences,
           coalesce(min(stream_sequence), 0) as first_sequence, coalesce(max(stream_sequence), 0) as last_sequence,
           count(*) filter (where built_ms is null) as unbuilt,
           min(published_ms) as first_published,
           max(published_ms + built_ms) filter (where in_transactions) as last_visible,
       from visible`,
    );
    const timeline = await rows(
      connection,
      `select floor((published_ms - t0) / 1000 / ${windowSeconds}) * ${windowSeconds} as t,
           quantile_disc(built_ms, 0.5) as p50, quantile_disc(built_ms, 0.99) as p99,
       from visible, (select min(published_ms) as t0 from visible)
       where in_transactions and built_ms is not null
       group by all order by t`,
    );
    return {
      deliveries: Number(facts!['deliveries']),
      distinctSequences: Number(facts!['distinct_sequences']),
      firstSequence: Number(facts!['first_sequence']),
      lastSequence: Number(facts!['last_sequence']),
      unbuilt: Number(facts!['unbuilt']),
      firstPublishedAt: Number(facts!['first_published'] ?? 0),
      lastVisibleAt: facts!['last_visible'] == null ? null : Number(facts!['last_visible']),
      landed: await percentiles(
        connection,
        `select ${percentileColumns('landed_ms')} from visible`,
      ),
      silverEvents: await percentiles(
        connection,
        `select ${percentileColumns('built_ms')} from visible where in_silver`,
      ),
      silverTransactions: await percentiles(
        connection,
        `select ${percentileColumns('built_ms')} from visible where in_transactions`,
      ),
      timeline: timeline.map((r) => ({
        t: Number(r['t']),
        p50: Number(r['p50']),
        p99: Number(r['p99']),
      })),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
