import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { compileProject, listNodes } from '../src/engine/runner/compile-project.js';
import { projectYml, statuses, type TestProject } from './support/runner-project.js';

afterEach(() => {
  delete process.env['RUNNER_TEST_SCHEMA'];
});

function compiled(project: TestProject, name: string): string {
  const nodes = compileProject({ projectDir: project.dir, write: false });
  return nodes.find((n) => n.name === name)!.sql.trim();
}

describe('templating', () => {
  it('var(): --vars override project vars, which override the default', ({ makeProject }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('vars:\n  a: from_project\n  b: from_project\n'),
      'models/m.sql':
        "select '{{ var('a') }}' as a, '{{ var('b') }}' as b, '{{ var('c', 'default') }}' as c\n",
    });
    expect(compiled(project, 'm')).toBe(
      "select 'from_project' as a, 'from_project' as b, 'default' as c",
    );
    const nodes = compileProject({
      projectDir: project.dir,
      vars: { b: 'from_cli', c: 3 },
      write: false,
    });
    expect(nodes[0]!.sql.trim()).toBe("select 'from_project' as a, 'from_cli' as b, '3' as c");
  });

  it('var(): vars scoped to the project (vars: {<project>: {...}}) apply, as in dbt', ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('vars:\n  a: global\n  demo:\n    a: scoped\n    b: 2\n'),
      'models/m.sql': "select '{{ var('a') }}' as a, {{ var('b') }} as b\n",
    });
    expect(compiled(project, 'm')).toBe("select 'scoped' as a, 2 as b");
    const nodes = compileProject({ projectDir: project.dir, vars: { b: 3 }, write: false });
    expect(nodes[0]!.sql.trim()).toBe("select 'scoped' as a, 3 as b");
  });

  it('env_var() reads the environment, falls back to the default, and names a missing variable', ({
    makeProject,
  }) => {
    process.env['RUNNER_TEST_SCHEMA'] = 'xyz';
    const project = makeProject({
      'models/m.sql':
        "select '{{ env_var('RUNNER_TEST_SCHEMA') }}' as s, '{{ env_var('RUNNER_TEST_NOPE', 'd') }}' as d\n",
    });
    expect(compiled(project, 'm')).toBe("select 'xyz' as s, 'd' as d");
    project.write({ 'models/n.sql': "select '{{ env_var('RUNNER_TEST_NOPE') }}' as s\n" });
    expect(() => compileProject({ projectDir: project!.dir, write: false })).toThrow(
      /models\/n\.sql:1: Environment variable "RUNNER_TEST_NOPE" is not set/,
    );
  });

  it('sources render schema and identifier; this, target and config.get are available', ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/sources.yml':
        'version: 2\nsources:\n  - name: landing\n    schema: raw\n    tables:\n      - name: messages\n        identifier: raw_messages\n',
      'models/m.sql':
        "{{ config(materialized='table', unique_key='id') }}\n{% do log('hello') %}select * from {{ source('landing', 'messages') }} -- {{ this }} {{ target.schema }} {{ config.get('unique_key') }} {{ this.name }}\n",
    });
    expect(compiled(project, 'm')).toBe(
      'select * from "raw"."raw_messages" -- "main"."m" main id m',
    );
  });

  it('macros call each other across files, use return(), and see the caller context', ({
    makeProject,
  }) => {
    const project = makeProject({
      'macros/a.sql':
        '{% macro cols(n) %}{% set out = [] %}{% for i in range(n) %}{% do out.append("c" ~ i) %}{% endfor %}{{ return(out) }}{% endmacro %}\n',
      'macros/b.sql':
        "{% macro select_cols(n) %}{{ cols(n) | join(', ') }} from {{ this }}{% endmacro %}\n",
      'models/m.sql': 'select {{ select_cols(3) }}\n',
    });
    expect(compiled(project, 'm')).toBe('select c0, c1, c2 from "main"."m"');
  });

  it('an error inside a macro names the calling file and line, and the macro with its file', ({
    makeProject,
  }) => {
    const project = makeProject({
      'macros/helpers.sql': '{% macro ok() %}1{% endmacro %}\n',
      'macros/boom.sql':
        "-- raises when asked\n{% macro boom(x) %}\n{{ exceptions.raise_compiler_error('bad value ' ~ x) if x > 1 else x }}\n{% endmacro %}\n",
      'models/m.sql': 'select {{ ok() }}\n, {{ boom(1) }}\n, {{ boom(2) }}\n',
    });
    expect(() => compileProject({ projectDir: project!.dir, write: false })).toThrow(
      'models/m.sql:3: bad value 2 (in macro boom, macros/boom.sql:2)',
    );
  });

  it('a compiler error raised in a model names the file and line', ({ makeProject }) => {
    const project = makeProject({
      'models/m.sql':
        "select 1\n{% if var('mode', 'x') == 'x' %}\n{{ exceptions.raise_compiler_error('mode x is not supported') }}\n{% endif %}\n",
    });
    expect(() => compileProject({ projectDir: project!.dir, write: false })).toThrow(
      'models/m.sql:3: mode x is not supported',
    );
  });
});

