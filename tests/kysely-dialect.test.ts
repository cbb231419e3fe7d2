import { join } from 'node:path';
import { dateValue } from '@duckdb/node-api';
import fc from 'fast-check';
import { Kysely, Migrator, sql, type Migration } from 'kysely';
import { describe, expect } from 'vitest';
import { createWarehouseKysely } from '../src/app/explore/kysely/create-warehouse-kysely.js';
import { DuckDbDialect } from '../src/app/explore/kysely/duckdb-dialect.js';
import { SqlError } from '../src/base/warehouse/sql-error.js';
import { openWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { WarehouseError } from '../src/base/warehouse/warehouse-error.js';
import { it as base } from './support/fixtures.js';

interface Payments {
  id: bigint;
  amount: string | null;
  paid_at: Date | null;
  day: string | null;
  tags: (string | null)[] | null;
  detail: { source: string | null; attempts: number | null } | null;
  note: string | null;
}
interface TestDb {
  payments: Payments;
}

/**
 * Each test's folder, and a Kysely over `w.duckdb` in it holding an empty `payments` table,
 * destroyed after the test (a second destroy() is a no-op, so a test may destroy it first).
 */
const it = base.extend<{ dir: string; db: Kysely<TestDb> }>({
  dir: async ({ tempDir }, use) => use(tempDir('dw-kysely-')),
  db: async ({ dir }, use) => {
    const db = new Kysely<TestDb>({ dialect: new DuckDbDialect({ path: join(dir, 'w.duckdb') }) });
    try {
      await sql`create table payments (
        id bigint primary key, amount decimal(18, 2), paid_at timestamptz, day date,
        tags varchar[], detail struct(source varchar, attempts integer), note varchar)`.execute(db);
      await use(db);
    } finally {
      await db.destroy();
    }
  },
});

describe('DuckDbDialect: values round-trip', () => {
  it('inserts with $n parameters and reads back BIGINT, DECIMAL, TIMESTAMPTZ, DATE, lists, structs and NULL', async ({
    db,
  }) => {
    const paidAt = new Date('2024-03-04T05:06:07.890Z');
    const written: Payments[] = [
      {
        id: 9007199254740993n,
        amount: '1234567890123456.78',
        paid_at: paidAt,
        day: '2024-03-04',
        tags: ['card', 'eu'],
        detail: { source: 'web', attempts: 2 },
        note: "it's; fine",
      },
      { id: 2n, amount: null, paid_at: null, day: null, tags: null, detail: null, note: null },
    ];
    const insert = await db.insertInto('payments').values(written).executeTakeFirst();
    expect(insert.numInsertedOrUpdatedRows).toBe(2n);
    const rows = await db.selectFrom('payments').selectAll().orderBy('id', 'desc').execute();
    expect(rows).toEqual(written);
  });

  it('filters with bound parameters of each kind (compiled as $1, $2, ...)', async ({ db }) => {
    await db
      .insertInto('payments')
      .values(
        [1n, 2n, 3n].map((id) => ({
          id,
          amount: `${id}.50`,
          day: `2024-01-0${id}`,
          note: `n${id}`,
        })),
      )
      .execute();
    const query = db
      .selectFrom('payments')
      .select(['id', 'note'])
      .where('id', 'in', [1n, 3n])
      .where('day', '>=', sql<string>`${dateValue({ year: 2024, month: 1, day: 1 })}`)
      .where('note', 'like', 'n%')
      .orderBy('id')
      .limit(5)
      .offset(0);
    expect(query.compile().sql).toContain('$1');
    expect(await query.execute()).toEqual([
      { id: 1n, note: 'n1' },
      { id: 3n, note: 'n3' },
    ]);
  });

  it('supports returning, on conflict and update/delete counts (what PostgreSQL SQL gives DuckDB)', async ({
    db,
  }) => {
    const returned = await db
      .insertInto('payments')
      .values({ id: 1n, amount: '1.00' })
      .returning(['id', 'amount'])
      .executeTakeFirstOrThrow();
    expect(returned).toEqual({ id: 1n, amount: '1.00' });
    await db
      .insertInto('payments')
      .values({ id: 1n, amount: '2.00' })
      .onConflict((oc) => oc.column('id').doUpdateSet({ amount: '2.00' }))
      .execute();
    const updated = await db
      .updateTable('payments')
      .set({ note: 'x' })
      .where('id', '=', 1n)
      .executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    expect(await db.selectFrom('payments').select('amount').executeTakeFirst()).toEqual({
      amount: '2.00',
    });
    const deleted = await db.deleteFrom('payments').executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(1n);
  });

  it('streams rows in chunks', async ({ db }) => {
    await sql`insert into payments (id) select range from range(250)`.execute(db);
    const chunks: number[] = [];
    let total = 0;
    for await (const row of db.selectFrom('payments').select('id').orderBy('id').stream(100)) {
      total += 1;
      if (row.id === 0n || row.id === 249n) chunks.push(Number(row.id));
    }
    expect(total).toBe(250);
    expect(chunks).toEqual([0, 249]);
  });
});

describe('DuckDbDialect: values round-trip (edge cases)', () => {
  it('reads nested lists, lists of structs, NULLs inside them, HUGEINT, negative DECIMAL, BLOB, UUID and INTERVAL', async ({
    db,
  }) => {
    const { rows } = await sql<Record<string, unknown>>`select
        [[1, 2], [], null, [3, null]] as nested,
        [{'a': 1, 'b': null}, null] as structs,
        {'x': [1, null], 'y': {'z': 'deep'}} as struct_of_list,
        170141183460469231731687303715884105727::hugeint as huge,
        -0.01::decimal(18, 2) as negative,
        '\\xAA\\x00'::blob as bytes,
        uuid '00000000-0000-0000-0000-000000000001' as id,
        interval 3 day as span,
        ${170141183460469231731687303715884105727n}::hugeint as huge_param`.execute(db);
    expect(rows).toEqual([
      {
        nested: [[1, 2], [], null, [3, null]],
        structs: [{ a: 1, b: null }, null],
        struct_of_list: { x: [1, null], y: { z: 'deep' } },
        huge: 170141183460469231731687303715884105727n,
        negative: '-0.01',
        bytes: Buffer.from([0xaa, 0x00]),
        id: '00000000-0000-0000-0000-000000000001',
        span: '3 days',
        huge_param: 170141183460469231731687303715884105727n,
      },
    ]);
  });

  it('binds lists and structs whose items alone do not say their type (empty, NULLs, mixed numbers)', async ({
    db,
  }) => {
    const { rows } = await sql<Record<string, unknown>>`select
        ${[]} as empty,
        ${[null, 'a']} as null_first,
        ${[1, 2.5]} as int_then_double,
        ${[1, 2 ** 40]} as int_then_bigint,
        ${[1n, 2]} as bigint_then_int,
        ${{ a: null, b: [] }} as null_fields,
        ${[{ a: null }, { a: 1 }]} as structs_unified`.execute(db);
    expect(rows).toEqual([
      {
        empty: [],
        null_first: [null, 'a'],
        int_then_double: [1, 2.5],
        int_then_bigint: [1n, 2n ** 40n],
        bigint_then_int: [1n, 2n],
        null_fields: { a: null, b: [] },
        structs_unified: [{ a: null }, { a: 1 }],
      },
    ]);
    // Into typed columns, DuckDB casts them: an empty list into INTEGER[], NULL fields into a STRUCT.
    await db
      .insertInto('payments')
      .values({ id: 1n, tags: [], detail: { source: null, attempts: null } })
      .execute();
    expect(await db.selectFrom('payments').select(['tags', 'detail']).execute()).toEqual([
      { tags: [], detail: { source: null, attempts: null } },
    ]);
  });

  it('cuts timestamps to the millisecond downwards (before 1970 too) and keeps infinities', async ({
    db,
  }) => {
    const { rows } = await sql<Record<string, unknown>>`select
        timestamptz '1969-12-31 23:59:59.9995+00' as before_epoch,
        timestamptz '2024-01-01 00:00:00.123999+00' as after_epoch,
        timestamp '1900-01-01 00:00:00.0000001' as plain,
        'infinity'::timestamptz as pos_inf,
        '-infinity'::timestamp as neg_inf,
        'infinity'::date as date_inf,
        '-infinity'::date as date_neg_inf,
        date '0001-01-01' as first_day`.execute(db);
    expect(rows).toEqual([
      {
        before_epoch: new Date('1969-12-31T23:59:59.999Z'),
        after_epoch: new Date('2024-01-01T00:00:00.123Z'),
        plain: new Date('1900-01-01T00:00:00.000Z'),
        pos_inf: Infinity,
        neg_inf: -Infinity,
        date_inf: 'infinity',
        date_neg_inf: '-infinity',
        first_day: '0001-01-01',
      },
    ]);
  });

  it('round-trips generated rows of every column kind exactly (property-based)', async ({ db }) => {
    const money = fc.bigInt({ min: -(10n ** 16n) + 1n, max: 10n ** 16n - 1n }).map((cents) => {
      const sign = cents < 0n ? '-' : '';
      const abs = cents < 0n ? -cents : cents;
      return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
    });
    const day = fc
      .date({
        min: new Date('1000-01-01T00:00:00Z'),
        max: new Date('9999-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString().slice(0, 10));
    const row = fc.record({
      amount: fc.option(money),
      paid_at: fc.option(
        fc.date({
          min: new Date('1800-01-01T00:00:00Z'),
          max: new Date('2300-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
      ),
      day: fc.option(day),
      tags: fc.option(
        fc.array(fc.option(fc.string({ maxLength: 5 })), { minLength: 1, maxLength: 4 }),
      ),
      detail: fc.option(
        fc.record({
          source: fc.option(fc.string({ maxLength: 5 })),
          attempts: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
        }),
      ),
      note: fc.option(fc.string({ maxLength: 10 })),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 8 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n - 8n }),
        async (rows, firstId) => {
          await db.deleteFrom('payments').execute();
          const values = rows.map((r, i) => ({ id: firstId + BigInt(i), ...r }));
          await db.insertInto('payments').values(values).execute();
          const back = await db.selectFrom('payments').selectAll().orderBy('id').execute();
          expect(back).toEqual(values);
        },
      ),
      { numRuns: 40, seed: 6 },
    );
  });
});

describe('DuckDbDialect: what differs from PostgreSQL', () => {
  it('compiles with the PostgreSQL compiler: distinct on, ilike, CTEs, union all, merge into', async ({
    db,
  }) => {
    await db
      .insertInto('payments')
      .values([
        { id: 1n, note: 'Alpha' },
        { id: 2n, note: 'alpha' },
        { id: 3n, note: 'beta' },
      ])
      .execute();
    expect(
      await db
        .selectFrom('payments')
        .distinctOn(sql`lower(note)`)
        .select(['id', 'note'])
        .orderBy(sql`lower(note)`)
        .orderBy('id', 'desc')
        .execute(),
    ).toEqual([
      { id: 2n, note: 'alpha' },
      { id: 3n, note: 'beta' },
    ]);
    expect(
      await db
        .selectFrom('payments')
        .select('id')
        .where('note', 'ilike', 'ALPHA')
        .orderBy('id')
        .execute(),
    ).toEqual([{ id: 1n }, { id: 2n }]);
    const unioned = await db
      .with('low', (q) => q.selectFrom('payments').select('id').where('id', '<', 2n))
      .selectFrom('low')
      .select('id')
      .unionAll(db.selectFrom('payments').select('id').where('id', '=', 3n))
      .orderBy('id')
      .execute();
    expect(unioned).toEqual([{ id: 1n }, { id: 3n }]);
    await sql`create table staged as select * from (values (3::bigint, 'gamma'), (4, 'delta')) as t(id, note)`.execute(
      db,
    );
    const merged = await db
      .withTables<{ staged: { id: bigint; note: string } }>()
      .mergeInto('payments as p')
      .using('staged as s', 's.id', 'p.id')
      .whenMatched()
      .thenUpdateSet({ note: sql`s.note` })
      .whenNotMatched()
      .thenInsertValues({ id: sql`s.id`, note: sql`s.note` })
      .executeTakeFirstOrThrow();
    expect(merged.numChangedRows).toBe(2n);
    expect(
      await db
        .selectFrom('payments')
        .select(['id', 'note'])
        .where('id', '>=', 3n)
        .orderBy('id')
        .execute(),
    ).toEqual([
      { id: 3n, note: 'gamma' },
      { id: 4n, note: 'delta' },
    ]);
  });

  it('refuses isolation levels, savepoints and nested transactions with a clear error', async ({
    db,
  }) => {
    await expect(
      db
        .transaction()
        .setIsolationLevel('serializable')
        .execute(async () => 1),
    ).rejects.toThrow(/no isolation level or access mode/);
    const trx = await db.startTransaction().execute();
    try {
      await trx.insertInto('payments').values({ id: 1n }).execute();
      await expect(trx.savepoint('s1').execute()).rejects.toThrow(/savepoint/i);
    } finally {
      await trx.rollback().execute();
    }
    await expect(
      db.transaction().execute((outer) => outer.transaction().execute(async () => 1)),
    ).rejects.toThrow(/not supported/);
    expect(await db.selectFrom('payments').selectAll().execute()).toEqual([]);
  });

  it('commits and rolls back controlled transactions', async ({ db }) => {
    const kept = await db.startTransaction().execute();
    await kept.insertInto('payments').values({ id: 1n }).execute();
    await kept.commit().execute();
    const dropped = await db.startTransaction().execute();
    await dropped.insertInto('payments').values({ id: 2n }).execute();
    await dropped.rollback().execute();
    expect(await db.selectFrom('payments').select('id').execute()).toEqual([{ id: 1n }]);
  });

  it("runs Kysely's Migrator (no-op migration lock, transactional DDL) and hides its tables from introspection", async ({
    db,
  }) => {
    const migrations: Record<string, Migration> = {
      '001_refunds': {
        up: (m) =>
          m.schema
            .createTable('refunds')
            .addColumn('id', 'bigint', (c) => c.primaryKey())
            .execute(),
        down: (m) => m.schema.dropTable('refunds').execute(),
      },
      '002_reason': {
        up: (m) => m.schema.alterTable('refunds').addColumn('reason', 'varchar').execute(),
        down: (m) => m.schema.alterTable('refunds').dropColumn('reason').execute(),
      },
    };
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(up.results?.map((r) => [r.migrationName, r.status])).toEqual([
      ['001_refunds', 'Success'],
      ['002_reason', 'Success'],
    ]);
    const tables = await db.introspection.getTables();
    expect(tables.map((t) => t.name).sort()).toEqual(['payments', 'refunds']);
    expect(tables.find((t) => t.name === 'refunds')!.columns.map((c) => c.name)).toEqual([
      'id',
      'reason',
    ]);
    const down = await migrator.migrateDown();
    expect(down.results?.map((r) => [r.migrationName, r.status])).toEqual([
      ['002_reason', 'Success'],
    ]);
    const after = await db.introspection.getTables({ withInternalKyselyTables: true });
    expect(after.map((t) => t.name).sort()).toEqual([
      'kysely_migration',
      'kysely_migration_lock',
      'payments',
      'refunds',
    ]);
  });
});

describe('DuckDbDialect: transactions', () => {
  it('commits a transaction', async ({ db }) => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('payments').values({ id: 1n }).execute();
      await trx.insertInto('payments').values({ id: 2n }).execute();
    });
    expect(await db.selectFrom('payments').select('id').orderBy('id').execute()).toEqual([
      { id: 1n },
      { id: 2n },
    ]);
  });

  it('rolls back a transaction that throws', async ({ db }) => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('payments').values({ id: 1n }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.selectFrom('payments').selectAll().execute()).toEqual([]);
  });

  it('rolls back a transaction whose statement fails (duplicate key)', async ({ db }) => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('payments').values({ id: 1n }).execute();
        await trx.insertInto('payments').values({ id: 1n }).execute();
      }),
    ).rejects.toThrow(/Duplicate key/i);
    expect(await db.selectFrom('payments').selectAll().execute()).toEqual([]);
  });
});

