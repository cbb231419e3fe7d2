import { Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../../src/base/errors/user-error.js';
import { SCALE_NAMES, isScaleName, type ScaleName } from './scales.js';

/** Commander parser for a count: a whole number ≥ 1 in plain digits (`--repeat`, `--threads`). */
export function positiveInteger(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a positive integer.');
  return Number(value);
}

/** Commander parser for a whole number ≥ 0 in plain digits (`--seed`). */
export function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected an integer ≥ 0.');
  return Number(value);
}

/** The options `npm run bench` and `npm run bench:floors` share, parsed. */
export interface BenchCliOptions {
  readonly scale: ScaleName;
  readonly repeat?: number;
  readonly seed: number;
  readonly memoryLimit?: string;
  readonly threads?: number;
  readonly workDir?: string;
  readonly resultsDir?: string;
}

/**
 * A benchmark command with the shared options (`--scale`, `--repeat`, `--seed`, `--memory-limit`,
 * `--threads`, `--work-dir`, `--results-dir`); `help` gives the texts that differ.
 */
export function benchCommand(
  name: string,
  description: string,
  help: { readonly repeat: string; readonly workDir: string; readonly resultsDir: string },
): Command {
  return new Command(name)
    .description(description)
    .addOption(
      new Option('--scale <scale>', 'messages: small 100, medium 10K, large 1M, xlarge 10M')
        .choices(SCALE_NAMES)
        .makeOptionMandatory(),
    )
    .option('--repeat <n>', help.repeat, positiveInteger)
    .option('--seed <s>', 'simulator seed', nonNegativeInteger, 42)
    .option(
      '--memory-limit <size>',
      "DuckDB memory_limit for every run, e.g. '3GB' (default: DuckDB's)",
    )
    .option(
      '--threads <n>',
      "DuckDB threads for every run (default: DuckDB's, all cores)",
      positiveInteger,
    )
    .option('--work-dir <dir>', help.workDir)
    .option('--results-dir <dir>', help.resultsDir)
    .exitOverride();
}

/** Parses `argv` with a {@link benchCommand}. */
export function parseBenchCli(program: Command, argv: readonly string[]): BenchCliOptions {
  program.parse([...argv]);
  const opts = program.opts<Omit<BenchCliOptions, 'scale'> & { scale: string }>();
  if (!isScaleName(opts.scale)) throw new UserError(`unknown scale ${opts.scale}`);
  return { ...opts, scale: opts.scale };
}
