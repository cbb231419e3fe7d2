import type { BenchResult, RunHeader, StrategyResult } from '../lib/bench-result.js';
import type { FloorsResult } from '../lib/floors.js';
import { describeMachine } from '../lib/machine-info.js';
import { formatBytes, formatCount, formatRate, formatRatio, formatSeconds } from './format.js';
import { LAB_BASELINE } from './lab-baseline.js';
import { floorVerdicts, renderFloorsMarkdown } from './floors-table.js';
import { renderResultsMarkdown } from './results-table.js';

/** Markers around the generated part of README.md's benchmark section; the text outside them is kept as written. */
export const GENERATED_START = '<!-- bench:generated:start (npx tsx bench/write-docs.ts) -->';
export const GENERATED_END = '<!-- bench:generated:end -->';

/**
 * The numbers part of README.md's benchmark section, from every scale's results: the machine, one table per scale
 * (medians), every target with its measured value and verdict, the ratios against the lab table
 * and against the naive peer, and where the full build's time goes.
 */
export function renderBenchMarkdown(
  results: readonly BenchResult[],
  floors: readonly FloorsResult[] = [],
): string {
  if (results.length === 0) return 'No results yet: run `npm run bench -- --scale medium`.';
  const latest = [...results].sort((a, b) => a.date.localeCompare(b.date)).at(-1)!;
  const out: string[] = [];
  out.push(
    `Measured on ${describeMachine(latest.machine)} (${latest.machine.cpuModel}, ${latest.machine.platform}).`,
    '',
    '![throughput](bench/results/throughput.svg)',
    '',
  );
  for (const result of results) {
    out.push(
      `### ${result.scale}: ${formatCount(result.messages)} messages`,
      '',
      `Median of ${result.repeat} run${result.repeat === 1 ? '' : 's'} per strategy, seed ${result.seed}, ` +
        `${describeRun(result)}. ` +
        'Memory is the peak RSS of the process running the strategy; disk is the warehouse growth.',
      '',
      renderResultsMarkdown(result),
      '',
      `naive / build: ${formatRatio(result.ratios.naiveOverBuild)}; incremental / build: ${percent(result.ratios.incrementalOverBuild)}.`,
      '',
    );
  }
  out.push('### Targets', '', ...renderTargets(results), '');
  if (floors.length > 0) out.push(...renderFloors(floors));
  out.push('### Against the lab table', '', ...renderLabRatios(results), '');
  out.push('### Where the full build spends its time', '', ...renderBuildBreakdown(results), '');
  return out.join('\n');
}

/** Each target once, judged at the scale it applies to, with the measured value there. */
function renderTargets(results: readonly BenchResult[]): string[] {
  const lines = ['| target | judged at | measured | verdict |', '|---|---|---|---|'];
  const seen = new Set<string>();
  for (const result of results) {
    for (const target of result.targets) {
      if (target.passed === null || seen.has(target.id)) continue;
      seen.add(target.id);
      lines.push(
        `| ${target.description} | ${target.appliesAt} | ${target.measured} | ${target.passed ? 'met' : '**not met**'} |`,
      );
    }
  }
  const missing = new Set(results.flatMap((r) => r.targets.map((t) => t.id)));
  for (const id of seen) missing.delete(id);
  for (const id of missing) {
    const target = results.flatMap((r) => r.targets).find((t) => t.id === id)!;
    lines.push(
      `| ${target.description} | ${target.appliesAt} | no ${target.appliesAt} run recorded | not judged |`,
    );
  }
  return lines;
}

/** Our rows/s divided by the lab's, for each lab row, at every scale. */
function renderLabRatios(results: readonly BenchResult[]): string[] {
  const lines = [
    `| lab pattern | lab rows/s | ours | ${results.map((r) => `${r.scale} rows/s (× lab)`).join(' | ')} |`,
    `|---|---|---|${results.map(() => '---').join('|')}|`,
  ];
  for (const row of LAB_BASELINE) {
    const cells = results.map((result) => {
      const ours = result.strategies.find((s) => s.name === row.strategy);
      return ours
        ? `${formatRate(ours.rowsPerSecond)} (${formatRatio(ours.rowsPerSecond / row.rowsPerSecond)})`
        : 'n/a';
    });
    lines.push(
      `| ${row.pattern} | ${formatRate(row.rowsPerSecond)} | ${row.strategy} | ${cells.join(' | ')} |`,
    );
  }
  return lines;
}

