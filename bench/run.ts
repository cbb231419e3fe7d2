// npm run bench -- --scale medium|large|xlarge [--repeat N] [--seed S] [--memory-limit 4GB] [--threads N]
// Runs the dedup strategies side by side and writes bench/results/<scale>.json + throughput.svg.
import cliProgress from 'cli-progress';
import { runCli } from '../src/app/cli/run-cli.js';
import { UserError } from '../src/base/errors/user-error.js';
import { colors, isInteractive, printInfo, printLine } from '../src/base/console/console.js';
import { describeMachine } from './lib/machine-info.js';
import { runBench, type BenchStep } from './lib/run-bench.js';
import { BenchJobError } from './lib/run-child.js';
import { SCALES } from './lib/scales.js';
import { describeRatios, renderResultsTable, targetLines } from './report/results-table.js';
import { benchCommand, parseBenchCli } from './lib/bench-cli.js';

async function main(): Promise<number> {
  const program = benchCommand(
    'bench',
    'Benchmark the dedup strategies (eager, bronze, window, merge, naive, build, incremental).',
    {
      repeat: 'runs per strategy, median reported (default 3; 1 for small and xlarge)',
      workDir: 'where warehouses and snapshots go (default bench/work)',
      resultsDir: 'where <scale>.json and throughput.svg go (default bench/results)',
    },
  );
  const opts = parseBenchCli(program, process.argv);
  const scale = opts.scale;

  const progress = isInteractive()
    ? new cliProgress.SingleBar(
        {
          format: 'bench {bar} {value}/{total} {step}',
          hideCursor: true,
          clearOnComplete: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const onStep = (step: BenchStep) => {
    if (progress) {
      if (step.index === 0) progress.start(step.total, 0, { step: step.label });
      progress.update(step.index, { step: step.label });
    } else {
      printInfo(`[${step.index + 1}/${step.total}] ${step.label}`);
    }
  };
  printInfo(
    `bench: scale ${scale} (${SCALES[scale].messages.toLocaleString('en-US')} messages), seed ${opts.seed}`,
  );
  let result;
  try {
    result = await runBench({
      scale,
      seed: opts.seed,
      ...(opts.repeat !== undefined ? { repeat: opts.repeat } : {}),
      ...(opts.memoryLimit !== undefined ? { memoryLimit: opts.memoryLimit } : {}),
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      ...(opts.workDir !== undefined ? { workDir: opts.workDir } : {}),
      ...(opts.resultsDir !== undefined ? { resultsDir: opts.resultsDir } : {}),
      onStep,
    });
  } catch (error) {
    // A failed job already names itself and its cause: print that, not a stack trace.
    if (error instanceof BenchJobError) throw new UserError(error.message, 1, { cause: error });
    throw error;
  } finally {
    progress?.stop();
  }

  printLine(
    `${result.messages.toLocaleString('en-US')} messages, repeat ${result.repeat}, ${describeMachine(result.machine)}`,
  );
  printLine(renderResultsTable(result));
  printLine(describeRatios(result));
  for (const line of targetLines(result.targets)) {
    printLine(
      line.startsWith('FAIL')
        ? colors.red(line)
        : line.startsWith('PASS')
          ? colors.green(line)
          : line,
    );
  }
  return 0;
}

runCli(main);
