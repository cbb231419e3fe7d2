import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withWarehouse } from '../../src/base/warehouse/open-warehouse.js';
import { judgeTargets } from '../report/targets.js';
import { renderThroughputSvg } from '../report/throughput-svg.js';
import { JOB_DESCRIPTIONS } from '../strategies/descriptions.js';
import { queryNumber } from '../strategies/count-rows.js';
import type { BenchResult, DataFacts, StrategyResult } from './bench-result.js';
import type { BenchTask, JobName, RunMeasurement, StrategyName } from './bench-task.js';
import { copyProject } from './copy-project.js';
import { copyWarehouse } from './copy-warehouse.js';
import { isCached, landedCacheKey, markCached } from './landed-cache.js';
import { median } from './median.js';
import { runChild } from './run-child.js';
import { runHeader } from './run-header.js';
import { SCALE_NAMES, SCALES, incrementalMessages, type ScaleName } from './scales.js';

/** The repository root (bench/lib/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Options of {@link runBench}. */
export interface BenchOptions {
  readonly scale: ScaleName;
  /** Runs per strategy; the median is reported. Default: 3 (medium, large), 1 (small, xlarge). */
  readonly repeat?: number;
  /** Simulator seed. Default 42. */
  readonly seed?: number;
  /** DuckDB `memory_limit` for every run (e.g. `'4GB'`). Default: DuckDB's (80% of RAM). */
  readonly memoryLimit?: string;
  /** DuckDB `threads` for every run. Default: DuckDB's (all cores). */
  readonly threads?: number;
  /** The project whose models are built. Default: the repository root. */
  readonly projectDir?: string;
  /** Where warehouses and snapshots go (git-ignored). Default: `<repo>/bench/work`. */
  readonly workDir?: string;
  /** Where `<scale>.json` and `throughput.svg` are written. Default: `<repo>/bench/results`. */
  readonly resultsDir?: string;
  /** Called before each child run (progress display). */
  readonly onStep?: (step: BenchStep) => void;
}

/** One unit of progress: a child run about to start. */
export interface BenchStep {
  readonly label: string;
  /** 0-based index of this step. */
  readonly index: number;
  readonly total: number;
}

/** Number of child runs for a repeat count: 8 strategies × repeat, plus the land-more preparation. */
function totalSteps(repeat: number): number {
  return 8 * repeat + 1;
}

/**
 * Runs every strategy at one scale, each repeat in a fresh child process on a fresh
 * copy of the right snapshot, then writes `<resultsDir>/<scale>.json` and regenerates
 * `<resultsDir>/throughput.svg` from every results file there.
 *
 * Snapshots (under `<workDir>/<scale>-seed<seed>/`): `landed` (the simulated arrivals, cached
 * across runs while the simulator's code is unchanged), `bronze` (first bronze run's output),
 * `silver` (first window run's output), `built` (first build run's output) and `built-plus`
 * (built + 1% more arrivals, for the incremental run).
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const scale = options.scale;
  const { messages } = SCALES[scale];
  const repeat = options.repeat ?? SCALES[scale].repeat;
  const seed = options.seed ?? 42;
  const sourceProjectDir = options.projectDir ?? REPO_ROOT;
  const workDir = options.workDir ?? join(REPO_ROOT, 'bench', 'work');
  const resultsDir = options.resultsDir ?? join(REPO_ROOT, 'bench', 'results');
  const settings = {
    ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  };
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new RangeError(`repeat must be a positive integer, got ${repeat}`);

  const snapshotDir = join(workDir, `${scale}-seed${seed}`);
  const runsDir = join(snapshotDir, 'runs');
  mkdirSync(runsDir, { recursive: true });
  const snapshot = (name: string) => join(snapshotDir, `${name}.duckdb`);
  // Builds run on a copy of the project, so their target/ artifacts stay out of the working tree.
  const projectDir = copyProject(sourceProjectDir, join(snapshotDir, 'project'));
  const total = totalSteps(repeat);
  let stepIndex = 0;

  const run = async (
    job: JobName,
    dbPath: string,
    jobMessages: number,
    label: string,
  ): Promise<RunMeasurement> => {
    options.onStep?.({ label, index: stepIndex++, total });
    const task: BenchTask = {
      job,
      dbPath,
      projectDir,
      settings,
      messages: jobMessages,
      seed,
      resultPath: join(runsDir, `${job}.result.json`),
    };
    return runChild(task);
  };

  /** Runs a strategy `repeat` times on copies of `from`; the first run's output may become `keepAs`. */
  const measure = async (
    name: StrategyName,
    from: string | null,
    keepAs?: string,
  ): Promise<StrategyResult> => {
    const runs: RunMeasurement[] = [];
    for (let i = 0; i < repeat; i++) {
      // Not `<name>.duckdb`: the file name becomes the catalog name, and `naive` is also a schema.
      const dbPath = join(runsDir, `run-${name}.duckdb`);
      removeWarehouse(dbPath);
      if (from !== null) copyWarehouse(from, dbPath);
      try {
        runs.push(await run(name, dbPath, messages, `${name} ${i + 1}/${repeat}`));
        if (i === 0 && keepAs) {
          removeWarehouse(keepAs);
          renameSync(dbPath, keepAs);
        }
      } finally {
        removeWarehouse(dbPath);
      }
    }
    return summarise(name, runs);
  };

  const results: StrategyResult[] = [];
  // simulate: measured every time; the first run refreshes the landed cache when it is stale.
  const landed = snapshot('landed');
  const key = await landedCacheKey(sourceProjectDir, messages, seed);
  const cached = isCached(landed, key);
  results.push(await measure('simulate', null, cached ? undefined : landed));
  if (!cached) markCached(landed, key);

  results.push(await measure('eager', landed));
  results.push(await measure('bronze', landed, snapshot('bronze')));
  results.push(await measure('window', snapshot('bronze'), snapshot('silver')));
  results.push(await measure('merge', snapshot('silver')));
  results.push(await measure('naive', snapshot('bronze')));
  results.push(await measure('build', landed, snapshot('built')));

  const builtPlus = snapshot('built-plus');
  removeWarehouse(builtPlus);
  copyWarehouse(snapshot('built'), builtPlus);
  await run('land-more', builtPlus, incrementalMessages(messages), 'land 1% more');
  results.push(await measure('incremental', builtPlus));

  const facts = await readFacts(
    snapshot('built'),
    results.find((r) => r.name === 'incremental')?.recordsIn ?? 0,
  );
  for (const name of ['bronze', 'silver', 'built', 'built-plus']) removeWarehouse(snapshot(name));
  rmSync(runsDir, { recursive: true, force: true });
  rmSync(projectDir, { recursive: true, force: true });

  const seconds = (name: StrategyName) => results.find((r) => r.name === name)?.seconds ?? null;
  const build = seconds('build');
  const naive = seconds('naive');
  const incremental = seconds('incremental');
  const result: BenchResult = {
    ...(await runHeader({
      scale,
      seed,
      repeat,
      memoryLimit: options.memoryLimit,
      threads: options.threads,
    })),
    strategies: results,
    facts,
    ratios: {
      naiveOverBuild: build && naive !== null ? naive / build : null,
      incrementalOverBuild: build && incremental !== null ? incremental / build : null,
    },
    targets: judgeTargets(scale, results),
  };
  writeResults(resultsDir, result);
  return result;
}