/** Per-model seconds of the full and the incremental build at the largest scale recorded. */
function renderBuildBreakdown(results: readonly BenchResult[]): string[] {
  const largest = results.at(-1)!;
  const build = largest.strategies.find((s) => s.name === 'build');
  const incremental = largest.strategies.find((s) => s.name === 'incremental');
  if (!build) return ['No build recorded.'];
  const models = Object.keys(build.details)
    .filter((k) => k.startsWith('seconds_'))
    .sort((a, b) => Number(build.details[b]) - Number(build.details[a]));
  const lines = [
    `At ${largest.scale} (${formatCount(largest.messages)} messages), first run; the incremental build lands ${formatCount(largest.facts.incrementalRows)} more.`,
    '',
    '| node | full build | incremental build |',
    '|---|---|---|',
  ];
  const cell = (s: StrategyResult | undefined, key: string) =>
    s && typeof s.details[key] === 'number' ? formatSeconds(s.details[key]) : 'n/a';
  for (const key of models)
    lines.push(
      `| ${key.slice('seconds_'.length)} | ${cell(build, key)} | ${cell(incremental, key)} |`,
    );
  lines.push(
    `| all data tests | ${cell(build, 'test_seconds')} | ${cell(incremental, 'test_seconds')} |`,
  );
  lines.push(
    `| whole build() call | ${cell(build, 'build_seconds')} | ${cell(incremental, 'build_seconds')} |`,
  );
  lines.push(
    '',
    `Peak memory of the full build: ${formatBytes(build.peakMemoryBytes)}; warehouse growth: ${formatBytes(build.diskGrowthBytes)}.`,
  );
  return lines;
}

/**
 * The floors of each scale measured (`npm run bench:floors`): the bare statements, and the
 * targets that even they miss.
 */
function renderFloors(floors: readonly FloorsResult[]): string[] {
  const out = [
    '### Floors: the least time the work can take here',
    '',
    'The bare DuckDB statements that the pipeline cannot skip, on the same landed arrivals ' +
      '(`npm run bench:floors`, definitions in `bench/lib/floors.ts`): no runner, no macros, no ' +
      'tests, no canonical JSON. Each repeat runs them in order in a fresh DuckDB instance on a ' +
      'fresh, fsynced copy of the landed warehouse, each after an untimed `CHECKPOINT`; each ' +
      'statement is timed with its commit. Even the floor misses a target when the sum of each ' +
      "step's fastest repeat misses it.",
    '',
  ];
  for (const result of floors) {
    out.push(
      `#### ${result.scale}: ${formatCount(result.messages)} messages`,
      '',
      `Median of ${result.repeat} repeat${result.repeat === 1 ? '' : 's'}, ` +
        `${describeRun(result)}.`,
      '',
      renderFloorsMarkdown(result),
      '',
    );
    const verdicts = floorVerdicts(result);
    if (verdicts.length > 0) {
      out.push('| least time of | target | even the floor misses it |', '|---|---|---|');
      for (const v of verdicts)
        out.push(`| ${v.description} | ${v.target} | ${v.ruledOut ? '**yes**' : 'no'} |`);
      out.push('');
    }
  }
  return out;
}

/** `2026-01-02 10:00 UTC, memory_limit 3GB`: when a results file was written, and its settings. */
function describeRun(run: RunHeader): string {
  const settings = [
    run.settings.memoryLimit ? `memory_limit ${run.settings.memoryLimit}` : null,
    run.settings.threads ? `threads ${run.settings.threads}` : null,
  ].filter(Boolean);
  const described =
    settings.length > 0
      ? `, ${settings.join(', ')}`
      : ", DuckDB's default memory_limit and threads";
  return `${run.date.slice(0, 16).replace('T', ' ')} UTC${described}`;
}

function percent(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? 'n/a' : `${(ratio * 100).toFixed(1)}%`;
}
