import type { DatabaseConnection, Driver, TransactionSettings } from 'kysely';
import { CompiledQuery } from 'kysely';
import {
  openWarehouse,
  type OpenWarehouseOptions,
  type Warehouse,
} from '../../../base/warehouse/open-warehouse.js';
import { DuckDbConnection } from './duckdb-connection.js';

/** Where the driver gets its DuckDB connection. */
export interface DuckDbDriverConfig {
  /** Warehouse file to open on first use (`:memory:` for an in-memory database). */
  readonly path?: string;
  /** Options for {@link openWarehouse} (default: read-write). */
  readonly options?: OpenWarehouseOptions;
  /**
   * An already open warehouse to use instead of `path`. The driver does not close it on
   * `destroy()`: its owner does.
   */
  readonly warehouse?: Warehouse;
}

/**
 * Kysely driver over one `@duckdb/node-api` connection. DuckDB allows one process per file, so
 * the driver holds a single connection and hands it to one query or transaction at a time
 * (callers queue). `destroy()` closes the warehouse it opened, releasing the file lock.
 * DuckDB has no savepoints, so nested transactions are not supported.
 */
export class DuckDbDriver implements Driver {
  readonly #config: DuckDbDriverConfig;
  #warehouse: Warehouse | undefined;
  #connection: DuckDbConnection | undefined;
  #queue: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  constructor(config: DuckDbDriverConfig) {
    if (!config.path && !config.warehouse)
      throw new Error('DuckDbDriver needs a path or an open warehouse.');
    this.#config = config;
  }

  async init(): Promise<void> {
    this.#warehouse =
      this.#config.warehouse ?? (await openWarehouse(this.#config.path!, this.#config.options));
    this.#connection = new DuckDbConnection(this.#warehouse.connection);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue;
    let release!: () => void;
    this.#queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    if (!this.#connection) {
      release();
      throw new Error('The warehouse connection has been destroyed.');
    }
    this.#release = release;
    return this.#connection;
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) {
      throw new Error(
        'DuckDB transactions take no isolation level or access mode (they are always snapshot).',
      );
    }
    await connection.executeQuery(CompiledQuery.raw('begin transaction'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(_connection: DatabaseConnection): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    const warehouse = this.#warehouse;
    this.#connection = undefined;
    this.#warehouse = undefined;
    if (warehouse && !this.#config.warehouse) warehouse.close();
  }
}
