import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLOOR_STEPS,
  boundSeconds,
  FLOOR_BOUNDS,
  type FloorStepName,
  type FloorsResult,
} from '../bench/lib/floors.js';
import { measureFloors } from '../bench/lib/measure-floors.js';
import { REPO_ROOT } from '../bench/lib/run-bench.js';
import type { ScaleName } from '../bench/lib/scales.js';
import { floorVerdictLines, floorVerdicts } from '../bench/report/floors-table.js';
import { withWarehouse } from '../src/warehouse/open-warehouse.js';

// `npm run bench:floors` measures the bare statements the pipeline cannot skip; the README uses
// them to say which targets no implementation can meet on this machine. These tests check what
// the floors measure (counts, never timings) and how the verdicts are judged.

describe('measureFloors at the small scale', () => {
  let dir: string;
  let result: FloorsResult;
  const labels: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-floors-'));
    result = await measureFloors({
      scale: 'small',
      repeat: 2,
      threads: 1,
      workDir: join(dir, 'work'),
      resultsDir: join(dir, 'results'),
      onStep: (label) => labels.push(label),
    });
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes floors-small.json with every step, each repeat and its median', () => {
    const written = JSON.parse(
      readFileSync(join(dir, 'results', 'floors-small.json'), 'utf8'),
    ) as FloorsResult;
    expect(written).toEqual(JSON.parse(JSON.stringify(result)));
    expect(written).toMatchObject({ scale: 'small', messages: 100, seed: 42, repeat: 2 });
    expect(written.settings).toEqual({ memoryLimit: null, threads: 1 });
    expect(written.steps.map((s) => s.name)).toEqual(FLOOR_STEPS.map((s) => s.name));
    for (const step of written.steps) {
      expect(step.runs).toHaveLength(2);
      expect(step.seconds).toBe((step.runs[0]! + step.runs[1]!) / 2);
    }
    expect(labels).toEqual(['land the arrivals', 'floors 1/2', 'floors 2/2']);
  });

  it('counts the survivors as the distinct keys of the landed arrivals', async () => {
    const landed = join(dir, 'work', 'small-seed42', 'landed.duckdb');
    const distinctKeys = await withWarehouse(landed, { readOnly: true }, async ({ connection }) => {
      const reader = await connection.runAndReadAll(
        'select count(*) from (select distinct message_id, sequence_id, partition_id from raw_messages)',
      );
      return Number(reader.getRows()[0]![0]);
    });
    expect(distinctKeys).toBeLessThan(100);
    expect(result.survivors).toBe(distinctKeys);
    const rows = Object.fromEntries(result.steps.map((s) => [s.name, s.rows]));
    expect(rows).toEqual({
      first_write: 0,
      commit: 0,
      copy_landed: 100,
      copy_hashed: 100,
      dedup_narrow: 100,
      copy_survivors: distinctKeys,
      merge_survivors: distinctKeys,
    });
  });

  it('removes its scratch warehouse and reuses the landed one', async () => {
    expect(existsSync(join(dir, 'work', 'small-seed42', 'floors.duckdb'))).toBe(false);
    const again: string[] = [];
    await measureFloors({
      scale: 'small',
      repeat: 1,
      threads: 1,
      workDir: join(dir, 'work'),
      resultsDir: join(dir, 'results'),
      onStep: (label) => again.push(label),
    });
    expect(again).toEqual(['floors 1/1']);
  });
});

function floors(scale: ScaleName, messages: number, seconds: Record<FloorStepName, number>) {
  return {
    scale,
    messages,
    seed: 42,
    repeat: 3,
    date: '2026-01-03T10:00:00.000Z',
    machine: {
      cpus: 2,
      cpuModel: 'Test CPU',
      totalMemoryBytes: 24 * 1024 ** 3,
      platform: 'linux x64',
      node: 'v20.0.0',
      duckdb: 'v1.5.6',
    },
    settings: { memoryLimit: '3GB', threads: null },
    survivors: messages * 0.9,
    steps: FLOOR_STEPS.map((step) => ({
      name: step.name,
      what: step.what,
      rows: messages,
      seconds: seconds[step.name],
      runs: [seconds[step.name]],
    })),
  } satisfies FloorsResult;
}

describe('floor verdicts', () => {
  const fast = {
    first_write: 0.001,
    commit: 0.001,
    copy_landed: 0.003,
    copy_hashed: 0.005,
    dedup_narrow: 0.001,
    copy_survivors: 0.003,
    merge_survivors: 0.002,
  };

  it('sums the medians of the steps a bound cannot skip', () => {
    const build = FLOOR_BOUNDS.find((b) => b.id === 'build')!;
    expect(boundSeconds(floors('medium', 10_000, fast), build)).toBeCloseTo(0.012, 10);
    const partial = { ...floors('medium', 10_000, fast), steps: [] };
    expect(boundSeconds(partial, build)).toBeNull();
  });

  it('at medium, rules a strategy out only when its floor exceeds 10,000 rows in 10 ms', () => {
    const verdicts = floorVerdicts(floors('medium', 10_000, fast));
    const ruledOut = Object.fromEntries(
      verdicts.map((v) => [v.description.split(':')[0], v.ruledOut]),
    );
    // bronze 5 ms, window 4 ms, eager 3 ms, merge 2 ms for 9,000 rows (9 ms budget): possible;
    // the full build's 12 ms is over 10 ms; the incremental build's 100 rows have 0.1 ms.
    expect(ruledOut).toEqual({
      eager: false,
      bronze: false,
      window: false,
      merge: false,
      'full build': true,
      'incremental build': true,
    });
    const merge = verdicts.find((v) => v.description.startsWith('merge'))!;
    expect(merge.target).toBe('1,000,000 rows/s = 9 ms for 9,000 rows');
    const incremental = verdicts.find((v) => v.description.startsWith('incremental'))!;
    expect(incremental.target).toBe('1,000,000 rows/s = 0.1 ms for 100 rows');
  });

  it('at xlarge, judges the full build against 40 s only', () => {
    const slow = { ...fast, copy_hashed: 28, copy_survivors: 15 };
    const verdicts = floorVerdicts(floors('xlarge', 10_000_000, slow));
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ target: 'under 40 s', ruledOut: true });
    expect(floorVerdictLines(floors('xlarge', 10_000_000, slow))[0]).toMatch(
      /^RULED OUT {2}full build: at least 43\.00 s/,
    );
    const under = { ...slow, copy_survivors: 5 };
    expect(floorVerdicts(floors('xlarge', 10_000_000, under))[0]!.ruledOut).toBe(false);
    expect(floorVerdicts(floors('large', 1_000_000, slow))).toEqual([]);
  });
});

describe('bench:floors CLI', () => {
  it('refuses an unknown scale with exit code 2 and names the choices', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/floors.ts', '--scale', 'huge'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('small, medium, large, xlarge');
  });
});
