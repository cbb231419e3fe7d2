// npm run bench:stream -- [--rate N] [--seconds S] [--drain N] [--steps R1,R2,...|none] [--step-seconds S]
//                         [--batch N] [--drain-batch N] [--build-every S] [--retry-duplicates P] [--seed S]
//                         [--max-tail S] [--threads N] [--results-dir DIR]
// Broker, publisher and consumer on this machine: a nats-server in a temporary folder, `npm run publish`
// at a fixed rate while `npm run consume` lands and builds micro-batches; then a backlog drained with
// --no-build; then a step search for the highest rate with p99 ≤ 5 s. Writes bench/results/stream.json
// and stream.svg, and prints PASS/MISS per target (a miss is a result, not a failure).
// Quick run: --seconds 30 --rate 2000 --drain 100000 --steps 5000,10000 --step-seconds 20
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { printInfo, printLine } from '../src/base/console/console.js';
import { UserError } from '../src/base/errors/user-error.js';
import { startNatsBroker, type NatsBroker } from '../scripts/lib/nats-broker.js';
import { stopRepoScripts } from '../scripts/lib/repo-script.js';
import { describeMachine, machineInfo } from './lib/machine-info.js';
import {
  measureDrain,
  measureSteps,
  measureSustained,
  type StreamBenchContext,
} from './lib/measure-stream.js';
import { REPO_ROOT } from './lib/run-bench.js';
import type { StreamBenchResult } from './lib/stream-result.js';
import { renderStreamSummary } from './report/stream-markdown.js';
import { renderStreamSvg } from './report/stream-svg.js';
import { judgeStreamTargets, targetLines } from './report/stream-targets.js';

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected a number above 0.');
  return n;
}

function whole(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number ≥ 0.');
  return Number(value);
}

function wholePositive(value: string): number {
  const n = whole(value);
  if (n === 0) throw new InvalidArgumentError('expected a whole number above 0.');
  return n;
}

function rates(value: string): number[] {
  if (value === 'none') return [];
  const list = value.split(',').map((part) => part.trim());
  if (list.some((part) => !/^[1-9]\d*$/.test(part)))
    throw new InvalidArgumentError('expected rates like 5000,10000,15000, or none.');
  return list.map(Number);
}

function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1))
    throw new InvalidArgumentError('expected a share in [0, 1).');
  return n;
}

interface StreamFlags {
  rate: number;
  seconds: number;
  drain: number;
  steps: number[];
  stepSeconds: number;
  batch: number;
  drainBatch: number;
  buildEvery: number;
  retryDuplicates: number;
  maxTail: number;
  seed: number;
  threads?: number;
  resultsDir: string;
}

function streamCommand(): Command {
  return new Command('bench:stream')
    .description(
      'Measure streaming through a real nats-server: sustained rate with micro-batch builds, backlog drain, highest rate with p99 ≤ 5 s.',
    )
    .option('--rate <n>', 'sustained run: messages per second', wholePositive, 10_000)
    .option('--seconds <s>', 'sustained run: how long to publish', positive, 600)
    .option('--drain <n>', 'backlog to drain with --no-build (0: skip)', whole, 1_000_000)
    .option(
      '--steps <rates>',
      'rates of the step search, in order, or none',
      rates,
      [5000, 10_000, 15_000, 20_000, 25_000, 30_000],
    )
    .option('--step-seconds <s>', 'how long each step publishes', positive, 60)
    .option('--batch <n>', 'consumer batch size while building', wholePositive, 10_000)
    .option('--drain-batch <n>', 'consumer batch size while draining', wholePositive, 10_000)
    .option('--build-every <s>', 'consumer micro-batch build interval', positive, 1)
    .option('--retry-duplicates <p>', "publisher's retried copies", share, 0.01)
    .option(
      '--max-tail <s>',
      'longest wait for the consumer to catch up once publishing ended',
      positive,
      120,
    )
    .option('--seed <s>', 'simulator seed', whole, 42)
    .option('--threads <n>', "consumer's DuckDB threads (default: DuckDB's)", wholePositive)
    .option(
      '--results-dir <dir>',
      'where stream.json and stream.svg go',
      join(REPO_ROOT, 'bench', 'results'),
    )
    .exitOverride();
}

