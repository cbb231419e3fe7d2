import { nodeOfKind, type GraphNode, type SnapshotNode } from '../graph/graph-node.js';
import type { SnapshotConfig } from '../graph/node-config.js';
import type { HookStatements } from './hook-statements.js';
import { quoteIdentifier, quoteLiteral } from '../../base/warehouse/quote.js';
import type { RelationKind } from '../../base/warehouse/relation-kind.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';
import { MaterializeError } from './materialize-error.js';
import type { MaterializeResult } from './materialize-model.js';
import {
  configColumn,
  currentValidTo,
  isCurrent,
  keyAliases,
  keysMatch,
  rowChanged,
  scdIdOf,
  withKeys,
} from './snapshot-sql.js';

/** What a snapshot build is given: the node, its rendered query and hooks, what exists now. */
export interface SnapshotInput {
  readonly node: GraphNode;
  readonly sql: string;
  readonly preHooks: HookStatements;
  readonly postHooks: HookStatements;
  readonly existing: RelationKind;
}

const SOURCE = quoteIdentifier('__dbt_snapshot_source');
const CURRENT = quoteIdentifier('__dbt_snapshot_current');
const INSERTS = quoteIdentifier('__dbt_snapshot_inserts');
const CLOSES = quoteIdentifier('__dbt_snapshot_closes');

/** A problem with a snapshot, naming it. */
function fail(node: SnapshotNode, message: string): never {
  throw new MaterializeError(`snapshot "${node.name}": ${message}`);
}

/** The snapshot's own columns, in the order dbt adds them. */
function metaColumns(config: SnapshotConfig): string[] {
  const { columns } = config;
  const names = [columns.dbtScdId, columns.dbtUpdatedAt, columns.dbtValidFrom, columns.dbtValidTo];
  return config.hardDeletes === 'new_record' ? [...names, columns.dbtIsDeleted] : names;
}

/**
 * Builds a snapshot, dbt's type-2 slowly changing dimension, in one transaction with its hooks: the
 * first build copies the query's rows as current versions; every later build closes the current
 * version of each key whose row changed (its `dbt_valid_to` set) and inserts the new version,
 * inserts new keys, and under `hard_deletes: invalidate` or `new_record` closes keys gone from the
 * query (`new_record` also inserts a deletion record, `dbt_is_deleted = 'True'`). Columns new in
 * the query are added to the table. A key that comes back after a deletion is versioned at its
 * `updated_at` under the timestamp strategy, as dbt does, even when that is earlier than the
 * deletion (which is timed by the snapshot's clock). The query must give one row per unique key, never a null
 * key: anything else would corrupt the history, so it fails naming the key. `--full-refresh`
 * does not rebuild a snapshot, as in dbt: its history cannot be made again.
 */
export async function materializeSnapshot(
  sql: SqlExecutor,
  input: SnapshotInput,
): Promise<MaterializeResult> {
  const node = nodeOfKind(input.node, 'snapshot');
  const target = node.relation.render();
  if (input.existing === 'view')
    fail(node, `${target} is a view; a snapshot keeps its history in a table (drop the view)`);
  return sql.transaction(async () => {
    await sql.run(`create schema if not exists ${quoteIdentifier(node.relation.schema)}`);
    for (const hook of await input.preHooks()) await sql.run(hook);
    const queryColumns = (await sql.columns(input.sql)).map((column) => column.name);
    checkQueryColumns(node, queryColumns);
    // Snapshot time in UTC, fixed once, so every version this build writes carries the same time.
    const time = await snapshotTime(sql);
    const strategy = node.resolved.strategy;
    const updatedAt =
      strategy.updatedAt === undefined ? time : `(${configColumn(strategy.updatedAt)})`;
    const keys = node.resolved.uniqueKey
      .map(
        (key, i) => `(${configColumn(key)}) as ${quoteIdentifier(keyAliases(node.resolved)[i]!)}`,
      )
      .join(', ');
    await sql.run(
      `create or replace temp table ${SOURCE} as\nselect *, ${keys}, ${updatedAt} as __dbt_updated_at from (\n${input.sql}\n) as snapshot_query`,
    );
    await assertOneRowPerKey(sql, node);
    const result =
      input.existing === 'table'
        ? await updateSnapshot(sql, node, target, queryColumns, await closingTime(sql, time))
        : await createSnapshot(sql, node, target, queryColumns);
    for (const hook of await input.postHooks()) await sql.run(hook);
    for (const temp of [SOURCE, CURRENT, INSERTS, CLOSES])
      await sql.run(`drop table if exists ${temp}`);
    return result;
  });
}

