import { Relation } from '../../base/warehouse/relation.js';
import type { GraphNode } from '../graph/graph-node.js';
import { quoteIdentifier } from '../../base/warehouse/quote.js';
import { MaterializeError } from './materialize-error.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';

/**
 * A model's `column_compression` config: column name → DuckDB compression method (`fsst`,
 * `dictionary`, `rle`, `bitpacking`, `uncompressed`, …), as in DuckDB's
 * `create table t (c varchar using compression fsst)`.
 *
 * Why: when DuckDB writes a row group it first analyses every compression method for every column
 * and keeps the best. Declaring the method a column always ends up with skips that analysis for
 * every row group written to it, by this build and by every incremental append after it (the
 * landing table does the same: src/app/landing/landing-schema.ts).
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
 * `column_compression` this is `create or replace table … as`; with it, a new table is declared
 * column by column (the SELECT's own names and types, from DESCRIBE) with the chosen methods
 * under a staging name (`<identifier>__dbt_new`), filled with `insert into … select`, and renamed
 * over the old one, in the caller's transaction. Same rows, same order; and, as with
 * `create or replace table … as`, a SELECT that reads `{{ this }}` reads the previous version.
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
  const relation = node.relation!;
  const stagingName = `${relation.identifier}__dbt_new`;
  const staging = new Relation(relation.schema, stagingName).render();
  await sql.run(`create or replace table ${staging} (\n    ${definitions.join(',\n    ')}\n)`);
  const rows = await sql.run(`insert into ${staging}\nselect * from (\n${select}\n)`);
  await sql.run(`drop table if exists ${target}`);
  await sql.run(`alter table ${staging} rename to ${quoteIdentifier(relation.identifier)}`);
  return rows;
}
