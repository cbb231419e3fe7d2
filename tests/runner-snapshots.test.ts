import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { it } from './support/fixtures.js';
import { projectYml, statuses, type TestProject } from './support/runner-project.js';

const TIMESTAMP_SNAPSHOT = `{% snapshot orders_snapshot %}
{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at', invalidate_hard_deletes=True) }}
select * from {{ ref('orders') }}
{% endsnapshot %}
`;

function history(
  project: TestProject,
  relation: string,
  extra = '',
): Promise<Record<string, unknown>[]> {
  return project.query(
    `select id::int as id, status${extra}, dbt_valid_from::varchar as valid_from, dbt_valid_to::varchar as valid_to from ${relation} order by id, dbt_valid_from`,
  );
}

describe('snapshots', () => {
  it('timestamp strategy: versions by updated_at, new keys inserted, hard deletes invalidated, ids as dbt makes them', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/orders.csv':
        'id,status,updated_at\n1,new,2024-01-01 00:00:00\n2,new,2024-01-01 00:00:00\n',
      'snapshots/orders_snapshot.sql': TIMESTAMP_SNAPSHOT,
      'models/current_orders.sql':
        "select id, status from {{ ref('orders_snapshot') }} where dbt_valid_to is null\n",
      'snapshots/properties.yml':
        'version: 2\nsnapshots:\n  - name: orders_snapshot\n    columns:\n      - name: dbt_scd_id\n        tests: [unique, not_null]\n',
    });
    const first = await project.build();
    expect(first.exitCode).toBe(0);
    // The snapshot runs after the seed it reads and before the model that reads it.
    expect(first.results.map((r) => r.name).slice(0, 2)).toEqual(['orders', 'orders_snapshot']);
    expect(first.results.map((r) => r.name).indexOf('current_orders')).toBeGreaterThan(1);
    // dbt_scd_id is md5('<key>|<updated_at>'), so the same versions get the same ids as in dbt.
    expect(
      await project.query('select dbt_scd_id from snapshots.orders_snapshot where id = 1'),
    ).toEqual([{ dbt_scd_id: '8bd6037542377309505ab720e545f24e' }]);

    project.write({
      'seeds/orders.csv':
        'id,status,updated_at\n1,shipped,2024-01-02 00:00:00\n3,new,2024-01-02 00:00:00\n',
    });
    const second = await project.build();
    expect(second.exitCode).toBe(0);
    expect(statuses(second)).toMatchObject({ orders_snapshot: 'success' });
    const rows = await history(project, 'snapshots.orders_snapshot');
    expect(rows.map(({ valid_to, ...rest }) => ({ ...rest, closed: valid_to !== null }))).toEqual([
      { id: 1, status: 'new', valid_from: '2024-01-01 00:00:00', closed: true },
      { id: 1, status: 'shipped', valid_from: '2024-01-02 00:00:00', closed: false },
      { id: 2, status: 'new', valid_from: '2024-01-01 00:00:00', closed: true },
      { id: 3, status: 'new', valid_from: '2024-01-02 00:00:00', closed: false },
    ]);
    // A changed row is closed at its new version's updated_at.
    expect(rows[0]!['valid_to']).toBe('2024-01-02 00:00:00');
    expect(
      await project.query('select id::int as id, status from current_orders order by id'),
    ).toEqual([
      { id: 1, status: 'shipped' },
      { id: 3, status: 'new' },
    ]);

    // Nothing new: a third build writes nothing; --full-refresh does not rebuild a snapshot.
    const third = await project.build({ fullRefresh: true });
    expect(third.results.find((r) => r.name === 'orders_snapshot')!.message).toBe(
      'SNAPSHOT 0 new, 0 closed',
    );
    expect(await history(project, 'snapshots.orders_snapshot')).toEqual(rows);
  });

  it('check strategy over three builds: a change in a checked column makes a version, others do not, a value may come back; new query columns are added', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/customers.csv': 'id,status,note\n1,active,a\n2,active,b\n',
      'snapshots/customers.sql': `{% snapshot customers_snapshot %}
{{ config(unique_key='id', strategy='check', check_cols=['status']) }}
select * from {{ ref('customers') }}
{% endsnapshot %}
{% snapshot customers_all %}
{{ config(unique_key='id', strategy='check', check_cols='all') }}
select * from {{ ref('customers') }}
{% endsnapshot %}
`,
    });
    expect((await project.build()).exitCode).toBe(0);
    project.write({
      'seeds/customers.csv': 'id,status,note,tier\n1,active,changed,gold\n2,closed,b,silver\n',
    });
    expect((await project.build()).exitCode).toBe(0);
    const checked = await project.query(
      'select id::int as id, status, note, tier, dbt_valid_to is null as current from main.customers_snapshot order by id, dbt_valid_from',
    );
    expect(checked).toEqual([
      { id: 1, status: 'active', note: 'a', tier: null, current: true },
      { id: 2, status: 'active', note: 'b', tier: null, current: false },
      { id: 2, status: 'closed', note: 'b', tier: 'silver', current: true },
    ]);
    const all = await project.query(
      'select id::int as id, count(*)::int as versions from main.customers_all group by id order by id',
    );
    expect(all).toEqual([
      { id: 1, versions: 2 },
      { id: 2, versions: 2 },
    ]);
    // With the check strategy, versions are timed by the snapshot's own clock, the same for all.
    const times = await project.query(
      'select count(distinct dbt_valid_from)::int as n from main.customers_snapshot where dbt_valid_to is null and id = 2',
    );
    expect(times).toEqual([{ n: 1 }]);
    // Two snapshots of one file each have their compiled SQL.
    for (const name of ['customers_snapshot', 'customers_all']) {
      const compiled = join(
        project.dir,
        `target/compiled/demo/snapshots/customers.sql/${name}.sql`,
      );
      expect(readFileSync(compiled, 'utf8')).toContain('from "main"."customers"');
    }
    // A third build: a key changes back to a value it had; nothing else changed, nothing else moves.
    project.write({
      'seeds/customers.csv': 'id,status,note,tier\n1,active,changed,gold\n2,active,b,silver\n',
    });
    expect((await project.build()).exitCode).toBe(0);
    expect(
      await project.query(
        'select id::int as id, status, dbt_valid_to is null as current from main.customers_snapshot order by id, dbt_valid_from',
      ),
    ).toEqual([
      { id: 1, status: 'active', current: true },
      { id: 2, status: 'active', current: false },
      { id: 2, status: 'closed', current: false },
      { id: 2, status: 'active', current: true },
    ]);
    const ids = await project.query(
      'select count(*)::int as n, count(distinct dbt_scd_id)::int as ids from main.customers_snapshot',
    );
    expect(ids).toEqual([{ n: 4, ids: 4 }]);
  });

  it('YAML snapshots (dbt 1.9): relation:, schema through generate_schema_name, hard_deletes new_record, dbt_valid_to_current', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'dbt_project.yml': projectYml('snapshots:\n  demo:\n    +schema: history\n'),
      'seeds/items.csv': 'id,status,updated_at\n1,a,2024-01-01\n2,a,2024-01-01\n',
      'snapshots/items.yml': `snapshots:
  - name: items_snapshot
    relation: ref('items')
    config:
      unique_key: id
      strategy: timestamp
      updated_at: updated_at
      hard_deletes: new_record
      dbt_valid_to_current: "date '9999-12-31'"
`,
    });
    expect((await project.build()).exitCode).toBe(0);
    project.write({ 'seeds/items.csv': 'id,status,updated_at\n1,a,2024-01-01\n' });
    expect((await project.build()).exitCode).toBe(0);
    // The key comes back: a new version after its deletion record.
    project.write({ 'seeds/items.csv': 'id,status,updated_at\n1,a,2024-01-01\n2,b,2024-03-01\n' });
    expect((await project.build()).exitCode).toBe(0);
    const rows = await project.query(
      "select id::int as id, status, dbt_is_deleted, dbt_valid_to = date '9999-12-31' as current from main_history.items_snapshot order by id, status, dbt_is_deleted",
    );
    expect(rows).toEqual([
      { id: 1, status: 'a', dbt_is_deleted: 'False', current: true },
      { id: 2, status: 'a', dbt_is_deleted: 'False', current: false },
      { id: 2, status: 'a', dbt_is_deleted: 'True', current: false },
      { id: 2, status: 'b', dbt_is_deleted: 'False', current: true },
    ]);
    expect(
      await project.query(
        'select count(*)::int as n, count(distinct dbt_scd_id)::int as ids from main_history.items_snapshot',
      ),
    ).toEqual([{ n: 4, ids: 4 }]);
  });

  it('npm run dbt -- snapshot runs only the snapshots; --select picks them by resource_type', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/orders.csv': 'id,status,updated_at\n1,new,2024-01-01 00:00:00\n',
      'snapshots/orders_snapshot.sql': TIMESTAMP_SNAPSHOT,
      'models/m.sql': 'select 1 as id\n',
    });
    await project.build({}, 'seed');
    const snapshot = await project.build({}, 'snapshot');
    expect(statuses(snapshot)).toEqual({ orders_snapshot: 'success' });
    const selected = await project.build({ select: ['resource_type:snapshot'] });
    expect(statuses(selected)).toEqual({ orders_snapshot: 'success' });
  });

  it('refuses a query with several rows or a null for one key, keeping the history as it was', async ({
    makeProject,
  }) => {
    const project = makeProject({
      'seeds/orders.csv': 'id,status,updated_at\n1,new,2024-01-01 00:00:00\n',
      'snapshots/orders_snapshot.sql': TIMESTAMP_SNAPSHOT,
    });
    expect((await project.build()).exitCode).toBe(0);
    project.write({
      'seeds/orders.csv':
        'id,status,updated_at\n1,a,2024-01-02 00:00:00\n1,b,2024-01-03 00:00:00\n',
    });
    const duplicated = await project.build();
    expect(duplicated.exitCode).toBe(1);
    expect(duplicated.results.find((r) => r.name === 'orders_snapshot')!.message).toMatch(
      /snapshot "orders_snapshot": the query returns 2 rows for unique_key \(id\) = \('1'\); a snapshot needs one row per key/,
    );
    project.write({ 'seeds/orders.csv': 'id,status,updated_at\n,a,2024-01-02 00:00:00\n' });
    const nullKey = await project.build();
    expect(nullKey.results.find((r) => r.name === 'orders_snapshot')!.message).toMatch(
      /returns 1 row\(s\) with a null unique_key \(id\)/,
    );
    expect(await history(project, 'snapshots.orders_snapshot')).toEqual([
      { id: 1, status: 'new', valid_from: '2024-01-01 00:00:00', valid_to: null },
    ]);
  });

  it('reports bad config with the file and line before anything runs', async ({ makeProject }) => {
    const project = makeProject({
      'seeds/orders.csv': 'id,status,updated_at\n1,new,2024-01-01 00:00:00\n',
      'snapshots/bad.sql': `-- two snapshots in one file

{% snapshot no_strategy %}
{{ config(unique_key='id') }}
select * from {{ ref('orders') }}
{% endsnapshot %}
{% snapshot no_updated_at %}
{{ config(unique_key='id', strategy='timestamp') }}
select * from {{ ref('orders') }}
{% endsnapshot %}
`,
      'snapshots/wrong_column.sql': `{% snapshot wrong_column %}
{{ config(unique_key='order_id', strategy='check', check_cols='all') }}
select * from {{ ref('orders') }}
{% endsnapshot %}
`,
      'snapshots/empty.sql': 'select 1\n',
    });
    await expect(project.build()).rejects.toThrow(
      /snapshots\/empty\.sql: a file under the snapshot paths holds no[\s\S]*snapshots\/bad\.sql:3: snapshot "no_strategy": strategy must be timestamp or check \(got null\)[\s\S]*snapshots\/bad\.sql:7: snapshot "no_updated_at": the timestamp strategy needs updated_at/,
    );
    project.write({ 'snapshots/bad.sql': '', 'snapshots/empty.sql': '' });
    const result = await project.build();
    expect(result.results.find((r) => r.name === 'wrong_column')!.message).toMatch(
      /snapshot "wrong_column": unique_key "order_id" is not a column of the query \(it has id, status, updated_at\)/,
    );
  });
});
