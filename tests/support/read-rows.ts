import type { DuckDBConnection } from '@duckdb/node-api';
import { readScalar } from '../../src/base/warehouse/read-scalar.js';

/** Rows as plain JSON values (BIGINTs and DECIMALs as strings, timestamps as text). */
export async function readRows(
  connection: DuckDBConnection,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** The first column of the first row (a count, say), as a number. */
export async function readCount(connection: DuckDBConnection, sql: string): Promise<number> {
  return Number(await readScalar(connection, sql));
}

/** {@link readCount} of each query, in order: one number per query. */
export async function readCounts<const T extends readonly string[]>(
  connection: DuckDBConnection,
  queries: T,
): Promise<{ -readonly [K in keyof T]: number }> {
  const counts: number[] = [];
  for (const sql of queries) counts.push(await readCount(connection, sql));
  return counts as { -readonly [K in keyof T]: number };
}
