// `npm run simulate -- [--scale S | --messages N] [--seed N] [--partitions N] [chaos rates] [--start ISO] [--out FILE | --db PATH]`
import { Command, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import { runCli } from '../src/app/cli/run-cli.js';
import { formatSimulationSummary } from '../src/app/landing/format-simulation-summary.js';
import { landSimulation } from '../src/app/landing/land-simulation.js';
import type { ProgressListener } from '../src/app/landing/progress-listener.js';
import {
  DEFAULT_SIMULATION_OPTIONS,
  SIMULATION_SCALES,
  type SimulationOptions,
  type SimulationScale,
} from '../src/app/landing/simulation-options.js';
import { writeSimulationJsonl } from '../src/app/landing/write-simulation-jsonl.js';
import { isInteractive, printLine } from '../src/base/console/console.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { resolveDbPath } from '../src/base/warehouse/resolve-db-path.js';

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function rate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1))
    throw new InvalidArgumentError('expected a probability in [0, 1).');
  return n;
}

function timestamp(value: string): number {
  const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError('expected an ISO-8601 timestamp, e.g. 2025-01-13T00:00:00Z.');
  return ms;
}

function progressBar(): { listener?: ProgressListener; stop: () => void } {
  if (!isInteractive()) return { stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: 'simulate [{bar}] {percentage}% {value}/{total} messages', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    listener: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

/** The flags as commander parses them: the options, with `--scale`, `--start`, `--out` and `--db`. */
type SimulateFlags = Omit<SimulationOptions, 'messages' | 'startMs'> & {
  scale: SimulationScale;
  messages?: number;
  start?: number;
  out?: string;
  db?: string;
};

function simulateCommand(): Command {
  const d = DEFAULT_SIMULATION_OPTIONS;
  return new Command('simulate')
    .description(
      'Generate a deterministic chaotic payment-event stream and land it (default) or write JSONL (--out).',
    )
    .addOption(
      new Option(
        '--scale <scale>',
        'small=100, medium=10,000, large=1,000,000, xlarge=10,000,000 messages',
      )
        .choices(Object.keys(SIMULATION_SCALES))
        .default('medium'),
    )
    .option(
      '--messages <n>',
      'rows to emit, redeliveries included (overrides --scale)',
      wholeNumber,
    )
    .option('--seed <n>', 'PRNG seed', wholeNumber, d.seed)
    .option('--partitions <n>', 'partitions', wholeNumber, d.partitions)
    .option('--duplicate-rate <p>', 'share of messages redelivered', rate, d.duplicateRate)
    .option(
      '--out-of-order-rate <p>',
      'share of messages held back 1-20 positions',
      rate,
      d.outOfOrderRate,
    )
    .option(
      '--missing-rate <p>',
      'share of messages never delivered (sequence gaps)',
      rate,
      d.missingRate,
    )
    .option(
      '--late-rate <p>',
      'share of messages arriving over an hour behind the newest event',
      rate,
      d.lateRate,
    )
    .option(
      '--conflict-rate <p>',
      'share of messages with a conflicting copy (same key, another amount)',
      rate,
      d.conflictRate,
    )
    .option(
      '--malformed-rate <p>',
      'share of malformed lines (JSONL output only)',
      rate,
      d.malformedRate,
    )
    .option(
      '--start <iso>',
      "first event time (default 2025-01-13T00:00:00Z, or after the warehouse's newest event)",
      timestamp,
    )
    .option('--out <file>', 'write JSONL (gzip when .gz) instead of landing into the warehouse')
    .option('--db <path>', 'warehouse file (default: $WAREHOUSE_PATH or ./warehouse.duckdb)')
    .exitOverride();
}

function simulationOptions(o: SimulateFlags): SimulationOptions {
  return {
    seed: o.seed,
    messages: o.messages ?? SIMULATION_SCALES[o.scale],
    partitions: o.partitions,
    duplicateRate: o.duplicateRate,
    outOfOrderRate: o.outOfOrderRate,
    missingRate: o.missingRate,
    lateRate: o.lateRate,
    conflictRate: o.conflictRate,
    malformedRate: o.malformedRate,
    startMs: o.start ?? DEFAULT_SIMULATION_OPTIONS.startMs,
  };
}

runCli(async () => {
  const program = simulateCommand();
  program.parse();
  const o = program.opts<SimulateFlags>();
  const options = simulationOptions(o);
  const bar = progressBar();
  try {
    if (o.out !== undefined) {
      const summary = await writeSimulationJsonl(o.out, options, bar.listener);
      bar.stop();
      printLine(formatSimulationSummary(summary, o.out));
    } else {
      const db = resolveDbPath(process.cwd(), o.db);
      const summary = await withWarehouse(db, {}, (warehouse) =>
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
