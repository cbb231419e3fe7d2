import { UserError } from '../../base/errors/user-error.js';
import { DEFAULT_SIMULATION_OPTIONS, type SimulationOptions } from './simulation-options.js';

function validate(options: SimulationOptions): void {
  const fail = (message: string): never => {
    throw new UserError(message, 2);
  };
  if (!Number.isSafeInteger(options.messages) || options.messages < 1)
    fail(`messages: must be a whole number >= 1, got ${options.messages}`);
  if (
    !Number.isInteger(options.partitions) ||
    options.partitions < 1 ||
    options.partitions > 10_000
  ) {
    fail(`partitions: must be a whole number from 1 to 10000, got ${options.partitions}`);
  }
  if (!Number.isSafeInteger(options.seed))
    fail(`seed: must be a whole number, got ${options.seed}`);
  if (!Number.isFinite(options.startMs)) fail('start: not a valid timestamp');
  const rates: [string, number][] = [
    ['duplicate-rate', options.duplicateRate],
    ['out-of-order-rate', options.outOfOrderRate],
    ['missing-rate', options.missingRate],
    ['late-rate', options.lateRate],
    ['conflict-rate', options.conflictRate],
    ['malformed-rate', options.malformedRate],
  ];
  for (const [name, rate] of rates) {
    if (!(rate >= 0 && rate < 1)) fail(`${name}: must be a probability in [0, 1), got ${rate}`);
  }
  if (options.lateRate + options.outOfOrderRate >= 1)
    fail('late-rate + out-of-order-rate: must stay below 1');
}

/**
 * The options of a run: `requested` over {@link DEFAULT_SIMULATION_OPTIONS}, checked. Throws a
 * {@link UserError} (exit 2) naming the flag of the first value out of range.
 */
export function resolveSimulationOptions(requested: Partial<SimulationOptions>): SimulationOptions {
  const options: SimulationOptions = { ...DEFAULT_SIMULATION_OPTIONS, ...requested };
  validate(options);
  return options;
}
