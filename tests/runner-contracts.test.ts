import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { statuses } from './support/runner-project.js';

const CONTRACT = `version: 2
models:
  - name: orders
    config:
      contract: {enforced: true}
    columns:
      - name: id
        data_type: int
        constraints: [{type: not_null}, {type: primary_key}]
      - name: status
        data_type: text
        constraints: [{type: check, expression: "status in ('open', 'shipped')"}]
      - name: amount
        data_type: numeric
`;

describe('model contracts (contract: {enforced: true})', () => {
  it('build the table with the declared types and constraints, which then hold on every write', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/orders.sql':
        "{{ config(materialized='table') }}\nselect 1::integer as id, 'open' as status, 2.50::decimal(38,2) as amount union all select 2, 'shipped', 1\n",
      'models/orders.yml': CONTRACT,
    });
    // numeric matches DECIMAL(38,2): contracts compare types without precision and scale.
    expect((await project.build()).exitCode).toBe(0);
    expect(
      await project.query(
        "select column_name, data_type, is_nullable from information_schema.columns where table_name = 'orders' order by ordinal_position",
      ),
    ).toEqual([
      { column_name: 'id', data_type: 'INTEGER', is_nullable: 'NO' },
      { column_name: 'status', data_type: 'VARCHAR', is_nullable: 'YES' },
      { column_name: 'amount', data_type: 'DECIMAL(18,3)', is_nullable: 'YES' },
    ]);
    // A duplicate key or a status outside the check fails the build, and the last table stays.
    project.write({
      'models/orders.sql':
        "{{ config(materialized='table') }}\nselect 1::integer as id, 'open' as status, 1::decimal(18,3) as amount union all select 1, 'lost', 2\n",
    });
    const refused = await project.build();
    expect(refused.exitCode).toBe(1);
    expect(refused.results[0]!.message).toMatch(/constraint|Constraint/);
    expect(await project.query('select count(*)::int as n from orders')).toEqual([{ n: 2 }]);
  });

  it('fail a model whose columns differ from the contract, with a table of the differences', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/orders.sql': "select 1::bigint as id, 'open' as state, 1.5 as amount\n",
      'models/orders.yml': CONTRACT,
    });
    const result = await project.build();
    expect(result.exitCode).toBe(1);
    const message = result.results.find((r) => r.name === 'orders')!.message!;
    expect(message).toContain('model "orders" has an enforced contract that failed');
    expect(message).toMatch(/\| id +\| BIGINT +\| INTEGER +\| data type mismatch +\|/);
    expect(message).toMatch(/\| status +\| +\| VARCHAR +\| missing in definition +\|/);
    expect(message).toMatch(/\| state +\| VARCHAR +\| +\| missing in contract +\|/);
    expect(statuses(result)).toEqual({ orders: 'error' });
  });

  it('report a contract without data types, or on an ephemeral model, before anything runs', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'models/a.sql': 'select 1 as id\n',
      'models/b.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as id\n",
      'models/props.yml': `version: 2
models:
  - name: a
    config: {contract: {enforced: true}}
    columns: [{name: id}]
  - name: b
    config: {contract: {enforced: true}}
    columns: [{name: id, data_type: int}]
`,
    });
    await expect(project.build()).rejects.toThrow(
      /models\/a\.sql: model "a": contract enforced, but column\(s\) id have no data_type[\s\S]*models\/b\.sql: model "b": contract enforced, but an ephemeral model has no table/,
    );
  });
});
