import type { GraphNode } from '../graph/graph-node.js';
import { quoteIdentifier } from '../warehouse/quote.js';
import { MaterializeError } from './materialize-error.js';
import type { SqlExecutor } from './sql-executor.js';

/**
 * A model's `column_compression` config: column name → DuckDB compression method (`fsst`,
 * `dictionary`, `rle`, `bitpacking`, `uncompressed`, …), as in DuckDB's
 * `create table t (c varchar using compression fsst)`.
 *
 * Why: when DuckDB writes a row group it first analyses every compression method for every column
 * and keeps the best. Declaring the method a column always ends up with skips that analysis for
 * every row group written to it, by this build and by every incremental append after it (the
 * landing table does the same: src/landing/landing-schema.ts).
 */
export function columnCompression(node: GraphNode): Map<string, string> {
  const value = node.config['column_compression'];
  const methods = new Map<string, string>();
  if (value === undefined || value === null) return methods;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new MaterializeError(
      `model "${node.name}": column_compression must map column names to compression methods, e.g. {payload: 'fsst'}`,
    );
  }
  for (const [column, method] of Object.entries(value as Record<string, unknown>)) {
    if (typeof method !== 'string' || !/^[A-Za-z_]+$/.test(method)) {
      throw new MaterializeError(
        `model "${node.name}": column_compression for column "${column}" must be a compression method name such as 'fsst' or 'dictionary', got ${JSON.stringify(method)}`,
      );
    }
    methods.set(column, method.toLowerCase());
  }
  return methods;
}

/**
 * Creates (or replaces) `target` from the model's SELECT and returns its row count. Without
 * `column_compression` this is `create or replace table … as`; with it, the table is declared
 * column by column (the SELECT's own names and types, from DESCRIBE) with the chosen methods, then
 * filled with `insert into … select`, in the caller's transaction. Same rows, same order.
 */
export async function createTable(
  sql: SqlExecutor,
  node: GraphNode,
  target: string,
  select: string,
): Promise<number> {
  const compression = columnCompression(node);
  if (compression.size === 0) {
    return sql.createTableAs(`create or replace table ${target} as (\n${select}\n)`);
  }
  const described = await sql.rows(`describe (\n${select}\n)`);
  const columns = described.map((row) => ({
    name: String(row['column_name']),
    type: String(row['column_type']),
  }));
  const unknown = [...compression.keys()].filter((name) => !columns.some((c) => c.name === name));
  if (unknown.length > 0) {
    throw new MaterializeError(
      `model "${node.name}": column_compression names ${unknown.map((c) => `"${c}"`).join(', ')}, not among the model's columns (${columns.map((c) => c.name).join(', ')})`,
    );
  }
  const definitions = columns.map((column) => {
    const method = compression.get(column.name);
    return `${quoteIdentifier(column.name)} ${column.type}${method ? ` using compression ${method}` : ''}`;
  });
  await sql.run(`create or replace table ${target} (\n    ${definitions.join(',\n    ')}\n)`);
  return sql.run(`insert into ${target}\nselect * from (\n${select}\n)`);
}
