import {
  StatementType,
  type DuckDBConnection,
  type DuckDBExtractedStatements,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { checkFileAccess } from './file-access.js';
import { fromDuckDbError, QueryRefused } from './query-refused.js';

/**
 * The statement types a reader may run, as DuckDB reports them for a prepared statement, once the
 * query passed the file check (file-access.ts). SELECT covers what DuckDB rewrites into a query:
 * `SHOW`, `DESCRIBE`, `SUMMARIZE`, `FROM t`, `VALUES`. An EXPLAIN, a PRAGMA or a PIVOT cannot be
 * checked and is refused with that reason. CALL, SET, COPY, ATTACH, EXPORT and all writes are
 * refused by their type: `SELECT * FROM fn()` reads what a CALL would.
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
  let statements: DuckDBExtractedStatements | null;
  try {
    statements = await extract(connection, sql);
  } catch (cause) {
    throw fromDuckDbError(cause);
  }
  if (statements === null || statements.count === 0) return null;
  if (statements.count > 1) {
    throw new QueryRefused(
      `the consumer's endpoint runs one statement per query, this one holds ${statements.count}: send them one at a time`,
      '0A000',
    );
  }
  // Checked before it is prepared: binding a query already opens the files it names.
  const checked = await checkFileAccess(connection, sql);
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await statements.prepare(0);
  } catch (cause) {
    // DuckDB's own message about a statement it could not check could tell what a file holds.
    if (!checked)
      throw new QueryRefused(
        "the live warehouse is read-only through the consumer's endpoint: this statement is refused",
        '25006',
      );
    throw fromDuckDbError(cause);
  }
  const statementType = prepared.statementType;
  const type = StatementType[statementType] ?? String(statementType);
  if (checked && READ_TYPES.has(statementType)) return prepared;
  prepared.destroySync();
  if (READ_TYPES.has(statementType)) {
    throw new QueryRefused(
      `the live warehouse is read-only through the consumer's endpoint, which checks each query for file access and cannot check this ${type} (a PRAGMA, PIVOT or EXPLAIN): write it as a SELECT`,
      '42501',
    );
  }
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
