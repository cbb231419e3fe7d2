import type { IncrementalStrategy } from '../graph/node-config.js';
import { quoteIdentifier, quoteLiteral } from '../../base/warehouse/quote.js';
import { MaterializeError } from './materialize-error.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';

/**
 * Fails when the new rows hold several rows for one unique key: DuckDB's MERGE (1.5.6) would
 * silently insert duplicate keys, and delete+insert would double them. Names the model, the key
 * and an example value.
 */
export async function assertUniqueKeys(
  sql: SqlExecutor,
  model: string,
  source: string,
  keys: readonly string[],
): Promise<void> {
  const keyList = keys.map(quoteIdentifier).join(', ');
  const rows = await sql.rows(
    `select ${keys.map((k, i) => `${quoteIdentifier(k)}::varchar as k${i}`).join(', ')}, count(*) as n from ${source} group by ${keyList} having count(*) > 1 order by n desc limit 1`,
  );
  const row = rows[0];
  if (!row) return;
  const value = keys
    .map((_, i) => (row[`k${i}`] === null ? 'NULL' : quoteLiteral(String(row[`k${i}`]))))
    .join(', ');
  throw new MaterializeError(
    `model "${model}": the new rows hold ${String(row['n'])} rows for unique_key (${keys.join(', ')}) = (${value}); ` +
      'an incremental merge or delete+insert needs one row per key (DuckDB MERGE would insert duplicate keys). ' +
      `Deduplicate the model, e.g. \`qualify row_number() over (partition by ${keys.join(', ')} order by ...) = 1\`.`,
  );
}

/** Applies one incremental strategy from the temp table `source` into `target`; returns rows affected. */
export async function applyIncrementalStrategy(
  sql: SqlExecutor,
  options: {
    readonly model: string;
    readonly strategy: IncrementalStrategy;
    readonly target: string;
    readonly source: string;
    /** Columns to write (present in both). */
    readonly columns: readonly string[];
    readonly uniqueKey: readonly string[];
    /** `merge_update_columns` / `merge_exclude_columns` of the model config. */
    readonly updateColumns: readonly string[];
    readonly excludeColumns: readonly string[];
  },
): Promise<number> {
  const { target, source, columns } = options;
  // DuckDB identifiers are case-insensitive: `unique_key='ID'` names the column `id`.
  const uniqueKey = options.uniqueKey.map(
    (key) => columns.find((c) => c.toLowerCase() === key.toLowerCase()) ?? key,
  );
  const columnList = columns.map(quoteIdentifier).join(', ');
  if (options.strategy === 'append') {
    return sql.run(`insert into ${target} (${columnList})\nselect ${columnList} from ${source}`);
  }
  if (uniqueKey.length === 0) {
    throw new MaterializeError(
      `model "${options.model}": incremental_strategy "${options.strategy}" needs a unique_key`,
    );
  }
  const missing = uniqueKey.filter((k) => !columns.includes(k));
  if (missing.length > 0) {
    throw new MaterializeError(
      `model "${options.model}": unique_key column(s) ${missing.join(', ')} are not among the model's columns (${columns.join(', ')})`,
    );
  }
  await assertUniqueKeys(sql, options.model, source, uniqueKey);
  if (options.strategy === 'delete+insert') {
    const match = uniqueKey
      .map((k) => `${target}.${quoteIdentifier(k)} = dbt_internal_source.${quoteIdentifier(k)}`)
      .join(' and ');
    await sql.run(`delete from ${target} using ${source} as dbt_internal_source where ${match}`);
    return sql.run(`insert into ${target} (${columnList})\nselect ${columnList} from ${source}`);
  }
  const on = uniqueKey
    .map(
      (k) => `dbt_internal_source.${quoteIdentifier(k)} = dbt_internal_dest.${quoteIdentifier(k)}`,
    )
    .join(' and ');
  const update = (options.updateColumns.length > 0 ? options.updateColumns : columns).filter(
    (c) => !uniqueKey.includes(c) && !options.excludeColumns.includes(c),
  );
  const whenMatched =
    update.length > 0
      ? `when matched then update set ${update.map((c) => `${quoteIdentifier(c)} = dbt_internal_source.${quoteIdentifier(c)}`).join(', ')}\n`
      : '';
  return sql.run(
    `merge into ${target} as dbt_internal_dest\nusing ${source} as dbt_internal_source\non (${on})\n${whenMatched}` +
      `when not matched then insert (${columnList}) values (${columns.map((c) => `dbt_internal_source.${quoteIdentifier(c)}`).join(', ')})`,
  );
}
