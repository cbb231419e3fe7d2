import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { printInfo } from '../../src/base/console/console.js';
import type { NatsBroker } from '../../scripts/lib/nats-broker.js';
import type { TimedLine } from '../../scripts/lib/repo-script.js';
import { readStreamLatency } from './stream-latency.js';
import { runPhase, type PhaseRun } from './stream-phase.js';
import type { DrainResult, RateStep, SustainedResult } from './stream-result.js';

/** What every phase of the streaming benchmark shares. */
export interface StreamBenchContext {
  readonly broker: NatsBroker;
  /** A temporary folder for the phases' warehouses. */
  readonly workDir: string;
  readonly seed: number;
  /** Messages per consumer batch while building. */
  readonly batch: number;
  /** Messages per consumer batch while draining a backlog. */
  readonly drainBatch: number;
  readonly buildEvery: number;
  readonly retryDuplicates: number;
  /** Longest wait for a building consumer once publishing ended. */
  readonly maxTailSeconds: number;
  /** DuckDB threads of the consumer (`DUCKDB_THREADS`); DuckDB's default when undefined. */
  readonly threads?: number;
}

/** p99 publish → `silver_transactions` that a rate must keep to count as sustained. */
export const P99_LIMIT_MS = 5000;
/** Share of the asked rate the publisher must reach for a step to count. */
const RATE_KEPT = 0.95;
const STATUS_EVERY_MS = 10_000;
/**
 * The consumer's `--until-idle` in a sustained run: longer than the publisher takes to start, as
 * the consumer starts first; the tail is built by the periodic builds meanwhile, not after it.
 */
const UNTIL_IDLE_SECONDS = 10;

/** Prints the consumer's progress every 10 s, so that a long run shows it is alive. */
function statusPrinter(label: string): (script: 'publish' | 'consume', line: TimedLine) => void {
  let lastPrint = Date.now();
  let batches = 0;
  let builds = 0;
  let lastBatch = '';
  return (script, line) => {
    if (script !== 'consume' || line.stream !== 'stdout') return;
    if (line.text.startsWith('batch ')) {
      batches++;
      lastBatch = line.text;
    } else if (line.text.startsWith('build ')) builds++;
    if (line.at - lastPrint < STATUS_EVERY_MS) return;
    lastPrint = line.at;
    printInfo(`  ${label}: ${batches} batches, ${builds} builds; ${lastBatch}`);
  };
}

function phaseEnv(context: StreamBenchContext): Record<string, string> | undefined {
  return context.threads !== undefined ? { DUCKDB_THREADS: String(context.threads) } : undefined;
}

/** Messages to simulate so that, with retried copies, `rate × seconds` publishes go out. */
function messagesFor(rate: number, seconds: number, retryDuplicates: number): number {
  return Math.max(1, Math.round((rate * seconds) / (1 + retryDuplicates)));
}

/**
 * Publishes at `rate` for `seconds` while `npm run consume` lands and builds every
 * `buildEvery` seconds, then measures latency, throughput, RSS and build times.
 */
export async function measureSustained(
  context: StreamBenchContext,
  stream: string,
  rate: number,
  seconds: number,
): Promise<SustainedResult> {
  const dbPath = join(context.workDir, `${stream.toLowerCase()}.duckdb`);
  const env = phaseEnv(context);
  const run = await runPhase({
    broker: context.broker,
    stream,
    dbPath,
    messages: messagesFor(rate, seconds, context.retryDuplicates),
    rate,
    seed: context.seed,
    retryDuplicates: context.retryDuplicates,
    consume: 'during',
    consumerArgs: [
      '--batch',
      String(context.batch),
      '--build-every',
      String(context.buildEvery),
      '--until-idle',
      String(UNTIL_IDLE_SECONDS),
    ],
    maxTailSeconds: context.maxTailSeconds,
    ...(env ? { env } : {}),
    onLine: statusPrinter(stream),
  });
  const windowSeconds = Math.max(1, Math.round(seconds / 100));
  const latency = await readStreamLatency(dbPath, stream, run.builds, windowSeconds);
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  const t0 = latency.firstPublishedAt;
  const since = (at: number): number => Number(((at - t0) / 1000).toFixed(3));
  const rss = run.rss.map((s) => ({ t: since(s.at), bytes: s.bytes }));
  const visibleSeconds =
    latency.lastVisibleAt === null ? null : (latency.lastVisibleAt - t0) / 1000;
  return {
    rate,
    seconds,
    published: run.publish.published,
    publishSeconds: run.publish.seconds,
    publishedPerSecond: run.publish.published / run.publish.seconds,
    deliveries: latency.deliveries,
    distinctSequences: latency.distinctSequences,
    landed: run.batches.reduce((sum, b) => sum + b.landed, 0),
    rejected: run.batches.reduce((sum, b) => sum + b.rejected, 0),
    // A consumer stopped while behind leaves messages unlanded as well as landed and unbuilt.
    unbuilt: run.publish.published - (latency.deliveries - latency.unbuilt),
    throughputPerSecond: visibleSeconds
      ? (latency.deliveries - latency.unbuilt) / visibleSeconds
      : 0,
    latencyMs: {
      landed: latency.landed,
      silverEvents: latency.silverEvents,
      silverTransactions: latency.silverTransactions,
    },
    timeline: latency.timeline,
    rss,
    rssAfterWarmup: rssAfterWarmup(rss, Math.min(60, seconds / 2)),
    builds: run.builds.map((b) => ({
      t: since(b.at),
      newMessages: b.newMessages,
      seconds: b.seconds,
      historyRows: b.historyRows,
    })),
  };
}

