import type { DuckDBConnection } from '@duckdb/node-api';
import { fromDuckDbError, QueryRefused } from './query-refused.js';

/** Table functions that read files or run SQL they are handed as text (which could read files). */
const FILE_FUNCTION = /^(read_|parquet_)|_scan$|^(glob|sniff_csv|query|query_table)$/i;
/** A table name DuckDB would read as a file (a replacement scan): a path or a data file's name. */
const FILE_LIKE_TABLE =
  /[/\\~]|:\/\/|\.(csv|tsv|txt|json|jsonl|ndjson|parquet|gz|zst|xlsx?|arrow|avro)$/i;

/** The names of the table functions and tables a serialized query reads. */
function readsOf(node: unknown, out: { functions: string[]; tables: string[] }): void {
  if (Array.isArray(node)) {
    for (const item of node) readsOf(item, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record['type'] === 'TABLE_FUNCTION') {
    const name = (record['function'] as { function_name?: unknown } | undefined)?.function_name;
    if (typeof name === 'string') out.functions.push(name);
  }
  if (record['type'] === 'BASE_TABLE' && typeof record['table_name'] === 'string')
    out.tables.push(record['table_name']);
  for (const value of Object.values(record)) readsOf(value, out);
}

/** The statement an EXPLAIN explains, or undefined when the text does not start as one. */
function explained(sql: string): string | undefined {
  const prefix = /^\s*explain\s+(?:analy[sz]e\s+)?(?:\([^)]*\)\s*)?/i.exec(sql);
  return prefix ? sql.slice(prefix[0].length) : undefined;
}

/**
 * Refuses a reader's query that would read the machine's files: DuckDB reads files for any
 * connection (`read_text('/etc/…')`, `select * from 'x.csv'`), and the only switches that stop it
 * (`enable_external_access`, `disabled_filesystems`) are global, which would stop the consumer's
 * own landing too. So the query is checked as DuckDB parses it (`json_serialize_sql`): no table
 * function that reads files or runs SQL text, no table named like a file. A query DuckDB cannot
 * serialize (a PRAGMA, PIVOT, or an EXPLAIN of anything but a query) cannot be checked and is
 * refused with the reason.
 */
export async function refuseFileReads(
  connection: DuckDBConnection,
  sql: string,
  isExplain: boolean,
): Promise<void> {
  const target = isExplain ? explained(sql) : sql;
  let ast: Record<string, unknown> | undefined;
  if (target !== undefined) {
    try {
      const prepared = await connection.prepare('select json_serialize_sql($1::varchar)');
      prepared.bindVarchar(1, target);
      const reader = await prepared.runAndReadAll();
      prepared.destroySync();
      ast = JSON.parse(String(reader.getRows()[0]?.[0])) as Record<string, unknown>;
    } catch (cause) {
      throw fromDuckDbError(cause);
    }
  }
  if (!ast || ast['error'] === true) {
    throw new QueryRefused(
      `the live warehouse is read-only through the consumer's endpoint, which checks each query for file access and cannot check this form${isExplain ? ' (an EXPLAIN of anything but a query)' : ' (a PRAGMA or PIVOT)'}: write it as a SELECT`,
      '42501',
    );
  }
  const reads = { functions: [] as string[], tables: [] as string[] };
  readsOf(ast['statements'], reads);
  const fn = reads.functions.find((name) => FILE_FUNCTION.test(name));
  const table = reads.tables.find((name) => FILE_LIKE_TABLE.test(name));
  if (fn !== undefined || table !== undefined) {
    throw new QueryRefused(
      `the live warehouse is read-only through the consumer's endpoint, and reads its own tables, never files: ${fn !== undefined ? `${fn}()` : `'${table}'`} is refused`,
      '42501',
    );
  }
}
