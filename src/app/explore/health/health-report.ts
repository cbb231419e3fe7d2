import { sql, type Kysely } from 'kysely';
import { UserError } from '../../../base/errors/user-error.js';
import type { WarehouseDatabase } from '../../../generated/warehouse-types.js';
import { loadStreamHealth, type StreamHealth } from './stream-health.js';

/** A number as the warehouse returned it: DOUBLE → number, BIGINT → bigint, DECIMAL → string. */
export type MetricNumber = number | bigint | string | null;

/** One `audit_health` row. */
export interface HealthMetric {
  readonly metric: string;
  readonly value: MetricNumber;
  readonly threshold: MetricNumber;
  /** `ok` or `warn` (a breached threshold is a warning, not a failure). */
  readonly status: string;
}

/** One `audit_reconciliation` row. */
export interface ReconciliationCheck {
  readonly checkName: string;
  readonly expected: MetricNumber;
  readonly actual: MetricNumber;
  readonly passed: boolean;
}

/** The warehouse's health: metrics, reconciliation checks and their verdicts. */
export interface HealthReport {
  readonly metrics: readonly HealthMetric[];
  readonly checks: readonly ReconciliationCheck[];
  /** Metrics whose status is not `ok`. */
  readonly warnings: number;
  /** Reconciliation checks that did not pass (any → exit code 1). */
  readonly failedChecks: number;
  /** Per stream and consumer; empty when nothing was consumed from a stream. */
  readonly streams: readonly StreamHealth[];
}

/** The relations the report reads. */
export const HEALTH_RELATIONS = ['audit_health', 'audit_reconciliation'] as const;

/**
 * Reads `audit_health` and `audit_reconciliation` through Kysely. A warehouse without them
 * (never built) is a {@link UserError} with exit code 2 telling the user to build first.
 */
export async function loadHealthReport(db: Kysely<WarehouseDatabase>): Promise<HealthReport> {
  const present = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'main' and table_name in (${sql.join([...HEALTH_RELATIONS])})`.execute(db);
  const found = new Set(present.rows.map((row) => row.name));
  const missing = HEALTH_RELATIONS.filter((name) => !found.has(name));
  if (missing.length > 0) {
    throw new UserError(
      `The warehouse has no ${missing.join(' or ')} relation: it has not been built yet. ` +
        'Run `npm run build-models` first (or pass --db PATH to another warehouse).',
      2,
    );
  }
  const metrics = (
    await readAudit(
      db
        .selectFrom('audit_health')
        .select(['metric', 'value', 'threshold', 'status'])
        .orderBy('metric_order'),
    )
  ).map((row) => ({
    metric: String(row.metric),
    value: row.value as MetricNumber,
    threshold: row.threshold as MetricNumber,
    status: String(row.status ?? 'unknown').toLowerCase(),
  }));
  const checks = (
    await readAudit(
      db
        .selectFrom('audit_reconciliation')
        .select(['check_name', 'expected', 'actual', 'passed'])
        .orderBy('check_name'),
    )
  ).map((row) => ({
    checkName: String(row.check_name),
    expected: row.expected as MetricNumber,
    actual: row.actual as MetricNumber,
    passed: row.passed === true,
  }));
  return {
    metrics,
    checks,
    warnings: metrics.filter((m) => m.status !== 'ok').length,
    failedChecks: checks.filter((c) => !c.passed).length,
    streams: await loadStreamHealth(db),
  };
}

/**
 * Runs a read of an audit relation; one built by other models than this project's (a column the
 * report reads is missing) is a {@link UserError} telling the user to rebuild.
 */
async function readAudit<Row>(query: { execute(): Promise<Row[]> }): Promise<Row[]> {
  try {
    return await query.execute();
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (!/Binder Error/.test(message)) throw cause;
    throw new UserError(
      `The audit relations do not have the columns this report reads (${message.split('\n')[0]}): ` +
        'they were built by other models. Run `npm run build-models` to rebuild them.',
      2,
      { cause },
    );
  }
}
