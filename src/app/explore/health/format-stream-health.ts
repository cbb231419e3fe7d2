import { colors } from '../../../base/console/console.js';
import type { LatencyPercentiles, StreamHealth } from './stream-health.js';

const count = (n: number): string => n.toLocaleString('en-US');

const latency = (l: LatencyPercentiles | null): string =>
  l === null ? '—' : `p50 ${count(l.p50)} ms  p95 ${count(l.p95)} ms  p99 ${count(l.p99)} ms`;

/**
 * The stream section of `npm run health`: one block per stream and consumer with the figures the
 * consumer prints per micro-batch. No lines at all when nothing was ever consumed.
 */
export function formatStreamHealth(streams: readonly StreamHealth[]): string[] {
  if (streams.length === 0) return [];
  const blocks = streams.flatMap((s) => {
    const rows: [string, string][] = [
      ['checkpoint', `sequence ${count(s.checkpoint)}`],
      ['batches', count(s.batches)],
      ['landed', count(s.landed)],
      ['rejected', count(s.rejected)],
      ['skipped redeliveries', count(s.skipped)],
      ['lag (last batch)', s.lag === null ? '—' : count(s.lag)],
      ['latency, last batch', latency(s.latencyLastBatch)],
      ['latency, last hour', latency(s.latencyLastHour)],
      ['last landed', s.lastLandedAt.toISOString()],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    return [
      `  ${colors.bold(`${s.stream}`)} (consumer ${s.consumer})`,
      ...rows.map(([label, value]) => `    ${label.padEnd(width)}  ${value}`),
    ];
  });
  return [
    colors.bold(
      'Streams (raw_stream_batches; latency is publish → landed, the last hour ends at the last batch)',
    ),
    ...blocks,
    '',
  ];
}

/** The stream section of `npm run health -- --json`. */
export function streamHealthJson(streams: readonly StreamHealth[]): object[] {
  return streams.map((s) => ({ ...s, lastLandedAt: s.lastLandedAt.toISOString() }));
}
