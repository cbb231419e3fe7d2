import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier } from '../../src/base/warehouse/quote.js';

/** `count(*)` of a table, as a number (0 when the table does not exist and `missingIsZero`). */
export async function countRows(
  connection: DuckDBConnection,
  table: string,
  missingIsZero = false,
): Promise<number> {
  if (missingIsZero) {
    const found = await connection.runAndReadAll(
      'select count(*) as n from information_schema.tables where table_name = $name',
      { name: table },
    );
    if (Number(found.getRowObjects()[0]?.['n'] ?? 0) === 0) return 0;
  }
  const reader = await connection.runAndReadAll(
    `select count(*) as n from ${quoteIdentifier(table)}`,
  );
  return Number(reader.getRowObjects()[0]?.['n'] ?? 0);
}

/** The first column of the first row of a query, as a number. */
export async function queryNumber(connection: DuckDBConnection, sql: string): Promise<number> {
  const reader = await connection.runAndReadAll(sql);
  const value = reader.getRows()[0]?.[0];
  return value === null || value === undefined ? 0 : Number(value);
}
