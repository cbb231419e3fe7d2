// `npm run publish -- --stream NAME [--server URL] [--subject S] [--rate N] [--retry-duplicates P] [--msg-id] [simulation options]`
import { Command } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { progressBar } from '../src/base/console/progress-bar.js';
import { formatPublishSummary } from '../src/app/streaming/format-publish-summary.js';
import { publishSimulation } from '../src/app/streaming/publish-simulation.js';
import { printLine } from '../src/base/console/console.js';
import {
  addSimulationOptions,
  rate,
  simulationOptions,
  wholeNumber,
  type SimulationFlags,
} from './lib/simulation-flags.js';

function publishCommand(): Command {
  const command = new Command('publish')
    .description("Publish the simulator's chaotic stream to a NATS JetStream stream.")
    .requiredOption('--stream <name>', 'the stream (created with limits retention if missing)')
    .option('--server <url>', 'NATS server', 'nats://127.0.0.1:4222')
    .option('--subject <subject>', 'subject to publish on (default: <stream in lower case>.events)')
    .option(
      '--rate <n>',
      'messages per second (default: as fast as acknowledgements allow)',
      wholeNumber,
    )
    .option('--retry-duplicates <p>', 'share of publishes sent twice, as after a lost ack', rate, 0)
    .option(
      '--msg-id',
      "set Nats-Msg-Id so that JetStream's dedup window drops retried copies",
      false,
    );
  return addSimulationOptions(command, 'share of malformed messages').exitOverride();
}

type PublishFlags = SimulationFlags & {
  stream: string;
  server: string;
  subject?: string;
  rate?: number;
  retryDuplicates: number;
  msgId: boolean;
};

runCli(async () => {
  const program = publishCommand();
  program.parse();
  const o = program.opts<PublishFlags>();
  const bar = progressBar('publish');
  try {
    const summary = await publishSimulation({
      server: o.server,
      stream: o.stream,
      retryDuplicates: o.retryDuplicates,
      msgId: o.msgId,
      ...(o.subject !== undefined ? { subject: o.subject } : {}),
      ...(o.rate !== undefined ? { rate: o.rate } : {}),
      simulation: simulationOptions(o),
      ...(bar.listener ? { onProgress: bar.listener } : {}),
    });
    bar.stop();
    printLine(formatPublishSummary(o.stream, summary));
  } finally {
    bar.stop();
  }
  return 0;
});
