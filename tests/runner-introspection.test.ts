import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { compileProject } from '../src/engine/runner/compile-project.js';
import { projectYml } from './support/runner-project.js';

const ORDERS = 'id,status,amount\n1,open,10\n2,shipped,20\n3,open,5\n';

describe('templates that query the warehouse', () => {
  it('run_query, statement + load_result and the adapter read the warehouse in the execute pass only', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/orders.csv': ORDERS,
      'macros/pivot.sql': `{% macro status_values() %}
  {% set results = run_query("select distinct status from " ~ ref('orders') ~ " order by 1") %}
  {% if execute %}{{ return(results.columns[0].values()) }}{% else %}{{ return([]) }}{% endif %}
{% endmacro %}`,
      'models/pivoted.sql': `select
{%- for status in status_values() %}
  sum(case when status = '{{ status }}' then amount end) as {{ status }}_amount{{ ',' if not loop.last }}
{%- endfor %}
from {{ ref('orders') }}
`,
      'models/totals.sql': `{% call statement('total', fetch_result=True) %}
  select count(*) as n, sum(amount) as total from {{ ref('orders') }}
{% endcall %}
{%- set result = load_result('total') -%}
{%- if execute -%}
{%- set row = result['data'][0] -%}
select {{ row[0] }} as n, {{ row[1] }} as total, {{ result['table'].rows[0]['n'] }} as n_by_name
{%- else -%}
select 0 as n, 0 as total, 0 as n_by_name
{%- endif %}
`,
      'models/star.sql': `{%- set columns = adapter.get_columns_in_relation(ref('orders')) -%}
select
{%- for column in columns if column.name != 'id' %}
  {{ column.quoted }}{{ ',' if not loop.last }}
{%- endfor %},
  '{{ columns | map(attribute='dtype') | join(',') }}' as types,
  {%- set ns = namespace(numbers=0) -%}
  {%- for column in columns if column.is_number() -%}{%- set ns.numbers = ns.numbers + 1 -%}{%- endfor %}
  {{ ns.numbers }} as numeric_count,
  {{ 'true' if adapter.get_relation(database=none, schema='main', identifier='orders') is not none else 'false' }} as orders_exists,
  {{ 'true' if load_relation(api.Relation.create(schema='main', identifier='nope')) is none else 'false' }} as nope_missing
from {{ ref('orders') }}
`,
    });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    expect(await project.query('select * from pivoted')).toEqual([
      { open_amount: '15', shipped_amount: '20' },
    ]);
    expect(
      await project.query(
        'select n::int as n, total::int as total, n_by_name::int as n_by_name from totals',
      ),
    ).toEqual([{ n: 3, total: 35, n_by_name: 3 }]);
    expect(
      await project.query(
        'select types, numeric_count::int as numeric_count, orders_exists, nope_missing from star limit 1',
      ),
    ).toEqual([
      { types: 'BIGINT,VARCHAR,BIGINT', numeric_count: 2, orders_exists: true, nope_missing: true },
    ]);
    expect(
      (
        await project.query(
          "select column_name from information_schema.columns where table_name = 'star' order by ordinal_position",
        )
      ).map((r) => r['column_name']),
    ).toEqual(['status', 'amount', 'types', 'numeric_count', 'orders_exists', 'nope_missing']);
  });

  it('a failing query names the model and the line; compile says it needs the warehouse', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(
        'on-run-end: ["{% set r = run_query(\'select count(*) from bad_model\') %}"]\n',
      ),
      'models/bad_model.sql':
        "select 1 as id\n-- next line\n{% set r = run_query('select * from no_such_table') %}\n",
    });
    const result = await project.build();
    expect(result.exitCode).toBe(1);
    expect(result.results[0]!.message).toMatch(
      /Compilation error in model bad_model \(models\/bad_model\.sql:3\): query failed: .*no_such_table/,
    );
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      /models\/bad_model\.sql:3: this template queries the warehouse .* run it with build or run/,
    );
  });

  it('runs each query a template makes exactly once, in order, however often it renders', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(
        'on-run-start: ["create or replace table main.audit (n int)"]\n',
      ),
      'models/m.sql': `{%- do run_query('insert into main.audit values (1)') -%}
{%- do run_query('insert into main.audit values (1)') -%}
{%- set n = run_query('select count(*) from main.audit').rows[0][0] if execute else 0 -%}
select {{ n }} as n`,
      'models/clock.sql':
        '{% do run_query("select \'" ~ modules.datetime.datetime.now().isoformat() ~ "\'") %}select 1 as x\n',
    });
    const result = await project.build();
    expect(result.results.find((r) => r.name === 'm')!.status).toBe('success');
    expect(await project.query('select n::int as n from m')).toEqual([{ n: 2 }]);
    expect(await project.query('select count(*)::int as n from main.audit')).toEqual([{ n: 2 }]);
    // A query whose text changes between renders cannot be replayed: an error at its line.
    expect(result.results.find((r) => r.name === 'clock')!.message).toMatch(
      /models\/clock\.sql:1\): query #1 of this template changed between renders/,
    );
  });

  it('hooks query the warehouse too', async ({ makeProject }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(
        `on-run-end:\n  - "{% set r = run_query('select count(*) as n from main.m') %}create or replace table main.hook_saw as select {{ r.columns[0].values()[0] if execute else 0 }} as n"\n`,
      ),
      'models/m.sql':
        "{{ config(materialized='table', post_hook=\"create or replace table main.post_saw as select {{ run_query('select count(*) from ' ~ this).rows[0][0] }} as n\") }}\nselect 1 as id union all select 2\n",
    });
    const result = await project.build();
    expect(result.exitCode, JSON.stringify(result.results)).toBe(0);
    expect(await project.query('select n::int as n from main.post_saw')).toEqual([{ n: 2 }]);
    expect(await project.query('select n::int as n from main.hook_saw')).toEqual([{ n: 2 }]);
  });

  it("relations look like dbt's to packages: test arguments are relations, columns map by name, target.database is the catalog", async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/orders.csv': ORDERS,
      'seeds/orders_copy.csv': ORDERS,
      'macros/checks.sql': `{% macro is_relation(obj) %}{{ return(obj is mapping and obj.get('metadata', {}).get('type', '').endswith('Relation')) }}{% endmacro %}
{% test same_columns(model, compare_model) %}
{%- if not is_relation(compare_model) %}{{ exceptions.raise_compiler_error('not a relation: ' ~ compare_model) }}{% endif -%}
{%- call statement('cols', fetch_result=True) %}select * from {{ compare_model }} limit 1{% endcall -%}
{%- set names = [] -%}
{%- if execute %}{% for name, column in load_result('cols').table.columns.items() %}{% do names.append(name) %}{% endfor %}{% endif -%}
select 1 as failure from (select 1) as t where '{{ names | join(",") }}' != 'id,status,amount' and {{ execute }}
{% endtest %}`,
      'seeds/properties.yml':
        "version: 2\nseeds:\n  - name: orders\n    data_tests:\n      - same_columns:\n          compare_model: ref('orders_copy')\n  - name: ghost\n    data_tests: [not_null]\n",
      'models/where.sql':
        "select '{{ target.database }}' as db, {{ is_relation(ref('orders')) }} as ref_is_relation, {{ is_relation('main.orders') }} as text_is_relation\n",
    });
    const result = await project.build({ dbPath: `${project.dir}/analytics.duckdb` });
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    expect(result.results.find((r) => r.name.startsWith('same_columns'))?.status).toBe('pass');
    expect(
      readFileSync(join(project.dir, 'target/compiled/demo/models/where.sql'), 'utf8'),
    ).toContain("select 'analytics' as db, True as ref_is_relation, False as text_is_relation");
    // Tests of a node that does not exist are a warning, as in dbt, not a failure of the project.
    expect(result.warnings.join('\n')).toMatch(
      /tests declared for unknown seed "ghost" are ignored/,
    );
  });
});
