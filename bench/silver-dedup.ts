// npx tsx bench/silver-dedup.ts --scale large [--repeat N] [--seed S] [--memory-limit 3GB] [--threads N]
// Measures the two ways silver_events can pick each key's first on-time copy, on the same landed
// arrivals as `npm run bench`, and writes bench/results/silver-dedup-<scale>.json:
// - min_offset: min(_offset) per key over the narrow projection (key columns, _offset), then a
//   semi-join back to the wide Bronze rows;
// - row_number: row_number() over (partition by the key order by _offset) = 1 over the same narrow
//   projection, then the same semi-join back.
// Each statement is silver_events' first build (its whole relation) as `create table as`, run on
// bronze_events and int_event_watermarks built once by the real runner. Each repeat runs both forms,
// in alternating order, each in a fresh DuckDB instance on a fresh, fsynced copy of that warehouse,
// after an untimed CHECKPOINT; each statement is timed with its commit. Both forms must return the
// same rows, or the run fails.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { landSimulation } from '../src/app/landing/land-simulation.js';
import { runCli } from '../src/app/cli/run-cli.js';
import { printInfo, printLine } from '../src/base/console/console.js';
import type { WarehouseSettings } from '../src/base/warehouse/open-warehouse.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { build } from '../src/engine/runner/run-project.js';
import { benchCommand, parseBenchCli } from './lib/bench-cli.js';
import { copyProject } from './lib/copy-project.js';
import { copyWarehouse } from './lib/copy-warehouse.js';
import { isCached, landedCacheKey, markCached } from './lib/landed-cache.js';
import { describeMachine } from './lib/machine-info.js';
import { median } from './lib/median.js';
import { REPO_ROOT } from './lib/run-bench.js';
import { runHeader } from './lib/run-header.js';
import { SCALES } from './lib/scales.js';
import { queryNumber } from './strategies/count-rows.js';

/** Within this, the ROW_NUMBER() form counts as fast as min(_offset) (the model's choice rule). */
const NOISE = 0.05;

const ON_TIME_KEYS = `
    watermarks as (
        select _offset from int_event_watermarks where not is_late
    ),
    on_time_keys as (
        select bronze_events.message_id, bronze_events.sequence_id, bronze_events.partition_id, bronze_events._offset
        from bronze_events
        semi join watermarks on bronze_events._offset = watermarks._offset
    )`;

const FORMS = [
  {
    name: 'min_offset',
    what: 'min(_offset) per key on the narrow projection, semi-join back to the wide rows',
    sql: `with ${ON_TIME_KEYS},
    first_copies as (
        select min(_offset) as first_offset
        from on_time_keys
        group by message_id, sequence_id, partition_id
    )
    select bronze_events.* from bronze_events
    semi join first_copies on bronze_events._offset = first_copies.first_offset`,
  },
  {
    name: 'row_number',
    what: 'row_number() over (partition by the key order by _offset) = 1 on the narrow projection, semi-join back',
    sql: `with ${ON_TIME_KEYS},
    first_copies as (
        select _offset as first_offset
        from on_time_keys
        qualify row_number() over (partition by message_id, sequence_id, partition_id order by _offset) = 1
    )
    select bronze_events.* from bronze_events
    semi join first_copies on bronze_events._offset = first_copies.first_offset`,
  },
] as const;

type FormName = (typeof FORMS)[number]['name'];

