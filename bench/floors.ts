// npm run bench:floors -- --scale medium|large|xlarge [--repeat N] [--seed S] [--memory-limit 3GB] [--threads N]
// Measures the floors (bench/lib/floors.ts): the bare statements the pipeline cannot skip, on the same
// landed arrivals as `npm run bench`, and writes bench/results/floors-<scale>.json.
import { Command, InvalidArgumentError, Option } from 'commander';
import { runCli } from '../src/cli/run-cli.js';
import { UserError } from '../src/cli/user-error.js';
import { colors, printInfo, printLine } from '../src/report/console.js';
import { describeMachine } from './lib/machine-info.js';
import { measureFloors } from './lib/measure-floors.js';
import { SCALE_NAMES, SCALES, isScaleName } from './lib/scales.js';
import { floorVerdictLines, renderFloorsTable } from './report/floors-table.js';

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new InvalidArgumentError('expected a positive integer.');
  return parsed;
}

async function main(): Promise<number> {
  const program = new Command('bench:floors')
    .description(
      'Measure the floors: the bare DuckDB statements the pipeline cannot skip (copy, hash, dedup, commit).',
    )
    .addOption(
      new Option('--scale <scale>', 'messages: small 100, medium 10K, large 1M, xlarge 10M')
        .choices(SCALE_NAMES)
        .makeOptionMandatory(),
    )
    .option('--repeat <n>', 'repeats, median reported (default 11; 3 for xlarge)', positiveInteger)
    .option('--seed <s>', 'simulator seed', positiveInteger, 42)
    .option('--memory-limit <size>', "DuckDB memory_limit, e.g. '3GB' (default: DuckDB's)")
    .option('--threads <n>', "DuckDB threads (default: DuckDB's, all cores)", positiveInteger)
    .option('--work-dir <dir>', 'where the landed warehouse is cached (default bench/work)')
    .option('--results-dir <dir>', 'where floors-<scale>.json goes (default bench/results)')
    .exitOverride();
  program.parse(process.argv);
  const opts = program.opts<{
    scale: string;
    repeat?: number;
    seed: number;
    memoryLimit?: string;
    threads?: number;
    workDir?: string;
    resultsDir?: string;
  }>();
  if (!isScaleName(opts.scale)) throw new UserError(`unknown scale ${opts.scale}`);
  const scale = opts.scale;
  const repeat = opts.repeat ?? (scale === 'xlarge' ? 3 : 11);
  printInfo(
    `bench:floors: scale ${scale} (${SCALES[scale].messages.toLocaleString('en-US')} messages), seed ${opts.seed}, ${repeat} repeats`,
  );
  const result = await measureFloors({
    scale,
    repeat,
    seed: opts.seed,
    ...(opts.memoryLimit !== undefined ? { memoryLimit: opts.memoryLimit } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    ...(opts.workDir !== undefined ? { workDir: opts.workDir } : {}),
    ...(opts.resultsDir !== undefined ? { resultsDir: opts.resultsDir } : {}),
    onStep: (label, index, total) => printInfo(`[${index + 1}/${total}] ${label}`),
  });
  printLine(`${describeMachine(result.machine)}`);
  printLine(renderFloorsTable(result));
  for (const line of floorVerdictLines(result))
    printLine(line.startsWith('RULED OUT') ? colors.red(line) : line);
  return 0;
}

runCli(main);
