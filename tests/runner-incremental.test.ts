import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { statuses, type TestProject } from './support/runner-project.js';

/** An incremental model over the `batch` var: rows (id, v) given as a SQL values list. */
function incrementalModel(config: string, filter = ''): string {
  return `{{ config(materialized='incremental', ${config}) }}
select * from (values {{ var('batch') }}) as t(id, v)
{% if is_incremental() %}${filter}{% endif %}
`;
}

const rows = (p: TestProject): Promise<Record<string, unknown>[]> =>
  p.query('select id, v from inc order by id, v');

describe('incremental models', () => {
  it('append adds the new rows; is_incremental() is false on the first build and with --full-refresh', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/inc.sql': incrementalModel(
        "incremental_strategy='append'",
        ' where id > (select max(id) from {{ this }})',
      ),
    });
    const first = await project.build({ vars: { batch: "(1, 'a'), (2, 'b')" } });
    expect(first.results[0]!.message).toBe('SELECT 2');
    const second = await project.build({ vars: { batch: "(2, 'x'), (3, 'c')" } });
    expect(second.results[0]!.message).toBe('INSERT 1');
    expect(await rows(project)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 3, v: 'c' },
    ]);
    const refreshed = await project.build({ vars: { batch: "(9, 'z')" }, fullRefresh: true });
    expect(refreshed.results[0]!.message).toBe('SELECT 1');
    expect(await rows(project)).toEqual([{ id: 9, v: 'z' }]);
  });

  it('without incremental_strategy: delete+insert with a unique_key, append without (as dbt-duckdb)', async ({
    makeProject,
  }) => {
    const project = makeProject({ 'models/inc.sql': incrementalModel("unique_key='id'") });
    await project.build({ vars: { batch: "(1, 'a'), (2, 'b')" } });
    const keyed = await project.build({ vars: { batch: "(2, 'B'), (3, 'c')" } });
    expect(keyed.results[0]!.message).toBe('DELETE+INSERT 2');
    expect(await rows(project)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'B' },
      { id: 3, v: 'c' },
    ]);
    project.write({ 'models/inc.sql': incrementalModel("on_schema_change='fail'") });
    const unkeyed = await project.build({ vars: { batch: "(3, 'c')" } });
    expect(unkeyed.results[0]!.message).toBe('INSERT 1');
    expect(await rows(project)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'B' },
      { id: 3, v: 'c' },
      { id: 3, v: 'c' },
    ]);
  });

  it('merge updates matched keys and inserts new ones (single and composite unique_key)', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/inc.sql': incrementalModel("unique_key='id', incremental_strategy='merge'"),
    });
    await project.build({ vars: { batch: "(1, 'a'), (2, 'b')" } });
    const second = await project.build({ vars: { batch: "(2, 'B'), (3, 'c')" } });
    expect(second.results[0]!.message).toBe('MERGE 2');
    expect(await rows(project)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'B' },
      { id: 3, v: 'c' },
    ]);
    project.write({
      'models/inc.sql': incrementalModel("unique_key=['id', 'v'], incremental_strategy='merge'"),
    });
    await project.build({ vars: { batch: "(1, 'a'), (1, 'z')" } });
    expect(await rows(project)).toEqual([
      { id: 1, v: 'a' },
      { id: 1, v: 'z' },
      { id: 2, v: 'B' },
      { id: 3, v: 'c' },
    ]);
  });

  it('delete+insert replaces the rows of the keys it receives', async ({ makeProject }) => {
    const project = makeProject({
      'models/inc.sql': incrementalModel("unique_key='id', incremental_strategy='delete+insert'"),
    });
    await project.build({ vars: { batch: "(1, 'a'), (2, 'b')" } });
    const second = await project.build({ vars: { batch: "(2, 'B'), (3, 'c')" } });
    expect(second.results[0]!.message).toBe('DELETE+INSERT 2');
    expect(await rows(project)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'B' },
      { id: 3, v: 'c' },
    ]);
  });

  it('DuckDB 1.5.6 MERGE INTO itself inserts duplicate keys from a source with several rows per key (why the runner checks)', async () => {
    // If this starts failing, DuckDB now refuses such a MERGE; the runner's own check stays harmless.
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run("create table t as select 1 as id, 'a' as v");
      await connection.run(
        "merge into t using (select * from (values (2, 'x'), (2, 'y')) s(id, v)) s on (s.id = t.id) " +
          'when matched then update set v = s.v when not matched then insert (id, v) values (s.id, s.v)',
      );
      const reader = await connection.runAndReadAll(
        'select id, count(*)::int as n from t group by id order by id',
      );
      expect(reader.getRowObjectsJson()).toEqual([
        { id: 1, n: 1 },
        { id: 2, n: 2 },
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  for (const strategy of ['merge', 'delete+insert']) {
    it(`${strategy} rejects several new rows for a key already in the table; the table is intact`, async ({
      makeProject,
    }) => {
      const project = makeProject({
        'models/inc.sql': incrementalModel(`unique_key=['id'], incremental_strategy='${strategy}'`),
      });
      await project.build({ vars: { batch: "(1, 'a'), (2, 'b')" } });
      const result = await project.build({ vars: { batch: "(1, 'x'), (1, 'y')" } });
      expect(result.exitCode).toBe(1);
      expect(result.results[0]!.message).toContain("2 rows for unique_key (id) = ('1')");
      expect(await rows(project)).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
      ]);
    });

    it(`${strategy} rejects new rows with duplicate keys, naming the model, key and value; the table is intact`, async ({
      makeProject,
    }) => {
      const project = makeProject({
        'models/inc.sql': incrementalModel(`unique_key='id', incremental_strategy='${strategy}'`),
      });
      await project.build({ vars: { batch: "(1, 'a')" } });
      const result = await project.build({ vars: { batch: "(1, 'x'), (5, 'y'), (5, 'z')" } });
      expect(result.exitCode).toBe(1);
      const message = result.results[0]!.message;
      expect(message).toContain('model "inc"');
      expect(message).toContain("unique_key (id) = ('5')");
      expect(message).toContain('2 rows');
      expect(await rows(project)).toEqual([{ id: 1, v: 'a' }]);
    });
  }

  it('merge on a composite unique_key rejects a duplicated (id, v) pair, naming both values', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/inc.sql': incrementalModel("unique_key=['id', 'v'], incremental_strategy='merge'"),
    });
    await project.build({ vars: { batch: "(1, 'a')" } });
    const result = await project.build({ vars: { batch: "(1, 'a'), (2, 'b'), (1, 'a')" } });
    expect(result.exitCode).toBe(1);
    expect(result.results[0]!.message).toContain("unique_key (id, v) = ('1', 'a')");
    expect(await rows(project)).toEqual([{ id: 1, v: 'a' }]);
  });

  it('matches unique_key to the column whatever its case (DuckDB identifiers are case-insensitive)', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/inc.sql': incrementalModel("unique_key=['ID'], incremental_strategy='merge'"),
    });
    await project.build({ vars: { batch: "(1, 'a')" } });
    const second = await project.build({ vars: { batch: "(1, 'b'), (2, 'c')" } });
    expect(second.results[0]!.message).toBe('MERGE 2');
    expect(await rows(project)).toEqual([
      { id: 1, v: 'b' },
      { id: 2, v: 'c' },
    ]);
  });

  it("a model's full_refresh config wins over --full-refresh: false keeps the table, true always rebuilds", async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/inc.sql': incrementalModel("incremental_strategy='append', full_refresh=false"),
      'models/always.sql':
        "{{ config(materialized='incremental', full_refresh=true) }}\nselect {{ var('n') }} as n\n",
    });
    await project.build({ vars: { batch: "(1, 'a')", n: 1 } });
    const refreshed = await project.build({ vars: { batch: "(2, 'b')", n: 2 }, fullRefresh: true });
    expect(statuses(refreshed)).toEqual({ always: 'success', inc: 'success' });
    expect(await rows(project)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
    await project.build({ vars: { batch: "(3, 'c')", n: 3 } });
    expect(await project.query('select n from always')).toEqual([{ n: 3 }]);
  });

  it('is atomic: a failure after the insert (post_hook) leaves the previous rows, without doubles', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/inc.sql': incrementalModel(
        "incremental_strategy='append', post_hook=\"select {{ var('fail', 'null') }}::int\"",
      ),
    });
    await project.build({ vars: { batch: "(1, 'a'), (2, 'b')" } });
    const failed = await project.build({
      vars: { batch: "(3, 'c'), (4, 'd')", fail: "'not a number'" },
    });
    expect(failed.exitCode).toBe(1);
    expect(failed.results[0]!.message).toMatch(
      /Runtime error in model inc \(models\/inc\.sql\): Conversion Error/,
    );
    expect(await rows(project)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
    // The temp table was rolled back too: the next build works.
    const next = await project.build({ vars: { batch: "(3, 'c')" } });
    expect(next.exitCode).toBe(0);
    expect(await rows(project)).toHaveLength(3);
  });

  for (const strategy of ['merge', 'delete+insert']) {
    it(`is atomic with ${strategy}: a failure after the rows are written leaves the previous rows`, async ({
      makeProject,
    }) => {
      const project = makeProject({
        'models/inc.sql': incrementalModel(
          `unique_key='id', incremental_strategy='${strategy}', post_hook="select {{ var('fail', 'null') }}::int"`,
        ),
      });
      await project.build({ vars: { batch: "(1, 'a'), (2, 'b')" } });
      const failed = await project.build({
        vars: { batch: "(2, 'B'), (3, 'c')", fail: "'not a number'" },
      });
      expect(failed.exitCode).toBe(1);
      expect(await rows(project)).toEqual([
        { id: 1, v: 'a' },
        { id: 2, v: 'b' },
      ]);
    });
  }

  it('a failing table rebuild keeps the previous table', async ({ makeProject }) => {
    const project = makeProject({
      'models/t.sql': "{{ config(materialized='table') }}\nselect {{ var('x') }} as x\n",
    });
    await project.build({ vars: { x: '1' } });
    const failed = await project.build({ vars: { x: "'y'::int" } });
    expect(statuses(failed)).toEqual({ t: 'error' });
    expect(await project.query('select x from t')).toEqual([{ x: 1 }]);
  });

  it('a failing view rebuild keeps the previous view', async ({ makeProject }) => {
    const project = makeProject({ 'models/v.sql': "select {{ var('x') }} as x\n" });
    await project.build({ vars: { x: '1' } });
    const failed = await project.build({ vars: { x: 'no_such_column' } });
    expect(statuses(failed)).toEqual({ v: 'error' });
    expect(failed.results[0]!.message).toContain('no_such_column');
    expect(await project.query('select x from v')).toEqual([{ x: 1 }]);
  });

  it('a failing switch of materialization (view to table, table to view) keeps the previous relation', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/m.sql': "{{ config(materialized=var('m')) }}\nselect {{ var('x') }} as x\n",
    });
    const kindAndRows = async (): Promise<unknown[]> => [
      ...(await project!.query(
        "select table_type from information_schema.tables where table_name = 'm'",
      )),
      ...(await project!.query('select x from m')),
    ];
    await project.build({ vars: { m: 'view', x: '1' } });
    const toTable = await project.build({ vars: { m: 'table', x: "'y'::int" } });
    expect(toTable.exitCode).toBe(1);
    expect(await kindAndRows()).toEqual([{ table_type: 'VIEW' }, { x: 1 }]);
    await project.build({ vars: { m: 'table', x: '2' } });
    const toView = await project.build({ vars: { m: 'view', x: 'no_such_column' } });
    expect(toView.exitCode).toBe(1);
    expect(await kindAndRows()).toEqual([{ table_type: 'BASE TABLE' }, { x: 2 }]);
    const toIncremental = await project.build({ vars: { m: 'incremental', x: "'z'::int" } });
    expect(toIncremental.exitCode).toBe(1);
    expect(await kindAndRows()).toEqual([{ table_type: 'BASE TABLE' }, { x: 2 }]);
  });

  it('a schema change fails with a hint at --full-refresh; append_new_columns adds the column', async ({
    makeProject,
  }) => {
    const project = makeProject({ 'models/inc.sql': incrementalModel("unique_key='id'") });
    await project.build({ vars: { batch: "(1, 'a')" } });
    project.write({
      'models/inc.sql':
        "{{ config(materialized='incremental', unique_key='id') }}\nselect 2 as id, 'b' as v, true as extra\n",
    });
    const failed = await project.build();
    expect(failed.exitCode).toBe(1);
    expect(failed.results[0]!.message).toContain('new column(s) extra BOOLEAN');
    expect(failed.results[0]!.message).toContain('--full-refresh');
    expect(await rows(project)).toEqual([{ id: 1, v: 'a' }]);
    project.write({
      'models/inc.sql':
        "{{ config(materialized='incremental', unique_key='id', on_schema_change='append_new_columns') }}\nselect 2 as id, 'b' as v, true as extra\n",
    });
    expect((await project.build()).exitCode).toBe(0);
    expect(await project.query('select id, v, extra from inc order by id')).toEqual([
      { id: 1, v: 'a', extra: null },
      { id: 2, v: 'b', extra: true },
    ]);
  });
});
