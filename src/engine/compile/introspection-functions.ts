import { quoteIdentifier, quoteLiteral } from '../../base/warehouse/quote.js';
import { Relation } from '../../base/warehouse/relation.js';
import { splitArgs } from './template-arguments.js';
import { CompilerError } from './template-error.js';
import type { QueryTable, WarehouseQueries } from './warehouse-queries.js';

/**
 * A list that is also a mapping by name, as agate's rows and columns are: `x[0]`, `x['name']`,
 * `x.name`, and `keys()`, `values()`, `items()`.
 */
function namedList<T>(items: readonly T[], names: readonly string[]): T[] {
  const list = [...items];
  const methods = {
    keys: (): string[] => [...names],
    values: (): T[] => [...items],
    items: (): [string, T][] => names.map((name, i) => [name, items[i]!]),
  };
  for (const [name, method] of Object.entries(methods))
    Object.defineProperty(list, name, { value: method, enumerable: false });
  names.forEach((name, i) => {
    if (!(name in list)) Object.defineProperty(list, name, { value: items[i], enumerable: false });
  });
  return list;
}

/**
 * A query result as dbt's agate table: iterable rows (`row[0]`, `row['name']`, `row.name`),
 * `rows`, `columns` (`columns[0].values()`, `columns['name'].values()`), `column_names`,
 * `column_types`.
 */
function agateTable(table: QueryTable): unknown[] {
  const { columnNames, columnTypes } = table;
  const rows = table.rows.map((values) => namedList(values, columnNames));
  const columns = columnNames.map((name, i) => ({
    name,
    data_type: columnTypes[i],
    values: (): unknown[] => rows.map((row) => row[i]),
    values_distinct: (): unknown[] => [...new Set(rows.map((row) => row[i]))],
  }));
  return Object.assign(rows.slice(), {
    rows,
    columns: namedList(columns, columnNames),
    column_names: [...columnNames],
    column_types: [...columnTypes],
    print_table: (): string => '',
  });
}

/** dbt's `Column`: name, type and the type tests macros use (`is_string()`, `is_number()` …). */
export class Column {
  readonly column: string;
  constructor(
    readonly name: string,
    readonly dtype: string,
    readonly char_size: number | null = null,
    readonly numeric_precision: number | null = null,
    readonly numeric_scale: number | null = null,
  ) {
    this.column = name;
  }
  get data_type(): string {
    return this.dtype;
  }
  get quoted(): string {
    return quoteIdentifier(this.name);
  }
  is_string(): boolean {
    return /^(varchar|text|string|char|bpchar)/i.test(this.dtype);
  }
  is_integer(): boolean {
    return /^(u?(tiny|small|big|huge)?int(eger)?\d*|long|short)$/i.test(this.dtype);
  }
  is_float(): boolean {
    return /^(double|float\d*|real)/i.test(this.dtype);
  }
  is_numeric(): boolean {
    return /^(decimal|numeric)/i.test(this.dtype);
  }
  is_number(): boolean {
    return this.is_integer() || this.is_float() || this.is_numeric();
  }
  string_size(): number {
    return this.char_size ?? 256;
  }
  toString(): string {
    return this.name;
  }
}

function relationParts(value: unknown): { schema: string; identifier: string } {
  const relation = value as { schema?: unknown; identifier?: unknown; name?: unknown } | null;
  const schema = relation?.schema;
  const identifier = relation?.identifier ?? relation?.name;
  if (typeof schema !== 'string' || typeof identifier !== 'string')
    throw new CompilerError(`expected a relation such as ref('x') (got ${JSON.stringify(value)})`);
  return { schema, identifier };
}

type Query = (sql: string) => QueryTable;

function columnsIn(query: Query, relation: unknown): Column[] {
  const { schema, identifier } = relationParts(relation);
  const table = query(
    `select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale
     from information_schema.columns
     where lower(table_schema) = lower(${quoteLiteral(schema)}) and lower(table_name) = lower(${quoteLiteral(identifier)})
     order by ordinal_position`,
  );
  return table.rows.map(
    ([name, type, size, precision, scale]) =>
      new Column(
        String(name),
        String(type),
        size as number | null,
        precision as number | null,
        scale as number | null,
      ),
  );
}

function relationIfExists(query: Query, schema: unknown, identifier: unknown): Relation | null {
  if (typeof schema !== 'string' || typeof identifier !== 'string') return null;
  const table = query(
    `select table_schema, table_name, table_type from information_schema.tables
     where lower(table_schema) = lower(${quoteLiteral(schema)}) and lower(table_name) = lower(${quoteLiteral(identifier)})`,
  );
  const row = table.rows[0];
  if (!row) return null;
  return new Relation(String(row[0]), String(row[1])).incorporate({
    type: row[2] === 'VIEW' ? 'view' : 'table',
  });
}

