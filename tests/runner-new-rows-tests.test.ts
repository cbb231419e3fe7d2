// Data tests that check only new rows (`new_rows_by`): same failures as the whole-relation test,
// checkpoints recorded only after a clean pass, and every way a checkpoint stops being valid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import type { BuildResult } from '../src/engine/runner/runner-options.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { type TestProject } from './support/runner-project.js';

/** An append-only model over the `batch` var: rows (off, k, v); rows with a null offset or one above the greatest are appended. */
const MODEL = `{{ config(materialized='incremental', incremental_strategy='append') }}
select * from (values {{ var('batch') }}) as t(off, k, v)
{% if is_incremental() %}where off is null or off > (select coalesce(max(off), -1) from {{ this }}){% endif %}
`;

/** Each test twice: with `new_rows_by: off` (named new_…) and as the plain whole-relation test (whole_…). */
function propertiesYml(acceptedValues = ['a', 'b', 'c']): string {
  const tests: [string, string][] = [
    ['uniq_equals_total', ''],
    ['unique', ''],
    ['not_null', ''],
    ['accepted_values', `values: [${acceptedValues.join(', ')}]`],
  ];
  const columnTests = (column: string, only: string[]): string =>
    tests
      .filter(([name]) => only.includes(name))
      .flatMap(([name, args]) =>
        ['new', 'whole'].map(
          (mode) => `          - ${name}:
              name: ${mode}_${name}_${column}
${args ? `              ${args}\n` : ''}${mode === 'new' ? '              config: {new_rows_by: off}\n' : ''}`,
        ),
      )
      .join('');
  return `version: 2
models:
  - name: inc
    data_tests:
      - uniq_equals_total:
          name: new_uniq_k_v
          columns: [k, v]
          config: {new_rows_by: off}
      - uniq_equals_total:
          name: whole_uniq_k_v
          columns: [k, v]
    columns:
      - name: k
        data_tests:
${columnTests('k', ['uniq_equals_total', 'unique', 'not_null'])}      - name: v
        data_tests:
${columnTests('v', ['not_null', 'accepted_values'])}`;
}

/** Properties of `inc` with one test on column k, given as its YAML list item (indented 10). */
function columnKTest(test: string): string {
  return `version: 2
models:
  - name: inc
    columns:
      - name: k
        data_tests:
${test}`;
}

function newProject(
  makeProject: (files: Record<string, string>) => TestProject,
  acceptedValues?: string[],
): TestProject {
  return makeProject({
    'models/inc.sql': MODEL,
    'models/inc.yml': propertiesYml(acceptedValues),
  });
}

type Row = readonly [number | null, number | null, string | null];

function valuesList(rows: readonly Row[]): string {
  return rows
    .map(
      ([off, k, v]) =>
        `(${off ?? 'null::integer'}, ${k ?? 'null::integer'}, ${v === null ? 'null::varchar' : `'${v}'`})`,
    )
    .join(', ');
}

function failuresByTest(result: BuildResult): Map<string, number | null> {
  return new Map(
    result.results.filter((r) => r.resourceType === 'test').map((r) => [r.name, r.failures]),
  );
}

/** The compiled SQL the last run used for a test. */
function compiled(p: TestProject, test: string): string {
  return readFileSync(join(p.dir, 'target/compiled/demo/models/inc.yml', `${test}.sql`), 'utf8');
}

/** The checkpoints by test, each test's unique_id without dbt's hash suffix. */
async function checkpoints(p: TestProject): Promise<Record<string, unknown>[]> {
  const rows = await p.query(
    'select test_id, checked_through, checked_rows from dbt_internal.test_checkpoints order by test_id',
  );
  return rows.map((row) => ({
    ...row,
    test_id: String(row['test_id']).replace(/\.[0-9a-f]{10}$/, ''),
  }));
}

async function write(p: TestProject, statement: string): Promise<void> {
  await withWarehouse(p.db, {}, async ({ connection }) => {
    await connection.run(statement);
  });
}

