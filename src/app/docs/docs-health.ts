import { sql, type Kysely } from 'kysely';
import { quoteIdentifier } from '../../base/warehouse/quote.js';
import type { WarehouseDatabase } from '../../generated/warehouse-types.js';
import { loadStreamHealth } from '../explore/health/stream-health.js';
import { DAILY_RELATIONS, readDailyHealth, readRejectedDaily } from './daily-health.js';
import type { RelationName } from './read-artifacts.js';
import type { DocsHealth, DocsStream, DocsStreamBatch } from './site/docs-data.js';

const name = (relation: RelationName): string =>
  `${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.identifier)}`;

const numberOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

const textOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

/**
 * The health dashboard's figures, read from the built audit relations (found by name among the
 * manifest's relations that exist in the warehouse). Null when audit_health or
 * audit_reconciliation is not there: a project without this pipeline's audits has no dashboard.
 */
export async function readDocsHealth(
  db: Kysely<WarehouseDatabase>,
  builtByName: ReadonlyMap<string, RelationName>,
): Promise<DocsHealth | null> {
  const health = builtByName.get('audit_health');
  const reconciliation = builtByName.get('audit_reconciliation');
  if (!health || !reconciliation) return null;
  const metrics = await sql<Record<string, unknown>>`${sql.raw(
    `select metric, value, threshold, status from ${name(health)} order by metric_order`,
  )}`.execute(db);
  const checks = await sql<Record<string, unknown>>`${sql.raw(
    `select check_name, cast(expected as varchar) as expected, cast(actual as varchar) as actual,
        passed, note
    from ${name(reconciliation)} order by check_name`,
  )}`.execute(db);
  const daily = DAILY_RELATIONS.every((relation) => builtByName.has(relation))
    ? await readDailyHealth(
        db,
        Object.fromEntries(
          DAILY_RELATIONS.map((relation) => [relation, builtByName.get(relation)!]),
        ) as Parameters<typeof readDailyHealth>[1],
      )
    : [];
  const rejected = builtByName.get('raw_rejected');
  const bronze = builtByName.get('bronze_events');
  return {
    metrics: metrics.rows.map((row) => ({
      metric: String(row['metric']),
      value: numberOrNull(row['value']),
      threshold: numberOrNull(row['threshold']),
      status: String(row['status'] ?? 'unknown').toLowerCase(),
    })),
    checks: checks.rows.map((row) => ({
      checkName: String(row['check_name']),
      expected: textOrNull(row['expected']),
      actual: textOrNull(row['actual']),
      passed: row['passed'] === true,
      note: textOrNull(row['note']),
    })),
    daily,
    rejectedDaily: rejected && bronze ? await readRejectedDaily(db, rejected, bronze) : [],
    streams: await readStreams(db),
  };
}

/** Each consumer's figures (as `npm run health` shows them) and its lag after every batch. */
async function readStreams(db: Kysely<WarehouseDatabase>): Promise<DocsStream[]> {
  const streams = await loadStreamHealth(db);
  if (streams.length === 0) return [];
  const table = await sql<{ found: number }>`
    select count(*) as found from information_schema.tables
    where table_schema = 'main' and table_name = 'raw_stream_batches'`.execute(db);
  if (Number(table.rows[0]?.found ?? 0) === 0)
    return streams.map((stream) => ({
      ...stream,
      lastLandedAt: stream.lastLandedAt.toISOString(),
      history: [],
    }));
  const batches = await sql<Record<string, unknown>>`
    select stream, consumer, cast(landed_at as varchar) as landed_at,
        greatest(0, stream_last_sequence - last_sequence) as lag, accepted
    from raw_stream_batches
    order by _batch_id`.execute(db);
  return streams.map((stream) => {
    const history: DocsStreamBatch[] = batches.rows
      .filter((row) => row['stream'] === stream.stream && row['consumer'] === stream.consumer)
      .map((row) => ({
        landedAt: String(row['landed_at']),
        lag: numberOrNull(row['lag']),
        accepted: Number(row['accepted'] ?? 0),
      }));
    return { ...stream, lastLandedAt: stream.lastLandedAt.toISOString(), history };
  });
}