describe('data tests', () => {
  it('uniq_equals_total on a column and on a column list counts total − distinct', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/events.sql':
        "select * from (values (1, 'a', 1), (1, 'a', 2), (1, 'b', 3), (2, 'c', 4)) as t(id, k, seq)\n",
      'models/events.yml': `version: 2
models:
  - name: events
    data_tests:
      - uniq_equals_total: {columns: [id, k]}
      - uniq_equals_total:
          columns: [id, k, seq]
    columns:
      - name: id
        data_tests:
          - uniq_equals_total
`,
    });
    const result = await project.build();
    const byName = Object.fromEntries(result.results.map((r) => [r.name, r]));
    expect(byName['uniq_equals_total_events_id']!.failures).toBe(2);
    expect(byName['uniq_equals_total_events_id__k']!.failures).toBe(1);
    expect(byName['uniq_equals_total_events_id__k__seq']!.status).toBe('pass');
    expect(result.exitCode).toBe(1);
  });

  it('dbt_utils.unique_combination_of_columns works unchanged: one failure per duplicated combination', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/events.sql':
        "select * from (values (1, 'a'), (1, 'a'), (1, 'a'), (1, 'b'), (2, 'b'), (2, 'b')) as t(id, \"Kind\")\n",
      'models/events.yml': `version: 2
models:
  - name: events
    data_tests:
      - dbt_utils.unique_combination_of_columns:
          combination_of_columns: [id, Kind]
          quote_columns: true
      - dbt_utils.unique_combination_of_columns:
          name: id_is_unique
          combination_of_columns: [id]
          config: {where: "id = 2"}
`,
    });
    const result = await project.build();
    const byName = Object.fromEntries(result.results.map((r) => [r.name, r]));
    expect(byName['dbt_utils_unique_combination_of_columns_events_id__Kind__True']).toMatchObject({
      status: 'fail',
      failures: 2,
    });
    expect(byName['id_is_unique']).toMatchObject({ status: 'fail', failures: 1 });
  });

  it('supports where, a custom name, relationships, and user-defined generic tests with arguments', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'tests/generic/at_least.sql':
        '{% test at_least(model, column_name, minimum=0) %}\nselect * from {{ model }} where {{ column_name }} < {{ minimum }}\n{% endtest %}\n',
      'models/parents.sql': 'select 1 as id\n',
      'models/kids.sql':
        'select * from (values (1, 1, 5), (2, 9, 7), (3, null, 1)) as t(id, parent_id, n)\n',
      'models/kids.yml': `version: 2
models:
  - name: kids
    columns:
      - name: parent_id
        tests:
          - relationships:
              to: ref('parents')
              field: id
              config: {where: "id <> 2"}
      - name: n
        tests:
          - at_least:
              name: n_is_big_enough
              minimum: 2
              severity: warn
          - not_null:
              where: "n > 100"
`,
    });
    const result = await project.build();
    expect(statuses(result)).toMatchObject({
      relationships_kids_parent_id__id__ref_parents_: 'pass',
      n_is_big_enough: 'warn',
      not_null_kids_n: 'pass',
    });
    expect(result.results.find((r) => r.name === 'n_is_big_enough')!.failures).toBe(1);
    expect(result.exitCode).toBe(0);
  });

  it('data_tests: config in dbt_project.yml (+severity) applies to the project and per folder', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml(`
data_tests:
  +severity: warn
  demo:
    strict:
      +severity: error
`),
      'models/loose/a.sql': 'select 1 as id union all select 1\n',
      'models/loose/a.yml':
        'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n',
      'models/strict/b.sql': 'select 1 as id union all select 1\n',
      'models/strict/b.yml':
        'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        data_tests: [unique]\n',
      'tests/a_is_empty.sql': "select * from {{ ref('a') }}\n",
    });
    const result = await project.build();
    expect(statuses(result)).toMatchObject({
      unique_a_id: 'warn',
      a_is_empty: 'warn',
      unique_b_id: 'fail',
    });
    expect(result.exitCode).toBe(1);
  });

  it('tests on an ephemeral model (and relationships to one) read its CTE; a failure skips its dependants', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/keys.sql':
        "{{ config(materialized='ephemeral') }}\nselect * from (values (1), (2), (2)) as t(id)\n",
      'models/parents.sql':
        "{{ config(materialized='ephemeral') }}\nselect * from (values (1), (2)) as t(id)\n",
      'models/kids.sql': "select id as parent_id from {{ ref('keys') }}\n",
      'models/props.yml': `version: 2
models:
  - name: keys
    columns:
      - name: id
        data_tests:
          - not_null
          - unique: {where: "id <> 2"}
          - accepted_values: {values: [1, 2], quote: false}
  - name: parents
    columns:
      - name: id
        data_tests: [unique]
  - name: kids
    columns:
      - name: parent_id
        data_tests:
          - relationships: {to: ref('parents'), field: id}
`,
      'tests/keys_has_three_rows.sql':
        "select count(*) as n from {{ ref('keys') }} having count(*) <> 3\n",
    });
    const passing = await project.build();
    expect(passing.exitCode).toBe(0);
    expect(new Set(passing.results.map((r) => r.status))).toEqual(new Set(['success', 'pass']));
    expect(passing.results).toHaveLength(7);
    expect(passing.results.at(-1)!.name).toBe('relationships_kids_parent_id__id__ref_parents_');
    project.write({
      'models/props.yml': `version: 2
models:
  - name: keys
    columns:
      - name: id
        data_tests: [unique]
`,
    });
    const failing = await project.build();
    expect(statuses(failing)).toEqual({
      keys_has_three_rows: 'pass',
      unique_keys_id: 'fail',
      kids: 'skipped',
    });
    expect(failing.results.find((r) => r.name === 'kids')!.message).toBe(
      'skipped: test unique_keys_id on upstream keys failed',
    );
  });

  it('singular tests fail when rows come back and take severity from config()', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/m.sql': 'select 1 as id\n',
      'tests/no_ones.sql': "select * from {{ ref('m') }} where id = 1\n",
      'tests/warn_only.sql': "{{ config(severity='warn') }}\nselect * from {{ ref('m') }}\n",
      'tests/fixtures/ignored.sql': 'this is not sql',
    });
    const result = await project.build();
    expect(statuses(result)).toEqual({ m: 'success', no_ones: 'fail', warn_only: 'warn' });
    const compiledTest = readFileSync(
      join(project.dir, 'target/compiled/demo/tests/no_ones.sql'),
      'utf8',
    );
    expect(compiledTest).toContain('"main"."m"');
  });
});

