import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { BenchResult, StrategyResult } from '../bench/lib/bench-result.js';
import { FLOOR_STEPS, type FloorsResult } from '../bench/lib/floors.js';
import { STRATEGY_NAMES } from '../bench/lib/bench-task.js';
import type { ScaleName } from '../bench/lib/scales.js';
import {
  GENERATED_END,
  GENERATED_START,
  renderBenchMarkdown,
} from '../bench/report/bench-markdown.js';
import { judgeTargets } from '../bench/report/targets.js';
import { TEST_MACHINE } from './support/bench-fixtures.js';
import { it } from './support/fixtures.js';

// README.md's benchmark section's numbers come from bench/results/*.json through bench/write-docs.ts: these tests
// check that every target gets its verdict from the scale it applies to, that the lab ratios are
// ours / lab, and that regenerating keeps the hand-written text around the generated section.

function result(scale: ScaleName, messages: number, secondsPerStrategy: number): BenchResult {
  const strategies: StrategyResult[] = STRATEGY_NAMES.map((name): StrategyResult => {
    const recordsIn = name === 'incremental' ? messages / 100 : messages;
    const seconds = name === 'naive' ? secondsPerStrategy * 2 : secondsPerStrategy;
    return {
      name,
      description: name,
      recordsIn,
      recordsOut: recordsIn,
      seconds: name === 'incremental' ? seconds / 20 : seconds,
      runs: [seconds],
      rowsPerSecond: recordsIn / (name === 'incremental' ? seconds / 20 : seconds),
      peakMemoryBytes: 3 * 1024 ** 3,
      diskGrowthBytes: 1024 ** 2,
      details:
        name === 'build' || name === 'incremental'
          ? {
              seconds_bronze_events: 1.5,
              seconds_silver_events: 2.5,
              test_seconds: 0.5,
              build_seconds: 5,
            }
          : {},
    };
  });
  return {
    scale,
    messages,
    seed: 42,
    repeat: 3,
    date: `2026-01-0${scale === 'medium' ? 1 : 2}T10:00:00.000Z`,
    machine: TEST_MACHINE,
    settings: { memoryLimit: null, threads: null },
    strategies,
    facts: {
      landedRows: messages,
      distinctKeys: messages,
      allLateKeys: 0,
      silverRows: messages,
      lateRows: 0,
      transactions: 1,
      incrementalRows: messages / 100,
    },
    ratios: { naiveOverBuild: 2, incrementalOverBuild: 0.05 },
    targets: judgeTargets(scale, strategies),
  };
}

