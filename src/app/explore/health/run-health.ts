import { createWarehouseKysely } from '../kysely/create-warehouse-kysely.js';
import { printLine } from '../../../base/console/console.js';
import { formatHealthReport, healthReportJson } from './format-health-report.js';
import { loadHealthReport } from './health-report.js';

export interface HealthCommandOptions {
  /** Warehouse file (see `resolveDbPath`); opened read-only. */
  readonly dbPath: string;
  /** Print the machine-readable object instead of the readable report (default false). */
  readonly json?: boolean;
}

/**
 * Runs `npm run health`: prints the report and returns 1 when a reconciliation check failed,
 * 0 otherwise (warnings do not fail). A missing or unbuilt warehouse throws (exit 2 via runCli).
 */
export async function runHealthCommand(options: HealthCommandOptions): Promise<number> {
  const db = createWarehouseKysely({ path: options.dbPath, readOnly: true });
  try {
    const report = await loadHealthReport(db);
    printLine(
      options.json ? JSON.stringify(healthReportJson(report), null, 2) : formatHealthReport(report),
    );
    return report.failedChecks > 0 ? 1 : 0;
  } finally {
    await db.destroy();
  }
}