describe('generate_schema_name and generate_alias_name', () => {
  it('receive the node, as in dbt: a seed can be placed by its resource_type, a model aliased by its name', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('seeds:\n  demo:\n    +schema: raw\n'),
      'macros/names.sql': `{% macro generate_schema_name(custom_schema_name, node) -%}
{%- if node.resource_type == 'seed' -%}{{ custom_schema_name | trim }}
{%- elif custom_schema_name is none -%}{{ target.schema }}
{%- else -%}{{ target.schema }}_{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
{% macro generate_alias_name(custom_alias_name, node) -%}
{%- if node.resource_type == 'model' -%}v_{{ node.name }}{%- else -%}{{ custom_alias_name or node.name }}{%- endif -%}
{%- endmacro %}`,
      'seeds/customers.csv': 'id\n1\n2\n',
      'models/stg.sql': "select count(*) as n from {{ ref('customers') }}\n",
    });
    const result = await project.build();
    expect(result.exitCode).toBe(0);
    expect(await project.query('select n from main.v_stg')).toEqual(
      [{ n: 2n }].map((r) => ({ n: String(r.n) })),
    );
    expect(await project.query('select count(*) as c from raw.customers')).toEqual([{ c: '2' }]);
  });
});

describe('templated values in dbt_project.yml', () => {
  const yml = projectYml(`seeds:
  demo:
    +enabled: "{{ var('load_source_data', false) }}"
models:
  demo:
    +materialized: "{{ 'table' if var('as_tables', false) else 'view' }}"
    +schema: "{{ env_var('RUNNER_TEST_SCHEMA', 'main') }}"
    +post-hook: "select '{{ this }}' as hook_target"
vars:
  load_source_data: true
`);

  it('render as dbt renders them: natively, seeing only --vars and the environment', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': yml,
      'seeds/customers.csv': 'id\n1\n2\n',
      'models/m.sql': 'select 1 as id\n',
    });
    // The project's own `vars:` do not reach dbt_project.yml, so the seed stays disabled, and a
    // rendered `false` is a boolean, not the truthy text "False".
    const first = await project.build();
    expect(first.exitCode).toBe(0);
    expect(statuses(first)).toEqual({ m: 'success' });
    expect(
      await project.query(
        "select table_type from information_schema.tables where table_name = 'm'",
      ),
    ).toEqual([{ table_type: 'VIEW' }]);
    const second = await project.build({ vars: { load_source_data: true, as_tables: true } });
    expect(statuses(second)).toEqual({ customers: 'success', m: 'success' });
    expect(
      await project.query(
        "select table_type from information_schema.tables where table_name = 'm'",
      ),
    ).toEqual([{ table_type: 'BASE TABLE' }]);
  });

  it('leaves model hooks to run time, where this is known, and names the key of a failing value', async ({
    makeProject,
  }) => {
    process.env['RUNNER_TEST_SCHEMA'] = 'custom';
    const project = makeProject({ 'dbt_project.yml': yml, 'models/m.sql': 'select 1 as id\n' });
    const result = await project.build();
    expect(result.exitCode).toBe(0);
    expect(
      await project.query(
        "select table_schema from information_schema.tables where table_name = 'm'",
      ),
    ).toEqual([{ table_schema: 'main_custom' }]);
    project.write({
      'dbt_project.yml': projectYml(
        `models:\n  demo:\n    +materialized: "{{ var('required_one') }}"\n`,
      ),
    });
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      /dbt_project\.yml:4: models\.demo\.\+materialized: Required var "required_one" is not set/,
    );
  });
});

