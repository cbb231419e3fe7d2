import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { landSimulation } from '../../src/app/landing/land-simulation.js';
import type { WarehouseSettings } from '../../src/base/warehouse/open-warehouse.js';
import { withWarehouse } from '../../src/base/warehouse/open-warehouse.js';
import { queryNumber } from '../strategies/count-rows.js';
import { quoteIdentifier } from '../../src/base/warehouse/quote.js';
import {
  COMPRESSION,
  FLOOR_STEPS,
  type FloorStep,
  type FloorStepName,
  type FloorStepResult,
  type FloorsResult,
} from './floors.js';
import { copyWarehouse } from './copy-warehouse.js';
import { isCached, landedCacheKey, markCached } from './landed-cache.js';
import { runHeader } from './run-header.js';
import { median } from './median.js';
import { REPO_ROOT } from './run-bench.js';
import { SCALES, type ScaleName } from './scales.js';

/** Options of {@link measureFloors}. */
export interface FloorsOptions {
  readonly scale: ScaleName;
  /** Repeats, each in a fresh DuckDB instance on a fresh copy of the landed warehouse. */
  readonly repeat: number;
  readonly seed?: number;
  readonly memoryLimit?: string;
  readonly threads?: number;
  /** Where the landed warehouse is cached (shared with `npm run bench`). Default `bench/work`. */
  readonly workDir?: string;
  /** Where `floors-<scale>.json` is written. Default `bench/results`. */
  readonly resultsDir?: string;
  /** Called before each repeat and before landing (progress display). */
  readonly onStep?: (label: string, index: number, total: number) => void;
}

/**
 * Measures the {@link FLOOR_STEPS} at one scale on the same landed arrivals as `npm run bench`
 * (its cached `landed.duckdb`, landed here when missing or stale) and writes
 * `<resultsDir>/floors-<scale>.json`.
 */
export async function measureFloors(options: FloorsOptions): Promise<FloorsResult> {
  const { scale, repeat } = options;
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new RangeError(`repeat must be a positive integer, got ${repeat}`);
  const { messages } = SCALES[scale];
  const seed = options.seed ?? 42;
  const settings: WarehouseSettings = {
    ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  };
  const workDir = options.workDir ?? join(REPO_ROOT, 'bench', 'work');
  const resultsDir = options.resultsDir ?? join(REPO_ROOT, 'bench', 'results');
  const snapshotDir = join(workDir, `${scale}-seed${seed}`);
  mkdirSync(snapshotDir, { recursive: true });

  const landed = join(snapshotDir, 'landed.duckdb');
  const key = await landedCacheKey(REPO_ROOT, messages, seed);
  if (!isCached(landed, key)) {
    options.onStep?.('land the arrivals', 0, repeat + 1);
    removeWarehouse(landed);
    await withWarehouse(landed, settings, (warehouse) =>
      landSimulation(warehouse, { messages, seed }),
    );
    markCached(landed, key);
  }

  const runs = new Map<FloorStepName, number[]>(FLOOR_STEPS.map((step) => [step.name, []]));
  let survivors = 0;
  const dbPath = join(snapshotDir, 'floors.duckdb');
  for (let i = 0; i < repeat; i++) {
    options.onStep?.(`floors ${i + 1}/${repeat}`, i + 1, repeat + 1);
    removeWarehouse(dbPath);
    copyWarehouse(landed, dbPath);
    try {
      await withWarehouse(dbPath, settings, async ({ connection }) => {
        const landedColumns = (await connection.runAndReadAll('describe raw_messages'))
          .getRowObjects()
          .map((row) => {
            const name = String(row['column_name']);
            const method = COMPRESSION[name];
            return `${quoteIdentifier(name)} ${String(row['column_type'])}${method ? ` using compression ${method}` : ''}`;
          })
          .join(', ');
        for (const step of FLOOR_STEPS as readonly FloorStep[]) {
          for (const statement of step.setup?.(landedColumns) ?? [])
            await connection.run(statement);
          await connection.run('checkpoint');
          const start = performance.now();
          await connection.run(step.sql);
          runs.get(step.name as FloorStepName)!.push((performance.now() - start) / 1000);
        }
        survivors = await queryNumber(connection, 'select count(*) from floor_silver');
      });
    } finally {
      removeWarehouse(dbPath);
    }
  }

  const rowsOf = (step: FloorStep): number =>
    step.rows === 'none' ? 0 : step.rows === 'survivors' ? survivors : messages;
  const steps: FloorStepResult[] = FLOOR_STEPS.map((step) => {
    const stepRuns = runs.get(step.name)!;
    return {
      name: step.name,
      what: step.what,
      rows: rowsOf(step),
      seconds: median(stepRuns),
      runs: stepRuns,
    };
  });
  const result: FloorsResult = {
    ...(await runHeader({
      scale,
      seed,
      repeat,
      memoryLimit: options.memoryLimit,
      threads: options.threads,
    })),
    survivors,
    steps,
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `floors-${scale}.json`), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

function removeWarehouse(dbPath: string): void {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
}