function checkQueryColumns(node: SnapshotNode, columns: readonly string[]): void {
  const known = new Set(columns.map((column) => column.toLowerCase()));
  const { resolved } = node;
  const reserved = columns.find((column) => column.startsWith('__dbt_'));
  if (reserved)
    fail(
      node,
      `the query has a column "${reserved}"; names starting with __dbt_ are the snapshot's own`,
    );
  const meta = metaColumns(resolved).find((column) => known.has(column.toLowerCase()));
  if (meta)
    fail(
      node,
      `the query already has a column "${meta}", which the snapshot adds; rename it or set snapshot_meta_column_names`,
    );
  const named: [string, string][] = resolved.uniqueKey.map((key) => ['unique_key', key]);
  if (resolved.strategy.updatedAt !== undefined)
    named.push(['updated_at', resolved.strategy.updatedAt]);
  if (resolved.strategy.kind === 'check' && resolved.strategy.checkCols !== 'all')
    for (const column of resolved.strategy.checkCols) named.push(['check_cols', column]);
  for (const [key, column] of named) {
    if (/^[A-Za-z_]\w*$/.test(column) && !known.has(column.toLowerCase()))
      fail(node, `${key} "${column}" is not a column of the query (it has ${columns.join(', ')})`);
  }
}

async function snapshotTime(sql: SqlExecutor): Promise<string> {
  const rows = await sql.rows(
    "select strftime(now() at time zone 'UTC', '%Y-%m-%d %H:%M:%S.%f') as t",
  );
  return `timestamp ${quoteLiteral(String(rows[0]!['t']))}`;
}

async function assertOneRowPerKey(sql: SqlExecutor, node: SnapshotNode): Promise<void> {
  const aliases = keyAliases(node.resolved).map(quoteIdentifier);
  const keyText = node.resolved.uniqueKey.join(', ');
  const nulls = await sql.rows(
    `select count(*)::bigint as n from ${SOURCE} where ${aliases.map((a) => `${a} is null`).join(' or ')}`,
  );
  const nullCount = Number(nulls[0]!['n']);
  if (nullCount > 0)
    fail(
      node,
      `the query returns ${nullCount} row(s) with a null unique_key (${keyText}); every row needs a key`,
    );
  const rows = await sql.rows(
    `select ${aliases.map((a, i) => `${a}::varchar as k${i}`).join(', ')}, count(*)::bigint as n from ${SOURCE} group by all having count(*) > 1 order by n desc limit 1`,
  );
  const row = rows[0];
  if (!row) return;
  const value = aliases.map((_, i) => quoteLiteral(String(row[`k${i}`]))).join(', ');
  fail(
    node,
    `the query returns ${String(row['n'])} rows for unique_key (${keyText}) = (${value}); a snapshot needs one row per key, or its history would hold several current versions`,
  );
}

/**
 * The snapshot's time as the versions' time type: a `timestamptz` `updated_at` gets the same UTC
 * instant, not the naive UTC time read in the session's time zone.
 */
async function closingTime(sql: SqlExecutor, time: string): Promise<string> {
  const type = await timeType(sql);
  return type.startsWith('TIMESTAMP WITH TIME ZONE') ? `(${time} at time zone 'UTC')` : time;
}

/** The type of the versions' time (`updated_at`'s, or a timestamp for the check strategy). */
async function timeType(sql: SqlExecutor): Promise<string> {
  const columns = await sql.columns(`select __dbt_updated_at from ${SOURCE}`);
  return columns[0]!.type;
}

async function createSnapshot(
  sql: SqlExecutor,
  node: SnapshotNode,
  target: string,
  queryColumns: readonly string[],
): Promise<MaterializeResult> {
  const config = node.resolved;
  const { columns } = config;
  const type = await timeType(sql);
  const select = [
    ...queryColumns.map((column) => `src.${quoteIdentifier(column)}`),
    `${scdIdOf(config, 'src', 'src.__dbt_updated_at')} as ${quoteIdentifier(columns.dbtScdId)}`,
    `src.__dbt_updated_at as ${quoteIdentifier(columns.dbtUpdatedAt)}`,
    `src.__dbt_updated_at as ${quoteIdentifier(columns.dbtValidFrom)}`,
    `cast(${currentValidTo(config)} as ${type}) as ${quoteIdentifier(columns.dbtValidTo)}`,
  ];
  if (config.hardDeletes === 'new_record')
    select.push(`'False' as ${quoteIdentifier(columns.dbtIsDeleted)}`);
  const count = await sql.createTableAs(
    `create table ${target} as\nselect ${select.join(',\n  ')}\nfrom ${SOURCE} as src`,
  );
  return { rowsAffected: count, message: `SNAPSHOT ${count} new` };
}

/** Adds to the table the columns the query has and the table has not; returns the table's columns. */
async function addNewColumns(
  sql: SqlExecutor,
  target: string,
  queryColumns: readonly string[],
): Promise<string[]> {
  const existing = await sql.columns(`select * from ${target}`);
  const names = new Set(existing.map((column) => column.name.toLowerCase()));
  const types = new Map(
    (await sql.columns(`select * exclude (__dbt_updated_at) from ${SOURCE}`)).map((c) => [
      c.name,
      c.type,
    ]),
  );
  const added: string[] = [];
  for (const column of queryColumns) {
    if (names.has(column.toLowerCase())) continue;
    await sql.run(
      `alter table ${target} add column ${quoteIdentifier(column)} ${types.get(column)}`,
    );
    added.push(column);
  }
  return [...existing.map((column) => column.name), ...added];
}