/** Stops the broker and the scripts on SIGINT/SIGTERM, so that an interrupted run leaves nothing behind. */
function onInterrupt(broker: NatsBroker, interrupted: { value: boolean }): () => void {
  const handler = (): void => {
    interrupted.value = true;
    printInfo('interrupted: stopping the publisher, the consumer and the broker');
    stopRepoScripts('SIGTERM');
    void broker.stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

async function measure(
  o: StreamFlags,
  context: StreamBenchContext,
  interrupted: { value: boolean },
): Promise<Pick<StreamBenchResult, 'sustained' | 'drain' | 'steps' | 'highestRate'>> {
  const check = (): void => {
    if (interrupted.value) throw new UserError('bench:stream interrupted', 1);
  };
  printInfo(`sustained: ${o.rate.toLocaleString('en-US')} msg/s for ${o.seconds} s...`);
  const sustained = await measureSustained(context, 'BENCH_SUSTAINED', o.rate, o.seconds);
  check();
  const drain = o.drain > 0 ? await measureDrain(context, o.drain) : null;
  check();
  const steps = await measureSteps(context, o.steps, o.stepSeconds);
  check();
  const passing = steps.filter((s) => s.passed).map((s) => s.rate);
  return { sustained, drain, steps, highestRate: passing.length > 0 ? Math.max(...passing) : null };
}

async function main(): Promise<number> {
  const program = streamCommand();
  program.parse();
  const o = program.opts<StreamFlags>();
  const machine = await machineInfo();
  const loadAtStart = loadavg()[0]!;
  const broker = await startNatsBroker();
  const workDir = mkdtempSync(join(tmpdir(), 'bench-stream-'));
  const interrupted = { value: false };
  const release = onInterrupt(broker, interrupted);
  printInfo(
    `bench:stream on ${describeMachine(machine)}; nats-server pid ${broker.pid} at ${broker.url}`,
  );
  let measured: Awaited<ReturnType<typeof measure>>;
  try {
    measured = await measure(
      o,
      {
        broker,
        workDir,
        seed: o.seed,
        batch: o.batch,
        drainBatch: o.drainBatch,
        buildEvery: o.buildEvery,
        retryDuplicates: o.retryDuplicates,
        maxTailSeconds: o.maxTail,
        ...(o.threads !== undefined ? { threads: o.threads } : {}),
      },
      interrupted,
    );
  } finally {
    release();
    stopRepoScripts('SIGTERM');
    await broker.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  const full = o.rate >= 10_000 && o.seconds >= 600 && o.drain >= 1_000_000 && o.steps.length > 0;
  const result: StreamBenchResult = {
    mode: full ? 'full' : 'quick',
    date: new Date().toISOString(),
    machine,
    loadAverage: { start: loadAtStart, end: loadavg()[0]! },
    settings: {
      rate: o.rate,
      seconds: o.seconds,
      drain: o.drain,
      steps: o.steps,
      stepSeconds: o.stepSeconds,
      batch: o.batch,
      buildEvery: o.buildEvery,
      retryDuplicates: o.retryDuplicates,
      maxTailSeconds: o.maxTail,
      seed: o.seed,
      threads: o.threads ?? null,
    },
    ...measured,
    targets: judgeStreamTargets(
      measured.sustained,
      measured.drain,
      measured.highestRate,
      o.steps.length > 0,
    ),
  };
  mkdirSync(o.resultsDir, { recursive: true });
  writeFileSync(join(o.resultsDir, 'stream.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(o.resultsDir, 'stream.svg'), renderStreamSvg(result));
  printLine(renderStreamSummary(result));
  for (const line of targetLines(result.targets)) printLine(line);
  printInfo(`wrote ${join(o.resultsDir, 'stream.json')} and stream.svg`);
  return 0;
}

runCli(main);
