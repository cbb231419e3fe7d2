import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createWarehouseKysely } from '../kysely/create-warehouse-kysely.js';
import { printInfo, printLine } from '../../../base/console/console.js';
import { WarehouseError } from '../../../base/warehouse/warehouse-error.js';
import type { WarehouseDatabase } from '../../../generated/warehouse-types.js';
import { findLiveEndpoint } from '../../endpoint/endpoint-client.js';
import { formatHealthReport, healthReportJson } from './format-health-report.js';
import { loadHealthReport, type HealthReport } from './health-report.js';

export interface HealthCommandOptions {
  /** Warehouse file (see `resolveDbPath`); opened read-only. */
  readonly dbPath: string;
  /** Print the machine-readable object instead of the readable report (default false). */
  readonly json?: boolean;
}

/**
 * Runs `npm run health`: prints the report and returns 1 when a reconciliation check failed,
 * 0 otherwise (warnings do not fail). A missing or unbuilt warehouse throws (exit 2 via runCli).
 * While a consumer holds the file, the report's queries go through its query endpoint.
 */
export async function runHealthCommand(options: HealthCommandOptions): Promise<number> {
  const report = await readReport(options.dbPath);
  printLine(
    options.json ? JSON.stringify(healthReportJson(report), null, 2) : formatHealthReport(report),
  );
  return report.failedChecks > 0 ? 1 : 0;
}

/**
 * The report read from the file or, when a live consumer holds it, through the consumer's endpoint:
 * the same Kysely queries either way, on the DuckDB dialect or on PostgreSQL's over `pg`.
 */
async function readReport(dbPath: string): Promise<HealthReport> {
  try {
    return await withKysely(createWarehouseKysely({ path: dbPath, readOnly: true }));
  } catch (error) {
    const busy = error instanceof WarehouseError && error.reason === 'busy';
    const endpoint = busy ? findLiveEndpoint(dbPath) : null;
    if (endpoint === null) throw error;
    printInfo(
      `the warehouse is held by a running consumer (process ${endpoint.pid}): reading through its query endpoint`,
    );
    const pool = new pg.Pool({ ...endpoint.config, max: 1 });
    return withKysely(new Kysely<WarehouseDatabase>({ dialect: new PostgresDialect({ pool }) }));
  }
}

async function withKysely(db: Kysely<WarehouseDatabase>): Promise<HealthReport> {
  try {
    return await loadHealthReport(db);
  } finally {
    await db.destroy();
  }
}
