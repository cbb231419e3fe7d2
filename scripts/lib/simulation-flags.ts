// The simulation's flags, shared by `npm run simulate` and `npm run publish`: the same generator,
// options and defaults, whichever way its stream leaves.
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_SIMULATION_OPTIONS,
  SIMULATION_SCALES,
  type SimulationOptions,
  type SimulationScale,
} from '../../src/app/landing/simulation-options.js';

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

export function rate(value: string): number {
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

/** The simulation flags as commander parses them. */
export type SimulationFlags = Omit<SimulationOptions, 'messages' | 'startMs'> & {
  scale: SimulationScale;
  messages?: number;
  start?: number;
};

/** Adds `--scale`, `--messages`, `--seed`, `--partitions`, the chaos rates and `--start` to `command`. */
export function addSimulationOptions(command: Command, malformedNote: string): Command {
  const d = DEFAULT_SIMULATION_OPTIONS;
  return command
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
    .option('--malformed-rate <p>', malformedNote, rate, d.malformedRate)
    .option(
      '--start <iso>',
      "first event time (default 2025-01-13T00:00:00Z, or after the warehouse's newest event)",
      timestamp,
    );
}

/** The simulation options the flags ask for. */
export function simulationOptions(o: SimulationFlags): SimulationOptions {
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
