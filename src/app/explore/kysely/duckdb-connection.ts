import type {
  DuckDBConnection as NodeApiConnection,
  DuckDBType,
  DuckDBValue,
} from '@duckdb/node-api';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { toSqlError } from '../../../base/warehouse/sql-error.js';
import { toDuckDbParameter, toDuckDbParameterType, toKyselyValue } from './kysely-values.js';

// DuckDB StatementType values that change rows (INSERT 2, UPDATE 3, DELETE 5, MERGE_INTO 30).
const CHANGING_STATEMENTS = new Set([2, 3, 5, 30]);

/**
 * One Kysely connection over a `@duckdb/node-api` connection. Parameters are bound positionally
 * (`$1, $2` from Kysely's PostgreSQL compiler, which DuckDB accepts) after conversion by
 * {@link toDuckDbParameter}; rows come back converted by {@link toKyselyValue}. DuckDB errors
 * are rethrown as `SqlError` with DuckDB's message (and its `LINE 1: … ^` marker).
 */
export class DuckDbConnection implements DatabaseConnection {
  readonly #connection: NodeApiConnection;

  constructor(connection: NodeApiConnection) {
    this.#connection = connection;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const [params, types] = bindings(compiledQuery);
      const result = await this.#connection.run(compiledQuery.sql, params, types);
      const changing = CHANGING_STATEMENTS.has(result.statementType as number);
      // ResultType 1 = CHANGED_ROWS: a single "Count" column, not rows for the caller.
      if ((result.returnType as number) === 1) {
        return { rows: [], numAffectedRows: BigInt(result.rowsChanged) };
      }
      const rows = (await result.convertRowObjects(toKyselyValue)) as R[];
      return changing ? { rows, numAffectedRows: BigInt(rows.length) } : { rows };
    } catch (cause) {
      throw toSqlError(cause);
    }
  }

  /** Streams rows in chunks of DuckDB's vector size (2048) regrouped to `chunkSize` (default 100). */
  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0)
      throw new Error('chunkSize must be a positive integer');
    let result;
    try {
      const [params, types] = bindings(compiledQuery);
      result = await this.#connection.stream(compiledQuery.sql, params, types);
    } catch (cause) {
      throw toSqlError(cause);
    }
    let pending: R[] = [];
    for await (const rows of result.yieldConvertedRowObjects(toKyselyValue)) {
      pending.push(...(rows as R[]));
      while (pending.length >= chunkSize) {
        yield { rows: pending.slice(0, chunkSize) };
        pending = pending.slice(chunkSize);
      }
    }
    if (pending.length > 0) yield { rows: pending };
  }
}

/** A query's parameters as DuckDB values, with the LIST and STRUCT types to bind them with. */
function bindings(
  compiledQuery: CompiledQuery,
): [DuckDBValue[] | undefined, DuckDBType[] | undefined] {
  if (compiledQuery.parameters.length === 0) return [undefined, undefined];
  const types = compiledQuery.parameters.map(toDuckDbParameterType);
  return [
    compiledQuery.parameters.map((value, i) => toDuckDbParameter(value, types[i])),
    // An undefined entry lets the node API infer that parameter's type, as without `types`.
    types.some((t) => t !== undefined) ? (types as DuckDBType[]) : undefined,
  ];
}
