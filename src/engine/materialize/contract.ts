import type { ModelNode } from '../graph/graph-node.js';
import { quoteIdentifier } from '../../base/warehouse/quote.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';
import { MaterializeError } from './materialize-error.js';

/** A column as the contract declares it, its type as DuckDB names it. */
export interface ContractColumn {
  readonly name: string;
  readonly type: string;
  /** Column constraints as DDL (`not null`, `unique`, `primary key`, `check (…)`). */
  readonly constraints: readonly string[];
}

function constraintSql(type: string, expression: string | undefined): string | undefined {
  if (type === 'not_null') return 'not null';
  if (type === 'unique') return 'unique';
  if (type === 'primary_key') return 'primary key';
  if (type === 'check') return `check (${expression})`;
  // foreign_key and custom constraints are not enforced here, as dbt-duckdb leaves them.
  return undefined;
}

/** A type without its size, precision and scale, which dbt's contracts do not compare. */
function baseType(type: string): string {
  return type.replace(/\(.*\)$/, '').trim();
}

/**
 * Holds a model to its enforced contract before it is built, as dbt does: the SELECT must give
 * exactly the declared columns (any order), each of the declared type, compared as DuckDB names
 * types (`int` is `INTEGER`, `text` is `VARCHAR`) and, as in dbt, without size, precision or
 * scale (`numeric` matches `DECIMAL(38,2)`). A mismatch fails the model with a table of
 * what differs; returns the declared columns, for the table's DDL.
 */
export async function assertContract(
  sql: SqlExecutor,
  node: ModelNode,
  select: string,
): Promise<ContractColumn[]> {
  const declared = node.columns;
  const canonical = await sql.columns(
    `select ${declared.map((c, i) => `cast(null as ${c.dataType}) as c${i}`).join(', ')}`,
  );
  const contract = declared.map((column, i) => ({
    name: column.name,
    type: canonical[i]!.type,
    constraints: (column.constraints ?? [])
      .map((c) => constraintSql(c.type, c.expression))
      .filter((c): c is string => c !== undefined),
  }));
  const actual = await sql.columns(select);
  const find = <T extends { name: string }>(list: readonly T[], name: string): T | undefined =>
    list.find((item) => item.name.toLowerCase() === name.toLowerCase());
  const rows: string[][] = [];
  for (const column of contract) {
    const built = find(actual, column.name);
    if (!built) rows.push([column.name, '', column.type, 'missing in definition']);
    else if (baseType(built.type) !== baseType(column.type))
      rows.push([column.name, built.type, column.type, 'data type mismatch']);
  }
  for (const built of actual)
    if (!find(contract, built.name)) rows.push([built.name, built.type, '', 'missing in contract']);
  if (rows.length > 0) {
    const header = ['column_name', 'definition_type', 'contract_type', 'mismatch_reason'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string =>
      `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
    throw new MaterializeError(
      `model "${node.name}" has an enforced contract that failed: the name, data_type and number of its columns must match the contract.\n${[line(header), ...rows.map(line)].join('\n')}`,
    );
  }
  return contract;
}

/** The column definitions of a contracted table, with their compression and constraints. */
export function contractDefinitions(
  columns: readonly ContractColumn[],
  compression: ReadonlyMap<string, string>,
): string[] {
  return columns.map((column) => {
    const method = compression.get(column.name);
    return [
      quoteIdentifier(column.name),
      column.type,
      ...(method ? [`using compression ${method}`] : []),
      ...column.constraints,
    ].join(' ');
  });
}
