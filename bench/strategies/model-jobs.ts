import type { NodeResult } from '../../src/engine/artifacts/node-result.js';
import { build } from '../../src/engine/runner/run-project.js';
import type { BuildOptions, BuildResult } from '../../src/engine/runner/runner-options.js';
import { openWarehouse } from '../../src/base/warehouse/open-warehouse.js';
import { quoteIdentifier } from '../../src/base/warehouse/quote.js';
import { countRows } from './count-rows.js';
import type { Job, JobContext, Timer } from './job.js';

/** Selection of the Silver dedup: Silver and its intermediate models, not Bronze or the sources. */
const WINDOW_SELECTION = {
  select: ['+silver_events', '+silver_late_events'],
  exclude: ['+bronze_events'],
};

/**
 * Bronze: `build -s bronze_events` on the landed data (its data tests come along). The strategy's
 * seconds are the model's own execution time as the runner measured it; the whole `build()` call
 * (project parsing, hooks, tests) is kept in the details as `build_seconds`.
 */
export const bronzeJob: Job = {
  name: 'bronze',
  async run(context, timer) {
    const recordsIn = await count(context, 'raw_messages');
    const result = await runBuild(context, timer, { select: ['bronze_events'] }, 'models');
    return {
      recordsIn,
      recordsOut: await count(context, 'bronze_events'),
      details: buildDetails(result),
    };
  },
};

/**
 * Window: the ROW_NUMBER dedup with the watermark (`silver_events`, `silver_late_events` and their
 * intermediate models) on the Bronze snapshot; seconds = the models' execution time.
 */
export const windowJob: Job = {
  name: 'window',
  async run(context, timer) {
    const recordsIn = await count(context, 'bronze_events');
    const result = await runBuild(context, timer, WINDOW_SELECTION, 'models');
    return {
      recordsIn,
      recordsOut: await count(context, 'silver_events'),
      details: { ...buildDetails(result), late_rows: await count(context, 'silver_late_events') },
    };
  },
};

/**
 * Merge: the `silver_transactions` MERGE INTO upsert of every Silver event. On the Silver snapshot
 * the model is built once and emptied first (not timed), so the timed build takes the model's
 * incremental path (reduce the source to one row per transaction, then MERGE INTO) instead of the
 * first build's `create table as`. Seconds = the model's execution time.
 */
export const mergeJob: Job = {
  name: 'merge',
  async run(context, timer) {
    await runBuild(context, null, { select: ['silver_transactions'] }, 'models');
    await withConnection(context, (connection) =>
      connection
        .run(`delete from ${quoteIdentifier('silver_transactions')}`)
        .then(() => connection.run('checkpoint')),
    );
    const recordsIn = await count(context, 'silver_events');
    const result = await runBuild(context, timer, { select: ['silver_transactions'] }, 'models');
    const node = result.results.find((r) => r.name === 'silver_transactions');
    return {
      recordsIn,
      recordsOut: await count(context, 'silver_transactions'),
      details: { ...buildDetails(result), runner_message: node?.message ?? '' },
    };
  },
};

/** Build: the whole `build()` (hooks, every model, audits, data tests) on the landed data, timed around the call. */
export const buildJob: Job = {
  name: 'build',
  async run(context, timer) {
    const recordsIn = await count(context, 'raw_messages');
    const result = await runBuild(context, timer, {}, 'call');
    return {
      recordsIn,
      recordsOut: await count(context, 'silver_events'),
      details: buildDetails(result),
    };
  },
};

/**
 * Incremental: the whole `build()` again on the built warehouse after 1% more arrivals landed;
 * records in = the new arrivals, records out = the new Silver rows.
 */
export const incrementalJob: Job = {
  name: 'incremental',
  async run(context, timer) {
    const landed = await count(context, 'raw_messages');
    const bronzeBefore = await count(context, 'bronze_events');
    const silverBefore = await count(context, 'silver_events');
    const result = await runBuild(context, timer, {}, 'call');
    return {
      recordsIn: landed - bronzeBefore,
      recordsOut: (await count(context, 'silver_events')) - silverBefore,
      details: buildDetails(result),
    };
  },
};

/**
 * Runs `build()` quietly on the job's warehouse. `measure: 'call'` times the whole call; `'models'`
 * charges the job with the selected models' execution time as the runner measured it; a null
 * timer measures nothing (preparation). A failed build is an error naming the failing nodes.
 */
async function runBuild(
  context: JobContext,
  timer: Timer | null,
  selection: Pick<BuildOptions, 'select' | 'exclude'>,
  measure: 'call' | 'models',
): Promise<BuildResult> {
  const options: BuildOptions = {
    projectDir: context.projectDir,
    dbPath: context.dbPath,
    print: false,
    ...selection,
    ...(context.settings.threads !== undefined ? { threads: context.settings.threads } : {}),
    ...(context.settings.memoryLimit !== undefined
      ? { memoryLimit: context.settings.memoryLimit }
      : {}),
  };
  let result: BuildResult;
  if (timer === null) {
    result = await build(options);
  } else if (measure === 'call') {
    result = await timer.time(() => build(options));
  } else {
    result = await build(options);
    timer.add(sumSeconds(result.results.filter((r) => r.resourceType === 'model')));
  }
  if (!result.success) {
    const failing = result.results.filter((r) => r.status === 'error' || r.status === 'fail');
    throw new Error(
      `build failed: ${failing.map((r) => `${r.resourceType} ${r.name}: ${r.message.split('\n')[0]}`).join('; ') || 'a hook failed'}`,
    );
  }
  return result;
}

function sumSeconds(results: readonly NodeResult[]): number {
  return results.reduce((total, r) => total + r.executionTime, 0);
}

/** Per-model seconds and the totals of one build, for the results' details. */
function buildDetails(result: BuildResult): Record<string, number> {
  const details: Record<string, number> = {
    build_seconds: round(result.elapsedSeconds),
    model_seconds: round(sumSeconds(result.results.filter((r) => r.resourceType === 'model'))),
    test_seconds: round(sumSeconds(result.results.filter((r) => r.resourceType === 'test'))),
  };
  for (const r of result.results) {
    if (r.resourceType === 'model') details[`seconds_${r.name}`] = round(r.executionTime);
  }
  return details;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

async function count(context: JobContext, table: string): Promise<number> {
  return withConnection(context, (connection) => countRows(connection, table));
}

async function withConnection<T>(
  context: JobContext,
  work: (connection: Awaited<ReturnType<typeof openWarehouse>>['connection']) => Promise<T>,
): Promise<T> {
  const warehouse = await openWarehouse(context.dbPath, context.settings);
  try {
    return await work(warehouse.connection);
  } finally {
    warehouse.close();
  }
}
