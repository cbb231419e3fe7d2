import { nodeOfKind, type GraphNode, type ModelNode } from '../graph/graph-node.js';
import { quoteIdentifier } from '../../base/warehouse/quote.js';
import type { HookStatements } from './hook-statements.js';
import { applyIncrementalStrategy } from './incremental-strategies.js';
import { dropCheckpoints } from '../data-test/test-checkpoint.js';
import { assertContract } from './contract.js';
import { createTable } from './create-table.js';
import { MaterializeError } from './materialize-error.js';
import type { RelationKind } from '../../base/warehouse/relation-kind.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';

/** What building one model needs besides the connection. */
export interface MaterializeInput {
  /** A model node (any other kind is an internal error). */
  readonly node: GraphNode;
  /** The model's rendered SELECT (ephemeral CTEs inlined). */
  readonly sql: string;
  /** Rendered `pre_hook`/`post_hook` statements, run inside the model's transaction. */
  readonly preHooks: HookStatements;
  readonly postHooks: HookStatements;
  /** What exists under the model's name now. */
  readonly existing: RelationKind;
  /** True when the incremental model should apply its strategy (table exists, no full refresh). */
  readonly incremental: boolean;
}

/** The outcome of a model build: rows affected (when known) and a dbt-style adapter message. */
export interface MaterializeResult {
  readonly rowsAffected: number | null;
  /** `CREATE VIEW`, `SELECT 12`, `INSERT 5`, `MERGE 5`, `DELETE+INSERT 5`. */
  readonly message: string;
}

/**
 * Builds a model in one transaction (`begin` … `commit`, `rollback` on error), so a failure leaves
 * the previous version of the relation intact:
 * - `view`: `create or replace view`;
 * - `table` (and incremental first build / `--full-refresh`): `create or replace table … as`, or
 *   a declared table filled by `insert … select` when `column_compression` is set (create-table.ts);
 * - `incremental`: the new rows go to a temp table, are checked (columns vs the target, one row
 *   per `unique_key`), then applied with `append` (default without `unique_key`), `merge` or
 *   `delete+insert` (default with `unique_key`). `on_schema_change`: `fail` (default), `ignore`,
 *   `append_new_columns`, `sync_all_columns`.
 * A view or a table built from scratch drops the checkpoints of its tests that check only new rows
 * (`new_rows_by`), in the same transaction.
 */
export async function materializeModel(
  sql: SqlExecutor,
  input: MaterializeInput,
): Promise<MaterializeResult> {
  const node = nodeOfKind(input.node, 'model');
  const { relation, materialized } = node;
  const target = relation.render();
  return sql.transaction(async () => {
    await sql.run(`create schema if not exists ${quoteIdentifier(relation.schema)}`);
    for (const hook of await input.preHooks()) await sql.run(hook);
    let result: MaterializeResult;
    if (materialized === 'view') {
      if (node.resolved.contractEnforced) await assertContract(sql, node, input.sql);
      if (input.existing === 'table') await sql.run(`drop table ${target}`);
      await sql.run(`create or replace view ${target} as (\n${input.sql}\n)`);
      await dropCheckpoints(sql, target);
      result = { rowsAffected: null, message: 'CREATE VIEW' };
    } else if (materialized === 'table' || !input.incremental) {
      if (input.existing === 'view') await sql.run(`drop view ${target}`);
      const rows = await createTable(sql, node, target, input.sql);
      // Rebuilt from scratch: its tests' checkpoints describe rows that are gone.
      await dropCheckpoints(sql, target);
      result = { rowsAffected: rows, message: `SELECT ${rows}` };
    } else {
      if (node.resolved.contractEnforced) await assertContract(sql, node, input.sql);
      result = await applyIncremental(sql, node, input.sql, target);
    }
    for (const hook of await input.postHooks()) await sql.run(hook);
    return result;
  });
}

async function applyIncremental(
  sql: SqlExecutor,
  node: ModelNode,
  select: string,
  target: string,
): Promise<MaterializeResult> {
  const { incrementalStrategy: strategy, uniqueKey } = node.resolved;
  const temp = quoteIdentifier(`${node.relation.identifier}__dbt_tmp`);
  await sql.run(`create or replace temp table ${temp} as (\n${select}\n)`);
  const columns = await reconcileColumns(sql, node, temp, target);
  const rows = await applyIncrementalStrategy(sql, {
    model: node.name,
    strategy,
    target,
    source: temp,
    columns,
    uniqueKey,
    updateColumns: node.resolved.mergeUpdateColumns,
    excludeColumns: node.resolved.mergeExcludeColumns,
  });
  await sql.run(`drop table if exists ${temp}`);
  const verb = strategy === 'append' ? 'INSERT' : strategy === 'merge' ? 'MERGE' : 'DELETE+INSERT';
  return { rowsAffected: rows, message: `${verb} ${rows}` };
}

/**
 * Compares the new rows' columns (in `temp`) with `target`'s and applies `on_schema_change`;
 * returns the columns to write.
 */
async function reconcileColumns(
  sql: SqlExecutor,
  node: ModelNode,
  temp: string,
  target: string,
): Promise<string[]> {
  const sourceColumns = await sql.columns(`select * from ${temp}`);
  const targetColumns = await sql.columns(`select * from ${target}`);
  const targetByName = new Map(targetColumns.map((c) => [c.name, c.type]));
  const sourceByName = new Map(sourceColumns.map((c) => [c.name, c.type]));
  const added = sourceColumns.filter((c) => !targetByName.has(c.name));
  const removed = targetColumns.filter((c) => !sourceByName.has(c.name));
  const retyped = sourceColumns.filter(
    (c) => targetByName.has(c.name) && targetByName.get(c.name) !== c.type,
  );
  const shared = sourceColumns.filter((c) => targetByName.has(c.name)).map((c) => c.name);
  if (added.length + removed.length + retyped.length === 0) return shared;
  const onSchemaChange = node.resolved.onSchemaChange;
  if (onSchemaChange === 'append_new_columns' || onSchemaChange === 'sync_all_columns') {
    for (const column of added)
      await sql.run(
        `alter table ${target} add column ${quoteIdentifier(column.name)} ${column.type}`,
      );
    if (onSchemaChange === 'sync_all_columns') {
      for (const column of removed)
        await sql.run(`alter table ${target} drop column ${quoteIdentifier(column.name)}`);
    }
    return sourceColumns.map((c) => c.name);
  }
  if (onSchemaChange === 'ignore') return shared;
  const describe = [
    added.length ? `new column(s) ${added.map((c) => `${c.name} ${c.type}`).join(', ')}` : '',
    removed.length ? `missing column(s) ${removed.map((c) => c.name).join(', ')}` : '',
    retyped.length
      ? `changed type(s) ${retyped.map((c) => `${c.name} ${targetByName.get(c.name)} -> ${c.type}`).join(', ')}`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
  throw new MaterializeError(
    `model "${node.name}": the new rows' columns differ from ${target}: ${describe}. ` +
      'Rebuild it with --full-refresh, or set on_schema_change (append_new_columns, sync_all_columns, ignore).',
  );
}
