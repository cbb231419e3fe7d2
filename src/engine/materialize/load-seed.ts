import type { SeedNode } from '../graph/graph-node.js';
import { quoteIdentifier, quoteLiteral } from '../../base/warehouse/quote.js';
import type { HookStatements } from './hook-statements.js';
import { MaterializeError } from './materialize-error.js';
import type { MaterializeResult } from './materialize-model.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';

/** Rendered `pre_hook`/`post_hook` statements of a seed, run inside its transaction. */
export interface SeedHooks {
  readonly preHooks: HookStatements;
  readonly postHooks: HookStatements;
}

/**
 * (Re)loads a seed CSV with DuckDB's CSV reader in one transaction with its hooks: header row,
 * types auto-detected except those given in `column_types` (seed config in YAML or
 * `dbt_project.yml`), optional `delimiter`. The table is replaced on every build.
 */
export async function loadSeed(
  sql: SqlExecutor,
  node: SeedNode,
  absolutePath: string,
  hooks: SeedHooks = { preHooks: async () => [], postHooks: async () => [] },
): Promise<MaterializeResult> {
  const { relation } = node;
  const { columnTypes, delimiter } = node.resolved;
  const options = ['header = true', 'auto_detect = true'];
  if (columnTypes.size > 0) {
    const entries = [...columnTypes].map(
      ([column, type]) => `${quoteLiteral(column)}: ${quoteLiteral(type)}`,
    );
    options.push(`types = {${entries.join(', ')}}`);
  }
  if (delimiter !== undefined) options.push(`delim = ${quoteLiteral(delimiter)}`);
  return sql.transaction(async () => {
    await sql.run(`create schema if not exists ${quoteIdentifier(relation.schema)}`);
    for (const hook of await hooks.preHooks()) await runHook(sql, hook, 'pre_hook');
    try {
      await sql.run(
        `create or replace table ${relation.render()} as\nselect * from read_csv(${quoteLiteral(absolutePath)}, ${options.join(', ')})`,
      );
    } catch (error) {
      throw new MaterializeError(describeCsvError(error), { cause: error });
    }
    const rows = await sql.rows(`select count(*)::bigint as n from ${relation.render()}`);
    const count = Number(rows[0]?.['n'] ?? 0);
    for (const hook of await hooks.postHooks()) await runHook(sql, hook, 'post_hook');
    return { rowsAffected: count, message: `INSERT ${count}` };
  });
}

async function runHook(sql: SqlExecutor, hook: string, key: string): Promise<void> {
  try {
    await sql.run(hook);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new MaterializeError(`${key} failed: ${message}`, { cause: error });
  }
}

/**
 * DuckDB's CSV reader error without the reader's settings dump (`file = …`, `delimiter = …`) and
 * the echo of our own `read_csv(...)` call: what is left names the line, the column and the value.
 */
export function describeCsvError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split('\n')
    .filter((line) => !/^\s+[a-z_]+ = /.test(line))
    .join('\n')
    .replace(/\n+LINE \d+: select \* from read_csv\([\s\S]*$/, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