describe('generic test arguments', () => {
  it('are rendered as dbt renders them: Jinja in a string to its text, a lone expression to its value, inside lists too', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'macros/tomorrow.sql': '{% macro tomorrow(column) %}({{ column }} + 1){% endmacro %}',
      'models/m.sql': 'select 1 as d, 2 as next_d\n',
      'models/m.yml': `version: 2
models:
  - name: m
    data_tests:
      - expression_holds:
          arguments:
            expression: "next_d = {{ tomorrow('d') }}"
            limit_to: "{{ [1, 2] }}"
            names: [a, "{{ 'b' ~ 'c' }}"]
`,
      'tests/generic/expression_holds.sql': `{% test expression_holds(model, expression, limit_to, names) %}
select * from {{ model }} where not ({{ expression }}) or {{ limit_to | length }} != 2 -- {{ names | join(',') }}
{% endtest %}`,
    });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    expect(statuses(result)).toMatchObject({ m: 'success' });
    const test = result.results.find((r) => r.resourceType === 'test')!;
    expect(test.status).toBe('pass');
    expect(readFileSync(join(project.dir, test.compiledPath!), 'utf8')).toContain(
      'where not (next_d = (d + 1)) or 2 != 2 -- a,bc',
    );
  });
});

describe('analyses', () => {
  it('are compiled by compile, with refs resolved, and never run; an error names the file and line', ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/orders.sql': 'select 1 as id\n',
      'analyses/order_count.sql': "select count(*) from {{ ref('orders') }}\n",
      'models/recent.sql':
        "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('orders') }}\n",
      'analyses/recent_count.sql': "select count(*) from {{ ref('recent') }}\n",
    });
    const compiledNodes = compileProject({ projectDir: project.dir });
    const analysis = compiledNodes.find((n) => n.uniqueId === 'analysis.demo.order_count')!;
    expect(analysis.sql).toBe('select count(*) from "main"."orders"');
    // An ephemeral model an analysis reads is inlined, as in a model.
    expect(compiledNodes.find((n) => n.name === 'recent_count')!.sql).toBe(
      'with __dbt__cte__recent as (\n\nselect * from "main"."orders"\n)\nselect count(*) from __dbt__cte__recent',
    );
    expect(
      readFileSync(join(project.dir, 'target/compiled/demo/analyses/order_count.sql'), 'utf8'),
    ).toContain('"main"."orders"');
    project.write({ 'analyses/broken.sql': "select 1\n{{ ref('nope') }}\n" });
    expect(() => compileProject({ projectDir: project.dir, write: false })).toThrow(
      /analyses\/broken\.sql:2: ref\('nope'\): no such model or seed/,
    );
  });
});

