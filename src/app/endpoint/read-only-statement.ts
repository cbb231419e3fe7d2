import {
  StatementType,
  type DuckDBConnection,
  type DuckDBExtractedStatements,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { refuseFileReads } from './file-access.js';
import { fromDuckDbError, QueryRefused } from './query-refused.js';

/**
 * The statement types a reader may run, as DuckDB reports them for a prepared statement. SELECT
 * covers what DuckDB rewrites into a query: `SHOW`, `DESCRIBE`, `SUMMARIZE`, `FROM t`, `VALUES`,
 * and the table-valued pragmas (`PRAGMA table_info`, `PRAGMA version`). EXPLAIN is allowed for
 * plans; an `EXPLAIN ANALYZE` of a write reports EXPLAIN too, and fails on the read-only
 * transaction every statement runs in. CALL, PRAGMA (settings), SET, COPY, ATTACH, EXPORT and all
 * writes are refused: `SELECT * FROM fn()` reads what a CALL would.
 */
const READ_TYPES: ReadonlySet<StatementType> = new Set([
  StatementType.SELECT,
  StatementType.EXPLAIN,
]);

/**
 * Prepares `sql` on `connection` when it is one statement of a read type; refuses anything else
 * with a {@link QueryRefused} naming the type DuckDB reports; `null` for an empty query (only
 * comments or `;`). The text is never inspected: DuckDB counts the statements and types each one.
 * The caller owns the returned statement (`destroySync()` it).
 */
export async function prepareReadOnly(
  connection: DuckDBConnection,
  sql: string,
): Promise<DuckDBPreparedStatement | null> {
  let prepared: DuckDBPreparedStatement;
  try {
    const statements = await extract(connection, sql);
    if (statements === null || statements.count === 0) return null;
    if (statements.count > 1) {
      throw new QueryRefused(
        `the consumer's endpoint runs one statement per query, this one holds ${statements.count}: send them one at a time`,
        '0A000',
      );
    }
    prepared = await statements.prepare(0);
  } catch (cause) {
    throw fromDuckDbError(cause);
  }
  if (READ_TYPES.has(prepared.statementType)) {
    try {
      await refuseFileReads(connection, sql, prepared.statementType === StatementType.EXPLAIN);
    } catch (error) {
      prepared.destroySync();
      throw error;
    }
    return prepared;
  }
  const type = StatementType[prepared.statementType] ?? String(prepared.statementType);
  prepared.destroySync();
  throw new QueryRefused(
    `the live warehouse is read-only through the consumer's endpoint: ${type} statements are refused`,
    '25006',
  );
}

/**
 * DuckDB's statements of `sql`, or `null` when there are none: the node binding rejects a text of
 * only white space, comments or `;` with this one generic message (a syntax error has DuckDB's
 * parser message instead).
 */
async function extract(
  connection: DuckDBConnection,
  sql: string,
): Promise<DuckDBExtractedStatements | null> {
  try {
    return await connection.extractStatements(sql);
  } catch (cause) {
    if (cause instanceof Error && cause.message === 'Error in native callback') return null;
    throw cause;
  }
}
