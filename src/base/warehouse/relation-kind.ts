import type { Relation } from './relation.js';
import { quoteLiteral } from './quote.js';
import type { SqlExecutor } from './sql-executor.js';

/** What exists in the warehouse under a relation's name. */
export type RelationKind = 'table' | 'view' | null;

/** Looks up whether `relation` exists as a table or a view (temporary objects ignored). */
export async function relationKind(sql: SqlExecutor, relation: Relation): Promise<RelationKind> {
  const rows = await sql.rows(
    `select 'table' as kind from duckdb_tables() where schema_name = ${quoteLiteral(relation.schema)} and table_name = ${quoteLiteral(relation.identifier)} and not temporary
     union all
     select 'view' from duckdb_views() where schema_name = ${quoteLiteral(relation.schema)} and view_name = ${quoteLiteral(relation.identifier)} and not temporary`,
  );
  const kind = rows[0]?.['kind'];
  return kind === 'table' || kind === 'view' ? kind : null;
}
