import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, vi } from 'vitest';
import { it } from './support/fixtures.js';
import { SqlExecutor } from '../src/base/warehouse/sql-executor.js';
import { listNodes } from '../src/engine/runner/compile-project.js';
import { projectYml, statuses, type TestProject } from './support/runner-project.js';

describe('build: models, seeds, macros, hooks', () => {
  it('builds seeds, views, tables and ephemeral models in dependency order with macros and hooks', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(`
vars:
  min_id: 2
on-run-start:
  - "create or replace macro plus_one(x) as x + 1"
models:
  demo:
    marts:
      +materialized: table
      +tags: [marts]
`),
      'seeds/people.csv': 'id,name\n1,ann\n2,bob\n3,cid\n',
      'macros/doubled.sql': '{% macro doubled(col) %}({{ col }} * 2){% endmacro %}\n',
      'macros/label.sql':
        "{% macro label(x) %}{{ return(x ~ '!') }}{% endmacro %}\n{% macro quoted(x) %}'{{ label(x) }}'{% endmacro %}\n",
      'models/staging/stg_people.sql': "select id, upper(name) as name from {{ ref('people') }}\n",
      'models/staging/filtered.sql':
        "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('stg_people') }} where id >= {{ var('min_id') }}\n",
      'models/marts/people_wide.sql':
        "with f as (select * from {{ ref('filtered') }})\nselect id, name, {{ doubled('id') }} as id2, plus_one(id) as id3, {{ quoted('x') }} as tag from f\n",
    });
    const result = await project.build();
    expect(result.exitCode).toBe(0);
    expect(result.results.map((r) => `${r.resourceType}:${r.name}:${r.status}`)).toEqual([
      'seed:people:success',
      'model:stg_people:success',
      'model:people_wide:success',
    ]);
    const rows = await project.query('select * from main.people_wide order by id');
    expect(rows).toEqual([
      { id: '2', name: 'BOB', id2: '4', id3: '3', tag: 'x!' },
      { id: '3', name: 'CID', id2: '6', id3: '4', tag: 'x!' },
    ]);
    const kinds = await project.query(
      "select table_name, table_type from information_schema.tables where table_schema = 'main' order by 1",
    );
    expect(kinds).toEqual([
      { table_name: 'people', table_type: 'BASE TABLE' },
      { table_name: 'people_wide', table_type: 'BASE TABLE' },
      { table_name: 'stg_people', table_type: 'VIEW' },
    ]);
    const compiled = readFileSync(
      join(project.dir, 'target/compiled/demo/models/marts/people_wide.sql'),
      'utf8',
    );
    expect(compiled).toContain('with __dbt__cte__filtered as (');
    expect(compiled).toContain('"main"."stg_people"');
  });

  it("reports a table model's rows from its create table as, with no count query afterwards", async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('models:\n  demo:\n    +materialized: table\n'),
      'models/many.sql': 'select range as id from range(5000)\n',
      'models/none.sql': 'select 1 as id where false\n',
      'models/was_view.sql': "{{ config(materialized='view') }}\nselect 1 as id\n",
    });
    expect((await project.build()).exitCode).toBe(0);
    project.write({ 'models/was_view.sql': 'select range as id from range(3)\n' });
    const queries = vi.spyOn(SqlExecutor.prototype, 'rows');
    const result = await project.build();
    const countQueries = queries.mock.calls.filter(([sql]) => /count\(\*\)/i.test(sql));
    queries.mockRestore();
    expect(countQueries).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(
      Object.fromEntries(result.results.map((r) => [r.name, [r.rowsAffected, r.message]])),
    ).toEqual({
      many: [5000, 'SELECT 5000'],
      none: [0, 'SELECT 0'],
      was_view: [3, 'SELECT 3'],
    });
    expect(readFileSync(join(project.dir, 'target/run/demo/models/many.sql'), 'utf8')).toContain(
      'create or replace table',
    );
    expect(await project.query('select count(*)::int as n from was_view')).toEqual([{ n: 3 }]);
  });

  it('creates the custom schema of +schema as main_<schema>, like dbt', async ({ makeProject }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('models:\n  demo:\n    silver:\n      +schema: silver\n'),
      'models/silver/events.sql': 'select 1 as id\n',
      'models/gold/daily.sql': "select * from {{ ref('events') }}\n",
    });
    const result = await project.build();
    expect(result.exitCode).toBe(0);
    expect(await project.query('select * from main_silver.events')).toEqual([{ id: 1 }]);
    expect(
      readFileSync(join(project.dir, 'target/compiled/demo/models/gold/daily.sql'), 'utf8'),
    ).toContain('"main_silver"."events"');
  });

  it('runs pre_hook and post_hook inside the model transaction and on-run-end after all nodes', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(`
on-run-start: ["create table if not exists audit_log (what varchar)"]
on-run-end: ["insert into audit_log values ('end')"]
`),
      'models/m.sql':
        "{{ config(materialized='table', pre_hook=\"insert into audit_log values ('pre')\", post_hook=[\"insert into audit_log select 'post ' || count(*) from {{ this }}\"]) }}\nselect 1 as id union all select 2\n",
    });
    expect((await project.build()).exitCode).toBe(0);
    expect((await project.query('select what from audit_log')).map((r) => r['what'])).toEqual([
      'pre',
      'post 2',
      'end',
    ]);
  });

  it('reloads seeds on every build and honours column_types', async ({ makeProject }) => {
    const project = makeProject({
      'seeds/codes.csv': 'code,amount\n007,1.5\n010,2.25\n',
      'seeds/properties.yml':
        'version: 2\nseeds:\n  - name: codes\n    config:\n      column_types:\n        code: varchar\n        amount: decimal(10,2)\n',
    });
    expect((await project.build()).exitCode).toBe(0);
    expect(
      await project.query(
        'select code, amount::varchar as amount, typeof(amount) as t from codes order by code',
      ),
    ).toEqual([
      { code: '007', amount: '1.50', t: 'DECIMAL(10,2)' },
      { code: '010', amount: '2.25', t: 'DECIMAL(10,2)' },
    ]);
    project.write({ 'seeds/codes.csv': 'code,amount\n011,3\n' });
    const again = await project.build();
    expect(again.results[0]!.rowsAffected).toBe(1);
    expect(await project.query('select code from codes')).toEqual([{ code: '011' }]);
  });

  it('runs seed pre_hook and post_hook in the seed transaction; a failing hook leaves the old table', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(`
on-run-start: ["create table if not exists seed_log (what varchar)"]
seeds:
  demo:
    +pre-hook: "insert into seed_log values ('pre')"
    +post-hook: "insert into seed_log select 'post ' || count(*) from {{ this }}"
`),
      'seeds/codes.csv': 'code\na\nb\n',
    });
    expect((await project.build()).exitCode).toBe(0);
    expect((await project.query('select what from seed_log')).map((r) => r['what'])).toEqual([
      'pre',
      'post 2',
    ]);
    project.write({
      'seeds/codes.csv': 'code\nc\n',
      'seeds/properties.yml':
        'version: 2\nseeds:\n  - name: codes\n    config:\n      post_hook: "select * from no_such_table"\n',
    });
    const failed = await project.build();
    expect(failed.exitCode).toBe(1);
    expect(failed.results[0]!.message).toMatch(/post_hook failed: .*no_such_table/s);
    expect(await project.query('select code from codes order by code')).toEqual([
      { code: 'a' },
      { code: 'b' },
    ]);
  });

  it('reads a relative path in a model from the project folder, wherever the runner runs', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'data/extra.csv': 'id\n7\n8\n',
      'models/m.sql':
        "{{ config(materialized='table') }}\nselect count(*)::int as n from read_csv_auto('data/extra.csv')\n",
    });
    expect(process.cwd()).not.toBe(project.dir);
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    expect(await project.query('select n from m')).toEqual([{ n: 2 }]);
  });

  it('applies seed column_types from dbt_project.yml', async ({ makeProject }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('seeds:\n  demo:\n    +column_types:\n      zip: varchar\n'),
      'seeds/zips.csv': 'zip\n00123\n',
    });
    await project.build();
    expect(await project.query('select zip from zips')).toEqual([{ zip: '00123' }]);
  });

  it('honours +enabled: false and reports a ref to the disabled model', async ({ makeProject }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('models:\n  demo:\n    old:\n      +enabled: false\n'),
      'models/old/legacy.sql': 'select 1 as id\n',
      'models/current.sql': 'select 2 as id\n',
    });
    const result = await project.build();
    expect(Object.keys(statuses(result))).toEqual(['current']);
    project.write({ 'models/uses_legacy.sql': "select * from {{ ref('legacy') }}\n" });
    await expect(project.build()).rejects.toThrow(
      /uses_legacy.*refers to model "legacy", which is disabled/s,
    );
  });

  it('accumulates +tags (and hooks) from every folder level, as dbt does; deeper +materialized wins', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(`
models:
  demo:
    +tags: [everything]
    +materialized: table
    marts:
      +tags: [marts]
      +post-hook: "create or replace table hook_log as select 'marts' as level"
      finance:
        +tags: finance
        +materialized: view
        +post-hook: "insert into hook_log values ('finance')"
`),
      'models/marts/finance/revenue.sql': "{{ config(tags=['own']) }}\nselect 1 as id\n",
      'models/other.sql': 'select 2 as id\n',
    });
    const result = await project.build();
    expect(result.exitCode).toBe(0);
    const revenue = result.results.find((r) => r.name === 'revenue')!;
    expect(revenue.kind).toBe('view');
    const tagged = (tag: string): string[] =>
      listNodes({ projectDir: project!.dir, select: [`tag:${tag}`] }).map((n) => n.name);
    expect(tagged('everything')).toEqual(['other', 'revenue']);
    for (const tag of ['marts', 'finance', 'own']) expect(tagged(tag)).toEqual(['revenue']);
    expect(await project.query('select level from hook_log order by level')).toEqual([
      { level: 'finance' },
      { level: 'marts' },
    ]);
  });

  it('configures a single model or seed by name in dbt_project.yml; a config path matching no file is a warning', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(`
models:
  demo:
    gold:
      +materialized: table
      daily:
        +materialized: view
    silvr:
      +materialized: table
  old_name:
    +tags: [x]
seeds:
  demo:
    codes:
      +column_types: {code: varchar}
`),
      'models/gold/daily.sql': 'select 1 as id\n',
      'models/gold/weekly.sql': 'select 2 as id\n',
      'seeds/codes.csv': 'code\n007\n',
    });
    const result = await project.build();
    expect(result.exitCode).toBe(0);
    expect(result.results.map((r) => `${r.name}:${r.kind}`)).toEqual([
      'codes:seed',
      'daily:view',
      'weekly:table',
    ]);
    expect(await project.query('select code from codes')).toEqual([{ code: '007' }]);
    expect(result.warnings).toEqual([
      'dbt_project.yml: the config path models.demo.silvr applies to no file (is a folder or file name misspelt?)',
      'dbt_project.yml: the config path models.old_name applies to no file (is a folder or file name misspelt?)',
    ]);
  });

  it('reads model-paths, seed-paths, macro-paths and test-paths from dbt_project.yml', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(`
model-paths: [transform]
seed-paths: [data]
macro-paths: [lib]
test-paths: [checks]
models:
  demo:
    marts:
      +materialized: table
`),
      'transform/marts/m.sql': "select {{ two() }} as x, id from {{ ref('s') }}\n",
      'data/s.csv': 'id\n1\n',
      'lib/two.sql': '{% macro two() %}2{% endmacro %}\n',
      'checks/x_is_two.sql': "select * from {{ ref('m') }} where x <> {{ two() }}\n",
      // Not under the configured paths: ignored.
      'models/ignored.sql': 'select no_such_column\n',
      'seeds/ignored.csv': 'a\n1\n',
    });
    const result = await project.build();
    expect(result.exitCode).toBe(0);
    expect(statuses(result)).toEqual({ s: 'success', m: 'success', x_is_two: 'pass' });
    expect(result.results.find((r) => r.name === 'm')!.kind).toBe('table');
    expect(await project.query('select x, id from m')).toEqual([{ x: 2, id: '1' }]);
  });

  it('a seed the CSV reader rejects errors naming the seed, its file, the line and the column; the previous load stays', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/rates.csv': 'code,rate\nEUR,1\n',
      'seeds/rates.yml':
        'version: 2\nseeds:\n  - name: rates\n    config:\n      column_types: {rate: integer}\n',
    });
    expect((await project.build()).exitCode).toBe(0);
    project.write({ 'seeds/rates.csv': 'code,rate\nEUR,1\nUSD,2\nGBP,abc\n' });
    const failed = await project.build();
    expect(failed.exitCode).toBe(1);
    const message = failed.results[0]!.message;
    expect(message).toMatch(/^Runtime error in seed rates \(seeds\/rates\.csv\): Conversion Error/);
    expect(message).toContain('Line: 4');
    expect(message).toContain('column "rate"');
    // DuckDB's reader settings dump is left out.
    expect(message).not.toMatch(/delimiter = |sample_size = /);
    expect(await project.query('select code, rate from rates')).toEqual([{ code: 'EUR', rate: 1 }]);
  });

  it('does not write warehouse files outside the given db path', async ({ makeProject }) => {
    const project = makeProject({ 'models/a.sql': 'select 1 as x\n' });
    await project.build();
    expect(existsSync(project.db)).toBe(true);
    expect(existsSync(join(project.dir, 'target/run_results.json'))).toBe(true);
  });
});
