import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';
import {
  COMPRESSION,
  FLOOR_BOUNDS,
  FLOOR_STEPS,
  boundTime,
  type FloorStepName,
  type FloorsResult,
} from '../bench/lib/floors.js';
import { landedCacheKey, markCached } from '../bench/lib/landed-cache.js';
import { measureFloors } from '../bench/lib/measure-floors.js';
import type { ScaleName } from '../bench/lib/scales.js';
import { floorVerdictLines, floorVerdicts } from '../bench/report/floors-table.js';
import { ensureLandingTables } from '../src/app/landing/landing-schema.js';
import { listNodes } from '../src/engine/runner/compile-project.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { TEST_MACHINE } from './support/bench-fixtures.js';
import { it } from './support/fixtures.js';
import { REPO_ROOT } from './support/repo-root.js';
import { suiteTempDirs } from './support/temp-dirs.js';

// `npm run bench:floors` measures the bare statements the pipeline cannot skip; the README uses
// them to say which targets no implementation can meet on this machine. These tests check what
// the floors measure (counts, never timings) and how the verdicts are judged.

/**
 * Silver's rows by an independent reading of the pipeline's specification: a message is late when its created_at is
 * earlier than the greatest earlier created_at minus 60 minutes; Silver keeps, per key, the first
 * copy that is not late.
 */
function silverOffsets(
  rows: readonly { offset: number; key: string; createdAtMs: number }[],
): Set<number> {
  const kept = new Map<string, number>();
  let newest = -Infinity;
  for (const row of [...rows].sort((a, b) => a.offset - b.offset)) {
    const late = row.createdAtMs < newest - 60 * 60_000;
    newest = Math.max(newest, row.createdAtMs);
    if (!late && !kept.has(row.key)) kept.set(row.key, row.offset);
  }
  return new Set(kept.values());
}

describe('measureFloors at the small scale', () => {
  const dirs = suiteTempDirs();
  let dir: string;
  let result: FloorsResult;
  const labels: string[] = [];
  let landed: string;

  beforeAll(async () => {
    dir = dirs.make('bench-floors-');
    // 100 landed arrivals where the watermark matters (the simulator has no late message at this
    // size): 70 keys, rows 1-30 redelivered as rows 71-100, and every tenth row (5, 15, …) three
    // hours behind, so late. Cached under the key measureFloors looks for.
    landed = join(dir, 'work', 'small-seed42', 'landed.duckdb');
    mkdirSync(dirname(landed), { recursive: true });
    await withWarehouse(landed, {}, async ({ connection }) => {
      await ensureLandingTables(connection);
      await connection.run(`insert into raw_messages
        select
            i, 'm' || (i % 70), i % 70, 0,
            timestamptz '2025-01-13 00:00:00+00' + to_minutes(i)
                - if(i % 10 = 5, interval 3 hour, interval 0 hour),
            't' || (i % 30), 'created', 1.00, 'EUR', null, '{"a": 1}', 1, 'test', i, now()
        from range(1, 101) as r(i)`);
    });
    markCached(landed, await landedCacheKey(REPO_ROOT, 100, 42));
    result = await measureFloors({
      scale: 'small',
      repeat: 2,
      threads: 1,
      workDir: join(dir, 'work'),
      resultsDir: join(dir, 'results'),
      onStep: (label) => labels.push(label),
    });
  }, 120_000);

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
    // The landed warehouse was cached: no landing step.
    expect(labels).toEqual(['floors 1/2', 'floors 2/2']);
  });

  it("counts as survivors Silver's rows: the first on-time copy of each key", async () => {
    const landedRows = await withWarehouse(landed, { readOnly: true }, async ({ connection }) =>
      (
        await connection.runAndReadAll(
          `select _offset::integer as o, concat_ws('|', message_id, sequence_id, partition_id) as k,
                  epoch_ms(created_at)::double as t
           from raw_messages`,
        )
      )
        .getRowObjects()
        .map((r) => ({ offset: Number(r['o']), key: String(r['k']), createdAtMs: Number(r['t']) })),
    );
    const keys = new Set(landedRows.map((r) => r.key)).size;
    const silver = silverOffsets(landedRows).size;
    // The data set is one where the watermark matters: Silver has fewer rows than keys.
    expect(silver).toBeLessThan(keys);
    expect(result.survivors).toBe(silver);
    const rows = Object.fromEntries(result.steps.map((s) => [s.name, s.rows]));
    expect(rows).toEqual({
      first_write: 0,
      commit: 0,
      copy_hashed: 100,
      watermark: 100,
      dedup_narrow: 100,
      copy_survivors: silver,
      uniq_survivors: silver,
      merge_survivors: silver,
      aggregate_transactions: silver,
    });
  });

  it('declares the floor tables with the compression methods the models declare', () => {
    const nodes = listNodes({ projectDir: REPO_ROOT, select: ['bronze_events', 'silver_events'] });
    for (const name of ['bronze_events', 'silver_events']) {
      const node = nodes.find((n) => n.name === name)!;
      expect(node.config['column_compression']).toEqual(COMPRESSION);
    }
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
    machine: TEST_MACHINE,
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
    copy_hashed: 0.005,
    watermark: 0.001,
    dedup_narrow: 0.001,
    copy_survivors: 0.003,
    uniq_survivors: 0.001,
    merge_survivors: 0.002,
    aggregate_transactions: 0.002,
  };

  it('times a bound as the sum of its steps: least from each fastest repeat, typical per repeat', () => {
    const build = FLOOR_BOUNDS.find((b) => b.id === 'build')!;
    expect(boundTime(floors('medium', 10_000, fast), build)!.least).toBeCloseTo(0.014, 10);
    const partial = { ...floors('medium', 10_000, fast), steps: [] };
    expect(boundTime(partial, build)).toBeNull();
    // window = watermark (0) + dedup_narrow + copy_survivors; per repeat: 1 + 3, 3 + 1, 2 + 2.
    const window = FLOOR_BOUNDS.find((b) => b.id === 'window')!;
    const base = floors('medium', 10_000, fast);
    const varied: FloorsResult = {
      ...base,
      steps: base.steps.map((step) =>
        step.name === 'watermark'
          ? { ...step, runs: [0, 0, 0] }
          : step.name === 'dedup_narrow'
            ? { ...step, runs: [1, 3, 2] }
            : step.name === 'copy_survivors'
              ? { ...step, runs: [3, 1, 2] }
              : step,
      ),
    };
    expect(boundTime(varied, window)).toEqual({ least: 2, typical: 4 });
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
      /^RULED OUT {2}full build: at least 43\.01 s, typically 43\.01 s \(first_write \+ copy_hashed/,
    );
    const under = { ...slow, copy_survivors: 5 };
    expect(floorVerdicts(floors('xlarge', 10_000_000, under))[0]!.ruledOut).toBe(false);
    expect(floorVerdicts(floors('large', 1_000_000, slow))).toEqual([]);
  });
});

describe('bench:floors CLI', () => {
  it('refuses an unknown scale with exit code 2 and names the choices', async ({ runScript }) => {
    const run = await runScript('bench/floors', ['--scale', 'huge']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('small, medium, large, xlarge');
  });
});
