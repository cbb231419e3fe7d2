import { sql, type Kysely } from 'kysely';
import type { WarehouseDatabase } from '../../generated/warehouse-types.js';
import { quoteIdentifier, quoteLiteral } from '../../base/warehouse/quote.js';
import type { RelationName } from './read-artifacts.js';

/** A built relation's columns (in order, with their types) and its row count. */
export interface CatalogEntry {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rowCount: number;
}

/** Every relation of the warehouse, by `schema.name`, with its columns. */
async function builtRelations(
  db: Kysely<WarehouseDatabase>,
): Promise<Map<string, { name: string; type: string }[]>> {
  const result = await sql<{
    table_schema: string;
    table_name: string;
    column_name: string;
    data_type: string;
  }>`
    select table_schema, table_name, column_name, data_type
    from information_schema.columns
    where table_catalog = current_database()
    order by table_schema, table_name, ordinal_position`.execute(db);
  const relations = new Map<string, { name: string; type: string }[]>();
  for (const row of result.rows) {
    const key = `${row.table_schema}.${row.table_name}`;
    relations.set(key, [
      ...(relations.get(key) ?? []),
      { name: row.column_name, type: row.data_type },
    ]);
  }
  return relations;
}

/**
 * What `dbt docs generate` puts in its catalog: for each relation of the manifest that exists in
 * the warehouse, its columns and types and its number of rows (exact: `count(*)`).
 */
export async function readCatalog(
  db: Kysely<WarehouseDatabase>,
  relations: ReadonlyMap<string, RelationName>,
): Promise<Map<string, CatalogEntry>> {
  const built = await builtRelations(db);
  const present = [...relations].filter(([, relation]) =>
    built.has(`${relation.schema}.${relation.identifier}`),
  );
  const catalog = new Map<string, CatalogEntry>();
  if (present.length === 0) return catalog;
  const counts = await sql<{ id: string; row_count: number }>`${sql.raw(
    present
      .map(
        ([id, relation]) =>
          `select ${quoteLiteral(id)} as id, cast(count(*) as double) as row_count ` +
          `from ${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.identifier)}`,
      )
      .join('\nunion all\n'),
  )}`.execute(db);
  const rowCounts = new Map(counts.rows.map((row) => [row.id, Number(row.row_count)]));
  for (const [id, relation] of present) {
    catalog.set(id, {
      columns: built.get(`${relation.schema}.${relation.identifier}`) ?? [],
      rowCount: rowCounts.get(id) ?? 0,
    });
  }
  return catalog;
}
