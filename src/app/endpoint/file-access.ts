import type { DuckDBConnection } from '@duckdb/node-api';
import { fromDuckDbError, QueryRefused } from './query-refused.js';

/**
 * The table functions a reader may call: generators and the catalog. Every other one is refused,
 * since DuckDB's read files (`read_*`, `parquet_*`, `glob`, `sniff_csv`), run SQL given as text or
 * as a plan (`query`, `query_table`, `json_execute_serialized_sql`, the `histogram` macros built on
 * them), write files (`enable_profiling`, `enable_logging`) or change the database (`checkpoint`).
 */
const ALLOWED_TABLE_FUNCTIONS = new Set([
  'range',
  'generate_series',
  'unnest',
  'repeat',
  'repeat_row',
  'json_each',
  'json_tree',
  'summary',
  'duckdb_columns',
  'duckdb_constraints',
  'duckdb_databases',
  'duckdb_dependencies',
  'duckdb_functions',
  'duckdb_indexes',
  'duckdb_keywords',
  'duckdb_schemas',
  'duckdb_sequences',
  'duckdb_tables',
  'duckdb_types',
  'duckdb_views',
  'pragma_table_info',
  'pragma_show',
  'pragma_version',
  'pragma_platform',
  'pragma_collations',
  'pragma_database_size',
  'pragma_storage_info',
  'icu_calendar_names',
  'pg_timezone_names',
]);
/** Scalar functions that tell the machine's configuration (directories, secrets' settings). */
const REFUSED_FUNCTIONS = new Set(['current_setting', 'getenv']);
/** A name DuckDB would read as a file (a replacement scan): a path or a data file's name. */
const FILE_LIKE =
  /[/\\~]|:\/\/|\.(csv|tsv|txt|json|jsonl|ndjson|parquet|gz|zst|xlsx?|arrow|avro|duckdb|db)$/i;

interface Reads {
  readonly tableFunctions: string[];
  readonly functions: string[];
  readonly tables: string[];
}

/** The table functions, functions and tables (catalog.schema.table as DuckDB joins them) a query names. */
function readsOf(node: unknown, out: Reads): void {
  if (Array.isArray(node)) {
    for (const item of node) readsOf(item, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record['type'] === 'TABLE_FUNCTION') {
    const name = (record['function'] as { function_name?: unknown } | undefined)?.function_name;
    if (typeof name === 'string') out.tableFunctions.push(name.toLowerCase());
  } else if (typeof record['function_name'] === 'string') {
    out.functions.push(record['function_name'].toLowerCase());
  }
  if (record['type'] === 'BASE_TABLE' && typeof record['table_name'] === 'string') {
    const parts = [record['catalog_name'], record['schema_name'], record['table_name']];
    out.tables.push(parts.filter((part) => typeof part === 'string' && part !== '').join('.'));
  }
  for (const value of Object.values(record)) readsOf(value, out);
}

/**
 * Checks a reader's query, before DuckDB binds it (binding already opens the files it names), for
 * anything that would read or write the machine's files or tell its configuration: DuckDB lets any
 * connection do so, and the switches that stop it (`enable_external_access`,
 * `disabled_filesystems`) are global, so they would stop the consumer's own landing too. The query
 * is read as DuckDB parses it (`json_serialize_sql`): only the table functions listed above, no
 * table named like a file, no `current_setting`. Throws a {@link QueryRefused} naming what it met;
 * returns false when DuckDB cannot serialize the statement (anything but a plain query: the caller
 * refuses it by its type).
 */
export async function checkFileAccess(connection: DuckDBConnection, sql: string): Promise<boolean> {
  let ast: Record<string, unknown>;
  try {
    const prepared = await connection.prepare('select json_serialize_sql($1::varchar)');
    prepared.bindVarchar(1, sql);
    const reader = await prepared.runAndReadAll();
    prepared.destroySync();
    ast = JSON.parse(String(reader.getRows()[0]?.[0])) as Record<string, unknown>;
  } catch (cause) {
    throw fromDuckDbError(cause);
  }
  if (ast['error'] === true) return false;
  const reads: Reads = { tableFunctions: [], functions: [], tables: [] };
  readsOf(ast['statements'], reads);
  const refused =
    reads.tableFunctions.find((name) => !ALLOWED_TABLE_FUNCTIONS.has(name))?.concat('()') ??
    reads.functions.find((name) => REFUSED_FUNCTIONS.has(name))?.concat('()') ??
    reads.tables.find((name) => FILE_LIKE.test(name));
  if (refused !== undefined) {
    throw new QueryRefused(
      `the live warehouse is read-only through the consumer's endpoint, and reads its own tables, never files or settings: ${refused} is refused`,
      '42501',
    );
  }
  return true;
}
