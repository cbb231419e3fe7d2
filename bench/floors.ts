// npm run bench:floors -- --scale medium|large|xlarge [--repeat N] [--seed S] [--memory-limit 3GB] [--threads N]
// Measures the floors (bench/lib/floors.ts): the bare statements the pipeline cannot skip, on the same
// landed arrivals as `npm run bench`, and writes bench/results/floors-<scale>.json.
import { runCli } from '../src/app/cli/run-cli.js';
import { colors, printInfo, printLine } from '../src/base/console/console.js';
import { describeMachine } from './lib/machine-info.js';
import { measureFloors } from './lib/measure-floors.js';
import { SCALES } from './lib/scales.js';
import { floorVerdictLines, renderFloorsTable } from './report/floors-table.js';
import { benchCommand, parseBenchCli } from './lib/bench-cli.js';

async function main(): Promise<number> {
  const program = benchCommand(
    'bench:floors',
    'Measure the floors: the bare DuckDB statements the pipeline cannot skip (copy, hash, dedup, commit).',
    {
      repeat: 'repeats, median reported (default 11; 3 for xlarge)',
      workDir: 'where the landed warehouse is cached (default bench/work)',
      resultsDir: 'where floors-<scale>.json goes (default bench/results)',
    },
  );
  const opts = parseBenchCli(program, process.argv);
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
