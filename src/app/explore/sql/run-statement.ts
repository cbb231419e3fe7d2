import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { toSqlError } from '../../../base/warehouse/sql-error.js';

/** A result column: its name and DuckDB type as DuckDB writes it (`BIGINT`, `DECIMAL(18,2)`). */
export interface ResultColumn {
  readonly name: string;
  readonly type: string;
  /** The type object, needed to convert values (JSON output). */
  readonly duckdbType: DuckDBType;
}

/** What one statement produced, with at most `maxRows` rows kept in memory. */
export interface StatementResult {
  /** The statement's text as run. */
  readonly sql: string;
  /** `rows` for queries and DML that report counts, `nothing` for DDL, SET, transactions. */
  readonly kind: 'rows' | 'nothing';
  readonly columns: readonly ResultColumn[];
  /** The first `maxRows` rows (all rows when no limit), as DuckDB values in column order. */
  readonly rows: readonly (readonly DuckDBValue[])[];
  /** The number of rows the statement returned in total (may exceed `rows.length`). */
  readonly totalRows: number;
  /** Wall-clock time of the statement including fetching, in milliseconds. */
  readonly elapsedMs: number;
}

/**
 * Runs one statement, streaming its result so that only the first `maxRows` rows are kept
 * (the rest are counted, not converted). `maxRows` null (the default) keeps every row.
 * DuckDB's errors become {@link SqlError}; a write refused by a read-only warehouse says to
 * pass `--write`.
 */
export async function runStatement(
  connection: DuckDBConnection,
  sql: string,
  maxRows: number | null = null,
): Promise<StatementResult> {
  const started = performance.now();
  try {
    const result = await connection.stream(sql);
    const columns = result.columnNames().map((name, i) => {
      const duckdbType = result.columnType(i);
      return { name, type: duckdbType.toString(), duckdbType };
    });
    // ResultType: 1 CHANGED_ROWS, 2 NOTHING, 3 QUERY_RESULT.
    const kind = (result.returnType as number) === 2 ? 'nothing' : 'rows';
    const rows: DuckDBValue[][] = [];
    let totalRows = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const room = maxRows === null ? chunk.rowCount : Math.max(0, maxRows - rows.length);
      if (room > 0) {
        const chunkRows = chunk.getRows();
        rows.push(...(room >= chunkRows.length ? chunkRows : chunkRows.slice(0, room)));
      }
      totalRows += chunk.rowCount;
    }
    return { sql, kind, columns, rows, totalRows, elapsedMs: performance.now() - started };
  } catch (cause) {
    throw toSqlError(cause);
  }
}

/** Where a SQL session's statements run: the warehouse file, or a live consumer's endpoint. */
export interface StatementRunner {
  /** Runs one statement, keeping at most `maxRows` rows (`null`: all); fails with `SqlError`. */
  run(sql: string, maxRows: number | null): Promise<StatementResult>;
  /** Asks the running statement to stop. */
  interrupt(): void;
}

/** Statements on a DuckDB connection (see {@link runStatement}). */
export class DuckDbStatements implements StatementRunner {
  constructor(readonly connection: DuckDBConnection) {}

  run(sql: string, maxRows: number | null): Promise<StatementResult> {
    return runStatement(this.connection, sql, maxRows);
  }

  interrupt(): void {
    this.connection.interrupt();
  }
}
