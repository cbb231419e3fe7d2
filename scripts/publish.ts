// `npm run publish -- --stream NAME [--server URL] [--subject S] [--rate N] [--retry-duplicates P] [--msg-id] [simulation options]`
import { Command, InvalidArgumentError } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { SIMULATION_SCALES, type SimulationScale } from '../src/app/landing/simulation-options.js';
import { publishSimulation } from '../src/app/streaming/publish-simulation.js';
import { isInteractive, printInfo, printLine } from '../src/base/console/console.js';

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function probability(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n < 1))
    throw new InvalidArgumentError('expected a probability in [0, 1).');
  return n;
}

runCli(async () => {
  const program = new Command('publish')
    .description("Publish the simulator's chaotic stream to a NATS JetStream stream.")
    .requiredOption('--stream <name>', 'the stream (created with limits retention if missing)')
    .option('--server <url>', 'NATS server', 'nats://127.0.0.1:4222')
    .option('--subject <subject>', 'subject to publish on (default: <stream in lower case>.events)')
    .option(
      '--rate <n>',
      'messages per second (default: as fast as acknowledgements allow)',
      wholeNumber,
    )
    .option(
      '--retry-duplicates <p>',
      'share of publishes sent twice, as after a lost ack',
      probability,
      0,
    )
    .option('--msg-id', "set Nats-Msg-Id so JetStream's dedup window drops retried copies", false)
    .option('--scale <scale>', 'small, medium, large or xlarge', 'medium')
    .option(
      '--messages <n>',
      'rows to emit, redeliveries included (overrides --scale)',
      wholeNumber,
    )
    .option('--seed <n>', 'PRNG seed', wholeNumber)
    .option('--malformed-rate <p>', 'share of malformed messages', probability)
    .exitOverride();
  program.parse();
  const o = program.opts<{
    stream: string;
    server: string;
    subject?: string;
    rate?: number;
    retryDuplicates: number;
    msgId: boolean;
    scale: string;
    messages?: number;
    seed?: number;
    malformedRate?: number;
  }>();
  const messages = o.messages ?? SIMULATION_SCALES[o.scale as SimulationScale];
  if (messages === undefined) throw new InvalidArgumentError(`unknown --scale ${o.scale}`);
  const summary = await publishSimulation({
    server: o.server,
    stream: o.stream,
    retryDuplicates: o.retryDuplicates,
    msgId: o.msgId,
    ...(o.subject !== undefined ? { subject: o.subject } : {}),
    ...(o.rate !== undefined ? { rate: o.rate } : {}),
    simulation: {
      messages,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.malformedRate !== undefined ? { malformedRate: o.malformedRate } : {}),
    },
    onProgress: (done, total) => {
      if (isInteractive())
        printInfo(
          `published ${done.toLocaleString('en-US')} of about ${total.toLocaleString('en-US')}`,
        );
    },
  });
  printLine(
    `published ${summary.published.toLocaleString('en-US')} message(s) to ${o.stream} in ${summary.seconds.toFixed(1)} s (${summary.retried} retried copies, ${summary.deduplicated} dropped by the dedup window); stream sequences ${summary.firstSequence} to ${summary.lastSequence}`,
  );
  return 0;
});
