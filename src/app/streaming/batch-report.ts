import type { SourceMessage } from './message-source.js';

/** What the consumer says about one committed batch. */
export interface BatchReport {
  readonly batchId: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly firstPosition: number;
  readonly lastPosition: number;
  /** The stream's last sequence minus the checkpoint, after this batch (null when unknown). */
  readonly lag: number | null;
  /** Publish → commit, in milliseconds, over the messages that carry their publish time. */
  readonly latency: { readonly p50: number; readonly p99: number } | null;
}

/** Nearest-rank percentiles of publish → commit over a batch's messages. */
export function latencyPercentiles(
  messages: readonly SourceMessage[],
  committedAt: number,
): { p50: number; p99: number } | null {
  const delays = messages
    .filter((m) => m.publishedAt !== null)
    .map((m) => committedAt - m.publishedAt!.getTime())
    .sort((a, b) => a - b);
  if (delays.length === 0) return null;
  const rank = (p: number): number =>
    delays[Math.min(delays.length - 1, Math.ceil(p * delays.length) - 1)]!;
  return { p50: rank(0.5), p99: rank(0.99) };
}

const count = (n: number): string => n.toLocaleString('en-US');

/** One line per batch: `batch 12  seq 1001-2000  landed 998  rejected 2  skipped 0  lag 0  latency p50 12 ms p99 40 ms`. */
export function formatBatchLine(report: BatchReport): string {
  const parts = [
    `batch ${report.batchId}`,
    `seq ${report.firstPosition}-${report.lastPosition}`,
    `landed ${count(report.accepted)}`,
    `rejected ${count(report.rejected)}`,
    `skipped ${count(report.skipped)}`,
    `lag ${report.lag === null ? '?' : count(report.lag)}`,
  ];
  if (report.latency)
    parts.push(`latency p50 ${report.latency.p50} ms p99 ${report.latency.p99} ms`);
  return parts.join('  ');
}
