import {
  DuckDBArrayType,
  DuckDBListType,
  DuckDBMapType,
  DuckDBStructType,
  DuckDBTypeId,
  DuckDBUnionType,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../../base/files/repository-root.js';
import { quoteIdentifier, quoteLiteral } from '../../../base/warehouse/quote.js';

/** Where the generated types are checked in (relative to the project root). */
export const WAREHOUSE_TYPES_FILE = 'src/generated/warehouse-types.ts';

/** The schema whose relations are typed (default `main`, where the models build). */
export const TYPED_SCHEMA = 'main';

/**
 * The TypeScript type of a DuckDB column as the Kysely dialect returns it (the mapping is
 * documented on `KyselyValue` in kysely-values.ts). Nested values are nullable element-wise.
 */
export function typeScriptTypeOf(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return 'number';
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return 'bigint';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'Date';
    case DuckDBTypeId.BLOB:
      return 'Uint8Array';
    case DuckDBTypeId.SQLNULL:
      return 'null';
    case DuckDBTypeId.LIST:
      return `${arrayOf(typeScriptTypeOf((type as DuckDBListType).valueType))}`;
    case DuckDBTypeId.ARRAY:
      return `${arrayOf(typeScriptTypeOf((type as DuckDBArrayType).valueType))}`;
    case DuckDBTypeId.STRUCT: {
      const struct = type as DuckDBStructType;
      const fields = struct.entryNames.map(
        (name, i) => `${propertyName(name)}: ${typeScriptTypeOf(struct.entryTypes[i]!)} | null`,
      );
      return fields.length === 0 ? 'Record<string, never>' : `{ ${fields.join('; ')} }`;
    }
    case DuckDBTypeId.MAP: {
      const map = type as DuckDBMapType;
      return `{ key: ${typeScriptTypeOf(map.keyType)}; value: ${typeScriptTypeOf(map.valueType)} | null }[]`;
    }
    case DuckDBTypeId.UNION: {
      const union = type as DuckDBUnionType;
      return union.memberTags
        .map(
          (tag, i) =>
            `{ tag: ${quoteTs(tag)}; value: ${typeScriptTypeOf(union.memberTypes[i]!)} | null }`,
        )
        .join(' | ');
    }
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_TZ:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.INTERVAL:
    case DuckDBTypeId.BIT:
      return 'string';
    default:
      return 'unknown';
  }
}

function arrayOf(element: string): string {
  return `(${element} | null)[]`;
}

function quoteTs(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function propertyName(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quoteTs(name);
}

/** `silver_events` → `SilverEvents`; names that start with a digit get a `Relation` prefix. */
export function interfaceName(relation: string): string {
  const pascal = relation
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z]/.test(pascal) ? pascal : `Relation${pascal}`;
}

interface RelationRow {
  name: string;
  kind: string;
}

/**
 * Introspects every table and view of the warehouse's `main` schema and returns the text of
 * `src/generated/warehouse-types.ts`: one interface per relation (columns in table order, `| null`
 * unless the column is NOT NULL) and `WarehouseDatabase` mapping relation names to them, for
 * `Kysely<WarehouseDatabase>`. Deterministic: relations sorted by name, formatted with the
 * project's Prettier settings (wherever the file is written) so that `npm run format` leaves the
 * checked-in file unchanged.
 */
export async function generateWarehouseTypes(connection: DuckDBConnection): Promise<string> {
  const relations = (
    await connection.runAndReadAll(
      `select table_name as name, table_type as kind from information_schema.tables
       where table_schema = ${quoteLiteral(TYPED_SCHEMA)} and table_catalog = current_database()
       order by table_name`,
    )
  ).getRowObjectsJson() as unknown as RelationRow[];
  const notNull = new Set(
    (
      await connection.runAndReadAll(
        `select table_name || '.' || column_name as id from information_schema.columns
         where table_schema = ${quoteLiteral(TYPED_SCHEMA)} and table_catalog = current_database()
           and is_nullable = 'NO'`,
      )
    )
      .getRowObjectsJson()
      .map((row) => String(row['id'])),
  );

  const blocks: string[] = [];
  const entries: string[] = [];
  for (const relation of relations) {
    const probe = await connection.run(`select * from ${quoteIdentifier(relation.name)} limit 0`);
    const columns = probe.columnNames().map((column, i) => {
      const type = probe.columnType(i);
      const nullable = notNull.has(`${relation.name}.${column}`) ? '' : ' | null';
      return `  /** ${type.toString().replaceAll('*/', '*\\/')} */\n  ${propertyName(column)}: ${typeScriptTypeOf(type)}${nullable};`;
    });
    const what = relation.kind === 'VIEW' ? 'View' : 'Table';
    const name = interfaceName(relation.name);
    blocks.push(
      `/** ${what} \`${relation.name}\`. */\nexport interface ${name} {\n${columns.join('\n')}\n}\n`,
    );
    entries.push(`  ${propertyName(relation.name)}: ${name};`);
  }

  const text = [
    '// Generated by `npm run gen-types` from the warehouse schema: do not edit by hand.',
    '// Value mapping (src/app/explore/kysely/kysely-values.ts): BIGINT → bigint, DECIMAL → string, DATE → string,',
    '// TIMESTAMP/TIMESTAMPTZ → Date, LIST → array, STRUCT → object, NULL → null.',
    '',
    ...blocks,
    '/** Every relation of the warehouse, for `Kysely<WarehouseDatabase>`. */',
    entries.length === 0
      ? 'export interface WarehouseDatabase {}\n'
      : `export interface WarehouseDatabase {\n${entries.join('\n')}\n}\n`,
  ].join('\n');
  const formatAs = join(REPOSITORY_ROOT, 'generated', 'warehouse-types.ts');
  const { format, resolveConfig } = await import('prettier'); // a dev tool: loaded only here
  const config = (await resolveConfig(formatAs)) ?? {};
  return format(text, { ...config, parser: 'typescript', filepath: formatAs });
}
