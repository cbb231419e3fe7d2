import { Relation } from '../../base/warehouse/relation.js';
import type { ModelNode } from '../graph/graph-node.js';
import { quoteIdentifier } from '../../base/warehouse/quote.js';
import { assertContract, contractDefinitions } from './contract.js';
import { MaterializeError } from './materialize-error.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';

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
  node: ModelNode,
  target: string,
  select: string,
): Promise<number> {
  const compression = node.resolved.columnCompression;
  if (node.resolved.contractEnforced) {
    const contract = await assertContract(sql, node, select);
    const names = contract.map((column) => quoteIdentifier(column.name)).join(', ');
    return replaceDeclared(
      sql,
      node,
      target,
      contractDefinitions(contract, compression),
      `insert into {staging} (${names})\nselect ${names} from (\n${select}\n)`,
    );
  }
  if (compression.size === 0) {
    return sql.createTableAs(`create or replace table ${target} as (\n${select}\n)`);
  }
  const described = await sql.rows(`describe (\n${select}\n)`);
  const columns = described.map((row) => ({
    name: String(row['column_name']),
    type: String(row['column_type']),
  }));
  // The parser has checked the setting's shape; whether the columns exist is known only here.
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
  return replaceDeclared(
    sql,
    node,
    target,
    definitions,
    `insert into {staging}\nselect * from (\n${select}\n)`,
  );
}

/**
 * Declares a table under a staging name, fills it with `insert` (`{staging}` in it names the
 * table), and renames it over `target`, in the caller's transaction.
 */
async function replaceDeclared(
  sql: SqlExecutor,
  node: ModelNode,
  target: string,
  definitions: readonly string[],
  insert: string,
): Promise<number> {
  const { relation } = node;
  const stagingName = `${relation.identifier}__dbt_new`;
  const staging = new Relation(relation.schema, stagingName).render();
  await sql.run(`create or replace table ${staging} (\n    ${definitions.join(',\n    ')}\n)`);
  const rows = await sql.run(insert.replace('{staging}', staging));
  await sql.run(`drop table if exists ${target}`);
  await sql.run(`alter table ${staging} rename to ${quoteIdentifier(relation.identifier)}`);
  return rows;
}
