// `npm run consume -- --stream NAME [--server URL] [--durable NAME] [--db PATH] [--batch N] [--until-idle S] [--build-every S | --build-after N | --no-build] [--complete-build-every S] [--query-port N | --no-query] [--query-timeout S] [--query-max-rows N]`
import { Command, InvalidArgumentError } from 'commander';
import { runCli } from '../src/app/cli/run-cli.js';
import { consumeStream } from '../src/app/streaming/consume-stream.js';
import {
  DEFAULT_COMPLETE_EVERY,
  type BuildTrigger,
} from '../src/app/streaming/micro-batch-builds.js';
import { printLine } from '../src/base/console/console.js';
import { UserError } from '../src/base/errors/user-error.js';
import { addTargetFlags, warehouseTarget, type TargetFlags } from './lib/target-flags.js';

function positive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected a number above 0.');
  return n;
}

function wholePositive(value: string): number {
  const n = positive(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number above 0.');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new InvalidArgumentError('expected a port number from 1 to 65535.');
  return n;
}

const DEFAULT_BUILD_EVERY = 5;

/** The build flags as given. */
interface BuildFlags extends TargetFlags {
  readonly untilIdle?: number;
  readonly buildEvery?: number;
  readonly buildAfter?: number;
  readonly completeBuildEvery?: number;
  readonly build: boolean;
}

/** When to build (undefined: never), from the flags; refuses flags that contradict each other. */
function buildTrigger(o: BuildFlags, projectDir: string): BuildTrigger | undefined {
  const given = [o.buildEvery, o.buildAfter, o.completeBuildEvery].some((v) => v !== undefined);
  if (!o.build && given)
    throw new UserError(
      '--no-build cannot be combined with --build-every, --build-after or --complete-build-every',
    );
  if (o.buildEvery !== undefined && o.buildAfter !== undefined)
    throw new UserError('give --build-every or --build-after, not both');
  if (!o.build) return undefined;
  return {
    projectDir,
    target: o.target,
    profilesDir: o.profilesDir,
    ...(o.buildAfter !== undefined
      ? { afterMessages: o.buildAfter }
      : { everySeconds: o.buildEvery ?? DEFAULT_BUILD_EVERY }),
    ...(o.completeBuildEvery !== undefined ? { completeEverySeconds: o.completeBuildEvery } : {}),
    ...(o.untilIdle !== undefined ? { idleSeconds: o.untilIdle } : {}),
  };
}

function consumeProgram(): Command {
  return addTargetFlags(
    new Command('consume').description(
      'Land a NATS JetStream stream into the warehouse exactly once per stream sequence, building the models between batches.',
    ),
    false,
  )
    .requiredOption('--stream <name>', 'the JetStream stream to land')
    .option('--server <url>', 'NATS server', 'nats://127.0.0.1:4222')
    .option(
      '--durable <name>',
      "the durable consumer, and the warehouse checkpoint's name",
      'warehouse',
    )
    .option(
      '--batch <n>',
      'messages per batch at most (one transaction each)',
      wholePositive,
      10_000,
    )
    .option(
      '--until-idle <seconds>',
      'stop once the stream is drained and idle this long',
      positive,
    )
    .option(
      '--build-every <seconds>',
      `build after this many seconds (default ${DEFAULT_BUILD_EVERY})`,
      positive,
    )
    .option('--build-after <n>', 'build after this many landed messages', wholePositive)
    .option('--no-build', 'only land; never build')
    .option(
      '--complete-build-every <seconds>',
      `between batches, build Bronze and Silver only; build Gold, the audits and the data tests at most this often (default ${DEFAULT_COMPLETE_EVERY})`,
      positive,
    )
    .option('--project-dir <dir>', 'the project to build (default: the current folder)')
    .option(
      '--query-port <port>',
      'serve read-only SQL on this 127.0.0.1 port (default: a free one)',
      port,
    )
    .option('--query-timeout <seconds>', 'stop a served statement after this long', positive, 60)
    .option(
      '--query-max-rows <n>',
      'refuse a served result over this many rows',
      wholePositive,
      100000,
    )
    .option('--no-query', 'serve no queries while consuming')
    .option('--threads <n>', 'DuckDB threads (default: all cores)', wholePositive)
    .option(
      '--memory-limit <size>',
      "DuckDB memory limit, e.g. '1GB' (default: DuckDB's, 80% of RAM): bounds the consumer's memory",
    )
    .exitOverride();
}

runCli(async () => {
  const program = consumeProgram();
  program.parse();
  const o = program.opts<
    TargetFlags & {
      stream: string;
      server: string;
      durable: string;
      batch: number;
      untilIdle?: number;
      buildEvery?: number;
      buildAfter?: number;
      completeBuildEvery?: number;
      build: boolean;
      projectDir?: string;
      query: boolean;
      queryPort?: number;
      queryTimeout: number;
      queryMaxRows: number;
      threads?: number;
      memoryLimit?: string;
    }
  >();
  const projectDir = o.projectDir ?? process.cwd();
  const build = buildTrigger(o, projectDir);
  const target = warehouseTarget(o, projectDir);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  const summary = await consumeStream({
    server: o.server,
    stream: o.stream,
    durable: o.durable,
    dbPath: target.path,
    batch: o.batch,
    signal: stop.signal,
    settings: {
      settings: target.settings,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      ...(o.memoryLimit !== undefined ? { memoryLimit: o.memoryLimit } : {}),
    },
    ...(o.query
      ? {
          query: {
            timeoutMs: o.queryTimeout * 1000,
            maxRows: o.queryMaxRows,
            ...(o.queryPort !== undefined ? { port: o.queryPort } : {}),
          },
        }
      : {}),
    ...(o.untilIdle !== undefined ? { untilIdleSeconds: o.untilIdle } : {}),
    ...(build ? { build } : {}),
  });
  printLine(
    `consumed ${o.stream}: ${summary.batches} batch(es), ${summary.landed} landed, ${summary.rejected} rejected, ${summary.skipped} redelivery(ies) skipped; checkpoint at sequence ${summary.lastSequence}`,
  );
  return 0;
});
