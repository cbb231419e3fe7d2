import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dateValue } from '@duckdb/node-api';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWarehouseKysely } from '../src/kysely/create-warehouse-kysely.js';
import { DuckDbDialect } from '../src/kysely/duckdb-dialect.js';
import { SqlError } from '../src/sql/run-statement.js';
import { openWarehouse } from '../src/warehouse/open-warehouse.js';
import { WarehouseError } from '../src/warehouse/warehouse-error.js';

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

let dir: string;
let db: Kysely<TestDb>;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-kysely-'));
  db = new Kysely<TestDb>({ dialect: new DuckDbDialect({ path: join(dir, 'w.duckdb') }) });
  await sql`create table payments (
    id bigint primary key, amount decimal(18, 2), paid_at timestamptz, day date,
    tags varchar[], detail struct(source varchar, attempts integer), note varchar)`.execute(db);
});
afterEach(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('DuckDbDialect: values round-trip', () => {
  it('inserts with $n parameters and reads back BIGINT, DECIMAL, TIMESTAMPTZ, DATE, lists, structs and NULL', async () => {
    const paidAt = new Date('2024-03-04T05:06:07.890Z');
    const insert = await db
      .insertInto('payments')
      .values([
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
      ])
      .executeTakeFirst();
    expect(insert.numInsertedOrUpdatedRows).toBe(2n);
    const rows = await db.selectFrom('payments').selectAll().orderBy('id', 'desc').execute();
    expect(rows).toEqual([
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
    ]);
  });

  it('filters with bound parameters of each kind (compiled as $1, $2, ...)', async () => {
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

  it('supports returning, on conflict and update/delete counts (what PostgreSQL SQL gives DuckDB)', async () => {
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

  it('streams rows in chunks', async () => {
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

describe('DuckDbDialect: transactions', () => {
  it('commits a transaction', async () => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('payments').values({ id: 1n }).execute();
      await trx.insertInto('payments').values({ id: 2n }).execute();
    });
    expect(await db.selectFrom('payments').select('id').orderBy('id').execute()).toEqual([
      { id: 1n },
      { id: 2n },
    ]);
  });

  it('rolls back a transaction that throws', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('payments').values({ id: 1n }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.selectFrom('payments').selectAll().execute()).toEqual([]);
  });

  it('rolls back a transaction whose statement fails (duplicate key)', async () => {
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
  it('runs concurrent queries and a transaction one after another without mixing them', async () => {
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
  it("surfaces DuckDB's message with its position marker", async () => {
    const error = await sql`select nope from payments`.execute(db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as Error).message).toMatch(
      /Referenced column "nope" not found[\s\S]*LINE 1: select nope/,
    );
  });

  it('introspects tables with their columns', async () => {
    const tables = await db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(['payments']);
    expect(tables[0]!.columns.map((c) => [c.name, c.dataType, c.isNullable])).toContainEqual([
      'id',
      'BIGINT',
      false,
    ]);
  });

  it('releases the file lock on destroy(): a second open works afterwards', async () => {
    await db.insertInto('payments').values({ id: 1n }).execute();
    await db.destroy();
    const again = await openWarehouse(join(dir, 'w.duckdb'));
    again.close();
    db = new Kysely<TestDb>({ dialect: new DuckDbDialect({ path: join(dir, 'w.duckdb') }) });
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
  it('opens read-only by default, so writes fail with the --write hint', async () => {
    await db.insertInto('payments').values({ id: 1n }).execute();
    await db.destroy();
    const reader = createWarehouseKysely<TestDb>({ path: join(dir, 'w.duckdb') });
    try {
      expect(await reader.selectFrom('payments').select('id').execute()).toEqual([{ id: 1n }]);
      await expect(reader.deleteFrom('payments').execute()).rejects.toThrow(/read-only/);
    } finally {
      await reader.destroy();
    }
    db = new Kysely<TestDb>({ dialect: new DuckDbDialect({ path: join(dir, 'w.duckdb') }) });
  });

  it('rejects the first query of a missing warehouse with a WarehouseError', async () => {
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
