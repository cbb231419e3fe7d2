import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect } from 'vitest';
import type { BenchResult, StrategyResult } from '../bench/lib/bench-result.js';
import { STRATEGY_NAMES, type StrategyName } from '../bench/lib/bench-task.js';
import { median } from '../bench/lib/median.js';
import { BenchJobError, runChild } from '../bench/lib/run-child.js';
import { formatBytes, formatRate, formatSeconds } from '../bench/report/format.js';
import { renderResultsMarkdown } from '../bench/report/results-table.js';
import { judgeTargets } from '../bench/report/targets.js';
import { renderThroughputSvg } from '../bench/report/throughput-svg.js';
import { it } from './support/fixtures.js';
import { REPO_ROOT } from './support/repo-root.js';

function strategy(
  name: StrategyName,
  recordsIn: number,
  seconds: number,
  peakMemoryBytes = 200 * 1024 ** 2,
): StrategyResult {
  return {
    name,
    description: `${name} strategy`,
    recordsIn,
    recordsOut: recordsIn,
    seconds,
    runs: [seconds],
    rowsPerSecond: recordsIn / seconds,
    peakMemoryBytes,
    diskGrowthBytes: 1024 ** 2,
    details: {},
  };
}

describe('bench report pieces', () => {
  it('takes the median of odd and even counts and refuses an empty list', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/empty/);
  });

  it('formats seconds, bytes and rates as the lab table does', () => {
    expect(formatSeconds(0.0244)).toBe('0.024 s');
    expect(formatSeconds(31.456)).toBe('31.46 s');
    expect(formatBytes(1.15 * 1024 ** 2)).toBe('1.15 MB');
    expect(formatBytes(145 * 1024 ** 2)).toBe('145 MB');
    expect(formatRate(32_400)).toBe('32k rec/s');
    expect(formatRate(1_350_000)).toBe('1.35M rec/s');
  });

  it('judges the 10M targets only at xlarge, with the numbers', () => {
    const results = [
      strategy('simulate', 10_000_000, 20),
      strategy('build', 10_000_000, 30, 3 * 1024 ** 3),
      strategy('naive', 10_000_000, 60),
      strategy('incremental', 100_000, 4),
    ];
    const xlarge = Object.fromEntries(judgeTargets('xlarge', results).map((t) => [t.id, t]));
    expect(xlarge['build-time']).toMatchObject({ passed: true, measured: '30.00 s' });
    expect(xlarge['build-memory']?.passed).toBe(true);
    expect(xlarge['build-vs-naive']).toMatchObject({ passed: true, measured: '2.00×' });
    expect(xlarge['incremental-ratio']).toMatchObject({ passed: false, measured: '13.3%' });
    expect(xlarge['simulate-time']?.passed).toBe(true);
    expect(xlarge['throughput-build']?.passed).toBeNull();
    const large = judgeTargets('large', results);
    expect(large.every((t) => t.passed === null)).toBe(true);
  });

  it('judges the throughput target at medium for every strategy but the naive peer', () => {
    const results = [
      strategy('eager', 10_000, 0.5),
      strategy('bronze', 10_000, 0.005),
      strategy('naive', 10_000, 1),
    ];
    const medium = judgeTargets('medium', results);
    expect(medium.map((t) => [t.id, t.passed])).toEqual([
      ['throughput-eager', false],
      ['throughput-bronze', true],
    ]);
  });

  it('draws one bar per strategy and scale, and a markdown table per result', () => {
    const result = (scale: 'medium' | 'large'): BenchResult => ({
      scale,
      messages: scale === 'medium' ? 10_000 : 1_000_000,
      seed: 42,
      repeat: 1,
      date: '2026-01-01T00:00:00.000Z',
      machine: {
        cpus: 2,
        cpuModel: 'x',
        totalMemoryBytes: 24 * 1024 ** 3,
        platform: 'linux x64',
        node: 'v20',
        duckdb: 'v1.5.6',
      },
      settings: { memoryLimit: null, threads: null },
      strategies: STRATEGY_NAMES.map((name) => strategy(name, 10_000, 0.01)),
      facts: {
        landedRows: 1,
        distinctKeys: 1,
        allLateKeys: 0,
        silverRows: 1,
        lateRows: 0,
        transactions: 1,
        incrementalRows: 1,
      },
      ratios: { naiveOverBuild: 1, incrementalOverBuild: 0.1 },
      targets: [],
    });
    const svg = renderThroughputSvg([result('medium'), result('large')]);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(2 * STRATEGY_NAMES.length);
    expect(svg).toContain('2 cores, 24 GB, DuckDB v1.5.6');
    const markdown = renderResultsMarkdown(result('medium'));
    expect(markdown.split('\n')).toHaveLength(2 + STRATEGY_NAMES.length);
    expect(markdown).toContain('| eager | 10,000 | 10,000 | 0.010 s |');
  });
});

describe('bench child process', () => {
  it('names the job and the cause when a job fails', async ({ tempDir }) => {
    const dir = tempDir('bench-child-');
    const dbPath = join(dir, 'empty.duckdb');
    const instance = await DuckDBInstance.create(dbPath);
    instance.closeSync();
    const run = runChild({
      job: 'eager',
      dbPath,
      projectDir: REPO_ROOT,
      settings: {},
      messages: 0,
      seed: 1,
      resultPath: join(dir, 'eager.result.json'),
    });
    await expect(run).rejects.toThrow(BenchJobError);
    await expect(run).rejects.toThrow(/bench job eager failed on .*empty\.duckdb: .*raw_messages/);
  });

  it('measures a job: records, seconds, max RSS and warehouse growth', async ({ tempDir }) => {
    const dir = tempDir('bench-child-');
    const dbPath = join(dir, 'landed.duckdb');
    const instance = await DuckDBInstance.create(dbPath);
    const connection = await instance.connect();
    await connection.run(`create table raw_messages as
      select i as _offset, 'm' || (i % 7) as message_id, (i % 7)::bigint as sequence_id, 0 as partition_id
      from range(20) as t(i)`);
    connection.closeSync();
    instance.closeSync();
    const run = await runChild({
      job: 'eager',
      dbPath,
      projectDir: REPO_ROOT,
      settings: { threads: 1 },
      messages: 0,
      seed: 1,
      resultPath: join(dir, 'eager.result.json'),
    });
    expect(run).toMatchObject({ recordsIn: 20, recordsOut: 7 });
    expect(run.seconds).toBeGreaterThan(0);
    expect(run.maxRssBytes).toBeGreaterThan(10 * 1024 ** 2);
    expect(run.dbBytesAfter).toBeGreaterThan(run.dbBytesBefore);
  });
});
