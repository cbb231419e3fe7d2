import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { statuses } from './support/runner-project.js';

const PROJECT = {
  'seeds/orders.csv': 'id,customer_id,amount,ordered_at\n1,10,5.50,2024-01-01\n',
  'seeds/customers.csv': 'id,name\n10,Ada\n',
  'models/customer_totals.sql': `select c.id as customer_id, c.name, count(o.id) as orders, coalesce(sum(o.amount), 0) as total
from {{ ref('customers') }} as c
left join {{ ref('orders') }} as o on o.customer_id = c.id
where c.id > {{ var('min_customer', 0) }}
group by all
`,
};

const UNIT_TESTS = `unit_tests:
  - name: totals_per_customer
    model: customer_totals
    given:
      - input: ref('orders')
        rows:
          - {id: 1, customer_id: 1, amount: 2.25}
          - {id: 2, customer_id: 1, amount: 1.00}
      - input: ref('customers')
        format: csv
        rows: |
          id,name
          1,Ada
          2,Grace
    expect:
      rows:
        - {customer_id: 2, orders: 0, total: 0}
        - {customer_id: 1, orders: 2, total: 3.25}
`;

describe('unit tests (unit_tests: in properties YAML)', () => {
  it('run the model on given rows, typed as the inputs, and pass when the expected rows come out; then the model builds', async ({
    makeProject,
  }) => {
    const project = makeProject({ ...PROJECT, 'models/unit.yml': UNIT_TESTS });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    const names = result.results.map((r) => r.name);
    // After the seeds it reads (so their column types are known), before the model it tests.
    expect(names.indexOf('totals_per_customer')).toBeGreaterThan(names.indexOf('orders'));
    expect(names.indexOf('totals_per_customer')).toBeLessThan(names.indexOf('customer_totals'));
    expect(statuses(result)['totals_per_customer']).toBe('pass');
    // The warehouse's own rows played no part: only the given ones.
    const compiled = readFileSync(
      join(project.dir, 'target/compiled/demo/models/unit.yml/totals_per_customer.sql'),
      'utf8',
    );
    expect(compiled).toContain("cast('Grace' as VARCHAR)");
    expect(compiled).not.toContain('"main"."orders"');
    const manifest = JSON.parse(readFileSync(join(project.dir, 'target/manifest.json'), 'utf8'));
    expect(Object.keys(manifest.unit_tests)).toEqual([
      'unit_test.demo.customer_totals.totals_per_customer',
    ]);
  });

  it('fail with the differing rows, and the model they test is skipped in build', async ({
    makeProject,
  }) => {
    const project = makeProject({
      ...PROJECT,
      'models/unit.yml': UNIT_TESTS.replace(
        '{customer_id: 1, orders: 2, total: 3.25}',
        '{customer_id: 1, orders: 2, total: 9.99}',
      ),
    });
    const result = await project.build();
    expect(result.exitCode).toBe(1);
    const unit = result.results.find((r) => r.name === 'totals_per_customer')!;
    expect(unit.status).toBe('fail');
    expect(unit.message).toContain('2 row(s) differ');
    expect(unit.message).toMatch(/\+ customer_id=1, orders=2, total=3\.25/);
    expect(unit.message).toMatch(/- customer_id=1, orders=2, total=9\.99/);
    expect(statuses(result)['customer_totals']).toBe('skipped');
    // npm run dbt -- test runs unit tests too.
    const tested = await project.build({}, 'test');
    expect(statuses(tested)).toEqual({ totals_per_customer: 'fail' });
  });

  it('overrides vars and is_incremental, and reads given rows for this', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/events.csv': 'id,seen_at\n1,2024-01-01\n',
      'models/new_events.sql': `{{ config(materialized='incremental', unique_key='id') }}
select id, seen_at from {{ ref('events') }}
{% if is_incremental() %}where seen_at > (select max(seen_at) from {{ this }}) and id > {{ var('floor') }}{% endif %}
`,
      'models/unit.yml': `unit_tests:
  - name: only_new_rows
    model: new_events
    overrides:
      macros: {is_incremental: true, current_timestamp: "'2020-01-01'"}
      vars: {floor: 2}
    given:
      - input: ref('events')
        rows: [{id: 1, seen_at: 2024-01-01}, {id: 2, seen_at: 2024-01-03}, {id: 3, seen_at: 2024-01-04}]
      - input: this
        rows: [{id: 1, seen_at: 2024-01-02}]
    expect:
      rows: [{id: 3}]
`,
    });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    expect(statuses(result)['only_new_rows']).toBe('pass');
  });

  it('expect no rows (checked on every column), and refuse given rows that name a column the input lacks', async ({
    makeProject,
  }) => {
    const project = makeProject({
      ...PROJECT,
      'models/unit.yml': `unit_tests:
  - name: nobody
    model: customer_totals
    given:
      - input: ref('orders')
        rows: []
      - input: ref('customers')
        rows: []
    expect:
      rows: []
  - name: typo
    model: customer_totals
    given:
      - input: ref('orders')
        rows: [{id: 1, customer_idd: 1}]
      - input: ref('customers')
        rows: []
    expect:
      rows: []
`,
    });
    const result = await project.build();
    expect(statuses(result)['nobody']).toBe('pass');
    expect(result.results.find((r) => r.name === 'typo')!.message).toContain(
      'unit test "typo": the rows given for orders name column(s) customer_idd, which it does not have (it has id, customer_id, amount, ordered_at)',
    );
  });

  it('override macros everywhere they are called: from the model, from other macros, qualified or not', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/events.csv': 'id\n1\n',
      'macros/clock.sql': `{% macro run_day() %}current_date{% endmacro %}
{% macro stamped(column) %}{{ column }} || '@' || cast({{ run_day() }} as varchar){% endmacro %}`,
      'models/stamped.sql':
        "select id, {{ stamped('cast(id as varchar)') }} as tag, {{ dbt.current_timestamp() }} as at from {{ ref('events') }}\n",
      'models/unit.yml': `unit_tests:
  - name: fixed_clock
    model: stamped
    overrides:
      macros:
        run_day: "date '2020-01-02'"
        dbt.current_timestamp: "timestamp '2020-01-02 03:04:05'"
    given:
      - input: ref('events')
        rows: [{id: 7}]
    expect:
      rows: [{id: 7, tag: '7@2020-01-02', at: '2020-01-02 03:04:05'}]
`,
    });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    expect(statuses(result)['fixed_clock']).toBe('pass');
    // Outside the unit test the macros are themselves again.
    expect(
      await project.query("select tag like '1@20%' and tag <> '1@2020-01-02' as real from stamped"),
    ).toEqual([{ real: true }]);
  });

  it('run before their model even when a test of an input also reads that model', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/parent.sql': 'select 1 as id\n',
      'models/child.sql': "select id from {{ ref('parent') }}\n",
      'models/report.sql': "select count(*) as n from {{ ref('child') }}\n",
      'models/props.yml': `version: 2
models:
  - name: parent
    columns:
      - name: id
        data_tests:
          - relationships: {to: "ref('child')", field: id}
unit_tests:
  - name: child_copies
    model: child
    given:
      - input: ref('parent')
        rows: [{id: 5}]
    expect:
      rows: [{id: 5}]
`,
    });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    const order = result.results.map((r) => r.name);
    expect(order.indexOf('child_copies')).toBeLessThan(order.indexOf('child'));
    expect(order.indexOf('child')).toBeLessThan(order.indexOf('report'));
  });

  it('refuse a source input that does not exist yet, saying so', async ({ makeProject }) => {
    const project = makeProject({
      'models/sources.yml':
        'version: 2\nsources:\n  - name: ecom\n    schema: raw\n    tables:\n      - name: stores\n',
      'models/stg.sql': "select id from {{ source('ecom', 'stores') }}\n",
      'models/unit.yml':
        "unit_tests:\n  - name: copies\n    model: stg\n    given:\n      - input: source('ecom', 'stores')\n        rows: [{id: 1}]\n    expect:\n      rows: [{id: 1}]\n",
    });
    const result = await project.build();
    expect(result.results.find((r) => r.name === 'copies')!.message).toContain(
      'unit test "copies": the source ecom.stores ("raw"."stores") does not exist in the warehouse',
    );
  });

  it('read rows from fixture files under tests/fixtures (csv and sql), and name a missing one', async ({
    makeProject,
  }) => {
    const project = makeProject({
      ...PROJECT,
      'tests/fixtures/few_orders.csv': 'id,customer_id,amount\n1,1,2.25\n2,1,1.00\n',
      'tests/fixtures/sub/two_customers.sql':
        "select 1 as id, 'Ada' as name union all select 2, 'Grace'\n",
      'models/unit.yml': `unit_tests:
  - name: from_files
    model: customer_totals
    given:
      - input: ref('orders')
        format: csv
        fixture: few_orders
      - input: ref('customers')
        format: sql
        fixture: two_customers
    expect:
      rows:
        - {customer_id: 1, orders: 2, total: 3.25}
        - {customer_id: 2, orders: 0, total: 0}
`,
    });
    const result = await project.build();
    expect(result.exitCode, result.results.map((r) => r.message).join('\n')).toBe(0);
    expect(statuses(result)['from_files']).toBe('pass');
    project.write({
      'models/unit.yml': UNIT_TESTS.replace(
        'format: csv\n        rows: |\n          id,name\n          1,Ada\n          2,Grace\n',
        'format: csv\n        fixture: nowhere\n',
      ),
    });
    await expect(project.build()).rejects.toThrow(
      /no fixture file nowhere\.csv under the test paths' fixtures\/ folders/,
    );
  });

  it('report an unknown model, an input the model does not read, a missing input and bad rows, with file and line', async ({
    makeProject,
  }) => {
    const project = makeProject({
      ...PROJECT,
      'models/unit.yml': `unit_tests:
  - name: no_model
    model: customer_total
    given: []
    expect: {rows: []}
  - name: missing_input
    model: customer_totals
    given:
      - input: ref('orders')
        rows: []
    expect: {rows: []}
  - name: bad_rows
    model: customer_totals
    given:
      - input: ref('orders')
        rows: not a list
    expect: {rows: []}
`,
    });
    const message = await project.build().then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).toContain(
      'models/unit.yml:2: unit test "no_model" tests unknown model "customer_total". Did you mean "customer_totals"?',
    );
    expect(message).toContain(
      'models/unit.yml:6: unit test "missing_input": model "customer_totals" also reads customers; give rows for every input',
    );
    expect(message).toContain(
      `models/unit.yml:15: unit test "bad_rows", input ref('orders'): rows must be a list of mappings`,
    );
  });
});
