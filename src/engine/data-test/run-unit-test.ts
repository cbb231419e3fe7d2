import type { UnitTestRows } from '../project/properties.js';
import { nodeOfKind, type GraphNode } from '../graph/graph-node.js';
import { quoteIdentifier, quoteLiteral } from '../../base/warehouse/quote.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';
import type { TestOutcome } from './run-data-test.js';

/** A column name and its DuckDB type. */
export interface TypedColumn {
  readonly name: string;
  readonly type: string;
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object') return quoteLiteral(JSON.stringify(value));
  return quoteLiteral(String(value));
}

function valueOf(row: Readonly<Record<string, unknown>>, column: string): unknown {
  const key = Object.keys(row).find((k) => k.toLowerCase() === column.toLowerCase());
  return key === undefined ? null : row[key];
}

/**
 * The SQL of given or expected rows. With `columns` (the input relation's, or the model's output)
 * every row has each of them, cast to its type, a column a row leaves out being null, as dbt
 * fills it; without (an input not built yet) the rows' own keys, untyped.
 */
export function rowsSql(rows: UnitTestRows, columns: readonly TypedColumn[] | undefined): string {
  if (rows.format === 'sql') return rows.sql;
  const keys = [...new Set(rows.rows.flatMap((row) => Object.keys(row)))];
  const shape: readonly (TypedColumn | { name: string; type?: undefined })[] =
    columns ?? keys.map((name) => ({ name }));
  if (shape.length === 0) return 'select null as __dbt_no_columns where false';
  const select = (row: Readonly<Record<string, unknown>>): string =>
    `select ${shape
      .map((column) => {
        const value = literal(valueOf(row, column.name));
        const typed = column.type ? `cast(${value} as ${column.type})` : value;
        return `${typed} as ${quoteIdentifier(column.name)}`;
      })
      .join(', ')}`;
  if (rows.rows.length === 0) return `${select({})} where false`;
  return rows.rows.map(select).join('\nunion all\n');
}

/**
 * The columns the expectation names, in their order; undefined for all of the model's (a
 * `format: sql` query, or no rows expected at all).
 */
function expectedColumns(rows: UnitTestRows): string[] | undefined {
  if (rows.format === 'sql' || rows.rows.length === 0) return undefined;
  return [...new Set(rows.rows.flatMap((row) => Object.keys(row)))];
}

/**
 * Given rows may name only columns the input has: a misspelt key would otherwise leave the real
 * column null and let the test pass for the wrong reason.
 */
export function checkGivenColumns(
  test: string,
  input: string,
  rows: UnitTestRows,
  columns: readonly TypedColumn[],
): void {
  if (rows.format === 'sql') return;
  const known = new Set(columns.map((column) => column.name.toLowerCase()));
  const unknown = [...new Set(rows.rows.flatMap((row) => Object.keys(row)))].filter(
    (key) => !known.has(key.toLowerCase()),
  );
  if (unknown.length > 0)
    throw new Error(
      `unit test "${test}": the rows given for ${input} name column(s) ${unknown.join(', ')}, which it does not have (it has ${columns.map((c) => c.name).join(', ')})`,
    );
}

/**
 * Runs a unit test: the model's SQL over the given rows (`modelSql`, fixtures inlined) compared with
 * the expected rows on the columns the expectation names, as a multiset (order does not matter,
 * repeats do). It fails with the differing rows: `+` the model gave but the test did not expect,
 * `-` the test expected but the model did not give.
 */
export async function runUnitTest(
  sql: SqlExecutor,
  graphNode: GraphNode,
  modelSql: string,
): Promise<TestOutcome & { compiled: string }> {
  const node = nodeOfKind(graphNode, 'unit_test');
  const output = await sql.columns(modelSql);
  const wanted = expectedColumns(node.unitTest.expect);
  const unknown = (wanted ?? []).filter(
    (name) => !output.some((column) => column.name.toLowerCase() === name.toLowerCase()),
  );
  if (unknown.length > 0) {
    throw new Error(
      `unit test "${node.name}": expected column(s) ${unknown.join(', ')} are not in the model's output (it has ${output.map((c) => c.name).join(', ')})`,
    );
  }
  const compared = wanted
    ? wanted.map((name) => output.find((c) => c.name.toLowerCase() === name.toLowerCase())!)
    : output;
  const list = compared.map((column) => quoteIdentifier(column.name)).join(', ');
  const expected =
    node.unitTest.expect.format === 'sql'
      ? `select ${list} from (${node.unitTest.expect.sql}) as expected_query`
      : rowsSql(node.unitTest.expect, compared);
  const compiled = `with actual as (\n  select ${list} from (\n${modelSql}\n  ) as model_output\n),\nexpected as (\n${expected}\n)
select '+' as diff, * from (select * from actual except all select * from expected) as unexpected
union all
select '-' as diff, * from (select * from expected except all select * from actual) as missing`;
  const diff = (await sql.table(`${compiled}\nlimit 1000`)).rows;
  if (diff.length === 0)
    return { status: 'pass', failures: 0, failingRows: 0, message: 'pass', compiled };
  const shown = diff
    .slice(0, 10)
    .map(([sign, ...values]) => {
      const cells = compared.map((c, i) => {
        const value = values[i];
        return `${c.name}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
      });
      return `  ${String(sign)} ${cells.join(', ')}`;
    })
    .join('\n');
  return {
    status: 'fail',
    failures: diff.length,
    failingRows: diff.length,
    message: `unit test "${node.name}" of ${node.unitTest.model.split('.').at(-1)}: ${diff.length} row(s) differ (+ given by the model but not expected, - expected but not given):\n${shown}${diff.length > 10 ? '\n  …' : ''}`,
    compiled,
  };
}
