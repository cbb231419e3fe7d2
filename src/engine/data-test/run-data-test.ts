import { nodeOfKind, type GraphNode } from '../graph/graph-node.js';
import type { SqlExecutor } from '../../base/warehouse/sql-executor.js';

/** The outcome of a data test that ran. */
export interface TestOutcome {
  readonly status: 'pass' | 'fail' | 'warn';
  /** `fail_calc` over the failing rows (default `count(*)`). */
  readonly failures: number;
  /** Rows the test's query returned (its failing rows), whatever `fail_calc` made of them. */
  readonly failingRows: number;
  readonly message: string;
}

/** Evaluates dbt's `warn_if`/`error_if` conditions such as `!= 0`, `>10`, `>= 5`. */
export function conditionHolds(condition: string, failures: number): boolean {
  const match = /^\s*(>=|<=|!=|<>|==|=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(condition);
  if (!match) return failures !== 0;
  const limit = Number(match[2]);
  switch (match[1]) {
    case '>=':
      return failures >= limit;
    case '<=':
      return failures <= limit;
    case '>':
      return failures > limit;
    case '<':
      return failures < limit;
    case '=':
    case '==':
      return failures === limit;
    default:
      return failures !== limit;
  }
}

/**
 * Runs a compiled data test: it fails when its query returns rows. Failures are counted with the
 * test's `fail_calc` (default `count(*)`); `severity` (default `error`), `error_if` and `warn_if`
 * (default `!= 0`) decide between fail and warn, as in dbt.
 */
export async function runDataTest(
  sql: SqlExecutor,
  node: GraphNode,
  compiledSql: string,
): Promise<TestOutcome> {
  const { failCalc, limit, severity, errorIf, warnIf } = nodeOfKind(node, 'test').resolved;
  const limitClause = limit !== undefined ? `\nlimit ${limit}` : '';
  const rows = await sql.rows(
    `select (${failCalc})::bigint as failures, count(*)::bigint as failing_rows from (\n${compiledSql}${limitClause}\n) as dbt_internal_test`,
  );
  const failures = Number(rows[0]?.['failures'] ?? 0);
  const failingRows = Number(rows[0]?.['failing_rows'] ?? 0);
  const plural = failures === 1 ? '' : 's';
  if (severity === 'error' && conditionHolds(errorIf, failures)) {
    return {
      status: 'fail',
      failures,
      failingRows,
      message: `Got ${failures} result${plural}, configured to fail if ${errorIf}`,
    };
  }
  if (conditionHolds(warnIf, failures)) {
    return {
      status: 'warn',
      failures,
      failingRows,
      message: `Got ${failures} result${plural}, configured to warn if ${warnIf}`,
    };
  }
  return { status: 'pass', failures, failingRows, message: 'PASS' };
}
