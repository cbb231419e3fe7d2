import type { SnapshotConfig } from '../graph/node-config.js';
import { quoteIdentifier } from '../../base/warehouse/quote.js';

/**
 * A column named in snapshot config: dbt pastes `unique_key`, `updated_at` and `check_cols` into
 * its SQL as written, so an expression (`unique_key="id || '-' || line"`) works; a bare name is
 * quoted so that any column name does.
 */
export function configColumn(text: string): string {
  return /^[A-Za-z_]\w*$/.test(text) ? quoteIdentifier(text) : text;
}

/** `__dbt_unique_key_1`, … : the evaluated parts of the unique key on both sides of a join. */
export function keyAliases(config: SnapshotConfig): string[] {
  return config.uniqueKey.map((_, i) => `__dbt_unique_key_${i + 1}`);
}

/** `select *, <key parts> from …`: a relation with its unique key evaluated, for joins. */
export function withKeys(config: SnapshotConfig, from: string): string {
  const parts = config.uniqueKey.map(
    (key, i) => `(${configColumn(key)}) as ${quoteIdentifier(keyAliases(config)[i]!)}`,
  );
  return `select *, ${parts.join(', ')} from ${from}`;
}

/** `a.k1 = b.k1 and …` over the evaluated unique key. */
export function keysMatch(config: SnapshotConfig, left: string, right: string): string {
  return keyAliases(config)
    .map((alias) => `${left}.${quoteIdentifier(alias)} = ${right}.${quoteIdentifier(alias)}`)
    .join(' and ');
}

/**
 * dbt's `dbt_scd_id`: the md5 of the unique key's parts and the version's time, `|`-separated,
 * each cast to text, so a version has the same id as dbt gives it.
 */
export function scdIdOf(config: SnapshotConfig, alias: string, updatedAt: string): string {
  const parts = [
    ...keyAliases(config).map((key) => `${alias}.${quoteIdentifier(key)}`),
    updatedAt,
  ].map((part) => `coalesce(cast(${part} as varchar), '')`);
  return `md5(${parts.join(" || '|' || ")})`;
}

/** The condition that selects the current version of each key in the snapshot table. */
export function isCurrent(config: SnapshotConfig, alias?: string): string {
  const column = `${alias ? `${alias}.` : ''}${quoteIdentifier(config.columns.dbtValidTo)}`;
  // Versions written before dbt_valid_to_current was set hold null: they are current too, as in dbt.
  return config.validToCurrent === undefined
    ? `${column} is null`
    : `(${column} = (${config.validToCurrent}) or ${column} is null)`;
}

/** What `dbt_valid_to` holds in a current version. */
export function currentValidTo(config: SnapshotConfig): string {
  return config.validToCurrent === undefined ? 'null' : `(${config.validToCurrent})`;
}

/**
 * Whether the query's row `src` is a new version of the snapshot's current row `cur`: with the
 * timestamp strategy its `updated_at` is later; with the check strategy a checked column differs
 * (null-safe). Under `hard_deletes: new_record` a key that comes back after its deletion record
 * is a new version too.
 */
export function rowChanged(config: SnapshotConfig, checkColumns: readonly string[]): string {
  const { strategy, columns } = config;
  const changed =
    strategy.kind === 'timestamp'
      ? `cur.${quoteIdentifier(columns.dbtValidFrom)} < src.__dbt_updated_at`
      : checkColumns
          .map(
            (column) => `cur.${configColumn(column)} is distinct from src.${configColumn(column)}`,
          )
          .join(' or ') || 'false';
  if (config.hardDeletes !== 'new_record') return `(${changed})`;
  return `((${changed}) or cur.${quoteIdentifier(columns.dbtIsDeleted)} = 'True')`;
}