async function main(): Promise<number> {
  const program = benchCommand(
    'silver-dedup',
    "Measure silver_events' dedup: min(_offset) per key against row_number() = 1, both on the narrow projection.",
    {
      repeat: 'repeats, median reported (default 7)',
      workDir: 'where the landed warehouse is cached (default bench/work)',
      resultsDir: 'where silver-dedup-<scale>.json goes (default bench/results)',
    },
  );
  const opts = parseBenchCli(program, process.argv);
  const repeat = opts.repeat ?? 7;
  const settings: WarehouseSettings = {
    ...(opts.memoryLimit !== undefined ? { memoryLimit: opts.memoryLimit } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
  };
  const snapshotDir = join(
    opts.workDir ?? join(REPO_ROOT, 'bench', 'work'),
    `${opts.scale}-seed${opts.seed}`,
  );
  mkdirSync(snapshotDir, { recursive: true });
  const { messages } = SCALES[opts.scale];
  printInfo(
    `silver-dedup: scale ${opts.scale} (${messages.toLocaleString('en-US')} messages), ${repeat} repeats`,
  );

  const upstream = await buildUpstream(snapshotDir, messages, opts.seed, settings);
  const rows = await checkSameRows(upstream, snapshotDir, settings);
  const runs = new Map<FormName, number[]>(FORMS.map((form) => [form.name, []]));
  for (let i = 0; i < repeat; i++) {
    printInfo(`repeat ${i + 1}/${repeat}`);
    const order = i % 2 === 0 ? FORMS : [...FORMS].reverse();
    for (const form of order)
      runs.get(form.name)!.push(await timeForm(form.sql, upstream, snapshotDir, settings));
  }

  const forms = FORMS.map((form) => ({
    name: form.name,
    what: form.what,
    seconds: median(runs.get(form.name)!),
    runs: runs.get(form.name)!,
  }));
  const [minOffset, rowNumber] = forms as [(typeof forms)[number], (typeof forms)[number]];
  const slowdown = rowNumber.seconds / minOffset.seconds - 1;
  const result = {
    ...(await runHeader({
      scale: opts.scale,
      seed: opts.seed,
      repeat,
      memoryLimit: opts.memoryLimit,
      threads: opts.threads,
    })),
    rows,
    forms,
    rowNumberSlowdown: Math.round(slowdown * 1000) / 1000,
    noise: NOISE,
    verdict:
      slowdown <= NOISE ? 'row_number is as fast: use it' : 'row_number is slower: keep min_offset',
  };
  const resultsDir = opts.resultsDir ?? join(REPO_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    join(resultsDir, `silver-dedup-${opts.scale}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  printLine(describeMachine(result.machine));
  for (const form of forms)
    printLine(`${form.name}: ${form.seconds.toFixed(3)} s (median of ${repeat})`);
  printLine(`row_number / min_offset - 1 = ${(slowdown * 100).toFixed(1)}%: ${result.verdict}`);
  return 0;
}

/** The landed arrivals (cached, shared with `npm run bench`) with bronze_events and int_event_watermarks built. */
async function buildUpstream(
  snapshotDir: string,
  messages: number,
  seed: number,
  settings: WarehouseSettings,
): Promise<string> {
  const landed = join(snapshotDir, 'landed.duckdb');
  const key = await landedCacheKey(REPO_ROOT, messages, seed);
  if (!isCached(landed, key)) {
    printInfo('land the arrivals');
    removeWarehouse(landed);
    await withWarehouse(landed, settings, (warehouse) =>
      landSimulation(warehouse, { messages, seed }),
    );
    markCached(landed, key);
  }
  printInfo('build bronze_events and int_event_watermarks');
  const upstream = join(snapshotDir, 'silver-dedup-upstream.duckdb');
  removeWarehouse(upstream);
  copyWarehouse(landed, upstream);
  const result = await build({
    projectDir: copyProject(REPO_ROOT, join(snapshotDir, 'silver-dedup-project')),
    dbPath: upstream,
    select: ['+int_event_watermarks'],
    indirectSelection: 'empty',
    print: false,
    ...settings,
  });
  if (!result.success) throw new Error('building bronze_events and int_event_watermarks failed');
  await withWarehouse(upstream, settings, ({ connection }) => connection.run('checkpoint'));
  return upstream;
}

/** Runs `work` in a fresh DuckDB instance on a fresh, fsynced copy of `upstream`, removed after. */
async function onFreshCopy<T>(
  upstream: string,
  snapshotDir: string,
  settings: WarehouseSettings,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const dbPath = join(snapshotDir, 'silver-dedup.duckdb');
  removeWarehouse(dbPath);
  copyWarehouse(upstream, dbPath);
  try {
    return await withWarehouse(dbPath, settings, ({ connection }) => work(connection));
  } finally {
    removeWarehouse(dbPath);
  }
}

/** Runs both forms in one copy and fails unless they return the same rows; returns the row count. */
function checkSameRows(
  upstream: string,
  snapshotDir: string,
  settings: WarehouseSettings,
): Promise<number> {
  return onFreshCopy(upstream, snapshotDir, settings, async (connection) => {
    for (const form of FORMS) await connection.run(`create table ${form.name} as ${form.sql}`);
    const differing = await queryNumber(
      connection,
      `select (select count(*) from (from min_offset except all from row_number))
            + (select count(*) from (from row_number except all from min_offset))`,
    );
    if (differing !== 0) throw new Error(`the two forms differ in ${differing} rows`);
    return queryNumber(connection, 'select count(*) from min_offset');
  });
}

/** Seconds of one `create table as` of `sql`, with its commit, on a fresh copy of `upstream`. */
function timeForm(
  sql: string,
  upstream: string,
  snapshotDir: string,
  settings: WarehouseSettings,
): Promise<number> {
  return onFreshCopy(upstream, snapshotDir, settings, async (connection) => {
    await connection.run('checkpoint');
    const start = performance.now();
    await connection.run(`create table silver_dedup as ${sql}`);
    return (performance.now() - start) / 1000;
  });
}

function removeWarehouse(dbPath: string): void {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
}

runCli(main);
