// `npm run demo:stream [-- --messages N --build-every S]`: the streaming tour. Starts a nats-server in a
// temporary folder, publishes the simulator's chaotic stream (with retried copies), consumes it
// continuously with micro-batch builds while a second wave is published, then shows
// `npm run health` and a live `npm run sql` against the warehouse the consumer holds, and stops
// everything: the consumer (SIGTERM), the broker, the temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { colors, printLine } from '../src/base/console/console.js';
import { UserError } from '../src/base/errors/user-error.js';
import { startNatsBroker, type NatsBroker } from './lib/nats-broker.js';
import {
  npmCommand,
  startRepoScript,
  stopRepoScripts,
  type RepoScript,
} from './lib/repo-script.js';

const STREAM = 'DEMO';
const LIVE_QUERY =
  'select status, count(*) as transactions, sum(amount) as amount from silver_transactions group by status order by status';
const CAUGHT_UP_MS = 180_000;

function wholePositive(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('expected a whole number above 0.');
  return Number(value);
}

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0)) throw new InvalidArgumentError('expected a number above 0.');
  return n;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function step(n: number, title: string, command: string): void {
  printLine();
  printLine(colors.bold(`${n}. ${title}`));
  printLine(colors.cyan(`$ ${command}`));
}

/** Runs a script to its end, showing its output indented; returns its exit code. */
async function show(name: string, args: readonly string[]): Promise<number> {
  const script = startRepoScript(name, args, { onLine: (line) => printLine(`  ${line.text}`) });
  return (await script.done).exitCode ?? 1;
}

/** The last stream sequence of the consumer's batch lines, and how many builds it finished. */
function progress(consumer: RepoScript): { last: number; builtUpTo: number; builds: number } {
  let last = 0;
  let builtUpTo = 0;
  let builds = 0;
  for (const line of consumer.lines) {
    const batch = /^batch \d+\s+seq \d+-(\d+)/.exec(line.text);
    if (batch) last = Number(batch[1]);
    else if (/^build\s+[\d,]+ new message/.test(line.text)) {
      builds++;
      builtUpTo = last;
    }
  }
  return { last, builtUpTo, builds };
}

/** Waits until the consumer built everything published so far. */
async function caughtUp(consumer: RepoScript, broker: NatsBroker): Promise<void> {
  const deadline = Date.now() + CAUGHT_UP_MS;
  for (;;) {
    const { messages } = await broker.streamState(STREAM);
    const seen = progress(consumer);
    if (seen.builds >= 1 && messages > 0 && seen.builtUpTo >= messages) return;
    const exited = await Promise.race([
      consumer.done.then(() => true),
      sleep(250).then(() => false),
    ]);
    if (exited) throw new UserError('the consumer stopped before it caught up');
    if (Date.now() > deadline)
      throw new UserError(`the consumer did not catch up within ${CAUGHT_UP_MS / 1000} s`);
  }
}

async function tour(broker: NatsBroker, dir: string, o: DemoFlags): Promise<number> {
  const db = join(dir, 'warehouse.duckdb');
  const server = ['--server', broker.url, '--stream', STREAM];
  const first = [...server, '--messages', String(o.messages), '--retry-duplicates', '0.02'];
  step(2, 'Publish the chaotic stream, with 2% of publishes retried', npmCommand('publish', first));
  if ((await show('publish', first)) !== 0) throw new UserError('npm run publish failed');

  const consume = [...server, '--db', db, '--build-every', String(o.buildEvery)];
  step(
    3,
    'Consume it continuously, building between batches',
    `${npmCommand('consume', consume)} &`,
  );
  const consumer = startRepoScript('consume', consume, {
    onLine: (line) => printLine(colors.dim(`  [consume] ${line.text}`)),
  });
  const wave = Math.max(1, Math.round(o.messages / 2));
  const second = [...server, '--messages', String(wave), '--seed', '7', '--rate', '5000'];
  step(4, 'Publish a second wave while it runs', npmCommand('publish', second));
  if ((await show('publish', second)) !== 0) throw new UserError('npm run publish failed');
  printLine(colors.dim('  waiting until the consumer has built everything...'));
  await caughtUp(consumer, broker);

  const health = ['--db', db];
  step(5, 'The health report of the live warehouse', npmCommand('health', health));
  const healthCode = await show('health', health);
  const sql = ['--db', db, LIVE_QUERY];
  step(6, 'A live query while the consumer holds the warehouse', npmCommand('sql', sql));
  const sqlCode = await show('sql', sql);

  step(
    7,
    'Stop the consumer: it finishes its batch or build, commits and exits',
    `kill -TERM ${consumer.pid}`,
  );
  consumer.signal('SIGTERM');
  const stopped = (await consumer.done).exitCode;
  if (stopped !== 0) throw new UserError(`the consumer exited with ${stopped} on SIGTERM`);
  if (healthCode !== 0 || sqlCode !== 0) {
    printLine(
      colors.yellow(
        'The live steps failed: querying a warehouse a consumer holds needs the consumer to serve the queries.',
      ),
    );
    return 1;
  }
  return 0;
}

interface DemoFlags {
  messages: number;
  buildEvery: number;
}

async function main(): Promise<number> {
  const program = new Command('demo:stream')
    .description(
      'A tour of streaming: broker, publish, continuous consume with builds, live queries.',
    )
    .option(
      '--messages <n>',
      'messages in the first wave (the second is half as many)',
      wholePositive,
      10_000,
    )
    .option('--build-every <s>', "the consumer's micro-batch build interval", positive, 2)
    .exitOverride();
  program.parse();
  const o = program.opts<DemoFlags>();
  const dir = mkdtempSync(join(tmpdir(), 'demo-stream-'));
  step(
    1,
    'Start a broker in a temporary folder',
    `nats-server -js -a 127.0.0.1 -p -1 -m -1 --ports_file_dir DIR -sd DIR/store &`,
  );
  const broker = await startNatsBroker();
  printLine(`  nats-server pid ${broker.pid} at ${broker.url}, store in ${broker.dir}`);
  const interrupt = (): void => {
    stopRepoScripts('SIGTERM');
    void broker.stop();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return await tour(broker, dir, o);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    stopRepoScripts('SIGTERM');
    step(
      8,
      'Stop the broker and remove the temporary folders',
      `kill -TERM ${broker.pid}; rm -rf ${dir} ${broker.dir}`,
    );
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
    printLine('  done');
  }
}

runCli(main);