describe('renderBenchMarkdown', () => {
  // medium: 10,000 rows in 0.02 s = 500k rows/s (below the 1M target); xlarge: 10M in 30 s.
  const medium = result('medium', 10_000, 0.02);
  const xlarge = result('xlarge', 10_000_000, 30);
  const markdown = renderBenchMarkdown([medium, xlarge]);

  it('has one table per scale with the machine and the chart', () => {
    expect(markdown).toContain('2 cores, 24 GB, DuckDB v1.5.6, Node v20.0.0');
    expect(markdown).toContain('![throughput](bench/results/throughput.svg)');
    expect(markdown).toContain('### medium: 10,000 messages');
    expect(markdown).toContain('### xlarge: 10,000,000 messages');
    expect(markdown).toContain('Median of 3 runs per strategy');
    expect(markdown).toContain('| eager | 10,000 | 10,000 | 0.020 s |');
  });

  it('gives each target the verdict of the scale it applies to, once', () => {
    const row = (text: string) => markdown.split('\n').filter((line) => line.includes(text));
    expect(row('full build under 40 s (10M)')).toEqual([
      '| full build under 40 s (10M) | xlarge | 30.00 s | met |',
    ]);
    expect(row('bronze at least 1,000,000 rows/s')).toEqual([
      '| bronze at least 1,000,000 rows/s (10K) | medium | 500k rec/s | **not met** |',
    ]);
    expect(row('1.5× faster than the naive peer')).toEqual([
      '| full build at least 1.5× faster than the naive peer (10M) | xlarge | 2.00× | met |',
    ]);
  });

  it('lists a target whose scale was not run as not judged', () => {
    const only = renderBenchMarkdown([medium]);
    expect(only).toContain(
      '| full build under 40 s (10M) | xlarge | no xlarge run recorded | not judged |',
    );
  });

  it('divides our rows/s by the lab row it pairs with', () => {
    // Delta Lake MERGE: 16k rec/s in the lab; our merge at xlarge: 10M / 30 s = 333k rec/s.
    const line = markdown.split('\n').find((l) => l.startsWith('| Delta Lake MERGE'));
    expect(line).toBe(
      '| Delta Lake MERGE | 16k rec/s | merge | 500k rec/s (31.25×) | 333k rec/s (20.83×) |',
    );
  });

  it('breaks the largest scale’s build down per node, slowest first', () => {
    const table = markdown.slice(markdown.indexOf('### Where the full build spends its time'));
    expect(table).toContain('At xlarge (10,000,000 messages)');
    expect(table.indexOf('| silver_events | 2.500 s |')).toBeLessThan(
      table.indexOf('| bronze_events | 1.500 s |'),
    );
    expect(table).toContain('| whole build() call | 5.000 s | 5.000 s |');
  });

  it('adds the floors and the targets even they miss, only when floors were measured', () => {
    expect(markdown).not.toContain('### Floors');
    const seconds = (name: string) =>
      ({ copy_hashed: 29, dedup_narrow: 2, copy_survivors: 16 })[name] ?? 0.5;
    const floors: FloorsResult = {
      ...xlarge,
      repeat: 3,
      settings: { memoryLimit: '3GB', threads: null },
      survivors: 9_000_000,
      steps: FLOOR_STEPS.map((step) => ({
        name: step.name,
        what: step.what,
        rows: 10_000_000,
        seconds: seconds(step.name),
        runs: [seconds(step.name)],
      })),
    };
    const withFloors = renderBenchMarkdown([medium, xlarge], [floors]);
    const section = withFloors.slice(withFloors.indexOf('### Floors'));
    expect(section).toContain('#### xlarge: 10,000,000 messages');
    expect(section).toContain('Median of 3 repeats, 2026-01-02 10:00 UTC, memory_limit 3GB.');
    expect(section).toContain('| copy_hashed | 10,000,000 | 29.00 s | 1× (29.00 s–29.00 s) |');
    // first_write, watermark, uniq, aggregate 0.5 each + copy_hashed 29 + dedup 2 + survivors 16 = 49 s.
    expect(section).toContain(
      '| full build: at least 49.00 s, typically 49.00 s (first_write + copy_hashed + watermark + dedup_narrow + copy_survivors + uniq_survivors + aggregate_transactions) | under 40 s | **yes** |',
    );
  });
});

describe('bench/write-docs.ts', () => {
  it('rewrites only the generated section and keeps the hand-written text', async ({
    tempDir,
    runScript,
  }) => {
    const dir = tempDir('bench-docs-');
    const results = join(dir, 'results');
    mkdirSync(results);
    writeFileSync(join(results, 'medium.json'), JSON.stringify(result('medium', 10_000, 0.02)));
    const out = join(dir, 'bench.md');
    writeFileSync(
      out,
      `# Intro by hand\n\n${GENERATED_START}\nstale numbers\n${GENERATED_END}\n\nOutro by hand.\n`,
    );
    const done = await runScript('bench/write-docs', ['--results-dir', results, '--out', out]);
    expect(done.code, done.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('# Intro by hand\n\n')).toBe(true);
    expect(text.endsWith(`${GENERATED_END}\n\nOutro by hand.\n`)).toBe(true);
    expect(text).not.toContain('stale numbers');
    expect(text).toContain('### medium: 10,000 messages');
  });

  it('refuses a file without the markers, naming the file, and leaves it unchanged', async ({
    tempDir,
    runScript,
  }) => {
    const dir = tempDir('bench-docs-');
    const out = join(dir, 'bench.md');
    writeFileSync(out, 'hand-written only\n');
    const done = await runScript('bench/write-docs', ['--results-dir', dir, '--out', out]);
    expect(done.code).toBe(2);
    expect(done.stderr).toContain(`${out}: no generated section`);
    expect(done.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(out, 'utf8')).toBe('hand-written only\n');
  });
});
