import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import type { BenchResult } from '../bench/lib/bench-result.js';
import { STRATEGY_NAMES } from '../bench/lib/bench-task.js';
import { runBench, type BenchStep } from '../bench/lib/run-bench.js';
import { it } from './support/fixtures.js';
import { suiteTempDirs } from './support/temp-dirs.js';

// The benchmark at its tiny scale (100 messages, one repeat): the only part of it CI runs. It checks
// the shape of the results and that every strategy's counts agree exactly, never any timing.

describe('npm run bench --scale small', () => {
  const dirs = suiteTempDirs();
  let dir: string;
  let result: BenchResult;
  let written: BenchResult;
  const steps: BenchStep[] = [];

  beforeAll(async () => {
    dir = dirs.make('bench-smoke-');
    result = await runBench({
      scale: 'small',
      repeat: 1,
      workDir: join(dir, 'work'),
      resultsDir: join(dir, 'results'),
      threads: 1,
      onStep: (step) => steps.push(step),
    });
    written = JSON.parse(readFileSync(join(dir, 'results', 'small.json'), 'utf8')) as BenchResult;
  }, 300_000);

  it('writes small.json with every strategy, the machine and the settings', () => {
    expect(written).toEqual(JSON.parse(JSON.stringify(result)));
    expect(written).toMatchObject({ scale: 'small', messages: 100, seed: 42, repeat: 1 });
    expect(written.settings).toEqual({ memoryLimit: null, threads: 1 });
    expect(written.machine.cpus).toBeGreaterThan(0);
    expect(written.machine.duckdb).toMatch(/^v\d+\.\d+\.\d+/);
    expect(written.machine.node).toBe(process.version);
    expect(written.strategies.map((s) => s.name)).toEqual([...STRATEGY_NAMES]);
    for (const s of written.strategies) {
      expect(s.runs).toHaveLength(1);
      expect(s.seconds).toBeGreaterThan(0);
      expect(s.rowsPerSecond).toBeCloseTo(s.recordsIn / s.seconds, 6);
      expect(s.peakMemoryBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(s.description.length).toBeGreaterThan(10);
    }
  });

  it('agrees on the records out of every strategy', () => {
    const by = Object.fromEntries(written.strategies.map((s) => [s.name, s]));
    const facts = written.facts;
    expect(facts.landedRows).toBe(by['simulate']!.recordsOut);
    // Bronze keeps every landed message once.
    expect(by['bronze']!.recordsIn).toBe(facts.landedRows);
    expect(by['bronze']!.recordsOut).toBe(facts.landedRows);
    // Eager keeps every key once, late or not: the window's survivors plus the keys that were only late.
    expect(by['eager']!.recordsIn).toBe(facts.landedRows);
    expect(by['eager']!.recordsOut).toBe(facts.distinctKeys);
    expect(by['eager']!.recordsOut).toBe(by['window']!.recordsOut + facts.allLateKeys);
    // The window, the naive peer and the full build compute the same Silver.
    expect(by['window']!.recordsIn).toBe(facts.landedRows);
    expect(by['window']!.recordsOut).toBe(facts.silverRows);
    expect(by['naive']!.recordsOut).toBe(facts.silverRows);
    expect(by['build']!.recordsOut).toBe(facts.silverRows);
    expect(by['naive']!.details['late_rows']).toBe(facts.lateRows);
    // MERGE reads Silver and keeps one row per transaction.
    expect(by['merge']!.recordsIn).toBe(facts.silverRows);
    expect(by['merge']!.recordsOut).toBe(facts.transactions);
    expect(by['naive']!.details['transactions']).toBe(facts.transactions);
    // The incremental run sees only the 1% more arrivals.
    expect(by['incremental']!.recordsIn).toBe(facts.incrementalRows);
    expect(facts.incrementalRows).toBe(1);
    expect(facts.distinctKeys).toBeLessThan(facts.landedRows);
  });

  it('judges no target at the small scale but lists them all', () => {
    const ids = written.targets.map((t) => t.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'build-time',
        'build-memory',
        'incremental-ratio',
        'build-vs-naive',
        'simulate-time',
      ]),
    );
    expect(ids.filter((id) => id.startsWith('throughput-'))).toHaveLength(6);
    expect(written.targets.every((t) => t.passed === null)).toBe(true);
    expect(written.ratios.naiveOverBuild).toBeGreaterThan(0);
    expect(written.ratios.incrementalOverBuild).toBeGreaterThan(0);
  });

  it('reports progress for every child run and draws the chart', () => {
    expect(steps.map((s) => s.index)).toEqual(steps.map((_, i) => i));
    expect(steps.every((s) => s.total === steps.length)).toBe(true);
    const svg = readFileSync(join(dir, 'results', 'throughput.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    for (const name of STRATEGY_NAMES) expect(svg).toContain(`>${name}</text>`);
  });

  it('leaves only the cached landed snapshot behind', () => {
    const snapshotDir = join(dir, 'work', 'small-seed42');
    expect(existsSync(join(snapshotDir, 'landed.duckdb'))).toBe(true);
    expect(existsSync(join(snapshotDir, 'built.duckdb'))).toBe(false);
    expect(existsSync(join(snapshotDir, 'runs'))).toBe(false);
  });
});

describe('bench CLI', () => {
  it('refuses an unknown scale with exit code 2 and names the choices', async ({ runScript }) => {
    const run = await runScript('bench/run', ['--scale', 'huge']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('small, medium, large, xlarge');
  });
});
