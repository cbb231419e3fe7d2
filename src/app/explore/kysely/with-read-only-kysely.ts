import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { printInfo } from '../../../base/console/console.js';
import { WarehouseError } from '../../../base/warehouse/warehouse-error.js';
import type { WarehouseDatabase } from '../../../generated/warehouse-types.js';
import { findLiveEndpoint } from '../../endpoint/endpoint-client.js';
import { createWarehouseKysely } from './create-warehouse-kysely.js';

/**
 * Runs `read` on the warehouse file opened read-only or, when a live consumer holds the file,
 * through the consumer's query endpoint: the same Kysely queries either way, on the DuckDB dialect
 * or on PostgreSQL's over `pg`. The instance is destroyed afterwards.
 */
export async function withReadOnlyKysely<T>(
  dbPath: string,
  read: (db: Kysely<WarehouseDatabase>) => Promise<T>,
): Promise<T> {
  let db = createWarehouseKysely({ path: dbPath, readOnly: true });
  try {
    // The DuckDB dialect opens the file lazily: a first query tells whether it is held.
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  } catch (error) {
    await db.destroy();
    const busy = error instanceof WarehouseError && error.reason === 'busy';
    const endpoint = busy ? findLiveEndpoint(dbPath) : null;
    if (endpoint === null) throw error;
    printInfo(
      `the warehouse is held by a running consumer (process ${endpoint.pid}): reading through its query endpoint`,
    );
    const pool = new pg.Pool({ ...endpoint.config, max: 1 });
    db = new Kysely<WarehouseDatabase>({ dialect: new PostgresDialect({ pool }) });
  }
  try {
    return await read(db);
  } finally {
    await db.destroy();
  }
}