function summarise(name: StrategyName, runs: readonly RunMeasurement[]): StrategyResult {
  const first = runs[0]!;
  const seconds = median(runs.map((r) => r.seconds));
  return {
    name,
    description: JOB_DESCRIPTIONS[name],
    recordsIn: first.recordsIn,
    recordsOut: first.recordsOut,
    seconds,
    runs: runs.map((r) => r.seconds),
    rowsPerSecond: seconds > 0 ? first.recordsIn / seconds : 0,
    peakMemoryBytes: Math.max(...runs.map((r) => r.maxRssBytes)),
    diskGrowthBytes: median(runs.map((r) => r.dbBytesAfter - r.dbBytesBefore)),
    details: first.details ?? {},
  };
}

/** Counts of the data set, from the fully built warehouse (read-only). */
async function readFacts(builtPath: string, incrementalRows: number): Promise<DataFacts> {
  return withWarehouse(builtPath, { readOnly: true }, async ({ connection }) => ({
    landedRows: await queryNumber(connection, 'select count(*) from raw_messages'),
    distinctKeys: await queryNumber(
      connection,
      'select count(*) from (select distinct message_id, sequence_id, partition_id from raw_messages)',
    ),
    allLateKeys: await queryNumber(
      connection,
      `select count(*) from (
        select message_id, sequence_id, partition_id from silver_late_events
        except
        select message_id, sequence_id, partition_id from silver_events
      )`,
    ),
    silverRows: await queryNumber(connection, 'select count(*) from silver_events'),
    lateRows: await queryNumber(connection, 'select count(*) from silver_late_events'),
    transactions: await queryNumber(connection, 'select count(*) from silver_transactions'),
    incrementalRows,
  }));
}

/** Writes `<scale>.json` and regenerates `throughput.svg` from every scale's results present. */
function writeResults(resultsDir: string, result: BenchResult): void {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${result.scale}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(
    join(resultsDir, 'throughput.svg'),
    renderThroughputSvg(readAllResults(resultsDir)),
  );
}

/** Every `<scale>.json` in `resultsDir`, in scale order. */
export function readAllResults(resultsDir: string): BenchResult[] {
  const found: BenchResult[] = [];
  for (const scale of SCALE_NAMES) {
    try {
      found.push(
        JSON.parse(readFileSync(join(resultsDir, `${scale}.json`), 'utf8')) as BenchResult,
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return found;
}

function removeWarehouse(dbPath: string): void {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
}