describe('sources', () => {
  it('without schema: live in the schema named after the source, as in dbt', ({ makeProject }) => {
    const project = makeProject({
      'models/sources.yml':
        'version: 2\nsources:\n  - name: stripe\n    tables:\n      - name: payments\n',
      'models/m.sql': "select * from {{ source('stripe', 'payments') }}\n",
    });
    expect(compiled(project, 'm')).toBe('select * from "stripe"."payments"');
  });
});

describe('generic test names', () => {
  it("are dbt's: source_ for a source's, arguments sorted by name, whole however long", async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/sources.yml': `version: 2
sources:
  - name: landing
    schema: main
    tables:
      - name: raw
        columns:
          - name: id
            data_tests: [unique]
`,
      'models/raw_copy.sql': "select * from {{ source('landing', 'raw') }}\n",
      'models/raw_copy.yml': `version: 2
models:
  - name: raw_copy
    columns:
      - name: id
        data_tests:
          - accepted_values: {values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], quote: false}
          - relationships: {to: "ref('raw_copy')", field: id}
`,
    });
    project.write({ 'seeds/raw.csv': 'id\n1\n' });
    const nodes = compileProject({ projectDir: project.dir, write: false });
    const names = nodes.map((n) => n.name).filter((n) => n !== 'raw_copy');
    // The column is an argument like the others (`column_name`), sorted with them.
    const full = 'accepted_values_raw_copy_id__False__1__2__3__4__5__6__7__8__9__10__11__12';
    expect(names.sort()).toEqual(
      ['source_unique_landing_raw_id', 'relationships_raw_copy_id__id__ref_raw_copy_', full].sort(),
    );
  });

  it("have dbt's unique_id, with the md5 suffix dbt computes from the name and the test's metadata", ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/customers.sql': 'select 1 as customer_id\n',
      'models/customers.yml':
        'version: 2\nmodels:\n  - name: customers\n    columns:\n      - name: customer_id\n        data_tests: [unique, not_null]\n',
    });
    const ids = listNodes({ projectDir: project.dir }).map((node) => node.uniqueId);
    // The ids dbt gives these two tests in its jaffle_shop example.
    expect(ids).toContain('test.demo.unique_customers_customer_id.c5af1ff4b1');
    expect(ids).toContain('test.demo.not_null_customers_customer_id.5c9bf9911d');
  });
});
