// The consumer's builds between batches: a complete build first, then micro-batch builds of the
// Bronze and Silver models only, and a complete build again when one is due or the stream is idle.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { projectYml } from './support/runner-project.js';
import type { Warehouse } from '../src/base/warehouse/open-warehouse.js';
import { MicroBatchBuilds, type BuildTrigger } from '../src/app/streaming/micro-batch-builds.js';

/** A Silver and a Gold table counting the rows of `landed`, and a data test that fails on 3 rows. */
const FILES = {
  'dbt_project.yml': projectYml(
    'models:\n  demo:\n    +materialized: table\n    silver:\n      +tags: [silver]\n    gold:\n      +tags: [gold]\n',
  ),
  'models/silver/silver_counts.sql': 'select count(*) as n from landed\n',
  'models/gold/gold_counts.sql': "select n from {{ ref('silver_counts') }}\n",
  'models/silver/schema.yml':
    'version: 2\nmodels:\n  - name: silver_counts\n    data_tests:\n      - less_than_three\n',
  'tests/generic/less_than_three.sql':
    '{% test less_than_three(model) %}\nselect n from {{ model }} where n >= 3\n{% endtest %}\n',
};

async function counts(warehouse: Warehouse): Promise<{ silver: number; gold: number }> {
  const reader = await warehouse.connection.runAndReadAll(
    'select (select n from silver_counts)::int as silver, (select n from gold_counts)::int as gold',
  );
  return reader.getRowObjectsJson()[0] as { silver: number; gold: number };
}

/** The warehouse with one landed row. */
async function withOneRow(opening: Promise<Warehouse>): Promise<Warehouse> {
  const warehouse = await opening;
  await warehouse.connection.run('create table landed (x int); insert into landed values (1)');
  return warehouse;
}

async function land(warehouse: Warehouse, builds: MicroBatchBuilds): Promise<void> {
  await warehouse.connection.run('insert into landed values (1)');
  builds.landed(1);
}

describe('MicroBatchBuilds', () => {
  it('builds everything first, then Bronze and Silver only, and everything again when idle', async ({
    makeProject,
    openWarehouse,
    output,
  }) => {
    const project = makeProject(FILES);
    const warehouse = await withOneRow(openWarehouse());
    const trigger: BuildTrigger = {
      projectDir: project.dir,
      afterMessages: 1,
      completeEverySeconds: 3600,
      idleSeconds: 0.2,
    };
    const builds = new MicroBatchBuilds(trigger, warehouse);
    expect(builds.due()).toBe(true);
    expect(await builds.run()).toBe(true);
    expect(await counts(warehouse)).toEqual({ silver: 1, gold: 1 });
    expect(builds.pending).toBe(false);

    await land(warehouse, builds);
    expect(builds.due()).toBe(true);
    expect(await builds.run()).toBe(true);
    // Gold waits for a complete build, which is owed.
    expect(await counts(warehouse)).toEqual({ silver: 2, gold: 1 });
    expect(output.err).toContain('(micro-batch build)');
    expect(builds.due()).toBe(false);
    expect(builds.pending).toBe(true);

    // Nothing landed for idleSeconds: the consumer may stop, so this build is complete.
    await sleep(300);
    expect(await builds.run()).toBe(true);
    expect(await counts(warehouse)).toEqual({ silver: 2, gold: 2 });
    expect(builds.pending).toBe(false);
  });

  it('runs the data tests at the complete build, which catches a failure the micro-batch skipped', async ({
    makeProject,
    openWarehouse,
    output,
  }) => {
    const project = makeProject(FILES);
    const warehouse = await withOneRow(openWarehouse());
    const builds = new MicroBatchBuilds(
      { projectDir: project.dir, afterMessages: 1, completeEverySeconds: 0.2 },
      warehouse,
    );
    expect(await builds.run()).toBe(true);
    await land(warehouse, builds);
    await land(warehouse, builds);
    // 3 rows fail the test, but a micro-batch build does not run it.
    expect(await builds.run()).toBe(true);
    expect(await counts(warehouse)).toEqual({ silver: 3, gold: 1 });
    await sleep(300);
    // The complete build is due although nothing new landed; its failing test stops Gold.
    expect(builds.due()).toBe(true);
    expect(await builds.run()).toBe(false);
    expect(output.err).toContain('less_than_three_silver_counts_ (fail)');
    expect(await counts(warehouse)).toEqual({ silver: 3, gold: 1 });
    expect(builds.pending).toBe(true);
  });
});
