import { printLine } from '../../../base/console/console.js';
import { withReadOnlyKysely } from '../kysely/with-read-only-kysely.js';
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

function readReport(dbPath: string): Promise<HealthReport> {
  return withReadOnlyKysely(dbPath, loadHealthReport);
}
