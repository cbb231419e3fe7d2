import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Runs `work` in one transaction on `connection`: committed when it returns, rolled back when it
 * throws (the error is rethrown). `record` sees the statements that shape the transaction, for
 * callers that keep a log of what they executed.
 */
export async function inTransaction<T>(
  connection: DuckDBConnection,
  work: () => Promise<T>,
  record: (sql: string) => void = () => {},
): Promise<T> {
  record('begin transaction');
  await connection.run('begin transaction');
  try {
    const result = await work();
    record('commit');
    await connection.run('commit');
    return result;
  } catch (error) {
    // A failed statement may have aborted the transaction already; the first error is the one to report.
    await connection.run('rollback').catch(() => undefined);
    throw error;
  }
}
