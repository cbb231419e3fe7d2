import type { DuckDBConnection } from '@duckdb/node-api';
import { inTransaction } from './in-transaction.js';

/**
 * Runs statements on one connection and remembers them, so the runner can write what it executed
 * to `target/run/`. `rowsChanged` is DuckDB's count for INSERT/UPDATE/DELETE/MERGE.
 */
export class SqlExecutor {
  readonly executed: string[] = [];

  constructor(readonly connection: DuckDBConnection) {}

  /** Runs one or more statements; returns DuckDB's changed-row count. */
  async run(sql: string): Promise<number> {
    this.executed.push(sql);
    const result = await this.connection.run(sql);
    return Number(result.rowsChanged);
  }

  /**
   * Runs a `create table … as` statement and returns the rows it wrote, from the `Count` DuckDB
   * returns for it (no second query over the new table).
   */
  async createTableAs(sql: string): Promise<number> {
    this.executed.push(sql);
    const reader = await this.connection.runAndReadAll(sql);
    const count = reader.columnNames()[0] === 'Count' ? reader.getRows()[0]?.[0] : undefined;
    if (typeof count !== 'bigint' && typeof count !== 'number') {
      throw new Error(`expected DuckDB's row count from a create table as statement: ${sql}`);
    }
    return Number(count);
  }

  /** Runs a query and returns its rows as JSON-friendly objects. */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  }

  /**
   * A query's whole result for templates: numbers as numbers (a BIGINT beyond 2^53 as text),
   * dates and times as DuckDB prints them, lists as lists. Not recorded in `executed`: it reads,
   * it does not build.
   */
  async table(sql: string): Promise<{
    columnNames: string[];
    columnTypes: string[];
    rows: unknown[][];
  }> {
    const reader = await this.connection.runAndReadAll(sql);
    const json = reader.getRowsJson();
    const rows = reader.getRowsJS().map((row, r) =>
      row.map((value, c) => {
        if (typeof value === 'bigint')
          return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
        if (value === null || ['number', 'string', 'boolean'].includes(typeof value)) return value;
        return json[r]![c];
      }),
    );
    return {
      columnNames: reader.columnNames(),
      columnTypes: reader.columnTypes().map(String),
      rows,
    };
  }

  /** Column names and types of a query's result, without running it for rows. */
  async columns(sql: string): Promise<{ name: string; type: string }[]> {
    const reader = await this.connection.runAndReadAll(
      `select * from (${sql}) as dbt_columns limit 0`,
    );
    const types = reader.columnTypes();
    return reader.columnNames().map((name, i) => ({ name, type: types[i]!.toString() }));
  }

  /** Runs `work` in one transaction (see {@link inTransaction}), recording its `begin` and `commit`. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return inTransaction(this.connection, work, (sql) => this.executed.push(sql));
  }
}
