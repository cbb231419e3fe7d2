import type {
  IncrementalStrategy,
  Materialization,
  ModelConfig,
  OnSchemaChange,
} from '../graph/node-config.js';
import { toList } from '../project/folder-config.js';
import type { ProjectIssue } from '../project/project-issue.js';

const MATERIALIZATIONS: readonly string[] = ['view', 'table', 'incremental', 'ephemeral'];
const STRATEGIES: readonly string[] = ['append', 'merge', 'delete+insert'];
const SCHEMA_CHANGES: readonly string[] = ['ignore', 'append_new_columns', 'sync_all_columns'];

/** A model's `materialized`, or undefined after reporting one it does not know. */
export function materializationOf(
  config: Readonly<Record<string, unknown>>,
  file: string,
  issues: ProjectIssue[],
): Materialization | undefined {
  const materialized = String(config['materialized']);
  if (MATERIALIZATIONS.includes(materialized)) return materialized as Materialization;
  issues.push({
    file,
    message: `unknown materialization "${materialized}" (use view, table, incremental or ephemeral)`,
  });
  return undefined;
}

/**
 * The config the engine reads of model `name` (file `file`), resolved once; problems go to
 * `issues` beside the project's other errors, so that nothing runs.
 */
export function resolveModelConfig(
  name: string,
  file: string,
  config: Readonly<Record<string, unknown>>,
  materialized: Materialization,
  issues: ProjectIssue[],
): ModelConfig {
  const uniqueKey = toList(config['unique_key']).map(String).filter(Boolean);
  const onSchemaChange = String(config['on_schema_change'] ?? 'fail');
  const fullRefresh = config['full_refresh'];
  return {
    incrementalStrategy: incrementalStrategy(config, uniqueKey, materialized, file, issues),
    uniqueKey,
    onSchemaChange: SCHEMA_CHANGES.includes(onSchemaChange)
      ? (onSchemaChange as OnSchemaChange)
      : 'fail',
    // Only tables are declared with compression methods; a view or an ephemeral model ignores it.
    columnCompression:
      materialized === 'table' || materialized === 'incremental'
        ? columnCompression(name, file, config['column_compression'], issues)
        : new Map(),
    mergeUpdateColumns: toList(config['merge_update_columns']).map(String),
    mergeExcludeColumns: toList(config['merge_exclude_columns']).map(String),
    fullRefresh: typeof fullRefresh === 'boolean' ? fullRefresh : undefined,
    contractEnforced:
      (config['contract'] as { enforced?: unknown } | null | undefined)?.enforced === true,
  };
}

/**
 * `incremental_strategy`, or dbt-duckdb's default (its `get_incremental_default_sql` is
 * delete+insert, which appends when there is no `unique_key`): `delete+insert` with a
 * `unique_key`, `append` without. An incremental model with an unknown strategy, or an explicit
 * `merge`/`delete+insert` without `unique_key`, is reported.
 */
function incrementalStrategy(
  config: Readonly<Record<string, unknown>>,
  uniqueKey: readonly string[],
  materialized: Materialization,
  file: string,
  issues: ProjectIssue[],
): IncrementalStrategy {
  const fallback = uniqueKey.length > 0 ? 'delete+insert' : 'append';
  const configured = config['incremental_strategy'];
  if (configured === undefined || configured === null) return fallback;
  const strategy = String(configured);
  const known = STRATEGIES.includes(strategy);
  if (materialized === 'incremental' && !known) {
    issues.push({
      file,
      message: `unknown incremental_strategy "${strategy}" (use append, merge or delete+insert)`,
    });
  } else if (
    materialized === 'incremental' &&
    strategy !== 'append' &&
    config['unique_key'] === undefined
  ) {
    issues.push({ file, message: `incremental_strategy "${strategy}" needs a unique_key` });
  }
  return known ? (strategy as IncrementalStrategy) : fallback;
}

/**
 * `column_compression`: column name → DuckDB compression method (`fsst`, `dictionary`, `rle`,
 * `bitpacking`, `uncompressed`, …), as in DuckDB's `create table t (c varchar using compression
 * fsst)`. Reports a value that is not a mapping and a method that is not a name (it is written
 * into the SQL). Whether the columns exist is known only once the SELECT is described, so that is
 * checked when the table is built (materialize/create-table.ts).
 *
 * Why: when DuckDB writes a row group it first analyses every compression method for every column
 * and keeps the best. Declaring the method a column always ends up with skips that analysis for
 * every row group written to it, by this build and by every incremental append after it (the
 * landing table does the same: src/app/landing/landing-schema.ts).
 */
function columnCompression(
  model: string,
  file: string,
  value: unknown,
  issues: ProjectIssue[],
): Map<string, string> {
  const methods = new Map<string, string>();
  if (value === undefined || value === null) return methods;
  if (typeof value !== 'object' || Array.isArray(value)) {
    issues.push({
      file,
      message: `model "${model}": column_compression must map column names to compression methods, e.g. {payload: 'fsst'}`,
    });
    return methods;
  }
  for (const [column, method] of Object.entries(value as Record<string, unknown>)) {
    if (typeof method !== 'string' || !/^[A-Za-z_]+$/.test(method)) {
      issues.push({
        file,
        message: `model "${model}": column_compression for column "${column}" must be a compression method name such as 'fsst' or 'dictionary', got ${JSON.stringify(method)}`,
      });
    } else methods.set(column, method.toLowerCase());
  }
  return methods;
}
