// `npm run simulate -- [--scale S | --messages N] [--seed N] [--partitions N] [chaos rates] [--start ISO] [--out FILE | --db PATH]`
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { progressBar } from '../src/base/console/progress-bar.js';
import { formatSimulationSummary } from '../src/app/landing/format-simulation-summary.js';
import { landSimulation } from '../src/app/landing/land-simulation.js';
import { writeSimulationJsonl } from '../src/app/landing/write-simulation-jsonl.js';
import { printLine } from '../src/base/console/console.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { addTargetFlags, warehouseTarget, type TargetFlags } from './lib/target-flags.js';
import {
  addSimulationOptions,
  simulationOptions,
  type SimulationFlags,
} from './lib/simulation-flags.js';

function simulateCommand(): Command {
  const command = new Command('simulate').description(
    'Generate a deterministic chaotic payment-event stream and land it (default) or write JSONL (--out).',
  );
  return addTargetFlags(
    addSimulationOptions(command, 'share of malformed lines (JSONL output only)'),
  )
    .option('--out <file>', 'write JSONL (gzip when .gz) instead of landing into the warehouse')
    .exitOverride();
}

runCli(async () => {
  const program = simulateCommand();
  program.parse();
  const o = program.opts<SimulationFlags & TargetFlags & { out?: string }>();
  const options = simulationOptions(o);
  const bar = progressBar('simulate');
  try {
    if (o.out !== undefined) {
      const summary = await writeSimulationJsonl(o.out, options, bar.listener);
      bar.stop();
      printLine(formatSimulationSummary(summary, o.out));
    } else {
      const target = warehouseTarget(o);
      const db = target.path;
      const summary = await withWarehouse(db, { settings: target.settings }, (warehouse) =>
        landSimulation(warehouse, options, bar.listener),
      );
      bar.stop();
      printLine(formatSimulationSummary(summary, db));
    }
  } finally {
    bar.stop();
  }
  return 0;
});
