import { P99_LIMIT_MS } from '../lib/measure-stream.js';
import type { DrainResult, StreamTarget, SustainedResult } from '../lib/stream-result.js';
import { formatBytes, formatCount } from './format.js';

const TARGET_RATE = 10_000;
const TARGET_SECONDS = 600;
const RATE_KEPT = 0.95;
const RSS_BAND = 0.15;
const DRAIN_RATE = 50_000;

const perSecond = (value: number): string => `${formatCount(value)} msg/s`;
const signedPercent = (ratio: number): string =>
  `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`;

/**
 * The streaming targets, each judged on what this run measured; the measured text says at which
 * rate and for how long, so a quick run's verdicts read as what they are.
 */
export function judgeStreamTargets(
  sustained: SustainedResult,
  drain: DrainResult | null,
  highestRate: number | null,
  stepsRun: boolean,
): StreamTarget[] {
  const p99 = sustained.latencyMs.silverTransactions?.p99 ?? null;
  const rss = sustained.rssAfterWarmup;
  const targets: StreamTarget[] = [
    {
      id: 'sustained',
      description: '10,000 msg/s sustained for 10 minutes (6M messages), every message built',
      measured: `${perSecond(sustained.publishedPerSecond)} published, ${perSecond(sustained.throughputPerSecond)} built; ${formatCount(sustained.published - sustained.unbuilt)} of ${formatCount(sustained.published)} messages built, publishing for ${sustained.seconds} s at ${perSecond(sustained.rate)}`,
      passed:
        sustained.rate >= TARGET_RATE &&
        sustained.seconds >= TARGET_SECONDS &&
        sustained.publishedPerSecond >= RATE_KEPT * TARGET_RATE &&
        sustained.throughputPerSecond >= RATE_KEPT * TARGET_RATE &&
        sustained.unbuilt === 0,
    },
    {
      id: 'p99',
      description: 'p99 publish → silver_transactions ≤ 5 s',
      measured:
        p99 === null
          ? 'nothing reached silver_transactions'
          : `${(p99 / 1000).toFixed(2)} s at ${perSecond(sustained.rate)}${sustained.unbuilt > 0 ? ` over the built messages; ${formatCount(sustained.unbuilt)} never built` : ''}`,
      passed: p99 !== null && p99 <= P99_LIMIT_MS && sustained.unbuilt === 0,
    },
    {
      id: 'rss',
      description: 'consumer RSS after the first minute within ±15%',
      measured: rss
        ? `${formatBytes(rss.minBytes)}–${formatBytes(rss.maxBytes)} against ${formatBytes(rss.referenceBytes)} at ${rss.warmupSeconds} s (${signedPercent(rss.minBytes / rss.referenceBytes - 1)} … ${signedPercent(rss.maxBytes / rss.referenceBytes - 1)})`
        : 'no sample after the warm-up',
      passed:
        rss !== null &&
        rss.maxBytes <= (1 + RSS_BAND) * rss.referenceBytes &&
        rss.minBytes >= (1 - RSS_BAND) * rss.referenceBytes,
    },
    {
      id: 'drain',
      description: 'a backlog of 1M messages drained with --no-build at ≥ 50,000 msg/s',
      measured: drain
        ? `${perSecond(drain.msgPerSecond)} over ${formatCount(drain.messages)} messages`
        : 'not run',
      passed: drain !== null && drain.msgPerSecond >= DRAIN_RATE,
    },
    {
      id: 'highest-rate',
      description: 'highest rate with p99 ≤ 5 s at least 10,000 msg/s',
      measured: !stepsRun
        ? 'not run'
        : highestRate === null
          ? 'no step kept p99 ≤ 5 s'
          : perSecond(highestRate),
      passed: highestRate !== null && highestRate >= TARGET_RATE,
    },
  ];
  return targets;
}

/** `PASS  description: measured` per target. */
export function targetLines(targets: readonly StreamTarget[]): string[] {
  return targets.map((t) => `${t.passed ? 'PASS' : 'MISS'}  ${t.description}: ${t.measured}`);
}
