import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { pgColumn, pgText, type PgColumn } from './pg-types.js';
import { fromDuckDbError, QueryRefused } from './query-refused.js';

/** How long a statement may run and how much it may return. */
export interface QueryBounds {
  /** Milliseconds before the statement is interrupted. */
  readonly timeoutMs: number;
  /** Rows a result may hold; a larger one is an error, never cut silently. */
  readonly maxRows: number;
  /** Bytes of text a result may hold (the values as sent), for the same reason. */
  readonly maxBytes: number;
}

/** A statement's result, ready for the wire. */
export interface BoundedResult {
  readonly columns: readonly PgColumn[];
  readonly rows: readonly (readonly (string | null)[])[];
  /** The CommandComplete tag, e.g. `SELECT 3`. */
  readonly tag: string;
}

/**
 * The columns a prepared statement will return, known before it runs (for Describe). DuckDB
 * reports EXPLAIN's as well.
 */
export function describeColumns(prepared: DuckDBPreparedStatement): PgColumn[] {
  const columns: PgColumn[] = [];
  for (let i = 0; i < prepared.columnCount; i++) {
    columns.push(pgColumn(prepared.columnName(i), prepared.columnType(i)));
  }
  return columns;
}

/**
 * Runs a prepared (and bound) statement in a read-only transaction of its own, so it sees the
 * micro-batches committed when it starts and nothing later, and cannot write even where DuckDB
 * types a writing statement as a read (`EXPLAIN ANALYZE INSERT …`, `nextval`). Interrupts it after
 * `timeoutMs`; stops reading at the first chunk past a bound and refuses the result.
 */
export async function runBounded(
  connection: DuckDBConnection,
  prepared: DuckDBPreparedStatement,
  bounds: QueryBounds,
): Promise<BoundedResult> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, bounds.timeoutMs);
  try {
    await connection.run('begin transaction read only');
    try {
      return await readAll(prepared, bounds);
    } finally {
      // A rollback that fails (the statement's own failure ended the transaction) must not hide
      // why the statement failed.
      await connection.run('rollback').catch(() => undefined);
    }
  } catch (cause) {
    if (timedOut) {
      throw new QueryRefused(
        `the statement ran past the endpoint's timeout of ${bounds.timeoutMs / 1000} s and was stopped (the consumer's --query-timeout)`,
        '57014',
        { cause },
      );
    }
    throw fromDuckDbError(cause);
  } finally {
    clearTimeout(timer);
  }
}

async function readAll(
  prepared: DuckDBPreparedStatement,
  bounds: QueryBounds,
): Promise<BoundedResult> {
  const result = await prepared.stream();
  const columns = describeColumns(prepared);
  const rows: (string | null)[][] = [];
  let bytes = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    if (rows.length + chunk.rowCount > bounds.maxRows) {
      throw new QueryRefused(
        `the result has more than ${bounds.maxRows} rows, the endpoint's bound (the consumer's --query-max-rows): aggregate, filter or add a limit`,
        '54000',
      );
    }
    for (const row of chunk.getRows()) {
      const cells = row.map(pgText);
      for (const cell of cells) bytes += cell === null ? 0 : Buffer.byteLength(cell);
      rows.push(cells);
    }
    if (bytes > bounds.maxBytes) {
      throw new QueryRefused(
        `the result holds more than ${bounds.maxBytes} bytes of text, the endpoint's bound: select fewer columns or rows`,
        '54000',
      );
    }
  }
  return { columns, rows, tag: `SELECT ${rows.length}` };
}
