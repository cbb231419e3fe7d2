import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

/** The first column of the first row of `sql`'s result, or undefined when it returns no row. */
export async function readScalar(
  connection: DuckDBConnection,
  sql: string,
): Promise<DuckDBValue | undefined> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRows()[0]?.[0];
}