describe('DuckDbDialect: one connection, queued', () => {
  it('runs concurrent queries and a transaction one after another without mixing them', async ({
    db,
  }) => {
    const inserts = [1n, 2n, 3n, 4n].map((id) =>
      db.insertInto('payments').values({ id }).execute(),
    );
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('payments').values({ id: 10n }).execute();
      return trx
        .selectFrom('payments')
        .select((eb) => eb.fn.countAll<bigint>().as('n'))
        .executeTakeFirstOrThrow();
    });
    await Promise.all(inserts);
    const seenInside = await transaction;
    expect(seenInside.n).toBeGreaterThanOrEqual(1n);
    expect(await db.selectFrom('payments').select('id').orderBy('id').execute()).toHaveLength(5);
  });
});

describe('DuckDbDialect: errors and closing', () => {
  it("surfaces DuckDB's message with its position marker", async ({ db }) => {
    const error = await sql`select nope from payments`.execute(db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as Error).message).toMatch(
      /Referenced column "nope" not found[\s\S]*LINE 1: select nope/,
    );
  });

  it('turns constraint violations, stream failures and bad parameters into clear errors', async ({
    db,
  }) => {
    await sql`create table strict (a integer not null)`.execute(db);
    const notNull = await sql`insert into strict values (${null})`
      .execute(db)
      .catch((e: unknown) => e);
    expect(notNull).toBeInstanceOf(SqlError);
    expect((notNull as Error).message).toContain('NOT NULL constraint failed: strict.a');
    const stream = async (): Promise<void> => {
      for await (const _row of db
        .selectFrom('payments')
        .selectAll()
        .where(sql<boolean>`nope`)
        .stream()) {
        // never reached
      }
    };
    await expect(stream()).rejects.toThrow(/Referenced column "nope" not found/);
    await expect(sql`select ${Symbol('x')} as s`.execute(db)).rejects.toThrow(
      'Cannot pass a symbol as a SQL parameter.',
    );
    await expect(sql`select ${['a', 1]} as mixed`.execute(db)).rejects.toThrow(
      'Cannot pass a list mixing VARCHAR and INTEGER items as a SQL parameter',
    );
    // The connection is still usable after each failure.
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }]);
  });

  it('refuses queries after destroy()', async ({ db }) => {
    await db.destroy();
    await expect(sql`select 1`.execute(db)).rejects.toThrow(/destroyed/);
  });

  it('introspects tables with their columns', async ({ db }) => {
    const tables = await db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(['payments']);
    expect(tables[0]!.columns.map((c) => [c.name, c.dataType, c.isNullable])).toContainEqual([
      'id',
      'BIGINT',
      false,
    ]);
  });

  it('releases the file lock on destroy(): a second open works afterwards', async ({ dir, db }) => {
    await db.insertInto('payments').values({ id: 1n }).execute();
    await db.destroy();
    const again = await openWarehouse(join(dir, 'w.duckdb'));
    again.close();
  });
});

