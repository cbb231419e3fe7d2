import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, statuses, type TestProject } from './support/runner-project.js';

let project: TestProject | undefined;
afterEach(() => {
  project?.cleanup();
  project = undefined;
});

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
  it('append adds the new rows; is_incremental() is false on the first build and with --full-refresh', async () => {
    project = makeProject({
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

  it('merge updates matched keys and inserts new ones (single and composite unique_key)', async () => {
    project = makeProject({ 'models/inc.sql': incrementalModel("unique_key='id'") });
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

  it('delete+insert replaces the rows of the keys it receives', async () => {
    project = makeProject({
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

  for (const strategy of ['merge', 'delete+insert']) {
    it(`${strategy} rejects new rows with duplicate keys, naming the model, key and value; the table is intact`, async () => {
      project = makeProject({
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

  it('is atomic: a failure after the insert (post_hook) leaves the previous rows, without doubles', async () => {
    project = makeProject({
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

  it('a failing table rebuild keeps the previous table', async () => {
    project = makeProject({
      'models/t.sql': "{{ config(materialized='table') }}\nselect {{ var('x') }} as x\n",
    });
    await project.build({ vars: { x: '1' } });
    const failed = await project.build({ vars: { x: "'y'::int" } });
    expect(statuses(failed)).toEqual({ t: 'error' });
    expect(await project.query('select x from t')).toEqual([{ x: 1 }]);
  });

  it('a schema change fails with a hint at --full-refresh; append_new_columns adds the column', async () => {
    project = makeProject({ 'models/inc.sql': incrementalModel("unique_key='id'") });
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
