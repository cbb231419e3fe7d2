import type { StrategyName } from '../lib/bench-task.js';
import type { StrategyResult, TargetResult } from '../lib/bench-result.js';
import type { ScaleName } from '../lib/scales.js';
import { formatBytes, formatRate, formatRatio, formatSeconds } from './format.js';

/** The strategies held to the medium-scale throughput target (the naive peer is the one to beat). */
const THROUGHPUT_STRATEGIES: readonly StrategyName[] = [
  'eager',
  'bronze',
  'window',
  'merge',
  'build',
  'incremental',
];
const MIN_ROWS_PER_SECOND = 1_000_000;
const GB = 1024 ** 3;

/**
 * Judges the speed targets against one scale's results. Each target applies at one scale
 * (10M messages unless it says otherwise); at other scales it is listed with `passed: null`, so
 * the number is still visible.
 */
export function judgeTargets(
  scale: ScaleName,
  strategies: readonly StrategyResult[],
): TargetResult[] {
  const byName = new Map(strategies.map((s) => [s.name, s]));
  const targets: TargetResult[] = [];
  const judge = (
    id: string,
    description: string,
    appliesAt: ScaleName,
    measured: string,
    ok: boolean | null,
  ) =>
    targets.push({
      id,
      description,
      appliesAt,
      measured,
      passed: ok === null || scale !== appliesAt ? null : ok,
    });

  const build = byName.get('build');
  const naive = byName.get('naive');
  const incremental = byName.get('incremental');
  const simulate = byName.get('simulate');
  if (build) {
    judge(
      'build-time',
      'full build under 40 s (10M)',
      'xlarge',
      formatSeconds(build.seconds),
      build.seconds < 40,
    );
    judge(
      'build-memory',
      'full build peak memory under 4 GB (10M)',
      'xlarge',
      formatBytes(build.peakMemoryBytes),
      build.peakMemoryBytes < 4 * GB,
    );
  }
  if (build && incremental) {
    const ratio = incremental.seconds / build.seconds;
    judge(
      'incremental-ratio',
      'incremental build after +1% under 10% of the full build (10M)',
      'xlarge',
      `${(ratio * 100).toFixed(1)}%`,
      ratio < 0.1,
    );
  }
  for (const name of THROUGHPUT_STRATEGIES) {
    const result = byName.get(name);
    if (!result) continue;
    judge(
      `throughput-${name}`,
      `${name} at least 1,000,000 rows/s (10K)`,
      'medium',
      formatRate(result.rowsPerSecond),
      result.rowsPerSecond >= MIN_ROWS_PER_SECOND,
    );
  }
  if (build && naive) {
    const ratio = naive.seconds / build.seconds;
    judge(
      'build-vs-naive',
      'full build at least 1.5× faster than the naive peer (10M)',
      'xlarge',
      formatRatio(ratio),
      ratio >= 1.5,
    );
  }
  if (simulate) {
    judge(
      'simulate-time',
      'simulating 10M messages under 25 s',
      'xlarge',
      formatSeconds(simulate.seconds),
      simulate.seconds < 25,
    );
  }
  return targets;
}
