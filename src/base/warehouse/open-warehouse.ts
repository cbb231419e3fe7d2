import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { canonicalWarehousePath } from './canonical-path.js';
import { missingWarehouseError, WarehouseError } from './warehouse-error.js';

/**
 * Warehouse files open in this process (canonical paths), each with its opener's `holder`. DuckDB's
 * file lock keeps other processes out, but a second DuckDB instance on the same file in the same
 * process opens without an error, and two instances writing one file can corrupt it: openWarehouse
 * refuses that second open.
 */
const openInThisProcess = new Map<string, string | undefined>();

/** DuckDB settings a user may set for a run (both map to DuckDB's own settings). */
export interface WarehouseSettings {
  /** DuckDB `memory_limit`, e.g. `'4GB'`. Default: DuckDB's (80% of RAM). Env: `DUCKDB_MEMORY_LIMIT`. */
  readonly memoryLimit?: string;
  /** DuckDB `threads`. Default: DuckDB's (all cores). Env: `DUCKDB_THREADS`. */
  readonly threads?: number;
  /**
   * Further DuckDB settings by name (a profile's `settings:`); `memoryLimit` and `threads` win
   * over the same names here, as flags win over a profile.
   */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface OpenWarehouseOptions extends WarehouseSettings {
  /**
   * Open read-only (default `false`). An in-memory warehouse is always writable: DuckDB cannot
   * open one read-only, and an empty database has nothing to protect.
   */
  readonly readOnly?: boolean;
  /**
   * Refuse a missing file instead of creating it (default: when read-only), so that a mistyped
   * `--db` leaves no empty warehouse behind.
   */
  readonly mustExist?: boolean;
  /**
   * What the warehouse is opened for, e.g. `'build'`. A second open of the file in this process is
   * refused either way; one for the same `holder` is told the file is "in use by another build"
   * (wait for it), any other that it is "already open in this process" (close or share it).
   */
  readonly holder?: string;
}

/** An open warehouse: one DuckDB instance and one connection. Always `close()` it. */
export interface Warehouse {
  readonly path: string;
  readonly readOnly: boolean;
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  /** Closes the connection and the instance, releasing the file lock. Safe to call twice. */
  close(): void;
}

/**
 * Opens a warehouse file (`:memory:` for an in-memory one).
 *
 * Translates DuckDB's lock and missing-file errors into a {@link WarehouseError} with a message
 * a user can act on: only one process may hold a warehouse file at a time.
 */
export async function openWarehouse(
  path: string,
  options: OpenWarehouseOptions = {},
): Promise<Warehouse> {
  const inMemory = path === ':memory:';
  const readOnly = (options.readOnly ?? false) && !inMemory;
  if ((options.mustExist ?? readOnly) && !inMemory && !existsSync(path)) {
    throw missingWarehouseError(path);
  }
  const key = inMemory ? null : canonicalWarehousePath(path);
  if (key !== null && openInThisProcess.has(key)) {
    throw alreadyOpenError(path, openInThisProcess.get(key), options.holder);
  }
  const config: Record<string, string> = { ...options.settings };
  if (readOnly) config['access_mode'] = 'READ_ONLY';
  const memoryLimit = options.memoryLimit ?? process.env['DUCKDB_MEMORY_LIMIT'];
  if (memoryLimit) config['memory_limit'] = memoryLimit;
  const threads =
    options.threads ??
    (process.env['DUCKDB_THREADS'] ? Number(process.env['DUCKDB_THREADS']) : undefined);
  if (threads !== undefined) config['threads'] = String(threads);

  let instance: DuckDBInstance;
  // Registered before the await, so that two concurrent opens cannot both pass the check above.
  if (key !== null) openInThisProcess.set(key, options.holder);
  try {
    instance = await DuckDBInstance.create(path, config);
  } catch (cause) {
    if (key !== null) openInThisProcess.delete(key);
    throw translateOpenError(path, cause, config);
  }
  let connection: DuckDBConnection;
  try {
    connection = await instance.connect();
  } catch (cause) {
    instance.closeSync();
    if (key !== null) openInThisProcess.delete(key);
    throw new WarehouseError(
      `Could not connect to warehouse ${path}: ${(cause as Error).message}`,
      'other',
      { cause },
    );
  }
  let closed = false;
  return {
    path,
    readOnly,
    instance,
    connection,
    close() {
      if (closed) return;
      closed = true;
      try {
        connection.closeSync();
        instance.closeSync();
      } finally {
        if (key !== null) openInThisProcess.delete(key);
      }
    },
  };
}

/** Runs `work` with an open warehouse and always closes it afterwards. */
export async function withWarehouse<T>(
  path: string,
  options: OpenWarehouseOptions,
  work: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  const warehouse = await openWarehouse(path, options);
  try {
    return await work(warehouse);
  } finally {
    warehouse.close();
  }
}

/** The refusal of a second open in this process: `holder` has the file, `opener` asked for it. */
function alreadyOpenError(
  path: string,
  holder: string | undefined,
  opener: string | undefined,
): WarehouseError {
  if (holder !== undefined && holder === opener) {
    return new WarehouseError(
      `Warehouse ${path} is in use by another ${holder} in this process: only one ${holder} may use it at a time. ` +
        `Wait for that ${holder} to finish, then try again.`,
      'busy',
    );
  }
  return new WarehouseError(
    `Warehouse ${path} is already open in this process: only one instance may use it at a time. ` +
      'Close the open one first (Warehouse.close()), or share its connection.',
    'busy',
  );
}

function translateOpenError(
  path: string,
  cause: unknown,
  config: Record<string, string>,
): WarehouseError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const settings = Object.entries(config).filter(([name]) => name !== 'access_mode');
  if (/Failed to set config/i.test(message) && settings.length > 0) {
    // DuckDB names neither the setting nor the value it refused.
    const given = settings.map(([name, value]) => `${name} = '${value}'`).join(', ');
    return new WarehouseError(
      `Could not open warehouse ${path}: DuckDB refused the settings ${given} (memory_limit takes a size such as 1GB or 512MB, threads a whole number ≥ 1; from --memory-limit / DUCKDB_MEMORY_LIMIT and --threads / DUCKDB_THREADS)`,
      'other',
      { cause },
    );
  }
  const lock =
    /Could not set lock on file .*Conflicting lock is held in (.*?)(?: \(PID (\d+)\))?\./.exec(
      message,
    );
  if (lock) {
    const holder = lock[2] ? `process ${lock[2]} (${lock[1]})` : 'another process';
    return new WarehouseError(
      `Warehouse ${path} is in use by ${holder}: only one process may open it at a time. ` +
        'Wait for the running build or session to finish, then try again.',
      'busy',
      { cause },
    );
  }
  if (/database does not exist/.test(message)) {
    return missingWarehouseError(path, cause);
  }
  return new WarehouseError(`Could not open warehouse ${path}: ${message}`, 'other', { cause });
}