/** Checks the table has the snapshot's columns; adds `dbt_is_deleted` when `new_record` is new. */
async function checkMetaColumns(
  sql: SqlExecutor,
  node: SnapshotNode,
  target: string,
  tableColumns: string[],
): Promise<void> {
  const has = (column: string): boolean =>
    tableColumns.some((name) => name.toLowerCase() === column.toLowerCase());
  const { columns, hardDeletes } = node.resolved;
  if (hardDeletes === 'new_record' && !has(columns.dbtIsDeleted)) {
    const column = quoteIdentifier(columns.dbtIsDeleted);
    await sql.run(`alter table ${target} add column ${column} varchar default 'False'`);
    tableColumns.push(columns.dbtIsDeleted);
  }
  const missing = metaColumns(node.resolved).find((column) => !has(column));
  if (missing)
    fail(
      node,
      `${target} has no column "${missing}": it was built with other snapshot_meta_column_names (rename the columns or restore the config)`,
    );
}

async function updateSnapshot(
  sql: SqlExecutor,
  node: SnapshotNode,
  target: string,
  queryColumns: readonly string[],
  time: string,
): Promise<MaterializeResult> {
  const config = node.resolved;
  const { columns, strategy } = config;
  const tableColumns = await addNewColumns(sql, target, queryColumns);
  await checkMetaColumns(sql, node, target, tableColumns);
  const q = quoteIdentifier;
  const checkColumns =
    strategy.kind === 'check'
      ? strategy.checkCols === 'all'
        ? queryColumns
        : strategy.checkCols
      : [];
  const match = keysMatch(config, 'cur', 'src');
  const changed = rowChanged(config, checkColumns);
  const firstKey = q(keyAliases(config)[0]!);
  const gone = `not exists (select 1 from ${SOURCE} as src where ${match})${
    config.hardDeletes === 'new_record'
      ? ` and cur.${q(columns.dbtIsDeleted)} is distinct from 'True'`
      : ''
  }`;
  await sql.run(
    `create or replace temp table ${CURRENT} as\n${withKeys(config, `${target} where ${isCurrent(config)}`)}`,
  );
  await sql.run(
    `create or replace temp table ${INSERTS} as\nselect src.* from ${SOURCE} as src left join ${CURRENT} as cur on ${match}\nwhere cur.${firstKey} is null or ${changed}`,
  );
  const closes = [
    `select cur.${q(columns.dbtScdId)} as scd_id, src.__dbt_updated_at as closed_at from ${CURRENT} as cur join ${SOURCE} as src on ${match} where ${changed}`,
  ];
  if (config.hardDeletes !== 'ignore')
    closes.push(`select cur.${q(columns.dbtScdId)}, ${time} from ${CURRENT} as cur where ${gone}`);
  await sql.run(`create or replace temp table ${CLOSES} as\n${closes.join('\nunion all\n')}`);
  const closed = await sql.run(
    `update ${target} as t set ${q(columns.dbtValidTo)} = c.closed_at from ${CLOSES} as c\nwhere t.${q(columns.dbtScdId)} = c.scd_id and ${isCurrent(config, 't')}`,
  );
  const meta = metaColumns(config).map(q).join(', ');
  const scdId = scdIdOf(config, 'i', 'i.__dbt_updated_at');
  // A key that comes back with a time it had before would repeat an old dbt_scd_id: keep ids unique.
  const uniqueScdId = `case when exists (select 1 from ${target} as t where t.${q(columns.dbtScdId)} = ${scdId}) then md5(${scdId} || '|' || cast(${time} as varchar)) else ${scdId} end`;
  const deleted = config.hardDeletes === 'new_record' ? ", 'False'" : '';
  const inserted = await sql.run(
    `insert into ${target} (${[...queryColumns.map(q), meta].join(', ')})\nselect ${queryColumns
      .map((column) => `i.${q(column)}`)
      .join(
        ', ',
      )}, ${uniqueScdId}, i.__dbt_updated_at, i.__dbt_updated_at, ${currentValidTo(config)}${deleted}\nfrom ${INSERTS} as i`,
  );
  let deletionRecords = 0;
  if (config.hardDeletes === 'new_record') {
    const metaNames = new Set(metaColumns(config).map((column) => column.toLowerCase()));
    const data = tableColumns.filter((column) => !metaNames.has(column.toLowerCase())).map(q);
    deletionRecords = await sql.run(
      `insert into ${target} (${[...data, meta].join(', ')})\nselect ${data.map((c) => `cur.${c}`).join(', ')}, ${scdIdOf(config, 'cur', time)}, ${time}, ${time}, ${currentValidTo(config)}, 'True'\nfrom ${CURRENT} as cur where ${gone}`,
    );
  }
  return {
    rowsAffected: inserted + closed + deletionRecords,
    message: `SNAPSHOT ${inserted} new, ${closed} closed${deletionRecords > 0 ? `, ${deletionRecords} deleted` : ''}`,
  };
}
