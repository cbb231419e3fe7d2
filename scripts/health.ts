// `npm run health [-- --db PATH --json]`: the warehouse's health metrics and reconciliation checks.
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { runHealthCommand } from '../src/app/explore/health/run-health.js';
import { addTargetFlags, warehouseTarget, type TargetFlags } from './lib/target-flags.js';

runCli(async () => {
  const program = addTargetFlags(
    new Command('health').description(
      'Report audit_health and audit_reconciliation; exit 1 when a reconciliation check failed.',
    ),
  )
    .option('--json', 'print a machine-readable object', false)
    .exitOverride();
  program.parse();
  const opts = program.opts<TargetFlags & { json: boolean }>();
  return runHealthCommand({ dbPath: warehouseTarget(opts).path, json: opts.json });
});
