import { Kysely } from 'kysely';
import type { WarehouseDatabase } from '../../../generated/warehouse-types.js';
import type { WarehouseSettings } from '../../../base/warehouse/open-warehouse.js';
import { DuckDbDialect } from './duckdb-dialect.js';

export interface WarehouseKyselyOptions extends WarehouseSettings {
  /** Warehouse file (see `resolveDbPath`). */
  readonly path: string;
  /** Open read-only (default `true`: typed queries are for reading; pass `false` to write). */
  readonly readOnly?: boolean;
}

/**
 * A Kysely instance over a warehouse file, typed with the generated relation types by default.
 * The file is opened on the first query; always `await db.destroy()` to release its lock.
 * A missing or busy warehouse rejects the first query with a `WarehouseError`.
 *
 * @example
 * const db = createWarehouseKysely({ path: resolveDbPath(process.cwd()) });
 * try {
 *   const rows = await db.selectFrom('audit_health').selectAll().execute();
 * } finally {
 *   await db.destroy();
 * }
 */
export function createWarehouseKysely<DB = WarehouseDatabase>(
  options: WarehouseKyselyOptions,
): Kysely<DB> {
  const { path, readOnly = true, ...settings } = options;
  return new Kysely<DB>({
    dialect: new DuckDbDialect({ path, options: { ...settings, readOnly } }),
  });
}