describe('DuckDbDialect over an open warehouse', () => {
  it('uses the given warehouse and leaves it open on destroy()', async () => {
    const warehouse = await openWarehouse(':memory:');
    try {
      const shared = new Kysely<{ t: { a: number } }>({
        dialect: new DuckDbDialect({ warehouse }),
      });
      await sql`create table t as select 1 as a`.execute(shared);
      expect(await shared.selectFrom('t').select('a').execute()).toEqual([{ a: 1 }]);
      await shared.destroy();
      const reader = await warehouse.connection.runAndReadAll('select count(*) as n from t');
      expect(reader.getRowObjectsJS()).toEqual([{ n: 1n }]);
    } finally {
      warehouse.close();
    }
  });
});

describe('createWarehouseKysely', () => {
  it('opens read-only by default, so writes fail with the --write hint', async ({ dir, db }) => {
    await db.insertInto('payments').values({ id: 1n }).execute();
    await db.destroy();
    const reader = createWarehouseKysely<TestDb>({ path: join(dir, 'w.duckdb') });
    try {
      expect(await reader.selectFrom('payments').select('id').execute()).toEqual([{ id: 1n }]);
      await expect(reader.deleteFrom('payments').execute()).rejects.toThrow(/read-only/);
    } finally {
      await reader.destroy();
    }
  });

  it('rejects the first query of a missing warehouse with a WarehouseError', async ({ dir }) => {
    const missing = createWarehouseKysely({ path: join(dir, 'none.duckdb') });
    try {
      const error = await sql`select 1`.execute(missing).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WarehouseError);
      expect((error as WarehouseError).reason).toBe('missing');
    } finally {
      await missing.destroy();
    }
  });
});