/** `adapter.drop_relation`: drops the table or view if it exists; renders as nothing. */
function dropRelation(query: Query, relation: unknown): string {
  const { schema, identifier } = relationParts(relation);
  const existing = relationIfExists(query, schema, identifier);
  if (existing) query(`drop ${existing.is_view ? 'view' : 'table'} if exists ${existing.render()}`);
  return '';
}

/** `api.Relation.create(...)` and `api.Column(...)` / `api.Column.create(...)`. */
function apiNamespace(): Record<string, unknown> {
  const createColumn = (...args: unknown[]): Column => {
    const { positional, kwargs } = splitArgs(args);
    const name = kwargs['column'] ?? kwargs['name'] ?? positional[0];
    const dtype = kwargs['dtype'] ?? kwargs['data_type'] ?? positional[1] ?? '';
    return new Column(String(name), String(dtype));
  };
  return {
    Relation: {
      add_ephemeral_prefix: (name: unknown): string => `__dbt__cte__${String(name)}`,
      create: (...args: unknown[]): Relation => {
        const { positional, kwargs } = splitArgs(args);
        const schema = kwargs['schema'] ?? positional[1] ?? 'main';
        const identifier = kwargs['identifier'] ?? positional[2];
        if (typeof identifier !== 'string')
          throw new CompilerError('api.Relation.create needs an identifier');
        return new Relation(String(schema), identifier);
      },
    },
    Column: Object.assign(createColumn, { create: createColumn }),
  };
}

/**
 * The context that reads the warehouse while a template renders: `run_query`, `statement` with
 * `load_result`, `load_relation`, `adapter.get_columns_in_relation`, `adapter.get_relation`,
 * `adapter.get_missing_columns`, and `api`. In the parse pass (`execute` false) nothing is queried,
 * as in dbt: `run_query` and `load_result` give none, the adapter no columns and no relation.
 * `queries` undefined in the execute pass means the command does not open the warehouse.
 */
export function introspectionFunctions(
  mode: 'parse' | 'execute',
  queries: WarehouseQueries | undefined,
): { functions: Record<string, unknown>; adapter: Record<string, unknown> } {
  const query: Query = (sql) => {
    if (mode === 'parse') return { columnNames: [], columnTypes: [], rows: [] };
    if (!queries)
      throw new CompilerError(
        'this template queries the warehouse (run_query, statement or adapter introspection), which this command does not open: run it with build or run',
      );
    return queries.result(sql.trim());
  };
  const statements = new Map<string, { table: unknown[]; data: unknown[][]; response: unknown }>();
  const runQuery = (sql: unknown): unknown => {
    if (mode === 'parse') return null;
    return agateTable(query(String(sql)));
  };
  const statement = (...args: unknown[]): string => {
    const { positional, kwargs } = splitArgs(args);
    const name = String(kwargs['name'] ?? positional[0] ?? 'main');
    const caller = kwargs['caller'];
    if (mode === 'parse' || typeof caller !== 'function') return '';
    const table = query(String(caller()));
    statements.set(name, {
      table: agateTable(table),
      data: table.rows.map((row) => [...row]),
      response: { code: 'OK', rows_affected: table.rows.length },
    });
    return '';
  };
  const functions = {
    run_query: runQuery,
    statement,
    load_result: (name: unknown): unknown => statements.get(String(name)) ?? null,
    load_relation: (relation: unknown): Relation | null => {
      if (mode === 'parse') return null;
      const { schema, identifier } = relationParts(relation);
      return relationIfExists(query, schema, identifier);
    },
    api: apiNamespace(),
  };
  const adapter = {
    get_columns_in_relation: (relation: unknown): Column[] =>
      mode === 'parse' ? [] : columnsIn(query, relation),
    get_relation: (...args: unknown[]): Relation | null => {
      if (mode === 'parse') return null;
      const { positional, kwargs } = splitArgs(args);
      return relationIfExists(
        query,
        kwargs['schema'] ?? positional[1],
        kwargs['identifier'] ?? positional[2],
      );
    },
    drop_relation: (relation: unknown): string =>
      mode === 'parse' ? '' : dropRelation(query, relation),
    get_missing_columns: (from: unknown, to: unknown): Column[] => {
      if (mode === 'parse') return [];
      const present = new Set(columnsIn(query, to).map((c) => c.name.toLowerCase()));
      return columnsIn(query, from).filter((c) => !present.has(c.name.toLowerCase()));
    },
  };
  return { functions, adapter };
}
