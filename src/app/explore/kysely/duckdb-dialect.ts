import {
  PostgresQueryCompiler,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
} from 'kysely';
import { DuckDbAdapter } from './duckdb-adapter.js';
import { DuckDbDriver, type DuckDbDriverConfig } from './duckdb-driver.js';
import { DuckDbIntrospector } from './duckdb-introspector.js';

/**
 * Kysely dialect for DuckDB on `@duckdb/node-api`. DuckDB speaks PostgreSQL's SQL closely
 * enough that Kysely's PostgreSQL query compiler is reused as is (double-quoted identifiers,
 * `$1` placeholders, `returning`, `on conflict`); the driver, adapter and introspector are
 * DuckDB's own. See the README ("Typed queries with Kysely") for the value mapping and what differs.
 *
 * @example
 * const db = new Kysely<WarehouseDatabase>({ dialect: new DuckDbDialect({ path: 'warehouse.duckdb' }) });
 */
export class DuckDbDialect implements Dialect {
  readonly #config: DuckDbDriverConfig;

  constructor(config: DuckDbDriverConfig) {
    this.#config = Object.freeze({ ...config });
  }

  createDriver(): Driver {
    return new DuckDbDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new DuckDbAdapter();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new DuckDbIntrospector(db);
  }
}