describe('data tests with new_rows_by', () => {
  it('report exactly the failures of the whole-relation test, build after build (property)', async ({
    makeProject,
  }) => {
    const row = fc.tuple(
      fc.option(fc.integer({ min: 0, max: 40 }), { freq: 12 }),
      fc.option(fc.integer({ min: 0, max: 6 }), { freq: 8 }),
      fc.option(fc.constantFrom('a', 'b', 'c', 'x'), { freq: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(row, { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 4 }),
        async (batches) => {
          const p = newProject(makeProject);
          for (const batch of batches) {
            const result = await p.build({ vars: { batch: valuesList(batch) } });
            const failures = failuresByTest(result);
            for (const [name, count] of failures) {
              if (!name.startsWith('new_')) continue;
              expect({ name, count }).toEqual({
                name,
                count: failures.get(name.replace(/^new_/, 'whole_')),
              });
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('after a clean pass, check only the rows above the checkpoint, and still see a duplicate of an old key', async ({
    makeProject,
  }) => {
    const project = newProject(makeProject);
    const first = await project.build({ vars: { batch: "(1, 1, 'a'), (2, 2, 'b')" } });
    expect(first.success).toBe(true);
    expect(compiled(project, 'new_uniq_k_v')).not.toContain('new_rows');
    expect(await checkpoints(project)).toContainEqual({
      test_id: 'test.demo.new_uniq_equals_total_k',
      checked_through: '2',
      checked_rows: '2',
    });

    const second = await project.build({ vars: { batch: "(3, 1, 'c'), (4, 3, 'c')" } });
    const sql = compiled(project, 'new_uniq_equals_total_k');
    expect(sql).toContain(`"off" > '2'`);
    expect(sql).toContain(`"off" <= '2'`);
    const failures = failuresByTest(second);
    expect(failures.get('new_uniq_equals_total_k')).toBe(1);
    expect(failures.get('new_unique_k')).toBe(1);
    expect(failures.get('new_uniq_k_v')).toBe(0);
    // A failing run keeps the last clean checkpoint: the next run checks the failing rows again.
    expect(await checkpoints(project)).toContainEqual({
      test_id: 'test.demo.new_uniq_equals_total_k',
      checked_through: '2',
      checked_rows: '2',
    });
    const third = await project.build({ vars: { batch: "(5, 9, 'a')" } });
    expect(failuresByTest(third).get('new_uniq_equals_total_k')).toBe(1);
    // The passing tests moved on.
    expect(await checkpoints(project)).toContainEqual({
      test_id: 'test.demo.new_uniq_k_v',
      checked_through: '5',
      checked_rows: '5',
    });
  });

  it('check the whole relation again with --full-refresh, a changed test, or changed checked rows', async ({
    makeProject,
  }) => {
    const project = newProject(makeProject);
    await project.build({ vars: { batch: "(1, 1, 'a'), (2, 2, 'b')" } });
    await project.build({ vars: { batch: "(3, 3, 'c')" } });
    expect(compiled(project, 'new_uniq_equals_total_k')).toContain(`"off" > '2'`);

    // `test --full-refresh` checks everything and records a new checkpoint.
    const refreshed = await project.build({ fullRefresh: true }, 'test');
    expect(refreshed.success).toBe(true);
    expect(compiled(project, 'new_uniq_equals_total_k')).not.toContain('new_rows');

    // A row slipped in below the checkpoint (here a duplicate key): the count below it changed.
    await write(project, "insert into inc values (0, 3, 'a')");
    const tampered = await project.build({}, 'test');
    expect(compiled(project, 'new_uniq_equals_total_k')).not.toContain('new_rows');
    expect(failuresByTest(tampered).get('new_uniq_equals_total_k')).toBe(1);

    // A row deleted below the checkpoint: whole relation again (and it passes).
    await write(project, 'delete from inc where off = 0');
    await project.build({}, 'test');
    await write(project, 'delete from inc where off = 1');
    const deleted = await project.build({}, 'test');
    expect(deleted.success).toBe(true);
    expect(compiled(project, 'new_uniq_equals_total_k')).not.toContain('new_rows');

    // A changed test definition does not trust the old checkpoint.
    await project.build({}, 'test');
    expect(compiled(project, 'new_accepted_values_v')).toContain(`"off" > '3'`);
    project.write({ 'models/inc.yml': propertiesYml(['a', 'b']) });
    const changed = await project.build({}, 'test');
    expect(compiled(project, 'new_accepted_values_v')).not.toContain(`"off" >`);
    expect(failuresByTest(changed).get('new_accepted_values_v')).toBe(1);
  });

  it('drop the checkpoints when the model is rebuilt from scratch', async ({ makeProject }) => {
    const project = newProject(makeProject);
    await project.build({ vars: { batch: "(1, 1, 'a'), (2, 2, 'b')" } });
    expect((await checkpoints(project)).length).toBe(6);
    // The rebuilt table has other rows at the same offsets, so the row count below the checkpoint
    // alone would not notice.
    await project.build({ vars: { batch: "(1, 7, 'c'), (2, 7, 'c')" }, fullRefresh: true }, 'run');
    expect(await checkpoints(project)).toEqual([]);
    const result = await project.build({ vars: { batch: "(3, 8, 'a')" } });
    expect(failuresByTest(result).get('new_uniq_equals_total_k')).toBe(1);
    expect(compiled(project, 'new_uniq_equals_total_k')).not.toContain('new_rows');
  });

  it('record no checkpoint after a run whose query returned rows, whatever fail_calc made of them', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/inc.sql': MODEL,
      'models/inc.yml': columnKTest(`          - unique:
              name: lenient_unique
              config:
                new_rows_by: off
                fail_calc: "case when count(*) >= 2 then count(*) else 0 end"
`),
    });
    const first = await project.build({ vars: { batch: "(1, 1, 'a'), (2, 1, 'b')" } });
    expect(failuresByTest(first).get('lenient_unique')).toBe(0);
    // No checkpoint was ever recorded, so not even the checkpoint table exists.
    expect(
      await project.query(
        "select table_name from duckdb_tables() where schema_name = 'dbt_internal'",
      ),
    ).toEqual([]);
    const second = await project.build({ vars: { batch: "(3, 2, 'a'), (4, 2, 'b')" } });
    expect(failuresByTest(second).get('lenient_unique')).toBe(2);
  });

  it('handle key expressions, not only column names, in uniq_equals_total', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/inc.sql': MODEL,
      'models/inc.yml': `version: 2
models:
  - name: inc
    data_tests:
      - uniq_equals_total:
          name: lower_v_and_k
          columns: ['lower(v)', 'k % 10']
          config: {new_rows_by: off}
`,
    });
    await project.build({ vars: { batch: "(1, 1, 'a'), (2, 2, 'b')" } });
    const second = await project.build({ vars: { batch: "(3, 11, 'A'), (4, 3, 'c')" } });
    expect(compiled(project, 'lower_v_and_k')).toContain(`"off" > '2'`);
    expect(second.results.find((r) => r.name === 'lower_v_and_k')).toMatchObject({
      status: 'fail',
      failures: 1,
    });
  });

  it('are refused on relations that do not only grow by appends, and in singular tests', async ({
    makeProject,
  }) => {
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        'unique_key model (delete+insert by default)',
        {
          'models/inc.sql': `{{ config(materialized='incremental', unique_key='k') }}\nselect 1 as off, 1 as k`,
        },
        /models\/inc\.yml:\d+: test "uniq_equals_total_inc_k" on inc: new_rows_by needs a relation that only grows by appends .*inc is an incremental model with the delete\+insert strategy/,
      ],
      [
        'merge model',
        {
          'models/inc.sql': `{{ config(materialized='incremental', unique_key='k', incremental_strategy='merge') }}\nselect 1 as off, 1 as k`,
        },
        /models\/inc\.yml:\d+: test "uniq_equals_total_inc_k" on inc: new_rows_by needs a relation that only grows by appends .*inc is an incremental model with the merge strategy/,
      ],
      [
        'table model',
        { 'models/inc.sql': `{{ config(materialized='table') }}\nselect 1 as off, 1 as k` },
        /inc is materialized as table/,
      ],
      [
        'where filter',
        {
          'models/inc.sql': MODEL,
          'models/inc.yml': columnKTest(`          - unique:
              config: {new_rows_by: off, where: "v <> 'x'"}
`),
        },
        /new_rows_by cannot be combined with where/,
      ],
    ];
    const yml = columnKTest(`          - uniq_equals_total:
              config: {new_rows_by: off}
`);
    for (const [label, files, message] of cases) {
      const p = makeProject({ 'models/inc.yml': yml, ...files });
      await expect(p.build(), label).rejects.toThrow(message);
    }
    const project = makeProject({
      'models/inc.sql': MODEL,
      'models/inc.yml': yml.replace('{new_rows_by: off}', '{new_rows_by: "off; drop table inc"}'),
    });
    await expect(project.build({ vars: { batch: "(1, 1, 'a')" } })).rejects.toThrow(
      /new_rows_by must name one column, got "off; drop table inc"/,
    );
    const checked = makeProject({
      'models/inc.sql': MODEL,
      'tests/my_check.sql':
        "{{ config(new_rows_by='off') }}\nselect * from {{ ref('inc') }} where k < 0",
    });
    await expect(checked.build({ vars: { batch: "(1, 1, 'a')" } })).rejects.toThrow(
      /tests\/my_check\.sql.*new_rows_by is for generic tests declared on one model or source/,
    );
  });
});
