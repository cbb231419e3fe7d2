import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import {
  generateWarehouseTypes,
  interfaceName,
} from '../src/app/explore/kysely/generate-warehouse-types.js';
import {
  staleWarehouseTypesMessage,
  writeWarehouseTypes,
} from '../src/app/explore/kysely/write-warehouse-types.js';
import {
  describeTypesDrift,
  readDeclaredRelations,
} from '../src/app/explore/kysely/warehouse-types-drift.js';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { it as base } from './support/fixtures.js';

/** Each test's folder, and in it `w.duckdb` holding a table and a view of many column types. */
const it = base.extend<{ dir: string; db: string }>({
  dir: async ({ tempDir }, use) => use(tempDir('dw-types-')),
  db: async ({ dir }, use) => {
    const db = join(dir, 'w.duckdb');
    await withWarehouse(db, {}, async ({ connection }) => {
      await connection.run(`create table silver_events (
        message_id varchar not null, sequence_id bigint not null, amount decimal(18, 2), created_at timestamptz,
        partition_date date, is_late boolean, ratio double, n integer, tags varchar[],
        payload struct(kind varchar, "odd name" integer), attrs map(varchar, bigint), "select" varchar)`);
      await connection.run(
        'create view gold_daily_revenue as select partition_date as day, sum(amount) as total from silver_events group by all',
      );
    });
    await use(db);
  },
});

const generate = (db: string): Promise<string> =>
  withWarehouse(db, { readOnly: true }, ({ connection }) => generateWarehouseTypes(connection));

describe('generateWarehouseTypes', () => {
  it('types every column as the dialect returns it, nullable unless NOT NULL', async ({ db }) => {
    const text = await generate(db);
    for (const line of [
      'export interface SilverEvents {',
      '  message_id: string;',
      '  sequence_id: bigint;',
      '  amount: string | null;',
      '  created_at: Date | null;',
      '  partition_date: string | null;',
      '  is_late: boolean | null;',
      '  ratio: number | null;',
      '  n: number | null;',
      '  tags: (string | null)[] | null;',
      "  payload: { kind: string | null; 'odd name': number | null } | null;",
      '  attrs: { key: string; value: bigint | null }[] | null;',
      '  select: string | null;',
      '/** View `gold_daily_revenue`. */',
      '  silver_events: SilverEvents;',
      '  gold_daily_revenue: GoldDailyRevenue;',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toContain('/** DECIMAL(18,2) */');
    expect(text.indexOf('interface GoldDailyRevenue')).toBeLessThan(
      text.indexOf('interface SilverEvents'),
    );
  });

  it('is deterministic', async ({ db }) => {
    expect(await generate(db)).toBe(await generate(db));
  });

  it('names interfaces in PascalCase', () => {
    expect(interfaceName('audit_health')).toBe('AuditHealth');
    expect(interfaceName('2024_stats')).toBe('Relation2024Stats');
  });
});

describe('scripts/gen-types.ts (the CLI)', () => {
  it('writes the types of --db to --out, says so, and exits 2 on a missing warehouse', async ({
    dir,
    db,
    runScript,
  }) => {
    const out = join(dir, 'out', 'types.ts');
    const first = await runScript('gen-types', ['--db', db, '--out', out]);
    expect(first.code).toBe(0);
    expect(first.stderr + first.stdout).toContain(`Wrote ${out} (2 relations).`);
    expect(readFileSync(out, 'utf8')).toBe(await generate(db));
    const missing = await runScript('gen-types', ['--db', join(dir, 'none.duckdb'), '--out', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('none.duckdb does not exist');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});

describe('writeWarehouseTypes and the staleness check', () => {
  it('writes the file, and leaves it untouched when the schema did not change', async ({
    dir,
    db,
  }) => {
    const out = join(dir, 'types', 'warehouse-types.ts');
    expect(await writeWarehouseTypes(db, out)).toEqual({ changed: true, relations: 2 });
    const written = statSync(out).mtimeMs;
    expect(await writeWarehouseTypes(db, out)).toEqual({ changed: false, relations: 2 });
    expect(statSync(out).mtimeMs).toBe(written);
    expect(readFileSync(out, 'utf8')).toBe(await generate(db));
  });

  it('tells the user to run gen-types when a relation changed its columns', async ({
    dir,
    db,
    openWarehouse,
  }) => {
    const out = join(dir, 'warehouse-types.ts');
    await writeWarehouseTypes(db, out);
    const warehouse = await openWarehouse(db);
    expect(await staleWarehouseTypesMessage(warehouse.connection, out)).toBeNull();
    await warehouse.connection.run('alter table silver_events add column currency varchar');
    const message = await staleWarehouseTypesMessage(warehouse.connection, out);
    expect(message).toContain('out of date');
    expect(message).toContain('silver_events: column currency (VARCHAR) is new');
    expect(message).toContain('npm run gen-types');
    writeFileSync(out, '');
    expect(await staleWarehouseTypesMessage(warehouse.connection, out)).toContain(
      'the file is missing or empty',
    );
  });

  it('names each kind of drift: new, gone and retyped columns and relations', async ({ db }) => {
    const before = await generate(db);
    await withWarehouse(db, {}, async ({ connection }) => {
      await connection.run('alter table silver_events drop column ratio');
      await connection.run('alter table silver_events alter n type bigint');
      await connection.run('alter table silver_events add column "odd col" varchar');
      await connection.run('drop view gold_daily_revenue');
      await connection.run('create table audit_health (metric varchar)');
    });
    const after = await generate(db);
    expect(describeTypesDrift(after, before)).toEqual([
      'relation audit_health is new',
      'silver_events: column n is now BIGINT (was INTEGER)',
      'silver_events: column odd col (VARCHAR) is new',
      'silver_events: column ratio is gone',
      'relation gold_daily_revenue is gone',
    ]);
    expect(describeTypesDrift(after, after)).toEqual([]);
    expect(readDeclaredRelations(after).get('silver_events')?.columns.get('payload')).toBe(
      'STRUCT("kind" VARCHAR, "odd name" INTEGER)',
    );
  });
});
