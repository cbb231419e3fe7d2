// `npm run health [-- --db PATH --json]`: the warehouse's health metrics and reconciliation checks.
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { runHealthCommand } from '../src/app/explore/health/run-health.js';
import { resolveDbPath } from '../src/base/warehouse/resolve-db-path.js';

runCli(async () => {
  const program = new Command('health')
    .description(
      'Report audit_health and audit_reconciliation; exit 1 when a reconciliation check failed.',
    )
    .option('--db <path>', 'warehouse file (default: $WAREHOUSE_PATH or ./warehouse.duckdb)')
    .option('--json', 'print a machine-readable object', false)
    .exitOverride();
  program.parse();
  const opts = program.opts<{ db?: string; json: boolean }>();
  return runHealthCommand({ dbPath: resolveDbPath(process.cwd(), opts.db), json: opts.json });
});