function rssAfterWarmup(
  rss: readonly { t: number; bytes: number }[],
  warmupSeconds: number,
): SustainedResult['rssAfterWarmup'] {
  const after = rss.filter((s) => s.t >= warmupSeconds).map((s) => s.bytes);
  if (after.length === 0) return null;
  return {
    warmupSeconds,
    referenceBytes: after[0]!,
    minBytes: Math.min(...after),
    maxBytes: Math.max(...after),
  };
}

/** Publishes `messages` as fast as the broker takes them, then drains them with `--no-build`. */
export async function measureDrain(
  context: StreamBenchContext,
  messages: number,
): Promise<DrainResult> {
  const stream = 'BENCH_DRAIN';
  const dbPath = join(context.workDir, 'drain.duckdb');
  const env = phaseEnv(context);
  printInfo(`drain: publishing a backlog of ${messages.toLocaleString('en-US')} messages...`);
  const run: PhaseRun = await runPhase({
    broker: context.broker,
    stream,
    dbPath,
    messages,
    seed: context.seed,
    retryDuplicates: 0,
    consume: 'after',
    consumerArgs: ['--batch', String(context.drainBatch), '--no-build', '--until-idle', '1'],
    ...(env ? { env } : {}),
    onLine: statusPrinter(stream),
  });
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  const first = run.batches[0];
  const last = run.batches.at(-1);
  if (!first || !last) throw new Error('drain: the consumer landed no batch');
  const size = (b: { landed: number; rejected: number }): number => b.landed + b.rejected;
  const landed = run.batches.reduce((sum, b) => sum + size(b), 0);
  const seconds = (last.at - run.consumer.readyAt) / 1000;
  const steadySeconds = (last.at - first.at) / 1000;
  return {
    messages: landed,
    seconds,
    msgPerSecond: landed / seconds,
    steadyMsgPerSecond: steadySeconds > 0 ? (landed - size(first)) / steadySeconds : 0,
  };
}

/**
 * Runs each rate for `seconds`, in order, and stops at the first that misses p99 ≤ 5 s (or that
 * the publisher could not keep up with): the last passing rate is the highest sustained.
 */
export async function measureSteps(
  context: StreamBenchContext,
  rates: readonly number[],
  seconds: number,
): Promise<RateStep[]> {
  const steps: RateStep[] = [];
  for (const rate of rates) {
    printInfo(`step: ${rate.toLocaleString('en-US')} msg/s for ${seconds} s...`);
    const run = await measureSustained(context, `BENCH_STEP_${rate}`, rate, seconds);
    const p99Ms = run.latencyMs.silverTransactions?.p99 ?? null;
    const passed =
      p99Ms !== null &&
      p99Ms <= P99_LIMIT_MS &&
      run.publishedPerSecond >= RATE_KEPT * rate &&
      run.unbuilt === 0;
    steps.push({ rate, seconds, publishedPerSecond: run.publishedPerSecond, p99Ms, passed });
    printInfo(
      `step: ${rate.toLocaleString('en-US')} msg/s: published ${Math.round(run.publishedPerSecond).toLocaleString('en-US')}/s, p99 ${p99Ms ?? '?'} ms: ${passed ? 'kept' : 'missed'}`,
    );
    if (!passed) break;
  }
  return steps;
}
