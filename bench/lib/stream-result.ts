import type { MachineInfo } from './bench-result.js';
import type { LatencyWindow, Percentiles } from './stream-latency.js';

/** The sustained run: publish at a fixed rate for a fixed time while consuming with micro-batch builds. */
export interface SustainedResult {
  readonly rate: number;
  readonly seconds: number;
  /** Messages the broker acknowledged (the stream's length), retried copies included. */
  readonly published: number;
  readonly publishSeconds: number;
  readonly publishedPerSecond: number;
  /** `raw_stream_deliveries` rows and their distinct stream sequences (each equal to `published`). */
  readonly deliveries: number;
  readonly distinctSequences: number;
  /** Rows landed in `raw_messages` and rejected, summed over the consumer's batch lines. */
  readonly landed: number;
  readonly rejected: number;
  /** Published messages no finished build covered: 0 unless the consumer was stopped behind (`--max-tail`). */
  readonly unbuilt: number;
  /** Messages built, per second from the first publish to the last one visible in `silver_transactions`. */
  readonly throughputPerSecond: number;
  /** Milliseconds from publish to: the batch's commit, and the end of the build that made it visible. */
  readonly latencyMs: {
    readonly landed: Percentiles | null;
    readonly silverEvents: Percentiles | null;
    readonly silverTransactions: Percentiles | null;
  };
  /** p50/p99 to `silver_transactions` per window of publish time. */
  readonly timeline: readonly LatencyWindow[];
  /** The consumer's `VmRSS`, `t` seconds after the first publish (negative: before it). */
  readonly rss: readonly { readonly t: number; readonly bytes: number }[];
  /** The RSS samples after the warm-up, against the first of them. */
  readonly rssAfterWarmup: {
    readonly warmupSeconds: number;
    readonly referenceBytes: number;
    readonly minBytes: number;
    readonly maxBytes: number;
  } | null;
  /** Every micro-batch build: when it ended, what it built and on how much history. */
  readonly builds: readonly {
    readonly t: number;
    readonly newMessages: number;
    readonly seconds: number;
    readonly historyRows: number;
  }[];
}

/** Draining a backlog published beforehand, with `--no-build`. */
export interface DrainResult {
  readonly messages: number;
  /** From the consumer being bound to the stream (its start-up done) to its last batch line. */
  readonly seconds: number;
  readonly msgPerSecond: number;
  /** From its first to its last batch line, over the messages after the first batch. */
  readonly steadyMsgPerSecond: number;
}

/** One step of the search for the highest rate with p99 ≤ 5 s. */
export interface RateStep {
  readonly rate: number;
  readonly seconds: number;
  readonly publishedPerSecond: number;
  readonly p99Ms: number | null;
  /** p99 to `silver_transactions` ≤ 5 s, the publisher kept 95% of the rate, and every message built. */
  readonly passed: boolean;
}

/** One target of the streaming benchmark and its verdict on this run. */
export interface StreamTarget {
  readonly id: string;
  readonly description: string;
  readonly measured: string;
  readonly passed: boolean;
}

/** What `npm run bench:stream` writes to `bench/results/stream.json`. */
export interface StreamBenchResult {
  /** `quick` for a run shorter or slower than the targets' (the numbers are not the targets' test). */
  readonly mode: 'quick' | 'full';
  /** ISO timestamp of the end of the run. */
  readonly date: string;
  readonly machine: MachineInfo;
  /** The 1-minute load average at the start and the end: how busy the machine was besides this run. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly settings: {
    readonly rate: number;
    readonly seconds: number;
    readonly drain: number;
    readonly steps: readonly number[];
    readonly stepSeconds: number;
    readonly batch: number;
    readonly buildEvery: number;
    readonly retryDuplicates: number;
    readonly maxTailSeconds: number;
    readonly seed: number;
    readonly threads: number | null;
  };
  readonly sustained: SustainedResult;
  readonly drain: DrainResult | null;
  readonly steps: readonly RateStep[];
  /** The highest step rate that passed (null when none did or none ran). */
  readonly highestRate: number | null;
  readonly targets: readonly StreamTarget[];
}
