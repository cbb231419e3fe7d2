// Shared setup for the sql-* tests: a small warehouse file.
import { join } from 'node:path';
import { withWarehouse } from '../src/base/warehouse/open-warehouse.js';
import { tempDirs } from './support/temp-dirs.js';

/** A temp dir holding `w.duckdb` with a 100-row `bronze_events` table and a view. */
export async function makeFixtureWarehouse(
  prefix: string,
): Promise<{ dir: string; db: string; cleanup: () => void }> {
  const dirs = tempDirs();
  const dir = dirs.make(prefix);
  const db = join(dir, 'w.duckdb');
  await withWarehouse(db, {}, async ({ connection }) => {
    await connection.run(`
      create table bronze_events as
      select
          range as _offset,
          'm' || (range % 90) as message_id,
          (range * 1.25)::decimal(18, 2) as amount,
          timestamptz '2024-01-02 03:04:05+00' + to_minutes(range) as created_at,
          case when range % 2 = 0 then null else 'v' || range end as note
      from range(100)`);
    await connection.run(
      'create view daily as select created_at::date as day, count(*) as n from bronze_events group by all',
    );
  });
  return { dir, db, cleanup: () => dirs.removeAll() };
}
