import { readFileSync } from 'node:fs';
import { printInfo } from '../../src/base/console/console.js';
import type { NatsBroker } from '../../scripts/lib/nats-broker.js';
import {
  startRepoScript,
  type RepoScript,
  type RepoScriptOptions,
  type TimedLine,
} from '../../scripts/lib/repo-script.js';
import {
  parseConsumerLog,
  parsePublishSummary,
  type BatchLine,
  type BuildLine,
} from './consumer-log.js';

/** One run of publisher and consumer through the broker. */
export interface PhaseOptions {
  readonly broker: NatsBroker;
  readonly stream: string;
  /** A new warehouse file for this run. */
  readonly dbPath: string;
  /** Simulated messages to publish (`--messages`). */
  readonly messages: number;
  /** Messages per second; as fast as acknowledgements allow when undefined. */
  readonly rate?: number;
  readonly seed: number;
  /** Share of publishes sent twice, as after a lost acknowledgement. */
  readonly retryDuplicates: number;
  /** `during`: consume while publishing; `after`: publish everything first (a backlog). */
  readonly consume: 'during' | 'after';
  /** The consumer's flags besides `--server`, `--stream` and `--db`. */
  readonly consumerArgs: readonly string[];
  /** Longest wait for the consumer once publishing ended; unbounded when undefined. */
  readonly maxTailSeconds?: number;
  /** Environment for both scripts (e.g. `DUCKDB_THREADS`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Every output line of both scripts, as it arrives. */
  readonly onLine?: (script: 'publish' | 'consume', line: TimedLine) => void;
}

/** A consumer RSS sample: `VmRSS` of its process. */
export interface RssSample {
  readonly at: number;
  readonly bytes: number;
}

/** What a phase observed, before reading the warehouse. */
export interface PhaseRun {
  readonly publish: {
    readonly published: number;
    readonly seconds: number;
    readonly firstSequence: number;
    readonly lastSequence: number;
    readonly startedAt: number;
  };
  readonly consumer: {
    readonly startedAt: number;
    /** When it had bound its durable to the stream (ready to fetch). */
    readonly readyAt: number;
    readonly endedAt: number;
  };
  readonly batches: readonly BatchLine[];
  readonly builds: readonly BuildLine[];
  readonly rss: readonly RssSample[];
}

const RSS_EVERY_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `VmRSS` of `pid` in bytes, or null once it has exited. */
export function readRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Settles a script, refusing a non-zero exit with the end of what it said. */
async function finished(name: string, script: RepoScript): Promise<void> {
  const output = await script.done;
  if (output.exitCode !== 0) {
    const tail = script.lines
      .slice(-8)
      .map((l) => l.text)
      .join('\n');
    throw new Error(`${name} exited with ${output.exitCode ?? output.signal}:\n${tail}`);
  }
}

/**
 * Waits for the consumer to land and build what is left once publishing ended, at most
 * `maxTailSeconds`: a consumer far behind is stopped (SIGTERM: it finishes its batch and build)
 * rather than waited for, and what it did not build counts as unbuilt.
 */
async function tail(
  options: PhaseOptions,
  consumer: RepoScript,
  consumed: Promise<void>,
): Promise<void> {
  if (options.maxTailSeconds === undefined) return consumed;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), options.maxTailSeconds! * 1000);
  });
  const timedOut = await Promise.race([consumed.then(() => false), late]);
  clearTimeout(timer);
  if (timedOut) {
    printInfo(
      `  ${options.stream}: the consumer is still behind ${options.maxTailSeconds} s after publishing ended; stopping it`,
    );
    consumer.signal('SIGTERM');
  }
  return consumed;
}

/** Waits until the consumer has bound its durable to the stream: it is ready to fetch. */
async function consumerReady(options: PhaseOptions, consumer: RepoScript): Promise<void> {
  let exited = false;
  void consumer.done.then(() => (exited = true));
  while ((await options.broker.streamState(options.stream)).consumers === 0) {
    if (exited) return finished('consume', consumer);
    await sleep(50);
  }
}

function publishArgs(options: PhaseOptions): string[] {
  return [
    '--server',
    options.broker.url,
    '--stream',
    options.stream,
    '--messages',
    String(options.messages),
    '--seed',
    String(options.seed),
    '--retry-duplicates',
    String(options.retryDuplicates),
    ...(options.rate !== undefined ? ['--rate', String(options.rate)] : []),
  ];
}

/** The consumer, with its RSS sampled every second until it exits. */
function startConsumer(
  options: PhaseOptions,
  scriptOptions: RepoScriptOptions,
): { consumer: RepoScript; rss: RssSample[] } {
  const consumer = startRepoScript(
    'consume',
    [
      '--server',
      options.broker.url,
      '--stream',
      options.stream,
      '--db',
      options.dbPath,
      ...options.consumerArgs,
    ],
    scriptOptions,
  );
  const rss: RssSample[] = [];
  const sample = (): void => {
    const bytes = readRss(consumer.pid);
    if (bytes !== null) rss.push({ at: Date.now(), bytes });
  };
  // No sample at the spawn itself: node has not loaded yet.
  const sampler = setInterval(sample, RSS_EVERY_MS);
  void consumer.done.finally(() => clearInterval(sampler));
  return { consumer, rss };
}

/**
 * Publishes `messages` simulated messages and lands them with `npm run consume`, sampling the
 * consumer's RSS every second and stamping each of its stdout lines as it arrives. Consuming
 * `during` publishing, the stream is made first and the publisher starts once the consumer is
 * bound to it, so that the consumer's start-up is not counted as latency.
 */
export async function runPhase(options: PhaseOptions): Promise<PhaseRun> {
  const scriptOptions = (script: 'publish' | 'consume'): RepoScriptOptions => ({
    ...(options.env ? { env: options.env } : {}),
    onLine: (line: TimedLine) => options.onLine?.(script, line),
  });
  let publisher: RepoScript | undefined;
  let started: { consumer: RepoScript; rss: RssSample[] } | undefined;
  let readyAt = 0;
  try {
    if (options.consume === 'after') {
      publisher = startRepoScript('publish', publishArgs(options), scriptOptions('publish'));
      await finished('publish', publisher);
      started = startConsumer(options, scriptOptions('consume'));
      await consumerReady(options, started.consumer);
      readyAt = Date.now();
    } else {
      await options.broker.createStream(options.stream, `${options.stream.toLowerCase()}.events`);
      started = startConsumer(options, scriptOptions('consume'));
      await consumerReady(options, started.consumer);
      readyAt = Date.now();
      publisher = startRepoScript('publish', publishArgs(options), scriptOptions('publish'));
    }
    const consumed = finished('consume', started.consumer);
    await Promise.race([finished('publish', publisher), consumed]);
    await finished('publish', publisher);
    await tail(options, started.consumer, consumed);
  } catch (error) {
    publisher?.signal('SIGTERM');
    started?.consumer.signal('SIGTERM');
    await Promise.all([publisher?.done, started?.consumer.done]);
    throw error;
  }
  const { consumer, rss } = started;
  const summary = parsePublishSummary(publisher.lines);
  if (!summary) throw new Error('publish printed no summary line');
  const { batches, builds } = parseConsumerLog(consumer.lines);
  const endedAt = consumer.lines.at(-1)?.at ?? Date.now();
  return {
    publish: { ...summary, startedAt: publisher.startedAt },
    consumer: { startedAt: consumer.startedAt, readyAt, endedAt },
    batches,
    builds,
    rss,
  };
}
